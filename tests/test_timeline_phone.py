"""The timeline page read on a phone: the figure's text large enough, the
table's Source column broken only between words, nothing wider than the
screen.

Chromium renders the built page (the EPUB's XHTML, as test_epub.py's phone
test does, and the website's HTML) at 360 × 740 px, in light and dark mode,
for both editions. The figure's text size is the size of its glyphs in the SVG
(each run of text is drawn at ``scale(size/1000)`` in viewBox units) times the
ratio of the image's rendered width to its viewBox width. A word of the
Source column is split when its characters lie on more than one line box and
it has no hyphen to show it. Each check is also run on the same page with a
defect planted by an added stylesheet (nothing is written anywhere), and must
name the page.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers import HYPHENS, SPLIT_WORDS, tab

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SMALLEST = 12.0  # px, the least text size a phone reader is asked to read
PAGES = {"epub": "backmatter/timeline.xhtml", "html": "backmatter/timeline.html"}
FIXTURES = {("en", "epub"): "epub_dir", ("ko", "epub"): "ko_epub_dir",
            ("en", "html"): "html_dir", ("ko", "html"): "ko_html_dir"}
EDITIONS = [pytest.param(edition, output, id=f"{edition}-{output}") for edition, output in FIXTURES]

# The figure's images as shown: which file, how wide on the screen.
SHOWN_FIGURES = """() => [...document.querySelectorAll('#fig-timeline img')]
    .filter(img => img.getBoundingClientRect().width > 0)
    .map(img => ({src: img.src, width: img.getBoundingClientRect().width}))"""

# The Source column's cells, whose words may break after a hyphen only.
SOURCE_CELLS = ["table.timeline-table tbody td:last-child", HYPHENS]

# What the checks must catch: the wide drawing shown on a phone, and a Source
# column too narrow for its words, with words allowed to break anywhere.
WIDE_ON_PHONE = ("img.report-timeline-phone { display: none !important; }"
                 " img.report-timeline-wide { display: inline !important; }")
NARROW_COLUMN = ("table.timeline-table td:last-child { width: 4em !important; max-width: 4em; }"
                 " table.timeline-table td:last-child, table.timeline-table td:last-child * "
                 "{ overflow-wrap: anywhere !important; }")


def glyph_size(svg: Path) -> tuple[float, float]:
    """(viewBox width, the smallest text size) of a drawing by report.timelinedraw."""
    text = svg.read_text(encoding="utf-8")
    view_box = re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', text)
    sizes = [float(s) * 1000 for s in re.findall(r'scale\(([\d.]+) -[\d.]+\)', text)]
    assert view_box and sizes, f"{svg}: not a timeline drawing with text"
    return float(view_box.group(1)), min(sizes)


def figure_text_px(page) -> list[tuple[str, float]]:
    """(file name, rendered size of its smallest text in px) for each image of
    the figure the page shows."""
    shown = []
    for image in page.evaluate(SHOWN_FIGURES):
        svg = Path(unquote(urlsplit(image["src"]).path))
        view_width, size = glyph_size(svg)
        shown.append((svg.name, image["width"] / view_width * size))
    return shown


@pytest.fixture(scope="module")
def phone_tab(browser):
    """One tab for every page this file reads (helpers.tab), at one CSS pixel a pixel."""
    with tab(browser, device_scale_factor=1) as page:
        yield page


def problems_on(page, page_file: Path, viewport: dict, scheme: str,
                plant: str = "") -> tuple[list[tuple[str, float]], list[str], int]:
    """The figure's drawings shown with their text size, the split words, and
    how wide the page is, in PAGE (a tab, reused) at VIEWPORT in SCHEME."""
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    page.goto(page_file.as_uri())
    if plant:
        page.add_style_tag(content=plant)
    return (figure_text_px(page), page.evaluate(SPLIT_WORDS, SOURCE_CELLS),
            page.evaluate("document.documentElement.scrollWidth"))


def check_figure(shown: list[tuple[str, float]], name: str, where: str) -> list[str]:
    if len(shown) != 1:
        return [f"{name} ({where}): {len(shown)} timeline drawings shown, not one: {shown}"]
    drawing, px = shown[0]
    if px < SMALLEST:
        return [f"{name} ({where}): the figure's text is {px:.1f} px in {drawing}, "
                f"under {SMALLEST:g} px"]
    return []


def check_words(split: list[str], name: str, where: str) -> list[str]:
    return [f"{name} ({where}): words of the Source column broken without a hyphen: "
            f"{', '.join(split)}"] if split else []


@pytest.mark.requires_browser
@pytest.mark.parametrize("edition, output", EDITIONS)
def test_timeline_reads_on_a_phone(edition: str, output: str, phone_tab, request):
    """At 360 px, light and dark: the phone drawing, its text at 12 px or more;
    no word of the Source column split; the page no wider than the screen. On a
    desktop screen the wide drawing."""
    folder = request.getfixturevalue(FIXTURES[edition, output])
    name = f"{edition} {output}: {PAGES[output]}"
    problems = []
    for scheme in ("light", "dark"):
        shown, split, wide = problems_on(phone_tab, folder / PAGES[output], PHONE, scheme)
        problems += check_figure(shown, name, f"360 px, {scheme}")
        problems += [f"{name}: the phone drawing is not the one shown at 360 px ({shown})"
                     for drawing, _ in shown if drawing != "timeline-phone.svg"]
        problems += check_words(split, name, f"360 px, {scheme}")
        if wide > PHONE["width"]:
            problems.append(f"{name}: {wide} px wide at 360 px, {scheme}")
    shown, _, _ = problems_on(phone_tab, folder / PAGES[output], DESKTOP, "light")
    assert [drawing for drawing, _ in shown] == ["timeline.svg"], f"{name}: at 1280 px {shown}"
    assert not problems, "\n".join(problems)


@pytest.mark.requires_browser
@pytest.mark.parametrize("output", ["epub", "html"])
def test_timeline_phone_checks_catch_planted_defects(output: str, phone_tab, request):
    """The wide drawing forced onto the phone, and a narrow Source column whose
    words may break anywhere: each is reported with the page's name."""
    folder = request.getfixturevalue(FIXTURES["en", output])
    name = f"en {output}: {PAGES[output]}"
    shown, _, _ = problems_on(phone_tab, folder / PAGES[output], PHONE, "light", WIDE_ON_PHONE)
    found = check_figure(shown, name, "360 px, light")
    assert found and PAGES[output] in found[0] and "timeline.svg" in found[0], found
    _, split, _ = problems_on(phone_tab, folder / PAGES[output], PHONE, "light", NARROW_COLUMN)
    found = check_words(split, name, "360 px, light")
    assert found and PAGES[output] in found[0] and "/" in found[0], found
