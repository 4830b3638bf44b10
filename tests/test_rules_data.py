"""Rules on the data files the build reads besides the chapters (report.timeline,
R030–R033), each shown on a small test root with the file and line it names,
and silent on a clean file of the same root."""

from __future__ import annotations

import pytest

from helpers import copy_root, reported, save_as_latin1

TIMELINE = "data/timeline.csv"


def timeline_rules(app) -> list[tuple[str, str, int]]:
    return sorted((r.rule, r.file, r.line) for r in reported(app) if r.rule.startswith("R03"))


@pytest.mark.sphinx("html", testroot="r030-timeline-row")
def test_r030_a_row_without_source_and_a_bad_date(app) -> None:
    app.build()
    assert timeline_rules(app) == [("R030", TIMELINE, 3), ("R030", TIMELINE, 4)], reported(app)
    texts = {r.line: r.text for r in reported(app, "R030")}
    assert "empty source" in texts[3]
    assert "bad date '2025-13-01'" in texts[4]


@pytest.mark.sphinx("html", testroot="r031-unknown-source")
def test_r031_unknown_source_is_reported_once_against_the_data_file(app) -> None:
    app.build()
    assert timeline_rules(app) == [("R031", TIMELINE, 3)], reported(app)
    # Not again by the citation the timeline table would make of it.
    assert app.warning.getvalue().count("no-such-source-1999") == 1, app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="r032-untranslated-row")
def test_r032_a_row_without_its_korean_label(app) -> None:
    app.build()
    assert timeline_rules(app) == [("R032", TIMELINE, 3)], reported(app)
    assert "no label_ko for 'Treaty signed'" in reported(app, "R032")[0].text


@pytest.mark.sphinx("html", testroot="r032-untranslated-row", confoverrides={"language": "en"})
def test_r032_the_english_edition_needs_no_translation(app) -> None:
    app.build()
    assert timeline_rules(app) == [], reported(app)


FIXED = {
    "r030-timeline-row": {3: "1953-10-01,Treaty signed,The Mutual Defense Treaty is signed in Washington.,mdt1953",
                          4: "2025-01-01,A month that exists,Nothing happened.,mdt1953"},
    "r031-unknown-source": {3: "1953-10-01,Treaty signed,The Mutual Defense Treaty is signed in Washington.,mdt1953"},
    "r032-untranslated-row": {3: "1953-10-01,Treaty signed,The Mutual Defense Treaty is signed in Washington.,"
                                 "mdt1953,조약 서명,한미상호방위조약이 워싱턴에서 서명된다."},
}


@pytest.mark.parametrize("root", FIXED)
def test_a_fixed_timeline_gives_no_timeline_rule(root, make_app, rootdir, sphinx_test_tempdir) -> None:
    srcdir = copy_root(rootdir, sphinx_test_tempdir, root, "fixed")
    path = srcdir / TIMELINE
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, row in FIXED[root].items():
        lines[number - 1] = row
    path.write_text("\n".join(lines), encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert timeline_rules(app) == [], reported(app)
    # The row is in the table, in the edition's language.
    label = "조약 서명" if root == "r032-untranslated-row" else "Treaty signed"
    assert label in (app.outdir / "index.html").read_text(encoding="utf-8")


def test_r033_timeline_csv_not_in_utf8_is_reported_at_its_line(make_app, rootdir, sphinx_test_tempdir) -> None:
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r033-timeline-not-utf8", "latin1")
    save_as_latin1(srcdir / TIMELINE)
    app = make_app("html", srcdir=srcdir)
    app.build()  # no UnicodeDecodeError
    assert [(r.file, r.line) for r in reported(app, "R033")] == [(TIMELINE, 2)], reported(app)
    assert "not UTF-8" in reported(app, "R033")[0].text


def test_r033_a_utf8_timeline_csv_is_read(make_app, rootdir, sphinx_test_tempdir) -> None:
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r033-timeline-not-utf8", "header-only")
    # Only the header: read without error, and nothing to draw (keeps the test fast).
    (srcdir / TIMELINE).write_text("date,label,event,source\n", encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert not reported(app, "R033"), reported(app)


def test_r030_a_label_the_figures_font_cannot_draw(make_app, rootdir, sphinx_test_tempdir) -> None:
    """The English figure is drawn in TeX Gyre Heros, which has no Hangul: the
    row is refused at its line, not drawn as empty boxes."""
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r030-timeline-row", "glyphs")
    (srcdir / TIMELINE).write_text(
        "date,label,event,source\n"
        "1950-06-25,War begins,North Korean forces cross the 38th parallel.,mdt1953\n"
        "1953-10-01,조약 signed,The Mutual Defense Treaty is signed in Washington.,mdt1953\n",
        encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert timeline_rules(app) == [("R030", TIMELINE, 3)], reported(app)
    assert "cannot draw '약조'" in reported(app, "R030")[0].text
