"""An EPUB 3 that e-book stores and libraries accept.

Sphinx's own EPUB builder fails EPUBCheck (empty ``dc:rights`` and
``ibooks:version`` unless configured), declares no accessibility at all, has
no cover, ships unused theme files and an empty index page, writes the
NCX's ``dtb:uid`` from ``epub_uid`` (the XML id) instead of the identifier
(sphinx-doc/sphinx#11184), and zips files with their modification times, so
two builds of one commit differ. Its package-document template sits inside
the Sphinx package and cannot be overridden from a project.

This module replaces the ``epub`` builder with a subclass that keeps
Sphinx's pages and fixes the rest, on the files Sphinx writes:

- package document (content.opf): main title and subtitle, the creator's
  role, subjects, EPUB Accessibility 1.1 metadata (access modes, features,
  hazards, summary, ``dcterms:conformsTo``, ``a11y:certifiedBy``), the cover
  image's ``cover-image`` property, and a spine that opens with a cover page
  and a title page (both generated here, so they never appear in the HTML
  site); no ``unknown`` values and no contributor that merely repeats the
  creator;
- navigation document: landmarks (cover, title page, contents, start of the
  report, index) and an index entry when the index is in the spine;
- NCX: ``dtb:uid`` equal to ``epub_identifier``, as EPUB 2 readers expect;
- pages: ``lang``/``xml:lang`` on ``<html>``; any Hangul that templates
  (the index, the navigation) print outside a Korean element wrapped in
  ``<span lang="ko" xml:lang="ko">`` (report.hangul does it for the text);
  no viewport meta (ignored in reflowable books, EPUBCheck HTM-060b) and no
  deprecated ``doc-biblioentry`` role (EPUBCheck RSC-017);
- Korean text: a subset of Noto Serif CJK KR (SIL Open Font License 1.1,
  which allows embedding subsets in documents) holding only the characters
  the book sets in Korean, so readers without a Korean font still show it;
- the general index leaves the spine when it has no entries;
- files under ``_static/`` that no page or stylesheet uses are left out;
- the archive is reproducible: ``mimetype`` first and stored, the other
  members in a fixed order, every timestamp taken from SOURCE_DATE_EPOCH.

Messages (file and line, like every check of the build):

R020  an EPUB metadata setting is empty or Sphinx's default "unknown"
R021  a document is named like a page this builder generates (cover, titlepage)
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from lxml import etree
from repro_zipfile import ReproducibleZipFile
from sphinx.builders.epub3 import Epub3Builder
from sphinx.environment.adapters.indexentries import IndexEntries
from sphinx.locale import _
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from report.cover import cover_text, find_font
from report.hangul import HANGUL_RUN, is_korean

logger = logging.getLogger(__name__)

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"x": XHTML, "epub": OPS, "opf": OPF, "dc": DC, "ncx": NCX}

#: The conformance claim (EPUB Accessibility 1.1, section 5.1).
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
COVER_PAGE = "cover.xhtml"
TITLE_PAGE = "titlepage.xhtml"
FONT_CSS = "report-fonts.css"
FONT_DIR = "_static/fonts"
FONT_CREDIT = "Korean text is set in Noto Serif CJK KR (SIL Open Font License 1.1)."
#: Elements the stylesheet sets in bold: Hangul inside them needs the bold face.
BOLD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "th", "dt"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


# -- Pages ----------------------------------------------------------------------


class ReportEpubTranslator(HTML5Translator):
    """Sphinx's HTML5 writer, minus two things EPUBCheck reports."""

    def __init__(self, document, builder) -> None:
        super().__init__(document, builder)
        # Reading systems must ignore viewport in reflowable books (HTM-060b).
        self.meta = [m for m in self.meta if 'name="viewport"' not in m]

    def visit_citation(self, node) -> None:
        # docutils marks each entry role="doc-biblioentry", which DPUB-ARIA 1.1
        # deprecates (RSC-017); a list item inside docutils' role="list" says
        # the same thing to assistive technology.
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def _write_xml(tree: etree._ElementTree, path: Path, doctype: str | None = None) -> None:
    tree.write(str(path), encoding="utf-8", xml_declaration=True, doctype=doctype)


def _lang_of(element) -> str | None:
    """The language in force at ELEMENT (nearest lang or xml:lang)."""
    while element is not None:
        lang = element.get(XML_LANG) or element.get("lang")
        if lang:
            return lang
        element = element.getparent()
    return None


def _korean_span(text: str, tail: str | None) -> etree._Element:
    span = etree.Element(f"{{{XHTML}}}span")
    span.set("lang", "ko")
    span.set(XML_LANG, "ko")
    span.text = text
    span.tail = tail
    return span


def mark_hangul(root: etree._Element) -> int:
    """Wrap Hangul runs that are not yet in a Korean element; return how many.

    report.hangul marks the report's text while Sphinx writes it; this catches
    what templates print (index entries, navigation labels).
    """
    body = root.find(f"{{{XHTML}}}body")
    if body is None:
        return 0
    todo = []
    for element in body.iter(f"{{{XHTML}}}*"):
        if etree.QName(element).localname in {"script", "style"}:
            continue
        if element.text and HANGUL_RUN.search(element.text) and not is_korean(_lang_of(element)):
            todo.append((element, "text"))
        if element.tail and HANGUL_RUN.search(element.tail) and not is_korean(_lang_of(element.getparent())):
            todo.append((element, "tail"))
    for element, where in todo:
        source = getattr(element, where)
        pieces = []
        last = 0
        for match in HANGUL_RUN.finditer(source):
            pieces.append((source[last:match.start()], match.group()))
            last = match.end()
        rest = source[last:]
        if where == "text":
            element.text = pieces[0][0]
            anchor_parent, index = element, 0
        else:
            element.tail = pieces[0][0]
            anchor_parent, index = element.getparent(), element.getparent().index(element) + 1
        for number, (_before, korean) in enumerate(pieces):
            after = pieces[number + 1][0] if number + 1 < len(pieces) else rest
            anchor_parent.insert(index, _korean_span(korean, after))
            index += 1
    return len(todo)


def _is_english(lang: str | None) -> bool:
    return bool(lang) and lang.lower().split("-")[0] == "en"


# -- Builder --------------------------------------------------------------------


class ReportEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, finished for distribution (see the module docstring)."""

    name = "epub"
    default_translator_class = ReportEpubTranslator

    def init(self) -> None:
        super().init()
        # Generated in handle_finish (it depends on the text); linked from every page.
        self.add_css_file(FONT_CSS)

    # Pages

    def prepare_writing(self, docnames) -> None:
        # An index without entries would be an empty page in the spine.
        if self.use_index and not IndexEntries(self.env).create_index(self):
            self.use_index = False
        super().prepare_writing(docnames)
        lang = html.escape(self.config.epub_language)
        self.globalcontext["html_tag"] = (
            f'<html xmlns="{XHTML}" xmlns:epub="{OPS}" lang="{lang}" xml:lang="{lang}">'
        )

    def handle_page(self, pagename, addctx, templatename="page.html", *, outfilename=None, event_arg=None):
        super().handle_page(pagename, addctx, templatename, outfilename=outfilename, event_arg=event_arg)
        path = Path(outfilename) if outfilename else self.get_output_path(pagename)
        if path.suffix == self.out_suffix and path.exists():
            self.tidy_page(path)

    def tidy_page(self, path: Path) -> None:
        tree = etree.parse(str(path), _xml_parser())
        root = tree.getroot()
        # basic/layout.html prints a viewport meta of its own (HTM-060b).
        for meta in root.xpath("//x:meta[@name='viewport']", namespaces=NS):
            meta.getparent().remove(meta)
        mark_hangul(root)
        _write_xml(tree, path, doctype="<!DOCTYPE html>")

    # Finishing

    def handle_finish(self) -> None:
        self.get_toc()
        self.build_mimetype()
        self.build_container()
        pages = [p for p in sorted(Path(self.outdir).rglob(f"*{self.out_suffix}"))
                 if p.name not in {"nav.xhtml", COVER_PAGE, TITLE_PAGE}]
        korean = self.korean_text(pages)
        in_titles = HANGUL_RUN.search(" ".join(cover_text(self.config)))
        self.write_front_pages(credit_font=bool(korean or in_titles))
        for weight, chars in self.korean_text([Path(self.outdir) / TITLE_PAGE]).items():
            korean.setdefault(weight, set()).update(chars)
        self.write_korean_font(korean)
        self.prune_static_files()
        self.build_content()
        self.build_navigation_doc()
        self.build_toc()
        self.build_epub()

    @property
    def report_cover(self) -> str | None:
        cover = self.config.epub_cover
        return cover[0].replace(os.sep, "/") if cover else None

    def toc_metadata(self, level, navpoints):
        # sphinx-doc/sphinx#11184: dtb:uid must be the identifier, not its XML id.
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    # Korean font

    def korean_text(self, pages: list[Path]) -> dict[str, set[str]]:
        """Characters PAGES set in Korean: all of them ("Regular"), and those in bold.

        Regular takes every character, bold or not, since the navigation
        document repeats headings in regular weight.
        """
        chars: dict[str, set[str]] = {"Regular": set(), "Bold": set()}
        for path in pages:
            body = etree.parse(str(path), _xml_parser()).getroot().find(f"{{{XHTML}}}body")
            if body is None:
                continue
            for element in body.iter(f"{{{XHTML}}}*"):
                for text, owner in ((element.text, element), (element.tail, element.getparent())):
                    if not text or owner is None or not is_korean(_lang_of(owner)):
                        continue
                    wanted = {c for c in text if not c.isspace() or c == " "}
                    chars["Regular"].update(wanted)
                    if _is_bold(owner):
                        chars["Bold"].update(wanted)
        return {weight: c for weight, c in chars.items() if HANGUL_RUN.search("".join(c))}

    def write_korean_font(self, used: dict[str, set[str]]) -> None:
        """Subset Noto Serif CJK KR to the Korean text; write the font CSS."""
        outdir = Path(self.outdir)
        shutil.rmtree(outdir / FONT_DIR, ignore_errors=True)
        lines = ["/* Generated by report.epub; edit _ext/report/epub.py, not this file. */"]
        kept = set()
        for weight, chars in sorted(used.items(), reverse=True):
            name = f"NotoSerifCJKkr-{weight}-subset.otf"
            kept.add(self.subset_font(weight, chars, outdir / FONT_DIR / name))
            css_weight = "bold" if weight == "Bold" else "normal"
            lines.append(
                "/* Noto Serif CJK KR, SIL Open Font License 1.1 (licence in the font's name table);\n"
                "   a subset holding only the characters this book sets in Korean. */\n"
                f'@font-face {{ font-family: "Report Hangul"; font-style: normal; font-weight: {css_weight};\n'
                f'  src: url("fonts/{name}") format("opentype"); }}'
            )
        if used:
            lines.append(':lang(ko) { font-family: "Report Hangul", "Noto Serif CJK KR", serif; }')
        (outdir / "_static" / FONT_CSS).write_text("\n".join(lines) + "\n", encoding="utf-8")
        # Subsets of earlier versions of the text are of no further use.
        for stale in sorted((Path(self.doctreedir) / "report-epub-fonts").glob("*.otf")):
            if stale not in kept:
                stale.unlink()

    def subset_font(self, weight: str, chars: set[str], dest: Path) -> Path:
        # Subsetting a CJK face takes about 0.3 s: keep results by input, next
        # to the doctrees, so an unchanged book does not pay it again.
        import fontTools

        path, index = find_font("Noto Serif CJK KR", weight)
        stat = os.stat(path)
        key = hashlib.sha256(
            repr((path, index, stat.st_size, stat.st_mtime_ns, fontTools.version,
                  "".join(sorted(chars)))).encode()
        ).hexdigest()[:24]
        cache = Path(self.doctreedir) / "report-epub-fonts" / f"{key}.otf"
        if not cache.exists():
            from fontTools import subset
            from fontTools.ttLib import TTFont

            font = TTFont(path, fontNumber=index, recalcTimestamp=False, lazy=False)
            options = subset.Options()
            options.name_IDs = ["*"]  # keep the copyright and licence records (OFL condition 2)
            options.name_languages = ["*"]
            options.notdef_outline = True
            options.recalc_timestamp = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(text="".join(sorted(chars)))
            subsetter.subset(font)
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            font.save(str(tmp))
            tmp.replace(cache)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache, dest)
        return cache

    # Cover and title page

    def _page(self, title: str, body: str, stylesheets: list[str]) -> str:
        lang = html.escape(self.config.epub_language)
        links = "".join(
            f'\n    <link rel="stylesheet" type="text/css" href="_static/{css}" />' for css in stylesheets
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="{XHTML}" xmlns:epub="{OPS}" lang="{lang}" xml:lang="{lang}">\n'
            f'  <head>\n    <meta charset="utf-8" />\n    <title>{html.escape(title)}</title>{links}\n  </head>\n'
            f"{body}</html>\n"
        )

    def write_front_pages(self, credit_font: bool) -> None:
        """A cover page and a title page: EPUB-only front matter, not Sphinx documents."""
        outdir = Path(self.outdir)
        for page in (COVER_PAGE, TITLE_PAGE):
            docname = page.removesuffix(self.out_suffix)
            if docname in self.env.all_docs:
                logger.warning(
                    f"R021 document {docname!r} has the name of the EPUB's generated {page}, "
                    "which would replace it; rename the document",
                    location=(docname, 1), type="report", subtype="R021",
                )
        title, subtitle, author = cover_text(self.config)
        esc = html.escape
        if self.report_cover:
            alt = _("Cover: %(title)s, by %(author)s") % {
                "title": f"{title}: {subtitle}" if subtitle else title, "author": author}
            body = (
                '  <body class="cover" epub:type="cover">\n'
                '    <section class="cover" epub:type="cover">\n'
                f'      <img src="{esc(self.report_cover)}" alt="{esc(alt)}" role="doc-cover" />\n'
                "    </section>\n  </body>\n"
            )
            (outdir / COVER_PAGE).write_text(self._page(title, body, ["epub.css"]), encoding="utf-8")
        lines = [f'      <h1 class="title">{esc(title)}</h1>']
        if subtitle:
            lines.append(f'      <p class="subtitle">{esc(subtitle)}</p>')
        lines.append(f'      <p class="author">{esc(author)}</p>')
        if self.config.epub_publisher and self.config.epub_publisher != author:
            lines.append(f'      <p class="publisher">{esc(self.config.epub_publisher)}</p>')
        lines.append(f'      <p class="edition">{esc(_("Version"))} {esc(self.config.release)}</p>')
        lines.append(f'      <p class="rights">{esc(self.config.epub_copyright)}</p>')
        if credit_font:
            # In the edition's language where its catalog has the sentence,
            # else in English, and marked as such.
            credit = str(_(FONT_CREDIT))
            lang = "en" if credit == FONT_CREDIT else self.config.epub_language
            lines.append(f'      <p class="fonts" lang="{lang}" xml:lang="{lang}">{esc(credit)}</p>')
        body = (
            '  <body class="titlepage" epub:type="frontmatter">\n'
            '    <section class="titlepage" epub:type="titlepage">\n'
            + "\n".join(lines) + "\n    </section>\n  </body>\n"
        )
        (outdir / TITLE_PAGE).write_text(self._page(title, body, ["epub.css", FONT_CSS]), encoding="utf-8")
        mark = etree.parse(str(outdir / TITLE_PAGE), _xml_parser())
        if mark_hangul(mark.getroot()):
            _write_xml(mark, outdir / TITLE_PAGE, doctype="<!DOCTYPE html>")

    # Unused files

    def prune_static_files(self) -> None:
        """Delete files under _static/ that no page or used stylesheet refers to.

        Sphinx copies the whole theme (basic.css, plus.png, minus.png, the
        search scripts …) although the EPUB pages link only a few of them.
        """
        outdir = Path(self.outdir)
        used: set[str] = set()
        stylesheets: list[str] = []

        def note(base: str, ref: str) -> None:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or not parts.path:
                return
            target = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(parts.path)))
            if target not in used:
                used.add(target)
                if target.endswith(".css"):
                    stylesheets.append(target)

        for page in sorted(outdir.rglob(f"*{self.out_suffix}")):
            name = page.relative_to(outdir).as_posix()
            root = etree.parse(str(page), _xml_parser()).getroot()
            for element in root.iter():
                for attr in ("href", "src", "{http://www.w3.org/1999/xlink}href"):
                    if element.get(attr):
                        note(name, element.get(attr))
        while stylesheets:
            css = stylesheets.pop()
            if (outdir / css).is_file():
                for match in CSS_URL.finditer((outdir / css).read_text(encoding="utf-8")):
                    note(css, match.group(1) or match.group(2))
        for path in sorted((outdir / "_static").rglob("*")):
            if path.is_file() and path.relative_to(outdir).as_posix() not in used:
                path.unlink()

    # Package document

    def build_content(self) -> None:
        super().build_content()
        path = Path(self.outdir) / "content.opf"
        tree = etree.parse(str(path), _xml_parser())
        self.finish_package(tree.getroot())
        etree.indent(tree, space="  ")
        _write_xml(tree, path)

    def finish_package(self, package: etree._Element) -> None:
        config = self.config
        # Sphinx's template declares xmlns:opf on <metadata>, which would make
        # lxml write every added element as <opf:meta>; keep only dc there.
        old = package.find("opf:metadata", NS)
        metadata = etree.SubElement(package, f"{{{OPF}}}metadata", nsmap={"dc": DC})
        metadata.extend(list(old))
        package.replace(old, metadata)
        manifest = package.find("opf:manifest", NS)
        spine = package.find("opf:spine", NS)
        title, subtitle, author = cover_text(config)

        def add(tag: str, text: str, after=None, **attrs) -> etree._Element:
            namespace, name = tag.split(":")
            element = etree.SubElement(metadata, f"{{{NS[namespace]}}}{name}")
            element.text = text
            for key, value in attrs.items():
                element.set(key, value)
            if after is not None:
                after.addnext(element)
            return element

        # Titles: the main title and the subtitle, each with its type.
        main = metadata.find("dc:title", NS)
        main.set("id", "title")
        anchor = add("opf:meta", "main", after=main, refines="#title", property="title-type")
        if subtitle:
            sub = add("dc:title", subtitle, after=anchor, id="subtitle")
            add("opf:meta", "subtitle", after=sub, refines="#subtitle", property="title-type")

        creator = metadata.find("dc:creator", NS)
        creator.set("id", "creator")
        add("opf:meta", "aut", after=creator, refines="#creator", property="role", scheme="marc:relators")
        contributor = metadata.find("dc:contributor", NS)
        if contributor is not None and contributor.text in {creator.text, "unknown", "", None}:
            metadata.remove(contributor)
        for subject in config.report_subjects:
            add("dc:subject", subject)

        # Accessibility (EPUB Accessibility 1.1; schema.org vocabulary).
        images = self.content_images()
        features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
        if images:
            features.append("alternativeText")
        if self.use_index:
            features.append("index")
        add("opf:meta", "textual", property="schema:accessMode")
        if images:
            add("opf:meta", "visual", property="schema:accessMode")
        add("opf:meta", "textual", property="schema:accessModeSufficient")
        if images:
            add("opf:meta", "textual,visual", property="schema:accessModeSufficient")
        for feature in features:
            add("opf:meta", feature, property="schema:accessibilityFeature")
        add("opf:meta", "none", property="schema:accessibilityHazard")
        summary = add("opf:meta", self.accessibility_summary(images, bool(self.korean_font_files())),
                      property="schema:accessibilitySummary")
        add("opf:meta", CONFORMS_TO, property="dcterms:conformsTo")
        add("opf:meta", config.epub_publisher, property="a11y:certifiedBy")
        if not _is_english(config.epub_language):
            # The summary and the subject headings (Library of Congress) are
            # English in every edition; a translation says so.
            for element in [summary, *metadata.findall("dc:subject", NS)]:
                element.set(XML_LANG, "en")

        # The cover image is marked as such (EPUB 3) besides the EPUB 2 meta.
        hrefs = {item.get("href"): item for item in manifest.findall("opf:item", NS)}
        if self.report_cover in hrefs:
            hrefs[self.report_cover].set("properties", "cover-image")

        # Spine: cover, title page, then Sphinx's reading order.
        ids = {item.get("href"): item.get("id") for item in manifest.findall("opf:item", NS)}
        front = [ids[p] for p in (COVER_PAGE, TITLE_PAGE) if p in ids]
        for itemref in list(spine):
            if itemref.get("idref") in front:
                spine.remove(itemref)
        for position, idref in enumerate(front):
            spine.insert(position, spine.makeelement(f"{{{OPF}}}itemref", idref=idref))

        guide = package.find("opf:guide", NS)
        if guide is not None:
            position = 0
            for kind, label, href in (("cover", "Cover", COVER_PAGE), ("title-page", "Title page", TITLE_PAGE)):
                if href in ids:
                    guide.insert(position, guide.makeelement(
                        f"{{{OPF}}}reference", type=kind, title=_(label), href=href))
                    position += 1

    def content_images(self) -> list[str]:
        """Images besides the cover (which repeats the title page in pictures)."""
        return sorted(
            name for p in Path(self.outdir).rglob("*")
            if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
            and (name := p.relative_to(self.outdir).as_posix()) != self.report_cover
        )

    def korean_font_files(self) -> list[Path]:
        return sorted((Path(self.outdir) / FONT_DIR).glob("*.otf"))

    def accessibility_summary(self, images: list[str], korean_font: bool) -> str:
        parts = [
            f"This publication meets {CONFORMS_TO.replace(' - ', ' and ')} in its publisher's own "
            "assessment (EPUBCheck, the project's automated tests, and a reading of the rendered pages).",
            "It has a table of contents, structured headings and a logical reading order",
        ]
        details = []
        if images:
            details.append("every image has a text alternative")
        if self.use_index:
            details.append("an index links to the passages it lists")
        korean = "Korean words are marked with their language so that text-to-speech reads them correctly"
        if korean_font:
            korean += (", and a subset of a Korean font is embedded so that they display even where "
                       "the device has no Korean font")
        details.append(korean)
        details.append("the stylesheet uses relative sizes, so reading systems can change fonts, "
                       "sizes and colours")
        return f"{parts[0]} {parts[1]}; " + "; ".join(details) + ". There are no known hazards."

    # Navigation document

    def bodymatter_page(self) -> str:
        """The first required chapter (required_sections.yml), else the root document."""
        start = self.config.root_doc
        try:
            required = yaml.safe_load(
                (Path(self.confdir) / self.config.report_required_sections).read_text(encoding="utf-8")
            )
            start = self.env.get_domain("std").labels[required[0]["label"]][0]
        except (AttributeError, LookupError, OSError, TypeError):
            pass
        return start + self.out_suffix

    def build_navigation_doc(self) -> None:
        super().build_navigation_doc()
        path = Path(self.outdir) / "nav.xhtml"
        tree = etree.parse(str(path), _xml_parser())
        root = tree.getroot()
        body = root.find("x:body", NS)
        toc = body.find("x:nav", NS)
        toc.set("id", "toc")

        def element(tag: str, text: str | None = None, **attrs) -> etree._Element:
            node = etree.Element(f"{{{XHTML}}}{tag}")
            for key, value in attrs.items():
                node.set(f"{{{OPS}}}type" if key == "epub_type" else key, value)
            node.text = text
            return node

        if self.use_index:
            item = element("li")
            item.append(element("a", _("Index"), href="genindex" + self.out_suffix))
            toc.find("x:ol", NS).append(item)

        marks = [("cover", _("Cover"), COVER_PAGE), ("titlepage", _("Title page"), TITLE_PAGE),
                 ("toc", _("Table of Contents"), self.config.root_doc + self.out_suffix),
                 ("bodymatter", _("Start of content"), self.bodymatter_page())]
        if self.use_index:
            marks.append(("index", _("Index"), "genindex" + self.out_suffix))
        landmarks = element("nav", epub_type="landmarks", id="landmarks", hidden="hidden")
        landmarks.append(element("h2", _("Landmarks")))
        listing = element("ol")
        for kind, label, href in marks:
            if (Path(self.outdir) / href.split("#")[0]).exists():
                item = element("li")
                item.append(element("a", label, epub_type=kind, href=href))
                listing.append(item)
        landmarks.append(listing)
        body.append(landmarks)
        mark_hangul(root)
        etree.indent(tree, space="  ")
        _write_xml(tree, path, doctype="<!DOCTYPE html>")

    # Archive

    def build_epub(self) -> None:
        """Zip the book reproducibly: mimetype first and stored, then a fixed order.

        repro-zipfile stamps every member with SOURCE_DATE_EPOCH (1980-01-01
        without it) and fixed permissions; the creator system is fixed too.
        """
        outdir = Path(self.outdir)
        first = ["mimetype", "META-INF/container.xml", "content.opf"]
        rest = sorted({*self.files, "toc.ncx", "nav.xhtml"} - set(first))
        target = outdir / f"{self.config.epub_basename}.epub"
        tmp = target.with_name(target.name + ".tmp")
        with ReproducibleZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for name in first + rest:
                info = zipfile.ZipInfo(name)
                info.create_system = 3  # Unix, whatever the build machine
                info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                archive.writestr(info, (outdir / name).read_bytes())
        tmp.replace(target)


#: Settings that become package metadata; Sphinx fills several with "unknown".
METADATA_SETTINGS = ("epub_title", "epub_author", "epub_publisher", "epub_copyright",
                     "epub_identifier", "epub_description", "epub_language", "report_subjects")


def check_metadata(app) -> None:
    """R020: refuse an EPUB whose metadata would be empty or the literal "unknown"."""
    if app.builder.name != "epub":
        return
    conf = Path(app.confdir) / "conf.py"
    lines = conf.read_text(encoding="utf-8").splitlines() if conf.exists() else []

    def line_of(name: str) -> int:
        for number, line in enumerate(lines, 1):
            if re.match(rf"{name}\s*(:[^=]*)?=", line):
                return number
        return next((n for n, line in enumerate(lines, 1) if "EPUB output" in line), 1)

    for name in METADATA_SETTINGS:
        value = getattr(app.config, name)
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if not values or any(not str(v).strip() or str(v).strip() == "unknown" for v in values):
            logger.warning(
                f"R020 EPUB metadata {name} is empty or 'unknown' ({value!r}); set it in conf.py "
                "from report.toml", location=f"{conf}:{line_of(name)}", type="report", subtype="R020",
            )


def _is_bold(element) -> bool:
    while element is not None:
        if isinstance(element.tag, str) and etree.QName(element).localname in BOLD_TAGS:
            return True
        element = element.getparent()
    return False


def setup(app):
    app.setup_extension("report.cover")
    app.setup_extension("report.hangul")
    app.add_config_value("report_subjects", [], "epub", types=frozenset({list, tuple}))
    app.add_builder(ReportEpubBuilder, override=True)
    app.connect("builder-inited", check_metadata)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
