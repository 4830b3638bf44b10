"""The theme's six CSS selectors matched without soupsieve's selector parser.

pydata-sphinx-theme (under sphinx-book-theme) finds parts of the sidebar and
of the page's contents with BeautifulSoup's ``select`` and ``select_one``:
``li``, ``.toc-h1``, ``.toc-h2``, ``li.toctree-l1 > details`` (a level per
depth), ``details > a.reference`` and ``details > p.caption``. BeautifulSoup
hands each selector to soupsieve, whose parser compiles its own regular
expressions the first time it parses one, case-insensitively over all of
Unicode: about 80 ms of every website build, a sixth of an edited chapter's
build, to match a tag name and a class.

The theme's module is given report.simplesoup's BeautifulSoup, whose tags
answer a selector of that shape (a tag name and a class, ``>`` between them)
by walking the tree themselves, in document order, as soupsieve does. The
pages are byte-identical (tests/test_simpleselect.py compares both answers on
the website's own sidebar and contents).

Only a build that loaded the theme imports BeautifulSoup: the EPUB and the
PDF use no theme of pydata-sphinx-theme's, and importing bs4, soupsieve and
the theme cost them about 0.1 s of start-up for nothing.
"""

from __future__ import annotations

import sys


def give_the_theme_simple_selectors(app) -> None:
    # The HTML builder loads its theme (and pydata-sphinx-theme with it) in
    # its init, before builder-inited; the EPUB's and LaTeX's themes are not it.
    toctree = sys.modules.get("pydata_sphinx_theme.toctree")
    if toctree is not None:
        from report.simplesoup import SimpleSelectSoup

        toctree.BeautifulSoup = SimpleSelectSoup


def setup(app):
    app.connect("builder-inited", give_the_theme_simple_selectors)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
