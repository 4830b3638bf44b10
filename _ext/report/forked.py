"""Make things in a child process while Sphinx reads the sources.

A clean build draws the cover (a sixth of a second) and compiles the theme's
templates (a tenth) before its first page is written, on one core while the
machine's other core idles. Drawing in a thread gained nothing: Pillow's
Python parts and Sphinx's reading contend for the interpreter's lock. A
forked child has a lock of its own, and Sphinx's reading takes longer than
both, so they are ready when the first page is written.

Extensions schedule their work at ``builder-inited`` (``schedule``); one
child runs it all, in that order, once every handler of that event has run,
and the build waits for it at ``write-started``, before anything it makes is
used (and at ``build-finished``, should the build stop before writing).

The child's only way to report is the files it makes (report.filecache and
Jinja's bytecode cache write a file whole, under a private name, then rename
it into place). Whatever goes wrong in the child, the parent finds nothing
made and makes it itself, so a failure is reported by the build as if
nothing had been forked.
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


class _Scheduled:
    def __init__(self) -> None:
        self.work: list[Callable[[], object]] = []
        self.child: int | None = None

    def run(self) -> None:
        failed = None
        for work in self.work:  # one failure does not stop the rest
            try:
                work()
            except Exception as error:
                failed = error
        if failed:
            raise failed


def _scheduled(builder) -> _Scheduled:
    if not hasattr(builder, "report_forked"):
        builder.report_forked = _Scheduled()
    return builder.report_forked


def schedule(app, work: Callable[[], object]) -> None:
    """builder-inited: have this build's child run WORK."""
    _scheduled(app.builder).work.append(work)


def start_scheduled(app) -> None:
    scheduled = _scheduled(app.builder)
    if scheduled.work:  # without fork, the build makes each thing when it needs it
        scheduled.child = start(scheduled.run)


def wait_scheduled(app, *args) -> None:
    scheduled = _scheduled(app.builder)
    wait(scheduled.child)
    scheduled.child = None


def setup(app):
    # After every other builder-inited handler has scheduled its work.
    app.connect("builder-inited", start_scheduled, priority=900)
    # Before any write-started handler uses what the child made.
    app.connect("write-started", wait_scheduled, priority=100)
    app.connect("build-finished", wait_scheduled)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
