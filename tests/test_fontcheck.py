"""report.fontcheck: a font the build names but the machine lacks stops the
build at its start, with one line naming the font and its package."""

from __future__ import annotations

import sys

import pytest
from sphinx.testing.util import _clean_up_global_state

from helpers import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
from report import fontcheck  # noqa: E402


@pytest.mark.sphinx("latex", testroot="fontcheck")
def test_a_missing_preamble_font_stops_the_build_with_one_line(make_app, app_params, capsys) -> None:
    args, kwargs = app_params
    try:
        with pytest.raises(SystemExit) as stop:
            make_app(*args, **kwargs)
    finally:
        # The application never came into being, so make_app cannot clean up
        # what its extensions registered in docutils before the stop; left
        # there, the next application of this worker warns "node class …
        # is already registered" (test_keptpages failed so after this file).
        _clean_up_global_state()
    assert stop.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ['font "No Such Mono" (the LaTeX preamble) is not installed: '
                     "install a font package that provides it"], lines


def test_every_font_the_build_names_has_its_package() -> None:
    # The preambles of both editions, read as text: conf.py's and report.edition's.
    named = set(fontcheck.DRAWN)
    for source in ("conf.py", "_ext/report/edition.py"):
        text = (ROOT / source).read_text(encoding="utf-8")
        named |= set(fontcheck.preamble_fonts({"fontpkg": text}))
    assert named <= set(fontcheck.PACKAGE), f"add {sorted(named - set(fontcheck.PACKAGE))} to PACKAGE"


def test_the_set_up_installs_every_font_package() -> None:
    script = (ROOT / "scripts" / "install-system-deps.sh").read_text(encoding="utf-8")
    for package in set(fontcheck.PACKAGE.values()):
        assert package in script, f"scripts/install-system-deps.sh does not install {package}"


def test_fonts_are_found_as_fontconfig_finds_them() -> None:
    """report.fonts lists the fonts once and matches in Python: the same file
    and face as fc-list's own match, names compared without case or blanks,
    and a missing style is an error rather than another font."""
    import subprocess

    from report import fonts

    for family, style in (("TeX Gyre Heros", "Regular"), ("Noto Serif CJK KR", "Bold"),
                          ("noto sans cjk kr", "regular"), ("TeX Gyre Pagella", "BoldItalic")):
        out = subprocess.run(["fc-list", "-f", "%{file}|%{index}\n", f":family={family}:style={style}"],
                             capture_output=True, text=True, check=True).stdout.split()
        path, index = fonts.find_font(family, style)
        assert f"{path}|{index}" in out, (family, style, path, index, out)
    with pytest.raises(fonts.FontMissing, match="'TeX Gyre Heros' \\(Condensed\\) is not installed"):
        fonts.find_font("TeX Gyre Heros", "Condensed")
