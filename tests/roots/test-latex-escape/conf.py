# report.toml values full of LaTeX's special characters: report.edition must
# escape every one that reaches the PDF (title page, \title, \author, metadata).
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

from report import identity  # noqa: E402

REPORT = identity.load(Path(__file__).parent / "report.toml")
project, author = REPORT["title"], REPORT["author"]
version = release = REPORT["version"]
language = REPORT["language"]
extensions = ["myst_parser", "report.edition"]
myst_substitutions = {"date_of_information": REPORT["date_of_information"]}
latex_engine = "xelatex"
latex_documents = [("index", "tiny.tex", project, author, "manual", True)]
# The report's fonts (Sphinx's default FreeFont may not be installed).
latex_elements = {"fontpkg": r"\setmainfont{TeX Gyre Pagella}\setsansfont{TeX Gyre Heros}"
                             r"\setmonofont{DejaVu Sans Mono}"}


def setup(app):
    # report.cover declares it in the project; this root does without the cover.
    app.add_config_value("report_subtitle", REPORT["subtitle"], "env")
