"""Bad input is refused with the file and the line, each defect on a small test
root: the refusals Sphinx itself makes under the project's settings (a broken
cross-reference, a missing image, a malformed directive, an undefined term or
citation) and the extension's R010 (raw HTML) and R011 (an image without alt
text). The clean page of each root gives no warning.

That the Makefile turns such a warning into a failed build and keeps the last
good output in place is shown for every format by tests/test_publishing.py;
the guards' ids are explained in docs/checks.md.
"""

from __future__ import annotations

import ast

import pytest

from helpers import ROOT, line_of, reported, warnings_at

# The settings that decide what Sphinx refuses; tests/roots/test-sphinx-refusals
# copies them, and this list keeps the two in step.
REFUSAL_SETTINGS = ("nitpicky", "suppress_warnings", "myst_enable_extensions",
                    "bibtex_default_style", "bibtex_reference_style")


def literal_settings(conf) -> dict:
    tree = ast.parse(conf.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id in REFUSAL_SETTINGS and node.value is not None:
            found[target.id] = ast.literal_eval(node.value)
    return found


def test_the_refusals_root_has_the_projects_settings(rootdir) -> None:
    project = literal_settings(ROOT / "conf.py")
    assert set(project) == set(REFUSAL_SETTINGS), "conf.py no longer sets these literally; update this test"
    assert literal_settings(rootdir / "test-sphinx-refusals" / "conf.py") == project


@pytest.mark.sphinx("html", testroot="sphinx-refusals")
def test_sphinx_refuses_each_defect_at_its_line(app) -> None:
    app.build()
    found = warnings_at(app)
    expected = {
        "See {ref}`no-such-section`": "undefined label: 'no-such-section'",
        "![A chart of trade](no-such-chart.png)": "no-such-chart.png",
        "```{figure}": "Directive 'figure'",
        "The {term}`Grand Bargain`": "term not in glossary: 'Grand Bargain'",
        "An unsupported claim": "no-such-source-1999",
    }
    for start, words in expected.items():
        line = line_of(app, "defects.md", start)
        assert any(f == "defects.md" and n == line and words in text for f, n, text in found), (
            f"no warning naming defects.md:{line} with {words!r}: {found}")
    assert len(found) == len(expected), found
    # The clean page uses each construct correctly: nothing about it.
    assert not [w for w in found if w[0] != "defects.md"], found


@pytest.mark.sphinx("html", testroot="r010-raw-html")
def test_r010_raw_html_block_and_inline(app) -> None:
    app.build()
    assert sorted((r.file, r.line) for r in reported(app, "R010")) == [
        ("block.md", line_of(app, "block.md", "<script>")),
        # MyST gives inline HTML no line of its own: its paragraph's.
        ("inline.md", line_of(app, "inline.md", "Text with <img")),
    ], reported(app)
    # Code that shows HTML, and a lone "<", are text.
    assert [r for r in reported(app) if r.file == "clean.md"] == []


@pytest.mark.sphinx("html", testroot="r011-no-alt-text")
def test_r011_image_and_figure_without_alt_text(app) -> None:
    app.build()
    assert sorted((r.file, r.line) for r in reported(app, "R011")) == [
        ("figure.md", line_of(app, "figure.md", "```{figure}")),
        ("image.md", line_of(app, "image.md", "![](dot.png)")),
    ], reported(app)
    assert [r for r in reported(app) if r.file == "clean.md"] == []
