"""Every build after the first publishes exactly what a clean build publishes.

An author's session, step by step, in a private copy of the project: each
step changes the sources as an author would, rebuilds incrementally (reusing
the doctree cache and the published outputs of the steps before), then builds
the same sources from scratch into an empty folder, and compares the two: the
same files with the same bytes, in every format. The steps run in order
because that is the point: the incremental build inherits whatever the earlier
steps left behind (a renamed page, a deleted image).

The first step is `make book` itself, PDF included; the later ones compare the
LaTeX sources (`make latex`) instead of typesetting them twice: scripts/build.py
typesets every PDF in a new folder, so equal sources give an equal PDF.
The Korean edition's session, in the same build folder as an English build,
is tests/test_rebuilds_korean.py; a release in between is test_release.py's
`make dist` leaving the build folder as it found it.
"""

from __future__ import annotations

import json
import re

import pytest
from helpers import Rebuilds, differences, png, published

pytestmark = [pytest.mark.requires_tex, pytest.mark.slow]


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Rebuilds:
    """The project with a chapter of two images added, built once."""
    session = Rebuilds(tmp_path_factory.mktemp("rebuilds"))
    png(session.path("chapters/kept.png"), "navy")
    png(session.path("chapters/dropped.png"), "teal")
    session.path("chapters/06-rebuild-test.md").write_text(
        "(rebuild-test)=\n# Rebuild Test\n\nA chapter added by the rebuild test.\n\n"
        "![A navy rectangle](kept.png)\n\n![A teal rectangle](dropped.png)\n", encoding="utf-8")
    session.edit("index.md", "chapters/05-conclusion\n", "chapters/05-conclusion\nchapters/06-rebuild-test\n")
    session.first = published(session.build(session.builddir))
    return session


def test_a_second_build_of_unchanged_sources(session: Rebuilds) -> None:
    again = published(session.build(session.builddir))
    found = differences(again, session.first)
    assert not found, "a second `make book` of unchanged sources differs from the first:\n" + "\n".join(found)
    # Nothing changed, so nothing was built again (scripts/uptodate.py), and
    # each format says so in the order `make book` builds them.
    said = [session.output.find(f"{fmt} is up to date") for fmt in ("epub", "latex", "html")]
    assert -1 not in said and said == sorted(said), session.output[-3000:]


def test_a_paragraph_edited_renders_its_page_only(session: Rebuilds) -> None:
    """The website copies every other page from the last published one
    (report.keptpages), and comes out as a clean build's."""
    session.edit("chapters/03-key-issues.md", "\n\n", "\n\nA sentence added to one chapter only.\n\n")
    session.check("a paragraph of one chapter edited", targets="html")
    facts = json.loads((session.builddir / "doctrees" / "report-kept-pages.json").read_text(encoding="utf-8"))
    assert sorted(facts["copied"]) == sorted(set(facts["pages"]) - {"chapters/03-key-issues"})


def test_a_new_commit_date(session: Rebuilds) -> None:
    """The build date follows SOURCE_DATE_EPOCH (the last commit's): the
    colophon, read before, shows the new one."""
    session.EPOCH = "SOURCE_DATE_EPOCH=1796000000"
    session.check("a new commit: SOURCE_DATE_EPOCH changed", targets="html")


def test_text_a_reference_data_pages_and_images_changed(session: Rebuilds) -> None:
    session.edit("chapters/02-current-state.md", "\n\n", "\n\nAn added sentence for the rebuild test.\n\n")
    text = session.path("references.bib").read_text(encoding="utf-8")
    title = re.search(r"title\s*=\s*\{", text)
    assert title is not None
    session.path("references.bib").write_text(
        text[:title.end()] + "Edited " + text[title.end():], encoding="utf-8")
    session.edit("data/timeline.csv", "Korea divided at the 38th parallel", "Korea divided along the 38th parallel")
    session.path("chapters/07-added.md").write_text(
        "(added)=\n# Added\n\nA chapter added after the first build.\n\n![A red square](added.png)\n",
        encoding="utf-8")
    png(session.path("chapters/added.png"), "red")
    session.edit("index.md", "chapters/06-rebuild-test\n", "chapters/06-rebuild-test\nchapters/07-added\n")
    session.path("frontmatter/about.md").rename(session.path("frontmatter/about-this-report.md"))
    session.edit("index.md", "frontmatter/about\n", "frontmatter/about-this-report\n")
    png(session.path("chapters/kept.png"), "darkred")
    session.path("chapters/dropped.png").unlink()
    session.edit("chapters/06-rebuild-test.md", "![A teal rectangle](dropped.png)\n", "")
    session.check("a paragraph, a reference, a timeline row edited; a chapter and an image added; "
                  "a page renamed; an image replaced, another deleted")


def test_report_toml_and_the_extensions_code_changed(session: Rebuilds) -> None:
    session.edit("report.toml", 'subtitle = "History, Current State and Future of the Alliance"',
                 'subtitle = "History, Present and Future of the Alliance"')
    # Read into the timeline's doctree, which Sphinx's cache would keep: the
    # build must read every source again when the extension's code changes.
    session.edit("_ext/report/timeline.py", '_("Date")', '_("Day")')
    session.check("report.toml and the extension's code changed")
