"""The report's citation style: author–date, as Chicago's author-date style
(and Pandoc's citeproc with it) writes it, inside sphinxcontrib-bibtex.

Two pybtex plugins, both named ``report``:

- a formatting style (``bibtex_default_style``): one alphabetical list of
  people and organizations together, sorted by the name as printed (a
  person's family name first; a Korean name written ``{Byun Duk-kun}``, kept
  literal, files under Byun), then year and title; each entry opens with its
  author and its date label ("2025", "2025a", "n.d."), so the date is printed
  once, and a web page adds when it was consulted (``urldate``);
- a reference style (``bibtex_reference_style``): "(Author 2025a)" in the
  text, using the label the formatting style gave the entry.

The label ("Congressional Research Service 2025a") is computed from every
entry in the list at once, so two entries of one author and year get "a" and
"b" and every label in the text names exactly one entry; sphinxcontrib-bibtex
warns of a duplicate label, which ``-W`` turns into a failed build.

Names, dates and typographic quotes are read from the fields by
report.citefields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pybtex.plugin
from pybtex.richtext import HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.template import node
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BaseReferenceStyle, BracketStyle, GroupReferenceStyle
from sphinxcontrib.bibtex.style.template import entry_label, join, join2, post_text, pre_text, reference

from report.citefields import (access_date, cited_name, date_labels, listed_name, month_of, plain,
                               rich, sort_name, year_of)

# -- The list -----------------------------------------------------------------------

def sentence(*parts) -> Text:
    """Parts joined by ", ", ending with a full stop (unless one is there)."""
    parts = [p for p in parts if p]
    return Text(", ").join(parts).add_period() if parts else Text()


def quoted_title(entry) -> Text:
    """“Title.”: quotes inside it become single ones, and the full stop goes
    inside the closing quotes, as Chicago puts it."""
    title = plain(entry.fields["title"]).translate({0x201C: 0x2018, 0x201D: 0x2019})
    if title.endswith("\u2019"):
        title = title[:-1] + ("" if title[-2] in ".?!" else ".") + "\u2019"
    elif title[-1] not in ".?!":
        title += "."
    return Text(f"\u201c{title}\u201d")


def italic_title(entry) -> Text:
    return Tag("em", rich(entry.fields["title"])).add_period()


class AuthorDateStyle(BaseStyle):
    """Chicago author-date entries: Author. Date. Title. Where. Accessed. URL."""

    default_name_style = "plain"
    default_label_style = "number"
    default_sorting_style = "none"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # BaseStyle binds these to its label and sorting plugins per instance.
        self.sort = self.sort_entries
        self.format_labels = self.label_entries
        self.dates: dict[str, str] = {}
        # sphinxcontrib-bibtex asks this style for each entry twice, for the
        # list and for the citations' tooltips (they have no style of their
        # own): formatted once, the same entry given for both.
        self._formatted: dict[tuple[str, str], FormattedEntry] = {}

    def sort_entries(self, entries):
        return sorted(entries, key=lambda e: (sort_name(e), year_of(e) or "9999",
                                              plain(e.fields.get("title", "")).casefold()))

    def label_entries(self, sorted_entries):
        self.dates.update(date_labels(sorted_entries))
        return [f"{cited_name(e)} {self.dates[e.key]}" for e in sorted_entries]

    def format_entry(self, label, entry, bib_data=None):
        key = (label, entry.key)
        if key not in self._formatted:
            self._formatted[key] = self._format(label, entry)
        return self._formatted[key]

    def _format(self, label, entry):
        date_label = self.dates.get(entry.key) or date_labels([entry])[entry.key]
        fields = entry.fields
        name = listed_name(entry)
        parts = [Text(name).add_period()] if name else []
        parts.append(Text(date_label).add_period())
        title = italic_title if entry.type in {"book", "techreport"} else quoted_title
        if "title" in fields:
            parts.append(title(entry))
        parts.append(self.where(entry))
        if "note" in fields:
            parts.append(rich(fields["note"]).add_period())
        if "urldate" in fields:
            parts.append(Text(f"Accessed {access_date(entry)}").add_period())
        if "url" in fields:
            url = fields["url"]
            parts.append(Text(HRef(url, url), "."))
        text = Text(" ").join([p for p in parts if p])
        return FormattedEntry(entry.key, text, label)

    def where(self, entry) -> Text:
        """Where the source appeared, and its month if nothing else dates it."""
        fields = entry.fields
        if entry.type == "article":
            volume = rich(fields["volume"]) if "volume" in fields else Text()
            if "number" in fields:
                volume = Text(volume, " (", rich(fields["number"]), ")")
            journal = Tag("em", rich(fields.get("journal", "")))
            pages = Text(": ", rich(fields["pages"])) if "pages" in fields else Text()
            return sentence(Text(journal, " ", volume, pages) if volume else journal)
        if entry.type == "techreport":
            number = " ".join(fields[f] for f in ("type", "number") if f in fields)
            parts = [rich(number) if number else None, rich(fields["institution"])
                     if "institution" in fields else None]
        elif entry.type == "book":
            place = fields.get("address")
            publisher = fields.get("publisher")
            if place and publisher:
                return Text(rich(place), ": ", rich(publisher), ".")
            parts = [rich(publisher) if publisher else None]
        else:
            parts = [rich(fields["howpublished"]) if "howpublished" in fields else None]
        # A month and year after the place only when no other field gives the
        # year already (a news item's "Euronews, 4 September 2017"): the date
        # is printed once.
        dated = any(year_of(entry) and year_of(entry) in fields.get(f, "")
                    for f in ("howpublished", "note", "number"))
        if month_of(entry) and year_of(entry) and not dated:
            parts.append(Text(f"{month_of(entry)} {year_of(entry)}"))
        return sentence(*parts)


# -- The text -----------------------------------------------------------------------

@node
def cited_author(children, data) -> Text:
    return Text(cited_name(data["entry"]))


@node
def cited_date(children, data) -> Text:
    """The label without its author: "2025a"."""
    return Text(data["formatted_entry"].label[len(cited_name(data["entry"])):].strip())


@dataclass
class ParentheticalStyle(BaseReferenceStyle):
    """``{cite:p}``: "(Author 2025a; Other n.d.)", "(see Author 2025a, 12)"."""

    bracket: BracketStyle = field(default_factory=lambda: BracketStyle(left="(", right=")", sep="; "))

    def role_names(self):
        return ["p", "ps", "alp", "alps"]

    def outer(self, role_name, children):
        return self.bracket.outer(children, brackets="al" not in role_name)

    def inner(self, role_name):
        return join2(sep1=" ", sep2=", ")[pre_text, reference[entry_label], post_text]


@dataclass
class TextualStyle(BaseReferenceStyle):
    """``{cite:t}``: "Author (2025a)", the date label alone in brackets."""

    bracket: BracketStyle = field(default_factory=lambda: BracketStyle(left="(", right=")", sep="; "))

    def role_names(self):
        return ["t", "ts", "ct", "cts"]

    def outer(self, role_name, children):
        return self.bracket.outer(children, brackets=False, capfirst="c" in role_name)

    def inner(self, role_name):
        return join(sep=" ")[cited_author, join["(", reference[cited_date], ")"]]


@dataclass
class AuthorDateReferences(GroupReferenceStyle):
    def __post_init__(self):
        self.styles.extend([ParentheticalStyle(), TextualStyle()])
        super().__post_init__()


def setup(app):
    pybtex.plugin.register_plugin("pybtex.style.formatting", "report", AuthorDateStyle)
    register_plugin("sphinxcontrib.bibtex.style.referencing", "report", AuthorDateReferences)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
