"""report.gcfreeze: the objects a build makes before its first page are kept
out of the cycle collector's walks while it reads and writes, and given back
when it ends, failed or not; pages are the same bytes with and without it.
On the small root of tests/test_simpleselect.py (the book's theme, three pages)."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

# sphinx-book-theme 1.4 reads a transform's `app`, which Sphinx 9 deprecates;
# the book's own builds run in a process of their own and never show it here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:'sphinx_book_theme._transforms.HandleFootnoteTransform.app' is deprecated")

WITH, WITHOUT = ["myst_parser", "report.gcfreeze"], ["myst_parser"]


def build(make_app, rootdir: Path, srcdir: Path, extensions: list[str]) -> tuple[Path, dict[str, int]]:
    """Build the root; the number of frozen objects as each phase begins, and after."""
    shutil.copytree(rootdir / "test-simpleselect", srcdir)
    app = make_app("html", srcdir=srcdir, confoverrides={"extensions": extensions})
    frozen: dict[str, int] = {}

    def count(phase: str):
        def handler(*args) -> None:  # html-page-context takes a returned value for a template
            frozen.setdefault(phase, gc.get_freeze_count())
        return handler

    app.connect("doctree-read", count("reading"))
    app.connect("html-page-context", count("writing"))
    app.build()
    assert not app.warning.getvalue(), app.warning.getvalue()
    frozen["after"] = gc.get_freeze_count()
    app.cleanup()  # docutils' registry as it was, for the next build in the same test
    return Path(app.outdir), frozen


def test_frozen_while_building_and_given_back(make_app, rootdir, tmp_path) -> None:
    _, frozen = build(make_app, rootdir, tmp_path / "src", WITH)
    assert frozen["reading"] > 10_000, frozen  # Sphinx's and docutils' modules and classes at least
    assert frozen["writing"] > frozen["reading"], frozen  # and what reading made
    assert frozen["after"] == 0, frozen


def test_without_it_nothing_is_frozen(make_app, rootdir, tmp_path) -> None:
    """The check above can fail."""
    _, frozen = build(make_app, rootdir, tmp_path / "src", WITHOUT)
    assert frozen == {"reading": 0, "writing": 0, "after": 0}


def test_a_failed_build_gives_them_back(make_app, rootdir, tmp_path) -> None:
    shutil.copytree(rootdir / "test-simpleselect", tmp_path / "src")
    app = make_app("html", srcdir=tmp_path / "src", confoverrides={"extensions": WITH})

    def fail(app, doctree) -> None:
        raise RuntimeError("a page that cannot be read")

    app.connect("doctree-read", fail)
    with pytest.raises(Exception, match="cannot be read"):
        app.build()
    assert gc.get_freeze_count() == 0


def test_the_same_pages(make_app, rootdir, tmp_path) -> None:
    ours, _ = build(make_app, rootdir, tmp_path / "with", WITH)
    theirs, _ = build(make_app, rootdir, tmp_path / "without", WITHOUT)
    pages = sorted(p.relative_to(ours) for p in ours.rglob("*.html"))
    assert pages == sorted(p.relative_to(theirs) for p in theirs.rglob("*.html")) and pages
    assert [p for p in pages if (ours / p).read_bytes() != (theirs / p).read_bytes()] == []
