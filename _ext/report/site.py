"""The website's own behaviour: sharing metadata, safe links (the whole-book
downloads are report.downloads).

Sharing card. Links to the report shared on social sites show an image
(sphinxext-opengraph's ``og:image``). Rather than one matplotlib card per page
(the extension's default, seconds of build time), every page shares one
1200×630 card: the cover (report.cover) beside the title and subtitle, in the
cover's colours and typefaces, written where ``ogp_image`` says. The landing
page shows the cover itself (``_templates/layout.html``).

Descriptions. sphinxext-opengraph joins a paragraph's pieces with its own
spacing rules and shows "한미동맹 (*Hanmi Dongmaeng*)" as "한미동맹( Hanmi
Dongmaeng)". Each page's description (``og:description`` and
``<meta name="description">``) is taken here instead: the page's first
paragraph as Sphinx renders it, without its citations, cut at a word.

External links. Every link to another site carries ``rel="noopener"``, so the
page it opens cannot reach back into this one through ``window.opener``.

Sitemap. sphinx-sitemap acts for every builder: it starts a
``multiprocessing`` manager process for its queue of pages (a sixtieth of a
second) in the EPUB and LaTeX builds too, and leaves a sitemap.xml in the
EPUB's folder. Its handlers are run for the website's builders only.

Bibliography entries. docutils writes each citation as
``<div role="doc-biblioentry">`` inside ``<div role="list">``; DPUB-ARIA 1.1
deprecates that role, and axe-core reports the list as missing its list items
(aria-required-children, critical). They are written with ``role="listitem"``.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

from docutils import nodes
from sphinx.writers.html5 import HTML5Translator
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.transforms.post_transforms import SphinxPostTransform

from . import cover, filecache, fonts
from .hangul import HANGUL_RUN as HANGUL

HTML_BUILDERS = ("html", "dirhtml")

# The sharing card, at the size social sites expect for a large image card.
CARD = "_static/card.png"
CARD_SIZE = (1200, 630)

# An author–year citation as sphinxcontrib-bibtex renders it: "[USFK, 2024]".
CITATION = re.compile(r"\s*\[[^\[\]]*\b\d{4}[a-z]?\]")
DESCRIPTION_LENGTH = 200


# -- Sitemap --------------------------------------------------------------------------

def _for_websites(handler):
    @functools.wraps(handler)
    def run(app, *args):
        if app.builder.name in HTML_BUILDERS:
            return handler(app, *args)
        return None
    return run


def sitemap_for_websites_only(app: Sphinx) -> None:
    """Each of sphinx-sitemap's event handlers, connected again to run for the website only."""
    for event, listeners in list(app.events.listeners.items()):
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", None) == "sphinx_sitemap":
                app.disconnect(listener.id)
                app.connect(event, _for_websites(listener.handler), priority=listener.priority)


# -- Sharing card ---------------------------------------------------------------------

def _card_font(style: str, size: int, text: str):
    from PIL import ImageFont

    # The cover's typefaces; Noto Serif CJK for a title in Korean.
    family = "Noto Serif CJK KR" if HANGUL.search(text) else "TeX Gyre Pagella"
    if HANGUL.search(text) and style == "Italic":
        style = "Regular"
    path, index = fonts.find_font(family, style)
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def render_card(cover_image, *, title: str, subtitle: str, note: str):
    """The sharing card: the cover on the right, title and subtitle on the left."""
    from PIL import Image, ImageDraw

    width, height = CARD_SIZE
    margin = 64
    card = cover.ground(CARD_SIZE)
    thumb_height = height - 2 * margin
    thumb = cover_image.convert("RGB").resize(
        (round(cover_image.width * thumb_height / cover_image.height), thumb_height),
        Image.Resampling.LANCZOS)
    card.paste(thumb, (width - margin - thumb.width, margin))
    # A pale edge, so the cover stands out from the ground it shares.
    draw = ImageDraw.Draw(card)
    draw.rectangle((width - margin - thumb.width - 1, margin - 1, width - margin, margin + thumb_height),
                   outline=cover.SOFT, width=1)
    text_width = width - 3 * margin - thumb.width
    draw.rectangle((margin, margin + 20, margin + 120, margin + 28), fill=cover.RED)
    y = margin + 70
    for size in range(76, 40, -4):
        title_font = _card_font("Bold", size, title)
        lines = _wrap(draw, title, title_font, text_width)
        if len(lines) <= 3 and all(draw.textlength(line, font=title_font) <= text_width for line in lines):
            break
    for line in lines:
        draw.text((margin, y), line, font=title_font, fill=cover.TEXT, anchor="lt")
        y += round(size * 1.15)
    y += 24
    subtitle_font = _card_font("Italic", 36, subtitle)
    for line in _wrap(draw, subtitle, subtitle_font, text_width):
        draw.text((margin, y), line, font=subtitle_font, fill=cover.SOFT, anchor="lt")
        y += 46
    draw.text((margin, height - margin), note, font=_card_font("Regular", 28, note),
              fill=cover.SOFT, anchor="ls")
    return card


def add_cover(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The small cover that report.cover writes, for the landing page (_templates/layout.html)."""
    if app.builder.name in HTML_BUILDERS and (Path(app.outdir) / cover.COVER_SMALL_PATH).is_file():
        context["report_cover"] = cover.COVER_SMALL_PATH
        context["report_cover_size"] = cover.SMALL_SIZE
        context["report_cover_alt"] = _("Cover of the report: %s") % ": ".join(
            part for part in (app.config.project, app.config.report_subtitle) if part)


def write_card(app: Sphinx, exception: Exception | None) -> None:
    # Only the card that ogp_image (conf.py) names is drawn here.
    if exception is not None or app.builder.name not in HTML_BUILDERS or app.config.ogp_image != CARD:
        return
    config = app.config
    # The small cover is large enough for the card's 314 × 502 thumbnail and
    # a tenth of the big one's pixels to decode and scale.
    cover_path = Path(app.outdir) / cover.COVER_SMALL_PATH
    text = (config.project, config.report_subtitle, _("A policy report · version %s") % config.version)
    # Drawn once for a given cover, text and drawing code, then kept with the
    # doctrees as the cover is (a sixth of a second on every build otherwise).
    def draw(folder: Path) -> None:
        from PIL import Image

        with Image.open(cover_path) as cover_image:
            card = render_card(cover_image, title=text[0], subtitle=text[1], note=text[2])
        cover.save_png(card, folder / "card.png")

    entry = filecache.key(repr(text), cover_path.read_bytes(), Path(__file__).read_bytes())
    cache = filecache.kept(app.doctreedir, "report-card", entry, draw)
    shutil.copyfile(cache / "card.png", Path(app.outdir) / CARD)


# -- Descriptions ---------------------------------------------------------------------

def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def describe(doctree: nodes.document) -> str:
    """The first paragraph's text, without citations, at most DESCRIPTION_LENGTH characters.

    Paragraphs that are only a bold or italic line (a subtitle) are passed over.
    """
    skip = (nodes.Admonition, nodes.Invisible, addnodes.glossary, nodes.footnote, nodes.citation)
    for paragraph in doctree.findall(nodes.paragraph):
        if any(isinstance(a, skip) for a in _ancestors(paragraph)):
            continue
        parts = [c for c in paragraph.children if not (isinstance(c, nodes.Text) and not c.strip())]
        if len(parts) == 1 and isinstance(parts[0], (nodes.strong, nodes.emphasis)):
            continue
        text = " ".join(CITATION.sub("", paragraph.astext()).split())
        if not text:
            continue
        if len(text) > DESCRIPTION_LENGTH:
            text = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return text
    return ""


def add_sharing_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Description and card size, before sphinxext-opengraph (priority 500) writes its tags."""
    if app.builder.name not in HTML_BUILDERS:
        return
    tags = []
    # A page with no paragraph of its own (the search page) gets the report's.
    if text := (describe(doctree) if doctree is not None else "") or app.config.epub_description:
        # A copy: the page's metadata dict belongs to the environment.
        context["meta"] = {**(context.get("meta") or {}), "og:description": text}
        tags.append(f'<meta name="description" content="{html.escape(text)}" />')
    if app.config.ogp_image == CARD:
        tags += [
            f'<meta property="og:image:width" content="{CARD_SIZE[0]}" />',
            f'<meta property="og:image:height" content="{CARD_SIZE[1]}" />',
            '<meta name="twitter:card" content="summary_large_image" />',
        ]
    context["metatags"] = context.get("metatags", "") + "".join(f"{tag}\n" for tag in tags)


# -- External links -----------------------------------------------------------------

class NoopenerExternalLinks(SphinxPostTransform):
    """Give every link to another site rel="noopener" (Sphinx writes node['rel'])."""

    default_priority = 900
    builders = ("html", "dirhtml", "singlehtml")

    def run(self, **kwargs) -> None:
        for ref in self.document.findall(nodes.reference):
            if ref.get("internal") or not urlparse(ref.get("refuri", "")).netloc:
                continue
            ref["rel"] = " ".join(sorted(set(ref.get("rel", "").split()) | {"noopener"}))


# -- Bibliography entries ----------------------------------------------------------------

def visit_citation(self, node: nodes.citation) -> None:
    # docutils' visit_citation, with the role a list's child must have.
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node: nodes.citation) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), nodes.citation):
        self.body.append("</div>\n")


# -- Glossary terms ------------------------------------------------------------------

def depart_term(self, node: nodes.term) -> None:
    # A line break after </dt>: the search's summaries take a page's
    # textContent, which glued a term to its definition ("KORUS FTAThe …").
    HTML5Translator.depart_term(self, node)
    self.body.append("\n")


def setup(app: Sphinx):
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.add_node(nodes.term, override=True, html=(HTML5Translator.visit_term, depart_term))
    # The card shows the cover and its subtitle (report_subtitle).
    app.setup_extension("report.cover")
    app.connect("html-page-context", add_sharing_meta, priority=400)
    app.connect("html-page-context", add_cover)
    app.connect("build-finished", write_card)
    app.add_post_transform(NoopenerExternalLinks)
    app.setup_extension("sphinx_sitemap")
    sitemap_for_websites_only(app)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
