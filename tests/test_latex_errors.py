"""The PDF build explains itself: report.toml values reach LaTeX as text, a
LaTeX error is shown with TeX's message and where it came from (R060), and so
is a box that runs past its space by more than 1pt (R061).

Small roots are built to LaTeX with sphinx.testing and typeset with one
xelatex run (under a second each); scripts/check-latex-log.py reads the log
as the build driver does after latexmk. Its other checks (missing glyphs,
undefined references) are shown on a log written here.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from helpers import check_log, pdftotext, xelatex
from report import latexsettings

# -- Escaping ----------------------------------------------------------------------------

@pytest.mark.requires_tex
@pytest.mark.sphinx("latex", testroot="latex-escape")
def test_report_toml_values_reach_the_pdf_as_literal_text(app):
    app.build()
    assert xelatex(Path(app.outdir), "tiny").returncode == 0
    pdf = Path(app.outdir) / "tiny.pdf"
    text = pdftotext(pdf)
    for literal in ("Costs & Benefits: 100% {Sure}",
                    r"Peace & Prosperity {100%} \input{/etc/passwd} $x^2$ #1 ~ _",
                    "A. & B. Writers_Group", "Version 1.0.0-rc.1", "CC BY 4.0 & more"):
        assert literal in text, f"{literal!r} not in the title page:\n{text[:600]}"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+Costs & Benefits: 100% \{Sure\}: Peace & Prosperity \{100%\} "
                     r"\\input\{/etc/passwd\} \$x\^2\$ #1 ~ _$", info, re.MULTILINE), info
    assert re.search(r"^Keywords:\s+Tax & Spend -- Policy, 50% #2$", info, re.MULTILINE), info
    assert re.search(r"^Subject:\s+About \$money\$ & \{braces\} \\relax$", info, re.MULTILINE), info


# -- LaTeX errors (R060) -------------------------------------------------------------------

@pytest.mark.requires_tex
@pytest.mark.sphinx("latex", testroot="latex-error")
def test_r060_a_latex_error_names_its_message_log_line_and_document(app):
    app.build()
    outdir = Path(app.outdir)
    assert xelatex(outdir, "tiny").returncode != 0
    log = outdir / "tiny.log"
    proc = check_log("--srcdir", str(app.srcdir), str(log))
    assert proc.returncode == 1
    match = re.fullmatch(
        rf"{re.escape(str(log))}:(\d+): LaTeX error: Undefined control sequence\. "
        r"\(l\.(\d+) \\undefinedmacro\) in broken\.md \(near \.tex line (\d+)\) \[R060\]\n", proc.stderr)
    assert match, proc.stderr
    log_line, context_line, tex_line = map(int, match.groups())
    assert log.read_text(encoding="utf-8").splitlines()[log_line - 1] == "! Undefined control sequence."
    assert context_line == tex_line
    assert (outdir / "tiny.tex").read_text(encoding="utf-8").splitlines()[tex_line - 1].startswith(
        r"\undefinedmacro")


# Logs written here: what xelatex prints in cases that need no TeX run to show.
TEX = "\n".join([
    r"\documentclass{sphinxmanual}",            # 1
    r"\usepackage{fontspec}",                   # 2
    r"\setmainfont{No Such Font}",              # 3
    r"\begin{document}",                        # 4
    r"\sphinxmaketitle",                        # 5
    r"\chapter{One}\label{\detokenize{chapters/01-one:one}}\label{\detokenize{chapters/01-one::doc}}",
    r"Text \bad here.",                         # 7
    "",
])


def write_log(tmp_path: Path, log: str) -> Path:
    (tmp_path / "book.tex").write_text(TEX, encoding="utf-8")
    (tmp_path / "chapters").mkdir(exist_ok=True)
    (tmp_path / "chapters" / "01-one.md").write_text("# One\n", encoding="utf-8")
    path = tmp_path / "book.log"
    path.write_text(log, encoding="utf-8")
    return path


def test_r060_an_error_in_the_preamble_says_so_with_the_package_explanation(tmp_path):
    log = write_log(tmp_path, "\n".join([
        "This is XeTeX, Version 3.141592653",
        '! Package fontspec Error: The font "No Such Font" cannot be found.',
        "(fontspec)                A font might not be found for many reasons.",
        "",
        "l.3 \\setmainfont{No Such Font}",
        "                               ",
        "!  ==> Fatal error occurred, no output PDF file produced!",
        "",
    ]))
    proc = check_log("--srcdir", str(tmp_path), str(log))
    assert proc.returncode == 1
    assert proc.stderr == (
        f'{log}:2: LaTeX error: Package fontspec Error: The font "No Such Font" cannot be found. '
        "A font might not be found for many reasons. (l.3 \\setmainfont{No Such Font}) in the "
        "preamble (latex_elements in conf.py, report.latexsettings) (near .tex line 3) [R060]\n")


def test_r060_an_error_in_a_chapter_names_its_file(tmp_path):
    log = write_log(tmp_path, "\n".join([
        "! Undefined control sequence.",
        "l.7 Text \\bad",
        "               here.",
        "! Emergency stop.",
        "",
    ]))
    proc = check_log("--srcdir", str(tmp_path), str(log))
    assert proc.stderr == (f"{log}:1: LaTeX error: Undefined control sequence. (l.7 Text \\bad) in "
                           "chapters/01-one.md (near .tex line 7) [R060]\n")


def test_r060_a_line_of_another_file_is_not_taken_for_the_tex(tmp_path):
    # l.7 counts the lines of the .aux TeX was reading, which the .tex's line 7 does not hold.
    log = write_log(tmp_path, "! Missing \\endcsname inserted.\nl.7 \\newlabel{x\\y}\n")
    proc = check_log("--srcdir", str(tmp_path), str(log))
    assert proc.stderr == (f"{log}:1: LaTeX error: Missing \\endcsname inserted. "
                           "(l.7 \\newlabel{x\\y}) [R060]\n")


def test_the_defects_that_still_give_a_pdf_are_reported_for_every_log(tmp_path):
    clean = tmp_path / "clean.log"
    clean.write_text("This is XeTeX\nOutput written on clean.pdf (3 pages).\n", encoding="utf-8")
    assert check_log(str(clean)).returncode == 0
    log = write_log(tmp_path, "\n".join([
        "Missing character: There is no 한 in font TeX Gyre Pagella!",
        "LaTeX Warning: Reference `chapters/01-one:nowhere' on page 3 undefined on input line 7.",
        "",
    ]))
    proc = check_log(str(clean), str(log))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{log}:1: missing glyph: Missing character: There is no 한 in font TeX Gyre Pagella!",
        f"{log}:2: undefined reference: LaTeX Warning: Reference `chapters/01-one:nowhere' on page 3 undefined",
    ]


# -- Overfull boxes (R061) ------------------------------------------------------------------

OVERFULL = re.compile(r"(?P<log>\S+):(?P<line>\d+): overfull \\hbox (?P<width>[\d.]+)pt too wide "
                      r"\(paragraph at lines (?P<first>\d+)--(?P<last>\d+) of tiny\.tex\) "
                      r"in (?P<source>\S+) \[R061\]")


@pytest.mark.requires_tex
@pytest.mark.sphinx("latex", testroot="r061-overfull")
def test_r061_a_url_and_a_word_past_the_margin_are_named_with_width_line_and_document(app):
    app.build()
    outdir = Path(app.outdir)
    assert xelatex(outdir, "tiny").returncode == 0  # TeX itself only warns
    log = outdir / "tiny.log"
    proc = check_log("--srcdir", str(app.srcdir), str(log))
    assert proc.returncode == 1
    found = [OVERFULL.fullmatch(line) for line in proc.stderr.splitlines()]
    assert len(found) == 2 and all(found), proc.stderr
    tex = (outdir / "tiny.tex").read_text(encoding="utf-8").splitlines()
    log_lines = log.read_text(encoding="utf-8").splitlines()
    planted = ("averyveryvery", "1234567890123")
    for match, text in zip(found, planted):
        assert match["log"] == str(log) and match["source"] == "overfull.md"
        assert float(match["width"]) > 1
        assert log_lines[int(match["line"]) - 1].startswith(
            f"Overfull \\hbox ({match['width']}")  # the width TeX gives, rounded
        assert any(text in line for line in tex[int(match["first"]) - 1:int(match["last"])]), (
            f"{text!r} not at .tex lines {match['first']}--{match['last']}")


@pytest.mark.requires_tex
@pytest.mark.sphinx("latex", testroot="r061-overfull",
                    confoverrides={"latex_documents": [("fine", "tiny.tex", "Tiny", "Author", "manual")]})
def test_r061_the_same_root_without_the_long_page_passes(app):
    app.build()
    outdir = Path(app.outdir)
    assert xelatex(outdir, "tiny").returncode == 0
    proc = check_log("--srcdir", str(app.srcdir), str(outdir / "tiny.log"))
    assert (proc.returncode, proc.stderr) == (0, "")


def test_r061_a_box_up_to_1pt_over_passes_and_the_index_is_named(tmp_path):
    log = write_log(tmp_path, "\n".join([
        "(./book.tex",                                                           # 1
        "Overfull \\hbox (0.99998pt too wide) in paragraph at lines 7--7",       # 2
        "[]\\TU/TeXGyrePagella(0)/m/n/10.95 Text (unbalanced",                   # 3
        "",                                                                      # 4
        "Overfull \\hbox (12.5pt too wide) in paragraph at lines 7--7",          # 5
        "[]\\TU/TeXGyrePagella(0)/m/n/10.95 Text) (also",                        # 6
        "",                                                                      # 7
        "[3] (./book.ind",                                                       # 8
        "Overfull \\hbox (3.25pt too wide) in paragraph at lines 12--13",        # 9
        "[]",                                                                    # 10
        "",                                                                      # 11
        ")",                                                                     # 12
        "Overfull \\vbox (20.0pt too high) has occurred while \\output is active", # 13
        "[4] )",                                                                 # 14
        "",
    ]))
    proc = check_log("--srcdir", str(tmp_path), str(log))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{log}:5: overfull \\hbox 12.50pt too wide (paragraph at lines 7--7 of book.tex) "
        "in chapters/01-one.md [R061]",
        f"{log}:9: overfull \\hbox 3.25pt too wide (paragraph at lines 12--13 of book.ind) "
        "in the index [R061]",
        f"{log}:13: overfull \\vbox 20.00pt too high (has occurred while \\output is active) [R061]",
    ]


# -- R041: the Korean index and Sphinx's latexmkrc ------------------------------------------

@pytest.mark.sphinx("latex", testroot="r041-komkindex")
def test_r041_the_korean_index_goes_to_komkindex(app) -> None:
    app.build()
    rc = (Path(app.outdir) / "latexmkrc").read_text(encoding="utf-8")
    assert latexsettings.KOMKINDEX in rc and latexsettings.MAKEINDEX not in rc
    assert "R041" not in app.warning.getvalue(), app.warning.getvalue()


@pytest.mark.sphinx("latex", testroot="r041-komkindex")
def test_r041_a_latexmkrc_without_makeindex_is_reported(app, monkeypatch) -> None:
    # As if Sphinx's latexmkrc named its index program differently.
    monkeypatch.setattr(latexsettings, "MAKEINDEX", "makeindex -s no-such-style.ist")
    app.build()
    warnings = app.warning.getvalue()
    assert re.search(r"latexmkrc:1: WARNING: R041 no .*komkindex", warnings), warnings
