"""A BeautifulSoup whose tags match simple CSS selectors themselves.

A selector of one shape (a tag name and a class, ``>`` between compounds) is
answered by walking the tree in document order, as soupsieve would; any other
selector, or one with namespaces, flags or a limit, still goes to soupsieve,
whose parser compiles its regular expressions the first time it parses one.
report.simpleselect gives this soup to the theme.
"""

from __future__ import annotations

import functools
import re

from bs4 import BeautifulSoup, Tag

#: One compound selector: a tag name, a class, or both.
COMPOUND = re.compile(r"(?P<name>[a-z][a-z0-9]*)?(?:\.(?P<cls>-?[_a-zA-Z][\w-]*))?")


@functools.lru_cache(maxsize=None)  # the theme asks the same few, once per list item
def parse(selector: str) -> tuple[tuple[str | None, str | None], ...] | None:
    """The compounds of SELECTOR, parent first, or None if it is not that simple."""
    compounds = []
    for part in selector.split(">"):
        match = COMPOUND.fullmatch(part.strip())
        if not match or not (match["name"] or match["cls"]):
            return None
        compounds.append((match["name"], match["cls"]))
    return tuple(compounds)


def _is(tag, compound: tuple[str | None, str | None]) -> bool:
    name, cls = compound
    return (isinstance(tag, Tag) and (name is None or tag.name == name)
            and (cls is None or cls in tag.get_attribute_list("class")))


def _matches(tag: Tag, compounds) -> bool:
    for compound in reversed(compounds):
        if not _is(tag, compound):
            return False
        tag = tag.parent
    return True


class SimpleSelectTag(Tag):
    """A tag that matches the simple selectors itself."""

    def _matching(self, compounds):
        """The tags below this one that COMPOUNDS match, in document order."""
        return (tag for tag in self.descendants if _matches(tag, compounds))

    def select(self, selector, namespaces=None, limit=None, **kwargs):
        compounds = None if (namespaces or limit or kwargs) else parse(selector)
        if compounds is None:
            return Tag.select(self, selector, namespaces, limit, **kwargs)
        return list(self._matching(compounds))

    def select_one(self, selector, namespaces=None, **kwargs):
        compounds = None if (namespaces or kwargs) else parse(selector)
        if compounds is None:
            return Tag.select_one(self, selector, namespaces, **kwargs)
        return next(self._matching(compounds), None)


class SimpleSelectSoup(BeautifulSoup, SimpleSelectTag):
    """BeautifulSoup whose tags are SimpleSelectTag, the document included."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("element_classes", {Tag: SimpleSelectTag})
        super().__init__(*args, **kwargs)
