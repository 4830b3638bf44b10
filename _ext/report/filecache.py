"""Files made once and kept under a key of everything they are made from.

Drawing the cover, the sharing card and the timeline and checking the
bibliography take a tenth of a second to a second each, and each depends on a
few inputs only. Their results are kept in a folder of
the build, beside the doctrees, so every later build of that folder and every
builder of one checkout reuses them. A kind keeps one entry there: the one
its inputs last made.

REPORT_CACHE_DIR names a folder to use instead, shared by several build
folders: the test suite sets it for the builds whose outputs it reads, so the
same cover is not drawn forty times. Builds may then use it at the same time,
so an entry is made in a private folder and renamed into place, and no entry
is ever removed there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Callable

ENVIRONMENT = "REPORT_CACHE_DIR"


def key(*parts: bytes | str) -> str:
    """A short digest of PARTS, in order."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:24]


def _base(doctreedir: str | os.PathLike, kind: str) -> tuple[Path, bool]:
    shared = os.environ.get(ENVIRONMENT)
    return (Path(shared) if shared else Path(doctreedir)) / kind, bool(shared)


def folder(doctreedir: str | os.PathLike, kind: str) -> Path:
    """KIND's folder, for a cache that names its own files (Jinja's bytecode
    cache, which writes each file whole before renaming it into place)."""
    path = _base(doctreedir, kind)[0]
    path.mkdir(parents=True, exist_ok=True)
    return path


def has(doctreedir: str | os.PathLike, kind: str, entry: str) -> bool:
    """Whether KIND's entry ENTRY was made."""
    return (_base(doctreedir, kind)[0] / entry).is_dir()


def kept(doctreedir: str | os.PathLike, kind: str, entry: str, make: Callable[[Path], None]) -> Path:
    """The folder of KIND's entry ENTRY (a key of its inputs); MAKE(folder)
    fills a new folder with its files the first time."""
    base, shared = _base(doctreedir, kind)
    made = base / entry
    if made.is_dir():
        return made
    partial = base / f".{entry}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        make(partial)
        if not shared:
            # Entries of earlier inputs (an earlier title, text or font) go.
            for older in base.iterdir():
                if older != partial:
                    shutil.rmtree(older, ignore_errors=True)
        os.rename(partial, made)
    except OSError:
        if not made.is_dir():  # not another build's rename of the same entry
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return made
