"""The timeline figure laid out for a phone's screen.

The figure of report.timelinedraw is a wide drawing (a date column and a label
column beside the time axis); scaled to the width of a phone held upright it
sets its text at about 8 px. This layout is narrow and tall instead: each
event's date on one line and its label below it, wrapped at word spaces, so
that at the width it is shown at (the text column of a 360 px screen, about
310 px on the website and 345 px in the EPUB) its text is 12 px or more.
report.timeline writes it as ``timeline-phone.svg`` next to the wide drawing;
the stylesheets show it instead of the wide one on narrow screens.

The same items (Text, Line, Dot) as the wide layout, drawn by the same SVG
writer, so the glyphs, colours and time axis are the wide figure's.
"""

from __future__ import annotations

import math

from report.timelinedraw import ACCENT, INK, MUTED, RULE, Dot, Line, Text, cap_middle, decades, width

SIZE = 10.0  # pt, the text
WIDTH = 240  # pt: shown 310 px wide, 1 pt is 1.29 px and the text 12.9 px
LEADING = 12.5  # pt from one line of an event to the next
GAP = 6.0  # pt more between two events
MARGIN = 12.0  # pt above the first event and below the last
AXIS_X, ELBOW_X, TEXT_X = 34.0, 46.0, 58.0
RIGHT = 6.0  # pt kept free at the right edge


def wrap(text: str, language: str, room: float) -> list[str]:
    """TEXT in lines no wider than ROOM, broken only between words (Korean as
    well: its words are separated by spaces)."""
    lines: list[str] = []
    for word in text.split():
        if lines and width(f"{lines[-1]} {word}", language, size=SIZE) <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def layout(events, language: str) -> tuple[float, float, list]:
    """(width, height, items) in points, y down: the date, then the label
    below it, each event joined by a leader line to its place on the time axis."""
    start, end = decades(events)
    drop = cap_middle(SIZE)
    room = WIDTH - TEXT_X - RIGHT
    rows, y = [], MARGIN
    for event in events:
        label = wrap(event.label, language, room)
        rows.append((event, y, label))
        y += LEADING * (1 + len(label)) + GAP
    top, bottom = MARGIN, rows[-1][1]

    def time_y(when: float) -> float:
        return top + max(bottom - top, LEADING) * (when - start) / (end - start)

    items: list = [Line(((AXIS_X, time_y(start)), (AXIS_X, time_y(end))), MUTED, 0.8)]
    for decade in range(start, end + 1, 10):
        items.append(Line(((AXIS_X - 5, time_y(decade)), (AXIS_X, time_y(decade))), MUTED, 0.8))
        items.append(Text(AXIS_X - 8, time_y(decade) + drop, str(decade), MUTED, end=True, size=SIZE))
    for event, y_row, label in rows:
        y_time = time_y(event.when)
        items.append(Line(((AXIS_X, y_time), (ELBOW_X, y_time), (TEXT_X - 4, y_row)), RULE, 0.6))
        items.append(Dot(AXIS_X, y_time, ACCENT))
        items.append(Text(TEXT_X, y_row + drop, event.short_date(language), ACCENT, bold=True, size=SIZE))
        for i, line in enumerate(label, start=1):
            items.append(Text(TEXT_X, y_row + drop + i * LEADING, line, INK, size=SIZE))
    height = max(bottom, time_y(end)) + LEADING * len(rows[-1][2]) + MARGIN
    return WIDTH, math.ceil(height), items
