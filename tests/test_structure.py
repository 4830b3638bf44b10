"""The required chapters and sections are in every built format, in order and nested.

required_sections.yml is the one list (helpers.REQUIRED); each test reads an output's own table of
contents (the HTML pages' headings, the EPUB's nav.xhtml, the PDF's outline)
and finds that list in it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import (ROOT, assert_contains_required, epub_outline, html_outline, labels_without_anchor,
                     pdf_outline)


# -- HTML --------------------------------------------------------------------------

def test_html_has_required_sections(html_dir: Path) -> None:
    assert_contains_required(html_outline(html_dir), "HTML")


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


def test_epub_nav_has_required_sections(epub_dir: Path) -> None:
    assert_contains_required(epub_outline(epub_dir), "EPUB nav.xhtml")


# -- PDF ---------------------------------------------------------------------------

@pytest.mark.requires_tex
def test_pdf_outline_has_required_sections(pdf_file: Path) -> None:
    assert_contains_required(pdf_outline(pdf_file), "PDF outline")
