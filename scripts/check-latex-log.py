#!/usr/bin/env python3
"""Read a LaTeX log: its errors where an author can act on them, and the
defects that still produced a PDF.

latexmk -silent only says "see the log", and TeX's log buries its message
among font and page reports; a failed PDF build therefore prints, for each
error (R060), TeX's own message with the line of the log, the context line
TeX shows (``l.812 \\foo``), the .tex line and the source document: the
nearest ``\\label{\\detokenize{<docname>:…}}`` before that line, which
Sphinx writes at the start of every document and every section:

    report.log:1105: LaTeX error: Undefined control sequence. (l.90 \\foo) in
    chapters/03-key-issues.md (near .tex line 90) [R060]

XeLaTeX also exits 0 when a font lacks a glyph (it only logs "Missing
character") and when a reference is undefined, so the exit code proves
nothing; those are reported too, as log:line. So is every box more than 1pt
wider (or taller) than its space (R061): a line that runs into the margin, a
URL past the page's edge. TeX names the lines of the file it was reading;
when that is the .tex, the source document is named as for R060:

    report.log:2091: overfull \\hbox 195.99pt too wide (paragraph at lines
    1748--1750 of report.tex) in backmatter/references.md [R061]

The build runs this after every latexmk, failed or not.

Usage: check-latex-log.py [--srcdir DIR] FILE.log [FILE.log ...]
(DIR: the Sphinx source folder, to name documents by their file; the
project's by default.) Exit 1 when anything was found.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBLEMS = [
    (re.compile(r"Missing character: There is no (.+?) in font (.+?)!"), "missing glyph"),
    (re.compile(r"LaTeX Warning: Reference `([^']*)' on page \d+ undefined"), "undefined reference"),
    (re.compile(r"LaTeX Warning: Citation `([^']*)' on page \d+ undefined"), "undefined citation"),
    (re.compile(r"LaTeX Warning: There were undefined references"), "undefined references"),
    (re.compile(r"LaTeX Warning: Label `([^']*)' multiply defined"), "duplicate label"),
    (re.compile(r"pdfTeX warning \(dest\): name\{([^}]*)\} has been referenced but does not exist"), "link without destination"),
]

# TeX breaks log lines at this many characters (max_print_line), so a long
# message continues on the next line and must be joined before matching.
MAX_PRINT_LINE = 79

# "! Undefined control sequence." (TeX's default) or, with -file-line-error,
# "./report.tex:812: Undefined control sequence."
ERROR = re.compile(r"^! (?P<message>.*)$|^(?:\./)?(?P<file>[^\s:]+\.\w+):(?P<line>\d+): (?P<fmessage>.*)$")
CONTEXT = re.compile(r"^l\.(\d+) ?(.*)$")
# Not errors of their own: what TeX adds after the first one when it gives up.
AFTERMATH = re.compile(r"^(Emergency stop\.|\s*==> Fatal error occurred|Fatal error occurred)")
LABEL = re.compile(r"\\label\{\\detokenize\{([^}:]*):")
SUFFIXES = (".md", ".rst", ".ipynb", ".txt")

# "Overfull \hbox (43.97533pt too wide) in paragraph at lines 1475--1477",
# "… detected at line 12", "Overfull \vbox (3.0pt too high) has occurred while
# \output is active"; TeX then shows the box's contents down to a blank line.
OVERFULL = re.compile(r"^Overfull \\(?P<box>[hv]box) \((?P<size>[\d.]+)pt too (?P<way>wide|high)\) "
                      r"(?P<where>.*)$")
BOX_DUMP = re.compile(r"^(Overfull|Underfull|Tight|Loose) \\[hv]box")
LINES = re.compile(r"(?:in paragraph|in alignment) at lines (\d+)--(\d+)|detected at line (\d+)")
# TeX writes "(" and the file's name when it opens a file and ")" when it
# closes it: the innermost named file is the one TeX is reading.
FILE_PAREN = re.compile(r"\((?P<file>[^\s()]+\.[A-Za-z]\w*)?|\)")
#: Overfull boxes up to this wide are not seen in print.
OVERFULL_TOLERANCE = 1.0
# The files LaTeX reads besides the .tex, which Sphinx's Makefile writes.
WRITTEN = {".ind": "the index", ".toc": "the table of contents", ".aux": "the .aux file"}


def logical_lines(text: str):
    """(first line number, message) with TeX's hard line breaks undone."""
    start, parts = 1, []
    for number, line in enumerate(text.splitlines(), start=1):
        if not parts:
            start = number
        parts.append(line)
        if len(line.encode("utf-8")) < MAX_PRINT_LINE and len(line) < MAX_PRINT_LINE:
            yield start, "".join(parts)
            parts = []
    if parts:
        yield start, "".join(parts)


def source_of(tex_lines: list[str], number: int, srcdir: Path) -> str:
    """Where .tex line NUMBER came from: the source document, or the part of
    the LaTeX document that no document wrote."""
    begin = next((i for i, line in enumerate(tex_lines, 1) if line.startswith(r"\begin{document}")), None)
    if begin is None or number < begin:
        return "the preamble (latex_elements in conf.py, report.latexsettings)"
    for line in reversed(tex_lines[:number]):
        if (labels := LABEL.findall(line)) and labels[-1]:
            docname = labels[-1]
            for suffix in SUFFIXES:
                if (srcdir / f"{docname}{suffix}").is_file():
                    return f"{docname}{suffix}"
            return f"document {docname!r}"
    return "the title page or contents (latex_elements in conf.py, report.latexsettings)"


def errors(log: Path, lines: list[tuple[int, str]], srcdir: Path) -> list[str]:
    """TeX's errors in LOG, each with its context and source (R060)."""
    tex = log.with_suffix(".tex")
    tex_lines = tex.read_text(encoding="utf-8", errors="replace").splitlines() if tex.is_file() else []
    found = []
    for index, (number, line) in enumerate(lines):
        if not (match := ERROR.match(line)):
            continue
        message = match["message"] if match["message"] is not None else match["fmessage"]
        if AFTERMATH.match(message) and found:
            continue
        # A package's explanation follows on lines that start with its name:
        # "(fontspec)  …".
        if package := re.match(r"Package (\S+) Error", message):
            for _, more in lines[index + 1:index + 6]:
                if not more.startswith(f"({package[1]})"):
                    break
                message += " " + more[len(package[1]) + 2:].strip()
        tex_line, context = (int(match["line"]), "") if match["file"] else (None, "")
        for _, after in lines[index + 1:index + 15]:
            if ERROR.match(after):
                break
            if seen := CONTEXT.match(after):
                tex_line, context = int(seen[1]), after.rstrip()
                break
        where = ""
        if tex_line is not None and 0 < tex_line <= len(tex_lines) and (
                match["file"] is None or Path(match["file"]).name == tex.name):
            shown = CONTEXT.match(context)[2].lstrip(".").strip() if context else ""
            # l.NNN counts lines of whichever file TeX was reading (the .aux,
            # a .sty…): only a line that holds the context is the .tex's.
            if not shown or shown in tex_lines[tex_line - 1]:
                where = f" in {source_of(tex_lines, tex_line, srcdir)} (near .tex line {tex_line})"
        context = f" ({context})" if context else ""
        found.append(f"{log}:{number}: LaTeX error: {message}{context}{where} [R060]")
    return found


def reading(lines: list[tuple[int, str]]):
    """(number, line, file TeX was reading there): parentheses in a box's
    contents, which TeX shows after its warning, are the text's, not files'."""
    stack: list[str | None] = []
    in_box = False
    for number, line in lines:
        current = next((name for name in reversed(stack) if name), None)
        yield number, line, current
        if BOX_DUMP.match(line):
            in_box = True
            continue
        if in_box:
            in_box = bool(line.strip())
            continue
        for match in FILE_PAREN.finditer(line):
            if match[0] == ")":
                if stack:
                    stack.pop()
            else:
                stack.append(match["file"])


def overfull_boxes(log: Path, lines: list[tuple[int, str]], srcdir: Path) -> list[str]:
    """Every box wider or taller than its space by more than 1pt (R061)."""
    tex = log.with_suffix(".tex")
    tex_lines = None
    found = []
    for number, line, current in reading(lines):
        if not (match := OVERFULL.match(line)) or float(match["size"]) <= OVERFULL_TOLERANCE:
            continue
        where, source = match["where"], ""
        if (at := LINES.search(where)) and current:
            first = int(at[1] or at[3])
            if Path(current).name == tex.name:
                if tex_lines is None:
                    tex_lines = (tex.read_text(encoding="utf-8", errors="replace").splitlines()
                                 if tex.is_file() else [])
                source = f" in {source_of(tex_lines, first, srcdir)}" if tex_lines else ""
            else:
                source = f" in {WRITTEN.get(Path(current).suffix, Path(current).name)}"
            where = f"{where.replace(at[0], at[0].replace('in ', '', 1))} of {Path(current).name}"
        found.append(f"{log}:{number}: overfull \\{match['box']} {float(match['size']):.2f}pt too "
                     f"{match['way']} ({where}){source} [R061]")
    return found


def problems(log: Path, srcdir: Path = ROOT) -> list[str]:
    text = log.read_text(encoding="utf-8", errors="replace")
    lines = list(logical_lines(text))
    found = errors(log, lines, srcdir) + overfull_boxes(log, lines, srcdir)
    for number, line in lines:
        for pattern, what in PROBLEMS:
            if match := pattern.search(line):
                found.append(f"{log}:{number}: {what}: {match.group(0)}")
    return found


def main(argv: list[str]) -> int:
    args, srcdir = argv[1:], ROOT
    if args[:1] == ["--srcdir"] and len(args) > 1:
        srcdir, args = Path(args[1]), args[2:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    found = []
    for name in args:
        log = Path(name)
        if not log.is_file():
            found.append(f"{log}: no LaTeX log (did xelatex run?)")
            continue
        found += problems(log, srcdir)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
