"""The report's prose and the docs are free of common misspellings (codespell).

Names and romanized Korean that codespell mistakes for misspellings go in
tests/wordlist.txt, one lowercase word a line, sorted.
"""

from __future__ import annotations

import re
import shutil
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


# -- House style: American English ------------------------------------------------------
# The report writes American spelling and "US" (docs/authoring.md): codespell's
# British-to-American dictionary, and the variants it does not know.
PROSE = ["index.md", "chapters", "frontmatter", "backmatter", "data/timeline.csv"]
# American English too: "dialogue" (a dialog is a window on a screen); names
# spelled as their owners spell them; report.toml's key in a substitution.
STYLE_IGNORE = ["--ignore-words-list", "dialogue",
                "--ignore-regex", r"Organisation for Economic Co-operation and Development|\{\{ licence \}\}"]
BANNED = {
    r"\bU\.S\.(?=[\s,;:)A-Z]|$)": "US",
    r"\bU\.K\.": "UK",
    r"\bper cent\b": "percent",
    r"\bwhilst\b": "while",
    r"\bamongst\b": "among",
}


def style_problems(root: Path) -> list[str]:
    found = []
    result = subprocess.run(
        [str(VENV / "bin" / "codespell"), "--builtin", "en-GB_to_en-US", *STYLE_IGNORE, *PROSE],
        cwd=root, capture_output=True, text=True,
    )
    found += result.stdout.splitlines()
    for folder in PROSE:
        paths = [root / folder] if (root / folder).is_file() else sorted((root / folder).rglob("*.md"))
        for path in paths:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for pattern, instead in BANNED.items():
                    for match in re.finditer(pattern, line):
                        found.append(f"{path.relative_to(root)}:{number}: {match.group(0)} ==> {instead}")
    return found


def test_american_spelling_and_us() -> None:
    found = style_problems(ROOT)
    assert not found, "house style (American English):\n" + "\n".join(found)


def test_a_planted_british_spelling_and_u_s_are_caught(tmp_path: Path) -> None:
    for folder in PROSE:
        source = ROOT / folder
        (tmp_path / folder).parent.mkdir(parents=True, exist_ok=True)
        if source.is_file():
            shutil.copy(source, tmp_path / folder)
        else:
            shutil.copytree(source, tmp_path / folder)
    glossary = tmp_path / "backmatter" / "glossary.md"
    with glossary.open("a", encoding="utf-8") as handle:
        handle.write("\nThe U.S. defence programme.\n")
    line = len(glossary.read_text(encoding="utf-8").splitlines())
    found = style_problems(tmp_path)
    where = f"backmatter/glossary.md:{line}:"
    assert any(f.startswith(where) and "defence ==> defense" in f for f in found), found
    assert any(f.startswith(where) and "programme ==> program" in f for f in found), found
    assert f"{where} U.S. ==> US" in found, found
