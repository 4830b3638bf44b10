"""One font file's glyphs, read with HarfBuzz: which characters it has, their
advances, the kerning between two of them, and their outlines as SVG path
data (report.timelinedraw draws the timeline's text with them).

HarfBuzz reads a face in milliseconds where fontTools took a tenth of a
second, and the numbers are the same: the same advances and 'kern' pairs,
and the outlines as fontTools' SVGPathPen wrote them.
"""

from __future__ import annotations

import functools


@functools.cache
def _harfbuzz():
    """uharfbuzz, imported when a figure is drawn: a build that finds the
    figures drawn (report.filecache) never needs it."""
    import uharfbuzz

    return uharfbuzz


def number(value: float, places: int = 2) -> str:
    """VALUE to PLACES decimals without trailing zeros, as SVG and TikZ get it."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class Face:
    """One font file, read with HarfBuzz: its characters, advances, outlines
    and pair kerning."""

    # Kerning alone: no ligature or other substitution may change the glyphs,
    # which are placed one character at a time.
    FEATURES = {"kern": True, **{tag: False for tag in ("liga", "clig", "dlig", "calt", "rlig", "ccmp", "locl")}}

    def __init__(self, path: str, index: int, kerned: bool) -> None:
        hb = _harfbuzz()
        self.face = hb.Face(hb.Blob.from_file_path(path), index)
        self.font = hb.Font(self.face)  # in font units
        self.scale = 1000 / self.face.upem  # to units of 1/1000 em
        self.kerned = kerned
        # A figure asks for the same pairs again and again (7,000 asks, a few
        # hundred pairs).
        self.kerns: dict[tuple[str, str], float] = {}

    def glyph(self, char: str) -> int | None:
        return self.font.get_nominal_glyph(ord(char))

    def advance(self, glyph: int) -> float:
        return self.font.get_glyph_h_advance(glyph) * self.scale

    def kern(self, left: str, right: str) -> float:
        """What the 'kern' feature adds between two characters' glyphs."""
        if not self.kerned:
            return 0.0
        pair = (left, right)
        if pair not in self.kerns:
            hb = _harfbuzz()
            buffer = hb.Buffer()
            buffer.add_str(left + right)
            buffer.guess_segment_properties()
            hb.shape(self.font, buffer, self.FEATURES)
            first = buffer.glyph_infos[0].codepoint
            self.kerns[pair] = buffer.glyph_positions[0].x_advance * self.scale - self.advance(first)
        return self.kerns[pair]

    def cap_height(self) -> float:
        return self.font.get_metric_position(_harfbuzz().OTMetricsTag.CAP_HEIGHT) * self.scale

    def outline(self, glyph: int) -> str:
        """The glyph as SVG path data, in 1/1000 em, y up; "" for a blank one."""
        pen = PathPen(self.scale)
        self.font.draw_glyph_with_pen(glyph, pen)
        return "".join(pen.commands)


class PathPen:
    """SVG path data as fontTools' SVGPathPen writes it (absolute commands, H
    and V for straight lines; numbers to a tenth here), from the pen calls
    uharfbuzz draws a glyph with."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.commands: list[str] = []
        self.command = ""
        self.last: tuple[float, float] | None = None
        self.start: tuple[float, float] | None = None
        self.lined = False  # the last command drew a straight line

    def _point(self, point) -> tuple[float, float]:
        return point[0] * self.scale, point[1] * self.scale

    @staticmethod
    def _text(point: tuple[float, float]) -> str:
        return f"{number(point[0], 1)} {number(point[1], 1)}"

    def moveTo(self, point) -> None:
        if self.command == "M":  # a lone point draws nothing
            self.commands.pop()
        self.last = self.start = self._point(point)
        self.commands.append("M" + self._text(self.last))
        self.command, self.lined = "M", False

    def lineTo(self, point) -> None:
        x, y = self._point(point)
        if (x, y) == self.last:
            return
        if x == self.last[0]:
            command, text = "V", number(y, 1)
        elif y == self.last[1]:
            command, text = "H", number(x, 1)
        elif self.command == "M":  # implied by the move before it
            command, text = "", " " + self._text((x, y))
        else:
            command, text = "L", self._text((x, y))
        self.commands.append(command + text)
        self.command = command or self.command
        self.last, self.lined = (x, y), True

    def curveTo(self, *points) -> None:
        placed = [self._point(p) for p in points]
        self.commands.append("C" + " ".join(self._text(p) for p in placed))
        self.command, self.last, self.lined = "C", placed[-1], False

    def qCurveTo(self, *points) -> None:
        placed = [self._point(p) for p in points]
        self.commands.append("Q" + " ".join(self._text(p) for p in placed))
        self.command, self.last, self.lined = "Q", placed[-1], False

    def closePath(self) -> None:
        # HarfBuzz draws the line back to the start that Z implies; the
        # outline is the same without it.
        if self.lined and self.last == self.start:
            self.commands.pop()
        self.commands.append("Z")
        self.command, self.last, self.lined = "Z", None, False

    def endPath(self) -> None:
        self.command = ""
