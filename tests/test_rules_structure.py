"""The required chapters and sections (report.sections, R001–R004), each rule
shown firing on a small test root (tests/roots/test-<rule>/, two chapters and
a required.yml) with the file and line it names, in the English and the Korean
edition and with every builder, and silent when the same pages meet the list
(the root's required-met.yml)."""

from __future__ import annotations

import pytest

from helpers import copy_root, line_of, reported

SECTION_RULES = ("R001", "R002", "R003", "R004")
MET = {"report_required_sections": "required-met.yml"}


def section_rules(app) -> list[tuple[str, str, int]]:
    return sorted((r.rule, r.file, r.line) for r in reported(app) if r.rule in SECTION_RULES)


@pytest.mark.sphinx("html", testroot="r001-missing-chapter")
def test_r001_missing_chapter_points_at_the_toctree_it_belongs_in(app) -> None:
    app.build()
    assert [(r.file, r.line) for r in reported(app, "R001")] == [
        # The second toctree (Report), not the first (Front matter).
        ("index.md", line_of(app, "index.md", "```{toctree}", 2)),
    ], reported(app)
    assert "'Two'" in reported(app, "R001")[0].text


@pytest.mark.sphinx("html", testroot="r001-missing-chapter",
                    confoverrides={"report_required_sections": "required-present.yml"})
def test_r001_silent_when_every_required_chapter_is_there(app) -> None:
    app.build()
    assert not reported(app, "R001"), reported(app)


@pytest.mark.parametrize("builder", ["html", "epub", "latex"])
def test_r001_missing_section_is_reported_at_its_chapter_by_every_builder(
        builder, make_app, rootdir, sphinx_test_tempdir) -> None:
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r001-missing-section", builder)
    app = make_app(builder, srcdir=srcdir)
    app.build()
    assert section_rules(app) == [("R001", "two.md", line_of(app, "two.md", "# Two"))], reported(app)
    assert "'Delta'" in reported(app, "R001")[0].text


@pytest.mark.sphinx("html", testroot="r002-out-of-order")
def test_r002_section_out_of_order(app) -> None:
    app.build()
    # The section that moved up, not the one it jumped over.
    assert section_rules(app) == [("R002", "one.md", line_of(app, "one.md", "## Beta"))], reported(app)
    assert "'Beta' must come after 'Alpha'" in reported(app, "R002")[0].text


@pytest.mark.sphinx("html", testroot="r003-wrong-place")
def test_r003_section_at_the_wrong_level_or_outside_its_chapter(app) -> None:
    app.build()
    assert section_rules(app) == [
        ("R003", "one.md", line_of(app, "one.md", "### Beta")),
        ("R003", "two.md", line_of(app, "two.md", "## Delta")),
    ], reported(app)
    texts = {r.file: r.text for r in reported(app, "R003")}
    assert "'Beta' is at the wrong heading level" in texts["one.md"]
    assert "'Delta' is outside its chapter 'One'" in texts["two.md"]


@pytest.mark.parametrize("language, expected", [("en", "'Beta'"), ("ko", "'베타' ('Beta' translated)")])
def test_r004_renamed_heading_in_each_edition(language, expected, make_app, rootdir, sphinx_test_tempdir) -> None:
    """In the Korean edition the required title is the catalog's translation; the
    renamed heading has none, so it stays as written."""
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r004-renamed-heading", language)
    app = make_app("html", srcdir=srcdir, confoverrides={"language": language})
    app.build()
    assert section_rules(app) == [("R004", "one.md", line_of(app, "one.md", "## Betta"))], reported(app)
    assert f"expected title {expected}, found 'Betta'" in reported(app, "R004")[0].text


@pytest.mark.parametrize("root", ["r001-missing-section", "r002-out-of-order", "r003-wrong-place",
                                  "r004-renamed-heading"])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_pages_that_meet_the_list_give_no_section_rule(root, language, make_app, rootdir,
                                                       sphinx_test_tempdir) -> None:
    srcdir = copy_root(rootdir, sphinx_test_tempdir, root, f"met-{language}")
    app = make_app("html", srcdir=srcdir, confoverrides={**MET, "language": language})
    app.build()
    assert section_rules(app) == [], reported(app)


def numbered_copy(rootdir, tempdir, root: str, name: str):
    """ROOT with its chapters numbered, as the book's Report toctree is (1 One, 1.1 Alpha …)."""
    srcdir = copy_root(rootdir, tempdir, root, name)
    index = srcdir / "index.md"
    text = index.read_text(encoding="utf-8")
    assert "```{toctree}\n" in text
    index.write_text(text.replace("```{toctree}\n", "```{toctree}\n:numbered:\n", 1), encoding="utf-8")
    return srcdir


@pytest.mark.parametrize("language, expected", [("en", "'Beta'"), ("ko", "'베타' ('Beta' translated)")])
def test_numbered_chapters_are_compared_by_their_titles(language, expected, make_app, rootdir,
                                                        sphinx_test_tempdir) -> None:
    """Section numbers are no part of a title: a numbered book meets the list
    it met unnumbered, and a renamed heading is named without its number."""
    srcdir = numbered_copy(rootdir, sphinx_test_tempdir, "r004-renamed-heading", f"numbered-{language}")
    app = make_app("html", srcdir=srcdir, confoverrides={"language": language})
    app.build()
    page = (app.outdir / "one.html").read_text(encoding="utf-8")
    assert '<span class="section-number">1.2. </span>Betta' in page  # the number is there
    assert section_rules(app) == [("R004", "one.md", line_of(app, "one.md", "## Betta"))], reported(app)
    assert f"expected title {expected}, found 'Betta'" in reported(app, "R004")[0].text


@pytest.mark.parametrize("root", ["r001-missing-section", "r002-out-of-order", "r003-wrong-place",
                                  "r004-renamed-heading"])
def test_numbered_pages_that_meet_the_list_give_no_section_rule(root, make_app, rootdir,
                                                                sphinx_test_tempdir) -> None:
    srcdir = numbered_copy(rootdir, sphinx_test_tempdir, root, "numbered-met")
    app = make_app("html", srcdir=srcdir, confoverrides=MET)
    app.build()
    assert "section-number" in (app.outdir / "one.html").read_text(encoding="utf-8")
    assert section_rules(app) == [], reported(app)
