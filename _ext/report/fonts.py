"""The book's fonts for what the build draws itself: the cover, the sharing
card, the timeline figure and the EPUB's embedded Korean font.

Fonts are found through fontconfig by exact family and style (the same
families the PDF names: TeX Gyre from fonts-texgyre, Noto CJK KR from
fonts-noto-cjk), so a missing font stops the build instead of being replaced
by whatever fc-match finds. A ``Face`` pairs a Latin face with the Hangul one
that stands in for it, and text is set in runs, each in the first of the two
that has its glyphs.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass

from PIL import ImageFont


class FontMissing(RuntimeError):
    """A font the build needs is not installed."""


def name_key(text: str) -> str:
    """A family or style name as fontconfig compares them: case and blanks ignored."""
    return "".join(text.split()).casefold()


@functools.lru_cache(maxsize=None)
def installed() -> tuple[tuple[frozenset[str], frozenset[str], str, int], ...]:
    """(families, styles, file, face index) of every font fontconfig knows.

    One fc-list for the whole build: each call costs a few milliseconds when
    fontconfig's cache is current and about 70 ms when it is not (seen after
    apt installed fonts), and a build asks for up to seven fonts.
    """
    if shutil.which("fc-list") is None:
        raise FontMissing("fc-list (fontconfig) is not installed: run scripts/install-system-deps.sh")
    out = subprocess.run(["fc-list", "-f", "%{family}\t%{style}\t%{file}\t%{index}\n"],
                         capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            names = [frozenset(map(name_key, values.split(","))) for values in parts[:2]]
            found.append((names[0], names[1], parts[2], int(parts[3] or 0)))
    return tuple(found)


@functools.lru_cache(maxsize=None)
def find_font(family: str, style: str) -> tuple[str, int]:
    """Return (file, face index) of an installed font with exactly this family
    and style (fc-list's answer; fc-match would silently substitute another
    font), so a missing font fails loudly."""
    matches = sorted(
        ((path, index) for families, styles, path, index in installed()
         if name_key(family) in families and name_key(style) in styles),
        # Prefer OpenType files, then the shortest path, so the choice is stable.
        key=lambda m: (not m[0].endswith((".otf", ".ttc")), len(m[0]), m[0], m[1]),
    )
    if not matches:
        raise FontMissing(
            f"font {family!r} ({style}) is not installed: run scripts/install-system-deps.sh "
            "(Debian packages fonts-texgyre and fonts-noto-cjk)"
        )
    return matches[0]


def stamp(family: str, style: str) -> tuple[str, int, int, int]:
    """(file, face index, size, modification time) of an installed font: what a
    result made with it is kept under (report.filecache), so a new version of
    the font makes it again."""
    path, index = find_font(family, style)
    stat = os.stat(path)
    return path, index, stat.st_size, stat.st_mtime_ns


@functools.lru_cache(maxsize=None)
def cmap(path: str, index: int) -> frozenset[int]:
    """The code points the face maps (its best cmap subtable's). HarfBuzz reads
    them in milliseconds where fontTools takes a tenth of a second for a CJK
    face, and a build that draws nothing need not import fontTools."""
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(path), index).unicodes)


@functools.lru_cache(maxsize=None)
def truetype(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True)
class Face:
    """A Latin face and the Hangul face that stands in for it."""

    latin: tuple[str, str]
    hangul: tuple[str, str]

    def font_for(self, char: str, size: int) -> ImageFont.FreeTypeFont:
        """The Latin face if it has CHAR, else the Hangul one (loaded only then)."""
        for family, style in (self.latin, self.hangul):
            path, index = find_font(family, style)
            if char == " " or ord(char) in cmap(path, index):
                return truetype(path, index, size)
        return truetype(*find_font(*self.latin), size)


def runs(text: str, face: Face, size: int) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """Split TEXT into runs, each set in the first font that has its glyphs."""
    found: list[tuple[str, ImageFont.FreeTypeFont]] = []
    for char in text:
        font = face.font_for(char, size)
        # Spaces and punctuation stay in the font of the word before them, so
        # the comma in "역사, 현황" is the Hangul face's, not an italic Latin one.
        if found and not char.isalnum() and ord(char) in cmap(found[-1][1].path, found[-1][1].index):
            font = found[-1][1]
        if found and found[-1][1] is font:
            found[-1] = (found[-1][0] + char, font)
        else:
            found.append((char, font))
    return found


def text_width(text: str, face: Face, size: int) -> float:
    return sum(font.getlength(run) for run, font in runs(text, face, size))


def wrap(text: str, face: Face, size: int, width: int) -> list[str]:
    """Greedy line breaking at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", face, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
