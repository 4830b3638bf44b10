"""Give the PDF the shape of a printed report.

Sphinx's LaTeX output numbers every chapter and sends the bibliography to a
chapter of its own at the very end, leaving the report's "References" chapter
empty. This post-transform, run on the assembled LaTeX document:

- numbers only the report's chapters (documents under ``chapters/``): front
  matter (executive summary, about) and back matter (glossary, timeline,
  references, colophon) are unnumbered chapters that still appear in the
  contents and the PDF outline, and their figures and tables are numbered
  1, 2 … within each, as on the website and in the EPUB;
- moves Sphinx's bibliography into the "References" chapter's place, keeping
  its label and its introduction, so the references come before the
  colophon as in the website;
  in the Korean edition, marks the entries that contain Hangul, the only
  ones set with Korean leading (the list is Latin but for a few entries).

And the LaTeX writer gives each index entry the sort key report.indexkeys
makes of it, with its numbers spelled out as they are read ("38th parallel"
under T, "6자회담" under ㅇ); the entry prints as written. report.genindex
files the website's and the EPUB's index by the same keys.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.latex import LaTeXTranslator

from report.hangul import HANGUL_RUN, is_korean
from report.indexkeys import sort_key

# LaTeX's secnumdepth: 1 numbers chapters and sections, -1 numbers nothing.
NUMBERED, UNNUMBERED = 1, -1

# Figures and tables of an unnumbered chapter are numbered 1, 2 … within it,
# as the website and the EPUB number them ("Fig. 1" of the timeline page),
# not after the last numbered chapter ("Fig. 6.1" in the back matter).
NUMBERS_PLAIN = (r"\ifdefined\reportthefigure\else\let\reportthefigure\thefigure"
                 r"\let\reportthetable\thetable\fi"
                 r"\renewcommand{\thefigure}{\arabic{figure}}"
                 r"\renewcommand{\thetable}{\arabic{table}}")
NUMBERS_BY_CHAPTER = (r"\ifdefined\reportthefigure\let\thefigure\reportthefigure"
                      r"\let\thetable\reportthetable\fi")
RESTART_NUMBERS = r"\setcounter{figure}{0}\setcounter{table}{0}"


def iter_ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def latex(code: str) -> nodes.raw:
    return nodes.raw("", code + "\n", format="latex")


class ReportShape(SphinxPostTransform):
    default_priority = 760  # after Sphinx's BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        prefix = self.config.report_numbered_prefix
        state = None
        for start in list(self.document.findall(addnodes.start_of_file)):
            if any(isinstance(a, addnodes.start_of_file) for a in iter_ancestors(start)):
                continue
            docname = start["docname"]
            wanted = NUMBERED if docname.startswith(prefix) else UNNUMBERED
            if wanted != state:
                start.parent.insert(start.parent.index(start),
                                    latex(rf"\setcounter{{secnumdepth}}{{{wanted}}}"
                                          + (NUMBERS_PLAIN if wanted == UNNUMBERED
                                             else NUMBERS_BY_CHAPTER)))
                state = wanted
            if wanted == UNNUMBERED:
                start.parent.insert(start.parent.index(start), latex(RESTART_NUMBERS))
            if docname == self.config.report_references_doc:
                self.move_bibliography_into(start)

    def move_bibliography_into(self, start: addnodes.start_of_file) -> None:
        bibliography = next(iter(self.document.findall(thebibliography)), None)
        section = next(iter(start.findall(nodes.section)), None)
        if bibliography is None or section is None:
            return
        bibliography.parent.remove(bibliography)
        if is_korean(self.config.language):
            # Korean leading only for the entries with Hangul; the list is
            # set with Latin leading (report.latexsettings' \reporthangulentry).
            for citation in bibliography.findall(nodes.citation):
                paragraphs = list(citation.findall(nodes.paragraph))
                if paragraphs and HANGUL_RUN.search(citation.astext()):
                    paragraphs[-1].append(nodes.raw("", r"\reporthangulentry{}", format="latex"))
        # thebibliography opens its own unnumbered chapter titled \bibname;
        # the label target before the section stays, so {ref}`references`
        # still lands here. The page's introduction (what the dates mean)
        # is set under that title, before the list (BIBLIOGRAPHY_INTRO).
        intro = [child for child in section.children if isinstance(child, nodes.paragraph)]
        start.replace(section, [latex(r"\phantomsection"),
                                latex(r"\long\gdef\reportbibliographyintro{"), *intro,
                                latex("}"), bibliography])


# -- Index sort keys ---------------------------------------------------------------

# In Sphinx's \index{key@\spxentry{text}!key@…|…}: each level's sort key,
# up to its "@" (a literal "@" or "!" is quoted with '"' for makeindex).
INDEX_KEY = re.compile(r'(\\index\{|(?<!")!)((?:[^@"]|".)*)@')


class ReportLaTeXTranslator(LaTeXTranslator):
    """Sphinx's LaTeX writer, with index sort keys that spell numbers out."""

    def visit_index(self, node: nodes.Element) -> None:
        start = len(self.body)
        try:
            super().visit_index(node)
        finally:
            self.body[start:] = [INDEX_KEY.sub(lambda m: m[1] + sort_key(m[2]) + "@", part)
                                 for part in self.body[start:]]


def use_translator(app) -> None:
    """builder-inited: the writer above, for the LaTeX builder only.
    pydata-sphinx-theme gives its HTML mixin (aria-level on headings, Bootstrap
    tables) to the registered translators when there are any, else to the
    HTML builder's own: a LaTeX translator registered for every build would
    take the website's away."""
    if app.builder.name == "latex":
        app.set_translator("latex", ReportLaTeXTranslator, override=True)


#: The references page's introduction between the list's title and its first
#: entry: thebibliography sets the title and starts the list in one macro.
BIBLIOGRAPHY_INTRO = r"""
\usepackage{etoolbox}
\let\reportbibliographyintro\relax
\makeatletter
\patchcmd{\thebibliography}{\list}{\reportbibliographyintro\list}{}{%
  \PackageError{report}{thebibliography has no \string\list to patch}{}}
\makeatother
"""


def add_preamble(app, config) -> None:
    """config-inited, after report.edition has written the preamble."""
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + BIBLIOGRAPHY_INTRO
    config.latex_elements = elements


def setup(app):
    # After report.edition (300), which writes the preamble afresh.
    app.connect("config-inited", add_preamble, priority=450)
    app.add_config_value("report_numbered_prefix", "chapters/", "env")
    app.add_config_value("report_references_doc", "backmatter/references", "env")
    app.add_post_transform(ReportShape)
    app.connect("builder-inited", use_translator)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
