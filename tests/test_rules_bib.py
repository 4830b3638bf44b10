"""references.bib errors (R070–R073), each reported at the bibliography file's
line, on a small test root (tests/roots/test-r070-bib-errors) whose
references.bib has one defect an entry; the build ends with messages, never a
traceback, and the readable entries are still cited."""

from __future__ import annotations

import shutil

import pytest

from helpers import line_of, reported

ROOT = "r070-bib-errors"


def bib_rules(app) -> list:
    return [r for r in reported(app) if r.rule.startswith("R07")]


@pytest.fixture
def project(rootdir, sphinx_test_tempdir, request):
    """A private copy of the root, for tests that change its references.bib."""
    srcdir = sphinx_test_tempdir / f"{ROOT}-{request.node.name}"
    shutil.copytree(rootdir / f"test-{ROOT}", srcdir, dirs_exist_ok=True)
    return srcdir


@pytest.mark.sphinx("html", testroot=ROOT)
def test_each_bib_error_is_reported_at_its_entry_or_field(app) -> None:
    app.build()  # no exception: the faulty entries are left out, the build goes on
    found = {(r.rule, r.file, r.line) for r in bib_rules(app)}
    assert found == {
        # A missing closing brace: the entry that has it, not the next one.
        ("R070", "references.bib", line_of(app, "references.bib", "@misc{mdt1953")),
        # '%' in a title: the title's line (the url's %28 is not LaTeX).
        ("R071", "references.bib", line_of(app, "references.bib", "  title        = {{Resolution 82")),
        ("R073", "references.bib", line_of(app, "references.bib", "@misc{armistice1953", 2)),
    }, reported(app)
    r070 = next(r for r in bib_rules(app) if r.rule == "R070")
    assert f"a brace opened on line {line_of(app, 'references.bib', '  title        = {{Mutual')}" in r070.text
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "Korean War Armistice Agreement" in html


def test_r072_bib_file_not_utf8(project, make_app) -> None:
    bib = project / "references.bib"
    bib.write_bytes(bib.read_bytes().replace("Korean War".encode(), "Cor\xe9e".encode("latin-1")))
    app = make_app("html", srcdir=project)
    app.build()
    assert [(r.rule, r.file, r.line) for r in bib_rules(app)] == [
        ("R072", "references.bib", line_of(app, "references.bib", "  title        = {{Cor")),
    ], reported(app)
    assert "not UTF-8" in bib_rules(app)[0].text


def test_a_clean_bib_file_gives_no_bib_error(project, make_app) -> None:
    bib = project / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").split("@misc{mdt1953")[0], encoding="utf-8")
    app = make_app("html", srcdir=project)
    app.build()
    assert bib_rules(app) == []
