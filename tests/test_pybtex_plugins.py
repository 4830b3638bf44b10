"""report.pybtex_plugins: pybtex finds every backend the report asks for
without scanning the installed packages' entry points.

Each scan reads every package's metadata (about 9 ms in the test
virtualenv); report.citefields renders each name and field of each entry with
the "text" backend, and once that lookup fell through to the scan, an edited
chapter cost 7.5 s instead of 1.8 s.
"""

from __future__ import annotations

import sys

import pytest
from helpers import ROOT

sys.path.insert(0, str(ROOT / "_ext"))


@pytest.mark.parametrize("name", ["plaintext", "text"])
def test_backends_are_found_without_an_entry_point_scan(name: str, monkeypatch) -> None:
    import pybtex.plugin

    from report import citefields, pybtex_plugins

    pybtex_plugins.setup(None)

    def scan(*args, **kwargs):
        raise AssertionError(f"pybtex scanned the entry points to find the {name!r} backend")

    monkeypatch.setattr(pybtex.plugin, "entry_points", scan)
    assert pybtex.plugin.find_plugin("pybtex.backends", name).__module__ == "pybtex.backends.plaintext"
    assert citefields.plain("``People's'' {Korea}") == "\u201cPeople\u2019s\u201d Korea"


def test_the_check_sees_a_scan(monkeypatch) -> None:
    """A backend nobody registered is looked up by a scan: the stub above sees it."""
    import pybtex.plugin

    def scan(*args, **kwargs):
        raise AssertionError("scan")

    monkeypatch.setattr(pybtex.plugin, "entry_points", scan)
    with pytest.raises(AssertionError, match="scan"):
        pybtex.plugin.find_plugin("pybtex.backends", "markdown")


def test_other_plugins_are_found_in_one_reading_of_the_entry_points(monkeypatch) -> None:
    """The docutils backend, the styles' parts and sphinxcontrib-bibtex's
    referencing styles: one reading of the installed packages for all."""
    import importlib.metadata

    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin

    from report import pybtex_plugins

    pybtex_plugins.setup(None)
    readings = []
    original = importlib.metadata.entry_points

    def reading(**kwargs):
        readings.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(importlib.metadata, "entry_points", reading)
    pybtex_plugins.installed_entry_points.cache_clear()
    pybtex_plugins.entry_points.cache_clear()
    found = [pybtex.plugin.find_plugin(group, name).__module__ for group, name in (
        ("pybtex.backends", "docutils"), ("pybtex.style.names", "plain"), ("pybtex.style.names", "last"),
        ("pybtex.style.labels", "number"), ("pybtex.style.sorting", "none"))]
    found.append(sphinxcontrib.bibtex.plugin.find_plugin("sphinxcontrib.bibtex.style.referencing", "foot").__module__)
    assert found == ["pybtex_docutils", "pybtex.style.names.plain", "sphinxcontrib.bibtex.style.names.last",
                     "pybtex.style.labels.number", "pybtex.style.sorting.none",
                     "sphinxcontrib.bibtex.style.referencing.foot"]
    assert len(readings) == 1, f"the installed entry points were read {len(readings)} times"


# Every character latexcodec treats specially without a command, beside
# ordinary ones, Latin and Hangul.
FUZZ_ALPHABET = [*"ab {}-'`,?!$~%\\\n\t.^_&#<>", "é", "한", "  "]


def test_a_field_that_skips_the_lexer_is_its_own_decoding() -> None:
    """The shortcut is taken only where latexcodec would return the text
    unchanged: checked on 200,000 random strings of its special characters
    (a fixed seed, so a failure repeats)."""
    import codecs
    import random

    from report.pybtex_plugins import REWRITTEN

    rng = random.Random(20261203)
    wrong = []
    for _ in range(200_000):
        text = "".join(rng.choice(FUZZ_ALPHABET) for _ in range(rng.randint(1, 8)))
        if not REWRITTEN.search(text) and codecs.decode(text, "ulatex") != text:
            wrong.append(text)
    assert not wrong, f"taken as unchanged, but latexcodec rewrites: {wrong[:10]}"


def test_most_of_the_bibliography_skips_the_lexer() -> None:
    from pybtex.database import parse_file

    from report.pybtex_plugins import REWRITTEN

    values = set()
    for entry in parse_file(ROOT / "references.bib").entries.values():
        values.update(entry.fields.values())
        values.update(str(person) for persons in entry.persons.values() for person in persons)
    lexed = sorted(value for value in values if REWRITTEN.search(value))
    assert len(lexed) < len(values) / 10, f"{len(lexed)} of {len(values)} values go through the lexer: {lexed[:10]}"
