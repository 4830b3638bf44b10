"""What a reader sees on the printed page: read from the built PDFs.

Each check reads the PDF that `make latexpdf` (and `make latexpdf LANGUAGE=ko`)
published, with pypdf and poppler's pdftotext, never the extension's code.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from helpers import compact, parse_xml, pdftotext
from lxml import etree
from pypdf import PdfReader

pytestmark = pytest.mark.requires_tex


@pytest.fixture(params=["en", "ko"])
def pdf(request) -> Path:
    """Each edition's PDF, as the session builds it (tests/conftest.py)."""
    return request.getfixturevalue("pdf_file" if request.param == "en" else "ko_pdf_file")


def page_texts(pdf: Path) -> list[str]:
    text = pdftotext(pdf, "-layout")
    return text.split("\f")[:-1]


def body_lines(page: str) -> list[str]:
    """The page's lines without its running foot (page number, running head)."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return [line for line in lines
            if not re.fullmatch(r"[0-9ivxlc]+", line)
            and "Version 0.1.0" not in line and "버전 0.1.0" not in line
            and not re.fullmatch(r"(\d+(\.\d+)*\s+)?\S.{0,80}\s{3,}\d+", line)]


def test_page_labels_never_repeat(pdf: Path) -> None:
    labels = PdfReader(pdf).page_labels
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    assert not repeated, f"{pdf}: page labels repeat: {repeated} (labels {labels[:6]} …)"


def test_no_page_holds_a_lone_line(pdf: Path) -> None:
    """Widow and club control: no page whose text is one line of a paragraph."""
    lone = [(number, body_lines(page)) for number, page in enumerate(page_texts(pdf), 1)
            if len(body_lines(page)) == 1 and body_lines(page)[0].endswith((".", "다."))]
    assert not lone, f"{pdf}: pages holding a single line: {lone}"


def test_running_heads_number_sections_as_the_headings_do(pdf: Path) -> None:
    heads = [line for page in page_texts(pdf) for line in page.splitlines()
             if re.match(r"\s*\d+\.\d+\. \S", line)]
    assert not heads, f"{pdf}: running heads with a full stop after the number: {heads[:3]}"


def test_back_matter_figures_are_numbered_as_on_the_website(pdf: Path) -> None:
    text = "\f".join(page_texts(pdf))
    assert not re.search(r"(Fig\.|Table|그림|표) \d+\.\d+", text), \
        f"{pdf}: a figure or table of the unnumbered back matter carries a chapter number"
    assert re.search(r"(Fig\.|그림) 1:", text), f"{pdf}: no caption 'Fig. 1' / '그림 1'"


def test_figure_stands_at_most_one_page_after_its_text(pdf: Path) -> None:
    pages = page_texts(pdf)
    mention = next(i for i, p in enumerate(pages) if re.search(r"(Fig\. 1 places|그림 1은)", p))
    caption = next(i for i, p in enumerate(pages) if re.search(r"^\s*(Fig\.|그림) 1:", p, re.M))
    assert 0 <= caption - mention <= 1, f"{pdf}: figure 1 on p. {caption + 1}, its text on p. {mention + 1}"


def test_abbreviations_get_a_word_space(pdf_file: Path) -> None:
    """\\frenchspacing: "Inc. v. Trump" is set with word spaces; the space after
    "Inc." is no wider than the one after "v." (measured in pdftotext's bbox output)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf_file), "-"], capture_output=True,
                         text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)
    gaps = []
    for i in range(len(words) - 3):
        (a, b, c, d) = words[i:i + 4]
        if a[3] == "Inc." and b[3] == "v." and a[1] == b[1] == c[1]:
            gaps.append((float(b[0]) - float(a[2]), float(c[0]) - float(b[2])))
    assert gaps, "no 'Inc. v. Trump' on one line in the English PDF"
    for after_inc, after_v in gaps:
        assert after_inc <= after_v + 0.3, f"space after 'Inc.' {after_inc:.2f} pt, after 'v.' {after_v:.2f} pt"


def test_timeline_is_set_in_the_books_fonts(pdf: Path) -> None:
    """No Type 3 font (the Korean timeline's glyphs were Type 3 procedures) and
    no DejaVu Sans (matplotlib's font) in the PDF: the figure's text is set in
    the book's fonts, embedded as the rest of the book is."""
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    type3 = [line for line in fonts if " Type 3 " in line]
    dejavu_sans = [line for line in fonts if re.search(r"\+DejaVuSans(-Bold)?\s", line)]
    assert not type3 and not dejavu_sans, f"{pdf}: {type3 + dejavu_sans}"
    assert any("TeXGyreHeros" in line for line in fonts)


def reference_pages(pdf: Path) -> int:
    """Pages whose running foot names the reference list."""
    return sum(1 for page in page_texts(pdf)
               if re.search(r"^\s*(References|REFERENCES|참고문헌)\s+\d+\s*$", page, re.M))


def test_korean_reference_list_is_set_with_latin_leading(pdf_file: Path, ko_pdf_file: Path) -> None:
    """The references are Latin but for a few entries: the Korean edition's list
    takes no more pages than the English one's (Korean leading made 12 of 9)."""
    english, korean = reference_pages(pdf_file), reference_pages(ko_pdf_file)
    assert english >= 5, f"reference pages not recognised in the English PDF ({english})"
    assert korean <= english + 1, f"Korean reference list: {korean} pages, English: {english}"


# -- Words that belong to another format ---------------------------------------------------

def test_each_format_speaks_of_itself(pdf_text: str, epub_dir: Path, html_dir: Path) -> None:
    """The landing text names the format the reader holds (the PDF starts at
    its title page, without it); the colophon names all three alike."""
    epub_text = " ".join(
        etree.tostring(parse_xml(page), method="text", encoding="unicode")
        for page in sorted(epub_dir.rglob("*.xhtml")))
    site_text = (html_dir / "index.html").read_text(encoding="utf-8")
    pdf = compact(pdf_text)  # lowercase, no spaces: as pdftotext breaks lines
    assert compact("this website") not in pdf
    assert "this website" not in epub_text and "this e-book" in epub_text
    assert "this website" in site_text and "this e-book" not in site_text and "this PDF" not in site_text
    # No footnote marker of a link shown as "[#1]" (epub_show_urls).
    assert "[#" not in epub_text


CJK_FACE = re.compile(r"Noto (?:Serif|Sans|Sans Mono) CJK (JP|KR|SC|TC|HK)\b")


def cjk_faces(log: str) -> set[str]:
    """The Noto CJK faces fontspec loaded, from its 'Font family … created' lines
    (TeX wraps them, so the text is joined first)."""
    joined = re.sub(r"\n\(fontspec\)\s+", " ", log)
    return {match[1] for line in re.findall(r"Font family '[^']*' created for font '[^']*'", joined)
            for match in CJK_FACE.finditer(line)}


def test_cjk_face_check_sees_another_face() -> None:
    log = ("Package fontspec Info: Font family 'NotoSerifCJKJP(0)' created for font 'Noto\n"
           "(fontspec)             Serif CJK JP' with options\n")
    assert cjk_faces(log) == {"JP"}


def test_hangul_is_set_in_the_korean_face(pdf: Path) -> None:
    """Hangul in the KR face of Noto CJK, whose Korean glyph forms and rules
    apply. pdffonts cannot tell: the collection's faces share one CFF table
    named NotoSerifCJKjp, so every face is embedded under that name; the
    fonts XeLaTeX loaded are in its log."""
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert cjk_faces(log) == {"KR"}, f"{pdf.with_suffix('.log').name}: Noto CJK faces {cjk_faces(log)}"


CASE_NAME = "Learning Resources, Inc. v. Trump"


def case_name_in_italics(tex: str) -> bool:
    """Whether the court case is set in italics in the text (its index entry,
    written inside the emphasis, left aside)."""
    return re.search(r"\\sphinxstyleemphasis\{(?:\\index\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})?"
                     + re.escape(CASE_NAME) + r"\}", tex) is not None


def test_case_name_check_sees_roman_type() -> None:
    assert not case_name_in_italics(f"held in \\index{{x@\\spxentry{{x}}}}{CASE_NAME} that")
    assert case_name_in_italics(f"held in \\sphinxstyleemphasis{{{CASE_NAME}}} that")


def test_court_cases_are_italic(pdf: Path) -> None:
    """A court case is named in italics, as legal citation and Chicago style set it."""
    tex = pdf.with_suffix(".tex").read_text(encoding="utf-8")
    assert case_name_in_italics(tex), f"{pdf.with_suffix('.tex').name}: {CASE_NAME} not in italics"
