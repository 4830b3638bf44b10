"""Refuse source constructs that would reach readers broken or unsafe.

Sphinx already fails (under ``-n -W``) on broken cross-references, missing
images, malformed directives, undefined glossary terms and citations. Two
defects it lets through are checked here, while reading, with file and line:

R010  raw HTML in a chapter (MyST passes ``<script>`` and friends straight into
      the HTML and EPUB; the report's text must be text)
R011  an image or figure without alt text (screen readers and stores need it)
"""

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def check_doctree(app, doctree: nodes.document) -> None:
    docname = app.env.docname
    for raw in doctree.findall(nodes.raw):
        if "html" in raw.get("format", "").split():
            snippet = raw.astext().strip().splitlines()[0][:60] if raw.astext().strip() else ""
            logger.warning(
                f"R010 raw HTML is not allowed in the report: {snippet!r}; "
                "write Markdown instead",
                location=(docname, raw.line or 1), type="report", subtype="R010",
            )
    for image in doctree.findall(nodes.image):
        if not image.get("alt", "").strip():
            line = image.line or getattr(image.parent, "line", None) or 1
            logger.warning(
                f"R011 image {image.get('uri', '')!r} has no alt text; give it one "
                "(![alt text](path) or :alt: on the figure)",
                location=(docname, line), type="report", subtype="R011",
            )


def setup(app):
    app.connect("doctree-read", check_doctree)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
