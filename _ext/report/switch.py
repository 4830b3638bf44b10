"""Link every page of the website to the same page in the other editions.

The report is published in English and in Korean (docs/korean-edition.md),
two builds of the same sources with the same page names. Readers switch
between them from any page: the primary sidebar lists the editions by their
own names (``English``, ``한국어``), the current one marked, each other one a
link to the page the reader is on (``_templates/report-language.html``).
Every page also names its counterparts for search engines
(``<link rel="alternate" hreflang>``, at their hosted addresses).

Where the other edition is depends on where the site is read, so the links
are made for one of three layouts (``report_edition_links``):

``relative``  local builds, as the Makefile lays them out side by side:
              English in ``_build/html``, Korean in ``_build/ko/html``, so
              ``chapters/02-current-state.html`` links to
              ``../../ko/html/chapters/02-current-state.html`` (and back with
              ``../../../html/…``), which works from the file system and from
              any server that serves ``_build/``. Only an edition already
              built there is linked so: a plain ``make book`` builds English
              alone, and its switch leads to the hosted Korean edition
              instead of pages that do not exist;
``hosted``    the editions' own addresses: on Read the Docs (the default
              there) each translation is served from the same domain under
              its language (``/en/latest/`` ⇄ ``/ko/latest/``), taken from
              ``READTHEDOCS_CANONICAL_URL``; elsewhere from report.toml's
              ``base_url`` of each edition. Releases use it (scripts/dist.py):
              an unpacked website zip has no sibling edition beside it.
(empty)       ``hosted`` on Read the Docs, ``relative`` everywhere else.

The reader's place goes along: a script in the template carries the page's
query and fragment over (``search.html?q=x``, ``#defense-costs``: the
editions share their section ids).

The 404 page has no counterpart: its switch leads to the other edition's
first page, and it names no alternates.
"""

from __future__ import annotations

import html
import os
import posixpath
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import _

from .edition import edition_of, load_report
from .identity import editions

#: Each language's name for itself, as the switch shows it.
NAMES = {"en": "English", "ko": "한국어"}
LAYOUTS = ("", "relative", "hosted")


def build_folder(language: str, original: str) -> str:
    """Where the Makefile puts an edition's website, relative to the build folder."""
    return "html" if language == original else f"{language}/html"


def hosted_root(config: Config, report: dict, language: str) -> str:
    """The hosted address of the edition in LANGUAGE."""
    canonical = os.environ.get("READTHEDOCS_CANONICAL_URL")
    if canonical:
        # Read the Docs serves translations as /<language>/<version>/ on one domain.
        parts = urlsplit(canonical)
        segments = parts.path.split("/")
        if config.language in segments:
            segments[segments.index(config.language)] = language
            return urlunsplit(parts._replace(path="/".join(segments)))
    return edition_of(report, language)["base_url"]


def built_beside(app: Sphinx, language: str, original: str) -> bool:
    """Whether the edition in LANGUAGE is published in this build folder."""
    # The doctree cache is <builddir>/doctrees, or <builddir>/<language>/doctrees.
    out = Path(app.doctreedir).parent
    root = out if app.config.language == original else out.parent
    return (root / build_folder(language, original) / "index.html").is_file()


def find_editions(app: Sphinx, config: Config) -> None:
    """config-inited: the other editions' roots, as links from this edition's root."""
    report = load_report(app.confdir)
    layout = config.report_edition_links or (
        "hosted" if os.environ.get("READTHEDOCS_CANONICAL_URL") else "relative")
    if layout not in LAYOUTS:
        raise ValueError(f"report_edition_links must be one of {LAYOUTS[1:]}, not {layout!r}")
    original = report["language"]
    here = build_folder(config.language, original)
    found = []
    for language in editions(report):
        hosted = hosted_root(config, report, language) if language != config.language else config.html_baseurl
        if language == config.language:
            link = ""
        elif layout == "relative" and built_beside(app, language, original):
            link = posixpath.relpath(build_folder(language, original), here) + "/"
        else:
            link = hosted
        found.append((language, NAMES.get(language, language), link, hosted))
    config.report_editions = found


def add_switch(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name != "html" or len(app.config.report_editions) < 2:
        return
    missing = pagename == "404"
    page = app.builder.get_target_uri("index" if missing else pagename)
    switch, alternates = [], []
    for language, name, link, hosted in app.config.report_editions:
        current = language == app.config.language
        if current:
            url = ""
        elif urlsplit(link).scheme:
            url = link + page
        else:
            # From this page up to the edition's root, then into the other one.
            url = context["pathto"](link + page, 1)
        switch.append({"language": language, "name": name, "url": url, "current": current})
        alternates.append(f'<link rel="alternate" hreflang="{language}" '
                          f'href="{html.escape(hosted + page)}" />')
    context["report_editions"] = switch
    context["report_editions_label"] = _("Language")
    # A missing page's query and fragment mean nothing on the other's first page.
    context["report_editions_carry"] = not missing
    if not missing:
        context["metatags"] = context.get("metatags", "") + "".join(f"{tag}\n" for tag in alternates)


def setup(app: Sphinx):
    app.setup_extension("report.edition")
    # "relative", "hosted" or empty (hosted on Read the Docs, relative elsewhere).
    app.add_config_value("report_edition_links", "", "html", types=frozenset({str}))
    # Filled in at config-inited, never by hand; "html" makes a change rewrite every page.
    app.add_config_value("report_editions", [], "html", types=frozenset({list}))
    # After report.edition (300), which sets html_baseurl for a translation.
    app.connect("config-inited", find_editions, priority=600)
    app.connect("html-page-context", add_switch)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
