"""Read and check the timeline's data file: its rows as events, and every problem with its line.

report.timeline reports the problems as warnings at the data file's path and
line, before any document is read:

R030  a row is malformed: wrong header, an empty field (the source included),
      a date that is not YYYY, YYYY-MM or YYYY-MM-DD, rows out of date order,
      or a label with a character the figure's font cannot draw
R031  a row's source is not a key in the bibliography (references.bib)
R032  a row has no label or sentence in the language being built (label_ko,
      event_ko): the translated edition would show it in English
R033  the file is not UTF-8 (at the line of the first byte that is not), so
      nothing is drawn and no row is read
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from report import timelinedraw

HEADER = ["date", "label", "event", "source"]
# After HEADER: a translation's columns, label_<language> and event_<language>.
TRANSLATION_COLUMN = re.compile(r"(label|event)_([a-z]{2,3})")
DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


@dataclass(frozen=True)
class Event:
    line: int  # where the row starts in the data file (1 = the header)
    date: str  # as written: YYYY, YYYY-MM or YYYY-MM-DD
    label: str  # a few words, drawn in the figure
    event: str  # one sentence, shown in the table
    sources: tuple[str, ...]  # bibliography keys
    # {language: (label, event)} from the translation columns
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)

    def in_language(self, language: str) -> Event:
        """The event as the edition in LANGUAGE tells it (untranslated parts stay)."""
        label, event = self.translations.get(language, ("", ""))
        return dataclasses.replace(self, label=label or self.label, event=event or self.event)

    @property
    def parts(self) -> tuple[int, int | None, int | None]:
        year, month, day = DATE.fullmatch(self.date).groups()
        return int(year), int(month) if month else None, int(day) if day else None

    @property
    def when(self) -> float:
        """The date as a fractional year, for placing the event on the axis."""
        year, month, day = self.parts
        if month is None:
            return year + 0.5
        start = dt.date(year, month, day or 15)
        return year + (start - dt.date(year, 1, 1)).days / 365.25

    def long_date(self, language: str = "en") -> str:
        year, month, day = self.parts
        if language == "ko":  # 1950년 6월 25일
            return " ".join(f"{n}{unit}" for n, unit in zip((year, month, day), "년월일") if n)
        if month is None:
            return str(year)
        return f"{day} {MONTHS[month - 1]} {year}" if day else f"{MONTHS[month - 1]} {year}"

    def short_date(self, language: str = "en") -> str:
        year, month, day = self.parts
        if language == "ko":  # 1950. 6. 25.
            return str(year) if month is None else " ".join(f"{n}." for n in (year, month, day) if n)
        if month is None:
            return str(year)
        return f"{day} {MONTHS[month - 1][:3]} {year}" if day else f"{MONTHS[month - 1][:3]} {year}"


@dataclass(frozen=True)
class Problem:
    code: str
    line: int
    message: str


def parse(text: str) -> tuple[list[Event], list[Problem]]:
    """Rows that can be drawn, and every problem found, with its line."""
    events: list[Event] = []
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or header[:len(HEADER)] != HEADER or not all(
            TRANSLATION_COLUMN.fullmatch(name) for name in header[len(HEADER):]):
        problems.append(Problem("R030", 1, f"the header must be {','.join(HEADER)!r}, then "
                                           "translation columns label_<lang>,event_<lang>, "
                                           f"not {','.join(header or [])!r}"))
        return events, problems
    start = reader.line_num + 1
    last: Event | None = None
    for row in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(header):
            problems.append(Problem("R030", line, f"expected {len(header)} fields "
                                    f"({','.join(header)}), found {len(row)}; quote "
                                    "fields that contain commas"))
            continue
        cells = dict(zip(header, (cell.strip() for cell in row)))
        translations: dict[str, tuple[str, str]] = {}
        for name in header[len(HEADER):]:
            kind, language = TRANSLATION_COLUMN.fullmatch(name).groups()
            label, event = translations.get(language, ("", ""))
            translations[language] = (cells[name], event) if kind == "label" else (label, cells[name])
        empty = [name for name in HEADER if not cells[name]]
        if empty:
            problems.append(Problem("R030", line, f"empty {', '.join(empty)}: every event "
                                    "needs a date, a label, a sentence and a source"))
        match = DATE.fullmatch(cells["date"])
        try:
            if match is None:
                raise ValueError("not YYYY, YYYY-MM or YYYY-MM-DD")
            year, month, day = match.groups()
            dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError as error:
            if cells["date"]:
                problems.append(Problem("R030", line, f"bad date {cells['date']!r} ({error}); "
                                        "write YYYY, YYYY-MM or YYYY-MM-DD"))
            continue
        if not cells["label"]:
            continue
        event = Event(line, cells["date"], cells["label"], cells["event"],
                      tuple(k.strip() for k in cells["source"].split(",") if k.strip()),
                      translations)
        if last is not None and event.parts < last.parts:
            problems.append(Problem("R030", line, f"{event.date} comes before {last.date} "
                                    f"(line {last.line}); keep the rows in date order"))
        last = event
        events.append(event)
    return events, problems


def check_translations(events: list[Event], language: str) -> list[Problem]:
    """R032: every row has a label and a sentence in LANGUAGE."""
    problems = []
    for event in events:
        label, sentence = event.translations.get(language, ("", ""))
        missing = [f"{kind}_{language}" for kind, text in (("label", label), ("event", sentence)) if not text]
        if missing:
            problems.append(Problem("R032", event.line, f"no {' or '.join(missing)} for "
                                    f"{event.label!r}: the {language!r} edition would show it "
                                    "untranslated; add the column(s) and fill them"))
    return problems


def check_sources(events: list[Event], keys: set[str]) -> list[Problem]:
    """KEYS in lower case: BibTeX keys are case-insensitive, as in pybtex."""
    return [
        Problem("R031", event.line, f"source {key!r} is not in the bibliography; add it "
                                    "to references.bib or correct the key")
        for event in events for key in event.sources if key.lower() not in keys
    ]


def check_glyphs(events: list[Event], cmaps: list[frozenset[int]], language: str = "en") -> list[Problem]:
    """R030 for a label the fonts of CMAPS (timelinedraw.label_cmaps) cannot draw."""
    problems = []
    for event in events:
        missing = sorted(timelinedraw.missing(event.label + event.short_date(language), cmaps))
        if missing:
            problems.append(Problem("R030", event.line, f"the figure's font cannot draw "
                                    f"{''.join(missing)!r} in the label {event.label!r}; "
                                    + ("write the label in Latin script" if language != "ko"
                                       else "write the label in Hangul and Latin script")))
    return problems


def read_data(path: Path) -> tuple[str, Problem | None]:
    """The data file's text, or "" and why it is not UTF-8 (R033, with its line)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return "", Problem("R033", line, f"not UTF-8 ({error.reason}: byte "
                                         f"0x{data[error.start]:02x} at column {column}); "
                                         "save the file as UTF-8")
