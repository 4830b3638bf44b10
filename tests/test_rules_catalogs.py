"""Rules on the Korean edition's translation catalogs, each shown on a small
test root built with language = "ko": the message names the .po file and the
line, and a valid catalog of the same root gives none."""

from __future__ import annotations

import pytest

from helpers import line_of, reported

MESSAGES = "locales/ko/LC_MESSAGES"


@pytest.mark.sphinx("html", testroot="r042-catalog-syntax")
def test_r042_catalog_syntax_errors_are_fatal_at_the_po_line(app, capsys) -> None:
    app.build()
    # babel's own report of the garbage line, without a file name, is not printed too.
    assert "Problem on line" not in capsys.readouterr().out
    found = {(r.file, r.line): r.text for r in reported(app, "R042")}
    quote = (f"{MESSAGES}/quote.po", line_of(app, f"{MESSAGES}/quote.po", 'msgstr "안녕하세요.'))
    garbage = (f"{MESSAGES}/garbage.po", line_of(app, f"{MESSAGES}/garbage.po", "this line"))
    assert set(found) == {quote, garbage}, reported(app)
    assert "missing closing quote" in found[quote]
    assert "not a catalog line" in found[garbage]


@pytest.mark.sphinx("html", testroot="r042-catalog-syntax", confoverrides={"language": "en"})
def test_r042_the_english_edition_reads_no_catalog(app) -> None:
    app.build()
    assert not reported(app, "R042")


@pytest.mark.sphinx("html", testroot="r010-translated-html")
def test_r010_raw_html_in_a_translation_is_reported_at_its_msgstr(app) -> None:
    app.build()
    po = f"{MESSAGES}/chapter.po"
    found = {(r.file, r.line) for r in reported(app, "R010")}
    assert found == {
        (po, line_of(app, po, '"<span')),
        # Left untranslated, the English paragraph's HTML is the chapter's.
        ("chapter.md", line_of(app, "chapter.md", "The fourth paragraph")),
    }, reported(app)
