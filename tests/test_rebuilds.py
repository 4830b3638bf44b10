"""Every build after the first publishes exactly what a clean build publishes.

An author's session, step by step, in a private copy of the project: each
step changes the sources as an author would, rebuilds incrementally (`make
book`, reusing the doctree cache and the published outputs of the steps
before), then builds the same sources from scratch into an empty folder, and
compares the two: the same files with the same bytes, in every format
(website, EPUB, PDF) of the edition built. The steps run in order because
that is the point: the incremental build inherits whatever the earlier steps
left behind (a renamed page, a deleted image, the other edition, a release).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import KO, SLUG, copy_project, digests, make

pytestmark = [pytest.mark.requires_tex, pytest.mark.slow]

# LaTeX's own bookkeeping names the build folder and the TeX run's time; what
# is published for readers is the PDF, and the .tex it is made from.
LATEX_PUBLISHED = {f"{SLUG}.pdf", f"{SLUG}.tex"}
# The copy has no git history, from which the Makefile takes the date every
# output carries; both builds of a step must carry the same one.
EPOCH = "SOURCE_DATE_EPOCH=1795000000"


def published(out: Path) -> dict[str, str]:
    """Every published file of one edition folder: relative path -> sha256."""
    files = {}
    for fmt in ("html", "epub", "latex"):
        files |= {f"{fmt}/{name}": value for name, value in digests(out / fmt).items()
                  if fmt != "latex" or name in LATEX_PUBLISHED}
    return files


def differences(incremental: dict[str, str], clean: dict[str, str]) -> list[str]:
    only_inc = sorted(set(incremental) - set(clean))
    only_clean = sorted(set(clean) - set(incremental))
    changed = sorted(name for name in set(incremental) & set(clean) if incremental[name] != clean[name])
    return ([f"only in the incremental build: {name}" for name in only_inc]
            + [f"missing from the incremental build: {name}" for name in only_clean]
            + [f"different bytes: {name}" for name in changed])


class Session:
    """A copy of the project, its incremental build folder, and clean builds to compare with."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.project = copy_project(tmp / "project")
        self.builddir = tmp / "build"
        self.clean_count = 0

    def path(self, name: str) -> Path:
        return self.project / name

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.path(name)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{name}: {old!r} not found"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def book(self, builddir: Path, *extra: str) -> None:
        result = make("book", self.project, builddir, EPOCH, *extra)
        assert result.returncode == 0, f"make book {' '.join(extra)} failed:\n{result.output[-4000:]}"

    def out(self, builddir: Path, *extra: str) -> Path:
        return builddir / "ko" if KO in extra else builddir

    def check(self, step: str, *extra: str) -> None:
        """Rebuild incrementally, build from scratch, compare."""
        self.book(self.builddir, *extra)
        self.clean_count += 1
        clean = self.tmp / f"clean-{self.clean_count}"
        self.book(clean, *extra)
        found = differences(published(self.out(self.builddir, *extra)), published(self.out(clean, *extra)))
        assert not found, f"after '{step}', the incremental build differs from a clean one:\n" + "\n".join(found)


def png(path: Path, colour: str) -> None:
    from PIL import Image

    Image.new("RGB", (40, 20), colour).save(path)


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Session:
    session = Session(tmp_path_factory.mktemp("rebuilds"))
    session.book(session.builddir)
    session.book(session.builddir, KO)
    return session


def test_a_second_build_of_unchanged_sources(session: Session) -> None:
    session.check("nothing changed")


def test_a_paragraph_a_reference_and_a_timeline_row_edited(session: Session) -> None:
    session.edit("chapters/02-current-state.md", "\n\n", "\n\nAn added sentence for the rebuild test.\n\n")
    text = session.path("references.bib").read_text(encoding="utf-8")
    title = re.search(r"title\s*=\s*\{", text)
    assert title is not None
    session.path("references.bib").write_text(
        text[:title.end()] + "Edited " + text[title.end():], encoding="utf-8")
    session.edit("data/timeline.csv", "Korea divided at the 38th parallel", "Korea divided along the 38th parallel")
    session.check("paragraph, reference and timeline row edited")


def test_a_korean_catalog_edited(session: Session) -> None:
    po = session.path("locales/ko/LC_MESSAGES/frontmatter/about.po")
    text = po.read_text(encoding="utf-8")
    last = text.rstrip().rindex('"')
    po.write_text(text[:last] + ' (수정)"' + text[last + 1:], encoding="utf-8")
    session.check("Korean catalog edited", KO)


def test_a_chapter_added_a_page_renamed_an_image_added(session: Session) -> None:
    chapter = session.path("chapters/06-rebuild-test.md")
    png(session.path("chapters/rebuild-test.png"), "navy")
    chapter.write_text("(rebuild-test)=\n# Rebuild Test\n\nA chapter added by the rebuild test.\n\n"
                       "![A navy rectangle](rebuild-test.png)\n", encoding="utf-8")
    session.edit("index.md", "chapters/05-conclusion\n", "chapters/05-conclusion\nchapters/06-rebuild-test\n")
    session.path("frontmatter/about.md").rename(session.path("frontmatter/about-this-report.md"))
    session.edit("index.md", "frontmatter/about\n", "frontmatter/about-this-report\n")
    session.check("chapter added, page renamed, image added")


def test_an_image_replaced_and_report_toml_changed(session: Session) -> None:
    png(session.path("chapters/rebuild-test.png"), "darkred")
    session.edit("report.toml", 'subtitle = "History, Current State and Future of the Alliance"',
                 'subtitle = "History, Present and Future of the Alliance"')
    session.check("image replaced, report.toml changed")


def test_an_image_deleted(session: Session) -> None:
    session.path("chapters/rebuild-test.png").unlink()
    session.edit("chapters/06-rebuild-test.md", "![A navy rectangle](rebuild-test.png)\n", "")
    session.check("image deleted")


def test_the_other_edition_after_these_changes(session: Session) -> None:
    session.check("the Korean edition after the English one", KO)
    session.check("the English edition after the Korean one")


def test_a_release_in_between(session: Session) -> None:
    result = make("dist", session.project, session.builddir, EPOCH, f"DISTDIR={session.tmp / 'dist'}")
    assert result.returncode == 0, result.output[-4000:]
    session.check("make dist in between")
