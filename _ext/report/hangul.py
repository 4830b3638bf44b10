"""Mark every run of Korean text as Korean, in every output format.

Readers (screen readers, e-readers, browsers choosing fonts) need ``lang="ko"``
on Korean words inside English prose, and LaTeX needs them set in a font that
has Hangul. Authors just type Hangul; this post-transform wraps each run in a
``hangul`` node, which the HTML and EPUB writers turn into
``<span lang="ko">`` (plus ``xml:lang`` in XHTML) and the LaTeX writer into
``{\\hangulfont …}``. Keeping Hangul in its own font family (rather than kotex's
document-wide switch) stops Latin quotes and parentheses from being set in the
CJK font. In the Korean edition (``language = "ko"``) nothing is marked: the
whole document is Korean, and report.edition sets it with xetexko.
"""

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

# Hangul syllables and jamo, with the spaces and middle dots between Korean
# words, so "한미 자유무역협정" is one run rather than two.
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
HANGUL_RUN = re.compile(f"[{_HANGUL}]+(?:[ \u00b7]+[{_HANGUL}]+)*")


def is_korean(language: str | None) -> bool:
    """Whether a language tag ("ko", "ko-KR") names Korean."""
    return bool(language) and language.lower().split("-")[0] == "ko"


class hangul(nodes.inline):
    """An inline run of Korean text."""


class MarkHangul(SphinxPostTransform):
    default_priority = 900
    builders = ("html", "dirhtml", "singlehtml", "epub", "latex")

    def run(self, **kwargs) -> None:
        if is_korean(self.config.language):
            # The Korean edition is Korean throughout: <html lang="ko"> says so,
            # and xetexko picks the Hangul font by script. Marking runs there
            # would only add spans, and xetexko's own \hangulfont (a font
            # assignment) would break on the LaTeX writer's {\hangulfont …}.
            return
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or isinstance(parent, hangul):
                continue
            source = str(text)
            if not HANGUL_RUN.search(source):
                continue
            pieces: list[nodes.Node] = []
            last = 0
            for match in HANGUL_RUN.finditer(source):
                if match.start() > last:
                    pieces.append(nodes.Text(source[last : match.start()]))
                pieces.append(hangul("", match.group()))
                last = match.end()
            if last < len(source):
                pieces.append(nodes.Text(source[last:]))
            parent.replace(text, pieces)


def visit_html(self, node: hangul) -> None:
    # EPUB pages are XHTML, where xml:lang is the attribute that counts.
    attrs = {"lang": "ko"}
    if self.builder.format == "html" and self.builder.name.startswith("epub"):
        attrs["xml:lang"] = "ko"
    self.body.append(self.starttag(node, "span", "", **attrs))


def depart_html(self, node: hangul) -> None:
    self.body.append("</span>")


def visit_latex(self, node: hangul) -> None:
    self.body.append(r"{\hangulfont ")


def depart_latex(self, node: hangul) -> None:
    self.body.append("}")


def visit_plain(self, node: hangul) -> None:
    pass


def setup(app):
    app.add_node(
        hangul,
        html=(visit_html, depart_html),
        latex=(visit_latex, depart_latex),
        text=(visit_plain, visit_plain),
        man=(visit_plain, visit_plain),
        texinfo=(visit_plain, visit_plain),
    )
    app.add_post_transform(MarkHangul)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
