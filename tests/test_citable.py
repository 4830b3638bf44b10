"""The report as a citable work: its own citation in every format and edition.

- every page of both websites carries the Highwire citation_* tags, with the
  values of report.toml (the edition's title, author, date, language,
  publisher, hosted PDF and address);
- the colophon's "Cite this report" holds the Chicago author-date reference
  and a BibTeX entry pybtex can read, in the HTML, the EPUB and the PDF text
  of both editions, agreeing with report.toml;
- the websites ship the edition's .bib and .ris (pybtex reads the one, the
  other has its RIS tags), linked from every page; `make dist` releases them;
- CITATION.cff is valid CFF 1.2.0 (the schema vendored in tests/cff/) and is
  what report.citation writes from report.toml, field by field.

Each checker is shown catching a planted defect.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from lxml import etree, html
from pybtex.database import parse_string

from helpers import REPORT, ROOT, SLUG, compact, line_of, pages_of, pdftotext, text_of, xhtml_pages

sys.path.insert(0, str(ROOT / "_ext"))
from report import citation  # noqa: E402

VERSION = REPORT["version"]
CFF = ROOT / "CITATION.cff"
SCHEMA = json.loads((Path(__file__).parent / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
# The edition's word for "Version" (report.edition's title page uses the same).
VERSION_LABEL = {"en": "Version", "ko": "버전"}
# The English title in italics (<em>), the Korean one in 『』: Hangul has no italic.
TITLE_MARKS = {"en": "{}", "ko": "『{}』"}


def edition(language: str) -> dict:
    """What report.toml says of the edition in LANGUAGE, read here directly."""
    values = {**REPORT, **REPORT.get(language, {})} if language != REPORT["language"] else REPORT
    suffix = "" if language == REPORT["language"] else f"-{language}"
    host, path = urlsplit(values["base_url"])[1:3]
    lang, version = [s for s in path.split("/") if s][-2:]
    return {
        "title": f"{values['title']}: {values['subtitle']}", "author": values["author"],
        "publisher": values["publisher"], "url": values["base_url"], "language": language,
        "date": REPORT["date_of_information"], "year": REPORT["date_of_information"][:4],
        # Read the Docs' address of the PDF of the same edition and version.
        "pdf": f"https://{host}/_/downloads/{lang}/{version}/pdf/",
        "stem": f"{SLUG}-{VERSION}{suffix}",
        "chicago": f"{values['author']}. {REPORT['date_of_information'][:4]}. "
                   f"{TITLE_MARKS[language].format(values['title'] + ': ' + values['subtitle'])}. "
                   f"{values['publisher']}. "
                   f"{VERSION_LABEL[language]} {VERSION}. {values['base_url']}.",
    }


EDITIONS = ["en", "ko"]


@pytest.fixture(params=EDITIONS)
def site(request) -> tuple[Path, dict]:
    fixture = "html_dir" if request.param == "en" else "ko_html_dir"
    return request.getfixturevalue(fixture), edition(request.param)


# -- Highwire meta tags --------------------------------------------------------------

def meta_problems(page: str, text: str, expected: dict) -> list[str]:
    """What is missing or wrong in one page's citation_* tags."""
    tags: dict[str, list[str]] = {}
    for meta in html.fromstring(text).xpath("//head/meta[starts-with(@name, 'citation_')]"):
        tags.setdefault(meta.get("name"), []).append(meta.get("content"))
    wanted = {
        "citation_title": [expected["title"]],
        "citation_author": [expected["author"]],
        "citation_publication_date": [expected["date"].replace("-", "/")],
        "citation_language": [expected["language"]],
        "citation_publisher": [expected["publisher"]],
        "citation_pdf_url": [expected["pdf"]],
        "citation_public_url": [expected["url"]],
        "citation_abstract_html_url": [expected["url"]],
    }
    return [f"{page}: {name} is {tags.get(name)}, report.toml says {value}"
            for name, value in wanted.items() if tags.get(name) != value]


def test_every_page_carries_the_citation_meta_tags(site) -> None:
    folder, expected = site
    pages = pages_of(folder)
    assert len(pages) > 10
    problems = [p for page in pages
                for p in meta_problems(page, (folder / page).read_text(encoding="utf-8"), expected)]
    assert not problems, "\n".join(problems[:20])


def test_meta_check_sees_a_missing_or_wrong_tag(html_dir: Path) -> None:
    text = (html_dir / "index.html").read_text(encoding="utf-8")
    expected = edition("en")
    assert not meta_problems("index.html", text, expected)
    dropped = re.sub(r'<meta name="citation_author"[^>]*>', "", text)
    assert meta_problems("index.html", dropped, expected) == [
        f"index.html: citation_author is None, report.toml says {[expected['author']]}"]
    wrong = text.replace(expected["pdf"], expected["pdf"].replace("/pdf/", "/epub/"))
    problems = meta_problems("index.html", wrong, expected)
    assert len(problems) == 1 and problems[0].startswith("index.html: citation_pdf_url is"), problems


# -- The colophon's "Cite this report" ---------------------------------------------

def check_bibtex(text: str, expected: dict) -> list[str]:
    """pybtex reads TEXT as one entry with the edition's title, version, URL and year."""
    entries = parse_string(text, "bibtex").entries
    if len(entries) != 1:
        return [f"{len(entries)} entries"]
    (key, entry), = entries.items()
    fields = {name: value.strip("{}") for name, value in entry.fields.items()}
    authors = [str(person).strip("{}") for person in entry.persons.get("author", [])]
    found = {"key": key, "title": fields.get("title"), "version": fields.get("version"),
             "url": fields.get("url"), "year": fields.get("year"), "author": authors}
    wanted = {"key": SLUG + ("" if expected["language"] == "en" else f"-{expected['language']}"),
              "title": expected["title"], "version": VERSION, "url": expected["url"],
              "year": expected["year"], "author": [expected["author"]]}
    return [f"{name}: {found[name]!r}, not {value!r}" for name, value in wanted.items()
            if found[name] != value]


def test_site_colophon_cites_the_edition(site) -> None:
    folder, expected = site
    section = html.parse(str(folder / "backmatter" / "colophon.html")).xpath(
        "//section[@id='cite-this-report']")
    assert section, "no section cite-this-report in the colophon"
    chicago = section[0].xpath(".//p[contains(@class, 'report-citation')]")
    assert [text_of(p) for p in chicago] == [expected["chicago"]]
    italic = [] if expected["language"] == "ko" else [expected["title"]]
    assert chicago[0].xpath("./em/text()") == italic, "the English title in italics, the Korean one in 『』"
    assert chicago[0].xpath("./a/@href") == [expected["url"]]
    bibtex = section[0].xpath(".//div[contains(@class, 'report-citation')]//pre")
    assert len(bibtex) == 1
    assert not check_bibtex("".join(bibtex[0].itertext()), expected)


def epub_colophon(epub_dir: Path) -> etree._Element:
    for name in xhtml_pages(epub_dir):
        root = etree.parse(str(epub_dir / name)).getroot()
        if root.xpath("//*[@id='cite-this-report']"):
            return root
    pytest.fail("no page of the EPUB has the section cite-this-report")


@pytest.mark.parametrize("language", EDITIONS)
def test_epub_colophon_cites_the_edition(request, language: str) -> None:
    expected = edition(language)
    root = epub_colophon(request.getfixturevalue("epub_dir" if language == "en" else "ko_epub_dir"))
    paragraphs = root.xpath("//*[local-name()='p'][contains(@class, 'report-citation')]")
    assert [text_of(p) for p in paragraphs] == [expected["chicago"]]
    pre = root.xpath("//*[local-name()='div'][contains(@class, 'report-citation')]//*[local-name()='pre']")
    assert len(pre) == 1 and not check_bibtex("".join(pre[0].itertext()), expected)


@pytest.mark.requires_tex
@pytest.mark.parametrize("language", EDITIONS)
def test_pdf_colophon_cites_the_edition(request, language: str) -> None:
    expected = edition(language)
    text = compact(request.getfixturevalue("pdf_text" if language == "en" else "ko_pdf_text"))
    # The reference and the BibTeX entry: the title and the address twice each.
    for part in ("chicago", "title", "url"):
        assert compact(expected[part]) in text, f"{part} {expected[part]!r} not in the PDF's text"
    assert text.count(compact(expected["url"])) >= 2
    assert compact(f"version = {{{VERSION}}}") in text
    assert compact(f"@techreport{{{SLUG}") in text
    # Copied from the PDF, the BibTeX entry is one a reference manager reads:
    # no line of it broken with LaTeX's continuation marks (␣ … ↪).
    pdf = request.getfixturevalue("pdf_file" if language == "en" else "ko_pdf_file")
    page, entry = pdf_bibtex(pdf)
    assert not check_bibtex(entry, expected), f"{pdf.name}: the BibTeX entry as copied:\n{entry}"
    # The paragraph that leads into it ("The same citation in BibTeX:") is on
    # the same page, not left at the foot of the one before.
    site = request.getfixturevalue("html_dir" if language == "en" else "ko_html_dir")
    lead_in = html.parse(str(site / "backmatter" / "colophon.html")).xpath(
        "//div[contains(@class, 'report-citation')]/preceding-sibling::p[1]")
    assert lead_in and compact(text_of(lead_in[0])) in compact(page), (
        f"{pdf.name}: the lead-in {text_of(lead_in[0]) if lead_in else None!r} is not on the entry's page")


def pdf_bibtex(pdf: Path) -> tuple[str, str]:
    """The page of the PDF holding the colophon's BibTeX entry, and the entry,
    as the PDF's text layer gives them laid out as on the page (the entry from
    its @techreport line to the closing brace)."""
    layout = pdftotext(pdf, "-layout")
    for page in layout.split("\f"):
        found = re.search(r"^\s*@techreport\{.*?^\s*\}\s*$", page, re.MULTILINE | re.DOTALL)
        if found:
            return page, found.group(0)
    return "", ""


def test_pdf_bibtex_check_sees_a_line_broken_by_latex() -> None:
    """What the check above reads when LaTeX breaks a long line of the entry."""
    expected = edition("en")
    entry = citation.bibtex(citation.of(REPORT))
    title = next(line for line in entry.splitlines() if line.lstrip().startswith("title"))
    cut = title.index(" of ") if " of " in title else len(title) // 2
    broken = entry.replace(title, title[:cut] + "\u2423\n,\u2192" + title[cut:])
    assert check_bibtex(broken, expected), broken


def test_bibtex_check_sees_a_wrong_version() -> None:
    expected = edition("en")
    good = citation.bibtex(citation.of(REPORT))
    assert not check_bibtex(good, expected)
    assert check_bibtex(good.replace(VERSION, "9.9.9"), expected) == [f"version: '9.9.9', not {VERSION!r}"]


# -- The .bib and .ris files -------------------------------------------------------

RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  - (.*)$")


def ris_problems(text: str, expected: dict) -> list[str]:
    """The RIS tags a reference manager needs, with the edition's values."""
    if not text.endswith("\r\n"):
        return ["lines do not end in CRLF"]
    tags: dict[str, list[str]] = {}
    for number, line in enumerate(text.split("\r\n")[:-1], start=1):
        match = RIS_LINE.match(line)
        if not match:
            return [f"line {number}: {line!r} is not 'XX  - value'"]
        tags.setdefault(match[1], []).append(match[2])
    wanted = {"TY": ["RPRT"], "AU": [expected["author"]], "TI": [expected["title"]],
              "PY": [expected["year"]], "UR": [expected["url"]], "ER": [""]}
    problems = [f"{tag}: {tags.get(tag)}, not {value}" for tag, value in wanted.items()
                if tags.get(tag) != value]
    if not text.startswith("TY  - ") or not text.endswith("ER  - \r\n"):
        problems.append("not one record from TY to ER")
    return problems


def test_site_ships_the_bib_and_ris(site) -> None:
    folder, expected = site
    bib = folder / citation.FOLDER / f"{expected['stem']}.bib"
    ris = folder / citation.FOLDER / f"{expected['stem']}.ris"
    assert not check_bibtex(bib.read_text(encoding="utf-8"), expected)
    assert not ris_problems(ris.read_bytes().decode("utf-8"), expected)
    # Linked from every page, under the downloads in the sidebar.
    for page in pages_of(folder):
        links = html.parse(str(folder / page)).xpath("//nav[@class='report-cite']//a/@href")
        # 404.html's links are absolute (served at any address): the site's path first.
        base = urlsplit(expected["url"]).path
        targets = sorted((folder / href.removeprefix(base) if href.startswith("/")
                          else (folder / page).parent / href).resolve() for href in links)
        assert targets == [bib.resolve(), ris.resolve()], f"{page}: citation links {links}"


def test_ris_check_sees_a_missing_end_and_a_wrong_title() -> None:
    expected = edition("en")
    good = citation.ris(citation.of(REPORT))
    assert not ris_problems(good, expected)
    assert "ER: None, not ['']" in ris_problems(good.replace("ER  - \r\n", ""), expected)
    assert ris_problems(good.replace("TI  - US", "TI  - UK"), expected)[0].startswith("TI: ")
    assert ris_problems(good.replace("\r\n", "\n"), expected) == ["lines do not end in CRLF"]


def test_values_are_text_in_bibtex() -> None:
    """A title with BibTeX's special characters reads back as written."""
    odd = {**REPORT, "title": "Peace & Prosperity {100%}", "subtitle": "A #1 Test_Case ~$^\\"}
    entry = parse_string(citation.bibtex(citation.of(odd)), "bibtex").entries[SLUG]
    assert entry.fields["title"] == (r"{Peace \& Prosperity \{100\%\}: A \#1 Test\_Case "
                                     r"\textasciitilde{}\$\textasciicircum{}\textbackslash{}}")


@pytest.mark.parametrize("title, subtitle", [
    ("A Title Long Enough to Need Three Lines of the Entry",
     "Which the PDF Sets in Code, and of Which No Line May Run Past the Column Where LaTeX Breaks It"),
    ("한미 관계", "동맹의 역사, 현황과 미래, 그리고 두 나라가 함께 걸어온 칠십여 년의 기록과 앞으로의 과제"),
])
def test_long_values_go_on_over_the_next_line(title: str, subtitle: str) -> None:
    """No line of the entry wider than the PDF sets whole (a Hangul character
    two columns), and the title reads back as written."""
    entry = citation.bibtex(citation.of({**REPORT, "title": title, "subtitle": subtitle}))
    wide = [line for line in entry.splitlines() if citation._columns(line) > citation.BIBTEX_WIDTH]
    lines = entry.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("  title "))
    end = next(n for n, line in enumerate(lines) if n >= start and line.endswith("},"))
    assert not wide and end > start, entry  # the title went on over the next line
    assert parse_string(entry, "bibtex").entries[SLUG].fields["title"] == f"{{{title}: {subtitle}}}"


def test_release_includes_the_bib_and_ris(tmp_path: Path) -> None:
    """scripts/dist.py stages each edition's .bib and .ris from its website and lists them in SHA256SUMS."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import dist

    builddir, staging = tmp_path / "build", tmp_path / "staging"
    staging.mkdir()
    for language, out in (("en", builddir), ("ko", builddir / "ko")):
        stem = edition(language)["stem"]
        for path in (out / "latex" / f"{SLUG}.pdf", out / "epub" / f"{SLUG}.epub",
                     out / "html" / "index.html", out / "html" / "cite" / f"{stem}.bib",
                     out / "html" / "cite" / f"{stem}.ris"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{language} {path.name}", encoding="utf-8")
    names = dist.stage(builddir, staging, SLUG, VERSION, 1_795_000_000, EDITIONS)
    for language in EDITIONS:
        stem = edition(language)["stem"]
        for suffix in (".bib", ".ris"):
            assert f"{stem}{suffix}" in names
            assert (staging / f"{stem}{suffix}").read_text(encoding="utf-8") == f"{language} {stem}{suffix}"
    listed = [line.split("  ", 1)[1] for line in (staging / "SHA256SUMS").read_text().splitlines()]
    assert listed == sorted(names)
    (builddir / "ko" / "html" / "cite" / f"{edition('ko')['stem']}.ris").unlink()
    again = tmp_path / "staging2"
    again.mkdir()
    with pytest.raises(dist.ReleaseError, match=r"-ko\.ris: missing or empty"):
        dist.stage(builddir, again, SLUG, VERSION, 1_795_000_000, EDITIONS)


# -- CITATION.cff --------------------------------------------------------------------

def cff_errors(data: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return sorted(f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                  for e in validator.iter_errors(data))


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    assert not cff_errors(data)
    # The check refuses a licence that is no SPDX id and an author without a name.
    broken = {**data, "license": "CC BY 4.0", "authors": [{"name": ""}]}
    errors = cff_errors(broken)
    assert any(e.startswith("license:") for e in errors), errors
    assert any(e.startswith("authors.0") for e in errors), errors


def _leaves(node: yaml.Node, path: str = "") -> dict[str, tuple[str, int]]:
    """{dotted key: (value, line)} of a composed YAML document."""
    if isinstance(node, yaml.MappingNode):
        found = {}
        for key, value in node.value:
            found.update(_leaves(value, f"{path}.{key.value}" if path else key.value))
        return found
    if isinstance(node, yaml.SequenceNode):
        found = {}
        for index, item in enumerate(node.value):
            found.update(_leaves(item, f"{path}.{index}"))
        return found
    return {path: (node.value, node.start_mark.line + 1)}


def cff_disagreements(committed: str, report: dict, name: str = "CITATION.cff") -> list[str]:
    """Where the committed CITATION.cff says other than report.toml, at its line."""
    written = _leaves(yaml.compose(citation.cff(report)))
    found = _leaves(yaml.compose(committed))
    problems = []
    for key in sorted(written.keys() | found.keys()):
        have, line = found.get(key, (None, 1))
        want = written.get(key, (None, 0))[0]
        if have != want:
            problems.append(f"{name}:{line}: '{key}' is {have!r}, report.toml says {want!r}")
    return problems


def test_citation_cff_agrees_with_report_toml() -> None:
    problems = cff_disagreements(CFF.read_text(encoding="utf-8"), REPORT)
    assert not problems, "\n".join(problems) + f"\nwrite it again: {citation.CFF_COMMAND}"
    assert CFF.read_text(encoding="utf-8") == citation.cff(REPORT)


def test_cff_check_names_the_field_and_line_that_disagree() -> None:
    committed = CFF.read_text(encoding="utf-8")
    bumped = {**REPORT, "version": "9.9.9", "date_of_information": "2027-01-31"}
    lines = committed.split("\n")

    def at(key: str, nth: int = 1) -> int:
        return [n for n, line in enumerate(lines, 1) if line.strip().startswith(f"{key}:")][nth - 1]

    assert cff_disagreements(committed, bumped) == [
        f"CITATION.cff:{at('date-released')}: 'date-released' is {REPORT['date_of_information']!r}, "
        "report.toml says '2027-01-31'",
        f"CITATION.cff:{at('date-published')}: 'preferred-citation.date-published' is "
        f"{REPORT['date_of_information']!r}, report.toml says '2027-01-31'",
        f"CITATION.cff:{at('version', 2)}: 'preferred-citation.version' is {VERSION!r}, "
        "report.toml says '9.9.9'",
        f"CITATION.cff:{at('year')}: 'preferred-citation.year' is "
        f"{REPORT['date_of_information'][:4]!r}, report.toml says '2027'",
        f"CITATION.cff:{at('version')}: 'version' is {VERSION!r}, report.toml says '9.9.9'",
    ]


# -- The directive, on a small root ------------------------------------------------

@pytest.mark.sphinx("html", testroot="citation")
def test_directive_writes_the_root_identity_and_refuses_an_unknown_form(app) -> None:
    app.build()
    warnings = [line for line in app.warning.getvalue().splitlines() if "report-citation" in line]
    assert len(warnings) == 1, app.warning.getvalue()
    assert f"wrong.md:{line_of(app, 'wrong.md', ':::{report-citation} apa')}:" in warnings[0]
    assert "unknown form 'apa'" in warnings[0]
    page = html.parse(str(Path(app.outdir) / "clean.html"))
    assert [text_of(p) for p in page.xpath("//p[contains(@class, 'report-citation')]")] == [
        "The Test & Report contributors. 2025. Peace & Prosperity {100%}: A #1 Test_Case. "
        "Test Press. Version 2.3.4. https://test-report.readthedocs.io/en/stable/."]
    entry = parse_string("".join(page.xpath("//pre")[0].itertext()), "bibtex").entries["test-report"]
    assert entry.fields["version"] == "2.3.4"
    assert (Path(app.outdir) / "cite" / "test-report-2.3.4.ris").read_bytes().startswith(b"TY  - RPRT\r\n")
    meta = page.xpath("//meta[@name='citation_pdf_url']/@content")
    assert meta == ["https://test-report.readthedocs.io/_/downloads/en/stable/pdf/"]
