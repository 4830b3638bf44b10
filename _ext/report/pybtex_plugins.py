"""Make pybtex's two slowest steps cheap for the report's bibliography.

**Plugin lookup.** sphinxcontrib-bibtex 2.7 resolves every ``{cite}`` role
with ``pybtex.plugin.find_plugin("pybtex.backends", "plaintext")`` (and
report.citefields renders every name and field with its alias, ``"text"``), and pybtex
0.26 answers each call by scanning the entry points of every installed package
(``importlib.metadata.entry_points``): about 3 ms a call in this virtualenv.
With the report's ~200 citations that is over half a second for each of the
html, epub and latex builders, and in a 100-chapter book 40% of the html build
(``make bench``; docs/performance.md). pybtex checks plugins registered at run
time before entry points, so registering the very class the entry point names
turns each lookup into a dictionary hit. The other plugins (the docutils
backend, the styles' names, labels and sorting, sphinxcontrib-bibtex's
referencing styles: a dozen lookups a build) are found in one reading of
the installed entry points, kept for the process: packages are not
installed while a build runs.

**LaTeX decoding.** Every field of every entry is decoded from LaTeX by
latexcodec's pure-Python lexer each time an entry is formatted, and
sphinxcontrib-bibtex formats every entry at least twice per build (the list
and the citation's tooltip), even when no source changed: about a quarter of
a second a build. The decoded text of a string never changes, so each
distinct string is decoded once per process; a field with nothing the
decoder rewrites (no command, comment, tie, maths, ligature of its table or
uneven space; braces, quotes and hyphens are left as they are) is its own
decoding and skips the lexer (all but 12 of the 514 distinct values in
references.bib).

The outputs do not change (the tests compare the references with a clean
build's).
"""

import codecs
import functools
import importlib.metadata
import re

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import pybtex.plugin
import pybtex.richtext
from pybtex.backends.plaintext import Backend
from pybtex.markup import LaTeXParser

# What latexcodec's decoder rewrites when there is no command: spaces at the
# start, in runs or other than a plain space (it normalises them), comments,
# ties, maths, and the ligatures of its table (--, ---, ``, '', ,,, ?`, !`).
# A field with none of these (braces, single quotes and hyphens included:
# most titles) decodes to itself, and skips the lexer.
REWRITTEN = re.compile(r"^\s|[\\%~$]|--|''|``|,,|[?!]`|[^\S ]| {2}")


@functools.lru_cache(maxsize=None)
def decode_latex(latex: str) -> str:
    if not REWRITTEN.search(latex):
        return latex
    return codecs.decode(latex, "ulatex")


def text_from_latex(cls, latex):
    # A new parse each call: the rich-text objects it returns are the caller's.
    return LaTeXParser(decode_latex(latex)).parse()


@functools.lru_cache(maxsize=None)
def installed_entry_points():
    return importlib.metadata.entry_points()


@functools.lru_cache(maxsize=None)
def entry_points(*, group: str, name: str):
    """pybtex's lookup of one plugin, from one reading of the installed packages."""
    return installed_entry_points().select(group=group, name=name)


def setup(app):
    # Before the registrations below, which look the names up too;
    # sphinxcontrib-bibtex's own plugins (its referencing styles) are found
    # the same way.
    pybtex.plugin.entry_points = entry_points
    import sphinxcontrib.bibtex.plugin  # after: importing the package looks plugins up

    sphinxcontrib.bibtex.plugin.entry_points = entry_points
    # force=True: the name is already an entry point; without it pybtex keeps
    # the slow path and returns False.
    # "text" is the same backend's alias, which report.citefields asks for.
    for name in ("plaintext", "text"):
        pybtex.plugin.register_plugin("pybtex.backends", name, Backend, force=True)
    pybtex.richtext.Text.from_latex = classmethod(text_from_latex)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
