"""A failed, killed, starved or concurrent build never costs the last good output.

Each test starts from a build folder holding the last good output (a copy
of one built once for the module, or of the session's build of the book),
then interrupts, starves or fails a build of changed sources with the
Makefile (through scripts/build.py) and reads the published folder as a
browser or a web server would: it holds the whole previous output or the
whole new one, never a part, and the next build succeeds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import SLUG, SOURCE_DATE_EPOCH, VENV, copy_project, digests, make, wait_for

pytestmark = pytest.mark.slow


def start_make(target: str, project: Path, builddir: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["make", "--no-print-directory", target, f"BUILDDIR={builddir}", f"VENV={VENV}"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "SPHINXOPTS": "-q", "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), **env},
        start_new_session=True,
    )


def ok(result) -> None:
    assert result.returncode == 0, result.output[-4000:]


EDIT = ("chapters/02-current-state.md", "\n\n", "\n\nA sentence added to tell the two outputs apart.\n\n")


def edit(project: Path) -> None:
    name, old, new = EDIT
    path = project / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project copy's website (the last good output every test starts from, as
    a build folder to copy), and an edited copy with its website (the new output
    every interrupted build is building). No test changes either copy."""
    tmp = tmp_path_factory.mktemp("publishing")
    ok(make("html", copy_project(tmp / "project"), tmp / "build"))
    before = digests(tmp / "build" / "html")
    edited = copy_project(tmp / "edited")
    edit(edited)
    ok(make("html", edited, tmp / "build-edited"))
    after = digests(tmp / "build-edited" / "html")
    assert before != after
    return tmp / "build", edited, before, after


def last_good(built, builddir: Path) -> Path:
    """BUILDDIR holding the last good website, as a build of the sources left it."""
    shutil.copytree(built[0], builddir, symlinks=True)
    assert digests(builddir / "html") == built[2]
    return builddir


@pytest.mark.parametrize("moment", ["while Sphinx writes", "at the publish step"])
def test_a_killed_build_leaves_the_last_good_website(built, moment: str, tmp_path: Path) -> None:
    _, edited, before, after = built
    builddir = last_good(built, tmp_path / "build")
    # Sphinx's last act is the sitemap; right after it, scripts/build.py publishes
    # (held there long enough to be caught: REPORT_PAUSE_BEFORE_PUBLISH).
    publishing = moment == "at the publish step"
    proc = start_make("html", edited, builddir, **({"REPORT_PAUSE_BEFORE_PUBLISH": "60"} if publishing else {}))
    marker = "sitemap.xml" if publishing else "index.html"
    wait_for(lambda: proc.poll() is not None
             or any((stage / marker).exists() for stage in builddir.glob(".stage-html-*")),
             timeout=120, what=f"the build reaching {marker}", every=0.002)
    assert proc.poll() is None, f"the build ended before it could be killed {moment}"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    published = digests(builddir / "html")
    assert published in (before, after), "the website is neither the old one nor the new one"
    # The next build cleans up after the killed one and publishes the edit.
    ok(make("html", edited, builddir))
    assert digests(builddir / "html") == after
    assert not list(builddir.glob(".stage-*"))


def test_readers_never_see_a_missing_or_partial_website(built, tmp_path: Path) -> None:
    _, edited, before, after = built
    builddir = last_good(built, tmp_path / "build")
    index = builddir / "html" / "index.html"
    seen: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                text = index.read_text(encoding="utf-8")
            except FileNotFoundError:
                seen.append("index.html missing")
                continue
            if not text.rstrip().endswith("</html>"):
                seen.append("index.html incomplete")

    reader = threading.Thread(target=read)
    reader.start()
    try:
        ok(make("html", edited, builddir))
    finally:
        stop.set()
        reader.join()
    assert not seen, seen[:3]
    assert digests(builddir / "html") == after


@contextmanager
def small_disk(mountpoint: Path, megabytes: int):
    """A file system of its own, small enough to fill (tmpfs; needs root, as CI is)."""
    mountpoint.mkdir(parents=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(mountpoint)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"cannot mount a small tmpfs for the disk-full test (run as root): {proc.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill DISK but for LEAVE bytes."""
    filler = disk / "filler"
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with filler.open("wb") as handle:
        handle.truncate(0)
        block = b"\0" * (1 << 20)
        remaining = max(0, free - leave)
        while remaining > 0:
            remaining -= handle.write(block[: min(len(block), remaining)])
    return filler


def test_a_full_disk_leaves_the_last_good_website(built, tmp_path: Path) -> None:
    _, edited, before, after = built
    with small_disk(tmp_path / "disk", 48) as disk:
        builddir = last_good(built, disk / "build")
        filler = fill(disk, leave=2 << 20)
        result = make("html", edited, builddir)
        assert result.returncode != 0, "the build succeeded on a full disk"
        assert "html is unchanged" in result.output, result.output[-3000:]
        assert digests(builddir / "html") == before
        filler.unlink()
        ok(make("html", edited, builddir))
        assert digests(builddir / "html") == after


def test_two_builds_at_once_take_turns(built, tmp_path: Path) -> None:
    _, edited, before, after = built
    builddir = last_good(built, tmp_path / "build")
    first = start_make("html", edited, builddir)
    lock = builddir / ".lock"
    wait_for(lambda: "pid" in lock.read_text(encoding="ascii") if lock.exists() else False,
             timeout=60, what="the first build taking the lock")
    second = start_make("html", edited, builddir)
    outputs = [proc.communicate(timeout=300)[0] for proc in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], "\n".join(outputs)[-4000:]
    assert any("waiting for it to finish" in output for output in outputs), outputs
    assert digests(builddir / "html") == after


@pytest.mark.requires_tex
@pytest.mark.parametrize("target, folder, defect", [
    ("html", "html", ("chapters/02-current-state.md", "{ref}`no-such-label`")),
    ("epub", "epub", ("chapters/02-current-state.md", "{ref}`no-such-label`")),
    ("latexpdf", "latex", ("chapters/02-current-state.md", "\n```{raw} latex\n\\undefinedcommand\n```\n")),
])
def test_a_failed_build_leaves_the_published_output(target: str, folder: str, defect, tmp_path: Path,
                                                    html_dir: Path) -> None:
    # The last good output: the session's build of the book (tests/conftest.py).
    session_builddir = html_dir.parent
    builddir = tmp_path / "build"
    shutil.copytree(session_builddir / folder, builddir / folder, symlinks=True)
    good = digests(builddir / folder)
    work = copy_project(tmp_path / "project")
    name, text = defect
    path = work / name
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")
    result = make(target, work, builddir)
    assert result.returncode != 0
    assert f"{folder} is unchanged" in result.output, result.output[-3000:]
    assert digests(builddir / folder) == good
    if folder == "latex":
        # TeX's own message, where it is in the log and which chapter it comes from.
        assert "R060" in result.output and "Undefined control sequence" in result.output, result.output[-3000:]
        assert "chapters/02-current-state.md" in result.output, result.output[-3000:]
        assert (builddir / ".failed" / "latex" / f"{SLUG}.log").is_file()
