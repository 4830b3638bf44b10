"""Give every element of a translated document an id of its own.

Sphinx translates a paragraph by parsing the translation (msgstr) afresh and
putting the result in the original's place. A translator may split one
English sentence into several Korean ones and cite the source after each, as
the Korean edition's style asks; sphinxcontrib-bibtex then gives each of those
citations the id of the single citation in the English paragraph, so the page
carries ``id="id23"`` three times: invalid HTML, and an EPUB that EPUBCheck
rejects (RSC-005 "Duplicate ID"). This transform, run on each document right
after Sphinx's translation (priority 20), renames the second and later
holders of an id (``id23-2`` …). Links to the id still reach its first holder;
documents without duplicates, every untranslated one included, are left as
they are.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform


class UniqueIds(SphinxTransform):
    default_priority = 21  # after sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        seen: set[str] = set()
        for node in self.document.findall(nodes.Element):
            if not any(id_ in seen for id_ in node.get("ids", [])):
                seen.update(node.get("ids", []))
                continue
            # A new list: the translated nodes may share one ids list object.
            ids = []
            for id_ in node["ids"]:
                if id_ in seen:
                    number = 2
                    while f"{id_}-{number}" in seen or f"{id_}-{number}" in self.document.ids:
                        number += 1
                    id_ = f"{id_}-{number}"
                    self.document.ids[id_] = node
                ids.append(id_)
                seen.add(id_)
            node["ids"] = ids


def setup(app):
    app.add_transform(UniqueIds)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
