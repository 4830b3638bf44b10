"""Draw the timeline figure: one layout, written as SVG and as TikZ.

report.timelinedata reads and checks the rows; this module turns the checked
events into a drawing, and report.timeline puts it into the book. The layout (every line, dot and piece of text, in
points) is computed once and written two ways, so the two cannot disagree:

- SVG for the website and the EPUB, shown in an ``<img>``, which cannot use
  the page's fonts: every glyph is a path, taken with HarfBuzz from the font
  the PDF sets the same text in (TeX Gyre Heros, from fonts-texgyre; Hangul
  from Noto Sans CJK KR, fonts-noto-cjk, as xetexko sets it in the Korean
  PDF). Both are fonts the build already requires (report.fontcheck). The
  bytes depend only on the events and the fonts: no dates, no random ids.
- TikZ code for the PDF, typeset in the book's own XeLaTeX run (report.timeline
  puts it where the image would be): the text is set by the book's fonts in
  \\sffamily, so it is embedded as the rest of the book, and no other TeX
  process runs. TikZ comes with texlive-pictures, which texlive-latex-extra
  depends on.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from sphinx.util import texescape

from report.fonts import cmap, find_font
from report.glyphs import Face, number

SIZE = 8.5  # pt, the text
ROW = 15.5  # pt from one event to the next
MARGIN = 14.4  # pt above the first row and below the last
AXIS_X, ELBOW_X, DATE_X, LABEL_X = 36.0, 64.8, 86.4, 162.0
INK, ACCENT, MUTED, RULE = "1A1A1A", "1F4E79", "595959", "C8C8C8"
LATIN, HANGUL = "TeX Gyre Heros", "Noto Sans CJK KR"


@dataclass(frozen=True)
class Text:
    x: float  # where the text starts, or ends when end is True
    y: float  # the baseline, from the top
    text: str
    color: str
    bold: bool = False
    end: bool = False
    size: float = SIZE  # pt


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    color: str
    width: float


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    color: str
    radius: float = 1.6


@functools.lru_cache(maxsize=None)
def face(family: str, style: str) -> Face:
    # Only the Latin font is kerned: Hangul is set on a fixed pitch.
    return Face(*find_font(family, style), kerned=family == LATIN)


def fonts(language: str, bold: bool = False) -> list[Face]:
    """The faces a character is looked up in, in order: Latin first, as xetexko
    sets Latin letters, digits and punctuation in the Latin font."""
    style = "Bold" if bold else "Regular"
    return [face(LATIN, style)] + ([face(HANGUL, style)] if language == "ko" else [])


def font_files(language: str) -> list[str]:
    return [find_font(family, style)[0] for family in (LATIN, HANGUL)[:2 if language == "ko" else 1]
            for style in ("Regular", "Bold")]


def label_cmaps(language: str) -> list[frozenset[int]]:
    """The character maps of the fonts the labels are set in (every build
    checks the labels; HarfBuzz reads a map in milliseconds)."""
    return [cmap(*find_font(family, "Regular")) for family in [LATIN] + ([HANGUL] if language == "ko" else [])]


def missing(text: str, cmaps: list[frozenset[int]]) -> set[str]:
    """The characters of TEXT that none of the fonts of CMAPS (label_cmaps) can draw."""
    return {ch for ch in text if not ch.isspace() and not any(ord(ch) in c for c in cmaps)}


def shape(text: str, faces: list[Face]) -> list[tuple[Face, int, float]]:
    """(face, glyph, x in 1/1000 em) for each character, kerned within a face."""
    placed, x, last = [], 0.0, None
    for ch in text:
        # The first face that has CH, else the first face's .notdef (glyph 0).
        current, glyph = next(((f, g) for f in faces if (g := f.glyph(ch)) is not None), (faces[0], 0))
        if last is not None and last[0] is current:
            x += current.kern(last[1], ch)
        placed.append((current, glyph, x))
        x += current.advance(glyph)
        last = (current, ch)
    return placed


def width(text: str, language: str, bold: bool = False, size: float = SIZE) -> float:
    """TEXT's advance width in points."""
    placed = shape(text, fonts(language, bold))
    return (placed[-1][2] + placed[-1][0].advance(placed[-1][1])) * size / 1000 if placed else 0.0


def cap_middle(size: float) -> float:
    """How far above the baseline the middle of a capital letter is, in points."""
    return face(LATIN, "Regular").cap_height() * size / 2000


def decades(events) -> tuple[int, int]:
    """The time axis: from the decade of the first event to the one after the last."""
    first, last = min(e.when for e in events), max(e.when for e in events)
    return 10 * int(first // 10), 10 * int(last // 10 + 1)


def layout(events, language: str) -> tuple[float, float, list]:
    """(width, height, items) in points, y down: events in rows, each joined by a
    leader line to its true place on a vertical time axis, so crowded years stay legible."""
    n = len(events)
    start, end = decades(events)
    drop = cap_middle(SIZE)  # puts the middle of a capital letter on the row's line
    dates = [e.short_date(language) for e in events]
    label_x = max(LABEL_X, DATE_X + max(width(d, language, True) for d in dates) + 10)

    def time_y(when: float) -> float:
        return MARGIN + max(n - 1, 1) * ROW * (when - start) / (end - start)

    items: list = [Line(((AXIS_X, time_y(start)), (AXIS_X, time_y(end))), MUTED, 0.8)]
    for decade in range(start, end + 1, 10):
        y = time_y(decade)
        items.append(Line(((AXIS_X - 5.76, y), (AXIS_X, y)), MUTED, 0.8))
        items.append(Text(AXIS_X - 9.36, y + drop, str(decade), MUTED, end=True))
    for i, (event, date) in enumerate(zip(events, dates)):
        y_row, y_time = MARGIN + i * ROW, time_y(event.when)
        items.append(Line(((AXIS_X, y_time), (ELBOW_X, y_time), (DATE_X - 4.32, y_row)), RULE, 0.6))
        items.append(Dot(AXIS_X, y_time, ACCENT))
        items.append(Text(DATE_X, y_row + drop, date, ACCENT, bold=True))
        items.append(Text(label_x, y_row + drop, event.label, INK))
    right = max(label_x + width(e.label, language) for e in events)
    return math.ceil(right + 8), math.ceil(2 * MARGIN + max(n - 1, 1) * ROW), items


def svg(events, language: str, arrange=layout) -> bytes:
    """The figure as an SVG file whose text is drawn as paths; ARRANGE is the
    layout (report.timelinephone has the one for phones)."""
    w, h, items = arrange(events, language)
    ids: dict[tuple[Face, int], str] = {}
    defs, body = [], []
    for item in items:
        if isinstance(item, Line):
            points = " ".join(f"{number(x)} {number(y)}" for x, y in item.points)
            body.append(f'<polyline points="{points}" fill="none" stroke="#{item.color}" '
                        f'stroke-width="{number(item.width)}" stroke-linejoin="round"/>')
        elif isinstance(item, Dot):
            body.append(f'<circle cx="{number(item.x)}" cy="{number(item.y)}" '
                        f'r="{number(item.radius)}" fill="#{item.color}"/>')
        else:
            placed = shape(item.text, fonts(language, item.bold))
            x = item.x - (width(item.text, language, item.bold, item.size) if item.end else 0)
            uses = []
            for current, glyph, offset in placed:
                key = (current, glyph)
                if key not in ids:
                    path = current.outline(glyph)
                    ids[key] = "" if not path else f"g{len(defs) + 1}"
                    if path:
                        defs.append(f'<path id="{ids[key]}" d="{path}"/>')
                if ids[key]:
                    uses.append(f'<use xlink:href="#{ids[key]}" x="{number(offset, 1)}"/>')
            scale = number(item.size / 1000, 4)
            body.append(f'<g fill="#{item.color}" transform="translate({number(x)} {number(item.y)}) '
                        f'scale({scale} -{scale})">{"".join(uses)}</g>')
    return "\n".join([
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{w}pt" height="{h}pt" viewBox="0 0 {w} {h}">',
        "<defs>", *defs, "</defs>",
        f'<rect width="{w}" height="{h}" fill="#FFFFFF"/>',
        *body, "</svg>", ""]).encode("utf-8")


def tikz(events, language: str) -> str:
    """The figure as a tikzpicture, its text set in the document's sans-serif fonts."""
    texescape.init()
    _, _, items = layout(events, language)
    lines = [r"\begin{tikzpicture}[x=1pt,y=-1pt,line join=round]"]
    lines += [rf"\definecolor{{timeline{c}}}{{HTML}}{{{c}}}" for c in sorted({INK, ACCENT, MUTED, RULE})]
    font = rf"\sffamily\fontsize{{{number(SIZE)}}}{{{number(SIZE * 1.2)}}}\selectfont"
    for item in items:
        if isinstance(item, Line):
            path = " -- ".join(f"({number(x)},{number(y)})" for x, y in item.points)
            lines.append(rf"\draw[timeline{item.color},line width={number(item.width)}pt] {path};")
        elif isinstance(item, Dot):
            lines.append(rf"\fill[timeline{item.color}] ({number(item.x)},{number(item.y)}) "
                         rf"circle[radius={number(item.radius)}pt];")
        else:
            style = font + (r"\bfseries" if item.bold else "")
            anchor = "base east" if item.end else "base west"
            text = texescape.escape(item.text, "xelatex")
            lines.append(rf"\node[anchor={anchor},inner sep=0pt,text=timeline{item.color},"
                         rf"font={style}] at ({number(item.x)},{number(item.y)}) {{{text}}};")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines) + "\n"
