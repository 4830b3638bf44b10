"""Turn a benchmark's raw numbers into docs/performance.md and a terminal summary.

Everything above MARKER in the page is regenerated on each full run; the
hand-written section below it (what limits each unmet target) is kept.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

MARKER = "<!-- Everything below this line is written by hand; bench/run.py keeps it. -->"

LABELS = {
    "ours.html": ("Clean HTML", "ours (`make html`)"),
    "jupyter-book.html": ("Clean HTML", "Jupyter Book 1 (`jb build`)"),
    "ours.pdf": ("Clean PDF", "ours (`make latexpdf`)"),
    "pandoc.pdf": ("Clean PDF", "Pandoc → xelatex + kotex"),
    "ours.epub": ("Clean EPUB", "ours (`make epub`)"),
    "pandoc.epub": ("Clean EPUB", "Pandoc"),
    "ours.book": ("All three formats", "ours (`make book`)"),
    "ours.noop": ("HTML rebuild, nothing changed", "ours (`make html`)"),
    "vanilla.noop": ("HTML rebuild, nothing changed", "vanilla Sphinx + MyST + sphinx-book-theme"),
    "ours.incremental": ("HTML rebuild, one chapter edited", "ours (`make html`)"),
    "vanilla.html": ("Clean HTML", "vanilla Sphinx + MyST + sphinx-book-theme"),
    "vanilla.epub": ("Clean EPUB", "vanilla Sphinx + MyST (Sphinx's EPUB builder)"),
    "ours.live": ("`make live`, from saving a chapter to the served page showing it", "ours"),
}


@dataclass
class Target:
    """NUMERATOR's time (or peak memory) ÷ DENOMINATOR's, at most LIMIT; with no
    denominator, NUMERATOR's own seconds (or MiB)."""
    name: str
    numerator: list[str]
    denominator: list[str]
    limit: float
    strict: bool = False  # "less than" rather than "at most"
    metric: str = "seconds"  # or "peak_rss_mib"

    @property
    def unit(self) -> str:
        if self.denominator:
            return "×"
        return " MiB" if self.metric == "peak_rss_mib" else " s"

    def ratios(self, cases: dict) -> list[float]:
        series = [cases.get(k, []) for k in self.numerator + self.denominator]
        if not all(series):
            return []
        n = min(len(s) for s in series)
        out = []
        for i in range(n):
            num = sum(cases[k][i][self.metric] for k in self.numerator)
            den = sum(cases[k][i][self.metric] for k in self.denominator) if self.denominator else 1
            out.append(num / den)
        return out


TARGETS = [
    Target("No-op `make html`", ["ours.noop"], [], 1.0),
    Target("No-op `make html` ÷ vanilla Sphinx no-op", ["ours.noop"], ["vanilla.noop"], 1.5),
    Target("One chapter edited, `make html`", ["ours.incremental"], [], 1.3),
    Target("One chapter edited ÷ vanilla Sphinx no-op", ["ours.incremental"], ["vanilla.noop"], 1.9),
    Target("`make live`: saved chapter to served page", ["ours.live"], [], 1.5),
    Target("Clean HTML: ours ÷ Jupyter Book 1", ["ours.html"], ["jupyter-book.html"], 0.6),
    Target("Clean PDF: ours ÷ Pandoc → xelatex", ["ours.pdf"], ["pandoc.pdf"], 1.2),
    Target("Clean EPUB: ours ÷ Pandoc", ["ours.epub"], ["pandoc.epub"], 3.0),
    Target("`make book` ÷ (Jupyter Book HTML + Pandoc PDF + Pandoc EPUB)", ["ours.book"],
           ["jupyter-book.html", "pandoc.pdf", "pandoc.epub"], 0.9),
    Target("200 chapters ÷ 100 chapters, clean HTML (ours)", ["ours.html.200"],
           ["ours.html.100"], 2.05),
    Target("200 chapters: ours ÷ Jupyter Book 1, clean HTML", ["ours.html.200"],
           ["jupyter-book.html.200"], 0.5),
    Target("Peak memory, 200 chapters, clean HTML (ours)", ["ours.html.200"], [], 400,
           metric="peak_rss_mib"),
]
TEST_LIMIT_S = 90


def met(target: Target, value: float) -> bool:
    return value < target.limit if target.strict else value <= target.limit


def stats(runs: list[dict]) -> dict:
    seconds = [r["seconds"] for r in runs]
    return {
        "median": statistics.median(seconds), "min": min(seconds), "max": max(seconds),
        "peak": max(r["peak_rss_mib"] for r in runs),
        "read": statistics.median(r["docs_read"] for r in runs),
        "written": statistics.median(r["pages_written"] for r in runs),
        "latex": statistics.median(r["latex_runs"] for r in runs),
        "copied": statistics.median(r.get("pages_copied", 0) for r in runs),
    }


def target_rows(results: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for target in TARGETS:
        ratios = target.ratios(results["cases"])
        op = "<" if target.strict else "≤"
        if not ratios:
            rows.append((target.name, "not measured", f"{op} {target.limit}{target.unit}", "–"))
            continue
        value = statistics.median(ratios)
        spread = f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 else ""
        rows.append((target.name, f"{value:.2f}{target.unit}{spread}", f"{op} {target.limit}{target.unit}",
                     "yes" if met(target, value) else f"**no** ({value / target.limit:.2f}× the target)"))
    test = results.get("make_test")
    if test:
        ok = test["seconds"] <= TEST_LIMIT_S and test["returncode"] == 0
        rows.append(("`make test` after set-up", f"{test['seconds']:.0f} s (one run; {test['summary']})",
                     f"≤ {TEST_LIMIT_S} s", "yes" if ok else "**no**"))
    else:
        rows.append(("`make test` after set-up", "not measured", f"≤ {TEST_LIMIT_S} s", "–"))
    return rows


def table(header: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def sphinx_note(key: str, s: dict) -> str:
    if not key.startswith("ours"):
        return ""
    parts = [f"{s['read']:.0f} read, {s['written']:.0f} written"
             + (f" ({s['copied']:.0f} of them copied)" if s.get("copied") else "")]
    if s["latex"]:
        parts.append(f"{s['latex']:.0f} xelatex runs")
    return "; ".join(parts)


def render(results: dict, doc: Path) -> str:
    cases = results["cases"]
    m, v = results["machine"], results["versions"]
    lb, la = results["loadavg_before"], results["loadavg_after"]
    lines = [
        "# Build performance",
        "",
        "How long the report takes to build, measured against Jupyter Book 1, Pandoc and vanilla",
        "Sphinx (Sphinx + MyST-Parser + sphinx-book-theme, nothing else, from the project's own",
        "virtualenv) on the",
        "same chapter files. This page is written by `make bench` (`bench/run.py`); only the last",
        "section is written by hand. Never edit the tables: run the benchmark again.",
        "",
        "## Machine and versions",
        "",
        table(["", ""], [
            ("Date (UTC)", results["date"]),
            ("Mode", f"{results['mode']}: median of {results['runs']} run(s) after "
                     f"{results['warmup']} warm-up round(s); whole benchmark "
                     f"{results['duration_s'] / 60:.0f} min"),
            ("CPUs (nproc)", m["nproc"]),
            ("CPU model", m["cpu"]),
            ("Memory", f"{m['memory_gib']} GiB"),
            ("System", f"{m['os']}, Python {m['python']}"),
            ("Load average before / after (1, 5, 15 min)",
             f"{lb[0]}, {lb[1]}, {lb[2]} / {la[0]}, {la[1]}, {la[2]}"),
            ("Sphinx", v["sphinx"]),
            ("sphinx-book-theme", v["sphinx-book-theme"]),
            ("myst-parser", v["myst-parser"]),
            ("Jupyter Book", v["jupyter-book"]),
            ("Pandoc", v["pandoc"]),
            ("TeX", v["tex"]),
            ("latexmk", v["latexmk"]),
        ]),
        "",
        "## Targets",
        "",
        "Each ratio is taken within one round (the runs it compares were made one after the",
        "other), then the median over the rounds is reported, with the range of the rounds' ratios.",
        "",
        table(["Target", "Measured", "Target", "Met"], target_rows(results)),
        "",
        "## Timings",
        "",
        "Times are wall-clock seconds of the whole command; peak memory is the largest resident",
        "set of any one process the command ran (`wait4`), the highest over the runs.",
        "\"Read\" and \"written\" count the documents Sphinx read and the pages it wrote;",
        "\"copied\", the pages written by copying the last website's instead of rendering them",
        "(report.keptpages).",
        "",
    ]
    rows = []
    for key, (what, tool) in LABELS.items():
        if cases.get(key):
            s = stats(cases[key])
            rows.append((what, tool, f"{s['median']:.2f}", f"{s['min']:.2f}–{s['max']:.2f}",
                         f"{s['peak']:.0f}", sphinx_note(key, s)))
    lines += [table(["Measurement", "Tool", "Median (s)", "Min–max (s)", "Peak memory (MiB)",
                     "Sphinx"], rows), ""]

    if results["scale"]:
        lines += [
            "## Scale: synthetic books",
            "",
            "Clean HTML builds of books whose report part holds N chapters: the real chapters,",
            "then copies of them with their labels renamed. Same files for both tools.",
            "",
        ]
        rows = []
        for n in results["scale"]:
            ours, jb = cases.get(f"ours.html.{n}"), cases.get(f"jupyter-book.html.{n}")
            if not (ours and jb):
                continue
            so, sj = stats(ours), stats(jb)
            ratio = statistics.median(a["seconds"] / b["seconds"] for a, b in zip(ours, jb))
            rows.append((n, f"{so['median']:.2f}", f"{so['min']:.2f}–{so['max']:.2f}",
                         f"{so['peak']:.0f}", f"{sj['median']:.2f}",
                         f"{sj['min']:.2f}–{sj['max']:.2f}", f"{sj['peak']:.0f}", f"{ratio:.2f}×"))
        lines += [table(["Chapters", "Ours median (s)", "Ours min–max", "Ours peak (MiB)",
                         "Jupyter Book median (s)", "JB min–max", "JB peak (MiB)",
                         "Ours ÷ JB"], rows), ""]

    test = results.get("make_test")
    if test:
        where = test.get("where", "the benchmark's copy of the project")
        lines += [
            "## `make test`",
            "",
            f"One run after set-up, in {where}: {test['seconds']:.0f} s,",
            f"exit status {test['returncode']} ({test['summary']}). Per test file, from pytest's",
            "`--durations` (setup, call and teardown summed; a session fixture's build counts",
            "towards the first test that uses it):",
            "",
            table(["Test file", "Seconds", "Tests"], [tuple(row) for row in test["files"]]),
            "",
            "The slowest single steps:",
            "",
            table(["Seconds", "Step"], [(f"{t:.1f}", f"`{what}`") for t, what in test["slowest"]]),
            "",
        ]

    lines += [
        "## Running it",
        "",
        "```sh",
        "make bench                        # everything: about 25 minutes on 2 cores",
        "make bench BENCH_ARGS=--quick     # one round, no scale, no `make test`; this page is left alone",
        ".venv/bin/python bench/run.py --help   # --runs, --scale, --no-test, --keep …",
        "```",
        "",
        "The benchmark installs its peers itself, only when missing: Jupyter Book into",
        "`bench/.venv` (pinned in `bench/requirements-peers.txt`), Pandoc and `lmodern` with apt",
        "(besides the book's own packages from `scripts/install-system-deps.sh`). It builds in a",
        "temporary folder, never in `_build/`. Speed is never asserted in a test: a shared",
        "machine is too noisy for a timed assertion, so it is measured here instead.",
        "",
        "## How it is measured",
        "",
        "- Every tool builds a copy of the same sources, in the order of `index.md`'s toctree.",
        "  Ours is built with the project's Makefile (so the times include staging and",
        "  publishing the output). Jupyter Book gets a `_toc.yml` generated from that toctree and",
        "  a `_config.yml` with `conf.py`'s MyST extensions, substitutions and bibliography.",
        "  Pandoc reads the same files concatenated in toctree order (`--from=commonmark_x`",
        "  without `$…$` maths or raw TeX, as MyST has neither here); MyST roles and",
        "  directives it does not know, such as `{ref}`, `{cite:p}` and the glossary, stay in",
        "  its output as literal text. That is fine for timing: the amount of prose is the same,",
        "  though Pandoc resolves no cross-references, citations or index entries. Jupyter Book",
        "  does not know the report's own directives (the timeline's figure and table) and",
        "  leaves them out with a warning; it is run without `-W`.",
        "- Vanilla Sphinx (MyST-Parser and sphinx-book-theme, none of our extensions, from the",
        "  project's virtualenv) builds the same chapters too: its no-op `sphinx-build` is the",
        "  yardstick of the rebuild targets, and its clean EPUB (Sphinx's own EPUB builder) shows",
        "  what any Sphinx-built EPUB costs before the report adds anything.",
        "- Pandoc's PDF uses xelatex with the same Latin fonts as ours and Hangul through",
        "  `kotex` with Noto CJK KR; Pandoc's LaTeX template also needs Debian's `lmodern`.",
        "- Clean builds start without output or doctree cache. `make book` runs after set-up",
        "  (its `system` and `setup` steps find nothing to install). The no-op rebuild runs",
        "  `make html` right after `make book`; the incremental one after appending a sentence",
        "  to the first chapter.",
        "- Each round runs every measurement once, in a fixed order that alternates the tools",
        "  being compared (A B A B), so drift in the machine's load affects both sides of a ratio.",
        "  The first round is a warm-up and is not counted. `make bench BENCH_ARGS=--quick` does",
        "  one round and leaves this page alone; raw numbers of every run are in `bench/results/`.",
        "",
        MARKER,
        "",
    ]
    hand = ""
    if doc.exists() and MARKER in doc.read_text(encoding="utf-8"):
        hand = doc.read_text(encoding="utf-8").split(MARKER, 1)[1].lstrip("\n")
    if not hand:
        hand = "## What limits the unmet targets\n\nNot written yet.\n"
    return "\n".join(lines) + "\n" + hand


def summary(results: dict) -> str:
    lines = []
    for key, runs in results["cases"].items():
        s = stats(runs)
        lines.append(f"{key:24} median {s['median']:7.2f} s  ({s['min']:.2f}–{s['max']:.2f})  "
                     f"peak {s['peak']:5.0f} MiB  {sphinx_note(key, s)}")
    lines.append("")
    for name, value, limit, ok in target_rows(results):
        lines.append(f"{name:64} {value:>18}  target {limit:9} met: {ok}")
    return "\n".join(lines)
