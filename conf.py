"""Sphinx configuration: settings only. Behaviour lives in _ext/report/."""

import os
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

# -- Project ------------------------------------------------------------------
# report.toml is the one place for title, author, version and identifiers;
# report.identity validates it, and a mistake ends the build in one line.
from report import identity  # noqa: E402  (on the path just above)

try:
    REPORT = identity.load(HERE / "report.toml")
except identity.IdentityError as error:
    identity.stop(error)

project = REPORT["title"]
author = REPORT["author"]
version = release = REPORT["version"]
DATE_OF_INFORMATION = date.fromisoformat(REPORT["date_of_information"]).strftime("%-d %B %Y")
language = REPORT["language"]
copyright = f"{REPORT['date_of_information'][:4]}, {author}. Text licensed {REPORT['licence']}"
# Dates printed in the outputs follow SOURCE_DATE_EPOCH (set by the Makefile
# from the last commit), so two builds of one commit are identical.
today_fmt = "%d %B %Y"

# -- General ------------------------------------------------------------------
extensions = [
    "myst_parser",
    "report.pybtex_plugins",  # speed: pybtex's plugins looked up once (before sphinxcontrib.bibtex asks)
    "report.gcfreeze",  # speed: the collector leaves what lives as long as the build alone
    "sphinxcontrib.bibtex",
    "report.fontcheck",  # each font the build names is installed, else one line names its package
    # Title, metadata and PDF typography follow -D language=ko (docs/korean-edition.md).
    "report.edition",
    "report.i18n",  # unique ids in translated pages
    "report.search",  # a search language for Korean, which Sphinx lacks
    "report.bibmemo",  # speed: the bibliography formatted again only when its inputs change
    "report.citestyle",  # author–date citations and list (bibtex_*_style = "report")
    "report.citelinks",  # citations and entries linked both ways; the website's popover
    "report.templatecache",  # speed: the theme's templates compiled once, not every build
    "report.keptpages",  # speed: unchanged pages copied from the last published website
    "report.hangul",
    "report.sections",
    # Chapter and section numbers in the EPUB's contents and the print heading.
    "report.secnumbers",
    "report.guards",
    "report.cover",
    "report.epub",
    "report.latex",
    "report.genindex",  # the website's and EPUB's index filed as the PDF's (report.indexkeys)
    "report.pdfmeta",  # the PDF's XMP metadata, which XeLaTeX does not write
    "report.timeline",
    # The report's own citation: the colophon's, citation_* tags, .bib and .ris.
    "report.citable",
    # The website: sharing metadata, sitemap, 404 page, downloads (docs/website.md).
    "sphinxext.opengraph",
    "sphinx_sitemap",
    "report.notfound",  # the 404 page, styled at any address (docs/website.md)
    "report.site",
    "report.sidebar",  # speed: the sidebar rendered once per folder, not once per page
    "report.simpleselect",  # speed: the theme's simple CSS selectors matched without soupsieve's parser
    "report.downloads",  # the whole report as PDF and EPUB, from every page
    # Every page links to the same page in the other edition (English ⇄ 한국어).
    "report.switch",
]
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build", ".venv", "dist", "docs", "tests", "README.md", "CHANGELOG.md",
    "LICENSE*", ".pytest_cache", "bench",
    # Read the Docs writes its outputs inside the checkout (docs/hosting.md).
    "_readthedocs",
]
# Nitpicky: every cross-reference must resolve (the Makefile also passes -n).
nitpicky = True
# Section labels come from explicit (label)= targets only, never file paths.
suppress_warnings: list[str] = []
# Figures and tables are numbered in every format, so {numref} can cite them.
numfig = True

# -- MyST -----------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "smartquotes", "substitution"]
# {{ name }} in the text (the colophon, the title page) comes from report.toml.
myst_substitutions = {
    key: REPORT[key]
    for key in ("title", "subtitle", "author", "version", "licence", "licence_url")
} | {"date_of_information": DATE_OF_INFORMATION}

# -- Required structure (report.sections) ---------------------------------------
report_required_sections = "required_sections.yml"

# -- Bibliography ---------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
# Author–date, one alphabetical list, "2025a"/"2025b" where needed (report.citestyle).
bibtex_default_style = "report"
bibtex_reference_style = "report"

# -- Timeline (report.timeline) ---------------------------------------------------
# One row an event, each with its source's bibliography key; the figure and
# the table in backmatter/timeline.md are drawn from it.
report_timeline_data = "data/timeline.csv"

# -- HTML output ------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = REPORT["title"]
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", REPORT["base_url"])
html_static_path = ["_static"]
html_last_updated_fmt = today_fmt
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    # The sidebar is rebuilt for every page, so its cost grows with the square
    # of the chapters; collapsing leaves out sub-pages of other chapters (the
    # book has none: same HTML) and cuts that cost by a fifth (docs/performance.md).
    "collapse_navbar": True,
    # No header bar above the book: the search field is in the sidebar already.
    "navbar_persistent": [],
}
# Light or dark as the reader's system says; unset, the theme logs a console error.
html_context = {"default_mode": "auto"}
# The theme's sidebar plus the editions (report.switch), the whole-book
# downloads (report.site) and the citation files (report.citable).
html_sidebars = {"**": ["navbar-logo.html", "report-language.html", "icon-links.html",
                        "search-button-field.html", "sbt-sidebar-nav.html",
                        "report-downloads.html", "report-cite.html"]}
html_css_files = ["site.css", ("print.css", {"media": "print"})]
html_favicon = "_static/favicon.svg"
# Sharing (sphinxext-opengraph): one card image for every page, drawn by report.site.
ogp_site_url = html_baseurl
ogp_image = "_static/card.png"
ogp_image_alt = f"{REPORT['title']}: {REPORT['subtitle']}"
ogp_social_cards = {"enable": False}
# sitemap.xml lists the reading pages at their canonical URLs.
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
# No hreflang alternates in the sitemap: sphinx-sitemap derives them from
# locale_dirs and the URL scheme and would point "ko" at the English pages;
# each page names its other edition itself (report.switch).
sitemap_locales = [None]

# -- LaTeX output -----------------------------------------------------------------
# Korean text needs a Unicode engine: pdflatex has no Hangul.
latex_engine = "xelatex"
latex_documents = [
    (root_doc, f"{REPORT['slug']}.tex", REPORT["title"], author, "manual", True),
]
latex_toplevel_sectioning = "chapter"
latex_show_urls = "footnote"
latex_show_pagerefs = False
# makeindex, not xindy (Sphinx's default for xelatex): Read the Docs runs
# latexmk without Sphinx's Makefile, which is what sets XINDYOPTS, so xindy
# fails there and the hosted PDF loses its index (readthedocs/readthedocs.org
# #5476). The index's entries are English; makeindex needs no options.
latex_use_xindy = False
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # openany: chapters start on the next page, not the next odd one, so the
    # PDF has no blank filler pages.
    "extraclassoptions": "openany,oneside",
    # Hangul is set in its own font by report.hangul ({\hangulfont …}), so
    # Latin punctuation never falls into the CJK font (the kotex problem).
    # The KR face of the Noto CJK collection, with Korean OpenType rules (it
    # shares one CFF table with the other faces, so pdffonts names it "jp").
    "fontpkg": r"""
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
\newfontfamily\hangulfont{Noto Serif CJK KR}[Scale=MatchUppercase, Script=Hangul, Language=Korean]
""",
    "releasename": "Version",
    # The outline (bookmarks) numbers the chapters and sections as their
    # headings do ("4.3 Defense Costs"), as the website and the EPUB's
    # contents do; unnumbered chapters stay without a number.
    "passoptionstopackages": r"\PassOptionsToPackage{bookmarksnumbered}{hyperref}",
    # Figures stay where the text introduces them: the timeline, taller than
    # what is left of its page, floated four pages past its text.
    "figure_align": "H",
    # The title page and the PDF's metadata (title, author, subject, language)
    # follow the edition's language: report.edition writes them from report.toml.
    # The preamble's typography (where URLs break, the ragged-right reference
    # list, the index's font) is report.edition's TYPOGRAPHY, for both editions.
}

# -- EPUB output ------------------------------------------------------------------
epub_basename = REPORT["slug"]
epub_title = REPORT["title"]
epub_description = REPORT["description"]
epub_author = author
epub_publisher = REPORT["publisher"]
epub_contributor = author
# dc:rights and the title page's line carry the sign; Sphinx's site footer adds its own.
epub_copyright = f"© {copyright}"
epub_identifier = REPORT["identifier"]
epub_scheme = "URN"
epub_uid = "bookid"
# Links work in e-book readers; a footnote per link would be a stray "[#1]".
epub_show_urls = "no"
epub_exclude_files = ["search.html"]
# report.cover draws the cover at build time (_static/cover.png in every HTML
# and EPUB output; no image in the repository); report.epub adds the cover
# and title pages, accessibility metadata and a reproducible archive.
epub_cover = ("_static/cover.png", "")
report_subtitle = REPORT["subtitle"]
report_subjects = REPORT["subjects"]
# _static/epub.css replaces the epub theme's stylesheet of the same name; the
# site's CSS files stay out of the e-book.
epub_css_files: list[str] = []

# -- Translations (the Korean edition) --------------------------------------------
# One catalog per document (locales/ko/LC_MESSAGES/chapters/01-….po), so a change
# to one chapter touches one file; no source line numbers, so diffs stay small.
# The extension's own strings (title page, labels) and the theme's are in
# _ext/report/locales, as sphinx.po: Sphinx's message domain, which they extend.
locale_dirs = ["locales", "_ext/report/locales"]
gettext_compact = False
gettext_location = False
# Index entries are translated too, so the Korean book's index is in Korean.
gettext_additional_targets = ["index"]

# -- Link checking ----------------------------------------------------------------
linkcheck_timeout = 30
linkcheck_retries = 2
# Each entry says why the URL cannot be checked automatically.
linkcheck_ignore: list[str] = []
