#!/usr/bin/env python3
"""Build a release into dist/: versioned files, checksums, all or nothing.

`make dist` runs this. Readers and librarians must be able to check that a file
is exactly what one version of the sources produces, and a failed build must
never cost them the last good release. So this script:

1. builds every format of every edition from scratch (no cached doctrees) with
   the project's own `make book` (EPUB, PDF, then the website, so it
   carries the PDF and EPUB of this build), once for the original and once with
   LANGUAGE=<lang> for each translation in report.toml (the Korean edition),
   the same commands and checks as everyday builds, into a fresh temporary
   folder; the websites' language switches link to the other edition's hosted
   address (report_edition_links = "hosted"), since an unpacked release
   website has no sibling edition beside it;
2. names the files from report.toml: <slug>-<version>.pdf, <slug>-<version>.epub
   and <slug>-<version>-html.zip (the website, under one top folder of the same
   name, zipped reproducibly: sorted members, timestamps from SOURCE_DATE_EPOCH,
   fixed permissions, via repro-zipfile), and the same with the language for a
   translation: <slug>-<version>-ko.pdf, -ko.epub, -ko-html.zip; beside them
   the edition's own citation for reference managers, <slug>-<version>.bib and
   .ris (-ko.bib, -ko.ris), the very files its website ships in cite/
   (report.citable);
3. writes SHA256SUMS in the format `sha256sum -c SHA256SUMS` checks;
4. swaps the new folder into the place of dist/ in one rename, only after all of
   the above succeeded. A failed build leaves dist/ as it was, and keeps its
   temporary build folder (with the LaTeX log) for inspection.

Dates follow SOURCE_DATE_EPOCH (the Makefile sets it to the last commit's time)
and FORCE_SOURCE_DATE=1 (TeX's \\today), so two builds of one commit, in any
folder and at any time, are byte-identical.

Usage: dist.py [--dist DIR] [--builddir DIR] [--venv DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from repro_zipfile import ReproducibleZipFile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

from publishing import publish  # noqa: E402  (the same atomic swap as every build)
from report import identity  # noqa: E402  (report.toml, validated)


class ReleaseError(Exception):
    """A problem that stops the release; dist/ is left untouched."""


def source_date_epoch() -> int:
    """The release's timestamp: SOURCE_DATE_EPOCH, else the last commit's time."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        # Run outside make: fall back to what the Makefile would have chosen,
        # but never to the current time, which would make the release unrepeatable.
        proc = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                              capture_output=True, text=True)
        value = proc.stdout.strip()
        if proc.returncode != 0 or not value:
            raise ReleaseError("SOURCE_DATE_EPOCH is not set and the sources are not a git "
                               "checkout: set it to the release's timestamp (seconds since 1970)")
    # Zip archives cannot date anything before 1980.
    if not value.isdigit() or int(value) < 315_532_800:
        raise ReleaseError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, "
                           f"from 1980 on, not {value!r}")
    return int(value)


def check_changelog(version: str) -> None:
    """Every release is described in CHANGELOG.md before it is built."""
    changelog = ROOT / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    if not re.search(rf"^## \[?{re.escape(version)}\b(?![.\d])", text, re.MULTILINE):
        raise ReleaseError(f"{changelog}: no '## {version}' entry for the version in "
                           "report.toml; describe the release there first")


def build(builddir: Path, venv: Path, language: str) -> None:
    """Build the EPUB, the PDF and then the website of the edition in LANGUAGE
    with the Makefile's own targets: the website last, so that it links and
    ships the PDF and EPUB of this same build (report.site looks for them in
    the build folder)."""
    # The outer make's MAKEFLAGS carry its command-line variables (BUILDDIR…),
    # which would override ours in the inner make: start it afresh.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    options = f"{env.get('SPHINXOPTS', '')} -D report_edition_links=hosted".strip()
    proc = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "book",
         f"BUILDDIR={builddir}", f"VENV={venv}", f"LANGUAGE={language}", f"SPHINXOPTS={options}"],
        env=env,
    )
    if proc.returncode != 0:
        # The build has printed its errors (a LaTeX error with its source:
        # scripts/check-latex-log.py).
        raise ReleaseError(f"the build failed (exit {proc.returncode}); see the messages above")


def zip_site(html: Path, archive: Path, top: str) -> None:
    """Zip the website reproducibly: same files in, same bytes out."""
    # Hidden files (.buildinfo) are Sphinx's incremental-build bookkeeping, not site.
    files = sorted(
        path.relative_to(html).as_posix()
        for path in html.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(html).parts)
    )
    if "index.html" not in files:
        raise ReleaseError(f"{html}: no index.html, the website build is incomplete")
    # ReproducibleZipFile sets every member's time from SOURCE_DATE_EPOCH and its
    # mode to 0644; sorting fixes the order. Deflate at a fixed level.
    with ReproducibleZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in files:
            zf.write(html / name, f"{top}/{name}")
    with zipfile.ZipFile(archive) as zf:
        if (bad := zf.testzip()) is not None:
            raise ReleaseError(f"{archive}: member {bad} is corrupt")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stage(builddir: Path, staging: Path, slug: str, version: str, epoch: int,
          languages: list[str]) -> list[str]:
    """Fill STAGING with the release files of each edition (LANGUAGES, the
    original first) and SHA256SUMS; return the file names."""
    names = []
    for number, language in enumerate(languages):
        # The original edition is built into the build folder itself, a
        # translation into <builddir>/<language>/ (the Makefile's layout).
        out, base = (builddir, f"{slug}-{version}") if number == 0 else (
            builddir / language, f"{slug}-{version}-{language}")
        sources = {
            f"{base}.pdf": out / "latex" / f"{slug}.pdf",
            f"{base}.epub": out / "epub" / f"{slug}.epub",
            f"{base}.bib": out / "html" / "cite" / f"{base}.bib",
            f"{base}.ris": out / "html" / "cite" / f"{base}.ris",
        }
        for name, source in sources.items():
            if not source.is_file() or source.stat().st_size == 0:
                raise ReleaseError(f"{source}: missing or empty after the build")
            shutil.copyfile(source, staging / name)
        zip_site(out / "html", staging / f"{base}-html.zip", f"{base}-html")
        names += [*sources, f"{base}-html.zip"]
    names.sort()
    # Two spaces: the text-mode separator of sha256sum, so `sha256sum -c` reads it.
    sums = "".join(f"{sha256(staging / name)}  {name}\n" for name in names)
    (staging / "SHA256SUMS").write_text(sums, encoding="ascii")
    for name in [*names, "SHA256SUMS"]:
        # Same modification times too, so copying dist/ elsewhere stays repeatable.
        os.utime(staging / name, (epoch, epoch))
    return names


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="release folder (dist)")
    parser.add_argument("--builddir", type=Path, default=ROOT / "_build",
                        help="where the temporary build folder is made (_build)")
    parser.add_argument("--venv", type=Path, default=Path(sys.prefix),
                        help="virtualenv with the pinned toolchain (the running one)")
    args = parser.parse_args(argv)

    try:
        report = identity.load(ROOT / "report.toml")
    except identity.IdentityError as error:
        print(f"dist: {error}", file=sys.stderr)
        return 2
    slug, version = report["slug"], report["version"]
    dist = args.dist.resolve()
    started = time.monotonic()
    builddir = staging = None
    try:
        epoch = source_date_epoch()
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        os.environ.setdefault("FORCE_SOURCE_DATE", "1")
        check_changelog(version)
        args.builddir.mkdir(parents=True, exist_ok=True)
        builddir = Path(tempfile.mkdtemp(prefix="release-", dir=args.builddir.resolve()))
        for language in identity.editions(report):
            build(builddir, args.venv, language)
        # Staged beside dist/, on the same file system, so the swap is a rename.
        dist.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dist.name}-new-", dir=dist.parent))
        # mkdtemp makes it private (0700); dist/ is for everyone, as mkdir would make it.
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        stage(builddir, staging, slug, version, epoch, identity.editions(report))
        publish(staging, dist)
        staging = None
    except (ReleaseError, OSError) as error:
        print(f"dist: {error}", file=sys.stderr)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        where = f"; the build is kept in {builddir}" if builddir else ""
        print(f"dist: nothing released, {dist} is unchanged{where}", file=sys.stderr)
        return 1
    shutil.rmtree(builddir, ignore_errors=True)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))
    print(f"Released {slug} {version} (SOURCE_DATE_EPOCH={epoch}, {stamp}) "
          f"in {time.monotonic() - started:.0f} s:")
    for line in (dist / "SHA256SUMS").read_text(encoding="ascii").splitlines():
        print(f"  {line}")
    print(f"Verify with: cd {os.path.relpath(dist)} && sha256sum -c SHA256SUMS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
