"""What goes into the EPUB archive, and how it is zipped.

Why it exists: Sphinx copies the whole theme into the book (basic.css,
plus.png, minus.png, the search scripts) although the pages link only a few of
those files, and it zips members with their modification times, so two builds
of one commit differ. :func:`prune_static` leaves out every file under
``_static/`` that no page or used stylesheet refers to; :func:`write_epub`
writes ``mimetype`` first and stored (the OCF rule), then
``META-INF/container.xml`` and ``content.opf``, then every other file in
sorted order, each stamped with SOURCE_DATE_EPOCH (repro-zipfile).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from repro_zipfile import ReproducibleZipFile

from report.epubpages import resolve

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
FIRST = ["mimetype", "META-INF/container.xml", "content.opf"]


def prune_static(outdir: Path, page_refs: set[str]) -> None:
    """Delete files under _static/ that no page (PAGE_REFS) or used stylesheet refers to."""
    used = set(page_refs)
    stylesheets = sorted(ref for ref in used if ref.endswith(".css"))
    while stylesheets:
        css = stylesheets.pop()
        if not (outdir / css).is_file():
            continue
        for match in CSS_URL.finditer((outdir / css).read_text(encoding="utf-8")):
            target = resolve(css, match.group(1) or match.group(2))
            if target and target not in used:
                used.add(target)
                if target.endswith(".css"):
                    stylesheets.append(target)
    for path in sorted((outdir / "_static").rglob("*")):
        if path.is_file() and path.relative_to(outdir).as_posix() not in used:
            path.unlink()


def write_epub(outdir: Path, files: list[str], basename: str) -> None:
    """Zip the book reproducibly: mimetype first and stored, then a fixed order.

    repro-zipfile stamps every member with SOURCE_DATE_EPOCH (1980-01-01
    without it) and fixed permissions; the creator system is fixed too.
    """
    rest = sorted({*files, "toc.ncx", "nav.xhtml"} - set(FIRST))
    target = outdir / f"{basename}.epub"
    tmp = target.with_name(target.name + ".tmp")
    with ReproducibleZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in FIRST + rest:
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix, whatever the build machine
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(info, (outdir / name).read_bytes())
    tmp.replace(target)
