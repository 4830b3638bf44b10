"""What an entry's fields say, as the report's citation style prints them
(report.citestyle): names, dates and typographic quotes.

references.bib is written in ASCII with LaTeX's quotes (```word'``,
``People's``); every field and name read here is given typographic quotes,
so no straight quote or backtick reaches any format. A person is filed and
cited under the family name; a name kept literal in braces (an
organization, or a Korean name written family name first, ``{Byun
Duk-kun}``) is used whole.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from pybtex.richtext import String, Text

NO_DATE = "n.d."
MONTHS = ("January February March April May June July August September October "
          "November December").split()
MONTH_NAMES = {name[:3].lower(): name for name in MONTHS}


# -- Typographic quotes -------------------------------------------------------------

def curl(text: str) -> str:
    """LaTeX's and the keyboard's quotes as typographic ones."""
    text = text.replace("``", "\u201c").replace("''", "\u201d").replace("`", "\u2018")
    # A double quote opens after a space or an opening bracket (or at the start).
    text = re.sub(r'(^|[\s(\[\u2018])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    # A single quote after a space opens a quotation; anywhere else it is an
    # apostrophe or closes one, and both are the same character (’).
    text = re.sub(r"(^|[\s(\[\u201c])'", "\\1\u2018", text)
    return text.replace("'", "\u2019")


def curled(text):
    """TEXT with typographic quotes in every string, protected ones too
    (``{{A title}}``), where pybtex's own ``map`` stops."""
    if isinstance(text, String):
        return String(curl(text.value))
    if hasattr(text, "parts"):
        text.parts = [curled(part) for part in text.parts]
    return text


def rich(latex: str) -> Text:
    return curled(Text.from_latex(latex))


def plain(latex: str) -> str:
    return curl(Text.from_latex(latex).render_as("text"))


# -- Names --------------------------------------------------------------------------

def family(person) -> str:
    """What a person is filed and cited under: the family name (a literal
    ``{Byun Duk-kun}`` or ``{Congressional Research Service}`` whole)."""
    return plain(" ".join(person.prelast_names + person.last_names))


def given(person) -> str:
    return plain(" ".join(person.first_names + person.middle_names))


def inverted(person) -> str:
    first = given(person)
    return f"{family(person)}, {first}" if first else family(person)


def direct(person) -> str:
    first = given(person)
    return f"{first} {family(person)}" if first else family(person)


def series(items: list[str], et_al: int = 0) -> str:
    """"A", "A and B", "A, B, and C"; "A et al." from ET_AL names on."""
    if et_al and len(items) >= et_al:
        return f"{items[0]} et al."
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def creators(entry) -> list:
    return list(entry.persons.get("author") or entry.persons.get("editor") or [])


def cited_name(entry) -> str:
    people = creators(entry)
    if not people:
        return plain(entry.fields.get("title", entry.key))
    return series([family(p) for p in people], et_al=4)


def listed_name(entry) -> str:
    """"Family, Given", then "Given Family" for the others, with a comma before
    "and" even for two ("Meick, Ethan, and Nargiza Salidjanova")."""
    people = creators(entry)
    if len(people) == 2:
        return f"{inverted(people[0])}, and {direct(people[1])}"
    return series([inverted(people[0])] + [direct(p) for p in people[1:]]) if people else ""


def sort_name(entry) -> str:
    return " ".join(f"{family(p)} {given(p)}" for p in creators(entry)).casefold() \
        or plain(entry.fields.get("title", "")).casefold()


# -- Dates --------------------------------------------------------------------------

def year_of(entry) -> str:
    return entry.fields.get("year", "").strip()


def month_of(entry) -> str:
    month = entry.fields.get("month", "").strip()
    return MONTH_NAMES.get(month[:3].lower(), "") if month else ""


def access_date(entry) -> str:
    value = entry.fields.get("urldate", "").strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def suffixes(count: int) -> list[str]:
    if count == 1:
        return [""]
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(count)]


def date_labels(entries) -> dict[str, str]:
    """Each entry's date as the text prints it: "2025", "2025a", "n.d.", "n.d.-a"."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for entry in entries:
        groups[(cited_name(entry), year_of(entry))].append(entry)
    labels = {}
    for (_name, year), group in groups.items():
        group.sort(key=lambda e: plain(e.fields.get("title", "")).casefold())
        for entry, suffix in zip(group, suffixes(len(group))):
            labels[entry.key] = f"{year}{suffix}" if year else \
                NO_DATE + (f"-{suffix}" if suffix else "")
    return labels
