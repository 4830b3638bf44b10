"""Rules on what a page's Markdown may contain, each shown firing on a small
test root (tests/roots/test-<rule>/) with its file and line, and silent on a
clean page of the same root."""

from __future__ import annotations

import pytest

from helpers import copy_root, line_of, reported, save_as_latin1


@pytest.mark.sphinx("html", testroot="r012-unclosed-fence")
def test_r012_unclosed_fence_points_at_its_opening_line(app) -> None:
    app.build()
    found = {(r.file, r.line) for r in reported(app, "R012")}
    assert ("backtick.md", line_of(app, "backtick.md", "```python")) in found
    assert ("colon.md", line_of(app, "colon.md", ":::{note}")) in found
    assert ("directive.md", line_of(app, "directive.md", "```{note}")) in found
    assert ("nested.md", line_of(app, "nested.md", "~~~")) in found
    assert not [r for r in reported(app, "R012") if r.file == "clean.md"]
    assert len(found) == 4, reported(app, "R012")


@pytest.mark.sphinx("html", testroot="r013-html-meta")
def test_r013_html_meta_is_refused_at_its_key_and_not_published(app) -> None:
    app.build()
    found = {(r.file, r.line) for r in reported(app, "R013")}
    assert found == {
        ("redirect.md", line_of(app, "redirect.md", "  html_meta:")),
        ("toplevel.md", line_of(app, "toplevel.md", "html_meta:")),
        # A meta directive in an {eval-rst} block: the directive's line.
        ("directive.md", line_of(app, "directive.md", ".. meta::")),
    }, reported(app, "R013")
    for page in ("redirect", "toplevel", "directive"):
        html = (app.outdir / f"{page}.html").read_text(encoding="utf-8")
        assert "evil.example" not in html and "injected" not in html
    # Front matter without html_meta still works (the substitution is applied).
    assert "Hello everyone" in (app.outdir / "clean.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("builder", ["html", "epub", "latex"])
def test_r014_remote_image_is_refused_and_never_downloaded(builder, make_app, rootdir, sphinx_test_tempdir, monkeypatch) -> None:
    import shutil

    import sphinx.util.requests

    fetched: list[str] = []
    monkeypatch.setattr(sphinx.util.requests, "get", lambda url, *a, **k: fetched.append(url))
    srcdir = sphinx_test_tempdir / f"r014-remote-image-{builder}"
    shutil.copytree(rootdir / "test-r014-remote-image", srcdir, dirs_exist_ok=True)
    app = make_app(builder, srcdir=srcdir)
    app.build()
    found = {(r.file, r.line) for r in reported(app, "R014")}
    assert found == {
        ("markdown.md", line_of(app, "markdown.md", "![A chart]")),
        ("directives.md", line_of(app, "directives.md", "```{image}")),
        ("directives.md", line_of(app, "directives.md", "```{figure}")),
    }, reported(app, "R014")
    assert fetched == []
    published = [p for p in app.outdir.rglob("*") if p.is_file() and ".doctrees" not in p.parts
                 and p.suffix in {".html", ".xhtml", ".tex", ".opf", ".ncx"}]
    assert published
    for path in published:
        text = path.read_text(encoding="utf-8")
        assert "tracker.example" not in text and "cdn.example" not in text, path


def test_r015_a_chapter_not_in_utf8_is_reported_at_its_line(make_app, rootdir, sphinx_test_tempdir) -> None:
    srcdir = copy_root(rootdir, sphinx_test_tempdir, "r015-not-utf8", "latin1")
    save_as_latin1(srcdir / "latin1.md")
    app = make_app("html", srcdir=srcdir)
    app.build()  # no UnicodeDecodeError
    found = [(r.file, r.line) for r in reported(app, "R015")]
    assert found == [("latin1.md", line_of(app, "latin1.md", "Caf"))], reported(app)
    assert "not UTF-8" in reported(app, "R015")[0].text
    # The other chapter, in UTF-8, is built as usual.
    assert "안녕" in (app.outdir / "clean.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("root, rule", [("r012-unclosed-fence", "R012"), ("r013-html-meta", "R013"),
                                        ("r014-remote-image", "R014"), ("r010-translated-html", "R010")])
def test_a_rule_found_while_reading_is_reported_again_by_the_next_build(
        root, rule, make_app, rootdir, sphinx_test_tempdir) -> None:
    """Sphinx re-reads only changed files: without env.note_reread() the second
    build of unchanged, defective sources would pass under -W."""
    srcdir = copy_root(rootdir, sphinx_test_tempdir, root, "twice")
    first = make_app("html", srcdir=srcdir)
    first.build()
    second = make_app("html", srcdir=srcdir)
    second.build()
    assert reported(second, rule) and reported(second, rule) == reported(first, rule)
