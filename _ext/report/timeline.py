"""Draw the timeline figure and table from one data file, with every event sourced.

The report's history is kept as data (``data/timeline.csv``, set by
``report_timeline_data`` in conf.py; columns ``date,label,event,source``) so the
figure and the table can never disagree, and so each event carries the
bibliography key of its source. A translated edition takes each row's label and
sentence from the columns named for its language (``label_ko,event_ko`` after
the four above), with dates in its own form ("1950년 6월 25일"), so the Korean
figure and table are drawn from the same rows and the same sources. Two
directives turn the file into the book:

``timeline-figure``  a numbered figure drawn from the rows; the caption is the
                     directive's content, ``:name:`` its label, ``:alt:`` its
                     alt text (a summary generated from the data by default)
``timeline-table``   a numbered table (the directive's argument is its caption)
                     listing each event with its date and a citation of its
                     source, so readers can search what the figure shows

The figure is drawn by report.timelinedraw once per build, before any document
is read, into ``<doctree folder>/report-timeline/`` (``_build/doctrees/report-timeline/``
with the Makefile): build-side, so generated files never sit next to the
sources. ``timeline.svg`` is the image of the website and the EPUB, its glyphs
drawn as paths; ``timeline.tex`` is the same drawing as TikZ code, which the
LaTeX builder puts in place of the image, so the PDF's figure is typeset in the
book's own XeLaTeX run and fonts (TeX Gyre Heros; Noto Sans CJK KR for Hangul
in the Korean edition). ``timeline-phone.svg`` is the same figure laid out for
a phone's screen (report.timelinephone); the website and the EPUB show it in
place of the wide one on narrow screens (their stylesheets), where the wide
one's text would be too small to read. The bytes depend only on the rows and the fonts, and
the files are rewritten only when their content changes, so an unchanged data
file never makes Sphinx re-read the timeline page.

Every build checks the data file (report.timelinedata), with its path and line in
each message: R030 a malformed row, R031 a source not in the bibliography,
R032 a row without its translation, R033 a file not in UTF-8.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives, roles
from sphinx.directives.patches import Figure
from sphinx.locale import _
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from report import filecache, glyphs, timelinedraw, timelinephone
from report.timelinedata import (Event, check_glyphs, check_sources, check_translations, parse,
                                 read_data)

logger = logging.getLogger(__name__)

OUTPUT_FOLDER = "report-timeline"
BASENAME = "timeline"
PHONE = "timeline-phone.svg"


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
    undrawable = check_glyphs(events, timelinedraw.label_cmaps(language or "en"), language or "en")
    problems += undrawable
    # A label the font cannot draw is reported, not drawn as empty boxes.
    events = [e for e in events if e.line not in {p.line for p in undrawable}]
    for problem in sorted(problems, key=lambda p: (p.line, p.code)):
        logger.warning(f"{problem.code} {problem.message}", location=f"{path}:{problem.line}",
                       type="report", subtype=problem.code)
    if not events:
        return
    # Drawn again only when the rows, the drawing code or the fonts changed
    # (report.filecache).
    fonts = [(f, os.stat(f).st_mtime_ns) for f in timelinedraw.font_files(language or "en")]
    drawings = {f"{BASENAME}.svg": timelinedraw.svg,
                f"{BASENAME}.tex": lambda *a: timelinedraw.tikz(*a).encode("utf-8"),
                PHONE: lambda *a: timelinedraw.svg(*a, arrange=timelinephone.layout)}

    def draw(folder: Path) -> None:
        for name, drawing in drawings.items():
            (folder / name).write_bytes(drawing(events, language or "en"))

    code = [Path(module.__file__).read_bytes() for module in (timelinedraw, timelinephone, glyphs)]
    entry = filecache.key(repr((events, language, fonts)), Path(__file__).read_bytes(), *code)
    drawn = filecache.kept(app.doctreedir, "report-timeline-drawn", entry, draw)
    folder = output_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    for name in drawings:
        write_if_changed(folder / name, (drawn / name).read_bytes())


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
        result = super().run()
        for image in [i for node in result for i in node.findall(nodes.image)]:
            image["timeline"] = "wide"  # TikZ code in its place for LaTeX (TimelineInLatex)
            # The site's dark mode and the narrow screens' choice (site.css, epub.css).
            image["classes"] += ["report-timeline", "report-timeline-wide"]
            phone = nodes.image(uri=Path(os.path.relpath(output_folder(self.env) / PHONE, here)).as_posix(),
                                alt=image["alt"], classes=["report-timeline", "report-timeline-phone"],
                                timeline="phone")
            image.parent.insert(image.parent.index(image) + 1, phone)
        return result


class TimelineInLatex(SphinxPostTransform):
    """The LaTeX builder gets the drawing as TikZ code in place of the image,
    typeset in the book's own run and fonts."""

    builders = ("latex",)
    default_priority = 5  # before any image converter

    def run(self, **kwargs) -> None:
        for image in list(self.document.findall(nodes.image)):
            if image.get("timeline") == "phone":  # a page, not a screen, has the room
                image.parent.remove(image)
            elif image.get("timeline"):
                code = (output_folder(self.env) / f"{BASENAME}.tex").read_text(encoding="utf-8")
                image.replace_self(nodes.raw("", code, format="latex"))


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
    app.add_post_transform(TimelineInLatex)
    app.add_latex_package("tikz")
    return {"version": "1", "env_version": 1, "parallel_read_safe": True,
            "parallel_write_safe": True}
