"""The PDFs' XMP metadata says what report.toml says, in the edition's language.

Read from the session's builds of both editions with pypdf: the catalog's
/Metadata stream (report.pdfmeta) carries the title, author, publisher,
description, subjects, language, identifier, rights and licence, and the
dates of SOURCE_DATE_EPOCH, agreeing with the document-information dictionary
that hyperref writes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import REPORT, SOURCE_DATE_EPOCH
from pypdf import PdfReader

pytestmark = pytest.mark.requires_tex


def edition(language: str) -> dict:
    return {**REPORT, **REPORT.get(language, {})} if language != REPORT["language"] else REPORT


@pytest.mark.parametrize("language", [REPORT["language"], "ko"])
def test_xmp_metadata_follows_report_toml(language: str, request) -> None:
    pdf = request.getfixturevalue("pdf_file" if language == REPORT["language"] else "ko_pdf_file")
    reader = PdfReader(pdf)
    assert "/Metadata" in reader.trailer["/Root"], "the PDF has no XMP metadata"
    xmp, info, ed = reader.xmp_metadata, reader.metadata, edition(language)
    title = f"{ed['title']}: {ed['subtitle']}"
    assert xmp.dc_title == {"x-default": title, language: title}
    assert info.title == title
    assert xmp.dc_creator == [ed["author"]] and info.author == ed["author"]
    assert xmp.dc_publisher == [ed["publisher"]]
    assert xmp.dc_description["x-default"] == ed["description"]
    assert xmp.dc_subject == REPORT["subjects"]
    assert xmp.pdf_keywords == info["/Keywords"] == ", ".join(REPORT["subjects"])
    assert xmp.dc_language == [language]
    assert xmp.dc_identifier == ed["identifier"] == xmp.xmpmm_document_id
    assert xmp.dc_rights["x-default"].startswith("© ") and REPORT["licence"] in xmp.dc_rights["x-default"]
    when = dt.datetime.fromtimestamp(SOURCE_DATE_EPOCH, dt.timezone.utc).replace(tzinfo=None)
    assert xmp.xmp_create_date == xmp.xmp_modify_date == xmp.xmp_metadata_date == when
    assert info["/CreationDate"].startswith(when.strftime("D:%Y%m%d%H%M%S"))


def test_the_packet_escapes_what_xml_must(tmp_path: Path) -> None:
    from report import pdfmeta

    report = {**REPORT, "title": "A & B <C>", "subjects": ["X & Y"]}
    text = pdfmeta.packet(report, REPORT["language"], "© 2026 D & E", "2026-01-01T00:00:00Z")
    assert "A &amp; B &lt;C&gt;" in text and "X &amp; Y" in text and "D &amp; E" in text
    from lxml import etree

    etree.fromstring(text.split("?>", 1)[1].rsplit("<?xpacket", 1)[0].encode())
