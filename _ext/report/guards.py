"""Refuse source constructs that would reach readers broken or unsafe.

Sphinx already fails (under ``-n -W``) on broken cross-references, missing
images, malformed directives, undefined glossary terms and citations. Two
defects it lets through are checked here, while reading, with file and line:

R010  raw HTML in a chapter (MyST passes ``<script>`` and friends straight into
      the HTML and EPUB; the report's text must be text)
R011  an image or figure without alt text (screen readers and stores need it)

The other guards have a module each, loaded from here so that conf.py lists
one name:

- ``report.fences``: R012, a fence or directive never closed
- ``report.pagemeta``: R013, ``html_meta`` in a page's front matter
- ``report.remote_images``: R014, an image given by URL
- ``report.encoding``: R015, a source file that is not UTF-8
- ``report.catalogs``: R042, a translation catalog that is not valid PO
- ``report.bibcheck``: R070–R073, references.bib read entry by entry

Raw HTML that a translation brought in is reported at the line of its msgstr
in the ``.po`` file, not at the chapter's.

A guard that fires while a document is read also marks the document to be
read again (``env.note_reread()``): Sphinx re-reads only changed files, so
without it an unchanged, defective file would be reported by the first build
and let through by the next.
"""

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def translated(node: nodes.Node) -> bool:
    """Whether NODE came from a catalog (Sphinx marks what it translated)."""
    while node is not None:
        if isinstance(node, nodes.Element) and node.get("translated"):
            return True
        node = node.parent
    return False


def raw_html_location(app, docname: str, raw: nodes.raw, snippet: str):
    """Where to point at RAW: the msgstr's line in the .po it was translated
    from, or the line in the chapter (MyST gives inline HTML no line of its
    own, so the paragraph's)."""
    if snippet and translated(raw):
        from report.catalogs import msgstr_line, po_path

        path = po_path(app, docname)
        line = msgstr_line(path, snippet) if path else None
        if line:
            return f"{path}:{line}"
    node, line = raw, None
    while node is not None and not line:
        line, node = getattr(node, "line", None), node.parent
    return (docname, line or 1)


def check_doctree(app, doctree: nodes.document) -> None:
    docname = app.env.docname
    for raw in doctree.findall(nodes.raw):
        if "html" in raw.get("format", "").split():
            snippet = raw.astext().strip().splitlines()[0][:60] if raw.astext().strip() else ""
            app.env.note_reread()  # the next build reports it again
            logger.warning(
                f"R010 raw HTML is not allowed in the report: {snippet!r}; "
                "write Markdown instead",
                location=raw_html_location(app, docname, raw, snippet),
                type="report", subtype="R010",
            )
    for image in doctree.findall(nodes.image):
        if not image.get("alt", "").strip():
            line = image.line or getattr(image.parent, "line", None) or 1
            app.env.note_reread()  # the next build reports it again
            logger.warning(
                f"R011 image {image.get('uri', '')!r} has no alt text; give it one "
                "(![alt text](path) or :alt: on the figure)",
                location=(docname, line), type="report", subtype="R011",
            )


GUARDS = ("report.fences", "report.pagemeta", "report.remote_images", "report.encoding",
          "report.catalogs", "report.bibcheck")


def setup(app):
    for guard in GUARDS:
        app.setup_extension(guard)
    app.connect("doctree-read", check_doctree)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
