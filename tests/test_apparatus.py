"""The reference apparatus: sources, glossary, timeline, index, numbered figures and tables.

Each guarantee is checked in the built outputs (the HTML site, the EPUB's XHTML
and OPF, the PDF's text and structure), plus two checks of the sources that no
output can show: every cited key exists, and every timeline row has a source.
The timeline's own checks (R030–R032) are shown firing on small test roots
(tests/test_rules_data.py), an undefined term or citation in
tests/test_guards.py; the last test here draws the timeline again in a small
project elsewhere, in another time zone, and finds the same bytes.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from lxml import etree, html
from pybtex.database import parse_file
from pypdf import PdfReader

from helpers import HANGUL, ROOT, compact, text_of

XHTML = {"x": "http://www.w3.org/1999/xhtml"}
OPF = {"opf": "http://www.idpf.org/2007/opf"}
SOURCES = sorted(
    [ROOT / "index.md"]
    + [p for folder in ("chapters", "frontmatter", "backmatter") for p in (ROOT / folder).glob("*.md")]
)
TIMELINE_CSV = "data/timeline.csv"
# {cite}`a,b`, {cite:p}`a`, {cite:t}`a` … in MyST; keys separated by commas.
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
MIN_SOURCES = 15

# The index must lead readers to the key people, treaties, places and
# organizations (issue: "an index … in the HTML and the PDF"). Add to these
# lists when the report gains a key subject; each needs an {index} entry.
KEY_INDEX_ENTRIES = {
    "people": ["Kim Il Sung", "Syngman Rhee"],
    "treaties": ["Armistice Agreement", "Mutual Defense Treaty", "KORUS FTA",
                 "Special Measures Agreement"],
    "places": ["38th parallel", "Camp Humphreys"],
    "organizations": ["United Nations Command", "United States Forces Korea",
                      "Combined Forces Command"],
}
# Glossary terms that have no Korean form in official use (none at present).
NO_KOREAN_FORM: set[str] = set()


def bib_keys() -> set[str]:
    # BibTeX keys are case-insensitive, as in pybtex and sphinxcontrib-bibtex.
    return {key.lower() for key in parse_file(str(ROOT / "references.bib")).entries.keys()}


def timeline_rows() -> list[tuple[int, dict[str, str]]]:
    """(line where the row starts, row) for every data row of the timeline."""
    rows = []
    with (ROOT / TIMELINE_CSV).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        start = reader.line_num + 2  # the header is line 1
        for row in reader:
            if any((value or "").strip() for value in row.values()):
                rows.append((start, row))
            start = reader.line_num + 1
    return rows


def xhtml(path: Path):
    return etree.parse(str(path))


# -- Sources ------------------------------------------------------------------------

def test_every_cited_key_is_in_the_bibliography() -> None:
    keys = bib_keys()
    missing = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for group in CITE.findall(line):
                missing += [f"{path.relative_to(ROOT)}:{number}: {key.strip()}"
                            for key in group.split(",") if key.strip().lower() not in keys]
    assert not missing, "cited keys missing from references.bib:\n" + "\n".join(missing)


def test_every_chapter_cites_sources() -> None:
    bare = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "chapters").glob("*.md"))
            if not CITE.search(p.read_text(encoding="utf-8"))]
    assert not bare, f"chapters without a single citation: {bare}"


def test_every_timeline_row_has_a_known_source() -> None:
    keys = bib_keys()
    rows = timeline_rows()
    assert rows, f"{TIMELINE_CSV} has no events"
    problems = []
    for line, row in rows:
        sources = [k.strip() for k in (row.get("source") or "").split(",") if k.strip()]
        if not sources:
            problems.append(f"{TIMELINE_CSV}:{line}: no source")
        problems += [f"{TIMELINE_CSV}:{line}: unknown source {k!r}" for k in sources
                     if k.lower() not in keys]
    assert not problems, "\n".join(problems)


def html_references(html_dir: Path) -> list[str]:
    page = html.parse(str(html_dir / "backmatter" / "references.html"))
    # class "citation" exactly: the list around the entries is "citation-list".
    entries = page.xpath("//section[@id='references']"
                         "//div[contains(concat(' ', @class, ' '), ' citation ')]")
    return [text_of(entry) for entry in entries]


def test_references_page_lists_the_sources(html_dir: Path) -> None:
    entries = html_references(html_dir)
    assert len(entries) >= MIN_SOURCES, f"only {len(entries)} entries on the references page"
    assert all(len(entry) > 40 for entry in entries), "an empty or truncated bibliography entry"


def test_bibliography_shows_no_latex_markup(html_dir: Path) -> None:
    """pybtex reads references.bib as text, not LaTeX: it turns \\& and \\% into
    & and %, but prints \\$ and other commands as they are, in every format."""
    leaks = [entry[:100] for entry in html_references(html_dir) if "\\" in entry]
    assert not leaks, ("LaTeX markup in rendered bibliography entries (write $ rather than \\$ "
                       "in references.bib):\n" + "\n".join(leaks))


def test_citations_link_to_the_references_in_html(html_dir: Path) -> None:
    for page in sorted((html_dir / "chapters").glob("*.html")):
        links = html.parse(str(page)).xpath(
            "//span[contains(@class, 'bibtex-citation')]//a[contains(@href, 'references.html#')]")
        assert links, f"{page.name}: no citation links to the references page"


def test_bibliography_in_the_epub(html_dir: Path, epub_dir: Path) -> None:
    tree = xhtml(epub_dir / "backmatter" / "references.xhtml")
    entries = [text_of(e) for e in tree.xpath("//x:div[contains(concat(' ', @class, ' '), ' citation ')]", namespaces=XHTML)]
    assert len(entries) == len(html_references(html_dir)) >= MIN_SOURCES
    chapter = xhtml(epub_dir / "chapters" / "01-historical-ties.xhtml")
    assert chapter.xpath("//x:a[contains(@href, 'references.xhtml#')]", namespaces=XHTML), (
        "the EPUB's chapters do not link their citations to the references"
    )


def pdf_chapter_text(pdf_file: Path, title: str) -> str:
    """The text of one chapter, found by its PDF bookmark, in reading order.

    pypdf follows the content stream, so a justified line with wide gaps stays
    one line (pdftotext splits it into columns)."""
    reader = PdfReader(str(pdf_file))
    chapters = [item for item in reader.outline if not isinstance(item, list)]
    titles = [c.title for c in chapters]
    assert title in titles, f"no {title!r} chapter in the PDF's outline: {titles}"
    position = titles.index(title)
    first = reader.get_destination_page_number(chapters[position])
    last = (reader.get_destination_page_number(chapters[position + 1])
            if position + 1 < len(chapters) else len(reader.pages) - 1)
    return " ".join(reader.pages[n].extract_text() or "" for n in range(first, last + 1))


@pytest.mark.requires_tex
def test_bibliography_in_the_pdf(html_dir: Path, pdf_file: Path) -> None:
    text = compact(pdf_chapter_text(pdf_file, "References"))
    entries = html_references(html_dir)
    # The label ([1]) and the URL are typeset differently; the author and the
    # title that open each entry are the same text in both formats.
    missing = [e[:80] for e in entries if compact(re.sub(r"^\[\d+\]\s*", "", e))[:50] not in text]
    assert not missing, f"bibliography entries not in the PDF's text: {missing}"


# -- Glossary -----------------------------------------------------------------------

def test_glossary_terms_have_hangul_and_romanization(html_dir: Path) -> None:
    page = html.parse(str(html_dir / "backmatter" / "glossary.html"))
    terms = page.xpath("//dl[contains(@class, 'glossary')]/dt")
    assert len(terms) >= 10, f"only {len(terms)} glossary terms"
    problems = []
    for term in terms:
        name = text_of(term).rstrip("#").strip()
        if name in NO_KOREAN_FORM:
            continue
        definition = term.getnext()
        korean = definition.xpath(".//span[@lang='ko']")
        if not korean or not HANGUL.search(text_of(korean[0])):
            problems.append(f"{name}: no Hangul marked lang=ko")
            continue
        # The house form: (한글, *Romanization*): the romanization follows in italics.
        romanized = korean[0].getnext()
        if romanized is None or romanized.tag != "em" or not re.search(r"[A-Za-z]", text_of(romanized)):
            problems.append(f"{name}: no romanization in italics after the Hangul")
    assert not problems, "\n".join(problems)


def test_term_links_reach_the_glossary(html_dir: Path) -> None:
    links = [a for page in sorted((html_dir / "chapters").glob("*.html"))
             for a in html.parse(str(page)).xpath("//a[contains(@href, 'glossary.html#term-')]")]
    assert len(links) >= 5, "the chapters hardly link to the glossary ({term} roles)"


# -- Timeline -----------------------------------------------------------------------

def test_timeline_figure_in_html(html_dir: Path) -> None:
    page = html.parse(str(html_dir / "backmatter" / "timeline.html"))
    figure = page.xpath("//figure[@id='fig-timeline']")
    assert figure, "no figure labelled fig-timeline on the timeline page"
    image = figure[0].xpath(".//img")[0]
    assert len(image.get("alt", "").strip()) > 30, "the timeline figure has no real alt text"
    assert image.get("src").endswith(".svg"), "the website should get the vector (SVG) drawing"
    svg = (html_dir / "backmatter" / image.get("src")).resolve()
    assert svg.is_file() and b"<svg" in svg.read_bytes()[:1000]
    caption = text_of(figure[0].xpath(".//figcaption")[0])
    assert re.match(r"Fig\. \d+ ", caption), f"figure caption not numbered: {caption[:60]!r}"
    numref = page.xpath("//a[@href='#fig-timeline']//text()")
    assert any(re.fullmatch(r"Fig\. \d+", t) for t in numref), "no numbered reference to the figure"


def test_timeline_figure_in_epub(epub_dir: Path) -> None:
    tree = xhtml(epub_dir / "backmatter" / "timeline.xhtml")
    image = tree.xpath("//x:figure[@id='fig-timeline']//x:img", namespaces=XHTML)
    assert image and len(image[0].get("alt", "").strip()) > 30
    src = image[0].get("src")
    assert src.endswith(".svg") and (epub_dir / "backmatter" / src).resolve().is_file()
    opf = etree.parse(str(epub_dir / "content.opf"))
    items = opf.xpath("//opf:item[@media-type='image/svg+xml']/@href", namespaces=OPF)
    assert any(href.endswith(Path(src).name) for href in items), "the SVG is not in the manifest"
    caption = text_of(tree.xpath("//x:figure[@id='fig-timeline']//x:figcaption", namespaces=XHTML)[0])
    assert re.match(r"Fig\. \d+ ", caption), f"EPUB figure caption not numbered: {caption[:60]!r}"


@pytest.mark.requires_tex
def test_timeline_figure_in_pdf(pdf_file: Path, pdf_text: str) -> None:
    caption = re.search(r"Fig\. (\d+(?:\.\d+)*): Key events", pdf_text)
    assert caption, "no numbered timeline figure caption in the PDF"
    reader = PdfReader(str(pdf_file))
    number, page = next((i, p) for i, p in enumerate(reader.pages, 1)
                        if f"Fig. {caption.group(1)}:" in (p.extract_text() or ""))
    # The drawing is typeset on the page (TikZ), its labels text, not a bitmap.
    assert not any(x.get_object().get("/Subtype") == "/Image"
                   for x in page["/Resources"].get("/XObject", {}).values()), "the figure is a bitmap"
    text = compact(page.extract_text())
    rows = timeline_rows()
    for row in (rows[0][1], rows[-1][1]):
        assert compact(row["label"]) in text, f"{row['label']!r} is not on the figure's page"
    # Set in the book's fonts, embedded as the book's are: no DejaVu Sans
    # (matplotlib's), no Type 3 glyph procedures.
    fonts = subprocess.run(["pdffonts", "-f", str(number), "-l", str(number), str(pdf_file)],
                           capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and not [f for f in fonts if "DejaVu" in f or " Type 3 " in f], fonts
    assert any("TeXGyreHeros-Regular" in f for f in fonts), fonts
    assert all(" yes " in f for f in fonts), f"a font on the figure's page is not embedded: {fonts}"


def test_timeline_table_has_one_row_per_event(html_dir: Path, epub_dir: Path) -> None:
    rows = timeline_rows()
    page = html.parse(str(html_dir / "backmatter" / "timeline.html"))
    table = page.xpath("//table[@id='table-timeline']")
    assert table, "no table labelled table-timeline on the timeline page"
    caption = text_of(table[0].xpath("./caption")[0])
    assert re.match(r"Table \d+ ", caption), f"table caption not numbered: {caption[:60]!r}"
    body = table[0].xpath("./tbody/tr")
    assert len(body) == len(rows), f"{len(body)} table rows for {len(rows)} events in {TIMELINE_CSV}"
    for tr, (line, row) in zip(body, rows):
        date, event, source = tr.xpath("./td")
        assert row["label"] in text_of(event), f"{TIMELINE_CSV}:{line}: row out of place in the table"
        assert re.search(r"\b" + row["date"][:4] + r"\b", text_of(date))
        assert source.xpath(".//a[contains(@href, 'references.html#')]"), (
            f"{TIMELINE_CSV}:{line}: the table row does not cite its source"
        )
    epub = xhtml(epub_dir / "backmatter" / "timeline.xhtml")
    epub_rows = epub.xpath("//x:table[@id='table-timeline']/x:tbody/x:tr", namespaces=XHTML)
    assert len(epub_rows) == len(rows)
    epub_caption = text_of(epub.xpath("//x:table[@id='table-timeline']/x:caption", namespaces=XHTML)[0])
    assert re.match(r"Table \d+ ", epub_caption), "EPUB table caption not numbered"


@pytest.mark.requires_tex
def test_timeline_table_in_pdf(pdf_file: Path) -> None:
    text = compact(pdf_chapter_text(pdf_file, "Timeline"))
    # "Table 6.1: Key events …", with the spaces pypdf may drop in a caption.
    assert re.search(r"table\d+keyevents", text), "no numbered timeline table in the PDF"
    missing = [row["label"] for _, row in timeline_rows() if compact(row["event"])[:60] not in text]
    assert not missing, f"timeline events missing from the PDF's table: {missing}"


# -- Index --------------------------------------------------------------------------

def genindex_entries(html_dir: Path) -> set[str]:
    page = html.parse(str(html_dir / "genindex.html"))
    entries = set()
    for item in page.xpath("//table[contains(@class, 'genindextable')]//li"):
        # An entry's own text is what precedes its sub-entries.
        own = (item.text or "") + "".join(
            text_of(child) + (child.tail or "") for child in item if child.tag != "ul")
        entries.add(" ".join(own.split()).split(", [")[0].strip(" ,"))
    return entries


def test_genindex_has_the_key_subjects(html_dir: Path) -> None:
    entries = genindex_entries(html_dir)
    missing = {kind: [n for n in names if n not in entries]
               for kind, names in KEY_INDEX_ENTRIES.items()}
    missing = {kind: names for kind, names in missing.items() if names}
    assert not missing, f"key subjects missing from genindex.html: {missing}"


@pytest.mark.requires_tex
def test_pdf_has_an_index_chapter(pdf_file: Path) -> None:
    chapters = [item.title for item in PdfReader(str(pdf_file)).outline if not isinstance(item, list)]
    assert chapters and chapters[-1] == "Index", f"the PDF's last chapter is not the Index: {chapters[-3:]}"
    index_text = compact(pdf_chapter_text(pdf_file, "Index"))
    missing = [n for names in KEY_INDEX_ENTRIES.values() for n in names if compact(n) not in index_text]
    assert not missing, f"key subjects missing from the PDF's index: {missing}"


# -- The figure's bytes ------------------------------------------------------------------

def test_timeline_figure_is_reproducible(html_dir: Path, pdf_file: Path, make_app, rootdir,
                                         sphinx_test_tempdir, monkeypatch) -> None:
    """The project's timeline drawn again, in a small project in another folder,
    later and in another time zone: the same SVG as the session's website got,
    and the same TikZ code as its LaTeX file holds."""
    srcdir = sphinx_test_tempdir / "timeline-again"
    shutil.copytree(rootdir / "test-r033-timeline-not-utf8", srcdir)
    shutil.copy(ROOT / TIMELINE_CSV, srcdir / TIMELINE_CSV)
    shutil.copy(ROOT / "references.bib", srcdir / "references.bib")
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    time.tzset()
    try:
        app = make_app("html", srcdir=srcdir)
        app.build()
    finally:
        monkeypatch.undo()
        time.tzset()
    drawn = Path(app.doctreedir) / "report-timeline" / "timeline"
    svg = drawn.with_suffix(".svg").read_bytes()
    assert svg == (html_dir / "_images" / "timeline.svg").read_bytes()
    tikz = drawn.with_suffix(".tex").read_text(encoding="utf-8")
    assert tikz.startswith(r"\begin{tikzpicture}") and tikz in pdf_file.with_suffix(".tex").read_text(encoding="utf-8")
    # Text drawn as outlines (an <img> cannot use the page's fonts), and no
    # element EPUBCheck refuses (a <path> without d).
    tree = etree.fromstring(svg)
    assert not list(tree.iter("{http://www.w3.org/2000/svg}text"))
    assert all(path.get("d") for path in tree.iter("{http://www.w3.org/2000/svg}path"))
