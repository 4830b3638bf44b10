"""Every link, image and anchor resolves, in the website, the EPUB and the PDF.

External links are checked on demand by `make linkcheck` (they need the
network); here the checker itself is shown to work against a local server.
"""

from __future__ import annotations

import http.server
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree, html
from pypdf import PdfReader

from helpers import REPORT, ROOT, broken_links, copy_root, serve

# A link from the site's root under its hosted path (/en/latest/index.html),
# should a page have one, is resolved against the built site.
SITE_PATH = urlsplit(REPORT["base_url"]).path


def test_html_internal_links_resolve(html_dir: Path) -> None:
    # _static/ holds the theme's template fragments, not pages.
    pages = sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)
    assert not broken_links(html_dir, pages, lambda p: html.parse(str(p)), SITE_PATH)


def test_epub_internal_links_resolve(epub_dir: Path) -> None:
    pages = sorted(epub_dir.rglob("*.xhtml"))
    assert not broken_links(epub_dir, pages, lambda p: etree.parse(str(p)))


def test_epub_manifest_files_exist(epub_dir: Path) -> None:
    opf = next(epub_dir.rglob("*.opf"))
    hrefs = etree.parse(str(opf)).xpath("//*[local-name()='item']/@href")
    missing = [h for h in hrefs if not (opf.parent / unquote(h)).exists()]
    assert not missing, f"manifest items missing from the EPUB: {missing}"


def test_link_checker_catches_a_broken_internal_link(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<html><body><a href="b.html#here">b</a><a href="c.html">c</a></body></html>')
    (tmp_path / "b.html").write_text('<html><body><p id="elsewhere">b</p></body></html>')
    found = broken_links(tmp_path, [tmp_path / "a.html"], lambda p: html.parse(str(p)))
    assert found == ["a.html: b.html#here (no such anchor)", "a.html: c.html (no such file)"]


def test_no_duplicate_ids_in_any_page(html_dir: Path, epub_dir: Path) -> None:
    duplicates = {}
    for root, pattern, parse in ((html_dir, "*.html", lambda p: html.parse(str(p))),
                                 (epub_dir, "*.xhtml", lambda p: etree.parse(str(p)))):
        for page in root.rglob(pattern):
            counts = Counter(parse(page).xpath("//@id"))
            dupes = [i for i, n in counts.items() if n > 1]
            if dupes:
                duplicates[str(page.relative_to(root))] = dupes
    assert not duplicates, duplicates


# -- The two "Cultural Exchange" sections stay distinct ---------------------------------

CULTURAL = {"cultural-exchange-today": "02-current-state", "cultural-exchange-ahead": "04-future"}


def test_cultural_exchange_anchors_distinct_in_html_and_epub(html_dir: Path, epub_dir: Path) -> None:
    for label, chapter in CULTURAL.items():
        page = html.parse(str(html_dir / "chapters" / f"{chapter}.html"))
        assert page.xpath(f"//section[@id='{label}']/h2[contains(., 'Cultural Exchange')]"), label
        xhtml = etree.parse(str(next(epub_dir.rglob(f"{chapter}.xhtml"))))
        assert xhtml.xpath(f"//*[@id='{label}']"), f"EPUB lacks anchor {label}"
    nav = (next(epub_dir.rglob("nav.xhtml"))).read_text(encoding="utf-8")
    for label, chapter in CULTURAL.items():
        assert f"{chapter}.xhtml#{label}" in nav


@pytest.mark.requires_tex
def test_pdf_links_have_destinations(pdf_file: Path) -> None:
    reader = PdfReader(str(pdf_file))
    names = set(reader.named_destinations)
    # LaTeX's .aux maps each label to the hyperref anchor it lands on.
    aux = pdf_file.with_suffix(".aux").read_text(encoding="utf-8")
    anchors = {label: re.search(rf"\\newlabel{{chapters/{chapter}:{label}}}{{{{[^}}]*}}{{[^}}]*}}{{[^}}]*}}{{([^}}]*)}}", aux)
               for label, chapter in CULTURAL.items()}
    assert all(anchors.values()), f"labels missing from the LaTeX output: {anchors}"
    targets = {label: match.group(1) for label, match in anchors.items()}
    assert len(set(targets.values())) == 2, f"the two Cultural Exchange labels share an anchor: {targets}"
    assert set(targets.values()) <= names, f"anchors without a PDF destination: {targets}"
    dangling = []
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            dest = annot.get("/Dest") or (action.get("/D") if action and action.get("/S") == "/GoTo" else None)
            if isinstance(dest, str) and dest not in names:
                dangling.append((number, dest))
    assert not dangling, f"links to missing destinations (page, name): {dangling[:10]}"


# -- External links ----------------------------------------------------------------------

# Sources published over plain http only, each with the reason it is cited anyway.
HTTP_ONLY = {
    # The one reproduction of the Foreign Ministry's treaty record (Treaty No. 34,
    # in force 18 November 1954) among the sources; the Ministry's own page is gone.
    "http://www.tokdo.kr/detail.php?number=1037&thread=24r07",
    # The Korea Times US edition's report of Open Doors 2025 (Korean students in
    # the United States in 2024/25), the one copy of those figures among the
    # sources; it was found only at this http:// address.
    "http://mapp.koreatimes.com/article/20251118/1589596",
}


def test_external_links_are_https(html_dir: Path) -> None:
    insecure = []
    for page in html_dir.rglob("*.html"):
        for href in html.parse(str(page)).xpath("//a[contains(@class,'external')]/@href"):
            if not href.startswith(("https://", "mailto:")) and href not in HTTP_ONLY:
                insecure.append(f"{page.relative_to(html_dir)}: {href}")
    assert not insecure, insecure
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    plain = set(re.findall(r"url\s*=\s*\{(http://[^}]*)\}", bib)) - HTTP_ONLY
    assert not plain, f"http:// URL in references.bib: {sorted(plain)}"


class _Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/good"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>ok</body></html>" if ok else b"not found")

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


def test_linkcheck_reports_a_broken_link(make_app, rootdir, sphinx_test_tempdir) -> None:
    """Sphinx's linkcheck, the builder `make linkcheck` runs, against a local
    server, on a small test root: the broken link named with its file and line."""
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "linkcheck", "local")
    chapter = srcdir / "chapter.md"
    with serve(handler=_Site) as base:
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(text + f"\nSee [a good page]({base}good) and [a gone page]({base}gone).\n",
                           encoding="utf-8")
        line = len(text.splitlines()) + 2
        app = make_app("linkcheck", srcdir=srcdir)
        app.build()
    assert app.statuscode != 0, "linkcheck passed a broken link"
    results = {r["uri"]: r for r in map(json.loads, (app.outdir / "output.json").read_text().splitlines())}
    assert results[f"{base}good"]["status"] == "working"
    gone = results[f"{base}gone"]
    assert gone["status"] == "broken" and gone["filename"] == "chapter.md" and gone["lineno"] == line, gone
