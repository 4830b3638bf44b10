"""report.simpleselect: the theme's CSS selectors are matched without compiling
soupsieve's selector parser, with soupsieve's answers.

On a small root with the book's theme (a sidebar two levels deep, pages with
sections): a build with the extension compiles no selector; the theme alone
compiles them (so the check can fail); both soups give the same elements for
every selector the theme uses, on the pages built and on every tag of them.
An EPUB build, which uses no theme of pydata-sphinx-theme's, imports neither
BeautifulSoup nor the theme.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pydata_sphinx_theme.toctree
import pytest
import soupsieve.css_parser
from bs4 import BeautifulSoup, Tag

from helpers import ROOT, clean_env
from report import simplesoup

# sphinx-book-theme 1.4 reads a transform's `app`, which Sphinx 9 deprecates;
# the book's own builds run in a process of their own and never show it here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:'sphinx_book_theme._transforms.HandleFootnoteTransform.app' is deprecated")

# What pydata-sphinx-theme asks (toctree.py): "li.toctree-l<N> > details" for each
# level the sidebar opens (show_navbar_depth, 3 in the root), the others as written.
THEME = ["li", ".toc-h1", ".toc-h2", "li.toctree-l1 > details",
         "details > a.reference", "details > p.caption"]
# Not of the simple shape: left to soupsieve.
OTHERS = ["ul li", "a[href]", "li:first-child", "li.a.b", "#main", "*", "LI", "ul ~ p", ""]


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """Every selector soupsieve is asked to compile (its cache included)."""
    asked: list[str] = []
    original = soupsieve.css_parser._cached_css_compile

    def spy(pattern, *args, **kwargs):
        asked.append(pattern)
        return original(pattern, *args, **kwargs)

    monkeypatch.setattr(soupsieve.css_parser, "_cached_css_compile", spy)
    return asked


def build(make_app, rootdir: Path, tmp_path: Path, extensions: list[str]) -> Path:
    srcdir = tmp_path / "selectors"
    shutil.copytree(rootdir / "test-simpleselect", srcdir)
    app = make_app("html", srcdir=srcdir, confoverrides={"extensions": extensions})
    app.build()
    assert not app.warning.getvalue(), app.warning.getvalue()
    return Path(app.outdir)


def test_a_website_build_compiles_no_selector(make_app, rootdir, tmp_path, compiled) -> None:
    outdir = build(make_app, rootdir, tmp_path, ["myst_parser", "report.simpleselect"])
    assert compiled == [], f"soupsieve compiled {sorted(set(compiled))}"
    page = (outdir / "one.html").read_text(encoding="utf-8")
    # The theme did find what it looks for: collapsible entries and sections.
    assert "<details" in page and "toc-h2" in page


# In a process of its own: this one has imported them all above.
IMPORTED_BY = """
import sys
from sphinx.cmd.build import build_main
code = build_main(["-q", "-b", sys.argv[1], sys.argv[2], sys.argv[3]])
print(code, *sorted(m for m in ("bs4", "soupsieve", "pydata_sphinx_theme") if m in sys.modules))
"""


def imported_by_a_build(builder: str, rootdir: Path, tmp_path: Path) -> list[str]:
    srcdir = tmp_path / "selectors"
    shutil.copytree(rootdir / "test-simpleselect", srcdir)
    run = subprocess.run([sys.executable, "-c", IMPORTED_BY, builder, str(srcdir), str(tmp_path / builder)],
                         capture_output=True, text=True, check=True, env=clean_env(PYTHONPATH=str(ROOT / "_ext")))
    code, *modules = run.stdout.split()
    assert code == "0", run.stderr
    return modules


def test_an_epub_build_imports_no_soup(rootdir, tmp_path) -> None:
    assert imported_by_a_build("epub", rootdir, tmp_path) == []


def test_a_website_build_imports_the_soup_it_patches(rootdir, tmp_path) -> None:
    """The check above can fail: the same root's website does import them."""
    assert imported_by_a_build("html", rootdir, tmp_path) == ["bs4", "pydata_sphinx_theme", "soupsieve"]


def test_the_theme_alone_compiles_selectors(make_app, rootdir, tmp_path, compiled, monkeypatch) -> None:
    monkeypatch.setattr(pydata_sphinx_theme.toctree, "BeautifulSoup", BeautifulSoup)
    build(make_app, rootdir, tmp_path, ["myst_parser"])
    assert set(compiled) >= {"li", ".toc-h1"}, compiled


def test_same_elements_as_soupsieve(make_app, rootdir, tmp_path, monkeypatch) -> None:
    """Each time the theme selects in a build, soupsieve is asked too, on the
    same tree at the same moment: the same tags, in the same order."""
    asked: dict[str, int] = {}
    differ: list[str] = []

    def checked(ours, theirs):
        def select(self, selector, *args, **kwargs):
            mine, expected = ours(self, selector, *args, **kwargs), theirs(self, selector, *args, **kwargs)
            if isinstance(mine, list):
                mine, expected = [id(t) for t in mine], [id(t) for t in expected]
            else:
                mine, expected = id(mine), id(expected)
            asked[selector] = asked.get(selector, 0) + bool(expected)
            if mine != expected:
                differ.append(f"{selector} from <{self.name}>")
            return ours(self, selector, *args, **kwargs)
        return select

    for cls in (simplesoup.SimpleSelectTag, simplesoup.SimpleSelectSoup):
        monkeypatch.setattr(cls, "select", checked(simplesoup.SimpleSelectTag.select, Tag.select))
        monkeypatch.setattr(cls, "select_one", checked(simplesoup.SimpleSelectTag.select_one, Tag.select_one))
    build(make_app, rootdir, tmp_path, ["myst_parser", "report.simpleselect"])
    assert not differ, differ
    assert {s for s, hits in asked.items() if hits} >= set(THEME), f"never matched anything: {asked}"


@pytest.mark.parametrize("selector", OTHERS)
def test_other_selectors_are_left_to_soupsieve(selector: str) -> None:
    assert simplesoup.parse(selector) is None
    html = '<ul id="main"><li class="a b">x</li><li>y</li></ul><p>z</p>'
    if selector:
        theirs, ours = BeautifulSoup(html, "html.parser"), simplesoup.SimpleSelectSoup(html, "html.parser")
        assert [str(t) for t in ours.select(selector)] == [str(t) for t in theirs.select(selector)]
