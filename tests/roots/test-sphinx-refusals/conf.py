# The refusals Sphinx itself makes under the project's settings (nitpicky, no
# suppressed warning, MyST and sphinxcontrib-bibtex as conf.py sets them): the
# Makefile's -W turns each into a failed build (docs/checks.md). The
# repository's _ext on sys.path for the citation style, as in test-citation.
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

extensions = ["myst_parser", "sphinxcontrib.bibtex", "report.citestyle"]
nitpicky = True
suppress_warnings: list[str] = []
myst_enable_extensions = ["colon_fence", "deflist", "smartquotes", "substitution"]
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "report"
bibtex_reference_style = "report"
