"""The EPUB's cover page and title page.

Why it exists: a book in a store opens on its cover and then a title page
(title, subtitle, author, version, rights, and the credit the embedded Korean
font's licence asks for). Neither is a document of the report: the website
has no use for them, so they are not sources but pages this module renders
from ``templates/epub3/`` (``cover.xhtml.jinja`` shows the image named by
``epub_cover``). They are written before the package document lists the
book's files, so they get their place in the manifest like any page, and
report.epub puts them first in the spine, the guide and the landmarks.

R021 warns when a document would be overwritten by one of them.
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.template import SphinxRenderer

from report import epubfonts, epubpages
from report.cover import cover_text

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates" / "epub3"
COVER_PAGE = "cover.xhtml"
TITLE_PAGE = "titlepage.xhtml"


def write_front_pages(builder, credit_font: bool) -> dict[str, epubpages.PageFacts]:
    """Write the cover page (if there is a cover image) and the title page; return their facts."""
    for page in (COVER_PAGE, TITLE_PAGE):
        docname = page.removesuffix(builder.out_suffix)
        if docname in builder.env.all_docs:
            logger.warning(
                f"R021 document {docname!r} has the name of the EPUB's generated {page}, "
                "which would replace it; rename the document",
                location=(docname, 1), type="report", subtype="R021",
            )
    renderer = SphinxRenderer([str(TEMPLATES)])
    renderer.env.keep_trailing_newline = True
    config = builder.config
    title, subtitle, author = cover_text(config)
    esc = html.escape
    common = {"lang": esc(config.epub_language), "title": esc(title)}
    outdir = Path(builder.outdir)
    facts = {}
    if builder.report_cover:
        alt = _("Cover: %(title)s, by %(author)s") % {
            "title": f"{title}: {subtitle}" if subtitle else title, "author": author}
        page = renderer.render("cover.xhtml.jinja", {
            **common, "image": esc(builder.report_cover), "alt": esc(alt)})
        facts[COVER_PAGE] = _write(outdir, COVER_PAGE, page, korean=False)
    publisher = config.epub_publisher
    credit = str(_(epubfonts.FONT_CREDIT)) if credit_font else ""
    page = renderer.render("titlepage.xhtml.jinja", {
        **common, "subtitle": esc(subtitle or ""), "author": esc(author),
        "publisher": esc(publisher) if publisher and publisher != author else "",
        "version_label": esc(_("Version")), "release": esc(config.release),
        "rights": esc(config.epub_copyright), "font_css": epubfonts.FONT_CSS,
        # In the edition's language where its catalog has the sentence,
        # else in English, and marked as such.
        "font_credit": esc(credit),
        "font_credit_lang": "en" if credit == epubfonts.FONT_CREDIT else config.epub_language,
    })
    facts[TITLE_PAGE] = _write(outdir, TITLE_PAGE, page)
    return facts


def _write(outdir: Path, name: str, page: str, korean: bool = True) -> epubpages.PageFacts:
    path = outdir / name
    path.write_text(page, encoding="utf-8")
    return epubpages.finish_front_page(path, name, korean=korean)
