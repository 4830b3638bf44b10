"""The index is filed alike in every format (report.genindex, report.indexkeys).

On a small root: numbers filed as read ("38th parallel" under T, "6자회담"
under ㅇ), Korean groups headed ㄱ … ㅎ (not the conjoining jamo ᄀ), the
edition's own script first; and plain Sphinx, which files them otherwise,
fails the same check. On the book: the website's, the EPUB's and the PDF's
indexes have the same groups in the same order, in each edition.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import index_groups as groups
from helpers import index_pages
from lxml import etree, html

EN_GROUPS = {"A": ["Alliance", "review", "2018 amendments"], "T": ["38th parallel", "Treaty"],
             "ㄱ": ["김일성", "까치"], "ㅇ": ["6자회담", "이승만"]}
KO_ORDER = ["ㄱ", "ㅇ", "A", "T"]


def jumpbox(page: Path) -> list[str]:
    return [a.text_content().strip() for a in html.parse(str(page)).xpath(
        "//div[contains(@class, 'genindex-jumpbox')]//a")]


@pytest.mark.sphinx("html", testroot="genindex")
def test_entries_are_filed_as_read_under_letters(app) -> None:
    app.build()
    page = app.outdir / "genindex.html"
    assert groups(page) == EN_GROUPS, groups(page)
    assert jumpbox(page) == list(EN_GROUPS)


@pytest.mark.sphinx("html", testroot="genindex", confoverrides={"language": "ko"})
def test_the_korean_edition_files_hangul_first(app) -> None:
    app.build()
    page = app.outdir / "genindex.html"
    assert list(groups(page)) == KO_ORDER == jumpbox(page)
    assert groups(page) == {head: EN_GROUPS[head] for head in KO_ORDER}


@pytest.mark.sphinx("html", testroot="genindex", confoverrides={"extensions": "myst_parser"})
def test_plain_sphinx_fails_the_same_check(app) -> None:
    """What the module changes: Sphinx alone files numbers under Symbols and
    heads Korean groups with conjoining jamo (U+1100)."""
    app.build()
    found = groups(app.outdir / "genindex.html")
    assert found != EN_GROUPS
    assert found["Symbols"] == ["38th parallel", "6자회담"], found
    assert "\u1100" in found and "ㄱ" not in found, found


# -- The book: one filing in every format ---------------------------------------------

def pdf_heads(pdf: Path) -> list[str]:
    """The index's group heads in the PDF, in reading order (page, column,
    top to bottom): the lines of one character that is not a digit, as the
    PDF's text layer gives them (what a reader's search or copy finds)."""
    first, last = index_pages(pdf)
    layout = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                            capture_output=True, check=True).stdout
    x = {"x": "http://www.w3.org/1999/xhtml"}
    heads = []
    for number, page in enumerate(etree.fromstring(layout).iterfind(".//x:page", x)):
        middle = float(page.get("width")) / 2
        for line in page.iterfind(".//x:line", x):
            words = [word.text.strip() for word in line.iterfind("x:word", x)]
            if len(words) == 1 and len(words[0]) == 1 and not words[0].isdigit():
                heads.append((number, float(line.get("xMin")) > middle, float(line.get("yMin")), words[0]))
    return [head for *_where, head in sorted(heads)]


@pytest.mark.requires_tex
@pytest.mark.parametrize("edition", ["", "ko_"])
def test_website_epub_and_pdf_file_the_index_alike(edition: str, request: pytest.FixtureRequest) -> None:
    site = request.getfixturevalue(f"{edition}html_dir") / "genindex.html"
    epub = request.getfixturevalue(f"{edition}epub_dir")
    pdf = request.getfixturevalue(f"{edition}pdf_file")
    heads = list(groups(site))
    assert heads and heads == jumpbox(site), heads
    assert "Symbols" not in heads and "기호" not in heads, heads
    assert not [h for h in heads if "\u1100" <= h <= "\u11ff"], heads
    assert heads == pdf_heads(pdf), f"website {heads}, PDF {pdf_heads(pdf)}"
    assert list(groups(epub / "genindex.xhtml")) == heads
