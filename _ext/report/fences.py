"""R012: refuse a code fence or directive that is never closed.

CommonMark closes an unclosed fence at the end of the document (or of the list
item or quote it sits in), so a forgotten closing ```` ``` ````, ``~~~`` or
``:::`` is not an error for markdown-it or MyST: the rest of the chapter is
published as code, or inside a note, and the build exits 0. This module
reports the fence's opening line instead.

How an unclosed fence is recognised: not by scanning lines by hand, but by
asking markdown-it, configured exactly as MyST configures it for this build
(``create_md_parser`` with the project's and the file's MyST settings), for
the document's block tokens. Every fenced block (``fence`` for backticks and
tildes, which is also how ```` ```{note} ```` directives arrive, and
``colon_fence`` for ``:::{note}``) carries ``map = [first line, line after
it]`` and its ``content``. markdown-it puts the closing marker's line inside
``map`` but never inside ``content``; when it finds no closing marker, the
fence ends where the text (or its container) ends and every line of ``map``
after the opening one is content. So a fence is unclosed exactly when its
content has ``map[1] - map[0] - 1`` lines. This uses markdown-it's own
decision about what closes a fence (marker character, length, indentation,
container boundaries), which a line scanner would have to re-implement.

The content of a directive whose body is Markdown (a ``{note}`` …) is parsed
again in the same way, with its line offset, because MyST parses it again:
a fence left open inside a note swallows the rest of the note. Directives
whose body is code or data (``{code-block}``, ``{math}`` …) are not.

The check runs on ``source-read``: a second parse of the block structure
(inline parsing switched off), a few milliseconds a chapter.
"""

from __future__ import annotations

from markdown_it.renderer import RendererHTML
from sphinx.errors import FiletypeNotFoundError
from sphinx.util import get_filetype, logging

logger = logging.getLogger(__name__)

# Directives whose body is not Markdown: a fence inside them is their text.
LITERAL_DIRECTIVES = {
    "code", "code-block", "sourcecode", "code-cell", "literalinclude", "math",
    "raw", "csv-table", "eval-rst", "eval-md", "parsed-literal", "mermaid",
    "graphviz", "digraph", "graph", "toctree", "bibliography", "glossary",
}


def markdown_parser(app, source: str):
    """markdown-it as MyST sets it up for SOURCE (project and file settings)."""
    from myst_parser.config.main import (
        MdParserConfig, TopmatterReadError, merge_file_level, read_topmatter)
    from myst_parser.parsers.mdit import create_md_parser

    config = getattr(app.env, "myst_config", None) or MdParserConfig()
    try:
        topmatter = read_topmatter(source)
    except TopmatterReadError:
        topmatter = None  # MyST itself reports malformed front matter
    if topmatter:
        config = merge_file_level(config, topmatter, lambda *args: None)
    md = create_md_parser(config, RendererHTML)
    # Only the block structure matters here.
    md.disable(["inline", "text_join"], ignoreInvalid=True)
    return md


def content_lines(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def unclosed_fences(md, source: str, offset: int = 0, text: str = "the file"):
    """(line, marker, info, runs_to) for every fence in SOURCE that never closes.

    LINE is 1-based and counts from OFFSET lines before SOURCE (TEXT names
    what SOURCE is). RUNS_TO says where the fence ends instead: the end of
    TEXT, or of the list item or quote it sits in.
    """
    total = content_lines(source)
    for token in md.parse(source, {}):
        if token.type not in ("fence", "colon_fence") or not token.map:
            continue
        start, end = token.map
        if content_lines(token.content) == end - start - 1:
            runs_to = text if end >= total else "the list item or quote around it"
            yield offset + start + 1, token.markup, token.info.strip(), runs_to
        name = directive_name(token.info)
        if name and name not in LITERAL_DIRECTIVES:
            yield from unclosed_fences(md, token.content, offset + start + 1,
                                       f"the {{{name}}} directive around it")


def directive_name(info: str) -> str | None:
    info = info.strip()
    if info.startswith("{") and "}" in info:
        return info[1:info.index("}")].strip()
    return None


def describe(marker: str, info: str) -> str:
    name = directive_name(info)
    if name:
        return f"directive {{{name}}} opened with {marker}"
    return f"code fence {marker}{info}".rstrip()


def check_source(app, docname: str, source: list[str]) -> None:
    try:
        filetype = get_filetype(app.config.source_suffix, app.env.doc2path(docname))
    except FiletypeNotFoundError:
        return
    if filetype != "markdown":
        return
    text = source[0]
    md = markdown_parser(app, text)
    for line, marker, info, runs_to in unclosed_fences(md, text):
        swallowed = "inside it" if directive_name(info) else "as code"
        app.env.note_reread()  # the next build reports it again
        logger.warning(
            f"R012 {describe(marker, info)} is never closed: everything after it, to the "
            f"end of {runs_to}, would be published {swallowed}; "
            f"close it with a line of {marker}",
            location=(docname, line), type="report", subtype="R012",
        )


def setup(app):
    app.setup_extension("myst_parser")
    app.connect("source-read", check_source)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
