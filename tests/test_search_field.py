"""The search field's magnifier never covers the query.

In Chromium, on both editions' search pages at desktop and phone widths, in
the page's own search field and in the search dialog (Ctrl+K): the icon ends
left of where the field's text begins (its content box, after the padding).
"""

from __future__ import annotations

import pytest

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
QUERIES = {"html": "KORUS", "ko/html": "방위비"}

MEASURE = """() => [...document.querySelectorAll("form.bd-search")]
  .filter(form => form.offsetParent !== null)
  .map(form => {
    const input = form.querySelector("input");
    const icon = form.querySelector(".fa-magnifying-glass");
    const box = input.getBoundingClientRect(), style = getComputedStyle(input);
    return {text: box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft),
            icon: icon.getBoundingClientRect().right, value: input.value};
  })"""


@pytest.mark.requires_browser
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("site", sorted(QUERIES))
def test_magnifier_leaves_the_query_visible(browser, both_sites: str, site: str, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    try:
        page.goto(f"{both_sites}/{site}/search.html?q={QUERIES[site]}")
        page.wait_for_selector("#search-results")
        fields = page.evaluate(MEASURE)
        # The dialog, from another page (on the search page Ctrl+K focuses its field).
        page.goto(f"{both_sites}/{site}/index.html")
        page.keyboard.press("Control+k")
        page.wait_for_timeout(300)
        page.keyboard.type(QUERIES[site])
        fields += page.evaluate(MEASURE)
        assert len(fields) == 2 and all(f["value"] == QUERIES[site] for f in fields), \
            f"{site} ({viewport}): the page's field and the dialog's, with the query: {fields}"
        covered = [f for f in fields if f["icon"] > f["text"]]
        assert not covered, f"{site} ({viewport}): the magnifier reaches into the text: {covered}"
    finally:
        context.close()
