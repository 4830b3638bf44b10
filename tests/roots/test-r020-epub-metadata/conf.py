# A book for the EPUB builder's own refusals (report.epub).
import sys
from pathlib import Path

sys.path[:0] = [str(p / "_ext") for p in Path(__file__).resolve().parents if (p / "_ext/report").is_dir()][:1]

project = "Mini"
author = "The Mini contributors"
copyright = "2026, The Mini contributors"
version = release = "1.0"
language = "en"
extensions = ["report.epub"]
epub_identifier = "urn:uuid:00000000-0000-4000-8000-000000000000"
epub_uid = "bookid"
epub_contributor = author
epub_cover = ("_static/cover.png", "")
report_subtitle = "A test"
report_subjects = ["Testing"]
# No epub_description: Sphinx would write "unknown" into the package document.
