"""Bad input is refused: each defect, injected into a copy, fails the build with
a message naming the file and line, and the last good output stays in place.

A private copy of the project is built once (the last good output), then
every defect below is planted in it, each in its own place, and `make html`
runs once: under -W --keep-going every warning is an error and all of them are
reported, so each test looks for its own defect's message, at its file and
line, in that one run. One build instead of one per defect keeps the suite
fast. The guards' ids are explained in docs/checks.md.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from conftest import VENV, copy_project, make

pytestmark = pytest.mark.slow

CURRENT = "chapters/02-current-state.md"
KEY_ISSUES = "chapters/03-key-issues.md"
FUTURE = "chapters/04-future.md"
CONCLUSION = "chapters/05-conclusion.md"


@dataclass
class Defective:
    project: Path
    output: str = ""
    returncode: int = 0
    where: dict[str, tuple[str, int]] = field(default_factory=dict)
    published_before: str = ""
    published_after: str = ""

    def path(self, relpath: str) -> Path:
        return self.project / relpath

    def append(self, name: str, relpath: str, text: str, offset: int = 0) -> None:
        """Append TEXT as a new paragraph; remember where defect NAME starts."""
        path = self.path(relpath)
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        path.write_text("\n".join(lines) + "\n\n" + text + "\n", encoding="utf-8")
        self.where[name] = (relpath, len(lines) + 2 + offset)

    def replace(self, relpath: str, old: str, new: str) -> None:
        path = self.path(relpath)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{relpath} no longer contains {old!r}; update this test"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def line_of(self, relpath: str, startswith: str) -> int:
        lines = self.path(relpath).read_text(encoding="utf-8").split("\n")
        return next(i for i, line in enumerate(lines, start=1) if line.startswith(startswith))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def defective(tmp_path_factory) -> Defective:
    d = Defective(copy_project(tmp_path_factory.mktemp("guards") / "project"))
    good = make("html", d.project, d.project / "_build")
    assert good.returncode == 0, good.output[-3000:]
    published = d.project / "_build" / "html" / "index.html"
    d.published_before = digest(published)

    # Defects Sphinx and the extension catch in the text, one paragraph each.
    d.append("broken cross-reference", CURRENT, "See {ref}`no-such-section`.")
    d.append("missing image", CURRENT, "![A chart of trade](no-such-chart.png)")
    from PIL import Image

    Image.new("RGB", (4, 4), "white").save(d.path("chapters/dot.png"))
    d.append("image without alt text", CURRENT, "![](dot.png)")
    d.append("malformed directive", CURRENT, "```{figure}\n:alt: a figure with no image\n```")
    d.append("undefined term", CURRENT, "The {term}`Grand Bargain` is not defined.")
    d.append("undefined citation", CURRENT, "An unsupported claim {cite:p}`no-such-source-1999`.")
    d.append("raw HTML block", CURRENT, "<script>alert('x')</script>")
    d.append("raw HTML inline", CURRENT, "Text with <img src=x onerror=alert(1)> inside.")

    # Structural defects (report.sections), each in a different chapter or section.
    # Lines are looked up after all the edits of a file.
    d.replace(KEY_ISSUES, "(north-korea)=\n## North Korea\n", "")
    d.append("section outside its chapter", CONCLUSION, "(north-korea)=\n## North Korea\n\nMoved here.", offset=1)
    d.replace(KEY_ISSUES, "(defense-costs)=\n## Defense Costs\n", "")
    d.replace(KEY_ISSUES, "## Trade Imbalances\n", "## Trade Frictions\n")
    d.where["missing section"] = (KEY_ISSUES, d.line_of(KEY_ISSUES, "# "))
    d.where["renamed section"] = (KEY_ISSUES, d.line_of(KEY_ISSUES, "## Trade Frictions"))
    d.replace(CURRENT, "## Diplomatic Ties\n", "### Diplomatic Ties\n")
    d.where["section at the wrong level"] = (CURRENT, d.line_of(CURRENT, "### Diplomatic Ties"))
    text = d.path(FUTURE).read_text(encoding="utf-8")
    start = text.index("(adapting-to-change)=")
    moved, rest = text[start:].rstrip("\n") + "\n\n", text[:start]
    first = rest.index("(continued-alliance)=")
    d.path(FUTURE).write_text(rest[:first] + moved + rest[first:], encoding="utf-8")
    d.where["section out of order"] = (FUTURE, d.line_of(FUTURE, "## Adapting to Change"))
    d.replace("index.md", "chapters/00-introduction\n", "")
    d.path("chapters/00-introduction.md").unlink()
    # The toctree the chapter belongs in (Report), not the first one (Front matter).
    d.where["missing chapter"] = ("index.md", d.line_of("index.md", ":caption: Report") - 1)

    result = make("html", d.project, d.project / "_build")
    d.output, d.returncode = result.output, result.returncode
    d.published_after = digest(published)
    return d


def assert_reported(d: Defective, name: str, *words: str) -> None:
    relpath, line = d.where[name]
    location = f"{relpath}:{line}"
    matching = [l for l in d.output.splitlines() if location in l and all(w in l for w in words)]
    assert matching, f"{name}: no message naming {location} with {words} in:\n{d.output[-4000:]}"


def test_the_build_fails_and_keeps_the_last_good_output(defective: Defective) -> None:
    assert defective.returncode != 0, "the defects were not caught:\n" + defective.output[-3000:]
    assert defective.published_after == defective.published_before, (
        "the failed build replaced the last good output")


@pytest.mark.parametrize("name, words", [
    ("broken cross-reference", ["no-such-section"]),
    ("missing image", ["no-such-chart.png"]),
    ("image without alt text", ["R011"]),
    ("malformed directive", ["figure"]),
    ("undefined term", ["Grand Bargain"]),
    ("undefined citation", ["no-such-source-1999"]),
    ("raw HTML block", ["R010"]),
    ("raw HTML inline", ["R010"]),
    ("missing section", ["R001", "Defense Costs"]),
    ("missing chapter", ["R001", "Introduction"]),
    ("renamed section", ["R004", "Trade Imbalances"]),
    ("section out of order", ["R002", "Adapting to Change"]),
    ("section at the wrong level", ["R003", "Diplomatic Ties"]),
    ("section outside its chapter", ["R003", "North Korea"]),
])
def test_defect_is_reported_with_file_and_line(defective: Defective, name: str, words: list[str]) -> None:
    assert_reported(defective, name, *words)


@pytest.mark.parametrize("builder", ["epub", "latex"])
def test_required_sections_checked_by_every_builder(defective: Defective, tmp_path: Path, builder: str) -> None:
    proc = subprocess.run(
        [str(VENV / "bin" / "sphinx-build"), "-q", "-n", "-W", "--keep-going", "-b", builder,
         ".", str(tmp_path / builder), "-d", str(tmp_path / "doctrees")],
        cwd=defective.project, capture_output=True, text=True,
    )
    assert proc.returncode != 0
    assert_reported(replace(defective, output=proc.stderr), "missing section", "R001")
