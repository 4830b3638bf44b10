"""report.forked: a file made by a child process while the parent goes on;
a child that fails leaves nothing behind, and the parent makes it itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import FILECACHE, ROOT

sys.path.insert(0, str(ROOT / "_ext"))

from report import filecache, forked  # noqa: E402  (on the path just above)


def test_a_child_makes_the_entry_the_parent_then_finds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(FILECACHE, raising=False)
    key = filecache.key("cover")

    def make(folder: Path) -> None:
        (folder / "made.txt").write_text(str(os.getpid()), encoding="utf-8")

    child = forked.start(lambda: filecache.kept(tmp_path, "kind", key, make))
    assert child and child != os.getpid()
    forked.wait(child)
    forked.wait(child)  # a second wait is harmless
    made = filecache.kept(tmp_path, "kind", key, lambda folder: None)  # found, not made again
    assert (made / "made.txt").read_text(encoding="utf-8") == str(child)


def test_a_failing_child_leaves_no_entry_and_the_parent_makes_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(FILECACHE, raising=False)
    key = filecache.key("cover")

    def broken(folder: Path) -> None:
        (folder / "half.txt").write_text("half", encoding="utf-8")
        raise OSError("disk full")

    forked.wait(forked.start(lambda: filecache.kept(tmp_path, "kind", key, broken)))
    assert not filecache.has(tmp_path, "kind", key)
    assert [p.name for p in (tmp_path / "kind").iterdir()] == []  # no half-made folder either
    made = filecache.kept(tmp_path, "kind", key, lambda folder: (folder / "made.txt").write_text("x"))
    assert (made / "made.txt").read_text() == "x"


def test_the_child_writes_nothing_of_the_parent() -> None:
    # Text the parent buffered before forking is written once; the child's
    # failure and the parent's exit handlers print nothing in the child.
    script = f"""
import atexit, sys
sys.path.insert(0, {str(ROOT / "_ext")!r})
from report import forked
atexit.register(lambda: print("exit handler"))
sys.stdout.write("buffered ")
def fail():
    sys.stdout.flush()  # as anything the child calls might
    raise RuntimeError("child failed")
forked.wait(forked.start(fail))
print("parent done")
"""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env=environment)
    assert result.stdout == "buffered parent done\nexit handler\n"
    assert result.stderr == ""
