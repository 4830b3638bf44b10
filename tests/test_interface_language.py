"""The Korean website shows no English interface text.

Reads every page of the built Korean site (the session's `ko_html_dir`,
`make html LANGUAGE=ko`): the text
outside the report's own article (sidebars, header, footer, buttons) and the
interface attributes (title, aria-label, placeholder, alt) of every element
must be Korean. What may stay in Latin script is listed with its reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Doctype
from helpers import ROOT


#: Latin-script interface text a Korean reader expects as it is.
ALLOWED = {
    "English",  # the language switch names the other edition in its own language
    "PDF", "EPUB",  # format names
    "BibTeX", "RIS",  # citation formats (report-cite.html), named as reference managers name them
    "Ctrl",  # the key's name on Korean keyboards too
}
# Download sizes, and the citation files' extensions.
ALLOWED_PATTERN = re.compile(r"((PDF|EPUB) )?\([\d.,]+ [KMG]B\)|\(\.(bib|ris)\)")
INTERFACE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-bs-title")


def english_strings(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "noscript", "template"]):
        element.decompose()
    for element in soup.select("article.bd-article"):
        element.decompose()  # the report's text: the translators' catalogs and their test
    texts = [s.strip() for s in soup.find_all(string=True)
             if not isinstance(s, (Comment, Doctype)) and s.strip()]
    texts += [element[name] for element in soup.find_all(True)
              for name in INTERFACE_ATTRIBUTES if element.get(name)]
    return {text for text in texts
            if re.search(r"[A-Za-z]{2,}", text) and not re.search(r"[\uac00-\ud7a3]", text)
            and text not in ALLOWED and not ALLOWED_PATTERN.fullmatch(text)
            and not text.startswith(("http://", "https://"))}


def test_a_planted_english_label_is_found() -> None:
    page = '<html><body><button title="Toggle primary sidebar">x</button><p>보고서</p></body></html>'
    assert english_strings(page) == {"Toggle primary sidebar"}


def test_korean_site_shows_no_english_interface_text(ko_html_dir: Path) -> None:
    pages = sorted(page for page in ko_html_dir.rglob("*.html") if "_static" not in page.parts)
    assert pages, f"{ko_html_dir} has no pages"
    found: dict[str, list[str]] = {}
    for page in pages:
        for text in english_strings(page.read_text(encoding="utf-8")):
            found.setdefault(text, []).append(str(page.relative_to(ko_html_dir)))
    assert not found, "English interface text on Korean pages:\n" + "\n".join(
        f"  {text!r} on {len(where)} page(s), e.g. {where[0]}" for text, where in sorted(found.items()))


def test_korean_footer_names_the_authors_without_a_stray_particle(ko_html_dir: Path) -> None:
    html = (ko_html_dir / "index.html").read_text(encoding="utf-8")
    footer = BeautifulSoup(html, "html.parser").select_one(".component-author")
    assert footer is not None
    assert not footer.get_text(strip=True).startswith("으로"), footer.get_text(strip=True)


def test_korean_404_page_is_korean(ko_html_dir: Path) -> None:
    soup = BeautifulSoup((ko_html_dir / "404.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    assert article is not None and re.search(r"[\uac00-\ud7a3]", article.get_text())
    assert "Page not found" not in soup.get_text()


def _js_catalog(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])["messages"]


def test_korean_browser_messages_are_sphinx_own_with_the_empty_ones_filled(ko_html_dir: Path) -> None:
    """locales/ko/LC_MESSAGES/sphinx.js is Sphinx's Korean catalog for the
    browser, with what it leaves empty filled (the search's result line), and
    it is what the Korean site ships: after an upgrade of Sphinx changes its
    catalog, this fails until the file is made again from the new one."""
    from sphinx import package_dir

    ours_path = ROOT / "locales" / "ko" / "LC_MESSAGES" / "sphinx.js"
    ours = _js_catalog(ours_path)
    sphinx_own = _js_catalog(Path(package_dir) / "locale" / "ko" / "LC_MESSAGES" / "sphinx.js")
    assert sorted(ours) == sorted(sphinx_own)
    changed = [msgid for msgid, text in sphinx_own.items() if text not in ("", [""]) and ours[msgid] != text]
    assert not changed, f"messages that differ from Sphinx's own: {changed}"
    assert ours["Search finished, found one page matching the search query."] not in ("", [""])
    shipped = ko_html_dir / "_static" / "translations.js"
    assert shipped.read_bytes() == ours_path.read_bytes()
