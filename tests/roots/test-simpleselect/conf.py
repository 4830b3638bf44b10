# The repository's _ext on sys.path (see tests/roots/test-bibmemo/conf.py).
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

# The book's theme, with a sidebar two levels deep (collapsible entries) and
# pages with sections (the "on this page" contents): every selector the theme uses.
extensions = ["myst_parser", "report.simpleselect"]
html_theme = "sphinx_book_theme"
html_theme_options = {"navigation_with_keys": False, "show_navbar_depth": 3}
