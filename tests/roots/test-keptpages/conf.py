# The repository's _ext on sys.path (see tests/roots/test-bibmemo/conf.py).
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

# No sphinx-sitemap: it forks a process at every build, which can hang in a
# test worker's threads; the whole book's rebuild test compares its sitemap.
extensions = ["myst_parser", "report.keptpages"]
