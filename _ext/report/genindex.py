"""File the website's and the EPUB's index as the PDF files it.

Sphinx groups the entries of genindex.html by their first character: "38th
parallel" and "6자회담" in a "Symbols" group before A, and Korean entries
under the conjoining jamo Unicode decomposes a syllable into (ᄀ, drawn as
the left half of a syllable, in the headings and the letter bar). The PDF
files numbers as they are read and heads Korean groups with ㄱ, ㄴ, ㄷ
(report.indexkeys, shared by both). This html-page-context handler, for
every HTML-family builder (the website, the EPUB, Read the Docs' single
page), files Sphinx's grouped entries again by those keys, and orders the
groups as komkindex does: the edition's own script first (ㄱ…ㅎ then A–Z in
the Korean edition, A–Z then ㄱ…ㅎ in the English), any symbols before both.
Each entry keeps its text, links and sub-entries; only its group and place
change.
"""

from __future__ import annotations

from collections import defaultdict

from sphinx.locale import _

from report.hangul import is_korean
from report.indexkeys import INITIALS, head, order, sort_key


def group_rank(name: str, symbols: str, korean: bool) -> tuple[int, str]:
    if name == symbols:
        return 0, name
    hangul = name in INITIALS
    latin = name.isascii() and name.isalpha()
    if hangul or latin:
        return (1 if hangul == korean else 2), name
    return 3, name  # a group Sphinx was told (a glossary term's classifier)


def regroup(index: list, korean: bool) -> list:
    """Sphinx's [(group, [(entry, (targets, sub-entries, category key))])],
    filed by report.indexkeys."""
    symbols = _("Symbols")
    groups: dict[str, list] = defaultdict(list)
    for _group, entries in index:
        for name, (targets, subentries, category_key) in entries:
            key = sort_key(name)
            # As Sphinx does: an entry given a category key is filed under it.
            group = category_key or head(key) or symbols
            subentries = sorted(subentries, key=lambda sub: (order(sort_key(sub[0])), sub[0]))
            groups[group].append(((order(key), name), (name, (targets, subentries, category_key))))
    return [(group, [entry for _key, entry in sorted(groups[group], key=lambda item: item[0])])
            for group in sorted(groups, key=lambda group: group_rank(group, symbols, korean))]


def file_entries(app, pagename, templatename, context, doctree) -> None:
    """html-page-context: the index page's groups, refiled (the split index's
    pages, which this book does not use, are left as Sphinx makes them)."""
    if "genindexentries" not in context or context.get("split_index"):
        return
    index = regroup(context["genindexentries"], is_korean(app.config.language))
    context["genindexentries"] = index
    # Sphinx's count of lines a group takes, which balances the two columns.
    context["genindexcounts"] = [sum(1 + len(subentries) for _name, (_t, subentries, _k) in entries)
                                 for _group, entries in index]


def setup(app):
    app.connect("html-page-context", file_entries)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
