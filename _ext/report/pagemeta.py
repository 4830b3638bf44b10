"""R013: a page may not write its own HTML ``<meta>`` tags.

MyST turns ``html_meta`` in a page's front matter (``myst: html_meta:``, or the
deprecated top-level ``html_meta:``) into ``<meta>`` elements in the page's
HTML and in the EPUB. One line of front matter,
``"http-equiv=refresh": "0; url=https://…"``, sends every reader of the page
somewhere else; others inject tracking or change how the page is indexed. The
report's metadata (description, sharing cards, language) is set for the whole
book in conf.py, so no page needs this. The key is reported at its line in
the front matter, and the ``meta`` nodes it produced (or that a ``meta``
directive inside ``{eval-rst}`` produced) are removed from the doctree, so
nothing of it is published even by a build that does not stop on warnings.
"""

from __future__ import annotations

import yaml
from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

KEY = "html_meta"


def front_matter(text: str) -> tuple[str, int] | None:
    """The YAML between the opening and closing ``---`` and its first line."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("---"):
        return None
    for end, line in enumerate(lines[1:], start=1):
        if line.startswith(("---", "...")):
            return "\n".join(lines[1:end]), 2
    return None


def html_meta_lines(yaml_text: str, first_line: int) -> list[int]:
    """Lines of the ``html_meta`` keys at the top level and under ``myst``."""
    try:
        root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []  # MyST reports malformed front matter itself
    found: list[int] = []

    def scan(mapping, depth: int) -> None:
        if not isinstance(mapping, yaml.MappingNode):
            return
        for key, value in mapping.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value == KEY:
                found.append(first_line + key.start_mark.line)
            elif key.value == "myst" and depth == 0:
                scan(value, depth + 1)

    scan(root, 0)
    return found


def check_front_matter(app, docname: str, source: list[str]) -> None:
    block = front_matter(source[0])
    if block is None:
        return
    for line in html_meta_lines(*block):
        app.env.temp_data["report_meta_reported"] = True
        app.env.note_reread()  # the next build reports it again
        logger.warning(
            f"R013 'html_meta' in the front matter is not allowed: it writes <meta> "
            "tags (a redirect, tracking) into the page's HTML and the EPUB; remove "
            "it (the book's metadata is set in conf.py)",
            location=(docname, line), type="report", subtype="R013",
        )


def meta_directive_lines(app, docname: str) -> list[int]:
    """Lines of ``.. meta::`` inside the page's ``{eval-rst}`` blocks.

    docutils gives meta nodes no line, so the blocks are found with
    markdown-it, as report.fences finds fences.
    """
    from report.fences import directive_name, markdown_parser

    path = app.env.doc2path(docname)
    if path.suffix != ".md":
        return []
    text = path.read_text(encoding=app.config.source_encoding)
    lines = []
    for token in markdown_parser(app, text).parse(text, {}):
        if token.type in ("fence", "colon_fence") and directive_name(token.info) == "eval-rst":
            for offset, line in enumerate(token.content.splitlines(), start=1):
                if line.strip().startswith(".. meta::"):
                    lines.append(token.map[0] + 1 + offset)
    return lines


def remove_meta(app, doctree: nodes.document) -> None:
    reported = app.env.temp_data.pop("report_meta_reported", False)
    metas = list(doctree.findall(nodes.meta))
    if metas and not reported:
        docname = app.env.docname
        for line in meta_directive_lines(app, docname) or [1]:
            app.env.note_reread()  # the next build reports it again
            logger.warning(
                "R013 a meta directive is not allowed: it writes <meta> tags into the "
                "page's HTML and the EPUB; remove it",
                location=(docname, line), type="report", subtype="R013",
            )
    for meta in metas:
        meta.parent.remove(meta)


def setup(app):
    app.connect("source-read", check_front_matter)
    # Before anything else reads the doctree (Sphinx's collectors run at 500).
    app.connect("doctree-read", remove_meta, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
