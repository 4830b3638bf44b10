"""`make setup`: the virtualenv is made when there is none and updated when
requirements.txt changes, also when .venv is a symbolic link to a virtualenv
made elsewhere (Python's venv refuses to make one at a linked path: "Unable to
create directory"). Python and pip are stand-ins that write down how they were
called, so the test installs nothing."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

from helpers import ROOT, clean_env

# Writes its arguments to calls.log; as `python -m venv DIR`, makes DIR with a
# stand-in python and pip of its own.
STAND_IN = """#!/bin/sh
echo "$(basename "$0") $*" >> "{log}"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    cp "$0" "$3/bin/python"
    cp "$0" "$3/bin/pip"
fi
"""


def project(tmp_path: Path) -> tuple[Path, Path]:
    """The Makefile, requirements.txt and the system check in a folder; its
    stand-in python3 and the log the stand-ins write."""
    here = tmp_path / "project"
    (here / "scripts").mkdir(parents=True)
    for name in ("Makefile", "requirements.txt", "scripts/install-system-deps.sh"):
        shutil.copy2(ROOT / name, here / name)
    log = tmp_path / "calls.log"
    python = tmp_path / "python3"
    python.write_text(STAND_IN.format(log=log), encoding="utf-8")
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    return here, log


def make_setup(here: Path, python: Path) -> list[str]:
    run = subprocess.run(["make", "--no-print-directory", "setup", f"PYTHON={python}"], cwd=here,
                         capture_output=True, text=True, env=clean_env())
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout.splitlines()


def test_a_missing_virtualenv_is_made_then_installed(tmp_path: Path) -> None:
    here, log = project(tmp_path)
    make_setup(here, tmp_path / "python3")
    assert log.read_text(encoding="utf-8").splitlines() == [
        "python3 -m venv .venv",
        "pip install --quiet --disable-pip-version-check -r requirements.txt",
    ]
    assert (here / ".venv" / ".installed").is_file()


def test_a_linked_virtualenv_is_updated_not_made_again(tmp_path: Path) -> None:
    here, log = project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    subprocess.run([tmp_path / "python3", "-m", "venv", elsewhere], check=True)
    (here / ".venv").symlink_to(elsewhere)
    log.unlink()
    make_setup(here, tmp_path / "python3")
    assert log.read_text(encoding="utf-8").splitlines() == [
        "pip install --quiet --disable-pip-version-check -r requirements.txt",
    ], "the virtualenv was made again"
    assert (elsewhere / ".installed").is_file()
    make_setup(here, tmp_path / "python3")  # requirements.txt unchanged: nothing to do
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
