"""Make something in a child process while Sphinx reads the sources.

A clean build draws the cover (a sixth of a second) before reading a single
source, on one core while the machine's other core idles. Drawing it in a
thread gained nothing: Pillow's Python parts and Sphinx's reading contend
for the interpreter's lock. A forked child has a lock of its own, and
Sphinx's reading takes longer than the drawing, so the picture is ready
when the first page is written.

The child's only way to report is the file it makes (report.filecache
writes an entry whole, under a private name, then renames it into place).
Whatever goes wrong in the child, the parent finds no entry and makes it
itself, so a failure is reported by the build as if nothing had been forked.
"""

from __future__ import annotations

import os
import sys
from typing import Callable


def start(work: Callable[[], object]) -> int | None:
    """Run WORK in a forked child; its process id, or None where there is no fork."""
    if not hasattr(os, "fork"):
        return None
    # Output buffered now would otherwise be written by both processes.
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        work()
        status = 0
    finally:
        # No exit handlers, no buffers flushed: they belong to the parent.
        os._exit(status)


def wait(pid: int | None) -> None:
    """Wait for the child PID (from start) to end, if there is one."""
    if pid:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:  # already waited for
            pass
