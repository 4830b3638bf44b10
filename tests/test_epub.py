"""The EPUB is one that e-book stores and libraries accept (docs/epub.md).

Every check reads the built e-book (the session's `epub_file`, unpacked in
`epub_dir`): EPUBCheck's verdict, the package document's metadata and
accessibility metadata, the navigation document, the cover, alt text, the
language of every Hangul run, the embedded Korean font, the stylesheet and
the archive itself. Browser checks render the pages at phone width in
Debian's Chromium. Slow checks build a second EPUB, to show that identical
input gives identical bytes, and a tiny project, to show the builder's own
refusals and the empty-index rule.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from lxml import etree
from PIL import Image

from helpers import (HANGUL, NS, REPORT, ROOT, SOURCE_DATE_EPOCH, XML_LANG, clean_title, copy_root,
                     epubcheck, manifest, meta, package, reported, run_epubcheck, spine, text_runs,
                     xhtml_pages)
from helpers import parse_xml as parse

# Values from the schema.org accessibility vocabulary that the book may claim.
ACCESS_MODES = {"textual", "visual", "auditory", "tactile", "mathOnVisual", "chartOnVisual",
                "diagramOnVisual", "textOnVisual"}
FEATURES = {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText",
            "displayTransformability", "index", "longDescription", "MathML", "pageNavigation",
            "printPageNumbers", "ttsMarkup", "highContrastDisplay", "largePrint", "captions",
            "describedMath", "unlocked", "ARIA", "annotations", "bookmarks"}
HAZARDS = {"none", "noFlashingHazard", "noMotionSimulationHazard", "noSoundHazard",
           "flashing", "motionSimulation", "sound", "unknown"}


# -- Helpers ------------------------------------------------------------------------


def lang_of(element) -> tuple[str | None, str | None, etree._Element | None]:
    """(lang, xml:lang) of the nearest element that sets either, and that element."""
    while element is not None:
        if element.get("lang") or element.get(XML_LANG):
            return element.get("lang"), element.get(XML_LANG), element
        element = element.getparent()
    return None, None, None


# -- EPUBCheck ------------------------------------------------------------------------


@pytest.mark.requires_java
def test_epubcheck_reports_nothing(epub_file: Path):
    found, proc = epubcheck(epub_file)
    assert not found, "EPUBCheck:\n" + "\n".join(found)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.requires_java
def test_epubcheck_catches_a_planted_defect(epub_file: Path, tmp_path: Path):
    """The same EPUBCheck run fails on a copy whose package lost its dc:language."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(epub_file) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".opf"):
                data = re.sub(rb"<dc:language>[^<]*</dc:language>", b"", data)
            target.writestr(info, data)
    messages, proc = run_epubcheck(broken)
    assert proc.returncode != 0
    assert any(m["severity"] in ("ERROR", "FATAL") and "language" in m["message"]
               and m["locations"][0]["path"].endswith(".opf") for m in messages), messages


# -- Package metadata --------------------------------------------------------------------


def test_package_metadata_is_complete(epub_dir: Path):
    opf = package(epub_dir)
    md = opf.find("opf:metadata", NS)
    uid = opf.get("unique-identifier")
    identifier = md.find(f"dc:identifier[@id='{uid}']", NS)
    assert identifier is not None and identifier.text == REPORT["identifier"]

    titles = {t.get("id"): t.text for t in md.findall("dc:title", NS)}
    types = {m.get("refines"): m.text for m in md.findall("opf:meta[@property='title-type']", NS)}
    assert md.find("dc:title", NS).text == REPORT["title"], "the main title must come first"
    assert {titles[i[1:]]: t for i, t in types.items()} == {
        REPORT["title"]: "main", REPORT["subtitle"]: "subtitle"}

    creator = md.find("dc:creator", NS)
    assert creator.text == REPORT["author"]
    assert md.find(f"opf:meta[@refines='#{creator.get('id')}'][@property='role']", NS).text == "aut"
    assert md.find("dc:publisher", NS).text == REPORT["publisher"]
    assert md.find("dc:language", NS).text == REPORT["language"]
    assert REPORT["licence"] in md.find("dc:rights", NS).text
    assert " ".join(md.find("dc:description", NS).text.split()) == " ".join(REPORT["description"].split())
    assert [s.text for s in md.findall("dc:subject", NS)] == REPORT["subjects"]
    # Calibre and others make tags of the subjects, split at commas.
    assert not [s for s in REPORT["subjects"] if "," in s]
    assert md.find("dc:rights", NS).text.startswith("© ")
    assert meta(opf, "ibooks:version") == [REPORT["version"]]

    empty = [etree.QName(e).localname for e in md
             if isinstance(e.tag, str) and (e.text or e.get("content") or "").strip() in {"", "unknown"}]
    assert not empty, f"empty or 'unknown' metadata: {empty}"


def test_dates_follow_source_date_epoch(epub_file: Path, epub_dir: Path):
    opf = package(epub_dir)
    modified = meta(opf, "dcterms:modified")
    assert len(modified) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified[0])
    assert opf.find("opf:metadata/dc:date", NS).text == modified[0]
    stamp = datetime.fromtimestamp(SOURCE_DATE_EPOCH, tz=timezone.utc)
    assert modified[0] == stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(epub_file) as archive:
        times = {info.date_time for info in archive.infolist()}
    # A zip entry's time has a resolution of two seconds.
    assert times == {(*stamp.timetuple()[:5], stamp.second - stamp.second % 2)}


def test_ncx_uid_is_the_identifier(epub_dir: Path):
    # sphinx-doc/sphinx#11184: Sphinx writes epub_uid ("bookid") there.
    ncx = parse(epub_dir / "toc.ncx").getroot()
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content") == REPORT["identifier"]


# -- Accessibility ---------------------------------------------------------------------------


def test_accessibility_metadata(epub_dir: Path):
    opf = package(epub_dir)
    modes = meta(opf, "schema:accessMode")
    assert "textual" in modes and set(modes) <= ACCESS_MODES
    sufficient = meta(opf, "schema:accessModeSufficient")
    assert "textual" in sufficient
    assert all(set(s.split(",")) <= ACCESS_MODES for s in sufficient)
    features = set(meta(opf, "schema:accessibilityFeature"))
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= features <= FEATURES
    pages = spine(opf)
    images = [img for page in xhtml_pages(epub_dir) if page != "cover.xhtml"
              for img in parse(epub_dir / page).iterfind(".//x:img", NS)]
    assert ("alternativeText" in features) == bool(images)
    assert ("index" in features) == ("genindex.xhtml" in pages)
    hazards = set(meta(opf, "schema:accessibilityHazard"))
    assert hazards and hazards <= HAZARDS and not ("none" in hazards and len(hazards) > 1)
    (summary,) = meta(opf, "schema:accessibilitySummary")
    assert len(summary) > 80
    (claim,) = meta(opf, "dcterms:conformsTo")
    assert re.fullmatch(r"EPUB Accessibility 1\.1 - WCAG 2\.[012] Level AA?", claim)
    (certifier,) = meta(opf, "a11y:certifiedBy")
    assert certifier == REPORT["publisher"]


def test_every_image_has_alt_text(epub_dir: Path):
    missing = []
    for page in xhtml_pages(epub_dir):
        for img in parse(epub_dir / page).iterfind(".//x:img", NS):
            if not (img.get("alt") or "").strip():
                missing.append(f"{page}:{img.sourceline}: <img src={img.get('src')!r}> has no alt text")
    assert not missing, "\n".join(missing)


def test_every_page_and_every_hangul_run_has_its_language(epub_dir: Path):
    problems = []
    for page in xhtml_pages(epub_dir):
        root = parse(epub_dir / page).getroot()
        if root.get("lang") != REPORT["language"] or root.get(XML_LANG) != REPORT["language"]:
            problems.append(f"{page}:{root.sourceline}: <html> needs lang and xml:lang "
                            f"{REPORT['language']!r}")
        for text, owner in text_runs(root):
            if not HANGUL.search(text):
                continue
            lang, xml_lang, where = lang_of(owner)
            if lang != "ko" or xml_lang != "ko":
                line = where.sourceline if where is not None else owner.sourceline
                problems.append(f"{page}:{line}: Hangul {text.strip()[:20]!r} is not inside "
                                f'lang="ko" xml:lang="ko" (found {lang!r}/{xml_lang!r})')
    assert not problems, "\n".join(problems)


def test_korean_font_is_embedded_for_the_hangul_used(epub_dir: Path):
    from fontTools.ttLib import TTFont

    regular: set[str] = set()
    for page in xhtml_pages(epub_dir):
        for text, owner in text_runs(parse(epub_dir / page).getroot()):
            if lang_of(owner)[0] == "ko":
                regular.update(c for c in text if HANGUL.match(c))
    assert regular, "the book has no Korean text marked lang='ko'"
    items = manifest(package(epub_dir))
    fonts = [href for href, item in items.items() if item.get("media-type") == "font/otf"]
    assert fonts, "Korean text but no embedded font"
    css = (epub_dir / "_static/report-fonts.css").read_text(encoding="utf-8")
    for href in fonts:
        assert Path(href).name in css, f"{href} is not referenced by report-fonts.css"
        font = TTFont(epub_dir / href)
        assert font["OS/2"].fsType & 0x2 == 0, f"{href}: the font does not allow embedding"
        licence = font["name"].getDebugName(13) or ""
        assert "Open Font License" in licence, f"{href}: the OFL notice must stay in the font"
    (regular_font,) = [f for f in fonts if "Regular" in f]
    cmap = TTFont(epub_dir / regular_font).getBestCmap()
    missing = sorted(c for c in regular if ord(c) not in cmap)
    assert not missing, f"Hangul missing from {regular_font}: {''.join(missing)}"
    unlinked = [page for page in xhtml_pages(epub_dir) if page not in {"nav.xhtml", "cover.xhtml"}
                and not parse(epub_dir / page).xpath("//x:link[contains(@href, 'report-fonts.css')]",
                                                      namespaces=NS)]
    assert not unlinked, f"pages without the font stylesheet: {unlinked}"


# -- Cover, front matter, navigation ----------------------------------------------------------


def test_cover_image(epub_dir: Path, html_dir: Path):
    opf = package(epub_dir)
    (cover,) = [href for href, item in manifest(opf).items()
                if "cover-image" in (item.get("properties") or "").split()]
    with Image.open(epub_dir / cover) as image:
        assert image.format == "PNG"
        assert image.width >= 1600 and image.height >= 2560, image.size
    # The website shows the same picture.
    assert (epub_dir / cover).read_bytes() == (html_dir / "_static/cover.png").read_bytes()
    page = parse(epub_dir / "cover.xhtml")
    (img,) = page.iterfind(".//x:img", NS)
    assert img.get("src") == cover and REPORT["title"] in img.get("alt")


def test_cover_is_drawn_identically_twice(epub_dir: Path, tmp_path: Path):
    """Two fresh drawings (the maintainers' preview command) give the EPUB's bytes."""
    drawings = []
    for name in ("one.png", "two.png"):
        subprocess.run([sys.executable, str(ROOT / "_ext/report/cover.py"), str(tmp_path / name)],
                       check=True, capture_output=True)
        drawings.append((tmp_path / name).read_bytes())
    assert drawings[0] == drawings[1] == (epub_dir / "_static/cover.png").read_bytes()


def test_front_matter_and_landmarks(epub_dir: Path):
    opf = package(epub_dir)
    pages = spine(opf)
    assert pages[:3] == ["cover.xhtml", "titlepage.xhtml", "index.xhtml"], pages[:3]
    assert any("colophon" in page for page in pages), "the colophon must be in the spine"
    title_page = " ".join(parse(epub_dir / "titlepage.xhtml").getroot().itertext())
    for text in (REPORT["title"], REPORT["subtitle"], REPORT["author"], REPORT["version"]):
        assert text in title_page
    nav = parse(epub_dir / "nav.xhtml")
    marks = {a.get(f"{{{NS['epub']}}}type"): a.get("href")
             for a in nav.iterfind(".//x:nav[@epub:type='landmarks']//x:a", NS)}
    assert {"cover", "titlepage", "toc", "bodymatter", "glossary", "bibliography", "index"} <= set(marks), marks
    assert marks["glossary"] == "backmatter/glossary.xhtml" and marks["bibliography"] == "backmatter/references.xhtml"
    for href in marks.values():
        assert (epub_dir / unquote(href.split("#")[0])).is_file(), href


@pytest.mark.parametrize("language", ["", "ko"])
def test_every_content_document_says_what_it_is(language: str, request):
    """epub:type on every page's body (front, body or back matter) and, on the
    chapters, the glossary, the references …, on the top section with its
    DPUB-ARIA role, in both editions."""
    epub_dir = request.getfixturevalue(f"{language}_epub_dir" if language else "epub_dir")
    epub_type = f"{{{NS['epub']}}}type"
    kinds = {}
    for page in spine(package(epub_dir)):
        body = parse(epub_dir / page).find("x:body", NS)
        assert body.get(epub_type), f"{page}: no epub:type on the body"
        section = body.find(".//x:section", NS)
        kinds[page] = (body.get(epub_type), None if section is None else section.get(epub_type),
                       None if section is None else section.get("role"))
    assert kinds["chapters/02-current-state.xhtml"] == ("bodymatter", "chapter", "doc-chapter")
    assert kinds["backmatter/glossary.xhtml"] == ("backmatter", "glossary", "doc-glossary")
    assert kinds["backmatter/references.xhtml"] == ("backmatter", "bibliography", "doc-bibliography")
    assert kinds["backmatter/colophon.xhtml"] == ("backmatter", "colophon", "doc-colophon")
    assert kinds["frontmatter/about.xhtml"] == ("frontmatter", "preface", "doc-preface")
    assert [p for p, k in kinds.items() if p.startswith("chapters/") and k[1] != "chapter"] == []


def nav_tree(epub_dir: Path) -> list[tuple[str, str, list]]:
    """The toc nav as (label, href, children); a label without its chapter or
    section number (test_numbers.py checks those)."""
    nav = parse(epub_dir / "nav.xhtml").find(".//x:nav[@epub:type='toc']", NS)

    def walk(ol) -> list:
        entries = []
        for li in ol.findall("x:li", NS):
            a = li.find("x:a", NS)
            sub = li.find("x:ol", NS)
            entries.append((clean_title("".join(a.itertext())), a.get("href"),
                            walk(sub) if sub is not None else []))
        return entries

    return walk(nav.find("x:ol", NS))


def test_nav_lists_the_required_sections_in_order_and_nested(epub_dir: Path):
    required = yaml.safe_load((ROOT / "required_sections.yml").read_text(encoding="utf-8"))
    entries = nav_tree(epub_dir)
    labels = [label for label, _href, _children in entries]
    positions = []
    for chapter in required:
        assert chapter["title"] in labels, f"nav.xhtml has no chapter {chapter['title']!r}"
        position = labels.index(chapter["title"])
        positions.append(position)
        children = entries[position][2]
        found = [(label, href.split("#")[-1]) for label, href, _ in children]
        wanted = [(s["title"], s["label"]) for s in chapter.get("sections", [])]
        assert [f for f in found if f in wanted] == wanted, (
            f"sections of {chapter['title']!r} in nav.xhtml: {found}, expected {wanted} in this order")
    assert positions == sorted(positions), "chapters out of order in nav.xhtml"


def test_index_in_the_spine_is_not_empty(epub_dir: Path):
    pages = spine(package(epub_dir))
    if "genindex.xhtml" not in pages:
        assert "genindex.xhtml" not in manifest(package(epub_dir))
        return
    index = parse(epub_dir / "genindex.xhtml")
    links = index.xpath("//x:table[contains(@class, 'indextable')]//x:a", namespaces=NS)
    assert links, "genindex.xhtml is in the spine but lists nothing"
    assert any(href == "genindex.xhtml" for _label, href, _ in nav_tree(epub_dir))


# -- Stylesheet and archive -------------------------------------------------------------------


def test_stylesheet_is_the_projects_and_relative(epub_dir: Path):
    css = (epub_dir / "_static/epub.css").read_bytes()
    assert css == (ROOT / "_static/epub.css").read_bytes(), "the theme's epub.css was not replaced"
    text = re.sub(r"/\*.*?\*/", "", css.decode("utf-8"), flags=re.S)
    absolute = r"-?\d*\.?\d+(px|pt|pc|cm|mm|in)\b"
    problems = []
    for prop, value in re.findall(r"([a-z-]+)\s*:\s*([^;{}]+)", text):
        if prop in {"font-size", "line-height"} and re.search(absolute, value):
            problems.append(f"{prop}: {value}")
        if prop in {"width", "min-width", "max-width", "height", "min-height"} and re.search(absolute, value):
            problems.append(f"{prop}: {value}")
        if prop == "position" and "fixed" in value:
            problems.append(f"{prop}: {value}")
    assert not problems, f"absolute sizes in epub.css: {problems}"
    unused = [p for p in ("_static/basic.css", "_static/plus.png", "_static/minus.png", "_static/file.png")
              if (epub_dir / p).exists()]
    assert not unused, f"unused theme files in the EPUB: {unused}"


def test_the_websites_sitemap_is_not_made_for_the_epub(epub_file: Path):
    """sphinx-sitemap acts for the website's builders only (report.site;
    test_site.py reads the website's)."""
    assert not (epub_file.parent / "sitemap.xml").exists(), f"sitemap.xml in {epub_file.parent}"


def test_archive_layout(epub_file: Path):
    with zipfile.ZipFile(epub_file) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert names[0] == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert not infos[0].extra and archive.read("mimetype") == b"application/epub+zip"
        assert names[1:3] == ["META-INF/container.xml", "content.opf"]
        assert names[3:] == sorted(names[3:]) and len(set(names)) == len(names)
        assert {(info.create_system, info.external_attr) for info in infos[1:]} == {(3, 0o644 << 16)}


# -- In a browser ---------------------------------------------------------------------------


@pytest.mark.requires_browser
def test_pages_fit_a_phone_screen(epub_dir: Path, browser, screenshots: Path):
    opf = package(epub_dir)
    pages = spine(opf)
    overflowing = []
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=1)
    try:
        page = context.new_page()
        for name in pages:
            page.goto((epub_dir / name).as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                culprit = page.evaluate("""() => {
                    const wide = [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > 361);
                    return wide.length ? wide[wide.length - 1].outerHTML.slice(0, 120) : '';
                }""")
                overflowing.append(f"{name}: {width}px wide at 360px: {culprit}")
            if name in {"cover.xhtml", "titlepage.xhtml", "chapters/02-current-state.xhtml",
                        "backmatter/glossary.xhtml", "backmatter/timeline.xhtml"}:
                page.screenshot(path=str(screenshots / f"epub-{Path(name).stem}.png"), full_page=False)
    finally:
        context.close()
    assert not overflowing, "\n".join(overflowing)


@pytest.mark.requires_browser
def test_hangul_is_drawn_with_the_embedded_font(epub_dir: Path, browser):
    """Chromium reports which font drew the Korean words: the book's own, not the system's."""
    page_name = next((page for page in xhtml_pages(epub_dir) if page.startswith("chapters/")
                      and parse(epub_dir / page).find(".//x:span[@lang='ko']", NS) is not None), None)
    assert page_name, "no chapter has Korean text marked lang='ko'"
    context = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        page.goto((epub_dir / page_name).as_uri())
        page.evaluate("document.fonts.ready")
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        span = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "span[lang='ko']"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": span})["fonts"]
    finally:
        context.close()
    assert fonts and all(f["isCustomFont"] for f in fonts), (
        f"{page_name}: Korean drawn with {fonts}, not with the embedded font")


# -- The builder's own rules, on small test roots ---------------------------------------------
# That two builds give the same EPUB is shown by tests/test_release.py: the
# release built from scratch holds this session's EPUBs, byte for byte.


@pytest.mark.sphinx("epub", testroot="r020-epub-metadata",
                    confoverrides={"epub_description": "A book for the tests."})
def test_empty_index_leaves_the_spine(app):
    app.build()
    assert reported(app) == []
    opf = parse(app.outdir / "content.opf").getroot()
    assert "genindex.xhtml" not in spine(opf)
    assert "index" not in meta(opf, "schema:accessibilityFeature")


@pytest.mark.sphinx("epub", testroot="r020-epub-metadata")
def test_r020_empty_metadata_names_conf_py(app):
    """Without epub_description Sphinx would write "unknown" into the package document."""
    app.build()
    assert [(r.rule, r.file) for r in reported(app)] == [("R020", "conf.py")], reported(app)
    assert "epub_description is empty or 'unknown'" in reported(app)[0].text


@pytest.mark.parametrize("exclude, expected", [([], [("R021", "cover.rst", 1)]), (["cover.rst"], [])])
def test_r021_a_document_named_like_a_generated_page(exclude, expected, make_app, rootdir,
                                                     sphinx_test_tempdir):
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r021-generated-page-name", f"exclude-{len(exclude)}")
    app = make_app("epub", srcdir=srcdir, confoverrides={"exclude_patterns": exclude})
    app.build()
    assert [(r.rule, r.file, r.line) for r in reported(app)] == expected, reported(app)
    if expected:
        assert "document 'cover' has the name of the EPUB's generated cover.xhtml" in reported(app)[0].text
