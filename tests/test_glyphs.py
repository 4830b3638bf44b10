"""report.glyphs reads fonts with HarfBuzz; fontTools (which drew the
timeline's text before) is the second opinion: for every character of the
timeline's labels and dates, in both editions and both weights, the same
advance and the same outline as fontTools' SVGPathPen writes it, and the
pair kerning gives the positions HarfBuzz's own shaping of the whole text
gives."""

from __future__ import annotations

import sys

import pytest
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from helpers import ROOT

sys.path.insert(0, str(ROOT / "_ext"))

from report import glyphs, timelinedraw  # noqa: E402  (on the path just above)
from report.fonts import find_font  # noqa: E402
from report.timeline import parse, read_data  # noqa: E402

EVENTS = parse(read_data(ROOT / "data" / "timeline.csv")[0])[0]
TEXTS = {"en": [t for e in EVENTS for t in (e.label, e.short_date("en"))],
         "ko": [t for e in EVENTS for t in (e.in_language("ko").label, e.in_language("ko").short_date("ko"))]}
FACES = [pytest.param(family, style, language, id=f"{family}-{style}")
         for family, language in ((timelinedraw.LATIN, "en"), (timelinedraw.HANGUL, "ko"))
         for style in ("Regular", "Bold")]


@pytest.mark.parametrize(("family", "style", "language"), FACES)
def test_advances_and_outlines_are_those_fonttools_reads(family: str, style: str, language: str) -> None:
    path, index = find_font(family, style)
    face = glyphs.Face(path, index, kerned=False)
    font = TTFont(path, fontNumber=index, lazy=True)
    cmap, metrics, shapes = font.getBestCmap(), font["hmtx"].metrics, font.getGlyphSet()
    characters = sorted({ch for text in TEXTS[language] for ch in text if ord(ch) in cmap})
    assert len(characters) > 20
    for ch in characters:
        name = cmap[ord(ch)]
        gid = face.glyph(ch)
        assert gid == font.getGlyphID(name), ch
        assert face.advance(gid) == metrics[name][0] * face.scale, ch
        pen = SVGPathPen(shapes, ntos=lambda v: glyphs.number(v, 1))
        shapes[name].draw(TransformPen(pen, (face.scale, 0, 0, face.scale, 0, 0)))
        assert face.outline(gid) == pen.getCommands(), ch


@pytest.mark.parametrize("style", ["Regular", "Bold"])
def test_pair_kerning_places_glyphs_as_shaping_the_whole_text(style: str) -> None:
    face = timelinedraw.face(timelinedraw.LATIN, style)
    hb = glyphs._harfbuzz()
    kerned = 0
    for text in TEXTS["en"]:
        placed = timelinedraw.shape(text, [face])
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(face.font, buffer, glyphs.Face.FEATURES)
        x, shaped = 0, []
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
            shaped.append((info.codepoint, x * face.scale))
            x += position.x_advance
        assert [(glyph, round(at, 6)) for _, glyph, at in placed] == \
            [(glyph, round(at, 6)) for glyph, at in shaped], text
        kerned += sum(face.kern(a, b) != 0 for a, b in zip(text, text[1:]))
    assert kerned > 50  # the labels do have kerned pairs (AV, Te, …)
