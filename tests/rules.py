"""Reading a small test root's warning stream: which rule fired, where.

A rule's message looks like
``/tmp/…/chapter.md:5: WARNING: R012 code fence ``` is never closed … [report.R012]``;
``reported(app)`` turns the stream into (file name, line, rule id, text)
tuples, with the file named relative to the test root's source folder, so a
test can say exactly which file and line a rule must point at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

WARNING = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?:WARNING|ERROR): (?P<rule>R\d{3}) (?P<text>.*)$")


class Report(NamedTuple):
    file: str
    line: int
    rule: str
    text: str


def reported(app, rule: str | None = None) -> list[Report]:
    """Every rule message in APP's warnings (of RULE only, if given)."""
    found = []
    srcdir = Path(app.srcdir).resolve()
    for raw in app.warning.getvalue().splitlines():
        # sphinx.testing keeps the colour codes out, but strip them to be sure.
        match = WARNING.match(re.sub(r"\x1b\[[0-9;]*m", "", raw))
        if not match or (rule and match["rule"] != rule):
            continue
        path = Path(match["path"])
        try:
            name = path.resolve().relative_to(srcdir).as_posix()
        except ValueError:
            name = path.name
        found.append(Report(name, int(match["line"]), match["rule"], match["text"]))
    return found


def line_of(app, relpath: str, startswith: str, occurrence: int = 1) -> int:
    """The 1-based line of the OCCURRENCE-th line in RELPATH starting with STARTSWITH."""
    lines = (Path(app.srcdir) / relpath).read_text(encoding="utf-8", errors="replace").split("\n")
    hits = [n for n, line in enumerate(lines, start=1) if line.startswith(startswith)]
    return hits[occurrence - 1]


def copy_root(rootdir: Path, tempdir: Path, root: str, name: str) -> Path:
    """A private copy of tests/roots/test-ROOT, for a test that changes it."""
    import shutil

    srcdir = tempdir / f"{root}-{name}"
    shutil.copytree(rootdir / f"test-{root}", srcdir, dirs_exist_ok=True)
    return srcdir


def save_as_latin1(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
