"""The theme's six CSS selectors matched without soupsieve's selector parser.

pydata-sphinx-theme (under sphinx-book-theme) finds parts of the sidebar and
of the page's contents with BeautifulSoup's ``select`` and ``select_one``:
``li``, ``.toc-h1``, ``.toc-h2``, ``li.toctree-l1 > details`` (a level per
depth), ``details > a.reference`` and ``details > p.caption``. BeautifulSoup
hands each selector to soupsieve, whose parser compiles its own regular
expressions the first time it parses one, case-insensitively over all of
Unicode: about 80 ms of every website build, a sixth of an edited chapter's
build, to match a tag name and a class.

The theme's module is given a BeautifulSoup whose tags answer a selector of
that shape (a tag name and a class, ``>`` between them) by walking the tree
themselves, in document order, as soupsieve does; any other selector, or
one with namespaces, flags or a limit, still goes to soupsieve. The pages
are byte-identical (tests/test_simpleselect.py compares both answers on the
website's own sidebar and contents).
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


def setup(app):
    import pydata_sphinx_theme.toctree

    pydata_sphinx_theme.toctree.BeautifulSoup = SimpleSelectSoup
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
