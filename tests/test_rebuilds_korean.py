"""The Korean edition's rebuilds equal its clean builds, beside an English build.

As tests/test_rebuilds.py, for the translated edition: a private copy of the
project is built in Korean, then in English into the same build folder (the
other edition in between), then the Korean catalogs and the English sources
they translate are edited, and the Korean edition is rebuilt incrementally and
from scratch and compared. Every build here writes the LaTeX sources without
typesetting them (`make epub latex html`): scripts/build.py typesets each PDF
in a new folder, so equal sources give an equal PDF, and a session that starts
from a typeset PDF is tests/test_rebuilds.py's.
"""

from __future__ import annotations

import pytest
from helpers import KO, SOURCES, Rebuilds

pytestmark = [pytest.mark.requires_tex, pytest.mark.slow]


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Rebuilds:
    session = Rebuilds(tmp_path_factory.mktemp("rebuilds-ko"))
    session.build(session.builddir, KO, targets=SOURCES)
    session.build(session.builddir, targets=SOURCES)
    return session


def test_a_korean_catalog_and_its_english_source_edited(session: Rebuilds) -> None:
    po = session.path("locales/ko/LC_MESSAGES/frontmatter/about.po")
    text = po.read_text(encoding="utf-8")
    last = text.rstrip().rindex('"')
    po.write_text(text[:last] + ' (수정)"' + text[last + 1:], encoding="utf-8")
    session.edit("chapters/02-current-state.md", "\n\n", "\n\nAn added sentence for the rebuild test.\n\n")
    session.edit("data/timeline.csv", "Korea divided at the 38th parallel", "Korea divided along the 38th parallel")
    session.check("a Korean catalog, an English paragraph and a timeline row edited", KO)
