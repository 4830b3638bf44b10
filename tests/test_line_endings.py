"""Sources saved with Windows line endings (CRLF) are checked as with LF.

An author on Windows may save a chapter, the bibliography or the timeline
with CRLF. The rules that read those files themselves (fences, page
metadata, images, the outline, references.bib, data/timeline.csv) must find
the same defects at the same lines, and report no others: each small root is
built twice, as it is and with every text file converted to CRLF.
"""

from __future__ import annotations

import pytest

from helpers import copy_root, reported

ROOTS = ["r001-missing-section", "r011-no-alt-text", "r012-unclosed-fence", "r013-html-meta",
         "r030-timeline-row", "r070-bib-errors"]
TEXT = {".md", ".bib", ".csv", ".yml"}


def findings(app) -> list[tuple[str, int, str]]:
    return sorted((r.file, r.line, r.rule) for r in reported(app))


@pytest.mark.parametrize("root", ROOTS)
def test_crlf_sources_are_reported_at_the_same_lines(root, make_app, rootdir, sphinx_test_tempdir) -> None:
    results = {}
    for ending in ("lf", "crlf"):
        srcdir = copy_root(rootdir, sphinx_test_tempdir, root, ending)
        if ending == "crlf":
            for path in srcdir.rglob("*"):
                if path.suffix in TEXT:
                    text = path.read_bytes().replace(b"\r\n", b"\n")
                    path.write_bytes(text.replace(b"\n", b"\r\n"))
        app = make_app("html", srcdir=srcdir)
        app.build()
        results[ending] = findings(app)
    assert results["lf"], f"{root}: the root reports nothing, so the comparison proves nothing"
    assert results["crlf"] == results["lf"], f"{root}: LF {results['lf']}\nCRLF {results['crlf']}"
