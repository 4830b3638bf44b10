#!/usr/bin/env python3
"""Fail when a LaTeX log shows a defect that still produced a PDF.

XeLaTeX exits 0 when a font lacks a glyph (it only logs "Missing character")
and when a reference is undefined, so the exit code proves nothing. Usage:
check-latex-log.py FILE.log; prints each problem as log:line and exits 1.
"""

import re
import sys
from pathlib import Path

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


def problems(log: Path) -> list[str]:
    found = []
    text = log.read_text(encoding="utf-8", errors="replace")
    for number, line in logical_lines(text):
        for pattern, what in PROBLEMS:
            if match := pattern.search(line):
                found.append(f"{log}:{number}: {what}: {match.group(0)}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = problems(Path(argv[1]))
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
