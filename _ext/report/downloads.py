"""The whole report as files: the PDF and the EPUB, linked from every page.

sphinx-book-theme has no button to download the whole book
(executablebooks/sphinx-book-theme#760), only the page being read. This module
links the PDF and the EPUB from every page: a "Download the report" menu among
the theme's header buttons, and a list with format and size in the primary
sidebar (``_templates/report-downloads.html``).

Built here, the files *of the same build* are shipped with the website. They
are looked for where the Makefile publishes them, beside the doctree cache
(``<builddir>/latex/<slug>.pdf``, ``<builddir>/epub/<slug>.epub``, the layout
of ``sphinx-build -M``), or in ``report_downloads_dir`` when set. A file that
is not there gets no link, so a link never points at a missing file: ``make
book`` builds the EPUB and the PDF before the website; a bare ``make html``
ships whatever those folders hold, or no downloads at all. What was found is
kept on the builder, never in the configuration: a configuration value that
changed with every new PDF made Sphinx see a new configuration at every build
(and the EPUB builder then refused the ``.buildinfo.bak`` it left). Every page
still shows the current files, because scripts/build.py writes every page of
every build into a new folder.

On Read the Docs the website is built first, before any PDF or EPUB, and the
host serves the ones it builds next at its own addresses for the same version
and edition (``/_/downloads/<language>/<version>/pdf/``): the pages link those,
without a size, and ship no files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging

from .citation import readthedocs_download
from .edition import edition_suffix
from .site import HTML_BUILDERS

logger = logging.getLogger(__name__)

# The folder of the HTML output the PDF and EPUB are copied into.
DOWNLOADS = "downloads"
FORMATS = (("pdf", "PDF"), ("epub", "EPUB"))


def _human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def hosted_downloads(app: Sphinx) -> list[tuple] | None:
    """Read the Docs' PDF and EPUB of this version and edition, when built there."""
    if os.environ.get("READTHEDOCS") != "True":
        return None
    found = [(kind, label, None, readthedocs_download(app.config.html_baseurl, kind), None)
             for kind, label in FORMATS]
    return found if all(entry[3] for entry in found) else None


def find_downloads(app: Sphinx) -> None:
    """Record the PDF and EPUB that exist now (or the hosted ones), on the HTML builder."""
    if app.builder.name not in HTML_BUILDERS:
        return
    hosted = hosted_downloads(app)
    if hosted is not None:
        app.builder.report_downloads = hosted
        for _kind, label, _source, target, _size in hosted:
            logger.info(f"report.downloads: linking Read the Docs' {label} at {target}")
        return
    config = app.config
    base = Path(config.report_downloads_dir or Path(app.doctreedir).parent)
    if not base.is_absolute():
        base = Path(app.confdir) / base
    candidates = [("epub", "EPUB", base / "epub" / f"{config.epub_basename}.epub")]
    if config.latex_documents:
        pdf = Path(config.latex_documents[0][1]).with_suffix(".pdf").name
        candidates.insert(0, ("pdf", "PDF", base / "latex" / pdf))
    found = []
    for kind, label, source in candidates:
        if not source.is_file():
            continue
        # The version goes into the file name, so a reader who keeps two
        # editions can tell them apart; a translation adds its language
        # (…-0.1.0-ko.pdf), as in the release (scripts/dist.py).
        stem = f"{source.stem}-{config.version}" if config.version else source.stem
        name = f"{stem}{edition_suffix(config)}{source.suffix}"
        found.append((kind, label, str(source), f"{DOWNLOADS}/{name}", source.stat().st_size))
    app.builder.report_downloads = found
    log_downloads(found)


def downloads_of(app: Sphinx) -> list[tuple]:
    return getattr(app.builder, "report_downloads", [])


def log_downloads(found: list[tuple]) -> None:
    for _kind, _label, source, target, size in found:
        logger.info(f"report.downloads: shipping {source} as {target} ({_human_size(size)})")
    shipped = {entry[0] for entry in found}
    for kind, label in FORMATS:
        if kind not in shipped:
            # Information, not a warning: a preview without the other formats
            # is normal, and its pages simply carry no such link.
            logger.info(f"report.downloads: no {label} built yet; the pages carry no "
                        f"{label} download link (make book builds it first)")


def add_download_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in HTML_BUILDERS:
        return
    downloads = [
        {
            "kind": kind,
            "label": label,
            "url": context["pathto"](target, 1),
            "size": _human_size(size) if size is not None else "",
            # The host names its own files; a download attribute is only for ours.
            "filename": Path(target).name if source else "",
        }
        for kind, label, source, target, size in downloads_of(app)
    ]
    context["report_downloads"] = downloads


def add_download_menu(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # sphinx-book-theme collects its header buttons in this list (priority 501).
    downloads = context.get("report_downloads")
    if downloads and "header_buttons" in context:
        icons = {"pdf": "fa-solid fa-file-pdf", "epub": "fa-solid fa-book"}
        context["header_buttons"].insert(0, {
            "type": "group",
            "tooltip": _("Download the report"),
            "icon": "fa-solid fa-download",
            "label": "report-downloads",
            "buttons": [
                {
                    "type": "link",
                    "url": d["url"],
                    "text": f"{d['label']} ({d['size']})" if d["size"] else d["label"],
                    "tooltip": _("Download the whole report as %s") % d["label"],
                    "icon": icons[d["kind"]],
                    "label": f"report-download-{d['kind']}",
                }
                for d in downloads
            ],
        })


def copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    folder = Path(app.outdir) / DOWNLOADS
    # Start empty: a file left from an earlier build must not be shipped unlinked.
    shutil.rmtree(folder, ignore_errors=True)
    for _kind, _label, source, target, _size in downloads_of(app):
        if source is None:
            continue
        dest = Path(app.outdir) / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)


def setup(app: Sphinx):
    # Where the PDF and EPUB are looked for; empty: beside the doctree cache.
    app.add_config_value("report_downloads_dir", "", "", types=frozenset({str}))
    # report.edition names the edition (…-ko) before the downloads are named.
    app.setup_extension("report.edition")
    app.connect("builder-inited", find_downloads)
    # Before pydata-sphinx-theme drops the sidebar templates that render
    # empty (priority 500), so report-downloads.html sees the list.
    app.connect("html-page-context", add_download_links, priority=450)
    app.connect("html-page-context", add_download_menu, priority=502)
    app.connect("build-finished", copy_downloads)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
