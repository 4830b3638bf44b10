"""Benchmark the report's build against Jupyter Book 1, Pandoc and vanilla Sphinx: `make bench`.

Build speed is measured here, never asserted in a test: a shared 2-core machine
is too noisy for a timed assertion, while medians over repeated runs, with the
peers measured in the same run and in alternation (A B A B), show both the
numbers and how far they drift.

    make bench                         full run (about 25 minutes on 2 cores)
    make bench BENCH_ARGS=--quick      one run of each, no scale, no `make test`

The full run rewrites docs/performance.md (keeping its hand-written last
section); every run saves its raw numbers to bench/results/. The peers are
installed by the benchmark itself: Jupyter Book 1 into bench/.venv (pinned in
bench/requirements-peers.txt), Pandoc and lmodern (which Pandoc's LaTeX
template loads) with apt, only when missing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import books  # noqa: E402
import report  # noqa: E402

PEERS_VENV = HERE / ".venv"
PEERS_REQUIREMENTS = HERE / "requirements-peers.txt"
# Debian packages for the peers only; the book's own come from
# scripts/install-system-deps.sh.
PEER_APT_PACKAGES = ["pandoc", "lmodern"]


# -- Set-up ---------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def apt_missing(packages: list[str]) -> list[str]:
    missing = []
    for pkg in packages:
        status = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True
        ).stdout
        if "install ok installed" not in status:
            missing.append(pkg)
    return missing


def install_system_packages(root: Path) -> None:
    """The book's packages (TeX Live, fonts), then Pandoc's, each only when missing."""
    subprocess.run([str(root / "scripts" / "install-system-deps.sh")], check=True)
    if shutil.which("dpkg-query") is None:
        if shutil.which("pandoc") is None:
            sys.exit("error: pandoc is missing and this system has no dpkg/apt; install Pandoc")
        return
    missing = apt_missing(PEER_APT_PACKAGES)
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    log(f"Installing system packages for the benchmark's peers: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True, env=env,
    )
    # Pandoc's dependencies bring X11 fonts whose folders can change after
    # fontconfig's trigger has cached them; every font query of the report's
    # build would then scan them again (scripts/install-system-deps.sh).
    subprocess.run([*sudo, "fc-cache"], check=True)


def install_jupyter_book() -> Path:
    """bench/.venv with the pinned Jupyter Book, rebuilt when the pin changes."""
    stamp = PEERS_VENV / ".installed"
    if stamp.exists() and stamp.stat().st_mtime >= PEERS_REQUIREMENTS.stat().st_mtime:
        return PEERS_VENV / "bin" / "jb"
    log(f"Installing Jupyter Book into {PEERS_VENV.relative_to(ROOT)}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEERS_VENV)], check=True)
    pip = subprocess.run(
        [str(PEERS_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
         "-r", str(PEERS_REQUIREMENTS)],
        capture_output=True, text=True,
    )
    if pip.returncode != 0:
        sys.exit(f"error: installing Jupyter Book failed:\n{pip.stdout}{pip.stderr}")
    stamp.touch()
    return PEERS_VENV / "bin" / "jb"


# -- Measuring ------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_rss_mib: float  # largest resident set of any one process of the run
    docs_read: int  # Sphinx "reading sources" lines: documents (re-)read
    pages_written: int  # Sphinx "writing output" lines: pages (re-)written
    latex_runs: int  # xelatex runs latexmk made
    pages_copied: int = 0  # of those written, copied from the last website (report.keptpages)


@dataclass
class Case:
    key: str
    cwd: Path
    cmd: list[str]
    prepare: Callable[[], None] = lambda: None
    runs: list[Run] = field(default_factory=list)


#: report.keptpages' line when it copied pages instead of rendering them.
KEPT = re.compile(r"^report\.keptpages: (\d+) of \d+ pages", re.MULTILINE)


def count_lines(text: str, prefix: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith(prefix) and "[" in line)


def run_once(case: Case, logfile: Path, env: dict) -> Run:
    """Time one command; wait4() gives the peak memory of it and its children."""
    with logfile.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(case.cmd, cwd=case.cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = logfile.read_text(errors="replace")
    if proc.returncode != 0:
        tail = "\n".join(text.splitlines()[-40:])
        sys.exit(f"error: {case.key} failed ({' '.join(case.cmd)} in {case.cwd}):\n{tail}\n"
                 f"full log: {logfile}")
    return Run(
        seconds=round(seconds, 3),
        peak_rss_mib=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        docs_read=count_lines(text, "reading sources... ["),
        pages_written=count_lines(text, "writing output... ["),
        latex_runs=sum(1 for line in text.splitlines()
                       if line.startswith("Latexmk: Run number") and "latex'" in line),
        pages_copied=sum(int(m.group(1)) for m in KEPT.finditer(text)),
    )


def measure(cases: list[Case], runs: int, warmup: int, logdir: Path, env: dict, label: str) -> None:
    """Rounds of every case in turn (A B A B …), the first WARMUP rounds discarded."""
    total = warmup + runs
    for round_no in range(total):
        kind = "warm-up" if round_no < warmup else f"run {round_no - warmup + 1}/{runs}"
        for case in cases:
            case.prepare()
            result = run_once(case, logdir / f"{case.key}.{round_no}.log", env)
            log(f"  {label} {kind:9} {case.key:24} {result.seconds:7.2f} s "
                f"{result.peak_rss_mib:6.0f} MiB")
            if round_no >= warmup:
                case.runs.append(result)


# -- The cases ------------------------------------------------------------------------


def remove(*paths: Path) -> Callable[[], None]:
    def prepare() -> None:
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    return prepare


def main_cases(work: Path, source: Path, jb: Path) -> list[Case]:
    ours = books.copy_project(source, work / "ours")
    jbook = books.make_jupyter_book(books.copy_project(source, work / "jupyter-book"))
    pandoc = books.make_pandoc(books.copy_project(source, work / "pandoc"))
    vanilla = books.make_vanilla(books.copy_project(source, work / "vanilla"))
    vanilla_build = [str(ROOT / ".venv" / "bin" / "sphinx-build"), "-q", "-b", "html",
                     "-d", "_build/doctrees", ".", "_build/html"]
    # Sphinx's own EPUB builder on the same chapters: what any Sphinx-built EPUB
    # pays before a feature is added, beside Pandoc's.
    vanilla_epub = [str(ROOT / ".venv" / "bin" / "sphinx-build"), "-q", "-b", "epub",
                    "-d", "_build/doctrees-epub", ".", "_build/epub"]

    make = ["make", "--no-print-directory", f"VENV={ROOT / '.venv'}"]
    parts, _ = books.read_toctree(ours / "index.md")
    edited = ours / f"{books.chapter_part(parts).docs[0]}.md"
    original = edited.read_text(encoding="utf-8")
    edits = iter(range(1, 10_000))

    def restore_and_clean() -> None:
        edited.write_text(original, encoding="utf-8")
        remove(ours / "_build")()

    def edit_one_chapter() -> None:
        # One sentence more at the end of a chapter, as an author saving a change.
        edited.write_text(original + f"\nAn added sentence, edit {next(edits)}.\n", encoding="utf-8")

    clean = remove(ours / "_build")
    return [
        Case("ours.html", ours, [*make, "html"], restore_and_clean),
        Case("jupyter-book.html", jbook, [str(jb), "build", "."], remove(jbook / "_build")),
        Case("ours.pdf", ours, [*make, "latexpdf"], clean),
        Case("pandoc.pdf", pandoc, books.pandoc_command(pandoc, "pdf"), remove(pandoc / "book.pdf")),
        Case("ours.epub", ours, [*make, "epub"], clean),
        Case("pandoc.epub", pandoc, books.pandoc_command(pandoc, "epub"), remove(pandoc / "book.epub")),
        Case("ours.book", ours, [*make, "book"], clean),
        # After `make book`: nothing changed, then one chapter changed.
        Case("ours.noop", ours, [*make, "html"]),
        Case("ours.incremental", ours, [*make, "html"], edit_one_chapter),
        # Sphinx's own no-op: the same command again, nothing changed.
        Case("vanilla.html", vanilla, vanilla_build, remove(vanilla / "_build")),
        Case("vanilla.noop", vanilla, vanilla_build),
        Case("vanilla.epub", vanilla, vanilla_epub, remove(vanilla / "_build")),
    ]


def scale_cases(work: Path, source: Path, jb: Path, sizes: list[int]) -> list[Case]:
    make = ["make", "--no-print-directory", f"VENV={ROOT / '.venv'}"]
    cases = []
    for n in sizes:
        ours = books.make_synthetic(source, work / f"ours-{n}", n)
        jbook = books.make_jupyter_book(books.copy_project(ours, work / f"jupyter-book-{n}"))
        cases += [
            Case(f"ours.html.{n}", ours, [*make, "html"], remove(ours / "_build")),
            Case(f"jupyter-book.html.{n}", jbook, [str(jb), "build", "."], remove(jbook / "_build")),
        ]
    return cases


LIVE_URL = "http://127.0.0.1:8000/"


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
        return ""  # not served yet, or the page replaced while it was read


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"error: {what} did not happen within {timeout:.0f} s")
        time.sleep(0.02)


def measure_live(work: Path, source: Path, runs: int, warmup: int, logdir: Path, env: dict) -> list[Run]:
    """`make live` as an author uses it: save a chapter, then poll the served
    page until the saved sentence is there. Times from the save to the page."""
    project = books.copy_project(source, work / "live")
    parts, _ = books.read_toctree(project / "index.md")
    doc = books.chapter_part(parts).docs[0]
    chapter, page = project / f"{doc}.md", LIVE_URL + f"{doc}.html"
    original = chapter.read_text(encoding="utf-8")
    if fetch(LIVE_URL):
        sys.exit(f"error: something already serves {LIVE_URL}; `make live` needs that port")
    with (logdir / "live.log").open("w") as out:
        proc = subprocess.Popen(["make", "--no-print-directory", f"VENV={ROOT / '.venv'}", "live"],
                                cwd=project, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    found = []
    try:
        wait_until(lambda: "</html>" in fetch(page), 300, f"`make live` serving {page}")
        for n in range(warmup + runs):
            time.sleep(1.0)  # the server idle again, as between an author's saves
            marker = f"Saved sentence number {n} of the live preview benchmark."
            chapter.write_text(original + f"\n{marker}\n", encoding="utf-8")
            start = time.perf_counter()
            wait_until(lambda: marker in fetch(page), 60, f"the served page showing save {n}")
            seconds = time.perf_counter() - start
            log(f"  live      {'warm-up' if n < warmup else f'run {n - warmup + 1}/{runs}':9} "
                f"{'ours.live':24} {seconds:7.2f} s")
            if n >= warmup:
                found.append(Run(seconds=round(seconds, 3), peak_rss_mib=0.0, docs_read=0,
                                 pages_written=0, latex_runs=0))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
    return found


def test_checkout(work: Path, source: Path) -> Path:
    """Where `make test` runs: a clone of SOURCE's last commit when it is a git
    checkout (a test reads the commit's date, and skips without one), else the copy."""
    if not (source / ".git").exists():
        return work / "ours"
    clone = work / "test-clone"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", str(source), str(clone)], check=True)
    return clone


def run_make_test(checkout: Path, env: dict, logdir: Path) -> dict:
    """`make test` once in CHECKOUT, with pytest's timings summed per test file."""
    logfile = logdir / "make-test.log"
    test_env = {**env, "PYTEST_ADDOPTS": "--durations=0 --durations-min=0 -p no:cacheprovider"}
    with logfile.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.run(
            ["make", "--no-print-directory", f"VENV={ROOT / '.venv'}", "test"],
            cwd=checkout, stdout=out, stderr=subprocess.STDOUT, env=test_env,
        )
        seconds = time.perf_counter() - start
    lines = logfile.read_text(errors="replace").splitlines()
    # "12.34s setup    tests/test_x.py::test_y[param]"
    timing = re.compile(r"^(\d+\.\d+)s (setup|call|teardown)\s+([^:]+)::(.+)$")
    files: dict[str, dict] = {}
    slowest = []
    for line in lines:
        if m := timing.match(line.strip()):
            secs, phase, path, test = float(m[1]), m[2], m[3], m[4]
            entry = files.setdefault(path, {"seconds": 0.0, "tests": set()})
            entry["seconds"] += secs
            entry["tests"].add(test)
            slowest.append((secs, f"{phase} {path}::{test}"))
    summary = next((line.strip("= ") for line in reversed(lines)
                    if re.search(r"\d+ (passed|failed|errors?)\b.* in ", line)), "no summary")
    log(f"  make test {seconds:.1f} s: {summary}")
    return {
        "seconds": round(seconds, 1), "returncode": proc.returncode, "summary": summary,
        "where": ("a clone of the project's last commit" if checkout.name == "test-clone"
                  else "the benchmark's copy of the project"),
        "files": sorted(([p, round(f["seconds"], 1), len(f["tests"])] for p, f in files.items()),
                        key=lambda row: -row[1]),
        "slowest": [[round(t, 2), what] for t, what in sorted(slowest, reverse=True)[:8]],
    }


# -- Facts about the run ----------------------------------------------------------------


def first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
    except FileNotFoundError:
        return "not installed"
    return out.splitlines()[0].strip() if out else "unknown"


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor() or "unknown")
    mem_kib = next((int(line.split()[1]) for line in
                    Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": cpu,
            "memory_gib": round(mem_kib / 1024 / 1024, 1),
            "os": first_line(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
            "python": platform.python_version()}


def versions(jb: Path) -> dict:
    peers = subprocess.run(
        [str(jb.parent / "python"), "-c",
         "from importlib.metadata import version as v; "
         "print(v('jupyter-book'), v('sphinx'), v('sphinx-book-theme'), v('myst-parser'))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    return {
        "sphinx": metadata.version("sphinx"),
        "sphinx-book-theme": metadata.version("sphinx-book-theme"),
        "myst-parser": metadata.version("myst-parser"),
        "jupyter-book": f"{peers[0]} (Sphinx {peers[1]}, sphinx-book-theme {peers[2]}, "
                        f"myst-parser {peers[3]})",
        "pandoc": first_line(["pandoc", "--version"]).removeprefix("pandoc "),
        "tex": first_line(["xelatex", "--version"]),
        "latexmk": first_line(["latexmk", "--version"]).strip(),
    }


def source_date_epoch(root: Path) -> str:
    """Fixed for every run, so no run differs from another by its build date."""
    out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root,
                         capture_output=True, text=True).stdout.strip()
    return out or str(int(time.time()))


# -- Main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="one run of each measurement, no warm-up, no scale, no `make test`; "
                             "docs/performance.md is left alone")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--scale", default="50,100,200",
                        help="chapter counts of the synthetic books ('' for none)")
    parser.add_argument("--no-test", action="store_true", help="do not time `make test`")
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="the project to benchmark (default: this one)")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and its logs")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "performance.md",
                        help="the page to write")
    parser.add_argument("--write-doc", action="store_true",
                        help="write the page even in quick mode")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.warmup, args.scale, args.no_test = 1, 0, "", True
    sizes = [int(n) for n in args.scale.split(",") if n.strip()]

    install_system_packages(ROOT)
    jb = install_jupyter_book()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-"))
    work.mkdir(parents=True, exist_ok=True)
    logdir = work / "logs"
    logdir.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    env |= {"SOURCE_DATE_EPOCH": source_date_epoch(args.source)}
    # Python as a user runs it: compiled modules cached beside their sources.
    # The peers' code is all in site-packages, compiled when pip installed it;
    # without the cache, the report's own extension alone would be compiled
    # again in every timed run (about 40 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    started = datetime.now(timezone.utc)
    load_before = os.getloadavg()
    log(f"Benchmarking {args.source} in {work}: {args.runs} run(s) after {args.warmup} warm-up")
    # One snapshot of the sources for every measurement: others may be editing them.
    source = books.copy_project(args.source.resolve(), work / "source")
    cases = main_cases(work, source, jb)
    measure(cases, args.runs, args.warmup, logdir, env, "book")
    live = measure_live(work, source, args.runs, args.warmup, logdir, env)
    scale = scale_cases(work, source, jb, sizes) if sizes else []
    if scale:
        # Every size in each round, so the 100- and 200-chapter runs that a
        # ratio pairs were made minutes, not a quarter of an hour, apart.
        measure(scale, args.runs, args.warmup, logdir, env, "scale")
    results = {
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round((datetime.now(timezone.utc) - started).total_seconds()),
        "mode": "quick" if args.quick else "full",
        "runs": args.runs, "warmup": args.warmup, "scale": sizes,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": None,
        "machine": machine(), "versions": versions(jb),
        "cases": {c.key: [asdict(r) for r in c.runs] for c in cases + scale}
                 | {"ours.live": [asdict(r) for r in live]},
        "make_test": None,
    }
    outdir = HERE / "results"
    outdir.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")

    def save() -> None:
        for name in (f"{stamp}-{results['mode']}.json", "latest.json"):
            (outdir / name).write_text(json.dumps(results, indent=1))

    save()  # the timings are kept even if `make test` goes wrong
    if not args.no_test:
        results["make_test"] = run_make_test(test_checkout(work, args.source.resolve()), env, logdir)
    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    results["duration_s"] = round((datetime.now(timezone.utc) - started).total_seconds())
    save()

    page = report.render(results, args.doc)
    print(report.summary(results))
    if args.quick and not args.write_doc:
        log(f"Quick mode: {args.doc} left as it was; raw numbers in "
            f"{outdir / f'{stamp}-quick.json'}")
    else:
        args.doc.write_text(page, encoding="utf-8")
        log(f"Wrote {args.doc}")
    if not args.keep and not args.workdir:
        shutil.rmtree(work)
    else:
        log(f"Work folder and logs kept in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
