"""Shared fixtures: each format of each edition is built once per test run.

The whole book is built only for what only the whole book can show. Each
format of each edition (epub, pdf, html × English, Korean) is a session
fixture built with the project's own Makefile (the commands a person, CI and
the docs use) into one build folder under pytest's temporary folder, shared
by every pytest-xdist worker of the run: a file lock per edition around
building, and a stamp per format, so whichever worker asks first builds it and
the others wait and read it. The formats of an edition are built in
`make book`'s order (EPUB, PDF, then the website, which ships the two), each
after the ones before it, so what the folder holds never depends on which
test, or which worker, asked first. No test changes that folder.

A rule of the extension is tested as Sphinx tests its own extensions: a small
project per case in tests/roots/test-<name>/, built with sphinx.testing's
`app` fixture (@pytest.mark.sphinx("html", testroot="<name>")), reading its
warning stream with helpers.reported.

Plain helpers are in tests/helpers.py; test files import from there (these
names are also re-exported here for older imports).
"""

from __future__ import annotations

import os
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

from helpers import (FILECACHE, IN_CI, KO, REPORT, ROOT, SLUG, VENV, Result, copy_project,  # noqa: F401
                     locked, make, pdftotext, serve)

pytest_plugins = ["sphinx.testing.fixtures"]


def _require(marker: str, *commands: str) -> None:
    # A failure, never a skip: `make test` installs every tool (scripts/
    # install-system-deps.sh --test), so a missing one is a set-up bug, and a
    # skipped test is a check nobody ran.
    missing = [c for c in commands if shutil.which(c) is None]
    if missing:
        pytest.fail(f"{marker}: {', '.join(missing)} not installed: run `make test`, "
                    "which installs it (scripts/install-system-deps.sh --test)", pytrace=False)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("requires_tex"):
        _require("requires_tex", "xelatex", "latexmk", "pdftotext")
    if item.get_closest_marker("requires_java"):
        _require("requires_java", "java")
    if item.get_closest_marker("requires_browser"):
        _require("requires_browser", "chromium")


# -- The order the files start in ---------------------------------------------------------

# The files that take longest, longest first (measured with `pytest -p
# no:xdist --durations=0`; docs/performance.md lists each file's time). `make test`
# hands whole files to the two workers in collection order
# (--no-loadscope-reorder; pytest-xdist would otherwise start with the files
# of most tests, and these few-test files would run last, on one worker while
# the other idles). Every other file follows in its usual order.
LONGEST_FIRST = (
    "test_site.py", "test_release.py", "test_korean_edition.py", "test_ace.py",
    "test_rebuilds_korean.py", "test_publishing.py", "test_rebuilds.py", "test_bad_input.py",
    "test_epub.py", "test_citations.py", "test_timeline_phone.py", "test_search_field.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def start(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=start)  # stable: each file's tests keep their order


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the small test projects."""
    return Path(__file__).resolve().parent / "roots"


# -- The whole book, once per run, shared by the workers ------------------------------

# `make book`'s order: the website last, since it ships the EPUB and the PDF.
BOOK_ORDER = ("epub", "latexpdf", "html")


def has_tex() -> bool:
    return bool(shutil.which("xelatex") and shutil.which("latexmk"))


@pytest.fixture(scope="session")
def builddir(tmp_path_factory) -> Path:
    """The build folder of this run. Under pytest-xdist, each worker's basetemp
    is a folder of the run's own (pytest-NN/popen-gwN), so their parent is
    shared by this run's workers and no other run (pytest-xdist's documented
    pattern for session fixtures)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / "book"
    folder.mkdir(exist_ok=True)
    return folder


def book_steps(target: str) -> list[str]:
    """The formats built for TARGET, in `make book`'s order. Without TeX (a
    contributor's subset, never `make test`, which installs it) the website is
    built after the EPUB only, and requires_tex tests fail."""
    return [s for s in BOOK_ORDER[: BOOK_ORDER.index(target) + 1] if s != "latexpdf" or has_tex()]


def built_once(builddir: Path, step: str, edition: str) -> str:
    """Build STEP of EDITION unless a worker of this run has: "ok", or why not."""
    extra = (KO,) if edition else ()
    name = edition or REPORT["language"]
    stamp = builddir / f".{name}-{step}.built"
    with locked(builddir / f".{name}.lock"):
        if not stamp.exists():
            # UTC and umask 027: the release tests/test_release.py builds from
            # scratch (Asia/Seoul, umask 022) must give the same bytes.
            result = make(step, ROOT, builddir, *extra, umask=0o027, TZ="UTC")
            stamp.write_text("ok" if result.returncode == 0 else
                             f"make {step} {' '.join(extra)} failed:\n{result.output[-5000:]}")
        return stamp.read_text()


def build_book(builddir: Path, target: str, edition: str = "") -> None:
    """TARGET (epub, latexpdf, html) of EDITION ("" or "ko") built, once per run
    for all workers, after every format `make book` builds before it."""
    if target == "latexpdf":
        _require("requires_tex", "xelatex", "latexmk")
    for step in book_steps(target):
        outcome = built_once(builddir, step, edition)
        if outcome != "ok":
            pytest.fail(outcome, pytrace=False)


# What each fixture needs built: (edition, target).
BOOK_FIXTURES = {
    "epub_file": ("", "epub"), "pdf_file": ("", "latexpdf"), "html_dir": ("", "html"),
    "ko_epub_file": ("ko", "epub"), "ko_pdf_file": ("ko", "latexpdf"), "ko_html_dir": ("ko", "html"),
}


@pytest.fixture(scope="session", autouse=True)
def shared_file_cache(builddir: Path) -> Path:
    """One folder of drawn covers, cards and timelines and compiled templates (report.filecache) for every build of the run:
    beside the book folder, shared by the workers. The builds that must make
    them themselves say so: a release from scratch (test_release.py) and both
    sides of every rebuild comparison (helpers.Rebuilds), so a key that misses
    an input still shows as an incremental build differing from a clean one."""
    folder = builddir.parent / "filecache"
    folder.mkdir(exist_ok=True)
    os.environ[FILECACHE] = str(folder)
    return folder


@pytest.fixture(autouse=True)
def no_sphinx_state_left_behind(request):
    """After each test, docutils holds no node class a Sphinx application
    registered: make_app cleans up the applications it made, and a test that
    makes one another way must too. Left behind, the next application in the
    worker warns "node class … is already registered", and which test then
    fails depends on how the files were shared out among the workers."""
    yield
    from sphinx.util.docutils import additional_nodes

    left = sorted(node.__name__ for node in additional_nodes)
    assert not left, f"{request.node.nodeid} left node classes registered in docutils: {left[:5]} …"


@pytest.fixture(scope="session", autouse=True)
def books_in_the_background(request, builddir: Path, shared_file_cache: Path):
    """Start building, in a thread, what the tests of this run will ask for, so
    the two editions build side by side on two workers while the first tests
    run: the first worker starts with the English edition, the second with the
    Korean one. The same locks and stamps as the fixtures: nothing is built
    twice, and the fixtures still wait for what they need."""
    wanted: dict[str, str] = {}
    for item in request.session.items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in BOOK_FIXTURES:
                edition, target = BOOK_FIXTURES[fixture]
                if edition not in wanted or BOOK_ORDER.index(target) > BOOK_ORDER.index(wanted[edition]):
                    wanted[edition] = target
    editions = sorted(wanted, reverse=os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0")

    def build() -> None:
        for edition in editions:
            for step in book_steps(wanted[edition]):
                if built_once(builddir, step, edition) != "ok":
                    break  # the fixture reports it to the tests that need it

    thread = threading.Thread(target=build, name="books", daemon=True)
    thread.start()
    yield
    thread.join()


@pytest.fixture(scope="session")
def epub_file(builddir: Path) -> Path:
    build_book(builddir, "epub")
    return builddir / "epub" / f"{SLUG}.epub"


@pytest.fixture(scope="session")
def pdf_file(builddir: Path) -> Path:
    build_book(builddir, "latexpdf")
    return builddir / "latex" / f"{SLUG}.pdf"


@pytest.fixture(scope="session")
def html_dir(builddir: Path) -> Path:
    """The website as `make book` publishes it: EPUB and PDF first."""
    build_book(builddir, "html")
    return builddir / "html"


# Built into the same folder, where the Makefile puts the Korean edition
# (<builddir>/ko/…) beside the English one, so the two websites' language
# switches reach each other.
@pytest.fixture(scope="session")
def ko_epub_file(builddir: Path) -> Path:
    build_book(builddir, "epub", "ko")
    return builddir / "ko" / "epub" / f"{SLUG}.epub"


@pytest.fixture(scope="session")
def ko_pdf_file(builddir: Path) -> Path:
    build_book(builddir, "latexpdf", "ko")
    return builddir / "ko" / "latex" / f"{SLUG}.pdf"


@pytest.fixture(scope="session")
def ko_html_dir(builddir: Path) -> Path:
    build_book(builddir, "html", "ko")
    return builddir / "ko" / "html"


def unpack(epub: Path, dest: Path) -> Path:
    """An EPUB unpacked, to read its XHTML, OPF and nav."""
    with zipfile.ZipFile(epub) as archive:
        archive.extractall(dest)
    return dest


@pytest.fixture(scope="session")
def epub_dir(epub_file: Path, tmp_path_factory) -> Path:
    return unpack(epub_file, tmp_path_factory.mktemp("epub-unpacked"))


@pytest.fixture(scope="session")
def ko_epub_dir(ko_epub_file: Path, tmp_path_factory) -> Path:
    return unpack(ko_epub_file, tmp_path_factory.mktemp("ko-epub-unpacked"))


@pytest.fixture(scope="session")
def pdf_text(pdf_file: Path) -> str:
    return pdftotext(pdf_file)


@pytest.fixture(scope="session")
def ko_pdf_text(ko_pdf_file: Path) -> str:
    return pdftotext(ko_pdf_file)


# -- The websites served, and a browser ----------------------------------------------

@pytest.fixture(scope="session")
def server(html_dir: Path):
    """The English website under its base URL's path (/en/latest/), as the host
    serves it, a missing URL answered with 404.html."""
    from urllib.parse import urlsplit

    with serve(html_dir, urlsplit(REPORT["base_url"]).path) as url:
        yield url


@pytest.fixture(scope="session")
def side_by_side(builddir: Path, html_dir: Path, ko_html_dir: Path, tmp_path_factory) -> Path:
    """A build folder with both websites, each built with the other beside it.

    report.switch links the other edition's pages only once that edition is
    built in the same folder, so which of the session's two websites links
    the other depends on which finished first. Here each is built again, from
    a copy of the session's doctrees and websites (the sources are read
    already), so both switches lead across."""
    folder = tmp_path_factory.mktemp("side-by-side")
    for part in ("doctrees", "html", "ko/doctrees", "ko/html"):
        shutil.copytree(builddir / part, folder / part)
    for extra in ((), (KO,)):
        result = make("html", ROOT, folder, *extra, umask=0o027, TZ="UTC")
        assert result.returncode == 0, result.output[-3000:]
    return folder


@pytest.fixture(scope="session")
def both_sites(side_by_side: Path):
    """That folder served as it is: html/ and ko/html/ side by side."""
    with serve(side_by_side) as url:
        yield url


# Chromium must not reach the network by itself (toolchain facts).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, one for the whole session: the
    sync API allows only one Playwright per process. Never `playwright install`."""
    _require("requires_browser", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests leave their pictures for people to look at: a
    temporary folder, or $REPORT_SCREENSHOTS_DIR when set (CI keeps it as an
    artifact); never _build/, which the tests do not touch."""
    chosen = os.environ.get("REPORT_SCREENSHOTS_DIR")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()  # its axe.min.js ships inside the PyPI package, no CDN
