"""An EPUB 3 that e-book stores and libraries accept, on Sphinx's own builder.

Why it exists: Sphinx's EPUB builder fails EPUBCheck unless configured,
declares no accessibility, has no cover or title page, writes the NCX's
``dtb:uid`` from ``epub_uid`` (the XML id) instead of the identifier
(sphinx-doc/sphinx#11184), ships unused theme files and an empty index, and
zips files with their modification times. This module keeps Sphinx's builder
and uses its hooks:

- ``template_dir`` points at ``templates/epub3/``, adapted copies of Sphinx's
  package document, navigation document and NCX templates; the values they
  add come through ``content_metadata()`` (report.epubmeta),
  ``navigation_doc_metadata()`` and ``toc_metadata()``;
- the cover page (image from ``epub_cover``) and the title page are rendered
  from the same folder before the package document lists the files;
- each page is read once, in ``handle_page``, right after Sphinx writes it
  (report.epubpages), which also tells report.epubfonts which Korean
  characters to embed;
- report.epubarchive leaves unused theme files out and zips reproducibly.

docs/epub.md lists what is still changed after Sphinx wrote it, and why.

Messages (file and line, like every check of the build):

R020  an EPUB metadata setting is empty or Sphinx's default "unknown"
R021  a document is named like a page this builder generates (cover, titlepage)
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import quote

import yaml
from docutils import nodes
from sphinx.builders._epub_base import Guide, Spine
from sphinx.builders.epub3 import Epub3Builder, NavPoint
from sphinx.environment.adapters.indexentries import IndexEntries
from sphinx.locale import _

from report import epubarchive, epubfonts, epubfront, epubmeta, epubpages, secnumbers
from report.cover import cover_text
from report.epubfront import COVER_PAGE, TEMPLATES, TITLE_PAGE
from report.epubmeta import attr, text
from report.hangul import HANGUL_RUN, is_korean

XHTML_TAG = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
             'lang="{lang}" xml:lang="{lang}">')


class ReportEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder with the project's templates and page pass."""

    name = "epub"
    template_dir = TEMPLATES

    def init(self) -> None:
        super().init()
        self.page_facts: dict[str, epubpages.PageFacts] = {}
        # Generated in handle_finish (it depends on the text); linked from every page.
        self.add_css_file(epubfonts.FONT_CSS)

    def prepare_writing(self, docnames) -> None:
        # An index without entries would be an empty page in the spine.
        if self.use_index and not IndexEntries(self.env).create_index(self):
            self.use_index = False
        super().prepare_writing(docnames)
        self.globalcontext["html_tag"] = XHTML_TAG.format(lang=html.escape(self.config.epub_language))

    def handle_page(self, pagename, addctx, templatename="page.html", *, outfilename=None, event_arg=None):
        super().handle_page(pagename, addctx, templatename, outfilename=outfilename, event_arg=event_arg)
        path = Path(outfilename) if outfilename else self.get_output_path(pagename)
        if path.suffix == self.out_suffix and path.exists():
            name = path.relative_to(self.outdir).as_posix()
            kind = epubpages.semantics(self.config.report_epub_types, pagename)
            self.page_facts[name] = epubpages.tidy(path, name, kind)

    def handle_finish(self) -> None:
        self.get_toc()
        self.build_mimetype()
        self.build_container()
        outdir = Path(self.outdir)
        pages = self.written_page_facts()
        korean = _korean_with_hangul(pages)
        in_titles = HANGUL_RUN.search(" ".join(cover_text(self.config)))
        front = epubfront.write_front_pages(self, credit_font=bool(korean or in_titles))
        for weight, chars in _korean_with_hangul([front[TITLE_PAGE]]).items():
            korean.setdefault(weight, set()).update(chars)
        epubfonts.write_korean_font(outdir, korean)
        refs = set().union(*(facts.refs for facts in [*pages, *front.values()]))
        epubarchive.prune_static(outdir, refs)
        self.build_content()
        self.build_navigation_doc()
        self.build_toc()
        self.build_epub()

    def written_page_facts(self) -> list[epubpages.PageFacts]:
        """Facts of every page in the book; a page left by an earlier build into
        the same folder (not written this time) is read here."""
        found = []
        for path in sorted(Path(self.outdir).rglob(f"*{self.out_suffix}")):
            name = path.relative_to(self.outdir).as_posix()
            if name in {"nav.xhtml", COVER_PAGE, TITLE_PAGE}:
                continue
            if name not in self.page_facts:
                self.page_facts[name] = epubpages.facts(epubpages.parse(path).getroot(), name)
            found.append(self.page_facts[name])
        return found

    def get_refnodes(self, doctree, result):
        """Sphinx's contents entries, each with its section number as the page's
        heading has it: Sphinx takes the entry's text, and a toctree's numbers
        are the reference's ``secnumber``, which only the HTML writer prints."""
        start = len(result)
        result = super().get_refnodes(doctree, result)
        number = doctree.get("secnumber") if isinstance(doctree, nodes.reference) else None
        if number and len(result) > start:
            numbered = secnumbers.prefix(number, self.config.html_secnumber_suffix)
            result[start]["text"] = html.escape(numbered) + result[start]["text"]
        return result

    @property
    def report_cover(self) -> str | None:
        cover = self.config.epub_cover
        return cover[0].replace(os.sep, "/") if cover else None

    # Package document, navigation document, NCX

    def content_metadata(self):
        metadata = super().content_metadata()
        config = self.config
        for key, value in (("title", config.epub_title), ("author", config.epub_author),
                           ("publisher", config.epub_publisher), ("copyright", config.epub_copyright),
                           ("id", config.epub_identifier), ("description", config.epub_description),
                           ("version", config.version)):
            metadata[key] = text(value)
        metadata["lang"] = attr(config.epub_language)
        metadata["uid"] = attr(config.epub_uid)
        subtitle = cover_text(config)[1]
        images = epubmeta.content_images(Path(self.outdir), self.report_cover)
        korean_font = bool(epubfonts.korean_font_files(Path(self.outdir)))
        metadata.update(
            subtitle=text(subtitle) if subtitle else "",
            contributor=epubmeta.contributor(config),
            subjects=[text(subject) for subject in config.report_subjects],
            # Library of Congress subject headings are English in every edition.
            subject_lang=epubmeta.english_marker(config.epub_language),
            accessibility=epubmeta.accessibility(bool(images), self.use_index, korean_font,
                                                 config.epub_language),
            cover_href=html.escape(quote(self.report_cover)) if self.report_cover else None,
            front_guides=[Guide(kind, attr(str(_(label))), page) for kind, label, page in (
                ("cover", "Cover", COVER_PAGE), ("title-page", "Title page", TITLE_PAGE))
                if (Path(self.outdir) / page).is_file()],
            front_first=self.front_first,
        )
        return metadata

    def front_first(self, spines: list[Spine]) -> list[Spine]:
        """The reading order: cover, title page, then Sphinx's spine."""
        front = [self.id_cache[page] for page in (COVER_PAGE, TITLE_PAGE) if page in self.id_cache]
        return [Spine(idref, True) for idref in front] + [s for s in spines if s.idref not in front]

    def navigation_doc_metadata(self, navlist):
        metadata = super().navigation_doc_metadata(navlist)
        index = "genindex" + self.out_suffix
        entries = _unescaped(navlist)
        if self.use_index:
            entries.append(NavPoint(str(_("Index")), index, []))
        marks = [("cover", _("Cover"), COVER_PAGE), ("titlepage", _("Title page"), TITLE_PAGE),
                 ("toc", _("Table of Contents"), self.config.root_doc + self.out_suffix),
                 ("bodymatter", _("Start of content"), bodymatter_page(self))]
        for doc, kind in self.config.report_epub_types.items():
            if kind in ("glossary", "bibliography") and doc in self.env.titles:
                marks.append((kind, self.env.titles[doc].astext(), doc + self.out_suffix))
        if self.use_index:
            marks.append(("index", _("Index"), index))
        korean_book = is_korean(self.config.epub_language)
        metadata.update(
            lang=attr(self.config.epub_language),
            toc_title=html.unescape(metadata["toc_locale"]),
            navlist=entries,
            landmarks_title=str(_("Landmarks")),
            landmarks=[(kind, str(label), href) for kind, label, href in marks
                       if (Path(self.outdir) / href.split("#")[0]).exists()],
            text=text, href=attr,
            label=text if korean_book else _mark_hangul,
        )
        return metadata

    def toc_metadata(self, level, navpoints):
        # sphinx-doc/sphinx#11184: dtb:uid must be the identifier, not its XML id.
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def build_epub(self) -> None:
        epubarchive.write_epub(Path(self.outdir), self.files, self.config.epub_basename)


def bodymatter_page(builder) -> str:
    """The first required chapter (required_sections.yml), else the root document."""
    start = builder.config.root_doc
    try:
        required = yaml.safe_load(
            (Path(builder.confdir) / builder.config.report_required_sections).read_text(encoding="utf-8")
        )
        start = builder.env.get_domain("std").labels[required[0]["label"]][0]
    except (AttributeError, LookupError, OSError, TypeError):
        pass
    return start + builder.out_suffix


def _korean_with_hangul(pages: list[epubpages.PageFacts]) -> dict[str, set[str]]:
    """Characters PAGES set in Korean, by weight, keeping only weights with Hangul."""
    chars: dict[str, set[str]] = {}
    for page in pages:
        for weight, found in page.korean.items():
            chars.setdefault(weight, set()).update(found)
    return {weight: c for weight, c in chars.items() if HANGUL_RUN.search("".join(c))}


def _unescaped(navlist: list[NavPoint]) -> list[NavPoint]:
    """Sphinx's navigation entries with their labels as plain text (the template escapes)."""
    return [NavPoint(html.unescape(nav.text), nav.refuri, _unescaped(nav.children)) for nav in navlist]


def _mark_hangul(value: str) -> str:
    """VALUE escaped, each Hangul run in an element that says it is Korean."""
    pieces, last = [], 0
    for match in HANGUL_RUN.finditer(value):
        pieces.append(text(value[last:match.start()]))
        pieces.append(f'<span lang="ko" xml:lang="ko">{text(match.group())}</span>')
        last = match.end()
    return "".join(pieces) + text(value[last:])


def setup(app):
    app.setup_extension("report.cover")
    app.setup_extension("report.hangul")
    app.add_config_value("report_subjects", [], "epub", types=frozenset({list, tuple}))
    # Each page's kind in the EPUB vocabulary (epub:type and its DPUB-ARIA
    # role), by document name, or by folder for a name ending in "/".
    app.add_config_value("report_epub_types", {
        "frontmatter/executive-summary": "preamble", "frontmatter/about": "preface",
        "chapters/": "chapter", "backmatter/glossary": "glossary", "backmatter/timeline": "appendix",
        "backmatter/references": "bibliography", "backmatter/colophon": "colophon", "genindex": "index",
    }, "epub", types=frozenset({dict}))
    app.add_builder(ReportEpubBuilder, override=True)
    app.connect("builder-inited", epubmeta.check_metadata)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
