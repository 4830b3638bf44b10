"""The test suite keeps its own rules (docs/testing.md): a test file imports
helpers from tests/helpers.py, never from another test file; no test reads
the project's _build/ (the session's fixtures build into pytest's temporary
folder); nothing waits with a bare sleep (helpers.wait_for polls a condition)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def suite_files() -> list[Path]:
    return sorted(TESTS.glob("test_*.py"))


def problems_in(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        found += [f"{path.name}:{node.lineno}: imports the test module {m}" for m in modules
                  if m.split(".")[0].startswith("test_")]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "sleep":
            found.append(f"{path.name}:{node.lineno}: sleeps (poll with helpers.wait_for)")
    for number, line in enumerate(source.splitlines(), start=1):
        if re.search(r"""ROOT\s*/\s*["']_build""", line):
            found.append(f"{path.name}:{number}: reads the project's _build/ (use the session's fixtures)")
    return found


def test_the_suite_keeps_its_rules() -> None:
    problems = [p for path in suite_files() for p in problems_in(path)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("planted, expected", [
    ("from test_site import pages_of\n", "imports the test module test_site"),
    ("import time\ntime.sleep(1)\n", "sleeps"),
    ("SITE = ROOT / " + '"_build"' + ' / "html"\n', "reads the project's _build/"),
])
def test_a_planted_breach_is_found(tmp_path: Path, planted: str, expected: str) -> None:
    path = tmp_path / "test_planted.py"
    path.write_text(planted, encoding="utf-8")
    assert any(expected in p for p in problems_in(path)), problems_in(path)
