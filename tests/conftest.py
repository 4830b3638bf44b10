"""Shared fixtures: each output format is built once per test session.

The builds use the project's own Makefile (the same commands a person, CI and
the docs use) with BUILDDIR pointing into pytest's temporary folder, so the
tests never touch _build/ and always see the current sources. The three builds
share one doctree cache, as `make book` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Rules of the extension are tested as Sphinx tests its own extensions: a small
# project per case in tests/roots/test-<name>/, built with sphinx.testing's
# `app` fixture (@pytest.mark.sphinx("html", testroot="<name>")).
pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
# The extension's modules (report.identity, and those the test roots load).
sys.path.insert(0, str(ROOT / "_ext"))
from report import identity  # noqa: E402

REPORT = identity.load(ROOT / "report.toml")
SLUG = REPORT["slug"]
VENV = Path(sys.executable).parent.parent
IN_CI = os.environ.get("CI") == "true"

# What a copy of the project leaves out: outputs, caches and the virtualenv.
COPY_IGNORE = shutil.ignore_patterns(
    "_build", "dist", ".venv", ".git", ".pytest_cache", "__pycache__", "bench-results"
)


@dataclass
class Result:
    returncode: int
    output: str


def make(target: str, project: Path, builddir: Path, *extra: str) -> Result:
    """Run `make TARGET` in PROJECT with outputs in BUILDDIR, using this venv."""
    proc = subprocess.run(
        ["make", "--no-print-directory", target, f"BUILDDIR={builddir}",
         f"VENV={VENV}", *extra],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "SPHINXOPTS": "-q"},
    )
    return Result(proc.returncode, proc.stdout + proc.stderr)


def build_or_fail(target: str, builddir: Path, *extra: str) -> None:
    result = make(target, ROOT, builddir, *extra)
    if result.returncode != 0:
        pytest.fail(f"make {target} {' '.join(extra)} failed:\n{result.output[-5000:]}", pytrace=False)


def copy_project(dest: Path) -> Path:
    """A private copy of the sources, for tests that change them."""
    shutil.copytree(ROOT, dest, ignore=COPY_IGNORE)
    return dest


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


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the small test projects."""
    return Path(__file__).resolve().parent / "roots"


@pytest.fixture(scope="session")
def builddir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("build")


@pytest.fixture(scope="session")
def html_dir(builddir: Path) -> Path:
    build_or_fail("html", builddir)
    return builddir / "html"


@pytest.fixture(scope="session")
def epub_file(builddir: Path) -> Path:
    build_or_fail("epub", builddir)
    return builddir / "epub" / f"{SLUG}.epub"


def unpack(epub: Path, dest: Path) -> Path:
    """An EPUB unpacked, to read its XHTML, OPF and nav."""
    with zipfile.ZipFile(epub) as archive:
        archive.extractall(dest)
    return dest


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout


@pytest.fixture(scope="session")
def epub_dir(epub_file: Path, tmp_path_factory) -> Path:
    return unpack(epub_file, tmp_path_factory.mktemp("epub-unpacked"))


@pytest.fixture(scope="session")
def pdf_file(builddir: Path) -> Path:
    _require("requires_tex", "xelatex", "latexmk")
    build_or_fail("latexpdf", builddir)
    return builddir / "latex" / f"{SLUG}.pdf"


@pytest.fixture(scope="session")
def pdf_text(pdf_file: Path) -> str:
    return pdftotext(pdf_file)


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


# -- The Korean edition (docs/korean-edition.md) ----------------------------------
# Built with `make … LANGUAGE=ko` into the same build folder, so it lies where
# the Makefile puts it (<builddir>/ko/…) beside the English one, and the two
# websites' language switches reach each other.
KO = "LANGUAGE=ko"


@pytest.fixture(scope="session")
def ko_epub_file(builddir: Path) -> Path:
    build_or_fail("epub", builddir, KO)
    return builddir / "ko" / "epub" / f"{SLUG}.epub"


@pytest.fixture(scope="session")
def ko_epub_dir(ko_epub_file: Path, tmp_path_factory) -> Path:
    return unpack(ko_epub_file, tmp_path_factory.mktemp("ko-epub-unpacked"))


@pytest.fixture(scope="session")
def ko_pdf_file(builddir: Path) -> Path:
    _require("requires_tex", "xelatex", "latexmk")
    build_or_fail("latexpdf", builddir, KO)
    return builddir / "ko" / "latex" / f"{SLUG}.pdf"


@pytest.fixture(scope="session")
def ko_pdf_text(ko_pdf_file: Path) -> str:
    return pdftotext(ko_pdf_file)


@pytest.fixture(scope="session")
def ko_html_dir(request, builddir: Path, ko_epub_file: Path) -> Path:
    """The Korean website as `make book LANGUAGE=ko` publishes it: EPUB and PDF first."""
    if shutil.which("xelatex") and shutil.which("latexmk"):
        request.getfixturevalue("ko_pdf_file")
    build_or_fail("html", builddir, KO)
    return builddir / "ko" / "html"
