"""Every bad input an author can make is refused by the real pipeline, with the
file and the line, and the published output stays as it was.

Each rule has its own small root elsewhere (tests/test_rules_*.py); here the
same defects go through what an author runs, `make html` (scripts/build.py,
the whole book, -n -W --keep-going), into a build folder holding the last
good website (the session's build): the build fails, its output names each
defect's file, line and rule id, no traceback is printed, and `_build/html`
is byte for byte the last good website. (report.toml in single quotes is
read as in double: tests/test_identity.py, since report.identity is its only
reader.) Defects that can
share a build are planted together in one copy (one build for all of them);
the others (a translation, report.toml, another language) get a build each.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import KO, copy_project, digests, make

pytestmark = pytest.mark.slow


class Copy:
    """A copy of the project in which defects are planted, and a build folder
    holding the last good website (the session's build of the edition)."""

    def __init__(self, root: Path, last_good: Path, *extra: str):
        self.project = copy_project(root / "project")
        self.builddir = root / "build"
        self.extra = extra
        self.out = self.builddir / ("ko" if KO in extra else "") / "html"
        shutil.copytree(last_good, self.out, symlinks=True)
        self.good = digests(self.out)

    def text(self, relpath: str) -> str:
        return (self.project / relpath).read_text(encoding="utf-8")

    def write(self, relpath: str, text: str) -> None:
        (self.project / relpath).write_text(text, encoding="utf-8")

    def append(self, relpath: str, text: str) -> int:
        """Append TEXT after a blank line; return the line it starts on."""
        lines = self.text(relpath).rstrip("\n").split("\n")
        self.write(relpath, "\n".join(lines) + "\n\n" + text + "\n")
        return len(lines) + 2

    def replace(self, relpath: str, old: str, new: str) -> int:
        """Replace OLD by NEW once; return the line where NEW starts."""
        text = self.text(relpath)
        assert old in text, f"{relpath} no longer contains {old!r}; update this test"
        self.write(relpath, text.replace(old, new, 1))
        return text[:text.index(old)].count("\n") + 1

    def byte_lines(self, relpath: str) -> int:
        """How many lines RELPATH has, read as bytes (it may not be UTF-8)."""
        return (self.project / relpath).read_bytes().rstrip(b"\n").count(b"\n") + 1

    def build(self, *extra: str) -> str:
        result = make("html", self.project, self.builddir, *self.extra, *extra)
        assert result.returncode != 0, "the build accepted the defects:\n" + result.output[-3000:]
        assert "Traceback" not in result.output, result.output[-3000:]
        assert digests(self.out) == self.good, "the published website changed"
        return result.output


def assert_reported(output: str, relpath: str, line: int | None, rule: str) -> None:
    number = str(line) if line is not None else r"\d+"
    where = rf"{re.escape(relpath)}:{number}:"
    pattern = re.compile(rf"(^|/){where}.*\b{rule}\b", re.MULTILINE)
    assert pattern.search(output), f"no {rule} at {relpath}:{line} in:\n{output[-4000:]}"


@pytest.fixture(scope="module")
def english(tmp_path_factory, html_dir: Path):
    """The English book with every defect of its sources planted at once."""
    book = Copy(tmp_path_factory.mktemp("bad-input"), html_dir)
    where = {}
    where["R012 fence"] = ("chapters/04-future.md", book.append("chapters/04-future.md", "```python\nprint('open')"))
    where["R012 directive"] = ("chapters/05-conclusion.md",
                               book.append("chapters/05-conclusion.md", ":::{note}\nNever closed."))
    where["R013"] = ("chapters/01-historical-ties.md", 3)
    book.write("chapters/01-historical-ties.md",
               '---\nmyst:\n  html_meta:\n    "http-equiv=refresh": "0; url=https://evil.example/"\n---\n'
               + book.text("chapters/01-historical-ties.md"))
    where["R014"] = ("chapters/02-current-state.md",
                     book.append("chapters/02-current-state.md", "![A chart](https://tracker.example/p.png)"))
    bib = book.text("references.bib")
    title = bib.index("title        = {{Mutual Defense Treaty")
    where["R071"] = ("references.bib", bib[:title].count("\n") + 1)
    book.replace("references.bib", "{{Mutual Defense Treaty Between", "{{Mutual Defense Treaty 100% Between")
    where["R070"] = ("references.bib", book.replace("references.bib", "@misc{eisenhower-mdt-1954,",
                                                    "@misc{eisenhower-mdt-1954,\n  note = {never closed,"))
    (book.project / "chapters/00-introduction.md").write_bytes(
        book.text("chapters/00-introduction.md").encode("utf-8") + b"\nCaf\xe9 in Latin-1.\n")
    where["R015"] = ("chapters/00-introduction.md", book.byte_lines("chapters/00-introduction.md"))
    csv = (book.project / "data/timeline.csv").read_bytes()
    (book.project / "data/timeline.csv").write_bytes(csv.replace(b"Korea divided", b"Cor\xe9e divided", 1))
    where["R033"] = ("data/timeline.csv", 2)
    return book, where, book.build()


@pytest.mark.parametrize("defect", ["R012 fence", "R012 directive", "R013", "R014", "R070", "R071", "R015", "R033"])
def test_a_defect_in_the_sources_is_refused_at_its_line(english, defect: str) -> None:
    book, where, output = english
    relpath, line = where[defect]
    assert_reported(output, relpath, line, defect.split()[0])


def test_a_chapter_missing_from_the_toctree_is_reported_at_the_report_toctree(tmp_path: Path,
                                                                              html_dir: Path) -> None:
    book = Copy(tmp_path, html_dir)
    index = book.text("index.md")
    opening = index[:index.index(":caption: Report")].count("\n")  # the ```{toctree} line
    book.replace("index.md", "chapters/03-key-issues\n", "")
    assert_reported(book.build(), "index.md", opening, "R001")


@pytest.fixture(scope="module")
def korean(tmp_path_factory, ko_html_dir: Path):
    """The Korean edition with broken catalogs: these stop the build before
    any page is read, so raw HTML in a translation gets a build of its own."""
    book = Copy(tmp_path_factory.mktemp("bad-input-ko"), ko_html_dir, KO)
    po = "locales/ko/LC_MESSAGES/chapters/04-future.po"
    text = book.text(po)
    quote = re.search(r'^msgstr "(.+)"$', text, re.MULTILINE)
    assert quote is not None
    where = {"R042 quote": (po, text[:quote.start()].count("\n") + 1)}
    book.write(po, text[:quote.end() - 1] + text[quote.end():])  # drop the closing quote
    where["R042 garbage"] = ("locales/ko/LC_MESSAGES/backmatter/colophon.po",
                             book.append("locales/ko/LC_MESSAGES/backmatter/colophon.po", "this is not PO"))
    return book, where, book.build()


@pytest.mark.parametrize("defect", ["R042 quote", "R042 garbage"])
def test_a_broken_catalog_is_refused_at_the_po_line(korean, defect: str) -> None:
    book, where, output = korean
    relpath, line = where[defect]
    assert_reported(output, relpath, line, "R042")


def test_raw_html_in_a_translation_is_refused_at_the_po_line(tmp_path: Path, ko_html_dir: Path) -> None:
    book = Copy(tmp_path, ko_html_dir, KO)
    po = "locales/ko/LC_MESSAGES/chapters/02-current-state.po"
    text = book.text(po)
    first = re.search(r'^msgstr "(?=[^"])', text, re.MULTILINE)
    assert first is not None
    book.write(po, text[:first.end()] + "<b>굵게</b> " + text[first.end():])
    assert_reported(book.build(), po, text[:first.start()].count("\n") + 1, "R010")


@pytest.mark.parametrize("old, new, rule", [
    ('version = "0.1.0"', 'version = "0.1/0"', "R053"),
    ('version = "0.1.0"', "version = 1", "R052"),
    ('slug = "us-south-korea-relations"\n', "", "R051"),
    ('title = "US–South Korea Relations"', 'title = "US–South Korea Relations', "R050"),
])
def test_a_bad_report_toml_is_refused_in_one_line(tmp_path: Path, html_dir: Path, old: str, new: str,
                                                  rule: str) -> None:
    book = Copy(tmp_path, html_dir)
    line = book.replace("report.toml", old, new)
    output = book.build()
    if rule == "R051":
        assert re.search(r"report\.toml: R051 required key 'slug'", output), output[-3000:]
    else:
        assert_reported(output, "report.toml", line, rule)


def test_a_language_without_an_edition_is_refused_with_r040(tmp_path: Path, html_dir: Path) -> None:
    book = Copy(tmp_path, html_dir)
    result = make("html", book.project, book.builddir, "LANGUAGE=fr")
    assert result.returncode != 0
    assert "Traceback" not in result.output and "has no attribute" not in result.output, result.output[-3000:]
    assert_reported(result.output, "report.toml", None, "R040")
    assert digests(book.out) == book.good
