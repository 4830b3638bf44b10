# The repository's _ext on sys.path (see tests/roots/test-bibmemo/conf.py).
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

extensions = ["myst_parser", "sphinx_sitemap", "report.keptpages"]
html_baseurl = "https://example.org/"
sitemap_url_scheme = "{link}"
