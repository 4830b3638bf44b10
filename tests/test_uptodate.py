"""scripts/uptodate.py: a format is left as published only when nothing it is
built from has changed. Each input is changed in turn on a small copy and
must change the digest; what no build reads must not.

The whole loop (a second `make book` publishes nothing new, an edit of the
extension's code gives what a clean build gives) is in test_rebuilds.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import uptodate  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name, text in {"conf.py": "project = 'x'\n", "index.md": "# Index\n", "_ext/report/x.py": "A = 1\n",
                       "tests/test_x.py": "", "docs/guide.md": "", ".venv/.installed": "",
                       "_build/html/index.html": ""}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def key(project: Path, fmt: str = "html", options: tuple[str, ...] = ()) -> str:
    builddir = project / "_build"
    return uptodate.inputs_digest(fmt, uptodate.project_hashes(project, builddir), project, builddir, builddir,
                                  "", project / ".venv", list(options))


def test_same_inputs_same_key(project: Path) -> None:
    assert key(project) == key(project)


@pytest.mark.parametrize("change", ["source", "extension", "format", "options", "environment",
                                    "downloads", "other edition"])
def test_each_input_changes_the_key(project: Path, change: str, monkeypatch) -> None:
    before = key(project)
    fmt, options = "html", ()
    if change == "source":
        (project / "index.md").write_text("# Index, edited\n", encoding="utf-8")
    elif change == "extension":
        (project / "_ext/report/x.py").write_text("A = 2\n", encoding="utf-8")
    elif change == "format":
        fmt = "epub"
    elif change == "options":
        options = ("-E",)
    elif change == "environment":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    elif change == "downloads":
        (project / "_build/latex").mkdir()
        (project / "_build/latex/report.pdf").write_bytes(b"%PDF")
    elif change == "other edition":
        (project / "_build/ko/html").mkdir(parents=True)
        (project / "_build/ko/html/index.html").write_text("", encoding="utf-8")
    assert key(project, fmt, options) != before, f"a change of the {change} left the key as it was"


def test_what_no_build_reads_leaves_the_key(project: Path, monkeypatch) -> None:
    before = key(project)
    (project / "tests/test_x.py").write_text("assert True\n", encoding="utf-8")
    (project / "docs/guide.md").write_text("# Guide\n", encoding="utf-8")
    (project / "_build/html/index.html").write_text("<p>published</p>", encoding="utf-8")
    # Sphinx compiles a catalog's .mo beside its .po (which counts) on every build of a translation.
    (project / "report.mo").write_bytes(b"\xde\x12\x04\x95")
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "another")
    assert key(project) == before


def test_a_recorded_key_says_published(project: Path) -> None:
    out = project / "_build"
    assert not uptodate.is_published(out, "html", "k1")
    uptodate.record(out, "html", "k1")
    assert uptodate.is_published(out, "html", "k1")
    assert not uptodate.is_published(out, "html", "k2")
    uptodate.forget(out, "html")
    assert not uptodate.is_published(out, "html", "k1")


def test_a_change_of_the_extensions_code_is_seen(project: Path) -> None:
    out, venv = project / "_build", project / ".venv"
    (out / "doctrees").mkdir()

    def code() -> str:
        return uptodate.code_digest(uptodate.project_hashes(project, out), venv)

    first = code()
    assert uptodate.code_changed(out, first), "a cache read by an unknown code counts as changed"
    uptodate.remember_code(out, first)
    assert not uptodate.code_changed(out, first)
    (project / "index.md").write_text("# Index, edited\n", encoding="utf-8")
    assert code() == first, "a source is not code"
    (project / "_ext/report/x.py").write_text("A = 2\n", encoding="utf-8")
    assert uptodate.code_changed(out, code())
