"""R070–R073: references.bib is read entry by entry, each error at its line.

sphinxcontrib-bibtex hands the whole file to pybtex, and pybtex's errors do
not say where the author went wrong:

* a missing closing brace makes pybtex read on into the following entries and
  fail at a later one ("syntax error in line 6: '}' expected" names the next
  entry, or the end of the file);
* a ``%`` in a title is a LaTeX comment to pybtex's formatter, which then
  finds the title's braces unbalanced and says "line 1: unbalanced braces",
  counting from the start of the title;
* either ends the build with a traceback (an exception in an event handler).

Here, before sphinxcontrib-bibtex reads the files (``builder-inited``,
priority 400 before its 500), each file named by ``bibtex_bibfiles`` is cut at
the lines that start an entry (``@type{``) and each piece is given to pybtex's
own BibTeX parser in turn (one parser, so ``@string`` macros still apply), so
an error stays in the entry that has it; every field the bibliography style
typesets (all but pybtex's raw fields: url, doi, eprint, pubmed) and every
name is then parsed as LaTeX, as the style will. Problems are reported at the
file and line:

R070  an entry pybtex cannot read (a brace or quote missing or extra), at the
      entry's first line, with pybtex's reason
R071  a field that cannot be typeset (unbalanced braces, a ``%`` that should
      be ``\\%``), at the field's line
R072  the file is not in ``bibtex_encoding`` (UTF-8), at the first bad byte
R073  a key used by two entries, at the second

If anything was found, sphinxcontrib-bibtex is pointed (``bibtex_bibfiles``)
at a copy in the doctree folder without the faulty entries (so their
citations are reported as unknown keys too), so the
build goes on, reports every other problem and ends in one line per error
instead of a traceback; ``-W`` makes the run fail. Cutting at lines that start
with ``@`` assumes no field value has a line of its own starting with ``@``,
which holds for the report's bibliography.

A file found clean is remembered (an empty marker in the doctree folder named
by a hash of its bytes, its encoding, pybtex's version and this module), so
a rebuild does not read it entry by entry again: a third of a second saved on
every build that did not touch the bibliography. A file with problems is
checked every time, so its warnings come back on every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pybtex
from pybtex.database import BibliographyDataError
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text
from pybtex.scanner import PybtexError
from sphinx.util import logging

from report import filecache

logger = logging.getLogger(__name__)

ENTRY_START = re.compile(r"\s*@")
ENTRY_KEY = re.compile(r"\s*@\s*(\w+)\s*[{(]\s*([^,\s]*)")
# Fields pybtex's styles print as they are written, not as LaTeX.
RAW_FIELDS = {"url", "doi", "eprint", "pubmed"}
COPY_FOLDER = "report-bib"
CLEAN_FOLDER = "report-bib-clean"


@dataclass(frozen=True)
class Problem:
    code: str
    line: int
    message: str


def chunks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each entry, and of what comes before the first."""
    pieces: list[tuple[int, list[str]]] = [(1, [])]
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if ENTRY_START.match(line):
            pieces.append((number, []))
        pieces[-1][1].append(line)
    return [(start, "".join(lines)) for start, lines in pieces if lines]


def field_line(chunk: str, start: int, field: str) -> int:
    pattern = re.compile(rf"\s*{re.escape(field)}\s*=", re.IGNORECASE)
    for offset, line in enumerate(chunk.splitlines()):
        if pattern.match(line):
            return start + offset
    return start


def unclosed_brace_line(chunk: str, start: int) -> int | None:
    """A hint for R070: the line whose braces are still open when the next
    field begins (``title = {{A title},`` followed by ``year = …``)."""
    depth = 0
    lines = chunk.splitlines()
    for offset, line in enumerate(lines):
        depth += len(re.findall(r"(?<!\\){", line)) - len(re.findall(r"(?<!\\)}", line))
        following = lines[offset + 1] if offset + 1 < len(lines) else ""
        if depth > 1 and re.match(r"\s*\w+\s*=", following):
            return start + offset
    return None


def latex_problem(value: str) -> str | None:
    if not any(c in value for c in "%{}\\"):
        return None  # nothing LaTeX could stumble on (and most fields are plain)
    try:
        Text.from_latex(value)
    except PybtexError as error:
        reason = str(error).split(": ", 1)[-1] if "syntax error" in str(error) else str(error)
        if re.search(r"(?<!\\)%", value):
            return (f"{reason}: '%' starts a LaTeX comment that hides the rest of the "
                    "field; write \\%")
        return reason
    return None


def check(text: str, encoding: str = "utf-8") -> tuple[str, list[Problem]]:
    """TEXT without the entries that have a problem, and every problem, with its line."""
    parser = Parser(encoding)
    usable: list[str] = []
    problems: list[Problem] = []
    for start, chunk in chunks(text):
        found = len(problems)
        match = ENTRY_KEY.match(chunk)
        key = match[2] if match else ""
        before = set(parser.data.entries)
        try:
            parser.parse_string(chunk)
        except BibliographyDataError as error:
            problems.append(Problem("R073", start, f"entry {key!r}: {error}; give one of "
                                    "them another key"))
            usable.append("\n" * chunk.count("\n"))
            continue
        except PybtexError as error:
            reason = re.sub(r"^syntax error in line \d+: ", "", str(error))
            hint = "a brace or quote missing or extra in this entry"
            if (line := unclosed_brace_line(chunk, start)) is not None:
                hint = f"a brace opened on line {line} is not closed"
            problems.append(Problem("R070", start, f"entry {key!r} cannot be read: {reason} "
                                    f"({hint})"))
            usable.append("\n" * chunk.count("\n"))
            continue
        for name, entry in parser.data.entries.items():
            if name in before:
                continue
            for field in [f for f in entry.fields if f.lower() not in RAW_FIELDS]:
                problem = latex_problem(entry.fields[field])
                if problem:
                    problems.append(Problem("R071", field_line(chunk, start, field),
                                            f"field {field!r} of entry {name!r}: {problem}"))
            for role, persons in list(entry.persons.items()):
                problem = latex_problem(" and ".join(str(p) for p in persons))
                if problem:
                    problems.append(Problem("R071", field_line(chunk, start, role),
                                            f"field {role!r} of entry {name!r}: {problem}"))
        # An entry with a problem is left out (blank lines keep the others' lines).
        usable.append(chunk if len(problems) == found else "\n" * chunk.count("\n"))
    return "".join(usable), problems


def clean_key(data: bytes, encoding: str) -> str:
    """Everything the verdict depends on: the file, its encoding, pybtex and this code."""
    return filecache.key(data, encoding, pybtex.__version__, Path(__file__).read_bytes())


def check_bibfiles(app) -> None:
    if "sphinxcontrib.bibtex" not in app.extensions:
        return
    bibfiles = app.config.bibtex_bibfiles or []
    encoding = app.config.bibtex_encoding
    replaced, any_problem = [], False
    for name in bibfiles:
        path = (Path(app.confdir) / name).resolve()
        if not path.is_file():
            replaced.append(name)  # sphinxcontrib-bibtex reports a missing file
            continue
        data = path.read_bytes()
        # A file found clean before is not checked again (an empty entry says so).
        kind, entry = f"{CLEAN_FOLDER}-{path.name}", clean_key(data, encoding)
        if filecache.has(app.doctreedir, kind, entry):
            replaced.append(name)
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            problems = [Problem("R072", line, f"not {encoding.upper()} ({error.reason}, "
                                f"byte 0x{data[error.start]:02x}); save the file as UTF-8")]
            usable = ""
        else:
            usable, problems = check(text, encoding)
        for problem in problems:
            logger.warning(f"{problem.code} {problem.message}", location=f"{path}:{problem.line}",
                           type="report", subtype=problem.code)
        if problems:
            any_problem = True
            copy = Path(app.doctreedir) / COPY_FOLDER / Path(name).name
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(usable, encoding="utf-8")
            replaced.append(str(copy))
        else:
            replaced.append(name)
            filecache.kept(app.doctreedir, kind, entry, lambda folder: None)
    if any_problem:
        app.config.bibtex_bibfiles = replaced
        app.config.bibtex_encoding = "utf-8"


def setup(app):
    app.connect("builder-inited", check_bibfiles, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
