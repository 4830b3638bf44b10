"""Check at the start of a build that every font the build names is installed.

A missing font otherwise surfaces late and badly: fontspec stops the PDF
minutes into the build ('The font "DejaVu Sans Mono" cannot be found'), the
cover and the EPUB's font subset stop with a traceback, and a machine that
has some other font may even substitute it without a word. On a pristine
Debian none of these fonts is installed, and TeX Live does not bring DejaVu
(apt satisfies fontconfig's font dependency with TeX Gyre), so each must come
from the set-up: ``scripts/install-system-deps.sh``, run by ``make system``.

The check names each missing font and the Debian package that holds it, one
line each, and ends the build before anything is read or written. The fonts
are those the outputs are made with: the LaTeX preamble's (``fontpkg``,
whichever edition set it) for the PDF, and those drawn with Pillow and
HarfBuzz by the HTML-family builders (the cover, the sharing card, the EPUB's
Korean font subset). The timeline figure's SVG, its glyphs drawn as paths from
TeX Gyre Heros (and Noto Sans CJK KR in Korean), is drawn for every builder,
since the builders share one environment; the PDF's copy of the figure is
TikZ, set by XeLaTeX in the preamble's fonts.
"""

from __future__ import annotations

import re
import shutil
import sys

from sphinx.application import Sphinx

from report import fonts

#: Where each font the build may name comes from (Debian's package names).
PACKAGE = {
    "TeX Gyre Pagella": "fonts-texgyre",
    "TeX Gyre Heros": "fonts-texgyre",
    "DejaVu Sans Mono": "fonts-dejavu-core",
    "Noto Serif CJK KR": "fonts-noto-cjk",
    "Noto Sans CJK KR": "fonts-noto-cjk",
    "Noto Sans Mono CJK KR": "fonts-noto-cjk",
}

#: Drawn by report.cover (cover), report.site (card), report.epub (subset) and
#: report.timelinedraw (the figure's SVG); keep in step with the families they ask for.
DRAWN = {
    "TeX Gyre Pagella": "the cover and the sharing card",
    "TeX Gyre Heros": "the cover and the timeline figure",
    "Noto Serif CJK KR": "the cover, the card and the EPUB's Korean font",
    "Noto Sans CJK KR": "the cover and the Korean timeline figure",
}

# \setmainfont{…}, \setsansfont{…}, \setmonofont{…}, kotex's \set…hangulfont{…},
# \newfontfamily\name{…} and \newfontface\name{…}: the family is the braced name.
FONT_COMMAND = re.compile(r"\\(?:set\w*font|newfontfamily\s*\\\w+|newfontface\s*\\\w+)\s*\{([^{}]+)\}")


def preamble_fonts(latex_elements: dict) -> dict[str, str]:
    fontpkg = latex_elements.get("fontpkg", "")
    return {family.strip(): "the LaTeX preamble" for family in FONT_COMMAND.findall(fontpkg)}


def missing_fonts(wanted: dict[str, str]) -> list[str]:
    """One line for each font of WANTED (family → what uses it) that is not installed."""
    if shutil.which("fc-list") is None:
        return ["fc-list not found: install the Debian package fontconfig (make system does)"]
    have = {name for families, *_ in fonts.installed() for name in families}
    return [
        f'font "{family}" ({use}) is not installed: '
        + (f"install the Debian package {PACKAGE[family]} (make system does)" if family in PACKAGE
           else "install a font package that provides it")
        for family, use in wanted.items() if fonts.name_key(family) not in have
    ]


def check(app: Sphinx) -> None:
    if app.builder.format == "latex":
        # The timeline's SVG is drawn for this builder too (report.timeline).
        timeline = ("TeX Gyre Heros", "Noto Sans CJK KR")
        wanted = preamble_fonts(app.config.latex_elements) | {f: DRAWN[f] for f in timeline}
    elif app.builder.format == "html":
        wanted = dict(DRAWN)
    else:
        return  # gettext, linkcheck …: nothing drawn or typeset
    problems = missing_fonts(wanted)
    if problems:
        # One line each and no Sphinx error page (which asks for a bug report
        # and lists every extension): an installation step is missing, that is all.
        sys.stdout.flush()
        print("\n".join(problems), file=sys.stderr, flush=True)
        raise SystemExit(2)


def setup(app: Sphinx):
    # builder-inited: after report.edition has set the edition's preamble
    # (config-inited), before anything is read.
    app.connect("builder-inited", check)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
