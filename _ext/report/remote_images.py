"""R014: every image is part of the book; none is fetched from elsewhere.

An image given by URL (``![A chart](https://tracker.example/p.png)``, or an
``{image}``/``{figure}`` directive with an http(s) address) makes the website
load a third party's file in each reader's browser (a tracking pixel, or a
picture that changes or vanishes after publication), and makes the EPUB and
LaTeX builders download it at build time (Sphinx's ``ImageDownloader``
post-transform): a build that depends on the network and on whatever the
server returns that day. Images belong in the repository, beside the chapter.

The check runs on ``doctree-read``, before Sphinx's image collector (priority
500) notes the image and long before any builder's post-transforms: each
remote image is reported at its file and line and replaced by its alt text,
so the doctree that every builder (html, epub, latex) later writes from holds
no URL to fetch, and nothing is ever downloaded, whatever the builder.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

# What Sphinx itself treats as remote ("://" in the URI), plus scheme-relative
# addresses ("//host/…"), which browsers fetch too.
REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//")


def line_of(node: nodes.Node) -> int:
    while node is not None:
        if getattr(node, "line", None):
            return node.line
        node = node.parent
    return 1


def refuse_remote_images(app, doctree: nodes.document) -> None:
    docname = app.env.docname
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if not REMOTE.match(uri):
            continue
        app.env.note_reread()  # the next build reports it again
        logger.warning(
            f"R014 remote image {uri!r} is not allowed: the website would load it from "
            "a third party and the EPUB and PDF builds would download it; save the "
            "image beside the chapter and use its path",
            location=(docname, line_of(image)), type="report", subtype="R014",
        )
        alt = image.get("alt", "")
        image.replace_self(nodes.inline(alt, alt, classes=["report-removed-image"]))


def setup(app):
    app.connect("doctree-read", refuse_remote_images, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
