"""The report's prose and the docs are free of common misspellings (codespell).

Names and romanized Korean that codespell mistakes for misspellings go in
tests/wordlist.txt, one lowercase word a line, sorted.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import ROOT, VENV

WORDLIST = ROOT / "tests" / "wordlist.txt"
CHECKED = ["index.md", "chapters", "frontmatter", "backmatter", "docs", "README.md"]


def codespell(*paths: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV / "bin" / "codespell"), "--ignore-words", str(WORDLIST), *map(str, paths)],
        cwd=cwd, capture_output=True, text=True,
    )


def test_no_misspellings() -> None:
    result = codespell(*CHECKED)
    assert result.returncode == 0, result.stdout


def test_wordlist_is_sorted_and_lowercase() -> None:
    words = [w for w in WORDLIST.read_text(encoding="utf-8").splitlines() if w]
    assert words == sorted(set(words)) and all(w == w.lower() for w in words)


def test_a_planted_misspelling_is_caught(tmp_path: Path) -> None:
    chapter = tmp_path / "chapters" / "02-current-state.md"
    chapter.parent.mkdir()
    text = (ROOT / "chapters" / "02-current-state.md").read_text(encoding="utf-8")
    chapter.write_text(text + "\nThe alliance is recieved well.\n", encoding="utf-8")
    line = len(chapter.read_text(encoding="utf-8").splitlines())
    result = codespell("chapters", cwd=tmp_path)
    assert result.returncode != 0
    assert f"chapters/02-current-state.md:{line}: recieved ==> received" in result.stdout
