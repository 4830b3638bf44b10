"""report.bibmemo: the bibliography is formatted again only when what it is
formatted from changed (the .bib file, the entries it lists), and a
formatting that warned is formatted (and warns) again on the next build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinxcontrib.bibtex.domain import BibtexDomain

from helpers import replace_once, text_of


@pytest.fixture
def formattings(monkeypatch) -> list[str]:
    """Each time sphinxcontrib-bibtex formats a bibliography: the keys it formats."""
    calls: list[str] = []
    original = BibtexDomain.get_formatted_entries

    def counted(self, *args, **kwargs):
        found = list(original(self, *args, **kwargs))
        calls.append(",".join(entry.key for entry, _, _ in found))
        return found

    monkeypatch.setattr(BibtexDomain, "get_formatted_entries", counted)
    return calls


def listed(app) -> list[str]:
    from lxml import html

    page = html.parse(str(Path(app.outdir) / "references.html"))
    return [text_of(item) for item in page.xpath("//div[contains(@class, 'citation')]")]


@pytest.fixture
def project(rootdir, tmp_path) -> Path:
    """A private copy of the root: the tests edit it between builds."""
    srcdir = tmp_path / "bibmemo"
    shutil.copytree(rootdir / "test-bibmemo", srcdir)
    return srcdir


def build(make_app, project: Path):
    """A new application on PROJECT, as a new sphinx-build run: the environment
    of the last build is read back from its doctrees."""
    app = make_app("html", srcdir=project)
    app.build()
    return app


def test_the_bibliography_is_formatted_once_per_version_of_its_inputs(project, make_app, formattings) -> None:
    app = build(make_app, project)
    assert formattings == ["one"]
    first = listed(app)
    assert any("The First Book" in entry for entry in first), first

    # A paragraph edited: the same entries of the same file, not formatted again.
    replace_once(project / "text.md", "A claim", "A claim, edited,")
    again = build(make_app, project)
    assert formattings == ["one"] and listed(again) == first

    # The .bib file edited: formatted again, with the new title.
    replace_once(project / "refs.bib", "The First Book", "The First Edited Book")
    again = build(make_app, project)
    assert formattings == ["one", "one"]
    assert any("The First Edited Book" in entry for entry in listed(again)), listed(again)

    # Another entry cited: formatted again, both listed.
    replace_once(project / "text.md", "{cite:p}`one`", "{cite:p}`one,two`")
    again = build(make_app, project)
    assert formattings[-1] == "one,two"
    assert len(listed(again)) == 2


def test_a_formatting_that_warned_warns_again(project, make_app, formattings) -> None:
    build(make_app, project)
    # The plain style needs a book's title (sphinxcontrib-bibtex reads the
    # .bib file when the application starts, so the edit comes between two).
    replace_once(project / "refs.bib", "  title = {The First Book},\n", "")
    warned = build(make_app, project)
    assert "title" in warned.warning.getvalue(), warned.warning.getvalue()
    # Its warning must come back on every build: that formatting is not kept.
    replace_once(project / "text.md", "A claim", "A claim, edited,")
    again = build(make_app, project)
    assert len(formattings) == 3
    assert "title" in again.warning.getvalue(), again.warning.getvalue()


def test_each_entry_is_formatted_once_for_the_list_and_its_tooltip(project, make_app, monkeypatch) -> None:
    """report.citestyle: sphinxcontrib-bibtex asks the style for each entry
    twice (the list, the citations' tooltips); it is formatted once."""
    from lxml import html

    from report.citestyle import AuthorDateStyle

    formatted: list[str] = []
    original = AuthorDateStyle._format

    def counted(self, label, entry):
        formatted.append(entry.key)
        return original(self, label, entry)

    monkeypatch.setattr(AuthorDateStyle, "_format", counted)
    replace_once(project / "text.md", "{cite:p}`one`", "{cite:p}`one,two`")
    app = make_app("html", srcdir=project, confoverrides={
        "extensions": ["myst_parser", "sphinxcontrib.bibtex", "report.bibmemo", "report.citestyle"],
        "bibtex_default_style": "report", "bibtex_reference_style": "report"})
    app.build()
    assert sorted(formatted) == ["one", "two"], f"formatted: {formatted}"
    # The tooltip is the list's entry, word for word.
    page = html.parse(str(Path(app.outdir) / "text.html"))
    tooltips = page.xpath("//a[contains(@class, 'reference')]/@title")
    assert len(tooltips) == 2 and all(t in " ".join(listed(app)) for t in tooltips), (tooltips, listed(app))
