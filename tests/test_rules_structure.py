"""R001 for a chapter missing from the book: reported at the toctree where it
belongs (the one listing its neighbours), on a small test root with a front
matter toctree before the report's."""

from __future__ import annotations

import pytest

from rules import line_of, reported


@pytest.mark.sphinx("html", testroot="r001-missing-chapter")
def test_r001_missing_chapter_points_at_the_toctree_it_belongs_in(app) -> None:
    app.build()
    assert [(r.file, r.line) for r in reported(app, "R001")] == [
        # The second toctree (Report), not the first (Front matter).
        ("index.md", line_of(app, "index.md", "```{toctree}", 2)),
    ], reported(app)
    assert "'Two'" in reported(app, "R001")[0].text


@pytest.mark.sphinx("html", testroot="r001-missing-chapter",
                    confoverrides={"report_required_sections": "required-present.yml"})
def test_r001_silent_when_every_required_chapter_is_there(app) -> None:
    app.build()
    assert not reported(app, "R001"), reported(app)
