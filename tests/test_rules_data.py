"""Rules on the data files the build reads besides the chapters, each shown
on a small test root with the file and line it names."""

from __future__ import annotations

from rules import copy_root, reported, save_as_latin1


def test_r033_timeline_csv_not_in_utf8_is_reported_at_its_line(make_app, rootdir, sphinx_test_tempdir) -> None:
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r033-timeline-not-utf8", "latin1")
    save_as_latin1(srcdir / "data/timeline.csv")
    app = make_app("html", srcdir=srcdir)
    app.build()  # no UnicodeDecodeError
    assert [(r.file, r.line) for r in reported(app, "R033")] == [("data/timeline.csv", 2)], reported(app)
    assert "not UTF-8" in reported(app, "R033")[0].text


def test_r033_a_utf8_timeline_csv_is_read(make_app, rootdir, sphinx_test_tempdir) -> None:
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r033-timeline-not-utf8", "header-only")
    # Only the header: read without error, and nothing to draw (keeps the test fast).
    (srcdir / "data/timeline.csv").write_text("date,label,event,source\n", encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert not reported(app, "R033"), reported(app)
