"""Pages of the website that an incremental build copies instead of rendering.

Why it exists: scripts/build.py writes every build into an empty staging
folder, so that an incremental build publishes what a clean one would; Sphinx
then renders all pages, although an edited paragraph changes one of them.
Rendering is most of an edited chapter's `make html` (the theme's templates,
the navigation, the page's own HTML: about 60 ms a page).

What a page shows comes from its own doctree, from what the environment holds
of every document (titles, tables of contents, labels, terms, citations,
numbers, toctrees: "shared facts"), and from the build's frame: the settings,
templates, extension code and files other than the documents, the
environment variables, the downloads beside it. So after each website build
this module records, for every page, the hash of its doctree and of the files
it wrote, with the hash of the shared facts and the frame's digest that
scripts/build.py passes in (``report_frame``). The next build copies a page
from the last published website (``report_published``) instead of rendering
it when its doctree, the shared facts and the frame are all those recorded
and the published file is still the one recorded; every other page is
rendered as before. Every page still passes through Sphinx's reference
resolution and the search index in the same order, so the search index and
the sitemap come out whole (sphinx-doc/sphinx#12599, jdillard/sphinx-sitemap#13).

The shared facts are everything the environment holds, less what a build
remakes from every page or shows on no other page; a value this module cannot
compare (an object without a stable form) keeps nothing. Without
``report_frame`` (Read the Docs, `make live`, a plain sphinx-build) nothing is
kept. tests/test_keptpages.py plants each kind of change on a small project.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path, PurePath
from types import SimpleNamespace

from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

logger = logging.getLogger(__name__)

FACTS = "report-kept-pages.json"  # in the doctree folder, one file per edition

# Environment attributes that are not shared facts: Sphinx's machinery and
# settings (the frame; also every attribute whose name starts with "_", among
# them the search index, fed again from every page on every build); what
# makes Sphinx read a document again (the sources' modification times, the
# files each depends on or includes); report.sections' outlines and toctree
# lines (line numbers for its warnings, shown on no page) and report.bibmemo's
# memo (keyed by the .bib's bytes, part of the frame).
NOT_SHARED = {
    "config", "config_status", "config_status_extra", "settings", "domains", "domaindata",
    "events", "project", "current_document", "ref_context", "version",
    "versioning_condition", "versioning_compare",
    "all_docs", "dependencies", "included", "reread_always",
    "report_outlines", "report_toctree_lines", "report_formatted_bibliographies",
}
# Domain data that is not a shared fact: index entries (the general index
# and the search index are made again from every page), and the parsed .bib
# files (part of the frame).
NOT_SHARED_DOMAIN_DATA = {("index", "entries"), ("cite", "bibdata")}
DEPTH = 12


class Unstable(Exception):
    """A value with no stable form to compare: nothing can be kept."""


def plain(value, depth: int = 0):
    """VALUE in a form whose repr is the same whenever the value is."""
    if depth > DEPTH:
        raise Unstable("nested too deep")
    below = depth + 1
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value
    if isinstance(value, nodes.Node):
        return ("node", value.pformat())
    if isinstance(value, PurePath):
        return str(value)
    module = type(value).__module__
    if module.startswith("pybtex.database"):
        return ("entry", value.key)  # the .bib's entry: its fields are the frame's
    if module.startswith("pybtex.style"):  # a formatted entry: its label and text
        return ("formatted", value.key, value.label, repr(value.text))
    if isinstance(value, dict):
        items = ((plain(k, below), plain(v, below)) for k, v in value.items())
        return ("dict", tuple(sorted(items, key=repr)))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((plain(v, below) for v in value), key=repr)))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(plain(v, below) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # with __slots__ too
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return (type(value).__qualname__, plain(fields, below))
    if hasattr(value, "__dict__"):
        return (type(value).__qualname__, plain(vars(value), below))
    text = repr(value)
    if " at 0x" in text:
        raise Unstable(text)
    return text


def shared_facts(env) -> str | None:
    """The hash of what every page may show of the other documents; None if unknowable."""
    facts = {}
    try:
        for name, data in sorted(env.domaindata.items()):
            for key, value in data.items():
                if (name, key) in NOT_SHARED_DOMAIN_DATA:
                    continue
                if isinstance(value, list):
                    # Records in the order the documents were last read (a
                    # document read again goes last): their set is the fact.
                    facts[f"domain {name} {key}"] = sorted((plain(v) for v in value), key=repr)
                else:
                    facts[f"domain {name} {key}"] = plain(value)
        for name, value in vars(env).items():
            if name in NOT_SHARED or name.startswith("_"):
                continue
            if name == "metadata":  # less the word counts, which no other page shows
                value = {doc: {k: v for k, v in meta.items() if k != "wordcount"}
                         for doc, meta in value.items()}
            facts[name] = plain(value)
    except Unstable:
        return None
    return hashlib.sha256(repr(sorted(facts.items())).encode("utf-8")).hexdigest()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def doctree_hash(builder, docname: str) -> str | None:
    path = Path(builder.doctreedir) / f"{docname}.doctree"
    return _sha(path) if path.is_file() else None


def page_files(builder, docname: str) -> list[str]:
    """The files, relative to the output folder, that the page of DOCNAME writes:
    its HTML and, with html_copy_source, its source (named as Sphinx names it)."""
    files = [str(Path(builder.get_outfilename(docname)).relative_to(builder.outdir))]
    if builder.copysource and builder.config.html_copy_source:
        suffix = str(builder.env.doc2path(docname, False))[len(docname):]
        if suffix != builder.config.html_sourcelink_suffix:
            suffix += builder.config.html_sourcelink_suffix
        files.append(f"_sources/{docname}{suffix}")
    return files


class KeepingHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder that copies the pages it may keep (module docstring)."""

    name = "html"

    def write(self, build_docnames, updated_docnames, method: str = "update") -> None:
        self.report_shared = shared_facts(self.env) if self.config.report_frame else None
        # Read once: what this build keeps and what it records for the next.
        self.report_doctrees = ({doc: doctree_hash(self, doc) for doc in self.env.found_docs}
                                if self.report_shared is not None else {})
        # Pages Sphinx or an extension marks as changed (numbers, citations) are
        # rendered whatever the recorded facts say.
        updated = set(updated_docnames)
        self.report_kept = {doc: files for doc, files in self._keepable().items() if doc not in updated}
        self.report_copied: set[str] = set()
        super().write(build_docnames, updated_docnames, method)
        if self.report_copied:
            logger.info(f"report.keptpages: {len(self.report_copied)} of {len(self.env.found_docs)} "
                        "pages unchanged since the last published build, copied from it")

    def _keepable(self) -> dict[str, list[tuple[str, str]]]:
        published = Path(self.config.report_published) if self.config.report_published else None
        if self.report_shared is None or published is None or not published.is_dir():
            return {}
        try:
            last = json.loads((Path(self.doctreedir) / FACTS).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        if last.get("frame") != self.config.report_frame or last.get("shared") != self.report_shared:
            return {}
        kept = {}
        for docname, (doctree, files) in last.get("pages", {}).items():
            if docname in self.env.found_docs and doctree == self.report_doctrees.get(docname):
                kept[docname] = [tuple(f) for f in files]
        return kept

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        files = self.report_kept.get(docname)
        if files and self._copy_published(files):
            self.report_copied.add(docname)
            # sphinx-sitemap lists the pages it is told of as they are written;
            # of the application it reads only the builder.
            if "sphinx_sitemap" in self.config.extensions:
                import sphinx_sitemap

                sphinx_sitemap.add_html_link(SimpleNamespace(builder=self), docname, "page.html", {}, doctree)
            return
        super().write_doc(docname, doctree)

    def _copy_published(self, files: list[tuple[str, str]]) -> bool:
        """Copy FILES (path, hash) from the published website, if it still holds them."""
        published = Path(self.config.report_published)
        if not all((published / name).is_file() and _sha(published / name) == sha for name, sha in files):
            return False
        for name, _ in files:
            target = Path(self.outdir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(published / name, target)
        return True


def record(app, exception) -> None:
    """build-finished: what the next build needs to know which pages it may copy."""
    builder = app.builder
    facts_file = Path(builder.doctreedir) / FACTS
    if not isinstance(builder, KeepingHTMLBuilder):
        return
    shared = getattr(builder, "report_shared", None)
    if exception is not None or shared is None:
        facts_file.unlink(missing_ok=True)
        return
    pages = {}
    outdir = Path(builder.outdir)
    for docname in sorted(builder.env.found_docs):
        if docname in builder.report_copied:  # the bytes recorded last time
            pages[docname] = [builder.report_doctrees[docname], [list(f) for f in builder.report_kept[docname]]]
            continue
        files = page_files(builder, docname)
        if all((outdir / f).is_file() for f in files):
            pages[docname] = [builder.report_doctrees[docname], [[f, _sha(outdir / f)] for f in files]]
    # "copied": what this build copied instead of rendering (for the tests; -q hides the log line).
    facts = {"frame": app.config.report_frame, "shared": shared, "pages": pages,
             "copied": sorted(builder.report_copied)}
    facts_file.write_text(json.dumps(facts, indent=0, sort_keys=True), encoding="utf-8")


def setup(app):
    # Passed by scripts/build.py: the digest of every input but the documents
    # (scripts/uptodate.py) and the folder of the last published website.
    app.add_config_value("report_frame", "", "", types=frozenset({str}))
    app.add_config_value("report_published", "", "", types=frozenset({str}))
    app.add_builder(KeepingHTMLBuilder, override=True)
    app.connect("build-finished", record)
    # Not parallel_write_safe: the pages copied are counted in this process.
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": False}
