"""Fail every build whose structure departs from the required sections.

The report must mirror the source article: every chapter and section listed in
``required_sections.yml`` (``report_required_sections`` in conf.py), with the
same titles, in the same order, each section inside its own chapter. Sphinx
itself would happily build a book with a chapter missing, so this module
records each document's outline while reading and compares the whole book with
the list on every build (``env-updated`` runs for html, epub and latex alike,
even when nothing was re-read).

Messages carry an id, the file and the line:

R001  a required chapter or section is missing (a missing chapter is reported
      at the toctree that lists the required chapter before it, or after it)
R002  a required chapter or section is out of order
R003  a required section sits outside its chapter, or at the wrong level
R004  a required chapter or section was renamed (its label kept, title changed)

A translated edition (``-D language=ko``) is held to the same list: each
required title is looked up in the catalog of the document whose heading it is
compared with (locales/ko/LC_MESSAGES/<docname>.po, the one Sphinx translated
that document from), so "Defense Costs" is required as "방위비 분담" there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.locale import init as init_locale
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain

logger = logging.getLogger(__name__)


@dataclass
class Heading:
    docname: str
    level: int  # 1 = the document's title (a chapter), 2 = a section, …
    title: str
    ids: list[str]
    line: int
    children: list[Heading] = field(default_factory=list)


def load_required(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class OutlineCollector(EnvironmentCollector):
    """Each document's headings and toctree lines, kept in the environment
    (Sphinx's own collectors' pattern: it purges and merges them, also when
    documents are read in parallel)."""

    ATTRS = ("report_outlines", "report_toctree_lines")

    def clear_doc(self, app, env, docname: str) -> None:
        for attr in self.ATTRS:
            getattr(env, attr, {}).pop(docname, None)

    def merge_other(self, app, env, docnames, other) -> None:
        for attr in self.ATTRS:
            mine = getattr(env, attr, {})
            mine.update({d: v for d, v in getattr(other, attr, {}).items() if d in docnames})
            setattr(env, attr, mine)

    def process_doc(self, app, doctree: nodes.document) -> None:
        """Store the document's headings (and its toctree's line) in the environment."""
        env = app.env
        docname = env.docname
        headings = []
        for section in doctree.findall(nodes.section):
            level = 0
            parent = section
            while parent is not None:
                if isinstance(parent, nodes.section):
                    level += 1
                parent = parent.parent
            title = section.next_node(nodes.title)
            headings.append(
                (level, title.astext() if title else "", list(section["ids"]), section.line or title.line or 1)
            )
        env.report_outlines = getattr(env, "report_outlines", {})
        env.report_outlines[docname] = headings
        # Each toctree's line and the documents it lists, so a missing chapter
        # can be reported at the toctree it belongs in.
        env.report_toctree_lines = getattr(env, "report_toctree_lines", {})
        env.report_toctree_lines[docname] = [
            (getattr(toctree, "line", None) or 1, list(toctree.get("includefiles", [])))
            for toctree in doctree.findall(lambda n: n.tagname == "toctree")
        ]


def reading_order(env) -> list[str]:
    """Documents in the order the root toctree gives them, depth first."""
    order: list[str] = []

    def walk(docname: str) -> None:
        for child in env.toctree_includes.get(docname, []):
            if child not in order:
                order.append(child)
                walk(child)

    walk(env.config.root_doc)
    return order


def book_chapters(env) -> list[Heading]:
    """Each included document's title is a chapter; its headings nest below."""
    outlines = getattr(env, "report_outlines", {})
    chapters = []
    for docname in reading_order(env):
        stack: list[Heading] = []
        for level, title, ids, line in outlines.get(docname, []):
            heading = Heading(docname, level, title, ids, line)
            while stack and stack[-1].level >= level:
                stack.pop()
            if stack:
                stack[-1].children.append(heading)
            else:
                chapters.append(heading)
            stack.append(heading)
    return chapters


def descendants(heading: Heading):
    for child in heading.children:
        yield child
        yield from descendants(child)


def title_translator(app):
    """translate(docname, title): TITLE as the edition's catalog for DOCNAME has it.

    Sphinx's own lookup (sphinx.locale.init, as its Locale transform calls it
    for each document's text domain); an untranslated title stays as it is, as
    in the document.
    """
    config = app.config
    dirs = [str(Path(app.srcdir, folder)) for folder in config.locale_dirs]
    # One lookup a domain: each call of init() adds the catalog again as a
    # fallback of the one it already holds.
    catalogs = {}

    def translate(docname: str, title: str) -> str:
        if not config.language:
            return title
        domain = docname_to_domain(docname, config.gettext_compact)
        if domain not in catalogs:
            catalogs[domain] = init_locale(dirs, config.language, domain)[0]
        return catalogs[domain].gettext(title)

    return translate


def check_structure(app, env) -> None:
    required = load_required(Path(app.confdir) / app.config.report_required_sections)
    translate = title_translator(app)
    chapters = book_chapters(env)
    root = app.config.root_doc
    toctrees = getattr(env, "report_toctree_lines", {})

    def toctree_of(docname: str) -> tuple[str, int] | None:
        """The document and line of the toctree that lists DOCNAME."""
        for parent, trees in toctrees.items():
            for line, included in trees:
                if docname in included:
                    return parent, line
        return None

    def where_missing(index: int) -> tuple[str, int]:
        """Where required chapter INDEX belongs: the toctree that lists the
        nearest required chapter before it (or, for the first, after it)."""
        neighbours = [*reversed(required[:index]), *required[index + 1:]]
        for want in neighbours:
            heading = placed.get(id(want))
            if heading is None:
                heading, _ = find(chapters, want, set())
            if heading is not None and (where := toctree_of(heading.docname)):
                return where
        trees = toctrees.get(root) or [(1, [])]
        return root, trees[0][0]

    def warn(code: str, message: str, docname: str, line: int) -> None:
        logger.warning(
            f"{code} {message}", location=(docname, line), type="report", subtype=code
        )

    titles = [s["title"] for c in required for s in [c, *c.get("sections", [])]]

    def expected(heading: Heading, wanted: dict) -> str:
        """The title wanted of HEADING, and the original it translates."""
        title = translate(heading.docname, wanted["title"])
        return repr(title) if title == wanted["title"] else f"{title!r} ({wanted['title']!r} translated)"

    def find(candidates, wanted: dict, claimed: set[int], by_title: bool = True):
        """A heading by title first, else by label; returns (heading, renamed)."""
        for heading in candidates:
            if (by_title and id(heading) not in claimed
                    and heading.title == translate(heading.docname, wanted["title"])):
                return heading, False
        for heading in candidates:
            if id(heading) not in claimed and wanted["label"] in heading.ids:
                return heading, True
        return None, False

    claimed: set[int] = set()
    placed: dict = {}
    last_chapter = -1
    for index, want in enumerate(required):
        chapter, renamed = find(chapters, want, claimed)
        if chapter is None:
            warn("R001", f"required chapter missing: {want['title']!r} "
                 f"(label {want['label']!r}); add it to this toctree", *where_missing(index))
            continue
        placed[id(want)] = chapter
        claimed.add(id(chapter))
        if renamed:
            warn("R004", f"required chapter renamed: expected title "
                 f"{expected(chapter, want)}, found {chapter.title!r}", chapter.docname, chapter.line)
        position = chapters.index(chapter)
        if position < last_chapter:
            warn("R002", f"required chapter out of order: {want['title']!r} must come "
                 f"after {chapters[last_chapter].title!r}", chapter.docname, chapter.line)
        last_chapter = max(last_chapter, position)

        last_section = -1
        for section_want in want.get("sections", []):
            section, renamed = find(chapter.children, section_want, claimed)
            if section is None:
                # A title shared by two required sections ("Cultural
                # Exchange") identifies nothing elsewhere; its label does.
                elsewhere, _ = find(
                    [h for c in chapters for h in descendants(c)], section_want, claimed,
                    by_title=titles.count(section_want["title"]) == 1,
                )
                if elsewhere is not None:
                    claimed.add(id(elsewhere))
                    where = ("at the wrong heading level" if elsewhere.docname == chapter.docname
                             else f"outside its chapter {want['title']!r}")
                    warn("R003", f"required section {section_want['title']!r} is {where}; "
                         f"it must be a direct section of {chapter.docname}",
                         elsewhere.docname, elsewhere.line)
                else:
                    warn("R001", f"required section missing: {section_want['title']!r} "
                         f"(label {section_want['label']!r}) in chapter {want['title']!r}",
                         chapter.docname, chapter.line)
                continue
            claimed.add(id(section))
            if renamed:
                warn("R004", f"required section renamed: expected title "
                     f"{expected(section, section_want)}, found {section.title!r}",
                     section.docname, section.line)
            position = chapter.children.index(section)
            if position < last_section:
                warn("R002", f"required section out of order: {section_want['title']!r} "
                     f"must come after {chapter.children[last_section].title!r}",
                     section.docname, section.line)
            last_section = max(last_section, position)


def setup(app):
    app.add_config_value("report_required_sections", "required_sections.yml", "env")
    app.add_env_collector(OutlineCollector)
    app.connect("env-updated", check_structure)
    return {"version": "1", "env_version": 2, "parallel_read_safe": True,
            "parallel_write_safe": True}
