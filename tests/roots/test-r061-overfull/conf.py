# A page with a URL and a word too long for a line (R061): scripts/check-latex-log.py
# must name each overfull box with its width, its .tex lines and its document.
extensions = ["myst_parser"]
latex_engine = "xelatex"
latex_documents = [("index", "tiny.tex", "Tiny", "Author", "manual")]
# The fonts the report uses (Sphinx's default FreeFont may not be installed).
latex_elements = {"fontpkg": r"\setmainfont{TeX Gyre Pagella}\setsansfont{TeX Gyre Heros}"
                             r"\setmonofont{DejaVu Sans Mono}"}
