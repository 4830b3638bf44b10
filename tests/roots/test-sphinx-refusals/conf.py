# The refusals Sphinx itself makes under the project's settings (nitpicky, no
# suppressed warning, MyST and sphinxcontrib-bibtex as conf.py sets them): the
# Makefile's -W turns each into a failed build (docs/checks.md).

extensions = ["myst_parser", "sphinxcontrib.bibtex"]
nitpicky = True
suppress_warnings: list[str] = []
myst_enable_extensions = ["colon_fence", "deflist", "smartquotes", "substitution"]
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"
