# The repository's _ext on sys.path: found from here when the root is built in
# place; sphinx.testing builds a copy elsewhere, where tests/conftest.py has
# already put it there.
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

extensions = ["myst_parser", "sphinxcontrib.bibtex", "report.bibmemo"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "plain"
