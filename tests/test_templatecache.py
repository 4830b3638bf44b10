"""report.templatecache: a clean build has its templates compiled by its
child process (report.forked) while Sphinx reads, so the build itself
compiles none; a child that fails half-way costs nothing but time; a build
that finds them compiled starts no child for them.

Each build runs sphinx-build in a process of its own (forking a test worker,
whose threads talk to pytest-xdist, is not what a build does), with every
Jinja compilation recorded with the process that made it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import FILECACHE, ROOT, digests

# sphinx-build, with each compiled template's name and process recorded; FAIL
# names a template whose compilation fails in the child.
BUILD = """
import json, os, sys
import jinja2
from sphinx.cmd.build import build_main

parent, log, fail = os.getpid(), sys.argv[1], sys.argv[2]
compile = jinja2.Environment.compile

def recorded(self, source, name=None, *args, **kwargs):
    child = os.getpid() != parent
    if child and name == fail:
        raise RuntimeError("compilation failed in the child")
    with open(log, "a") as out:
        out.write(json.dumps([name, child]) + "\\n")
    return compile(self, source, name, *args, **kwargs)

jinja2.Environment.compile = recorded
sys.exit(build_main(["-q", "-n", "-W", "-b", "html", "-d", sys.argv[4], sys.argv[3], sys.argv[5]]))
"""


def build(root: Path, out: Path, fail: str = "") -> tuple[set[str], set[str]]:
    """Templates compiled (by the build, by its child) in a build into OUT."""
    log = out.with_suffix(".log")
    log.unlink(missing_ok=True)
    environment = {k: v for k, v in os.environ.items() if k != FILECACHE}
    result = subprocess.run([sys.executable, "-c", BUILD, str(log), fail, str(root), str(out / "doctrees"),
                             str(out / "html")], capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return ({name for name, child in records if not child and name},
            {name for name, child in records if child and name})


def test_a_clean_build_compiles_no_template_itself(rootdir: Path, tmp_path: Path) -> None:
    itself, ahead = build(rootdir / "test-templatecache", tmp_path / "clean")
    assert not itself, f"compiled by the build, not ahead: {sorted(itself)}"
    assert {"page.html", "layout.html", "sbt-sidebar-nav.html", "genindex.html"} <= ahead
    # The next build finds them compiled: no child, nothing compiled.
    shutil.rmtree(tmp_path / "clean" / "html")
    assert build(rootdir / "test-templatecache", tmp_path / "clean") == (set(), set())


def test_a_failing_child_leaves_the_build_whole(rootdir: Path, tmp_path: Path) -> None:
    # The child stops at the theme's layout; the build compiles what it lacks.
    itself, ahead = build(rootdir / "test-templatecache", tmp_path / "failed", fail="layout.html")
    assert "layout.html" in itself and "layout.html" not in ahead
    build(rootdir / "test-templatecache", tmp_path / "clean")
    assert digests(tmp_path / "failed" / "html") == digests(tmp_path / "clean" / "html")
