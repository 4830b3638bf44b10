"""The report's identity: report.toml, read and validated in one place.

Title, author, version, identifiers and addresses end up in file names, URLs,
EPUB metadata and LaTeX. Read in several places, a mistake in the file became
a KeyError or a broken path far from its cause; read with sed, a valid TOML
file (single quotes) was not understood at all. So every reader (conf.py, the
extension, scripts/build.py and scripts/dist.py behind make, the tests) asks
this module, and a mistake is refused here in one line that names the file,
the line and the key:

R050  report.toml cannot be read, is not UTF-8, or is not valid TOML
R051  a required key is missing (from the top or from a translation's table)
R052  a value has the wrong type
R053  a value is not in the form its key needs (version like 1.2.3, ISO date,
      urn:uuid: identifier, https address ending in /, slug, language code)
R054  a translation's table has a key that a translation cannot set

It needs nothing but the standard library, so make or a shell script can ask
it for a value with the system's python3, before the virtualenv exists:

    python3 _ext/report/identity.py slug       # prints us-south-korea-relations
    python3 _ext/report/identity.py ko.title   # a translation's value
    python3 _ext/report/identity.py --editions # en, then each translation

A list prints one item a line. An invalid file: the one-line message on
stderr and exit status 2.
"""

from __future__ import annotations

import copy
import os
import re
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

# What each key must be: its type and form (a module of its own).
if __package__ in (None, ""):  # run as a script (below): this folder is on the path
    import identityforms as forms
else:
    from . import identityforms as forms

#: The repository's report.toml.
DEFAULT = Path(__file__).resolve().parents[2] / "report.toml"

#: The keys a translation's table (``[ko]``) may give; each is required there,
#: since a translation is a publication of its own (its own identifier).
TRANSLATED = ("title", "subtitle", "author", "publisher", "description", "identifier", "base_url")


class IdentityError(Exception):
    """report.toml is unusable; the message is one line naming the file and line."""


# -- Where a key is -------------------------------------------------------------------

_TABLE = re.compile(r"""\s*\[\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*\]\s*(#.*)?$""")
_KEY = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*(.*)$""")


def key_lines(text: str) -> dict[tuple[str, str], int]:
    """{(table, key): line} for the simple layout report.toml has (tables of
    plain keys); "" is the top level. Lines inside multi-line strings are
    skipped, so a description cannot be mistaken for a key."""
    found: dict[tuple[str, str], int] = {}
    table, closing = "", None
    for number, line in enumerate(text.splitlines(), start=1):
        if closing:
            if closing in line:
                closing = None
            continue
        if header := _TABLE.match(line):
            table = header.group(1).strip("\"'")
            continue
        if assignment := _KEY.match(line):
            found.setdefault((table, assignment.group(1).strip("\"'")), number)
            value = assignment.group(2)
            for quotes in ('"""', "'''"):
                if value.startswith(quotes) and value.count(quotes) == 1:
                    closing = quotes
    return found


def shown(path: Path) -> str:
    """The file as a person running the build would type it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def line_of(path: Path | None, key: str, table: str = "") -> int | None:
    """The line on which KEY (in TABLE; "" the top level) is set, if it is."""
    try:
        text = Path(path or DEFAULT).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return key_lines(text).get((table, key))


# -- Reading -------------------------------------------------------------------------

def _parse(data: bytes, name: str) -> tuple[dict, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise IdentityError(f"{name}:{line}: R050 not UTF-8 "
                            f"(byte 0x{data[error.start]:02x}); save the file as UTF-8") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        # tomllib says "Invalid value (at line 3, column 11)"; the line goes in front.
        message = str(error)
        if at := re.search(r" \(at line (\d+), column (\d+)\)$", message):
            line, reason = int(at.group(1)), f"{message[:at.start()]} (column {at.group(2)})"
        else:
            line = text.count("\n") + (not text.endswith("\n"))
            reason = re.sub(r" \(at end of document\)$", " at the end of the file", message)
        raise IdentityError(f"{name}:{line}: R050 not valid TOML: {reason}") from None


def _check(report: dict, table: str, keys, lines: dict, name: str) -> None:
    """Types and forms of KEYS in REPORT (the top level, or TABLE's values)."""
    prefix = f"{table}." if table else ""
    for key in keys:
        if key not in report:
            raise IdentityError(f"{name}: R051 required key '{prefix}{key}' is missing")
        at = f"{name}:{lines[(table, key)]}" if (table, key) in lines else name
        wanted, form = forms.FORMS[key]
        value = report[key]
        if key == "date_of_information" and type(value) is date:
            # A TOML date (no quotes) means the same; everything downstream reads strings.
            value = report[key] = value.isoformat()
        if not isinstance(value, wanted) or (
                wanted is list and not all(isinstance(item, str) and item.strip() for item in value)):
            raise IdentityError(f"{at}: R052 '{prefix}{key}' must be {forms.TYPE_NAMES[wanted]}"
                                f", not {_describe(value)}")
        if form and (problem := form(value)):
            raise IdentityError(f"{at}: R053 '{prefix}{key}' {value!r} {problem}")


def _describe(value) -> str:
    if isinstance(value, list):
        return "a list with an empty item or a non-string" if value else "an empty list"
    return {str: "a string", bool: "true/false", int: "a number", float: "a number", dict: "a table",
            date: "a date", datetime: "a date and time"}.get(type(value), type(value).__name__)


def load(path: Path | None = None) -> dict:
    """report.toml (the repository's by default) as a dict, validated.

    Translations are the tables (``[ko]``); ``date_of_information`` is always
    a string ``YYYY-MM-DD``. Raises IdentityError with a one-line message.
    """
    path = Path(path or DEFAULT)
    name = shown(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IdentityError(f"{name}: R050 cannot be read: {error.strerror}") from None
    # conf.py and the extension's hooks ask within one build: parse once.
    key = (str(path.resolve()), data)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = _validated(data, name)
    return copy.deepcopy(_LOADED[key])


#: The last file validated, by (path, contents).
_LOADED: dict[tuple, dict] = {}


def _validated(data: bytes, name: str) -> dict:
    report, text = _parse(data, name)
    lines = key_lines(text)
    _check(report, "", forms.FORMS, lines, name)
    for table, values in report.items():
        if not isinstance(values, dict):
            continue
        header = next((n for n, line in enumerate(text.splitlines(), 1)
                       if (m := _TABLE.match(line)) and m.group(1).strip("\"'") == table), None)
        if problem := forms.language(table):
            raise IdentityError(f"{name}:{header}: R053 table [{table}] {problem} "
                                "(a translation's table is named by its language)")
        if table == report["language"]:
            raise IdentityError(f"{name}:{header}: R053 table [{table}] is the original "
                                "language; its values belong at the top of the file")
        for key in values:
            if key not in TRANSLATED:
                line = lines.get((table, key), header)
                raise IdentityError(f"{name}:{line}: R054 '{table}.{key}' cannot be set for a "
                                    f"translation; it may set {', '.join(TRANSLATED)}")
        missing = [key for key in TRANSLATED if key not in values]
        if missing:
            raise IdentityError(f"{name}:{header}: R051 required key '{table}.{missing[0]}' "
                                f"is missing from [{table}]")
        _check(values, table, TRANSLATED, lines, name)
    return report


def editions(report: dict) -> list[str]:
    """The original language first, then each translation (a table named by its language)."""
    return [report["language"], *sorted(k for k, v in report.items() if isinstance(v, dict))]


def stop(error: IdentityError) -> None:
    """End sphinx-build with ERROR's one line.

    Sphinx 9 answers any exception from conf.py, its own ConfigError included,
    with a page of versions, a traceback and a request to report a bug in
    Sphinx; an author's typo in report.toml deserves one line. conf.py is run
    inside Sphinx's handler (which turns even SystemExit into that page), so
    the process ends here, before Sphinx has written anything.
    """
    sys.stdout.flush()
    print(error, file=sys.stderr, flush=True)
    os._exit(2)


# -- Command line --------------------------------------------------------------------

def main(argv: list[str]) -> int:
    usage = "usage: identity.py [--file report.toml] (KEY | TABLE.KEY | --editions)"
    path = None
    if argv[:1] == ["--file"] and len(argv) >= 2:
        path, argv = Path(argv[1]), argv[2:]
    if len(argv) != 1:
        print(usage, file=sys.stderr)
        return 2
    try:
        report = load(path)
    except IdentityError as error:
        print(error, file=sys.stderr)
        return 2
    if argv[0] == "--editions":
        value = editions(report)
    else:
        value = report
        for part in argv[0].split("."):
            if not isinstance(value, dict) or part not in value:
                print(f"{shown(Path(path or DEFAULT))}: no key {argv[0]!r}", file=sys.stderr)
                return 2
            value = value[part]
    if isinstance(value, dict):
        print(f"{shown(Path(path or DEFAULT))}: {argv[0]!r} is a table; ask for one of its keys",
              file=sys.stderr)
        return 2
    for item in value if isinstance(value, list) else [value]:
        print(item)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
