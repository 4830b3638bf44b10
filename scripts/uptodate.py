"""Whether a published format is already what a build would publish now.

The builds are reproducible (same inputs, same bytes: tests/test_release.py),
so a format whose inputs are those of its last published build can be left as
it is: a no-op `make html` then costs a hash of the sources instead of a whole
Sphinx run. What a build reads, all of it in the digest:

* every file of the project but the folders nothing in the build reads
  (tests, docs, bench, dist: conf.py's exclude_patterns), hidden folders, and
  build folders;
* the format, the edition, the sphinx-build options, the project's and the
  build folder's paths;
* the environment (SOURCE_DATE_EPOCH, READTHEDOCS…: anything may be read by a
  Sphinx extension), less the variables make and the shell change on their own;
  and the umask, which sets the published files' modes;
* the virtualenv (its install stamp) and the system's packages (dpkg's status
  file: fonts, TeX Live);
* for the website, what it reads in the build folder: the edition's PDF and
  EPUB, which it links and copies, and which other editions are there.

Sphinx's environment does not notice a change of the extension's own code, so
reading stays incremental with stale doctrees; `code_changed` tells the build
to drop the environment when conf.py, _ext/, _templates/, _static/ or the
virtualenv changed since the last build.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

# Not read by any build (conf.py's exclude_patterns), or build output.
SKIPPED_FOLDERS = {"tests", "docs", "bench", "dist", "_build", "_readthedocs", "node_modules", "__pycache__"}
CODE = ("conf.py", "_ext", "_templates", "_static", "requirements.txt")
# Set by make and the shell on their own, or by the test runner per test;
# REPORT_CACHE_DIR only says where report.filecache keeps what it made.
VOLATILE = {"PWD", "OLDPWD", "SHLVL", "_", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
            "PYTEST_CURRENT_TEST", "COLUMNS", "LINES", "TERM", "REPORT_CACHE_DIR"}
SYSTEM = (Path("/var/lib/dpkg/status"),)
# What the website reads in the build folder: the PDF and the EPUB it links
# and copies (their bytes: size and time), and whether the other edition's
# website is there (report.switch).
DOWNLOADS = ("epub/*.epub", "latex/*.pdf")
EDITIONS = ("html/index.html", "*/html/index.html")


def project_hashes(root: Path, builddir: Path) -> dict[str, bytes]:
    """Each file of the project a build reads (relative path) and the hash of its bytes:
    read once per format, for both digests below."""
    found = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS
                         and here / d != builddir)
        for name in sorted(files):
            if name.endswith(".mo"):  # compiled by Sphinx from the .po beside it, which counts
                continue
            path = here / name
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).digest()
    return found


def without_documents(hashes: dict[str, bytes]) -> dict[str, bytes]:
    """HASHES less the documents (Markdown files): the frame every page is built in
    (report.keptpages compares what the documents hold itself)."""
    return {name: value for name, value in hashes.items() if not name.endswith(".md")}


def _hash_files(digest, hashes: dict[str, bytes], under: tuple[str, ...] = ()) -> None:
    """Add HASHES (only the files UNDER the given top-level names, if any) to DIGEST."""
    for name, value in hashes.items():
        if not under or Path(name).parts[0] in under:
            digest.update(name.encode() + b"\0" + value)


def _stat(digest, paths) -> None:
    for path in paths:
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())


def code_digest(hashes: dict[str, bytes], venv: Path) -> str:
    digest = hashlib.sha256()
    _hash_files(digest, hashes, CODE)
    _stat(digest, [venv / ".installed", *SYSTEM])
    return digest.hexdigest()


def inputs_digest(fmt: str, hashes: dict[str, bytes], root: Path, builddir: Path, out: Path, language: str,
                  venv: Path, options: list[str]) -> str:
    digest = hashlib.sha256()
    umask = os.umask(0)
    os.umask(umask)
    settings = {"format": fmt, "language": language, "options": options, "root": str(root),
                "out": str(out), "umask": umask, "python": sys.version,
                "environment": sorted((k, v) for k, v in os.environ.items() if k not in VOLATILE)}
    digest.update(json.dumps(settings).encode())
    _hash_files(digest, hashes)
    _stat(digest, [venv / ".installed", *SYSTEM])
    if fmt == "html":
        _stat(digest, sorted(p for pattern in DOWNLOADS for p in out.glob(pattern)))
        others = sorted(str(p.relative_to(builddir)) for pattern in EDITIONS for p in builddir.glob(pattern)
                        if out / "html" not in p.parents)
        digest.update(json.dumps(others).encode())
    return digest.hexdigest()


def _stamp(out: Path, folder: str) -> Path:
    return out / f".published-{folder}.json"


def is_published(out: Path, folder: str, key: str) -> bool:
    """FOLDER of OUT holds what was built from inputs KEY."""
    try:
        stamp = json.loads(_stamp(out, folder).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    return stamp.get("inputs") == key and (out / folder).is_dir()


def record(out: Path, folder: str, key: str) -> None:
    """Written after FOLDER is published: killed before it, the next build runs."""
    _stamp(out, folder).write_text(json.dumps({"inputs": key}), encoding="utf-8")


def forget(out: Path, folder: str) -> None:
    _stamp(out, folder).unlink(missing_ok=True)


def code_changed(out: Path, key: str) -> bool:
    """Whether the extension's code differs from the one the cached environment was read with."""
    stamp = out / "doctrees" / ".code"
    return (out / "doctrees").is_dir() and (not stamp.is_file() or stamp.read_text(encoding="ascii") != key)


def remember_code(out: Path, key: str) -> None:
    (out / "doctrees" / ".code").write_text(key, encoding="ascii")
