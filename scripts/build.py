#!/usr/bin/env python3
"""Build one or more formats of one edition and publish each atomically.

`make html`, `make epub`, `make latexpdf`, `make book` and `make linkcheck` run
this; it adds to `sphinx-build` only what one command line cannot say:

* **An incremental build publishes what a clean build publishes.** Sphinx's
  doctree cache (`<out>/doctrees`) is reused, so only changed sources are read
  again, but every format is written into a *new, empty* staging folder. Sphinx
  then writes every page, the whole search index (sphinx-doc/sphinx#12599 loses
  entries when it updates an old one) and the whole sitemap
  (jdillard/sphinx-sitemap#13 lists only the pages just written), and nothing
  of a renamed or deleted page or image survives from the last build. A failed
  build also drops the cached environment, so its warnings come back next time
  instead of being skipped as "up to date".
* **Nothing lost.** The staging folder is put in the place of `<out>/<format>`
  in one atomic exchange (scripts/publishing.py) only when the whole format
  built: killed at any moment or out of disk space, the last good output stays
  whole. A failed PDF build's folder is kept in `<out>/.failed/latex` for its
  log.
* **Nothing built twice.** A format whose inputs (sources, settings,
  environment, the other published outputs it reads) are those of its last
  published build is left as it is: the builds are reproducible, so Sphinx
  would write the same bytes (scripts/uptodate.py). A change of the
  extension's own code, which Sphinx's environment does not see, makes every
  source read again.
* **One process.** Sphinx runs inside this script (`sphinx.cmd.build`), so
  `make book`'s three builders import Python's libraries and the extensions
  once; each still gets its own Sphinx application. The EPUB is built while
  xelatex typesets the PDF (one process on one core): the two formats do not
  read each other, and the website, which links both, comes after.
* **One build of an edition at a time.** The edition's folder is locked; a
  second build waits and says so in one line.

The edition: without --language, or with the original language of report.toml,
outputs go to BUILDDIR/<format>; a translation to BUILDDIR/<language>/<format>
(the layout Read the Docs uses for translations; docs/korean-edition.md).

Usage: build.py [--builddir _build] [--language ko] [--venv .venv]
                [--sphinx-opts "-n -W --keep-going"] FORMAT [FORMAT ...]
FORMAT is html, epub, latexpdf (the PDF), latex (the LaTeX sources only, as
Sphinx's own `make latex`) or linkcheck. latex and latexpdf publish to
<out>/latex.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import uptodate
from publishing import Lock, publish

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
from report import identity  # noqa: E402  (report.toml, validated)

# Each format is built by the Sphinx builder of the same name, but for the PDF,
# which is the latex builder's output typeset (published in the same folder).
FORMATS = ("epub", "html", "latex", "latexpdf", "linkcheck")
BUILDER = {"latexpdf": "latex"}
PROG = "build"


class Once:
    """A build to run once, at the first call; its status kept."""

    def __init__(self, action: Callable[[], int]):
        self.action, self.status = action, None

    def __call__(self) -> int:
        if self.status is None:
            self.status = self.action()
        return self.status


class BuildFailed(Exception):
    """A format did not build; its published output is left as it was."""


def edition_folder(builddir: Path, language: str) -> Path:
    original = identity.load()["language"]
    return builddir if language in ("", original) else builddir / language


def forget_environment(out: Path) -> None:
    """Drop the cached environment after a failed build: reading is incremental,
    so the next build would otherwise find the faulty sources "up to date" and
    publish without repeating their warnings."""
    (out / "doctrees" / "environment.pickle").unlink(missing_ok=True)


def clear_leftovers(out: Path) -> None:
    """Staging folders of builds that were killed; safe under the edition's lock."""
    for stale in out.glob(".stage-*"):
        shutil.rmtree(stale, ignore_errors=True)


def sphinx(builder: str, out: Path, stage: Path, language: str, options: list[str],
           settings: dict[str, str] | None = None) -> None:
    """sphinx-build, in this process: `make book`'s three builders pay Python's
    and the extensions' start-up once, not three times (each build_main call
    gets its own Sphinx application and docutils registry, as in Sphinx's own
    tests, and its own doctree environment read from disk)."""
    from sphinx.cmd.build import build_main

    args = ["-b", builder, "-d", str(out / "doctrees")]
    if language:
        args += ["-D", f"language={language}"]
    for name, value in (settings or {}).items():
        args += ["-D", f"{name}={value}"]
    args += [*options, str(ROOT), str(stage)]
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        code = build_main(args)
    except SystemExit as stop:  # conf.py refuses an invalid report.toml in one line
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        os.chdir(here)
        sys.stdout.flush()
        sys.stderr.flush()
    if code != 0:
        forget_environment(out)
        raise BuildFailed(f"sphinx-build -b {builder} failed")


def latexpdf(out: Path, stage: Path, venv: Path, during: Callable[[], object] | None = None) -> None:
    """Run Sphinx's own LaTeX Makefile (latexmk, xelatex), then read the logs.
    DURING (another format's build) runs while xelatex typesets: xelatex is
    one process on one core, and the EPUB does not need the PDF."""
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(stage), "all-pdf",
         "LATEXMKOPTS=-silent -halt-on-error -interaction=nonstopmode"],
        stdout=subprocess.DEVNULL,
    )
    try:
        if during is not None:
            during()
    finally:
        proc.wait()
    logs = [log.name for log in sorted(stage.glob("*.log")) if log.with_suffix(".tex").exists()]
    # Log names relative to the LaTeX folder: a failed folder is moved to
    # .failed/latex below, where the messages' file names still hold.
    checked = subprocess.run([str(venv / "bin" / "python"), str(ROOT / "scripts" / "check-latex-log.py"),
                              *logs], cwd=stage) if logs else None
    if proc.returncode != 0 or checked is None or checked.returncode != 0:
        failed = out / ".failed" / "latex"
        shutil.rmtree(failed, ignore_errors=True)
        failed.parent.mkdir(exist_ok=True)
        os.rename(stage, failed)
        raise BuildFailed("the PDF did not build cleanly; its LaTeX files and log are in "
                          f"{os.path.relpath(failed, Path.cwd())}")


def build(fmt: str, out: Path, language: str, venv: Path, options: list[str], builddir: Path,
          during: Callable[[], object] | None = None) -> Path | None:
    """Build and publish FMT; None when what is published is already what it would build.
    DURING, for the PDF, runs while xelatex typesets (latexpdf)."""
    builder = BUILDER.get(fmt, fmt)
    target = out / builder
    hashes = uptodate.project_hashes(ROOT, builddir)
    key = uptodate.inputs_digest(fmt, hashes, ROOT, builddir, out, language, venv, options)
    if fmt != "linkcheck" and uptodate.is_published(out, builder, key):
        return None
    code = uptodate.code_digest(hashes, venv)
    if uptodate.code_changed(out, code):
        forget_environment(out)
    # Beside the target, on the same file system, so publishing is one rename.
    stage = out / f".stage-{builder}-{os.getpid()}"
    stage.mkdir(parents=True)
    settings = {}
    if builder == "html":
        # report.keptpages copies the pages this build would write unchanged
        # from the last published website, when nothing but the documents changed.
        frame = uptodate.inputs_digest(fmt, uptodate.without_documents(hashes), ROOT, builddir, out,
                                       language, venv, options)
        settings = {"report_frame": frame, "report_published": str(target)}
    try:
        sphinx(builder, out, stage, language, options, settings)
        uptodate.remember_code(out, code)
        if fmt == "latexpdf":
            latexpdf(out, stage, venv, during)
        uptodate.forget(out, builder)
        # tests/test_publishing.py kills a build at this very moment; Sphinx now
        # runs in this process, so without a pause the moment lasts milliseconds.
        time.sleep(float(os.environ.get("REPORT_PAUSE_BEFORE_PUBLISH", "0")))
        publish(stage, target)
        uptodate.record(out, builder, key)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    parser.add_argument("formats", nargs="+", choices=FORMATS, metavar="FORMAT")
    parser.add_argument("--builddir", type=Path, default=ROOT / "_build")
    parser.add_argument("--language", default="")
    parser.add_argument("--venv", type=Path, default=Path(sys.prefix))
    parser.add_argument("--sphinx-opts", default="", help="options for every sphinx-build")
    args = parser.parse_args(argv)

    try:
        out = edition_folder(args.builddir.resolve(), args.language)
    except identity.IdentityError as error:
        print(error, file=sys.stderr)
        return 2
    shown = os.path.relpath(out, Path.cwd())
    options = shlex.split(args.sphinx_opts)

    def run(fmt: str, during: Callable[[], object] | None = None) -> int:
        """Build FMT and say what became of it: 0, or 1 when it failed."""
        folder = os.path.join(shown, BUILDER.get(fmt, fmt))
        try:
            target = build(fmt, out, args.language, args.venv.resolve(), options, args.builddir.resolve(),
                           during)
        except BuildFailed as failure:
            print(f"{PROG}: {failure}; {folder} is unchanged", file=sys.stderr)
            return 1
        except OSError as error:  # a full disk, a folder that cannot be written
            forget_environment(out)
            print(f"{PROG}: {error}; {folder} is unchanged", file=sys.stderr)
            return 1
        if during is not None:
            during()  # not run while this one built (it was up to date): run now, so it reports first
        if target is None:
            print(f"{PROG}: {folder} is up to date "
                  "(nothing it is built from has changed since it was published)", flush=True)
        else:
            print(f"Published {os.path.relpath(target, Path.cwd())}", flush=True)
        return 0

    with Lock(out, PROG):
        clear_leftovers(out)
        formats = list(args.formats)
        for i, fmt in enumerate(formats):
            # An EPUB asked for before the PDF is built while the PDF is typeset.
            if fmt == "epub" and "latexpdf" in formats[i + 1:]:
                continue
            overlap = Once(lambda: run("epub")) if fmt == "latexpdf" and "epub" in formats[:i] else None
            status = run(fmt, overlap)
            if overlap is not None:
                overlap()  # an up-to-date or failed PDF did not typeset: the EPUB now
                status = status or overlap.status
            if status:
                return status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
