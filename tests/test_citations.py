"""The report's citations: one author–date style, linked both ways
(report.citestyle, report.citelinks; docs/authoring.md).

On the built outputs of both editions: every in-text label ("Congressional
Research Service 2025a") names exactly one entry of the list, and the list
is one alphabetical sequence without numbers; no entry prints a date twice;
no straight quote or backtick in the list or the labels (website, EPUB and
PDF); every entry links back to each place that cites it (website and EPUB),
and the EPUB marks citations epub:type="biblioref". In Chromium: focusing a
citation shows its reference in a popover that moves nothing on the page,
and Escape hides it. The style itself is checked on entries made here (the
suffixes, "n.d.", the access date, quotes), and each output check is shown
to catch the defect it looks for.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree, html

from helpers import ROOT, compact, goto, text_of

sys.path.insert(0, str(ROOT / "_ext"))

from report import citestyle  # noqa: E402  (on the path just above)

DATE = r"(?:\d{4}[a-z]{0,2}|n\.d\.(?:-[a-z]{1,2})?)"
#: An entry's opening: its author (as listed) and its date label.
HEAD = re.compile(rf"^(?P<author>.+?)\. (?P<date>{DATE})\.? ")
MONTH = ("January|February|March|April|May|June|July|August|September|October|"
         "November|December")
MONTH_YEAR = re.compile(rf"\b(?:(\d{{1,2}}) )?({MONTH}) (\d{{4}})\b")
QUOTES = re.compile("[`'\"]")
URL = re.compile(r"https?://\S+")
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
CITATION = "contains(concat(' ', @class, ' '), ' citation ')"


# -- Reading the outputs ---------------------------------------------------------------

def parse(path: Path):
    return etree.parse(str(path)) if path.suffix == ".xhtml" else html.parse(str(path))


def xpath(tree, query: str):
    # XHTML has a namespace, the website's HTML none: match on local names.
    query = re.sub(r"//(\w+)", r"//*[local-name()='\1']", query)
    return tree.xpath(query)


def entries(root: Path, suffix: str) -> dict[str, object]:
    """The reference list's entries: id -> element."""
    tree = parse(root / "backmatter" / f"references{suffix}")
    return {e.get("id"): e for e in xpath(tree, f"//div[{CITATION}]")}


def entry_text(element) -> str:
    """An entry's own text: its paragraph, without the back-links."""
    return " ".join(text_of(p) for p in xpath(element, ".//p"))


def entry_text_without_urls(element) -> str:
    paragraphs = xpath(element, ".//p")
    texts = []
    for paragraph in paragraphs:
        copy = etree.fromstring(etree.tostring(paragraph))
        for link in copy.xpath(".//*[local-name()='a'][starts-with(@href, 'http')]"):
            link.text = ""
            for child in link:
                link.remove(child)
        texts.append(text_of(copy))
    return " ".join(texts)


def citations(root: Path, suffix: str) -> list[tuple[str, str, str, str]]:
    """Every in-text citation link: (page, id of its citation, label, target id)."""
    found = []
    for page in sorted(root.rglob(f"*{suffix}")):
        if page.name.startswith("references"):
            continue
        for cite in xpath(parse(page), "//span[contains(@class, 'bibtex-citation')]"):
            for link in xpath(cite, ".//a[contains(@href, 'references')]"):
                target = unquote(urlsplit(link.get("href")).fragment)
                found.append((page.relative_to(root).as_posix(), cite.get("id"), text_of(link), target))
    return found


def head_key(text: str) -> tuple[str, str] | None:
    """(author's first family name or organization, date label) of an entry's text."""
    match = HEAD.match(text)
    if not match:
        return None
    return compact(re.split(r",| and ", match["author"])[0]), match["date"]


def label_key(label: str) -> tuple[str, str]:
    author, date = label.rsplit(" ", 1)
    return compact(re.split(r",| and | et al\.", author)[0]), date


def dates_printed_twice(text: str) -> list[str]:
    """Dates an entry prints more than once, after its author and date label:
    one month and year twice ("4 September 2017, September 2017"), or a year
    repeated ("2025, 2025")."""
    match = HEAD.match(text)
    rest = text[match.end():] if match else text
    rest = URL.sub("", rest)
    dates = MONTH_YEAR.findall(rest)
    twice = []
    for index, (day, month, year) in enumerate(dates):
        others = dates[:index] + dates[index + 1:]
        # The same day twice, or a month and year that another date names already.
        if (day and (day, month, year) in dates[:index]) or \
                (not day and any((m, y) == (month, year) for _d, m, y in others)):
            twice.append(f"{day} {month} {year}".strip())
    twice += [m.group(0) for m in re.finditer(r"\b(\d{4}), \1\b", rest)]
    return twice


# -- The style, on entries made here ---------------------------------------------------

def bib(text: str):
    from pybtex.database import parse_string

    return parse_string(text, "bibtex")


def formatted(text: str) -> dict[str, tuple[str, str]]:
    """key: (label, plain text) as the report's style formats the entries."""
    style = citestyle.AuthorDateStyle()
    entries_ = style.sort(bib(text).entries.values())
    labels = style.format_labels(entries_)
    return {e.key: (label, style.format_entry(label, e).text.render_as("text"))
            for label, e in zip(labels, entries_)}


def test_one_author_and_year_get_letters_and_undated_sources_nd() -> None:
    result = formatted("""
        @misc{b, author = {{The Korea Herald}}, title = {Beta}, year = {2025}}
        @misc{a, author = {{The Korea Herald}}, title = {Alpha}, year = {2025}}
        @misc{c, author = {{The Korea Herald}}, title = {Gamma}, year = {2024}}
        @misc{d, author = {{U.S. Department of State}}, title = {Fact Sheet}}
        @misc{e, author = {Meick, Ethan and Salidjanova, Nargiza}, title = {Report}, year = {2017}}
    """)
    assert result["a"][0] == "The Korea Herald 2025a"
    assert result["b"][0] == "The Korea Herald 2025b"
    assert result["c"][0] == "The Korea Herald 2024"
    assert result["d"][0] == "U.S. Department of State n.d."
    assert result["d"][1].startswith("U.S. Department of State. n.d. ")
    assert result["e"][0] == "Meick and Salidjanova 2017"
    assert result["e"][1].startswith("Meick, Ethan, and Nargiza Salidjanova. 2017. ")
    assert result["b"][1].startswith("The Korea Herald. 2025b. \u201cBeta.\u201d")


def test_korean_names_family_name_first_and_filed_under_it() -> None:
    result = formatted("""
        @misc{byun, author = {{Byun Duk-kun}}, title = {Students}, year = {2020}}
        @misc{cho, author = {{Cho Yong-jun}}, title = {Defense}, year = {2026}}
        @misc{boyd, author = {Boyd, Anne}, title = {Other}, year = {2020}}
    """)
    assert result["byun"][0] == "Byun Duk-kun 2020"
    assert result["byun"][1].startswith("Byun Duk-kun. 2020. ")
    assert list(result) == ["boyd", "byun", "cho"], "not filed by family name"


def test_access_date_quotes_and_a_date_printed_once() -> None:
    result = formatted(r"""
        @misc{web, author = {{Euronews}}, title = {North Korea's `Six' Tests},
              year = {2017}, month = sep, howpublished = {Euronews, 4 September 2017},
              urldate = {2026-03-12}, url = {https://example.org/a}}
        @misc{release, author = {{Ministry}}, title = {Press Release}, year = {2019},
              month = feb, howpublished = {Press release}}
    """)
    web = result["web"][1]
    assert "Accessed 12 March 2026." in web
    assert "\u201cNorth Korea\u2019s \u2018Six\u2019 Tests.\u201d" in web
    assert not QUOTES.search(URL.sub("", web)), web
    assert not dates_printed_twice(web), web
    # No other field dates it: the month is printed, once.
    assert "Press release, February 2019." in result["release"][1]


def test_the_output_checks_catch_what_they_look_for() -> None:
    """The entries as the list printed them before: a date twice, numbers, quotes."""
    assert dates_printed_twice("Cobben, Ingrid. 2017. Timeline. Euronews, 4 September 2017, "
                               "September 2017. https://x.org/2017") == ["September 2017"]
    assert dates_printed_twice("The Korea Herald. 2025. Title. The Korea Herald, 2025, 2025.")
    assert not dates_printed_twice("Cobben, Ingrid. 2017. Timeline. Euronews, 4 September 2017.")
    assert head_key("[1] Yong-jun Cho. South Korea Can Take") is None
    assert QUOTES.search("South Korea Can Take `Primary Responsibility'")
    keys = [("thekoreaherald", "2025a"), ("thekoreaherald", "2025b")]
    assert pdf_labels("as agreed (The Korea Herald 2025; see The Korea Herald 2025b, 3).", keys) == (
        {"The Korea Herald 2025", "The Korea Herald 2025b"}, ["The Korea Herald 2025"])


# -- The built outputs: labels and entries ---------------------------------------------

def assert_labels_name_one_entry(root: Path, suffix: str) -> None:
    listed = entries(root, suffix)
    assert len(listed) >= 15, f"{root}: only {len(listed)} entries"
    keys: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ident, element in listed.items():
        key = head_key(entry_text(element))
        assert key, f"{root}: an entry without author and date: {entry_text(element)[:80]!r}"
        keys[key].append(ident)
    shared = {k: v for k, v in keys.items() if len(v) > 1}
    assert not shared, f"{root}: author and date shared by several entries: {shared}"
    cites = citations(root, suffix)
    assert len(cites) > 100, f"{root}: only {len(cites)} citations found"
    targets: dict[str, set[str]] = defaultdict(set)
    for page, _cite, label, target in cites:
        targets[label].add(target)
        assert target in listed, f"{page}: {label!r} leads to no entry ({target})"
        assert keys.get(label_key(label)) == [target], (
            f"{page}: the label {label!r} does not open its entry: "
            f"{entry_text(listed[target])[:80]!r}")
    several = {label: t for label, t in targets.items() if len(t) > 1}
    assert not several, f"{root}: labels leading to several entries: {several}"


def assert_one_alphabetical_list(root: Path, suffix: str) -> None:
    texts = [entry_text(e) for e in entries(root, suffix).values()]
    assert not [t for t in texts if re.match(r"\[?\d+\]", t)], "numbered entries"
    heads = [HEAD.match(t)["author"].casefold() for t in texts]
    assert heads == sorted(heads), "the list is not one alphabetical sequence"


def assert_clean_entries(root: Path, suffix: str) -> None:
    problems = []
    for element in entries(root, suffix).values():
        text = entry_text(element)
        problems += [f"date twice ({d}): {text[:70]}" for d in dates_printed_twice(text)]
        if QUOTES.search(entry_text_without_urls(element)):
            problems.append(f"straight quote or backtick: {entry_text_without_urls(element)[:90]}")
    problems += [f"{page}: quote in label {label!r}" for page, _c, label, _t in citations(root, suffix)
                 if QUOTES.search(label)]
    assert not problems, f"{root}:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("edition", ["en", "ko"])
@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_labels_entries_dates_and_quotes(request, edition: str, fmt: str) -> None:
    prefix = "" if edition == "en" else "ko_"
    root = request.getfixturevalue(f"{prefix}{fmt}_dir")
    suffix = ".html" if fmt == "html" else ".xhtml"
    assert_labels_name_one_entry(root, suffix)
    assert_one_alphabetical_list(root, suffix)
    assert_clean_entries(root, suffix)


def test_the_list_names_koreans_family_name_first(html_dir: Path) -> None:
    texts = [entry_text(e) for e in entries(html_dir, ".html").values()]
    assert any(t.startswith("Cho Yong-jun. 2026. ") for t in texts)
    assert not [t for t in texts if re.match(r"(Duk-kun Byun|Byun, Duk-kun|Yong-jun Cho|Cho, Yong-jun)", t)]
    assert any(t.startswith("U.S. Department of State. n.d. ") for t in texts), "no n.d. entry"


# -- The PDF ---------------------------------------------------------------------------

def pdf_list(text: str) -> str:
    """The reference list's text: from its first entry to the end of the last
    page whose running foot names the list (the chapter's first page has
    none). The colophon that follows cites the report itself in the same
    form, so its page must not count."""
    start = text.index("Air & Space Forces Magazine. 2016.")
    first_page_end = text.find("\f", start)
    listing = [text[start:first_page_end]]
    for page in text[first_page_end + 1:].split("\f"):
        if not re.search(r"(?m)^\s*(References|REFERENCES|참고문헌)\s*$", page):
            break
        listing.append(page)
    return "\f".join(listing)


def pdf_keys(listing: str) -> list[tuple[str, str]]:
    heads = re.finditer(rf"(?m)^(?P<author>[^\n]+?)\.\s(?P<date>{DATE})\.? ", listing)
    return [(compact(re.split(r",| and ", m["author"])[0]), m["date"]) for m in heads]


def pdf_labels(body: str, keys: list[tuple[str, str]]) -> tuple[set[str], list[str]]:
    """The labels in BODY's parentheses whose author is listed, and those of
    them that name no entry."""
    authors = {author for author, _date in keys}
    seen = set()
    for group in re.findall(r"\(([^()]{3,400})\)", body):
        for part in group.split("; "):
            # A pre-text in lower case ("see"), a post-text after a comma.
            match = re.fullmatch(rf"(?:[a-z.,]+ )*(?P<label>[A-Z].*? {DATE})(?:, .*)?", part.strip())
            if match and label_key(match["label"])[0] in authors:
                seen.add(match["label"])
    return seen, [label for label in seen if label_key(label) not in set(keys)]


@pytest.mark.requires_tex
@pytest.mark.parametrize("edition", ["en", "ko"])
def test_pdf_labels_and_list(request, edition: str) -> None:
    text = request.getfixturevalue("pdf_text" if edition == "en" else "ko_pdf_text")
    html_root = request.getfixturevalue("html_dir" if edition == "en" else "ko_html_dir")
    listing = pdf_list(text)
    keys = pdf_keys(listing)
    assert len(keys) == len(entries(html_root, ".html")), "entries the PDF list does not start as expected"
    assert len(set(keys)) == len(keys), "two PDF entries with one author and date"
    # Labels as the PDF's text shows them, in parentheses: a table's cells
    # come out of pdftotext interleaved, so a label there may be cut up and
    # is not seen; every label seen must name one entry, and nearly all are seen.
    seen, unknown = pdf_labels(" ".join(text[:text.index(listing[:60])].split()), keys)
    assert not unknown, f"PDF labels that name no entry: {unknown[:5]}"
    labels = {label for _p, _c, label, _t in citations(html_root, ".html")}
    assert len(labels & seen) >= 0.9 * len(labels), f"PDF labels not found: {sorted(labels - seen)[:10]}"
    problems = [d for block in re.split(rf"\n(?=[^\n]+?\.\s{DATE}\.? )", listing)
                for d in dates_printed_twice(" ".join(block.split()))]
    assert not problems, problems
    assert not QUOTES.search(URL.sub("", " ".join(listing.split()))), "straight quote or backtick"


# -- Both directions -------------------------------------------------------------------

def assert_backlinks(root: Path, suffix: str, name: str) -> None:
    listed = entries(root, suffix)
    wanted: dict[str, list[str]] = defaultdict(list)
    for page, cite, _label, target in citations(root, suffix):
        place = f"{page}#{cite}"
        if place not in wanted[target]:
            wanted[target].append(place)
    problems = []
    for ident, element in listed.items():
        links = xpath(element, ".//a[contains(@class, 'citation-backlink')]")
        found = [(root / "backmatter" / urlsplit(a.get("href")).path).resolve().relative_to(root.resolve())
                 .as_posix() + "#" + urlsplit(a.get("href")).fragment for a in links]
        if sorted(found) != sorted(wanted.get(ident, [])):
            problems.append(f"{ident}: back-links {found} for citations {wanted.get(ident)}")
        for number, link in enumerate(links, start=1):
            if not re.fullmatch(name.replace("N", str(number)), link.get("aria-label") or ""):
                problems.append(f"{ident}: back-link {number} named {link.get('aria-label')!r}")
            if link.get("role") != "doc-backlink":
                problems.append(f"{ident}: back-link {number} without role doc-backlink")
    assert not problems, f"{root}:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("edition", ["en", "ko"])
@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_every_entry_links_back_to_each_citation(request, edition: str, fmt: str) -> None:
    prefix = "" if edition == "en" else "ko_"
    root = request.getfixturevalue(f"{prefix}{fmt}_dir")
    name = r"Back to citation N in .+" if edition == "en" else r".+의 N번째 인용으로 돌아가기"
    assert_backlinks(root, ".html" if fmt == "html" else ".xhtml", name)


def test_the_backlink_check_sees_a_missing_one(html_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(html_dir / "backmatter", copy / "backmatter")
    shutil.copytree(html_dir / "chapters", copy / "chapters")
    page = copy / "backmatter" / "references.html"
    source = page.read_text(encoding="utf-8")
    planted = re.sub(r'<a [^>]*class="citation-backlink"[^>]*>\d+</a>', "", source, count=1)
    assert planted != source
    page.write_text(planted, encoding="utf-8")
    with pytest.raises(AssertionError, match="back-links"):
        assert_backlinks(copy, ".html", r"Back to citation N in .+")


@pytest.mark.parametrize("edition", ["en", "ko"])
def test_epub_citations_are_bibliorefs(request, edition: str) -> None:
    root = request.getfixturevalue("epub_dir" if edition == "en" else "ko_epub_dir")
    unmarked, count = [], 0
    for page in sorted(root.rglob("*.xhtml")):
        for cite in xpath(parse(page), "//span[contains(@class, 'bibtex-citation')]"):
            for link in xpath(cite, ".//a"):
                count += 1
                if link.get(EPUB_TYPE) != "biblioref" or link.get("role") != "doc-biblioref":
                    unmarked.append(f"{page.name}: {text_of(link)}")
    assert count > 100
    assert not unmarked, unmarked[:5]
    for element in entries(root, ".xhtml").values():
        assert all(a.get(EPUB_TYPE) == "backlink"
                   for a in xpath(element, ".//a[contains(@class, 'citation-backlink')]"))


# -- In a browser ----------------------------------------------------------------------

CHAPTER = "chapters/02-current-state.html"


def layout(page) -> list[list[float]]:
    return page.evaluate("""() => [...document.querySelectorAll('article p, article h2, article li')]
        .map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y + scrollY, r.width, r.height]; })""")


def check_popover(browser, url: str, shot: Path) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    goto(page, url + CHAPTER)
    link = page.locator("a.citation-link").nth(2)
    link.scroll_into_view_if_needed()
    before = layout(page)
    popover = page.locator("#citation-popover")
    assert popover.count() == 0 or not popover.is_visible()
    link.focus()
    assert popover.is_visible(), "focusing a citation shows no reference"
    reference = popover.inner_text()
    label = link.inner_text()
    assert compact(label.rsplit(" ", 1)[1]) in compact(reference) and len(reference) > 40, reference
    assert link.get_attribute("aria-describedby") == "citation-popover"
    assert link.get_attribute("title") is None, "the browser's own tooltip would show it twice"
    assert popover.evaluate("e => getComputedStyle(e).position") == "absolute"
    assert layout(page) == before, "showing the reference moved the page's text"
    page.screenshot(path=str(shot))
    page.keyboard.press("Escape")
    assert not popover.is_visible(), "Escape does not hide the reference"
    link.hover()
    assert popover.is_visible(), "hovering a citation shows no reference"
    href = link.get_attribute("href")
    page.goto(urlsplit(url + CHAPTER)._replace(fragment="").geturl().rsplit("/", 1)[0] + "/" + href)
    target = page.locator(":target")
    assert target.evaluate("e => getComputedStyle(e).outlineStyle") == "solid", "entry not highlighted"
    context.close()


@pytest.mark.requires_browser
def test_focusing_a_citation_shows_its_reference(browser, server: str, screenshots: Path) -> None:
    check_popover(browser, server, screenshots / "citation-popover.png")


@pytest.mark.requires_browser
def test_focusing_a_citation_shows_its_reference_korean(browser, both_sites: str, screenshots: Path) -> None:
    check_popover(browser, both_sites + "ko/html/", screenshots / "citation-popover-ko.png")
