"""The report's own citation, in every form a reader or a catalog asks for.

A reader who cites the report needs the same facts in several shapes: a
formatted reference (Chicago author-date, as the report's own reference
list), BibTeX and RIS for reference managers, Highwire ``citation_*`` tags
for Google Scholar, and CITATION.cff for the repository. All of them are
written here from one record, made from report.toml through report.identity,
so none can say another title, version, date or address than the book does.
Typed by hand, the About page's citation had already lost the version.

The date of a citation is ``date_of_information``, the only date report.toml
gives an edition; the build's date would make the citation change with every
commit.

Standard library only, so a shell can write CITATION.cff without the
virtualenv:

    python3 _ext/report/citation.py cff > CITATION.cff
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):
    # Run as a script: the package is one folder up.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import identity  # noqa: E402

#: The folder of the website that holds the .bib and .ris files (beside
#: downloads/, which only ever holds the PDF and EPUB of the build).
FOLDER = "cite"
#: Babel's names, which biblatex's langid expects.
LANGIDS = {"en": "english", "ko": "korean"}
CFF_COMMAND = "python3 _ext/report/citation.py cff > CITATION.cff"


@dataclass(frozen=True)
class Citation:
    key: str
    author: str
    publisher: str
    title: str
    version: str
    date: str
    language: str
    url: str
    pdf_url: str
    description: str
    licence: str
    stem: str

    @property
    def year(self) -> str:
        return self.date[:4]


def edition(report: dict, language: str) -> dict:
    """report.toml as the edition in LANGUAGE reads it (report.edition's
    edition_of, without Sphinx)."""
    if language == report["language"]:
        return report
    return {**report, **{k: v for k, v in report.get(language, {}).items() if k in identity.TRANSLATED}}


def readthedocs_download(url: str, kind: str) -> str | None:
    """Read the Docs' address of the KIND ("pdf", "epub") it builds of the
    edition and version hosted at URL, or None for a site hosted elsewhere.

    Read the Docs serves each format of each version at
    /_/downloads/<language>/<version>/<kind>/ on the project's host; the
    hosted site has no downloads/ folder of its own (docs/website.md).
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.netloc.endswith((".readthedocs.io", ".readthedocs-hosted.com")) and len(segments) >= 2:
        prefix = "".join(f"/{s}" for s in segments[:-2])
        path = f"{prefix}/_/downloads/{segments[-2]}/{segments[-1]}/{kind}/"
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


def hosted_pdf(url: str, stem: str) -> str:
    """The PDF of the edition and version hosted at URL: Read the Docs' own,
    or the downloads/ of the website as built on any other host."""
    return readthedocs_download(url, "pdf") or f"{url}downloads/{stem}.pdf"


def of(report: dict, language: str | None = None, url: str | None = None) -> Citation:
    """The citation of the edition in LANGUAGE (the original by default),
    hosted at URL (the edition's base_url by default)."""
    language = language or report["language"]
    values = edition(report, language)
    suffix = "" if language == report["language"] else f"-{language}"
    url = url or values["base_url"]
    stem = f"{report['slug']}-{report['version']}{suffix}"
    return Citation(
        key=f"{report['slug']}{suffix}", author=values["author"], publisher=values["publisher"],
        title=f"{values['title']}: {values['subtitle']}", version=report["version"],
        date=report["date_of_information"], language=language, url=url,
        pdf_url=hosted_pdf(url, stem), description=" ".join(values["description"].split()),
        licence=report["licence"], stem=stem)


# -- Formatted -------------------------------------------------------------------------

def chicago(c: Citation, version_label: str = "Version") -> list[tuple[str, str]]:
    """Chicago author-date, as (kind, text) runs: "text", "title" (italic), "url".

    Hangul has no italic (docs/korean-edition.md): the Korean edition's title
    is a book title in 『…』, as Korean style marks one."""
    title = ("text", f"『{c.title}』") if c.language == "ko" else ("title", c.title)
    return [("text", f"{c.author}. {c.year}. "), title,
            ("text", f". {c.publisher}. {version_label} {c.version}. "), ("url", c.url), ("text", ".")]


def chicago_text(c: Citation, version_label: str = "Version") -> str:
    return "".join(text for _kind, text in chicago(c, version_label))


# -- BibTeX ------------------------------------------------------------------------------

_BIB_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bib(text: str) -> str:
    # Values are text, never markup: "Peace & Prosperity" stays as written.
    return re.sub(r"[\\{}&%$#_~^]", lambda m: _BIB_ESCAPES[m.group()], text)


#: Columns a line of the entry may take: the PDF sets a code line of 77
#: columns whole (the url line) and broke one of 80 with LaTeX's continuation
#: marks (␣ … ↪), which a reader copying the entry would paste into the title.
BIBTEX_WIDTH = 77


def _columns(text: str) -> int:
    """Columns TEXT takes in a code font: a Hangul or other wide character two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _field(name: str, width: int, value: str) -> str:
    """`name = {value}`, the value broken at spaces onto lines of BIBTEX_WIDTH
    columns at most, each continuation under the value's first character
    (BibTeX reads a line break in a value as a space)."""
    head = f"  {name.ljust(width)} = {{"
    words = f"{value}}}".split(" ")
    lines = [head + words[0]]
    for word in words[1:]:
        if _columns(f"{lines[-1]} {word}") > BIBTEX_WIDTH:
            lines.append(" " * len(head) + word)
        else:
            lines[-1] += f" {word}"
    return "\n".join(lines)


def bibtex(c: Citation, kind: str = "Policy report") -> str:
    """A @techreport entry (BibTeX's own type, which biblatex reads as @report).

    The author is a name of its own, not a person: braced twice, so no style
    turns it into "contributors, T. U. R.". The URL is left as written (url
    fields are verbatim)."""
    fields = [
        ("author", f"{{{_bib(c.author)}}}"),
        ("title", f"{{{_bib(c.title)}}}"),
        ("institution", _bib(c.publisher)),
        ("type", _bib(kind)),
        ("year", c.year),
        ("date", c.date),
        ("version", _bib(c.version)),
        ("url", c.url),
        ("langid", LANGIDS.get(c.language, c.language)),
    ]
    width = max(len(name) for name, _value in fields)
    # A URL has no spaces, so the url field (read verbatim) is never broken.
    body = ",\n".join(_field(name, width, value) for name, value in fields)
    return f"@techreport{{{c.key},\n{body},\n}}\n"


# -- RIS ---------------------------------------------------------------------------------

def ris(c: Citation) -> str:
    """RIS, as reference managers import it: CRLF line ends, "TY  - " tags."""
    tags = [
        ("TY", "RPRT"), ("AU", c.author), ("TI", c.title), ("PY", c.year),
        ("DA", c.date.replace("-", "/")), ("PB", c.publisher), ("ET", c.version),
        ("UR", c.url), ("L1", c.pdf_url), ("LA", c.language), ("AB", c.description),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in tags)


# -- Highwire (Google Scholar) ---------------------------------------------------------

def highwire(c: Citation) -> list[tuple[str, str]]:
    """(name, content) of the citation_* meta tags; one citation_author a name."""
    return [
        ("citation_title", c.title),
        ("citation_author", c.author),
        # Google Scholar reads dates as YYYY/MM/DD.
        ("citation_publication_date", c.date.replace("-", "/")),
        ("citation_language", c.language),
        ("citation_publisher", c.publisher),
        ("citation_technical_report_institution", c.publisher),
        ("citation_pdf_url", c.pdf_url),
        ("citation_public_url", c.url),
        ("citation_abstract_html_url", c.url),
    ]


# -- CITATION.cff ------------------------------------------------------------------------

def _spdx(licence: str) -> str:
    # "CC BY 4.0" → "CC-BY-4.0"; the schema's list of SPDX ids refuses anything else.
    return "-".join(licence.split())


def cff(report: dict) -> str:
    """CITATION.cff (CFF 1.2.0) for the original edition.

    Every string is written as a JSON string, which YAML reads as a
    double-quoted scalar: no value can turn into a number, a date or a key.
    """
    c = of(report)

    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    keywords = "".join(f"\n  - {q(s)}" for s in report["subjects"])
    return f"""\
# Written from report.toml by {CFF_COMMAND}
# (tests/test_citable.py fails when the two disagree): edit report.toml, not this file.
cff-version: "1.2.0"
message: "If you cite this report, please cite it as below."
title: {q(c.title)}
authors:
  - name: {q(c.author)}
version: {q(c.version)}
date-released: {q(c.date)}
url: {q(c.url)}
license: {q(_spdx(c.licence))}
abstract: {q(c.description)}
keywords:{keywords}
identifiers:
  - type: other
    value: {q(report['identifier'])}
    description: "The identifier of the English edition (its EPUB's dc:identifier)."
preferred-citation:
  type: report
  title: {q(c.title)}
  authors:
    - name: {q(c.author)}
  publisher:
    name: {q(c.publisher)}
  year: {int(c.year)}
  date-published: {q(c.date)}
  version: {q(c.version)}
  url: {q(c.url)}
  languages:
    - {q(c.language)}
  license: {q(_spdx(c.licence))}
"""


def main(argv: list[str]) -> int:
    if argv != ["cff"]:
        print(f"usage: {CFF_COMMAND}", file=sys.stderr)
        return 2
    try:
        report = identity.load()
    except identity.IdentityError as error:
        print(error, file=sys.stderr)
        return 2
    sys.stdout.write(cff(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
