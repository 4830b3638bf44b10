"""Draw the timeline figure and table from one data file, with every event sourced.

The report's history is kept as data (``data/timeline.csv``, set by
``report_timeline_data`` in conf.py; columns ``date,label,event,source``) so the
figure and the table can never disagree, and so each event carries the
bibliography key of its source. A translated edition takes each row's label and
sentence from the columns named for its language (``label_ko,event_ko`` after
the four above), with dates in its own form ("1950년 6월 25일"), so the Korean
figure and table are drawn from the same rows and the same sources. Two
directives turn the file into the book:

``timeline-figure``  a numbered figure drawn with matplotlib; the caption is the
                     directive's content, ``:name:`` its label, ``:alt:`` its
                     alt text (a summary generated from the data by default)
``timeline-table``   a numbered table (the directive's argument is its caption)
                     listing each event with its date and a citation of its
                     source, so readers can search what the figure shows

The figure is drawn once per build, before any document is read, into
``<doctree folder>/report-timeline/`` (``_build/doctrees/report-timeline/`` with
the Makefile): build-side, so generated files never sit next to the sources.
It is written as ``timeline.svg`` (HTML, EPUB) and ``timeline.pdf`` (LaTeX, a
vector image) and referenced as ``timeline.*``, so Sphinx's image candidates
give each builder its format. The PDF's text is typeset by
XeLaTeX (matplotlib's pgf backend) in the book's own fonts: TeX Gyre Heros, and
Noto Sans CJK KR through kotex in the Korean edition, embedded as the book's
are (CID-keyed OpenType). matplotlib's own PDF writer could only embed DejaVu
Sans, or the Noto CJK collection as Type 3 glyph procedures
(matplotlib/matplotlib#20870). The bytes are deterministic (fixed SVG hash salt,
no dates in the metadata, glyphs drawn as paths from the DejaVu Sans file that
ships with the pinned matplotlib, not whatever the system has; the Korean
figure needs Hangul and uses Noto Sans CJK KR from fonts-noto-cjk, the font the
cover uses), and the files are rewritten only when their content changes, so
an unchanged data file never makes Sphinx re-read the timeline page.

Every build checks the data file, with its path and line in each message:

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

import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives, roles
from lxml import etree
from sphinx.directives.patches import Figure
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

HEADER = ["date", "label", "event", "source"]
# After HEADER: a translation's columns, label_<language> and event_<language>.
TRANSLATION_COLUMN = re.compile(r"(label|event)_([a-z]{2,3})")
DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
OUTPUT_FOLDER = "report-timeline"
BASENAME = "timeline"
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


# -- Drawing ------------------------------------------------------------------------

def font_path(style: str = "") -> Path:
    """DejaVu Sans as shipped inside matplotlib: pinned with it, so the figure's
    bytes do not depend on the fonts installed on the machine."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"DejaVuSans{style}.ttf"


def figure_fonts(language: str) -> tuple:
    """(regular, bold) font files for the figure: DejaVu Sans, or for Korean
    Noto Sans CJK KR (a face inside a font collection, as matplotlib's FontPath)."""
    if language != "ko":
        return str(font_path()), str(font_path("-Bold"))
    from matplotlib.font_manager import FontPath

    from report.cover import find_font

    return tuple(FontPath(*find_font("Noto Sans CJK KR", style)) for style in ("Regular", "Bold"))


def check_glyphs(events: list[Event], language: str = "en") -> list[Problem]:
    from matplotlib.ft2font import FT2Font

    regular = figure_fonts(language)[0]
    charmap = FT2Font(getattr(regular, "path", regular), face_index=getattr(regular, "face_index", 0)).get_charmap()
    problems = []
    for event in events:
        missing = sorted({ch for ch in event.label + event.short_date(language)
                          if not ch.isspace() and ord(ch) not in charmap})
        if missing:
            problems.append(Problem("R030", event.line, f"the figure's font cannot draw "
                                    f"{''.join(missing)!r} in the label {event.label!r}; "
                                    + ("write the label in Latin script" if language != "ko"
                                       else "write the label in Hangul and Latin script")))
    return problems


INK, ACCENT, MUTED, RULE = "#1a1a1a", "#1f4e79", "#595959", "#c8c8c8"


#: The PDF's fonts, as the book's preamble names them (conf.py, report.edition).
#: matplotlib asks for the sans family, so main and sans are both set.
PGF_PREAMBLE = {
    "en": r"\usepackage{fontspec}\setmainfont{TeX Gyre Heros}\setsansfont{TeX Gyre Heros}",
    "ko": (r"\usepackage{fontspec}\usepackage[hangul]{kotex}"
           r"\setmainfont{TeX Gyre Heros}\setsansfont{TeX Gyre Heros}"
           r"\setmainhangulfont{Noto Sans CJK KR}\setsanshangulfont{Noto Sans CJK KR}"
           r"\xetexkofontregime{latin}[cjksymbols=hangul]"),
}


def draw(events: list[Event], language: str = "en",
         suffixes: tuple[str, ...] = ("svg", "pdf")) -> dict[str, bytes]:
    """The figure as {suffix: bytes}: events in rows, each joined by a leader
    line to its true place on a vertical time axis, so crowded years stay legible."""
    import matplotlib

    matplotlib.use("agg")
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.font_manager import FontProperties

    regular, heavy = figure_fonts(language)
    font = FontProperties(fname=regular, size=8)
    # weight: for the PDF, whose text XeLaTeX sets by family and weight.
    bold = FontProperties(fname=heavy, size=8, weight="bold")
    n = len(events)
    row = 0.21  # inches per event
    top, bottom = 0.2, 0.2
    width, height = 5.2, top + bottom + max(n - 1, 1) * row
    first = min(e.when for e in events)
    last = max(e.when for e in events)
    start, end = 10 * int(first // 10), 10 * int(last // 10 + 1)

    def axis_y(when: float) -> float:  # top of the figure = earliest
        return (n - 1) * (1 - (when - start) / (end - start))

    with matplotlib.rc_context({
        "svg.hashsalt": "us-south-korea-relations-timeline",
        "svg.fonttype": "path",
        # The PDF: text set by XeLaTeX in the book's fonts (PGF_PREAMBLE).
        "pgf.texsystem": "xelatex",
        "pgf.rcfonts": False,
        "pgf.preamble": PGF_PREAMBLE["ko" if language == "ko" else "en"],
        "pdf.compression": 9,
        "path.simplify": False,
    }):
        fig = MplFigure(figsize=(width, height), facecolor="white")
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, width)
        ax.set_ylim(-top / row, n - 1 + bottom / row)
        axis_x, elbow_x, date_x, label_x = 0.5, 0.9, 1.2, 2.25
        ax.plot([axis_x, axis_x], [axis_y(start), axis_y(end)], color=MUTED, lw=0.8,
                solid_capstyle="butt")
        for decade in range(start, end + 1, 10):
            y = axis_y(decade)
            ax.plot([axis_x - 0.08, axis_x], [y, y], color=MUTED, lw=0.8)
            ax.text(axis_x - 0.13, y, str(decade), ha="right", va="center",
                    color=MUTED, fontproperties=font)
        for i, event in enumerate(events):
            y_row, y_time = n - 1 - i, axis_y(event.when)
            ax.plot([axis_x, elbow_x, date_x - 0.06], [y_time, y_time, y_row],
                    color=RULE, lw=0.6)
            ax.plot([axis_x], [y_time], marker="o", ms=3.2, color=ACCENT, mew=0)
            ax.text(date_x, y_row, event.short_date(language), ha="left", va="center",
                    color=ACCENT, fontproperties=bold)
            ax.text(label_x, y_row, event.label, ha="left", va="center",
                    color=INK, fontproperties=font)
        out = {}
        if "svg" in suffixes:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None},
                        facecolor="white")
            out["svg"] = drop_empty_glyphs(buffer.getvalue())
        if "pdf" in suffixes:
            buffer = io.BytesIO()
            # XeLaTeX's dates (and the /ID made from them) fixed, so the
            # bytes depend on nothing but the drawing.
            with fixed_tex_dates():
                fig.savefig(buffer, format="pdf", backend="pgf", facecolor="white")
            out["pdf"] = buffer.getvalue()
    return out


@contextlib.contextmanager
def fixed_tex_dates():
    """SOURCE_DATE_EPOCH=0 and FORCE_SOURCE_DATE=1 for the TeX run inside, and
    the environment as it was afterwards (Sphinx reads SOURCE_DATE_EPOCH too)."""
    saved = {name: os.environ.get(name) for name in ("SOURCE_DATE_EPOCH", "FORCE_SOURCE_DATE")}
    os.environ.update(SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def drop_empty_glyphs(svg: bytes) -> bytes:
    """Remove the glyphs matplotlib writes for spaces: ``<path>`` without ``d``,
    which SVG requires (EPUBCheck RSC-025), and the ``<use>`` that place them."""
    tree = etree.fromstring(svg)
    empty = {path.get("id") for path in tree.iter(SVG + "path") if path.get("d") is None}
    for element in list(tree.iter(SVG + "path", SVG + "use")):
        href = element.get(XLINK + "href") or element.get("href") or ""
        if element.get("id") in empty or href.lstrip("#") in empty:
            element.getparent().remove(element)
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8", standalone=False)


SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def write_if_changed(path: Path, content: bytes) -> None:
    """Leave an unchanged file alone: a new mtime would make Sphinx re-read the page."""
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)


# These take the Sphinx application or its environment: both carry the folders
# and the configuration.
def output_folder(app_or_env) -> Path:
    return Path(app_or_env.doctreedir) / OUTPUT_FOLDER


def data_path(app_or_env) -> Path:
    return Path(app_or_env.srcdir) / app_or_env.config.report_timeline_data


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


def edition_language(config) -> str:
    """The language of a translated edition ("ko"), or "" for the original."""
    original = getattr(config, "report_original_language", "en")  # set by report.edition
    return "" if (config.language or original) == original else config.language


def known_keys(env) -> set[str]:
    """The bibliography keys as sphinxcontrib-bibtex parsed them from bibtex_bibfiles."""
    return {key.lower() for key in env.get_domain("cite").bibdata.data.entries.keys()}


def prepare(app) -> None:
    """Check the data file and draw the figure, before any document is read."""
    path = data_path(app)
    if not path.exists():
        logger.warning(f"R030 timeline data file not found: {path} "
                       "(report_timeline_data in conf.py)", type="report", subtype="R030")
        return
    text, undecodable = read_data(path)
    if undecodable:
        logger.warning(f"{undecodable.code} {undecodable.message}",
                       location=f"{path}:{undecodable.line}", type="report",
                       subtype=undecodable.code)
        return
    events, problems = parse(text)
    problems += check_sources(events, known_keys(app.env))
    language = edition_language(app.config)
    if language:
        problems += check_translations(events, language)
        events = [event.in_language(language) for event in events]
    glyphs = check_glyphs(events, language or "en")
    problems += glyphs
    # A label the font cannot draw is reported, not drawn as empty boxes.
    events = [e for e in events if e.line not in {p.line for p in glyphs}]
    for problem in sorted(problems, key=lambda p: (p.line, p.code)):
        logger.warning(f"{problem.code} {problem.message}", location=f"{path}:{problem.line}",
                       type="report", subtype=problem.code)
    if not events:
        return
    folder = output_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    # Drawing takes about a second: skip it when neither the rows nor this
    # module nor matplotlib changed since the files were written.
    import matplotlib

    fonts = [(str(f), os.stat(getattr(f, "path", f)).st_mtime_ns) for f in figure_fonts(language or "en")]
    stamp = hashlib.sha256(repr((events, language, fonts, matplotlib.__version__)).encode()
                           + Path(__file__).read_bytes()).hexdigest()
    stamp_file = folder / f"{BASENAME}.stamp"
    targets = [folder / f"{BASENAME}.{suffix}" for suffix in ("svg", "pdf")]
    if stamp_file.exists() and stamp_file.read_text() == stamp and all(t.exists() for t in targets):
        return
    for suffix, content in draw(events, language or "en").items():
        write_if_changed(folder / f"{BASENAME}.{suffix}", content)
    stamp_file.write_text(stamp)


class TimelineMixin:
    def events(self) -> list[Event]:
        path = data_path(self.env)
        # Edits to the data file or the bibliography re-read this page.
        self.env.note_dependency(str(path))
        for bibfile in self.env.get_domain("cite").bibdata.bibfiles:
            self.env.note_dependency(str(bibfile))
        if not path.exists():
            return []
        return parse(read_data(path)[0])[0]  # an undecodable file: reported as R033


class TimelineFigure(TimelineMixin, Figure, SphinxDirective):
    """``timeline-figure``: the drawn figure; content = caption."""

    required_arguments = 0
    optional_arguments = 0
    has_content = True
    option_spec = {"name": directives.unchanged, "alt": directives.unchanged,
                   "width": directives.length_or_percentage_or_unitless,
                   "class": directives.class_option}

    def run(self):
        events = self.events()
        if not events:
            return []
        image = output_folder(self.env) / f"{BASENAME}.*"
        here = Path(self.env.doc2path(self.env.docname)).parent
        # Relative to this page, as Sphinx expects of an image path; it points
        # into the build folder, outside the sources.
        self.arguments = [Path(os.path.relpath(image, here)).as_posix()]
        self.options.setdefault("alt", default_alt(events))
        return super().run()


def default_alt(events: list[Event]) -> str:
    return (f"A timeline of {len(events)} events from {events[0].long_date()} "
            f"({events[0].label}) to {events[-1].long_date()} ({events[-1].label}); "
            "the table that follows lists every event with its date and source.")


class TimelineTable(TimelineMixin, SphinxDirective):
    """``timeline-table``: every event with its date and cited source; argument = caption."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec = {"name": directives.unchanged, "class": directives.class_option}

    def run(self):
        language = edition_language(self.env.config)
        events = [event.in_language(language) for event in self.events()] if language else self.events()
        keys = known_keys(self.env)
        title_nodes, messages = self.state.inline_text(self.arguments[0], self.lineno)
        table = nodes.table(classes=["timeline-table", "longtable", "colwidths-given",
                                     *self.options.get("class", [])])
        table += nodes.title(self.arguments[0], "", *title_nodes)
        group = nodes.tgroup(cols=3)
        table += group
        # A Korean date ("1950년 10월 25일") is set unbroken, in a wider column.
        for width in ((23, 52, 25) if language == "ko" else (18, 55, 27)):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += self.row([nodes.paragraph("", str(text)) for text in (_("Date"), _("Event"), _("Source"))])
        body = nodes.tbody()
        group += body
        for event in events:
            event_cell = nodes.paragraph()
            event_cell += nodes.strong("", event.label)
            event_cell += nodes.Text(". " + event.event if event.event else "")
            cite = nodes.paragraph()
            known = [k for k in event.sources if k.lower() in keys]
            if known:  # unknown keys are reported as R031 against the data file
                cite += self.cite(",".join(known))
            date = event.long_date(language or "en")
            if language == "ko":
                # xetexko would break between "25" and "일" in a narrow column.
                date = date.replace(" ", "\u00a0")
            body += self.row([nodes.paragraph("", date), event_cell, cite])
        self.set_source_info(table)
        self.add_name(table)
        return [table, *messages]

    def row(self, cells) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell
            row += entry
        return row

    def cite(self, keys: str) -> list[nodes.Node]:
        """A ``cite:p`` role, exactly as if the author had written it here."""
        role, _ = roles.role("cite:p", self.state_machine.language, self.lineno,
                             self.state.reporter)
        result, _ = role("cite:p", f":cite:p:`{keys}`", keys, self.lineno, self.state.inliner)
        return result


def setup(app):
    app.add_config_value("report_timeline_data", "data/timeline.csv", "env", types=[str])
    # After sphinxcontrib-bibtex (priority 500) has read the bibliography.
    app.connect("builder-inited", prepare, priority=800)
    app.add_directive("timeline-figure", TimelineFigure)
    app.add_directive("timeline-table", TimelineTable)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True,
            "parallel_write_safe": True}
