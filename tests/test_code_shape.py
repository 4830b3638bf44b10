"""The house's shape for the extension and the build scripts (docs/architecture.md):
a module does one job in at most 300 lines, a class in at most 150. A module
that grows past that is split by job, as report.identityforms was."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from helpers import ROOT

MODULE_LINES = 300
CLASS_LINES = 150


def code_files() -> list[Path]:
    return sorted([*(ROOT / "_ext" / "report").glob("*.py"), *(ROOT / "scripts").glob("*.py")])


def too_long(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    found = []
    lines = len(source.splitlines())
    if lines > MODULE_LINES:
        found.append(f"{name}: {lines} lines (at most {MODULE_LINES}: split it by job)")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            length = node.end_lineno - node.lineno + 1
            if length > CLASS_LINES:
                found.append(f"{name}:{node.lineno}: class {node.name} is {length} lines (at most {CLASS_LINES})")
    return found


def test_modules_and_classes_keep_the_house_shape() -> None:
    assert len(code_files()) > 40
    problems = [p for path in code_files() for p in too_long(path)]
    assert not problems, "\n".join(problems)


def test_a_long_module_and_a_long_class_are_named(tmp_path: Path) -> None:
    path = tmp_path / "grown.py"
    path.write_text("class Grown:\n" + "    x = 1\n" * 160 + "\n" * 150, encoding="utf-8")
    assert too_long(path) == [
        "grown.py: 311 lines (at most 300: split it by job)",
        "grown.py:1: class Grown is 161 lines (at most 150)",
    ]


# A script in a folder runs with that folder first on sys.path
# (`python _ext/report/cover.py`, the cover's preview; `scripts/build.py`), so
# a module named like one of Python's own hides it from every import there:
# a report.selectors once broke `import subprocess`. "site" is imported
# before the script's folder is on the path.
STDLIB_ALLOWED = {"site"}


def stdlib_names(paths: list[Path]) -> list[str]:
    return sorted(f"{p.parent.name}/{p.name}" for p in paths
                  if p.stem in sys.stdlib_module_names and p.stem not in STDLIB_ALLOWED)


def test_no_module_hides_one_of_pythons_own() -> None:
    clashes = stdlib_names(code_files())
    assert not clashes, f"named like a module of Python's standard library: {clashes}; rename it"


def test_a_module_named_like_pythons_own_is_named(tmp_path: Path) -> None:
    assert stdlib_names([tmp_path / "selectors.py", tmp_path / "site.py", tmp_path / "cover.py"]) == \
        [f"{tmp_path.name}/selectors.py"]
