"""The PDF's XMP metadata, written from report.toml.

hyperref fills the PDF's document-information dictionary (title, author,
subject, keywords, language: report.edition). Archives, reference managers
and PDF/A tools read the XMP packet instead: XML in the catalog's
``/Metadata`` stream, which XeLaTeX does not write. hyperxmp, LaTeX's package
for it, writes the packet after the last page under XeTeX and drops the
author and keywords there, so this module writes the packet itself:
``report.xmp`` beside the .tex (the latex builder's output folder, which Read
the Docs' latexmk compiles as well), put into the PDF by xdvipdfmx's own
specials on the first page. It says what the information dictionary says, and
more: the description, the subjects one by one, the publisher, the
identifier, the licence and its address, in the edition's language.

Dates follow SOURCE_DATE_EPOCH, as the information dictionary's do, so two
builds of one commit give the same bytes.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from xml.sax.saxutils import escape

from sphinx.application import Sphinx
from sphinx.config import Config

from report import edition as editions
from report import identity

XMP_FILE = "report.xmp"

#: On the first page (LaTeX's shipout/firstpage hook): the packet as an object
#: of its own, then the catalog's /Metadata pointing at it.
SPECIALS = rf"""
% XMP metadata (report.pdfmeta): {XMP_FILE} as the catalog's /Metadata stream.
\AddToHook{{shipout/firstpage}}{{%
  \special{{pdf:fstream @reportxmp ({XMP_FILE}) <</Type /Metadata /Subtype /XML>>}}%
  \special{{pdf:put @catalog <</Metadata @reportxmp>>}}}}
"""

NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
}


def timestamp() -> str:
    """The build's date as XMP writes it (UTC): SOURCE_DATE_EPOCH, else now."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _alt(value: str, language: str) -> str:
    # x-default first: what a reader shows when it does not ask for a language.
    return (f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li>'
            f'<rdf:li xml:lang="{escape(language)}">{escape(value)}</rdf:li></rdf:Alt>')


def _list(kind: str, values: list[str]) -> str:
    items = "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values)
    return f"<rdf:{kind}>{items}</rdf:{kind}>"


def packet(report: dict, language: str, rights: str, when: str) -> str:
    """The XMP packet of the edition in LANGUAGE."""
    ed = editions.edition_of(report, language)
    properties = [
        ("dc:format", escape("application/pdf")),
        ("dc:title", _alt(f"{ed['title']}: {ed['subtitle']}", language)),
        ("dc:creator", _list("Seq", [ed["author"]])),
        ("dc:publisher", _list("Bag", [ed["publisher"]])),
        ("dc:description", _alt(ed["description"], language)),
        ("dc:subject", _list("Bag", list(report["subjects"]))),
        ("dc:language", _list("Bag", [language])),
        ("dc:identifier", escape(ed["identifier"])),
        ("dc:rights", _alt(rights, language)),
        ("xmpRights:Marked", "True"),
        ("xmpRights:WebStatement", escape(report["licence_url"])),
        ("pdf:Keywords", escape(", ".join(report["subjects"]))),
        ("xmp:CreateDate", when),
        ("xmp:ModifyDate", when),
        ("xmp:MetadataDate", when),
        ("xmpMM:DocumentID", escape(ed["identifier"])),
    ]
    declarations = "".join(f'\n    xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    body = "".join(f"\n   <{name}>{value}</{name}>" for name, value in properties)
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            f'  <rdf:Description rdf:about=""{declarations}>{body}\n'
            '  </rdf:Description>\n'
            ' </rdf:RDF>\n'
            '</x:xmpmeta>\n'
            '<?xpacket end="r"?>\n')


def add_specials(app: Sphinx, config: Config) -> None:
    """config-inited, after report.edition has written the preamble."""
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + SPECIALS
    config.latex_elements = elements


def write_packet(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: report.xmp beside the .tex, for xdvipdfmx."""
    if exception is not None or app.builder.name != "latex":
        return
    report = identity.load(Path(app.confdir) / "report.toml")
    text = packet(report, app.config.language, app.config.epub_copyright, timestamp())
    (Path(app.outdir) / XMP_FILE).write_text(text, encoding="utf-8")


def setup(app: Sphinx):
    # After report.edition (priority 300), which writes the preamble afresh.
    app.connect("config-inited", add_specials, priority=400)
    app.connect("build-finished", write_packet)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
