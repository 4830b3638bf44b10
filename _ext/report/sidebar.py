"""The website's sidebar navigation, rendered once per folder instead of once per page.

pydata-sphinx-theme (under sphinx-book-theme) builds the sidebar of every page
from Sphinx's whole toctree: it copies the tree, resolves it for the page,
renders it to HTML and parses that again with BeautifulSoup. The work per page
grows with the number of chapters, so a build grows with their square
(sphinx-doc/sphinx#7223, pydata-sphinx-theme#364, sphinx-book-theme#561).

The sidebars of two pages in the same folder differ only in which entry is
the current page: its item carries ``current active``, its link ``current``
and ``href="#"``, and the list holding it ``current``. So the theme's sidebar
is rendered for the first page of each folder, that page's marks are taken
off, and every other page of the folder gets a copy with its own entry
marked. Where the rendered sidebar holds anything else (a second level, two
current entries, a page not found exactly once) the theme renders that page
itself, as before: the pages are byte-identical either way.
"""

from __future__ import annotations

import posixpath
import re

from sphinx.application import Sphinx

CURRENT_ITEM = '<li class="toctree-l1 current active"><a class="current reference internal" href="#">'
ITEM = '<li class="toctree-l1"><a class="reference internal" href="{}">'
CURRENT_LIST = '<ul class="current nav bd-sidenav">'
LIST = '<ul class="nav bd-sidenav">'
# A class that marks the current page, anywhere.
MARK = re.compile(r'class="[^"]*\bcurrent\b')


def _unmarked(html: str, href: str) -> str | None:
    """HTML with the current page's marks taken off, or None if it is not that simple."""
    if "toctree-l2" in html or html.count(CURRENT_ITEM) > 1 or html.count(CURRENT_LIST) > 1:
        return None
    html = html.replace(CURRENT_ITEM, ITEM.format(href)).replace(CURRENT_LIST, LIST)
    return None if MARK.search(html) else html


def _marked(html: str, href: str, listed: bool) -> str | None:
    """HTML with the page at HREF marked current; None if that cannot be done safely."""
    item = ITEM.format(href)
    found = html.count(item)
    if found == 0 and not listed:
        return html  # a page the sidebar does not list (search, index, 404)
    if found != 1:
        return None
    at = html.index(item)
    start = html.rfind(LIST, 0, at)
    if start < 0:
        return None
    html = html[:at] + CURRENT_ITEM + html[at + len(item):]
    return html[:start] + CURRENT_LIST + html[start + len(LIST):]


def cache_sidebar(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give the page ``report_sidebar``, which _templates/sbt-sidebar-nav.html calls
    instead of the theme's ``generate_toctree_html``. It looks that function up
    when called: the theme puts it into the context after this handler, and
    renders the sidebar in its own handler right after (pydata-sphinx-theme's
    update_and_remove_templates)."""
    if app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    cache: dict = app.builder.__dict__.setdefault("_report_sidebars", {})
    if "listed" not in cache:  # the pages some toctree includes, once a build
        cache["listed"] = {doc for children in app.env.toctree_includes.values() for doc in children}
    folder = posixpath.dirname(pagename)
    uri = app.builder.get_target_uri(pagename)
    href = posixpath.relpath(uri, posixpath.dirname(uri) or ".")
    listed = pagename in cache["listed"]

    def sidebar(**kwargs) -> str:
        key = (folder, tuple(sorted(kwargs.items())))
        if key in cache:
            marked = _marked(cache[key], href, listed)
            if marked is not None:
                return marked
        # The theme returns a BeautifulSoup tree, which the template prints as its text.
        html = str(context["generate_toctree_html"](**kwargs))
        if key not in cache and (neutral := _unmarked(html, href)) is not None:
            cache[key] = neutral
        return html

    context["report_sidebar"] = sidebar


def setup(app: Sphinx):
    # Before pydata-sphinx-theme's handlers (500), which render the sidebar.
    app.connect("html-page-context", cache_sidebar, priority=450)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
