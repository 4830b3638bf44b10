"""Look pybtex's plain-text backend up once per build, not once per citation.

sphinxcontrib-bibtex 2.7 resolves every ``{cite}`` role with
``pybtex.plugin.find_plugin("pybtex.backends", "plaintext")``, and pybtex 0.26
answers each call by scanning the entry points of every installed package
(``importlib.metadata.entry_points``): about 3 ms a call in this virtualenv.
With the report's ~200 citations that is over half a second for each of the
html, epub and latex builders, and in a 100-chapter book 40% of the html build
(``make bench``; docs/performance.md). pybtex checks plugins registered at run
time before entry points, so registering the very class the entry point names
turns each lookup into a dictionary hit. The outputs do not change.
"""

import pybtex.plugin
from pybtex.backends.plaintext import Backend


def setup(app):
    # force=True: the name is already an entry point; without it pybtex keeps
    # the slow path and returns False.
    pybtex.plugin.register_plugin("pybtex.backends", "plaintext", Backend, force=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
