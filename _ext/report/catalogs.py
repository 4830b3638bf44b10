"""R042: a translation catalog that is not valid PO is refused at its line.

Sphinx compiles each ``locales/<language>/LC_MESSAGES/**/*.po`` into a ``.mo``
with babel, which is lenient: a string missing its closing quote
(``msgstr "안녕``) is read with its last character cut off, the build exits 0
and the edition silently loses text; a line that is not PO at all is printed
as ``WARNING: Problem on line 7`` on standard output, with no file name and
without failing the build.

So before Sphinx compiles them (``builder-inited``; Sphinx compiles at the
start of ``build()``), every catalog of the edition being built
(``-D language=…``; the same files Sphinx's ``CatalogRepository`` finds in
``locale_dirs``) is checked, about a millisecond a file:

1. line by line against the PO syntax (blank, ``#`` comment, a keyword
   ``msgctxt``/``msgid``/``msgid_plural``/``msgstr``/``msgstr[n]`` followed by
   a quoted string, or a quoted continuation string; each string closed by an
   unescaped ``"`` with nothing after it), which babel does not check;
2. then with babel's ``read_po(..., abort_invalid=True)``, which refuses what
   the lines cannot show (a keyword out of place); its ``PoFileError.lineno``
   counts from 0, so 1 is added.

Each problem is reported as ``<file>.po:<line>: R042 <reason>``, and the
catalog is compiled here, quietly, so that babel's own message without a file
name is not printed as well. The English edition (no language) reads no
catalog and checks none.

``msgstr_line`` finds the line of a translated text in a catalog, so that
other checks (R010 in report.guards) can point at the ``.po`` a translated
paragraph came from instead of the chapter's line 1.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po, unescape
from sphinx.util import logging
from sphinx.util.i18n import CatalogRepository, docname_to_domain

logger = logging.getLogger(__name__)

KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?:\s+(.*))?")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def string_problem(text: str) -> str | None:
    """Why TEXT is not one quoted PO string (None if it is)."""
    if not text.startswith('"'):
        return f"expected a quoted string, found {text[:30]!r}"
    match = STRING.match(text)
    if match is None:
        return "missing closing quote"
    rest = text[match.end():].strip()
    if rest:
        return (f"text after the closing quote ({rest[:30]!r}); a quote inside "
                'the text is written \\"')
    return None


def syntax_problems(text: str) -> list[tuple[int, str]]:
    """(line, reason) for every line of TEXT that is not PO syntax."""
    problems = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword = KEYWORD.fullmatch(line)
        if keyword:
            problem = string_problem(keyword[2] or "")
            if problem:
                problems.append((number, f"{keyword[1]}: {problem}"))
        elif line.startswith('"'):
            problem = string_problem(line)
            if problem:
                problems.append((number, problem))
        else:
            problems.append((number, f"not a catalog line: {line[:40]!r} (expected "
                             "msgid, msgstr, a quoted string or a # comment)"))
    return problems


def catalog_problems(path: Path, encoding: str = "utf-8") -> list[tuple[int, str]]:
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return [(line, f"not {encoding.upper()} ({error.reason}, byte "
                       f"0x{data[error.start]:02x}); save the catalog as UTF-8")]
    problems = syntax_problems(text)
    if not problems:
        try:
            read_po(io.StringIO(text), abort_invalid=True)
        except PoFileError as error:
            problems.append((error.lineno + 1, f"{error}".rsplit(" on ", 1)[0]))
    return problems


def repository(app) -> CatalogRepository:
    return CatalogRepository(app.srcdir, app.config.locale_dirs, app.config.language,
                             app.config.source_encoding)


def edition_catalogs(app) -> list[Path]:
    return sorted(catalog.po_path for catalog in repository(app).catalogs)


def check_catalogs(app) -> None:
    if not app.config.language:
        return
    for catalog in sorted(repository(app).catalogs, key=lambda c: c.po_path):
        problems = catalog_problems(Path(catalog.po_path))
        for line, reason in problems:
            logger.warning(f"R042 {reason}", location=f"{catalog.po_path}:{line}",
                           type="report", subtype="R042")
        if problems and catalog.is_outdated():
            # Compile it now, as Sphinx is about to, but without babel's own
            # "WARNING: Problem on line …" on standard output, which names no
            # file: the R042 above says it better. Sphinx then finds it up to date.
            with contextlib.redirect_stdout(io.StringIO()):
                catalog.write_mo(app.config.language,
                                 app.config.gettext_allow_fuzzy_translations)


def po_path(app, docname: str) -> Path | None:
    """The catalog Sphinx translates DOCNAME from, if the edition has one."""
    domain = docname_to_domain(docname, app.config.gettext_compact)
    for path in edition_catalogs(app):
        if Path(path).with_suffix("").as_posix().endswith("/LC_MESSAGES/" + domain):
            return Path(path)
    return None


def msgstr_line(path: Path, needle: str) -> int | None:
    """The line of PATH's msgstr that contains NEEDLE: the line of the string
    holding it, or the msgstr's first line if NEEDLE spans two strings."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        keyword = KEYWORD.fullmatch(line.strip())
        if not keyword or not keyword[1].startswith("msgstr"):
            continue
        strings = [(number, keyword[2] or '""')]
        for following in range(number + 1, len(lines)):
            if not lines[following].strip().startswith('"'):
                break
            strings.append((following, lines[following].strip()))
        texts = [(n, unescape(q) if STRING.fullmatch(q) else q) for n, q in strings]
        for n, text in texts:
            if needle in text:
                return n + 1
        if needle in "".join(text for _, text in texts):
            return number + 1
    return None


def setup(app):
    app.connect("builder-inited", check_catalogs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
