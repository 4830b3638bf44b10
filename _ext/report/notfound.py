"""The website's 404 page, styled wherever it is served.

A host answers every missing address with ``404.html``, so the page is read
at addresses it cannot know when it is built: ``/en/latest/chapters/x`` on
Read the Docs, ``/404.html`` from ``python -m http.server`` in the build
folder, a ``file://`` path. Links made absolute under the hosted path (what
sphinx-notfound-page does) hold only under that path: anywhere else the page
lost its style sheets and scripts, and the browser logged each as an error.

So the page is written like any page at the top of the site, with relative
links, and a script first in its head gives it the address they are relative
to (``<base href>``): the hosted path when the address is under it; nothing
when the page is read as ``…/404.html`` itself (the relative links already
hold); the server's root otherwise. Its style sheets and scripts come after
the base as text the page's scripts write (``_templates/layout.html``), so
the browser's preload scanner cannot ask for them at the wrong address first.
A base moves links to ``#fragment`` off the page, so the script points them
back at the page being read.

The page offers a way home, a search field and, through report.switch, the
other edition's home page. Its title and text are in the edition's language.

Without JavaScript no base is set and the written style sheets never load: a
``<noscript>`` style sheet inside the page keeps it readable (no request, so
it holds at any address), and a second way home points at the hosted
edition's first page, the one address known when the page is built.
"""

from __future__ import annotations

import html
import json
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.locale import _

PAGENAME = "404"

BASE_SCRIPT = """<script>(function () {
  var prefix = %s, path = location.pathname, base;
  if (path.indexOf(prefix) === 0) base = prefix;
  else if (/\\/404\\.html$/.test(path)) return;
  else base = "/";
  document.write('<base href="' + base + '">');
  document.addEventListener("DOMContentLoaded", function () {
    var here = location.href.split("#")[0];
    document.querySelectorAll('a[href^="#"]').forEach(function (a) {
      a.setAttribute("href", here + a.getAttribute("href"));
    });
  });
})();</script>"""


# Read only when scripts are off: the theme's style sheets are then not loaded.
NOSCRIPT_STYLE = """<noscript><style>
body { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; font: 1.05rem/1.6 serif; }
.bd-sidebar-primary, .bd-sidebar-secondary, .header-article-items, .pst-js-only, #pst-back-to-top,
.prev-next-footer, .skip-link, .report-notfound-home, .report-notfound-search { display: none; }
</style></noscript>"""


def page_body(hosted_home: str = "") -> str:
    title = html.escape(str(_("Page not found")))
    text = html.escape(str(_("The page you asked for is not in this report. Use the search or the contents to find what you were looking for.")))
    home = html.escape(str(_("Go to the report's first page")))
    search = html.escape(str(_("Search the report")))
    return (f"<h1>{title}</h1>\n\n<p>{text}</p>\n\n"
            f'<p><a class="report-notfound-home" href="index.html">{home}</a></p>\n\n'
            + (f'<noscript><p><a class="report-notfound-hosted" href="{html.escape(hosted_home)}" rel="noopener">'
               f'{html.escape(hosted_home)}</a></p></noscript>\n\n' if hosted_home else "")
            + f'<form class="report-notfound-search" action="search.html" method="get" role="search">\n'
            f'<label for="report-notfound-q">{search}</label>\n'
            f'<input type="search" id="report-notfound-q" name="q" />\n'
            f'<button type="submit">{html.escape(str(_("Search")))}</button>\n</form>\n')


def collect_page(app: Sphinx):
    # Only the website at the top of its folder: an EPUB has no missing
    # addresses, and the page's links are written from the site's root.
    if app.builder.name != "html":
        return []
    hosted_home = app.config.html_baseurl.rstrip("/") + "/" if app.config.html_baseurl else ""
    return [(PAGENAME, {"title": str(_("Page not found")), "body": page_body(hosted_home)}, "page.html")]


def add_base_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The script _templates/layout.html writes first in the 404 page's head."""
    if pagename == PAGENAME and app.builder.name == "html":
        prefix = urlsplit(app.config.html_baseurl).path or "/"
        context["report_base_script"] = BASE_SCRIPT % json.dumps(prefix) + "\n" + NOSCRIPT_STYLE


def setup(app: Sphinx):
    app.connect("html-collect-pages", collect_page)
    app.connect("html-page-context", add_base_script)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
