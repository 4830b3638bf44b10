"""Give each edition the identity and typography of its language.

The Korean edition (docs/korean-edition.md) is built from the same sources as
the English one with ``-D language=ko``: that is how Read the Docs builds a
translation project, and what ``make … LANGUAGE=ko`` passes. conf.py runs
before that override is applied, so it can only describe the original
(English) edition. This module runs at ``config-inited``, once
``config.language`` is final, and makes every setting that depends on the
language follow it:

- identity: a translation takes title, subtitle, author, publisher,
  description, identifier and hosted address from its table in report.toml
  (``[ko]``), and everything conf.py derives from them follows (HTML title,
  EPUB metadata, the cover's text that report.cover draws, the sharing card's
  alt text, the 404 page's prefix, the ``{{ title }}`` substitutions, dates in
  the language's format);
- the PDF's title page, metadata and typography, from the same values
  (report.latexsettings).

The strings this module and the rest of the extension print (title-page
phrases, date format, labels) are translated like Sphinx's own messages, from
``_ext/report/locales/<lang>/LC_MESSAGES/sphinx.po`` (``locale_dirs`` in
conf.py).

R040  the language has no table in report.toml: the edition would carry the
      original's title and identifier
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.i18n import format_date

from report import identity, latexsettings
from report.hangul import is_korean

logger = logging.getLogger(__name__)

#: The fields a translation's table in report.toml may give.
IDENTITY = identity.TRANSLATED
editions = identity.editions


def load_report(confdir: str | os.PathLike) -> dict:
    """report.toml beside conf.py, validated (report.identity)."""
    try:
        return identity.load(Path(confdir) / "report.toml")
    except identity.IdentityError as error:
        # conf.py has refused the file already when it reads it; this is for
        # projects whose conf.py does not (the test roots).
        raise ConfigError(str(error)) from None


def edition_of(report: dict, language: str) -> dict:
    """report.toml as the edition in LANGUAGE sees it."""
    if language == report["language"]:
        return report
    return {**report, **{k: v for k, v in report.get(language, {}).items() if k in IDENTITY}}


def is_translation(config: Config) -> bool:
    return config.language != config.report_original_language


def edition_suffix(config: Config) -> str:
    """'' for the original, '-ko' for the Korean edition: file names of downloads and releases."""
    return f"-{config.language}" if is_translation(config) else ""


def long_date(config: Config, day: date) -> str:
    """A date as the edition writes it ("25 November 2026", "2026년 11월 25일")."""
    return format_date(str(_("%d %B %Y")), date=day, language=config.language)


# -- Identity ---------------------------------------------------------------------

def apply_identity(config: Config, report: dict) -> None:
    """A translation's title, author … and everything conf.py derives from them."""
    edition = edition_of(report, config.language)
    title, subtitle, author = edition["title"], edition["subtitle"], edition["author"]
    config.project = config.html_title = config.epub_title = title
    config.author = config.epub_author = config.epub_contributor = author
    config.epub_publisher = edition["publisher"]
    config.epub_description = edition["description"]
    config.epub_identifier = edition["identifier"]
    config.report_subtitle = subtitle
    config.copyright = (
        f"{report['date_of_information'][:4]}, {author}. {_('Text licensed %s') % report['licence']}")
    config.epub_copyright = f"© {config.copyright}"
    # Read the Docs gives each translation its own canonical URL (/ko/latest/),
    # which conf.py already took from the environment.
    if not os.environ.get("READTHEDOCS_CANONICAL_URL"):
        config.html_baseurl = edition["base_url"]
    config.ogp_site_url = config.html_baseurl
    config.ogp_image_alt = f"{title}: {subtitle}"
    # The search field's placeholder is a theme option, never translated by the theme.
    config.html_theme_options = {**config.html_theme_options,
                                 "search_bar_text": str(_("Search..."))}
    config.today_fmt = config.html_last_updated_fmt = str(_(config.today_fmt))
    config.myst_substitutions = {
        **config.myst_substitutions, "title": title, "subtitle": subtitle, "author": author,
        "date_of_information": long_date(config, date.fromisoformat(report["date_of_information"])),
    }
    config.latex_elements = {**config.latex_elements, "releasename": str(_("Version"))}


# -- Hook -------------------------------------------------------------------------

def apply_edition(app: Sphinx, config: Config) -> None:
    report = load_report(app.confdir)
    config.report_original_language = report["language"]
    if is_translation(config):
        if config.language not in report:
            # A location without a line would be taken for a document name,
            # which Sphinx cannot look up before the environment exists.
            toml = Path(app.confdir).resolve() / "report.toml"
            logger.warning(
                f"R040 report.toml has no [{config.language}] table: the {config.language!r} "
                "edition would carry the original's title and identifier; add the table "
                "(docs/korean-edition.md)",
                location=f"{toml}:{identity.line_of(toml, 'language') or 1}",
                type="report", subtype="R040",
            )
        apply_identity(config, report)
    latexsettings.apply_latex(config, report, edition_of(report, config.language))
    # The build date the colophon shows ({sub-ref}`today`), fixed once a build.
    # Sphinx would work it out from SOURCE_DATE_EPOCH as it reads each
    # document, and keep it in the document's cache: after a new commit (a
    # new date) an incremental build published the old date. As a setting of
    # kind "env", a new date has the documents read again.
    if not config.today:  # as Sphinx's DefaultSubstitutions works it out
        config.today = format_date(config.today_fmt or _("%b %d, %Y"), language=config.language)


def setup(app: Sphinx):
    # Set from report.toml at config-inited; "env" so that a change rebuilds.
    app.add_config_value("report_original_language", "en", "env", types=frozenset({str}))
    # Before report.site (which names the downloads) and Sphinx's own handlers.
    app.connect("config-inited", apply_edition, priority=300)
    app.setup_extension("report.latexsettings")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
