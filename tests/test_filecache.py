"""report.filecache: what takes long to make is made once per key, in the
build's own folder (one entry a kind) or in a folder shared by several."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import FILECACHE, ROOT

sys.path.insert(0, str(ROOT / "_ext"))

from report import filecache  # noqa: E402  (on the path just above)


def maker(calls: list[str], text: str):
    def make(folder: Path) -> None:
        calls.append(text)
        (folder / "made.txt").write_text(text, encoding="utf-8")
    return make


def test_an_entry_is_made_once_and_an_older_one_goes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(FILECACHE, raising=False)
    calls: list[str] = []
    first = filecache.kept(tmp_path, "kind", filecache.key("a"), maker(calls, "a"))
    again = filecache.kept(tmp_path, "kind", filecache.key("a"), maker(calls, "a"))
    assert first == again and calls == ["a"]
    assert (first / "made.txt").read_text(encoding="utf-8") == "a"
    second = filecache.kept(tmp_path, "kind", filecache.key("b"), maker(calls, "b"))
    assert calls == ["a", "b"]
    # In a build's own folder a kind keeps the entry its inputs last made.
    assert sorted(p.name for p in (tmp_path / "kind").iterdir()) == [second.name]
    assert filecache.has(tmp_path, "kind", filecache.key("b"))
    assert not filecache.has(tmp_path, "kind", filecache.key("a"))


def test_a_shared_folder_keeps_every_entry(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(FILECACHE, str(tmp_path / "shared"))
    calls: list[str] = []
    for text in ("a", "b", "a"):
        filecache.kept(tmp_path / "doctrees", "kind", filecache.key(text), maker(calls, text))
    assert calls == ["a", "b"]
    assert len(list((tmp_path / "shared" / "kind").iterdir())) == 2
    assert not (tmp_path / "doctrees").exists()


def test_a_failed_make_leaves_no_entry(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(FILECACHE, raising=False)

    def fails(folder: Path) -> None:
        (folder / "half.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("planted")

    with pytest.raises(RuntimeError, match="planted"):
        filecache.kept(tmp_path, "kind", filecache.key("a"), fails)
    assert list((tmp_path / "kind").iterdir()) == []


def test_an_entry_another_build_made_meanwhile_is_used(tmp_path: Path, monkeypatch) -> None:
    """Two builds sharing a folder make the same entry: the second rename finds
    it there and uses it."""
    monkeypatch.setenv(FILECACHE, str(tmp_path))
    entry = filecache.key("a")

    def raced(folder: Path) -> None:
        (folder / "made.txt").write_text("mine", encoding="utf-8")
        other = tmp_path / "kind" / entry
        other.mkdir()
        (other / "made.txt").write_text("theirs", encoding="utf-8")

    folder = filecache.kept(tmp_path, "kind", entry, raced)
    assert (folder / "made.txt").read_text(encoding="utf-8") == "theirs"
    assert [p.name for p in (tmp_path / "kind").iterdir()] == [entry]


def test_keys_tell_their_parts_apart() -> None:
    assert filecache.key("ab", "c") != filecache.key("a", "bc")
    assert filecache.key(b"a") == filecache.key("a")
