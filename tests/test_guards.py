"""Bad input is refused: each defect, injected into a copy, fails the build with
a message naming the file and line, and the last good output stays in place.

One good build of a private copy is made per module; each test copies it
(sources and outputs), plants one defect, runs `make html` and checks the
outcome. The guards' ids are explained in docs/checks.md.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, VENV, copy_project, make

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("good") / "project")
    result = make("html", project, project / "_build")
    assert result.returncode == 0, result.output[-3000:]
    return project


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def broken(good_project: Path, tmp_path: Path):
    """Copy the good project, let the test plant a defect, build, and check
    that the build failed and the published HTML is the good one."""
    project = tmp_path / "project"
    shutil.copytree(good_project, project, symlinks=True)
    published = project / "_build" / "html" / "index.html"
    before = digest(published)

    def build():
        result = make("html", project, project / "_build")
        assert result.returncode != 0, "the defect was not caught:\n" + result.output[-3000:]
        assert published.exists() and digest(published) == before, (
            "the failed build replaced the last good output"
        )
        return result.output

    return project, build


def append(project: Path, relpath: str, text: str) -> int:
    """Append TEXT as a new paragraph; return the line number it starts on."""
    path = project / relpath
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join(lines) + "\n\n" + text + "\n", encoding="utf-8")
    return len(lines) + 2


def line_of(project: Path, relpath: str, startswith: str) -> int:
    lines = (project / relpath).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(startswith))


def replace(project: Path, relpath: str, old: str, new: str) -> None:
    path = project / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relpath} no longer contains {old!r}; update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_reported(output: str, relpath: str, line: int, *words: str) -> None:
    location = f"{relpath}:{line}"
    matching = [l for l in output.splitlines() if location in l and all(w in l for w in words)]
    assert matching, f"no message naming {location} with {words} in:\n{output[-3000:]}"


CHAPTER = "chapters/02-current-state.md"


def test_broken_cross_reference(broken) -> None:
    project, build = broken
    line = append(project, CHAPTER, "See {ref}`no-such-section`.")
    assert_reported(build(), CHAPTER, line, "no-such-section")


def test_missing_image(broken) -> None:
    project, build = broken
    line = append(project, CHAPTER, "![A chart of trade](no-such-chart.png)")
    assert_reported(build(), CHAPTER, line, "no-such-chart.png")


def test_image_without_alt_text(broken) -> None:
    project, build = broken
    from PIL import Image

    Image.new("RGB", (4, 4), "white").save(project / "chapters" / "dot.png")
    line = append(project, CHAPTER, "![](dot.png)")
    assert_reported(build(), CHAPTER, line, "R011")


def test_malformed_directive(broken) -> None:
    project, build = broken
    line = append(project, CHAPTER, "```{figure}\n:alt: a figure with no image\n```")
    assert_reported(build(), CHAPTER, line, "figure")


def test_undefined_glossary_term(broken) -> None:
    project, build = broken
    line = append(project, CHAPTER, "The {term}`Grand Bargain` is not defined.")
    assert_reported(build(), CHAPTER, line, "Grand Bargain")


def test_undefined_citation(broken) -> None:
    project, build = broken
    line = append(project, CHAPTER, "An unsupported claim {cite:p}`no-such-source-1999`.")
    assert_reported(build(), CHAPTER, line, "no-such-source-1999")


def test_raw_html(broken) -> None:
    project, build = broken
    line = append(project, CHAPTER, "<script>alert('x')</script>")
    assert_reported(build(), CHAPTER, line, "R010")


def test_raw_html_inline(broken) -> None:
    project, build = broken
    line = append(project, CHAPTER, "Text with <img src=x onerror=alert(1)> inside.")
    assert_reported(build(), CHAPTER, line, "R010")


# -- Required sections (report.sections) ---------------------------------------------

KEY_ISSUES = "chapters/03-key-issues.md"


def test_missing_required_section(broken) -> None:
    project, build = broken
    replace(project, KEY_ISSUES, "(defense-costs)=\n## Defense Costs\n", "")
    assert_reported(build(), KEY_ISSUES, line_of(project, KEY_ISSUES, "# "), "R001", "Defense Costs")


def test_missing_required_chapter(broken) -> None:
    project, build = broken
    replace(project, "index.md", "chapters/05-conclusion\n", "")
    (project / "chapters" / "05-conclusion.md").unlink()
    assert_reported(build(), "index.md", line_of(project, "index.md", "```{toctree}"),
                    "R001", "Conclusion")


def test_renamed_required_section(broken) -> None:
    project, build = broken
    replace(project, KEY_ISSUES, "## Trade Imbalances\n", "## Trade Frictions\n")
    assert_reported(build(), KEY_ISSUES, line_of(project, KEY_ISSUES, "## Trade Frictions"),
                    "R004", "Trade Imbalances")


def test_required_section_out_of_order(broken) -> None:
    project, build = broken
    path = project / KEY_ISSUES
    text = path.read_text(encoding="utf-8")
    # Move the "Shifting Global Landscape" section before "North Korea".
    start = text.index("(shifting-global-landscape)=")
    moved, rest = text[start:].rstrip("\n") + "\n\n", text[:start]
    north = rest.index("(north-korea)=")
    path.write_text(rest[:north] + moved + rest[north:], encoding="utf-8")
    output = build()
    assert "R002" in output, output[-3000:]
    assert re.search(rf"{re.escape(KEY_ISSUES)}:\d+: .*R002", output), output[-3000:]


def test_required_section_at_wrong_level(broken) -> None:
    project, build = broken
    replace(project, KEY_ISSUES, "## Defense Costs\n", "### Defense Costs\n")
    assert_reported(build(), KEY_ISSUES, line_of(project, KEY_ISSUES, "### Defense Costs"),
                    "R003", "Defense Costs")


def test_required_section_outside_its_chapter(broken) -> None:
    project, build = broken
    replace(project, KEY_ISSUES, "(defense-costs)=\n## Defense Costs\n", "")
    line = append(project, "chapters/04-future.md", "(defense-costs)=\n## Defense Costs\n\nMoved here.")
    assert_reported(build(), "chapters/04-future.md", line + 1, "R003", "Defense Costs")


@pytest.mark.parametrize("builder", ["epub", "latex"])
def test_required_sections_checked_by_every_builder(good_project: Path, tmp_path: Path, builder: str) -> None:
    project = copy_project(tmp_path / "project")
    replace(project, KEY_ISSUES, "(defense-costs)=\n## Defense Costs\n", "")
    proc = subprocess.run(
        [str(VENV / "bin" / "sphinx-build"), "-q", "-n", "-W", "--keep-going", "-b", builder,
         ".", str(tmp_path / builder)],
        cwd=project, capture_output=True, text=True,
    )
    assert proc.returncode != 0
    assert_reported(proc.stderr, KEY_ISSUES, line_of(project, KEY_ISSUES, "# "), "R001")
