"""Keep Python's cycle collector off what lives as long as the build.

A build makes most of its objects before it reads a page: the modules and
classes of Sphinx, docutils, MyST, pybtex and the extension, the
configuration, the parsed bibliography. They live until the process ends, yet
each full collection (the oldest generation, a few a build) walks every one of
them again: about an eighth of a clean EPUB build, 0.2–0.3 s of 2 s on a slow
machine, measured with ``gc.callbacks``.

``gc.freeze()`` moves every object that exists into a generation the
collector never walks; objects made later are collected as before. The build
freezes twice: when the builder is set up (before report.forked's child is
forked, so the child's collections do not walk, and copy, the parent's
objects), and when every document has been read (the environment lives until
the last page is written). At the end of the build they are unfrozen, so a
process that goes on to another build (``make book`` runs three in one
process, the tests many) can free what the finished one left. Outputs do not
depend on when the collector runs (tests/test_gcfreeze.py).
"""

from __future__ import annotations

import gc


def freeze(*args) -> None:
    gc.freeze()


def unfreeze(app, exception) -> None:
    gc.unfreeze()


def setup(app):
    # Last of the builder's set-up, but before report.forked forks (900).
    app.connect("builder-inited", freeze, priority=890)
    app.connect("env-check-consistency", freeze, priority=900)
    app.connect("build-finished", unfreeze, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
