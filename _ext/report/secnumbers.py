"""The report's chapter and section numbers where Sphinx's HTML writer does not print them.

The "Report" toctree in index.md is ``:numbered:``: Sphinx numbers its
chapters and their sections (1 … 6, 4.3 …), and the HTML writer prints the
numbers in the headings, the contents lists, the sidebar, the previous/next
links and the page title, on the website and in the EPUB. The PDF numbers the
same documents itself (report.latex numbers only those under ``chapters/``).
Two places take a title's text without its number; this module gives them the
number, so "see 4.3" finds 4.3 wherever the reader is:

- sphinx-book-theme's print heading (``pagetitle``), set from the title's text;
- the EPUB's navigation document and NCX, whose entries Sphinx's EPUB builder
  takes as the text of the contents' links (report.epub calls ``prefix``).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def prefix(number, suffix: str) -> str:
    """The printed form of a section number, as the HTML writer prints it ("4.3. ")."""
    return ".".join(map(str, number)) + suffix if number else ""


def number_print_title(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """sphinx-book-theme's print-only heading carries the page's number too."""
    number = app.env.toc_secnumbers.get(pagename, {}).get("")
    if number and context.get("pagetitle"):
        context["pagetitle"] = prefix(number, app.config.html_secnumber_suffix) + context["pagetitle"]


def setup(app: Sphinx):
    # After sphinx-book-theme sets pagetitle from the title's text (priority 500).
    app.connect("html-page-context", number_print_title, priority=600)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
