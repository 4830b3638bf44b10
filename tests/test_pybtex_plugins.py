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
