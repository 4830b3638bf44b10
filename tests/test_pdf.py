"""The PDF: Korean text really rendered, fonts not leaking, metadata, no blank pages.

XeLaTeX exits 0 when a font lacks a glyph, so only the PDF's own text proves
that the Hangul is there.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import HANGUL, HANGUL_WORD, REPORT, ROOT, check_log, index_pages, pdftotext, xelatex

pytestmark = pytest.mark.requires_tex

def sources_in_the_pdf() -> list[Path]:
    """Every document of the book except the landing page (the PDF has its own title page)."""
    return [p for folder in ("chapters", "frontmatter", "backmatter") for p in (ROOT / folder).glob("*.md")]


def test_every_hangul_word_is_in_the_pdf(pdf_text: str) -> None:
    compact = re.sub(r"\s+", "", pdf_text)
    missing = {}
    for path in sources_in_the_pdf():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for word in HANGUL_WORD.findall(line):
                if word not in compact:
                    missing.setdefault(word, f"{path.relative_to(ROOT)}:{number}")
    assert not missing, f"Hangul missing from the PDF text: {missing}"
    assert HANGUL_WORD.search(pdf_text), "the PDF has no Hangul at all"


def test_latin_punctuation_does_not_fall_into_the_cjk_font(pdf_text: str) -> None:
    """kotex-style font switching shows as "it’ s" and "Korea’ s" in the text."""
    leaks = re.findall(r"\w+[’'] (?:s|t|re|ve|ll|d|m)\b", pdf_text)
    assert not leaks, f"apostrophes followed by a stray space: {leaks[:10]}"
    assert not re.search(r"[（）]", pdf_text), "full-width parentheses in the PDF text"


def test_cjk_font_is_used_only_for_hangul(pdf_file: Path) -> None:
    """Every glyph from the CJK font is Hangul (or a space), never Latin punctuation."""
    reader = PdfReader(str(pdf_file))
    offenders: set[str] = set()
    for page in reader.pages:
        def visit(text, cm, tm, font_dict, font_size):
            if text.strip() and font_dict and "CJK" in str(font_dict.get("/BaseFont", "")):
                offenders.update(ch for ch in text if not HANGUL.match(ch) and not ch.isspace() and ch != "\u00b7")

        page.extract_text(visitor_text=visit)
    assert not offenders, f"non-Hangul characters set in the CJK font: {sorted(offenders)}"


def test_latex_log_is_clean(pdf_file: Path) -> None:
    log = pdf_file.with_suffix(".log")
    result = check_log(str(log))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("edition", ["pdf_file", "ko_pdf_file"])
def test_no_overfull_box_in_the_whole_book(edition: str, request: pytest.FixtureRequest) -> None:
    """Not one, however narrow: the build fails only above 1pt (R061), the book has none."""
    log = request.getfixturevalue(edition).with_suffix(".log")
    overfull = [f"{log.name}:{number}: {line}"
                for number, line in enumerate(log.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
                if line.startswith("Overfull")]
    assert not overfull, "\n".join(overfull)


# Unicode's characters for Latin ligatures (U+FB00–U+FB06: ff, fi, fl, ffi, ffl, ſt, st).
LIGATURE = re.compile("[\ufb00-\ufb06]")


def ligature_characters(text: str) -> list[str]:
    """'page N: word' for each word of a PDF's TEXT layer spelt with a ligature's
    character instead of its letters (pdftotext ends each page with a form feed)."""
    return [f"page {number}: {word}"
            for number, page in enumerate(text.split("\f"), start=1)
            for word in page.split() if LIGATURE.search(word)]


@pytest.mark.parametrize("edition", ["", "ko_"])
def test_text_layer_spells_ligatures_out(edition: str, request: pytest.FixtureRequest) -> None:
    """A search, a copy or a screen reader gets "Office" from the text layer
    (\\XeTeXgenerateactualtext, report.latexsettings); both editions have the word."""
    pdf, text = request.getfixturevalue(f"{edition}pdf_file"), request.getfixturevalue(f"{edition}pdf_text")
    found = ligature_characters(text)
    assert not found, f"{pdf}: ligature characters in the text layer: {found[:10]}"
    assert "Office" in text


def test_ligature_check_sees_a_pdf_typeset_without_actualtext(tmp_path: Path) -> None:
    (tmp_path / "ligatures.tex").write_text(
        "\\documentclass{article}\\usepackage{fontspec}\\setmainfont{TeX Gyre Pagella}\n"
        "\\begin{document}\nThe Office reaffirmed it.\n\\end{document}\n", encoding="utf-8")
    assert xelatex(tmp_path, "ligatures").returncode == 0
    found = ligature_characters(pdftotext(tmp_path / "ligatures.pdf"))
    assert found == ["page 1: O\ufb00ice", "page 1: rea\ufb00irmed"]


# Sphinx's geometry: 1in side margins (hmargin) on A4.
RIGHT_EDGE = 595.28 - 72
WORD_BOX = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def ink_past(pdf: Path, page: int, top: float, bottom: float, edge: float, tmp: Path) -> bool:
    """Whether anything is drawn right of edge (pt) between top and bottom on
    the page, at 4 pixels a point. A word's box is its glyphs' advance widths:
    a CJK closing bracket such as 〉 keeps its ink in the left half of its em
    and xetexko lets the blank half reach past the margin at a line's end."""
    scale = 4
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(72 * scale), "-gray",
                    "-x", str(int(edge * scale) + 1), "-y", str(int(top * scale)),
                    "-W", str(int((595.28 - edge) * scale)), "-H", str(int((bottom - top) * scale) + 1),
                    str(pdf), str(tmp / "strip")], check=True)
    from PIL import Image
    strip = next(tmp.glob("strip*.pgm"))
    with Image.open(strip) as image:
        darkest = image.getextrema()[0]
    strip.unlink()
    return darkest < 160


@pytest.mark.parametrize("edition", ["pdf_file", "ko_pdf_file"])
def test_no_word_runs_past_the_right_margin(edition: str, request: pytest.FixtureRequest,
                                            tmp_path: Path) -> None:
    """What a reader saw: a URL in the references reaching x = 598.7pt on a
    595.3pt page. A word whose box passes the margin counts if its ink does."""
    pdf = request.getfixturevalue(edition)
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    pages = boxes.split("<page ")
    past = [(page, word, float(right)) for page, text in enumerate(pages[1:], 1)
            for top, right, bottom, word in WORD_BOX.findall(text)
            if float(right) > RIGHT_EDGE + 0.5
            and ink_past(pdf, page, float(top), float(bottom), RIGHT_EDGE + 0.5, tmp_path)]
    assert len(pages) > 10 and not past, f"(page, word, right edge in pt) past {RIGHT_EDGE:.1f}pt: {past[:10]}"


@pytest.mark.parametrize("edition, symbols", [("pdf_file", "Symbols"), ("ko_pdf_file", "기호")])
def test_index_in_the_text_font_with_numbers_filed_as_words(
        edition: str, symbols: str, request: pytest.FixtureRequest) -> None:
    pdf = request.getfixturevalue(edition)
    first, last = index_pages(pdf)
    fonts = subprocess.run(["pdffonts", "-f", str(first), "-l", str(last), str(pdf)],
                           capture_output=True, text=True, check=True).stdout
    assert "Pagella" in fonts and "Mono" not in fonts, fonts
    lines = [line.strip() for line in pdftotext(pdf, "-f", str(first), "-l", str(last)).splitlines()]
    # Numbers filed as read: no group of symbols before the letters ("6자회담" as
    # "육자회담" under ㅇ; "38th parallel" as "thirty-eighth parallel" under T).
    assert symbols not in lines, f"a {symbols!r} group in the index"
    parallel = [number for number, line in enumerate(lines) if line.startswith("38th parallel,")]
    if parallel:
        assert lines.index("T") < parallel[0] < lines.index("U"), lines
    else:
        assert edition == "ko_pdf_file", f"'38th parallel' is not in the index: {lines}"


@pytest.mark.parametrize("line, what", [
    ("Missing character: There is no 한 (U+D55C) in font [texgyrepagella-regular.otf]/OT:script=latn;language=dflt;!", "missing glyph"),
    ("LaTeX Warning: Reference `chapters/02-current-state:trade' on page 4 undefined on input line 512.", "undefined reference"),
    ("LaTeX Warning: There were undefined references.", "undefined references"),
    # TeX wraps log lines at 79 characters; the message must still be found.
    ("Missing character: There is no \u1200 (U+1200) in font TeXGyrePagella-Regular/OT:scr\nipt=latn;language=dflt;mapping=tex-text;!", "missing glyph"),
])
def test_log_check_catches_defects(tmp_path: Path, line: str, what: str) -> None:
    log = tmp_path / "book.log"
    log.write_text(f"This is XeTeX\n{line}\n", encoding="utf-8")
    result = check_log(str(log))
    assert result.returncode == 1
    assert f"{log}:2: {what}" in result.stderr


def test_metadata(pdf_file: Path) -> None:
    reader = PdfReader(str(pdf_file))
    info = reader.metadata
    assert info.title and REPORT["title"] in info.title
    assert info.author == REPORT["author"]
    assert info.subject and "Republic of Korea" in info.subject
    assert info.get("/Keywords"), "no keywords"
    assert reader.trailer["/Root"].get("/Lang") == REPORT["language"]


def test_title_page_and_contents(pdf_file: Path) -> None:
    reader = PdfReader(str(pdf_file))
    first = reader.pages[0].extract_text()
    assert REPORT["title"].split("–")[0] in first and "contributors" in first
    assert any("contents" in reader.pages[i].extract_text().lower() for i in range(1, 4))


def test_no_blank_pages(pdf_file: Path) -> None:
    reader = PdfReader(str(pdf_file))
    blank = [number for number, page in enumerate(reader.pages, start=1)
             if not page.extract_text().strip() and not page.images]
    assert not blank, f"blank pages: {blank}"
