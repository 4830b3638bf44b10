"""Chapter and section numbers: the same in every format and edition.

The report's chapters (the pages under chapters/) are numbered 1, 2 … and
their sections 1.1, 1.2 …; front and back matter carry no number. The HTML
headings (Sphinx's section-number spans), the website's sidebar, the EPUB's
nav.xhtml and toc.ncx and the PDF's outline are each read back and compared
with that numbering (helpers.numbering_problems), so "see 4.3" names the
same section wherever it is read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import (epub_ncx_numbered, epub_nav_numbered, html_numbered, html_sidebar_numbered,
                     numbering_problems, pdf_numbered)

EDITIONS = {"en": ("html_dir", "epub_dir", "pdf_file"), "ko": ("ko_html_dir", "ko_epub_dir", "ko_pdf_file")}


def outputs_of(html_dir: Path, epub_dir: Path, pdf_file: Path | None = None) -> list:
    outputs = [html_sidebar_numbered(html_dir),
               epub_nav_numbered(next(epub_dir.rglob("nav.xhtml"))),
               epub_ncx_numbered(next(epub_dir.rglob("toc.ncx")))]
    return outputs + ([pdf_numbered(pdf_file)] if pdf_file else [])


@pytest.mark.requires_tex
@pytest.mark.parametrize("edition", EDITIONS)
def test_numbers_agree_in_every_format(edition: str, request) -> None:
    html_dir, epub_dir, pdf_file = (request.getfixturevalue(name) for name in EDITIONS[edition])
    reference = html_numbered(html_dir)
    problems = numbering_problems(reference, outputs_of(html_dir, epub_dir, pdf_file))
    assert not problems, f"{edition}: " + "\n".join(problems)
    # What the comparison rests on: six numbered chapters, the rest unnumbered.
    numbered = [(page.number, page.where) for page in reference if page.number]
    assert [n for n, _ in numbered] == ["1", "2", "3", "4", "5", "6"], numbered
    assert all(where.startswith("chapters/") for _, where in numbered), numbered
    key_issues = next(page for page in reference if page.where == "chapters/03-key-issues.html")
    assert [n for n, _ in key_issues.sections] == ["4.1", "4.2", "4.3", "4.4"], key_issues


def test_a_wrong_number_is_caught_and_named(html_dir: Path, epub_dir: Path, tmp_path: Path) -> None:
    """Planted: the EPUB's nav numbers Defense Costs 4.2; a back-matter page gets a number."""
    nav = tmp_path / "nav.xhtml"
    text = next(epub_dir.rglob("nav.xhtml")).read_text(encoding="utf-8")
    assert "4.3. Defense Costs" in text
    nav.write_text(text.replace("4.3. Defense Costs", "4.2. Defense Costs"), encoding="utf-8")
    site = tmp_path / "html"
    shutil.copytree(html_dir, site, ignore=shutil.ignore_patterns("_static", "_images", "_downloads"))
    glossary = site / "backmatter" / "glossary.html"
    page = glossary.read_text(encoding="utf-8")
    heading = '<h1>Glossary<a class="headerlink"'  # the article's, not the print-only heading
    assert page.count(heading) == 1
    glossary.write_text(page.replace(heading, '<h1><span class="section-number">7. </span>Glossary'
                                              '<a class="headerlink"'), encoding="utf-8")

    reference = html_numbered(site)
    problems = numbering_problems(reference, [epub_nav_numbered(nav)])
    assert problems == [
        "backmatter/glossary.html: 'Glossary' numbered '7', expected None",
        "nav.xhtml: section 'Defense Costs' of 'Key Issues and Challenges: Navigating Complexities' "
        "numbered '4.2', expected '4.3'",
    ], problems
    # The untouched outputs agree.
    assert not numbering_problems(html_numbered(html_dir), outputs_of(html_dir, epub_dir))
