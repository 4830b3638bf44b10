"""report.keptpages: an incremental website build copies from the last
published website exactly the pages it would write unchanged, and renders
the others; either way it publishes what a clean build publishes.

Each test builds a small project as scripts/build.py does: into an empty
folder, with the doctree cache of the builds before, then publishes that
folder in place of the last one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import differences, digests, replace_once


class Site:
    """A private copy of tests/roots/test-keptpages, its builds and its published website."""

    def __init__(self, rootdir: Path, tmp_path: Path, make_app):
        self.tmp = tmp_path
        self.src = tmp_path / "src"
        shutil.copytree(rootdir / "test-keptpages", self.src)
        self.published = tmp_path / "published"
        self.make_app = make_app
        self.cleans = 0

    def build(self, frame: str = "frame-1") -> set[str]:
        """Build into an empty folder and publish it; the pages it copied instead of rendering."""
        app = self.make_app("html", srcdir=self.src, builddir=self.tmp / "build",
                            confoverrides={"report_frame": frame, "report_published": str(self.published)})
        app.build()
        app.cleanup()  # the next application registers Sphinx's nodes afresh
        assert not app.warning.getvalue(), app.warning.getvalue()
        shutil.rmtree(self.published, ignore_errors=True)
        Path(app.outdir).rename(self.published)
        return set(app.builder.report_copied)

    def clean(self) -> Path:
        """The same sources built from nothing, nothing kept."""
        self.cleans += 1
        app = self.make_app("html", srcdir=self.src, builddir=self.tmp / f"clean-{self.cleans}", freshenv=True)
        app.build()
        app.cleanup()
        return Path(app.outdir)

    def edit(self, name: str, old: str, new: str) -> None:
        replace_once(self.src / name, old, new)

    def check(self) -> None:
        found = differences(digests(self.published), digests(self.clean()))
        assert not found, "the published website differs from a clean build:\n" + "\n".join(found)


@pytest.fixture
def site(rootdir, tmp_path, make_app) -> Site:
    site = Site(rootdir, tmp_path, make_app)
    assert site.build() == set(), "the first build has nothing to keep"
    return site


def test_an_edited_paragraph_renders_its_page_only(site: Site) -> None:
    site.edit("one.md", "A first page,", "A first page, edited,")
    assert site.build() == {"index", "two"}
    site.check()
    # Nothing changed: every page is copied.
    assert site.build() == {"index", "one", "two"}
    site.check()


@pytest.mark.parametrize("name, old, new", [
    ("two.md", "# Two", "# Second"),  # a title: the navigation of every page
    ("two.md", "## A part", "## The part"),  # a section another page links by its title
    ("one.md", "(one)=\n", "(one)=\n(first)=\n"),  # a label: what other pages may link to
], ids=["title", "section-title", "label"])
def test_what_other_pages_show_of_a_page_renders_them_all(site: Site, name: str, old: str, new: str) -> None:
    site.edit(name, old, new)
    assert site.build() == set()
    site.check()


def test_a_new_frame_or_a_changed_published_page_is_rendered(site: Site) -> None:
    # The frame: everything but the documents (settings, templates, code…),
    # as scripts/build.py digests it.
    assert site.build(frame="frame-2") == set()
    # A published page that is no longer the one this build recorded (edited
    # by hand, or from a build that was never published) is rendered again.
    page = site.published / "two.html"
    page.write_text(page.read_text(encoding="utf-8").replace("A second page.", "A changed page."),
                    encoding="utf-8")
    site.edit("one.md", "A first page,", "A first page, edited,")
    assert site.build(frame="frame-2") == {"index"}
    assert "A second page." in (site.published / "two.html").read_text(encoding="utf-8")
    site.check()


def test_without_a_frame_nothing_is_kept(site: Site) -> None:
    """Read the Docs, `make live` and a plain sphinx-build pass no frame."""
    assert site.build(frame="") == set()
    assert site.build(frame="") == set()
    site.check()
