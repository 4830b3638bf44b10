"""report.toml is validated in one place, and a mistake is one line naming the
file, the line and the key (R050–R054, report.identity); a language without
a table is R040 in one line, never a crash.

Each defect is planted in a small, valid report.toml in a temporary folder;
the messages are asserted as an author sees them: from identity.load(), from
the command line the Makefile uses, and from sphinx-build running the
project's own conf.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPORT, ROOT

from report import identity

CLI = ROOT / "_ext" / "report" / "identity.py"

# Single quotes throughout: valid TOML, which the Makefile's sed once misread.
VALID = """\
# A report's identity.
title = 'A Tiny Report'
subtitle = 'Its Subtitle'
author = 'Someone'
publisher = 'Someone'
slug = 'tiny-report'
version = '1.0.0'
language = 'en'
date_of_information = '2026-11-25'
description = '''A report
for one test.'''
subjects = ['Testing', 'Checks']
identifier = 'urn:uuid:19446227-8f53-4c50-9aab-567233f7bd65'
licence = 'CC BY 4.0'
licence_url = 'https://creativecommons.org/licenses/by/4.0/'
base_url = 'https://tiny.example/en/'

[ko]
title = '작은 보고서'
subtitle = '부제'
author = '누군가'
publisher = '누군가'
description = '시험용 보고서'
identifier = 'urn:uuid:7d7a4450-ed7a-4a0a-8837-3f47476a458d'
base_url = 'https://tiny.example/ko/'
"""


def planted(tmp_path: Path, old: str, new: str, occurrence: int = 1) -> tuple[Path, int]:
    """VALID with the OCCURRENCE-th line starting with OLD replaced by NEW
    (deleted if NEW is None); the file and the planted line's number."""
    lines = VALID.splitlines()
    hits = [i for i, line in enumerate(lines) if line.startswith(old)]
    index = hits[occurrence - 1]
    if new is None:
        del lines[index]
    else:
        lines[index] = new
    path = tmp_path / "report.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, index + 1


def refused(path: Path) -> str:
    with pytest.raises(identity.IdentityError) as caught:
        identity.load(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_project_report_toml_is_valid():
    assert identity.load() == REPORT
    assert identity.editions(REPORT) == ["en", "ko"]


def test_a_valid_file_in_single_quotes_is_read(tmp_path):
    path = tmp_path / "report.toml"
    path.write_text(VALID, encoding="utf-8")
    report = identity.load(path)
    assert report["slug"] == "tiny-report"
    assert report["description"] == "A report\nfor one test."
    assert report["ko"]["title"] == "작은 보고서"


def test_a_toml_date_is_read_as_the_iso_string(tmp_path):
    path, _ = planted(tmp_path, "date_of_information", "date_of_information = 2026-11-25")
    assert identity.load(path)["date_of_information"] == "2026-11-25"


# (line to replace, its replacement, the message after "report.toml:LINE: ")
PLANTED = {
    "R050 syntax": ("title", "title = 'An unclosed string",
                    r"R050 not valid TOML: .+ \(column \d+\)"),
    "R050 duplicate key": ("subtitle", "title = 'Twice'", r"R050 not valid TOML: Cannot overwrite a value"),
    "R052 version type": ("version", "version = 1.0", r"R052 'version' must be a string, not a number"),
    "R052 subjects type": ("subjects", "subjects = 'Testing'", r"R052 'subjects' must be a list of strings"),
    "R053 version with a slash": ("version", "version = '1.0/beta'",
                                  r"R053 'version' '1\.0/beta' is not a version like 1\.2\.3"),
    "R053 version with a space": ("version", "version = '1.0 beta'", r"R053 'version' .* is not a version"),
    "R053 date": ("date_of_information", "date_of_information = '25 November 2026'",
                  r"R053 'date_of_information' .* is not a date like 2026-11-25"),
    "R053 impossible date": ("date_of_information", "date_of_information = '2026-02-30'",
                             r"R053 'date_of_information' .* is not a date"),
    "R053 identifier": ("identifier", "identifier = 'isbn:978-0-00-000000-0'",
                        r"R053 'identifier' .* is not an identifier like urn:uuid:"),
    "R053 base_url without slash": ("base_url", "base_url = 'https://tiny.example/en'",
                                    r"R053 'base_url' .* is not an https:// address ending in /"),
    "R053 base_url over http": ("base_url", "base_url = 'http://tiny.example/en/'",
                                r"R053 'base_url' .* is not an https:// address"),
    "R053 slug": ("slug", "slug = 'Tiny Report'", r"R053 'slug' .* is not a slug"),
    "R053 empty title": ("title", "title = ' '", r"R053 'title' .* is empty"),
    "R053 language": ("language", "language = 'English'", r"R053 'language' .* is not a language code"),
}


@pytest.mark.parametrize("case", PLANTED, ids=list(PLANTED))
def test_a_bad_value_is_refused_at_its_line(tmp_path, case):
    old, new, expected = PLANTED[case]
    path, line = planted(tmp_path, old, new)
    message = refused(path)
    assert re.match(rf"(.*/)?report\.toml:{line}: {expected}", message), message


def test_a_missing_key_is_named(tmp_path):
    path, _ = planted(tmp_path, "version", None)
    assert refused(path).endswith("report.toml: R051 required key 'version' is missing")


def test_a_translation_key_is_checked_at_its_line(tmp_path):
    path, line = planted(tmp_path, "base_url", "base_url = 'https://tiny.example/ko'", occurrence=2)
    assert re.search(rf"report\.toml:{line}: R053 'ko\.base_url' .* ending in /", refused(path))


def test_a_translation_missing_a_key_is_named(tmp_path):
    path, _ = planted(tmp_path, "identifier", None, occurrence=2)
    header = VALID.splitlines().index("[ko]") + 1
    assert re.search(rf"report\.toml:{header}: R051 required key 'ko\.identifier' is missing from \[ko\]",
                     refused(path))


def test_a_key_a_translation_cannot_set_is_refused(tmp_path):
    path, line = planted(tmp_path, "subtitle", "subtitel = '부제'", occurrence=2)
    assert re.search(rf"report\.toml:{line}: R054 'ko\.subtitel' cannot be set for a translation",
                     refused(path))


def test_a_file_that_is_not_utf8_is_refused_at_the_line(tmp_path):
    path = tmp_path / "report.toml"
    # "é" as Latin-1 wrote it.
    path.write_bytes(VALID.encode("utf-8").replace(b"'Its Subtitle'", b"'Its \xe9'"))
    assert re.search(r"report\.toml:3: R050 not UTF-8", refused(path))


def test_a_missing_file_is_named(tmp_path):
    assert re.search(r"nothere\.toml: R050 cannot be read", refused(tmp_path / "nothere.toml"))


# -- The command line the Makefile and scripts use -------------------------------------

def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # The system's python3 in the Makefile; any Python 3.11+ without Sphinx works.
    return subprocess.run([sys.executable, str(CLI), *args], cwd=cwd, capture_output=True, text=True)


def test_cli_prints_a_value_from_single_quotes(tmp_path):
    (tmp_path / "report.toml").write_text(VALID, encoding="utf-8")
    assert cli("--file", "report.toml", "slug", cwd=tmp_path).stdout == "tiny-report\n"
    assert cli("--file", "report.toml", "ko.title", cwd=tmp_path).stdout == "작은 보고서\n"
    assert cli("--file", "report.toml", "--editions", cwd=tmp_path).stdout == "en\nko\n"


def test_cli_reads_the_project_report_toml_by_default():
    assert cli("slug", cwd=ROOT).stdout.strip() == REPORT["slug"]


def test_cli_refuses_an_invalid_file_in_one_line(tmp_path):
    path, line = planted(tmp_path, "version", "version = '1.0/beta'")
    proc = cli("--file", "report.toml", "slug", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"report.toml:{line}: R053 'version' '1.0/beta' is not a version like 1.2.3\n"


# -- sphinx-build with the project's conf.py -------------------------------------------

def test_sphinx_build_stops_in_one_line_without_a_traceback(tmp_path):
    """conf.py refuses the file before Sphinx reads anything: copying conf.py
    and the extension is enough."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "conf.py", project)
    shutil.copytree(ROOT / "_ext", project / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    broken = (ROOT / "report.toml").read_text(encoding="utf-8")
    broken = re.sub(r'^version = .*$', "version = '0.1/draft'", broken, count=1, flags=re.MULTILINE)
    (project / "report.toml").write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("version = '0.1/draft'") + 1
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "sphinx-build"), "-q", "-b", "html", ".", str(tmp_path / "out")],
        cwd=project, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.strip() == f"report.toml:{line}: R053 'version' '0.1/draft' is not a version like 1.2.3"
    assert not (tmp_path / "out" / "index.html").exists()


# -- R040: a language without its table -------------------------------------------------

@pytest.mark.sphinx("html", testroot="r040-no-language-table", confoverrides={"language": "fr"})
def test_r040_a_language_without_a_table_is_one_warning(app):
    toml = Path(app.srcdir) / "report.toml"
    line = toml.read_text(encoding="utf-8").splitlines().index("language = 'en'") + 1
    warnings = app.warning.getvalue()
    assert re.search(rf"report\.toml:{line}: WARNING: R040 report\.toml has no \[fr\] table", warnings), warnings
    assert "Traceback" not in warnings


@pytest.mark.sphinx("html", testroot="r040-no-language-table")
def test_r040_is_silent_for_the_original_language(app):
    assert "R040" not in app.warning.getvalue()


def test_the_build_refuses_before_touching_the_published_output(tmp_path):
    """scripts/build.py (make html, make book …) asks report.identity first:
    one line, exit 2, and the last good website as it was."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "scripts", project / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "_ext", project / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    path, line = planted(project, "slug", "slug = 'Tiny Report'")
    published = tmp_path / "build" / "html" / "index.html"
    published.parent.mkdir(parents=True)
    published.write_text("the last good site", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(project / "scripts" / "build.py"),
                           "--builddir", str(tmp_path / "build"), "html"],
                          cwd=project, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == f"report.toml:{line}: R053 'slug' 'Tiny Report' is not a slug " \
                          "(lowercase letters, digits and single hyphens)\n"
    assert published.read_text(encoding="utf-8") == "the last good site"
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["html"]
