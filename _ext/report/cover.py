"""Draw the report's cover at build time, from the title, subtitle and author.

The EPUB needs a cover image (stores and e-readers show it in the library),
and the website shows the same picture. A cover kept in the repository as a
hand-made PNG would go stale the day the title or version changes, so the
cover is typeset here with Pillow from the same configuration every other
output uses (``project``/``epub_title``, ``report_subtitle``, ``author``),
in the fonts the PDF uses (TeX Gyre from Debian's fonts-texgyre; Noto Serif
and Noto Sans CJK KR from fonts-noto-cjk for any Hangul, e.g. a Korean
edition's title).

The picture is 1600 × 2560 px (the size e-book stores ask for) and its bytes
depend only on the text, the fonts and the pinned Pillow: Pillow's BASIC
layout engine is used rather than Raqm, whose presence depends on the
system's libfribidi and would change glyph positions from one machine to the
next, and the PNG carries no timestamp.

Every HTML-family build (html, dirhtml, singlehtml, epub) writes it to
``_static/cover.png`` in its output folder, and the html builders also write
``_static/cover-small.png`` (480 × 768 px) for pages that show it small.
Drawn images are kept next to the doctrees, keyed by everything they depend
on, so the builds of one checkout draw the cover once.
``python _ext/report/cover.py OUT.png`` draws it without a build, to look at
a change quickly.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw

if __package__ in (None, ""):  # run as a script (below): the package's parent on the path
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from report import filecache, fonts, forked  # noqa: E402
from report.fonts import Face  # noqa: E402

#: Where the builders put the cover, relative to the output folder.
COVER_PATH = "_static/cover.png"
COVER_SMALL_PATH = "_static/cover-small.png"
SIZE = (1600, 2560)
SMALL_SIZE = (480, 768)

# Colours: a deep navy ground, the red of both flags for the accents, and
# off-white text (contrast ratio above 12:1 on the ground).
NAVY_TOP = (18, 36, 68)
NAVY_BOTTOM = (9, 20, 41)
RED = (200, 16, 46)
TEXT = (244, 246, 250)
SOFT = (196, 208, 226)
MARGIN = 150


TITLE = Face(("TeX Gyre Pagella", "Bold"), ("Noto Serif CJK KR", "Bold"))
SUBTITLE = Face(("TeX Gyre Pagella", "Italic"), ("Noto Serif CJK KR", "Regular"))
AUTHOR = Face(("TeX Gyre Heros", "Regular"), ("Noto Sans CJK KR", "Regular"))


def _fit(text: str, face: Face, width: int, largest: int, smallest: int, max_lines: int):
    """Size and lines for TEXT: as few lines as possible, then as large as possible.

    Fewer lines win only while the size stays at or above 70% of LARGEST, so
    a long title breaks into two large lines rather than one small one.
    """

    def fits(size: int, allowed: int) -> list[str] | None:
        lines = fonts.wrap(text, face, size, width)
        ok = len(lines) <= allowed and all(fonts.text_width(line, face, size) <= width for line in lines)
        return lines if ok else None

    floor = max(smallest, round(largest * 0.7))
    for allowed in range(1, max_lines + 1):
        for size in range(largest, floor - 1, -4):
            if lines := fits(size, allowed):
                return size, lines
    for size in range(floor - 4, smallest - 1, -4):
        if lines := fits(size, max_lines):
            return size, lines
    return smallest, fonts.wrap(text, face, smallest, width)


def _draw_line(draw: ImageDraw.ImageDraw, x: float, baseline: float, text: str,
               face: Face, size: int, fill) -> None:
    for run, font in fonts.runs(text, face, size):
        draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
        x += font.getlength(run)


def ground(size: tuple[int, int]) -> Image.Image:
    """A vertical gradient from NAVY_TOP to NAVY_BOTTOM (the sharing card's too)."""
    # Computed as one column and widened: the same pixels as the whole
    # picture's gradient, in a tenth of the time.
    ramp = Image.linear_gradient("L").resize((1, size[1]))
    column = Image.composite(Image.new("RGB", ramp.size, NAVY_BOTTOM), Image.new("RGB", ramp.size, NAVY_TOP), ramp)
    return column.resize(size, Image.Resampling.NEAREST)


def _ring(centre: tuple[int, int], radius: int, stroke: int, colour,
          opacity: float) -> tuple[Image.Image, tuple[int, int], Image.Image]:
    """An anti-aliased ring as (colour, where, mask) for Image.paste: drawn at
    four times the size and reduced, so each pixel's coverage is the share of
    its 16 samples inside the stroke."""
    cx, cy = centre
    half = radius + stroke
    scale = 4
    big = Image.new("L", (2 * half * scale,) * 2, 0)
    draw = ImageDraw.Draw(big)
    middle = half * scale
    for edge, fill in ((radius + stroke / 2, round(255 * opacity)), (radius - stroke / 2, 0)):
        reach = edge * scale
        draw.ellipse((middle - reach, middle - reach, middle + reach, middle + reach), fill=fill)
    mask = big.reduce(scale)
    return Image.new("RGB", mask.size, colour), (cx - half, cy - half), mask


def render(title: str, subtitle: str, author: str) -> Image.Image:
    """Typeset the cover; the same text always gives the same pixels."""
    image = ground(SIZE)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN

    # A short red rule, then the title, top left.
    draw.rectangle((MARGIN, 250, MARGIN + 240, 264), fill=RED)
    size, lines = _fit(title, TITLE, width, largest=168, smallest=96, max_lines=3)
    baseline = 250 + 60 + size
    for line in lines:
        _draw_line(draw, MARGIN, baseline, line, TITLE, size, TEXT)
        baseline += round(size * 1.08)

    if subtitle:
        sub_size, sub_lines = _fit(subtitle, SUBTITLE, width, 84, 56, max_lines=3)
        baseline += round(sub_size * 0.9)
        for line in sub_lines:
            _draw_line(draw, MARGIN, baseline, line, SUBTITLE, sub_size, SOFT)
            baseline += round(sub_size * 1.25)

    # Two interlocking rings, the alliance, in the free space below the text.
    centre_y = max(baseline + 360, 1700)
    # They interlock: the red one lies on top at the lower crossing, the
    # pale one at the upper crossing (drawn in the other order, then pasted).
    radius, stroke, left, right = 300, 22, (590, centre_y), (1010, centre_y)
    other_order = image.copy()
    pale, red = _ring(left, radius, stroke, SOFT, 0.6), _ring(right, radius, stroke, RED, 0.95)
    image.paste(*pale)
    image.paste(*red)
    other_order.paste(*red)
    other_order.paste(*pale)
    cross_x = (left[0] + right[0]) // 2
    cross_y = centre_y - round((radius**2 - (cross_x - left[0]) ** 2) ** 0.5)
    box = (cross_x - 70, cross_y - 70, cross_x + 70, cross_y + 70)
    image.paste(other_order.crop(box), box[:2])

    # The author at the foot, under a thin rule.
    author_size, author_lines = _fit(author, AUTHOR, width, 54, 36, max_lines=2)
    baseline = SIZE[1] - 230 - (len(author_lines) - 1) * round(author_size * 1.3)
    rule = baseline - author_size - 60
    draw.rectangle((MARGIN, rule, SIZE[0] - MARGIN, rule + 3), fill=SOFT)
    for line in author_lines:
        _draw_line(draw, MARGIN, baseline, line, AUTHOR, author_size, TEXT)
        baseline += round(author_size * 1.3)
    return image


def save_png(image: Image.Image, path: Path) -> None:
    """PNG without any time or software chunk, so equal pixels give equal bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    image.save(tmp, format="PNG")
    tmp.replace(path)


def cover_text(config) -> tuple[str, str, str]:
    """Title, subtitle and author as the EPUB's metadata gives them."""
    return (
        getattr(config, "epub_title", "") or config.project,
        config.report_subtitle,
        getattr(config, "epub_author", "") or config.author,
    )


def _cache_key(text: tuple[str, str, str]) -> str:
    """Everything the pixels depend on: the text, the fonts, Pillow and the drawing code."""
    import PIL

    files = [fonts.stamp(family, style)
             for face in (TITLE, SUBTITLE, AUTHOR) for family, style in (face.latin, face.hangul)]
    return filecache.key(repr((text, files, PIL.__version__)),
                         Path(__file__).read_bytes(), Path(fonts.__file__).read_bytes())


KIND = "report-cover"  # report.filecache's name for the drawn covers


def _drawer(text: tuple[str, str, str]) -> Callable[[Path], None]:
    def draw(folder: Path) -> None:
        image = render(*text)
        save_png(image.resize(SMALL_SIZE, Image.Resampling.LANCZOS), folder / "cover-small.png")
        save_png(image, folder / "cover.png")
    return draw


def start_cover(app) -> None:
    """builder-inited: a cover no build has drawn for this text is drawn by
    the build's child process while Sphinx reads (report.forked), about a
    sixth of a second off a clean build; it is kept next to the doctrees under
    a key of everything it depends on, so the html and epub builds of one
    checkout, and every rebuild of sphinx-autobuild, draw it once."""
    if app.builder.format != "html":
        return
    text = cover_text(app.config)
    key = _cache_key(text)
    if not filecache.has(app.doctreedir, KIND, key):
        forked.schedule(app, lambda: filecache.kept(app.doctreedir, KIND, key, _drawer(text)))
    app.builder.report_cover_drawing = (text, key)


def write_cover(app, builder) -> None:
    """write-started: put the cover into the output's _static folder (drawn
    here if the child did not draw it)."""
    if builder.format != "html":
        return
    text, key = builder.report_cover_drawing
    cache = filecache.kept(app.doctreedir, KIND, key, _drawer(text))
    outdir = Path(builder.outdir)
    (outdir / COVER_PATH).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache / "cover.png", outdir / COVER_PATH)
    if not builder.name.startswith("epub"):
        shutil.copyfile(cache / "cover-small.png", outdir / COVER_SMALL_PATH)


def setup(app):
    # The subtitle lives in report.toml; conf.py passes it on.
    app.add_config_value("report_subtitle", "", "html", types=frozenset({str}))
    app.setup_extension("report.forked")
    app.connect("builder-inited", start_cover)
    app.connect("write-started", write_cover)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    import sys

    from identity import load  # run as a script: this folder is on the path

    # Preview without a build: python _ext/report/cover.py OUT.png
    report = load()
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "cover.png")
    save_png(render(report["title"], report["subtitle"], report["author"]), out)
    print(out)
