# The Korean edition's LaTeX output: report.edition hands its index to
# komkindex through the latexmkrc Sphinx writes (R041 when it cannot). The
# identity comes from this root's report.toml, as in the project.
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

from report import identity  # noqa: E402

REPORT = identity.load(Path(__file__).parent / "report.toml")
project, author = REPORT["title"], REPORT["author"]
version = release = REPORT["version"]
language = "ko"
extensions = ["myst_parser", "report.edition"]
myst_substitutions = {"date_of_information": REPORT["date_of_information"]}
latex_engine = "xelatex"
# As the project (conf.py): makeindex, which komkindex replaces.
latex_use_xindy = False


def setup(app):
    # report.cover declares it in the project; this root does without the cover.
    app.add_config_value("report_subtitle", REPORT["subtitle"], "env")
