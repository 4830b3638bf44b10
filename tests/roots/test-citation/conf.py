# The repository's _ext on sys.path: found from here when the root is built in
# place; sphinx.testing builds a copy elsewhere, where tests/conftest.py has
# already put it there.
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

from report import identity  # noqa: E402

REPORT = identity.load(Path(__file__).parent / "report.toml")
project, author = REPORT["title"], REPORT["author"]
version = release = REPORT["version"]
language = REPORT["language"]
extensions = ["myst_parser", "report.citable"]
myst_enable_extensions = ["colon_fence"]
myst_substitutions = {"date_of_information": REPORT["date_of_information"]}


def setup(app):
    # report.cover declares it in the project; this root does without the cover.
    app.add_config_value("report_subtitle", REPORT["subtitle"], "env")
