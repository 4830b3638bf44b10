"""Citations and the reference list link both ways, in every format.

sphinxcontrib-bibtex links each in-text citation to its entry, but an entry
says nothing of where it is cited (its ``backrefs`` only cover citations on
the list's own page, which the report has none of), and the list carries a
label before each entry that an author–date list (report.citestyle) has no
use for. Here, as post-transforms on the doctree:

- each in-text link becomes a ``citeref`` node, written as
  ``<a role="doc-biblioref">`` (with ``epub:type="biblioref"`` in the EPUB),
  keeping the formatted reference sphinxcontrib-bibtex puts in its title: on
  the website ``_static/citations.js`` shows it in a popover on hover or focus;
- each entry loses its label (the PDF keeps an empty one, which LaTeX's
  ``\\bibitem`` needs, and sets the list with a hanging indent instead) and,
  on the website and in the EPUB, gains a back-link to every place that
  cites it, in reading order: "↩ 1 2 3", each named "Back to citation 2 in
  <chapter>" for screen readers.

The places are read from each document's doctree (the ``cite`` pending
cross-references and their ids), not from the domain's record of the roles:
in the Korean edition a translated paragraph is parsed again, and only its
doctree knows the ids that end up in the page.
"""

from __future__ import annotations

from collections import defaultdict

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import _
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.citation_target import parse_citation_targets
from sphinxcontrib.bibtex.domain import get_docnames

HTML_FORMATS = ("html", "dirhtml", "singlehtml", "epub")
STATIC = ("citations.css", "citations.js")

#: The list as an author–date list in the PDF: no labels, each entry's
#: following lines indented (report.cls's own \@openbib@code hook).
LATEX_PREAMBLE = r"""
% The reference list is author-date (report.citestyle): no [label] before an
% entry; each entry's second and later lines indented by 2em instead.
\makeatletter
\AddToHook{env/thebibliography/begin}{%
  \renewcommand\@biblabel[1]{}%
  \renewcommand\@openbib@code{\labelwidth\z@ \labelsep\z@ \leftmargin 2em
    \itemindent -2em}}
\makeatother
"""


class citeref(nodes.reference):
    """An in-text citation's link to its entry in the list."""


class backlinks(nodes.Element):
    """After a list entry: the links back to the places that cite it."""


class backlink(nodes.Element):
    """One way back: ``refuri``, ``number`` (its place among the entry's
    citations) and ``label`` (its accessible name)."""


def citing_places(env) -> dict[str, list[tuple[str, str]]]:
    """Citation key: (docname, id of the citation) for every place that cites
    it, in reading order."""
    places: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for docname in get_docnames(env):
        if docname not in env.all_docs:
            continue
        for pending in env.get_doctree(docname).findall(addnodes.pending_xref):
            if pending.get("refdomain") != "cite" or not pending["ids"]:
                continue
            for target in parse_citation_targets(pending["reftarget"]):
                places[target.key].append((docname, pending["ids"][0]))
    return places


class ReferenceList(SphinxPostTransform):
    """The list's entries without labels; on the website and in the EPUB,
    with their back-links."""

    default_priority = 6  # once sphinxcontrib-bibtex has filled the list (5)

    def run(self, **kwargs) -> None:
        entries = [c for c in self.document.findall(nodes.citation) if c.get("docname")]
        if not entries:
            return
        if self.app.builder.format == "latex":
            for entry in entries:
                for label in entry.findall(nodes.label):
                    label.children = []
            return
        places = citing_places(self.env)
        domain = self.env.get_domain("cite")
        key_of = {citation.citation_id: citation.key for citation in domain.citations}
        for entry in entries:
            for label in list(entry.findall(nodes.label)):
                label.parent.remove(label)
            entry["backrefs"] = []
            key = key_of.get(entry["ids"][0])
            if key in places:
                entry += self.backlinks(entry["docname"], places[key])

    def backlinks(self, fromdoc: str, places: list[tuple[str, str]]) -> backlinks:
        node = backlinks()
        for number, (docname, target) in enumerate(places, start=1):
            title = self.env.titles[docname].astext() if docname in self.env.titles else docname
            uri = self.app.builder.get_relative_uri(fromdoc, docname) + "#" + target
            node += backlink("", nodes.Text(str(number)), refuri=uri, number=number,
                             label=_("Back to citation %(number)s in %(title)s")
                             % {"number": number, "title": title})
        return node


class CitationLinks(SphinxPostTransform):
    """Each in-text citation's link as a ``citeref``."""

    default_priority = 12  # once the citations are resolved (10) and marked English (11)
    builders = HTML_FORMATS

    def run(self, **kwargs) -> None:
        for cite in self.document.findall(nodes.inline):
            if "bibtex-citation" not in cite["classes"]:
                continue
            for link in list(cite.findall(nodes.reference)):
                if isinstance(link, citeref):
                    continue
                new = citeref(link.rawsource, "", *link.children, **link.attributes)
                link.replace_self(new)


def in_epub(translator) -> bool:
    return translator.builder.name.startswith("epub")


def visit_citeref_html(self, node: citeref) -> None:
    atts = {"href": node.get("refuri") or "#" + node.get("refid", ""), "role": "doc-biblioref"}
    if node.get("reftitle"):
        atts["title"] = node["reftitle"]
    if in_epub(self):
        atts["epub:type"] = "biblioref"
    self.body.append(self.starttag(node, "a", "", CLASS="reference internal citation-link", **atts))


def depart_a(self, node) -> None:
    self.body.append("</a>")


def visit_backlinks_html(self, node: backlinks) -> None:
    self.body.append(self.starttag(node, "div", "", CLASS="citation-backlinks"))
    self.body.append('<span aria-hidden="true">\u21a9</span> ')


def depart_backlinks_html(self, node: backlinks) -> None:
    self.body.append("</div>\n")


def visit_backlink_html(self, node: backlink) -> None:
    atts = {"href": node["refuri"], "role": "doc-backlink", "aria-label": node["label"]}
    if in_epub(self):
        atts["epub:type"] = "backlink"
    if node["number"] > 1:
        self.body.append(" ")
    self.body.append(self.starttag(node, "a", "", CLASS="citation-backlink", **atts))


def skip(self, node) -> None:
    raise nodes.SkipNode


def visit_citeref_other(self, node: citeref) -> None:
    self.visit_reference(node)


def depart_citeref_other(self, node: citeref) -> None:
    self.depart_reference(node)


def rewrite_citing_pages(app, env) -> list[str]:
    """env-updated: every page that cites or lists a source, when any label or
    citation changed. A citation added on one page can turn "2025" into
    "2025a" on another, and adds a back-link to the list; Sphinx would
    rewrite only the page that was read again, leaving the others stale."""
    domain = env.get_domain("cite")
    state = (sorted((c.key, c.formatted_entry.label) for c in domain.citations),
             sorted((r.docname, r.citation_ref_id, tuple(t.key for t in r.targets))
                    for r in domain.citation_refs))
    if getattr(env, "report_citations", None) == state:
        return []
    env.report_citations = state
    pages = {ref.docname for ref in domain.citation_refs}
    pages |= {key.docname for key in domain.bibliographies}
    return sorted(pages & env.all_docs.keys())


def add_assets(app) -> None:
    """builder-inited: the popover and the entries' highlight on the website
    only (an EPUB has no scripts, and its reading systems no :target)."""
    if app.builder.format == "html" and not app.builder.name.startswith("epub"):
        app.add_css_file(STATIC[0])
        app.add_js_file(STATIC[1], loading_method="defer")


def add_latex_preamble(app, config) -> None:
    """config-inited, after report.edition has written the preamble."""
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE
    config.latex_elements = elements


def setup(app):
    other = (visit_citeref_other, depart_citeref_other)
    app.add_node(citeref, html=(visit_citeref_html, depart_a), latex=other, text=other)
    app.add_node(backlinks, html=(visit_backlinks_html, depart_backlinks_html),
                 latex=(skip, None), text=(skip, None))
    app.add_node(backlink, html=(visit_backlink_html, depart_a), latex=(skip, None),
                 text=(skip, None))
    app.add_post_transform(ReferenceList)
    app.add_post_transform(CitationLinks)
    app.connect("builder-inited", add_assets)
    # After sphinxcontrib-bibtex's own handler (500), which makes the labels.
    app.connect("env-updated", rewrite_citing_pages, priority=600)
    # After report.edition (300), which writes the preamble afresh.
    app.connect("config-inited", add_latex_preamble, priority=450)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
