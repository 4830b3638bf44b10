"""One reading of each EPUB page, right after Sphinx writes it.

Why it exists: three things in the pages Sphinx writes come from templates that
no setting or context value controls, and EPUBCheck, Ace or readers object to them:

- the theme's ``layout.html`` prints ``<meta name="viewport">``
  unconditionally; reading systems must ignore it in a reflowable book
  (EPUBCheck HTM-060b);
- templates print Hangul from context strings that never pass through a
  writer, so report.hangul cannot mark them (index entries): outside any
  Korean element, they would be read aloud and drawn as English;
- neither the epub theme's ``<body>`` nor the HTML writer's ``<section>`` can
  say what a page is (front matter, a chapter, the glossary …): reading
  systems and assistive technology read that from ``epub:type`` and ``role``;
- the HTML writer gives a toctree's caption ``role="heading"`` without
  ``aria-level`` (the website's theme adds it, the epub theme does not):
  Ace reports aria-required-attr, and a screen reader cannot place the
  caption in the page's outline.

The builder also needs two facts about every page: which characters it sets
in Korean (report.epubfonts subsets the Korean font to them) and which files
it refers to (report.epubarchive leaves the others out). :func:`tidy` gets all
of it from one parse; the builder calls it from ``handle_page``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from report.hangul import HANGUL_RUN, is_korean

XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
#: Elements the stylesheet sets in bold: Hangul inside them needs the bold face.
BOLD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "th", "dt"}


#: The EPUB vocabulary's kinds of section that have a DPUB-ARIA role of the
#: same meaning: Ace (epub-type-has-matching-role) asks for both.
ROLES = {"chapter": "doc-chapter", "preface": "doc-preface", "glossary": "doc-glossary",
         "appendix": "doc-appendix", "bibliography": "doc-bibliography", "colophon": "doc-colophon",
         "index": "doc-index"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@dataclass(frozen=True)
class Semantics:
    """The part of the book a page belongs to, and the kind of its top section."""

    part: str  # frontmatter, bodymatter or backmatter
    kind: str | None = None  # chapter, glossary … (the EPUB Structural Semantics Vocabulary)


def semantics(kinds: dict[str, str], pagename: str) -> Semantics:
    """What the page is, for reading systems and assistive technology: the
    part of the book (epub:type on the body) and, where the EPUB vocabulary
    has a name for it, the kind of its top section (KINDS: report_epub_types)."""
    kind = kinds.get(pagename) or next(
        (k for prefix, k in kinds.items() if prefix.endswith("/") and pagename.startswith(prefix)), None)
    if kind == "chapter":
        part = "bodymatter"
    elif pagename.startswith("backmatter/") or pagename == "genindex":
        part = "backmatter"
    else:
        part = "frontmatter"
    return Semantics(part, kind)


@dataclass
class PageFacts:
    """What the rest of the build needs to know about one written page."""

    korean: dict[str, set[str]] = field(default_factory=dict)  # weight: characters
    refs: set[str] = field(default_factory=set)  # files, relative to the book's root


def parse(path: Path) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return etree.parse(str(path), parser)


def write(tree: etree._ElementTree, path: Path) -> None:
    tree.write(str(path), encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")


def tidy(path: Path, name: str, semantics: Semantics | None = None) -> PageFacts:
    """Fix a page Sphinx wrote (viewport, Hangul), say what it is, and return its facts."""
    tree = parse(path)
    root = tree.getroot()
    for meta in list(root.iter(f"{{{XHTML}}}meta")):
        if meta.get("name") == "viewport":
            meta.getparent().remove(meta)
    mark_hangul(root)
    level_headings(root)
    if semantics is not None:
        mark_semantics(root, semantics)
    write(tree, path)
    return facts(root, name)


def mark_semantics(root: etree._Element, semantics: Semantics) -> None:
    """epub:type on the body (the part) and on the page's first section (its
    kind, with the matching role): the epub theme's templates and the HTML
    writer have no place for either."""
    body = root.find(f"{{{XHTML}}}body")
    if body is None:
        return
    body.set(EPUB_TYPE, semantics.part)
    section = next(body.iter(f"{{{XHTML}}}section"), None)
    if semantics.kind and section is not None:
        section.set(EPUB_TYPE, semantics.kind)
        if semantics.kind in ROLES:
            section.set("role", ROLES[semantics.kind])


def level_headings(root: etree._Element) -> None:
    """Give every ``role="heading"`` without a level the level it sits at: one
    below the sections around it, as the captions' own headings would be."""
    for element in root.iter(f"{{{XHTML}}}*"):
        if element.get("role") != "heading" or element.get("aria-level"):
            continue
        depth = sum(1 for above in element.iterancestors(f"{{{XHTML}}}section"))
        element.set("aria-level", str(min(depth + 1, 6)))


def finish_front_page(path: Path, name: str, korean: bool = True) -> PageFacts:
    """Mark Hangul in a page the builder rendered; rewrite it only if needed."""
    tree = parse(path)
    if mark_hangul(tree.getroot()):
        write(tree, path)
    found = facts(tree.getroot(), name)
    if not korean:
        found.korean = {}
    return found


def facts(root: etree._Element, name: str) -> PageFacts:
    return PageFacts(korean=korean_chars(root), refs=references(root, name))


def korean_chars(root: etree._Element) -> dict[str, set[str]]:
    """Characters the page sets in Korean: all of them ("Regular"), and those in bold.

    Regular takes every character, bold or not, since the navigation
    document repeats headings in regular weight.
    """
    chars: dict[str, set[str]] = {"Regular": set(), "Bold": set()}
    body = root.find(f"{{{XHTML}}}body")
    if body is not None:
        _collect_korean(body, lang_of(body), _is_bold(body), chars)
    return chars


def _collect_korean(element, lang: str | None, bold: bool, chars: dict[str, set[str]]) -> None:
    """One walk down the tree, carrying the language and weight in force
    (asking each text's ancestors instead took a tenth of the EPUB's pages' time)."""
    lang = element.get(XML_LANG) or element.get("lang") or lang
    bold = bold or etree.QName(element).localname in BOLD_TAGS
    korean = is_korean(lang)
    if korean and element.text and _is_xhtml(element):
        _add_korean(element.text, bold, chars)
    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            continue
        _collect_korean(child, lang, bold, chars)
        if korean and child.tail and _is_xhtml(child):
            _add_korean(child.tail, bold, chars)


def _is_xhtml(element) -> bool:
    return element.tag.startswith(f"{{{XHTML}}}")


def _add_korean(text: str, bold: bool, chars: dict[str, set[str]]) -> None:
    wanted = {c for c in text if not c.isspace() or c == " "}
    chars["Regular"].update(wanted)
    if bold:
        chars["Bold"].update(wanted)


def _is_bold(element) -> bool:
    while element is not None:
        if isinstance(element.tag, str) and etree.QName(element).localname in BOLD_TAGS:
            return True
        element = element.getparent()
    return False


def references(root: etree._Element, name: str) -> set[str]:
    """Files of the book that the page NAME refers to (links, images, styles)."""
    found = set()
    for element in root.iter():
        for attr in ("href", "src", XLINK_HREF):
            if element.get(attr):
                target = resolve(name, element.get(attr))
                if target:
                    found.add(target)
    return found


def resolve(base: str, ref: str) -> str | None:
    """REF, written in the file BASE, as a path from the book's root; None if external."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(parts.path)))


def lang_of(element) -> str | None:
    """The language in force at ELEMENT (nearest lang or xml:lang)."""
    while element is not None:
        lang = element.get(XML_LANG) or element.get("lang")
        if lang:
            return lang
        element = element.getparent()
    return None


def mark_hangul(root: etree._Element) -> int:
    """Wrap Hangul runs that are not yet in a Korean element; return how many texts changed.

    report.hangul marks the report's text while Sphinx writes it; this catches
    what templates print (index entries).
    """
    body = root.find(f"{{{XHTML}}}body")
    if body is None:
        return 0
    todo = []
    for element in body.iter(f"{{{XHTML}}}*"):
        if etree.QName(element).localname in {"script", "style"}:
            continue
        if element.text and HANGUL_RUN.search(element.text) and not is_korean(lang_of(element)):
            todo.append((element, "text"))
        if element.tail and HANGUL_RUN.search(element.tail) and not is_korean(lang_of(element.getparent())):
            todo.append((element, "tail"))
    for element, where in todo:
        _wrap_runs(element, where)
    return len(todo)


def _wrap_runs(element: etree._Element, where: str) -> None:
    source = getattr(element, where)
    pieces = []
    last = 0
    for match in HANGUL_RUN.finditer(source):
        pieces.append((source[last:match.start()], match.group()))
        last = match.end()
    rest = source[last:]
    if where == "text":
        element.text = pieces[0][0]
        parent, index = element, 0
    else:
        element.tail = pieces[0][0]
        parent, index = element.getparent(), element.getparent().index(element) + 1
    for number, (_before, korean) in enumerate(pieces):
        span = etree.Element(f"{{{XHTML}}}span")
        span.set("lang", "ko")
        span.set(XML_LANG, "ko")
        span.text = korean
        span.tail = pieces[number + 1][0] if number + 1 < len(pieces) else rest
        parent.insert(index, span)
        index += 1
