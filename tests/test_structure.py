"""The required chapters and sections are in every built format, in order and nested.

required_sections.yml is the one list; each test reads an output's own table of
contents (the HTML pages' headings, the EPUB's nav.xhtml, the PDF's outline)
and finds that list in it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from lxml import etree, html
from pypdf import PdfReader

from conftest import ROOT

REQUIRED = yaml.safe_load((ROOT / "required_sections.yml").read_text(encoding="utf-8"))
Outline = list[tuple[str, list[str]]]  # (chapter title, [section titles])


def expected() -> Outline:
    return [(c["title"], [s["title"] for s in c.get("sections", [])]) for c in REQUIRED]


def clean(title: str) -> str:
    """Drop permalink signs and chapter/section numbers; normalise spaces."""
    title = title.replace("#", "").replace("¶", "")
    title = re.sub(r"^\s*(Chapter\s+)?\d+(\.\d+)*\.?\s+", "", title)
    return " ".join(title.split())


def assert_contains_required(found: Outline, where: str) -> None:
    """Required chapters appear in order; each has exactly its required sections."""
    titles = [title for title, _ in found]
    position = -1
    for chapter, sections in expected():
        assert chapter in titles, f"{where}: chapter {chapter!r} missing; found {titles}"
        index = titles.index(chapter)
        assert index > position, f"{where}: chapter {chapter!r} out of order in {titles}"
        position = index
        assert found[index][1] == sections, (
            f"{where}: chapter {chapter!r} has sections {found[index][1]}, expected {sections}"
        )


# -- HTML --------------------------------------------------------------------------

def html_outline(html_dir: Path) -> Outline:
    """Chapter pages in the order the landing page's contents list them."""
    index = html.parse(str(html_dir / "index.html"))
    hrefs = index.xpath("//main//div[contains(@class,'toctree-wrapper')]//li[contains(@class,'toctree-l1')]/a/@href")
    outline = []
    for href in hrefs:
        page = html.parse(str(html_dir / href.split("#")[0]))
        article = page.xpath("//article[contains(@class,'bd-article')]")[0]
        h1 = article.xpath(".//h1")[0].text_content()
        h2s = [h.text_content() for h in article.xpath(".//section/section/h2")]
        outline.append((clean(h1), [clean(h) for h in h2s]))
    return outline


def test_html_has_required_sections(html_dir: Path) -> None:
    assert_contains_required(html_outline(html_dir), "HTML")


def labels_without_anchor(html_dir: Path) -> list[str]:
    """Required labels that no section of the built site carries as its id."""
    ids = set()
    for page in html_dir.rglob("*.html"):
        ids.update(html.parse(str(page)).xpath("//section/@id"))
    labels = [s["label"] for c in REQUIRED for s in [c, *c.get("sections", [])]]
    return [label for label in labels if label not in ids]


def test_html_sections_carry_their_labels(html_dir: Path) -> None:
    """Each required section's label is its anchor, so links to it stay stable."""
    missing = labels_without_anchor(html_dir)
    assert not missing, f"HTML: no section anchor for labels {missing}"


def test_chapter_file_numbers_follow_the_toctree() -> None:
    """chapters/NN-slug.md: the numbers count up in the toctree's order."""
    index = (ROOT / "index.md").read_text(encoding="utf-8")
    listed = re.findall(r"^chapters/(\d\d)-[a-z0-9-]+$", index, flags=re.M)
    assert listed == [f"{n:02d}" for n in range(len(listed))], f"toctree order {listed}"
    on_disk = sorted(p.name for p in (ROOT / "chapters").glob("*.md"))
    assert [name[:2] for name in on_disk] == listed, f"files {on_disk} vs toctree {listed}"
    for name in on_disk:
        assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.md", name), f"bad chapter file name {name}"


# -- EPUB --------------------------------------------------------------------------

XHTML = {"x": "http://www.w3.org/1999/xhtml"}


def epub_outline(epub_dir: Path) -> Outline:
    nav = etree.parse(str(next(epub_dir.rglob("nav.xhtml"))))
    top = nav.xpath("//x:nav[@*[local-name()='type']='toc']/x:ol/x:li", namespaces=XHTML)
    outline = []
    for item in top:
        title = clean("".join(item.xpath("./x:a//text()", namespaces=XHTML)))
        children = [clean("".join(li.xpath("./x:a//text()", namespaces=XHTML)))
                    for li in item.xpath("./x:ol/x:li", namespaces=XHTML)]
        outline.append((title, children))
    return outline


def test_epub_nav_has_required_sections(epub_dir: Path) -> None:
    assert_contains_required(epub_outline(epub_dir), "EPUB nav.xhtml")


# -- PDF ---------------------------------------------------------------------------

def pdf_outline(pdf_file: Path) -> Outline:
    reader = PdfReader(str(pdf_file))
    outline: Outline = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif depth == 0:
                outline.append((clean(item.title), []))
            elif depth == 1 and outline:
                outline[-1][1].append(clean(item.title))

    walk(reader.outline, 0)
    return outline


@pytest.mark.requires_tex
def test_pdf_outline_has_required_sections(pdf_file: Path) -> None:
    assert_contains_required(pdf_outline(pdf_file), "PDF outline")
