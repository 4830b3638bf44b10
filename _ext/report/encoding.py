"""R015: a source file that is not UTF-8 is reported at its line, not as a traceback.

Sphinx decodes each source with ``source_encoding`` (UTF-8) when it reads it,
and a file saved in another encoding (Latin-1 from an old editor, UTF-16
from a word processor) stops the whole build with ``UnicodeDecodeError`` and
"Encoding error!": a traceback, with no file name or line in the message.

Before Sphinx reads anything (``env-before-read-docs``), each document about
to be read is decoded here first. One that fails is reported at the line and
column of its first undecodable byte, and is taken out of this build (not
read, and no longer a document of the project, so no builder writes it); the
other documents are read and checked as usual, and ``-W`` fails the run.
"""

from __future__ import annotations

from sphinx.util import logging

logger = logging.getLogger(__name__)


def decoding_problem(data: bytes, encoding: str) -> tuple[int, str] | None:
    """(line, reason) for DATA's first byte that ENCODING cannot decode."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        name = "UTF-8" if encoding.lower().replace("_", "-").startswith("utf-8") else encoding
        return line, (f"not {name} ({error.reason}: byte 0x{data[error.start]:02x} at "
                      f"column {column})")
    return None


def check_sources(app, env, docnames: list[str]) -> None:
    for docname in list(docnames):
        path = env.doc2path(docname)
        try:
            data = path.read_bytes()
        except OSError:
            continue  # Sphinx reports a file it cannot read
        problem = decoding_problem(data, app.config.source_encoding)
        if problem is None:
            continue
        line, reason = problem
        logger.warning(f"R015 {reason}; save the file as UTF-8", location=(docname, line),
                       type="report", subtype="R015")
        docnames.remove(docname)
        if docname in env.all_docs:
            app.events.emit("env-purge-doc", env, docname)
            env.clear_doc(docname)
        env.project.docnames.discard(docname)


def setup(app):
    app.connect("env-before-read-docs", check_sources)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
