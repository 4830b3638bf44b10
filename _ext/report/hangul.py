"""Mark every run of Korean text as Korean, in every output format.

Readers (screen readers, e-readers, browsers choosing fonts) need ``lang="ko"``
on Korean words inside English prose, and LaTeX needs them set in a font that
has Hangul. Authors just type Hangul; this post-transform wraps each run in a
``hangul`` node, which the HTML and EPUB writers turn into
``<span lang="ko">`` (plus ``xml:lang`` in XHTML) and the LaTeX writer into
``{\\hangulfont …}``. Keeping Hangul in its own font family (rather than kotex's
document-wide switch) stops Latin quotes and parentheses from being set in the
CJK font. In the Korean edition (``language = "ko"``) no Hangul is marked: the
whole document is Korean, and report.edition sets it with xetexko.

The other way round, the Korean edition cites English sources: its in-text
citations ("Congressional Research Service, 2025") and the Latin text of its
reference list are wrapped in ``latin`` nodes, written as ``<span lang="en">``
(and ``xml:lang``), so text-to-speech reads them as English, as the EPUB's
accessibility summary promises. LaTeX needs nothing there: xetexko sets Latin
in the Latin font by script.
"""

import re

from docutils import nodes
from sphinx import addnodes
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


class latin(nodes.inline):
    """An inline run of English text in a Korean book."""


class MarkCitationsEnglish(SphinxPostTransform):
    """Korean edition: each in-text citation as English, wrapped before it is
    resolved, so what sphinxcontrib-bibtex puts in its place is inside."""

    default_priority = 5  # before the references are resolved (10)
    builders = ("html", "dirhtml", "singlehtml", "epub")

    def run(self, **kwargs) -> None:
        if not is_korean(self.config.language):
            return
        for pending in list(self.document.findall(addnodes.pending_xref)):
            if pending.get("refdomain") == "cite" and not isinstance(pending.parent, latin):
                # Not replace_self, which would give the wrapper the
                # citation's ids as well.
                parent = pending.parent
                wrapper = latin()
                parent[parent.index(pending)] = wrapper
                wrapper.append(pending)


class MarkReferencesEnglish(SphinxPostTransform):
    """Korean edition: the Latin text of each reference-list entry as English
    (the entries exist once sphinxcontrib-bibtex has written the list, at
    priority 5)."""

    default_priority = 11
    builders = ("html", "dirhtml", "singlehtml", "epub")

    def run(self, **kwargs) -> None:
        if not is_korean(self.config.language):
            return
        for citation in self.document.findall(nodes.citation):
            if not HANGUL_RUN.search(citation.astext()):
                # An English entry: one span around each paragraph's content.
                for paragraph in citation.findall(nodes.paragraph):
                    wrapper = latin("", "", *paragraph.children)
                    paragraph.children = []
                    paragraph += wrapper
                continue
            for text in list(citation.findall(nodes.Text)):  # a Korean entry: its Latin runs
                if (text.parent is not None and not isinstance(text.parent, (latin, nodes.label))
                        and LATIN.search(str(text)) and not HANGUL_RUN.search(str(text))):
                    text.parent.replace(text, latin("", str(text)))


LATIN = re.compile("[A-Za-z]")


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


def visit_latin_html(self, node: latin) -> None:
    attrs = {"lang": "en"}
    if self.builder.name.startswith("epub"):
        attrs["xml:lang"] = "en"
    self.body.append(self.starttag(node, "span", "", **attrs))


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
    app.add_node(
        latin,
        html=(visit_latin_html, depart_html),
        latex=(visit_plain, visit_plain),
        text=(visit_plain, visit_plain),
        man=(visit_plain, visit_plain),
        texinfo=(visit_plain, visit_plain),
    )
    app.add_post_transform(MarkHangul)
    app.add_post_transform(MarkCitationsEnglish)
    app.add_post_transform(MarkReferencesEnglish)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
