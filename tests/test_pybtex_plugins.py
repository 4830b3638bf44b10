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
