"""Atomic publishing and build locks, shared by scripts/build.py and scripts/dist.py.

Whoever reads a published folder (a browser, a web server, `make dist`, a
test) must see the whole previous output or the whole new one, never a mix, a
half-copied tree or nothing at all. Copying a staged tree into place cannot
promise that: killed half-way, or on a full disk, it leaves a part. So every
output is staged in a folder beside its final place, on the same file system,
and put in place with one rename: Linux's renameat2(RENAME_EXCHANGE) swaps the
two folders in a single step, after which the previous output (now in the
staging folder's place) is removed.

Two builds of the same output at once would share Sphinx's doctree cache and
staging folders (one died with a `searchindex.js.tmp` traceback), so a build
holds an exclusive lock on its output folder; a second build waits and says so
in one line.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import sys
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system cannot."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a file system without exchange: the caller falls back
    raise OSError(code, os.strerror(code), str(b))


def publish(staging: Path, target: Path) -> None:
    """Put STAGING in the place of TARGET; readers see the old or the new, never half."""
    if not target.exists() and not target.is_symlink():
        os.rename(staging, target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous output
        return
    # No atomic exchange (not Linux, or a file system without it): two renames,
    # with a moment in which TARGET is absent but never incomplete.
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)  # put the previous output back
        raise
    shutil.rmtree(old, ignore_errors=True)


class Lock:
    """An exclusive lock on FOLDER for the length of a `with` block.

    flock(2) is released by the kernel when the holder dies, so a killed build
    never leaves a stale lock behind.
    """

    def __init__(self, folder: Path, who: str):
        self.path = folder / ".lock"
        self.who = who
        self.handle = None

    def __enter__(self) -> "Lock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+", encoding="ascii")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            print(f"{self.who}: {self.path.parent} is being built by {holder}; waiting for it to finish",
                  file=sys.stderr, flush=True)
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        assert self.handle is not None
        self.handle.truncate(0)
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
