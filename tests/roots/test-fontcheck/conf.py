import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "_ext"))

extensions = ["report.fontcheck"]
latex_engine = "xelatex"
# One font no machine has, beside one every set-up installs.
latex_elements = {"fontpkg": r"""
\setmainfont{TeX Gyre Pagella}
\setmonofont{No Such Mono}[Scale=MatchLowercase]
"""}
