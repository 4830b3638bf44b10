"""The report cites itself: the same citation in every format and edition.

- ``{report-citation} chicago`` and ``{report-citation} bibtex`` (the
  colophon's *Cite this report*) write the formatted reference and the BibTeX
  entry of the edition being built, in the site, the PDF and the EPUB;
- every page of the website carries Highwire ``citation_*`` meta tags, which
  Google Scholar and reference managers read;
- the website ships the edition's citation as ``cite/<slug>-<version>.bib``
  and ``.ris`` (``…-ko.bib`` for the Korean edition), linked from the sidebar
  under the downloads (``_templates/report-cite.html``); ``make dist`` releases
  the same files.

Everything comes from report.citation, which reads report.toml through
report.identity: nothing here is typed twice. The address is the edition's
``html_baseurl`` (Read the Docs' own address of the version when it builds).
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import _
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from report import citation, identity

HTML_BUILDERS = ("html", "dirhtml")


def note_report_toml(app: Sphinx, config: Config) -> None:
    # The directive sees the configuration, not the application.
    config.report_toml = str(Path(app.confdir) / "report.toml")


def citation_of(config: Config) -> citation.Citation:
    report = identity.load(Path(config.report_toml))
    return citation.of(report, config.language, config.html_baseurl or None)


def cite_files(config: Config) -> dict[str, str]:
    """{website path: contents} of the edition's .bib and .ris."""
    c = citation_of(config)
    return {f"{citation.FOLDER}/{c.stem}.bib": citation.bibtex(c, str(_("Policy report"))),
            f"{citation.FOLDER}/{c.stem}.ris": citation.ris(c)}


class ReportCitation(SphinxDirective):
    """The edition's own citation: ``chicago`` (a paragraph) or ``bibtex`` (a code block)."""

    required_arguments = 1
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        form = self.arguments[0]
        if form not in ("chicago", "bibtex"):
            raise self.error(f"report-citation: unknown form {form!r}; use chicago or bibtex")
        # An edit to report.toml reads this page again, whichever key changed.
        self.env.note_dependency(self.config.report_toml)
        c = citation_of(self.config)
        # Not translatable: each edition writes its own from its own table of
        # report.toml, so gettext leaves them out of the catalogs.
        if form == "bibtex":
            text = citation.bibtex(c, str(_("Policy report")))
            block = nodes.literal_block(text, text, language="bibtex", classes=["report-citation"],
                                        translatable=False)
            return [block]
        paragraph = nodes.paragraph(classes=["report-citation"], translatable=False)
        for kind, text in citation.chicago(c, str(_("Version"))):
            if kind == "title":
                paragraph += nodes.emphasis(text, text)
            elif kind == "url":
                paragraph += nodes.reference(text, text, refuri=text)
            else:
                paragraph += nodes.Text(text)
        return [paragraph]


def add_citation_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in HTML_BUILDERS:
        return
    c = citation_of(app.config)
    tags = "".join(f'<meta name="{name}" content="{html.escape(value)}" />\n'
                   for name, value in citation.highwire(c))
    context["metatags"] = context.get("metatags", "") + tags
    context["report_cite_files"] = [
        {"kind": path.rsplit(".", 1)[1], "url": context["pathto"](path, 1), "filename": Path(path).name}
        for path in cite_files(app.config)
    ]


def write_cite_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    folder = Path(app.outdir) / citation.FOLDER
    for path, text in cite_files(app.config).items():
        folder.mkdir(parents=True, exist_ok=True)
        # newline="": the RIS keeps its CRLF line ends on every system.
        (Path(app.outdir) / path).write_text(text, encoding="utf-8", newline="")


class CitationOnOnePage(SphinxPostTransform):
    """The PDF keeps the BibTeX entry on one page, with the paragraph that leads
    into it: split, the page's foot and the next one's head would lie between
    its lines for a reader copying it, and the lead-in ("… as follows") would
    end a page."""

    builders = ("latex",)
    default_priority = 900

    def run(self, **kwargs) -> None:
        for block in list(self.document.findall(nodes.literal_block)):
            if "report-citation" not in block["classes"]:
                continue
            first, lines = block, block.astext().count("\n") + 2
            lead_in = block.previous_sibling()
            if isinstance(lead_in, nodes.paragraph):
                # A line or two of text, taken generously at three.
                first, lines = lead_in, lines + 3
            first.parent.insert(first.parent.index(first),
                                nodes.raw("", f"\\needspace{{{lines}\\baselineskip}}\n", format="latex"))


def setup(app: Sphinx):
    # Titles, author and address of the edition are set at config-inited.
    app.setup_extension("report.edition")
    # Where report.toml is; set at config-inited, never a setting of its own.
    app.add_config_value("report_toml", "", "", types=frozenset({str}))
    app.connect("config-inited", note_report_toml)
    app.add_directive("report-citation", ReportCitation)
    app.add_post_transform(CitationOnOnePage)
    app.connect("html-page-context", add_citation_meta)
    app.connect("build-finished", write_cite_files)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
