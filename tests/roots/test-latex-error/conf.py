# A chapter with a LaTeX error (R060): scripts/check-latex-log.py must show
# TeX's message and the document it came from.
extensions = ["myst_parser"]
latex_engine = "xelatex"
latex_documents = [("index", "tiny.tex", "Tiny", "Author", "manual")]
# The fonts the report uses (Sphinx's default FreeFont may not be installed).
latex_elements = {"fontpkg": r"\setmainfont{TeX Gyre Pagella}\setsansfont{TeX Gyre Heros}"
                             r"\setmonofont{DejaVu Sans Mono}"}
