"""The bibliography formatted once per version of what it is formatted from.

sphinxcontrib-bibtex formats every entry of every bibliography on every build,
whatever changed (its env-updated handler): about a fifth of a second of each
rebuild after a chapter is edited, for a hundred and twenty entries. What it
formats depends on the entries (the bytes of the .bib files), which of them
the bibliography lists and in what order, the style and the tooltips. This
module overrides the "cite" domain with a subclass that keeps the formatted
entries with the environment under a key of those, so a rebuild whose
sources cite the same entries of the same files reuses them. The environment
itself is dropped when the configuration or the extension's code changes
(Sphinx; scripts/uptodate.py), which covers the style's own code.

A formatting that warned (a missing field) is never kept: its warning must
come back on the next build.
"""

from __future__ import annotations

import ast
import hashlib
import logging
from pathlib import Path

from sphinxcontrib.bibtex.domain import BibtexDomain

#: The formatted entries of the last build, on the environment (so pickled with it).
ATTRIBUTE = "report_formatted_bibliographies"


class _Count(logging.Handler):
    """How many warnings (or worse) were logged while it was attached."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class FormattedOnce(BibtexDomain):
    """sphinxcontrib-bibtex's domain, formatting a bibliography only when its inputs changed."""

    def _formatting_key(self, bibliography_key, docnames, tooltips, tooltips_style) -> str:
        listed = [key for key, _ in self.get_sorted_entries(bibliography_key, docnames)]
        directive = self.bibliographies[bibliography_key]
        # Its settings by value: the filter is a syntax tree and the citation
        # nodes are objects, whose repr names their address.
        settings = (directive.bibfiles, directive.style, directive.labelprefix, directive.keyprefix,
                    ast.dump(directive.filter_), directive.keys)
        digest = hashlib.sha256(repr((bibliography_key, settings, listed, tooltips, tooltips_style)).encode())
        for path in sorted(self.bibdata.bibfiles):
            digest.update(Path(path).read_bytes())
        return digest.hexdigest()

    def get_formatted_entries(self, bibliography_key, docnames, tooltips, tooltips_style):
        key = self._formatting_key(bibliography_key, docnames, tooltips, tooltips_style)
        entries = self.bibdata.data.entries
        kept = getattr(self.env, ATTRIBUTE, {}).get(key)
        if kept is None:
            # Counted as they are logged: Sphinx holds back the warnings of
            # the reading phase, this one included, until it ends.
            warnings = _Count()
            sphinx_logger = logging.getLogger("sphinx")
            sphinx_logger.addHandler(warnings)
            try:
                found = list(super().get_formatted_entries(bibliography_key, docnames, tooltips, tooltips_style))
            finally:
                sphinx_logger.removeHandler(warnings)
            if warnings.count:
                return found
            kept = [(entry.key, formatted, tooltip) for entry, formatted, tooltip in found]
        self.__dict__.setdefault("_formatted_now", {})[key] = kept
        return [(entries[name], formatted, tooltip) for name, formatted, tooltip in kept]

    def env_updated(self):
        # The memo keeps this build's bibliographies only, so it does not grow.
        self._formatted_now: dict[str, list] = {}
        try:
            return super().env_updated()
        finally:
            setattr(self.env, ATTRIBUTE, self._formatted_now)


def setup(app):
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(FormattedOnce, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
