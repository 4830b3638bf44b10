"""What the EPUB's package document says about the book beyond Sphinx's fields.

Why it exists: stores and library systems show readers the EPUB
Accessibility 1.1 metadata (access modes, features, hazards, a summary, the
conformance claim and who makes it), and catalogue a book by its main title
and subtitle, the creator's role and its subjects. Sphinx's package document
has none of these. This module works the values out from the book as built
(images, index, embedded font, language); the builder hands them to its
``content.opf.jinja`` through ``content_metadata()``. It also refuses empty or "unknown" metadata (R020).

Values are returned escaped for XML (:func:`text`, :func:`attr`), as the
templates expect, like the values of Sphinx's own ``content_metadata()``. It also refuses empty or "unknown" metadata (R020).
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The conformance claim (EPUB Accessibility 1.1, section 5.1).
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


def text(value: str) -> str:
    """VALUE escaped as XML element content."""
    return escape(value)


def attr(value: str) -> str:
    """VALUE escaped for a double-quoted XML attribute."""
    return escape(value, {'"': "&quot;"})


def is_english(lang: str | None) -> bool:
    return bool(lang) and lang.lower().split("-")[0] == "en"


def content_images(outdir: Path, cover: str | None) -> list[str]:
    """Images besides the cover (which repeats the title page in pictures)."""
    return sorted(
        name for p in outdir.rglob("*")
        if p.suffix.lower() in IMAGE_SUFFIXES
        and (name := p.relative_to(outdir).as_posix()) != cover
    )


def accessibility(images: bool, index: bool, korean_font: bool, language: str) -> list[tuple[str, str, str]]:
    """(property, escaped value, extra attributes) of each accessibility meta, in order."""
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if images:
        features.append("alternativeText")
    if index:
        features.append("index")
    metas = [("schema:accessMode", "textual")]
    if images:
        metas.append(("schema:accessMode", "visual"))
    metas.append(("schema:accessModeSufficient", "textual"))
    if images:
        metas.append(("schema:accessModeSufficient", "textual,visual"))
    metas += [("schema:accessibilityFeature", feature) for feature in features]
    metas.append(("schema:accessibilityHazard", "none"))
    rows = [(prop, text(value), "") for prop, value in metas]
    # The summary is English in every edition; a translation says so.
    rows.append(("schema:accessibilitySummary", text(summary(images, index, korean_font)),
                 english_marker(language)))
    rows.append(("dcterms:conformsTo", text(CONFORMS_TO), ""))
    return rows


def english_marker(language: str) -> str:
    """The attribute that marks English text in a book of another language."""
    return "" if is_english(language) else ' xml:lang="en"'


def summary(images: bool, index: bool, korean_font: bool) -> str:
    parts = [
        f"This publication meets {CONFORMS_TO.replace(' - ', ' and ')} in its publisher's own "
        "assessment (EPUBCheck, the project's automated tests, and a reading of the rendered pages).",
        "It has a table of contents, structured headings and a logical reading order",
    ]
    details = []
    if images:
        details.append("every image has a text alternative")
    if index:
        details.append("an index links to the passages it lists")
    korean = "Korean words are marked with their language so that text-to-speech reads them correctly"
    if korean_font:
        korean += (", and a subset of a Korean font is embedded so that they display even where "
                   "the device has no Korean font")
    details.append(korean)
    details.append("the stylesheet uses relative sizes, so reading systems can change fonts, "
                   "sizes and colours")
    return f"{parts[0]} {parts[1]}; " + "; ".join(details) + ". There are no known hazards."


def contributor(config) -> str | None:
    """The contributor, unless it merely repeats the creator or is Sphinx's default."""
    value = config.epub_contributor
    return None if value in {config.epub_author, "unknown", "", None} else text(value)


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
