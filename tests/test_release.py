"""Hosting and releases: Read the Docs builds what we build; releases anyone can verify.

- `.readthedocs.yaml` is a valid version 2 file that says what the Makefile says.
- Read the Docs' own commands, run here on a copy of the project, build every
  format it hosts without a warning, and the PDF's LaTeX log is clean: the
  hosted site and downloads are as good as ours.
- `make dist` writes versioned files named from report.toml and a SHA256SUMS
  that `sha256sum -c` accepts; two clean builds in different folders, at
  different times, in different time zones and under different umasks, are
  byte-identical; a build that fails leaves the previous dist/ untouched.

What each step means and how to release: docs/hosting.md, docs/releasing.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree
from pypdf import PdfReader

from conftest import REPORT, ROOT, SLUG, VENV, copy_project

VERSION = REPORT["version"]
BASE = f"{SLUG}-{VERSION}"
# Each edition: the original, then each translation named by its language
# (the [ko] table of report.toml: the Korean edition, …-ko.pdf).
RELEASE_FILES = [f"{BASE}{edition}{suffix}" for edition in
                 ["", *(f"-{lang}" for lang, table in REPORT.items() if isinstance(table, dict))]
                 for suffix in ("-html.zip", ".epub", ".pdf")]
CHECK_LOG = ROOT / "scripts" / "check-latex-log.py"
RTD_CONFIG = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))

# Variables of the outer make or of `make test` that must not leak into the
# builds under test: each sets its own.
LEAKY = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SOURCE_DATE_EPOCH", "FORCE_SOURCE_DATE", "TZ"}


def clean_env(**extra: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in LEAKY} | extra


def last_commit_time() -> int | None:
    proc = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                          capture_output=True, text=True)
    return int(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else None


# Both releases stand for one commit: the one being tested (or a fixed date
# when the sources are not a git checkout).
EPOCH = last_commit_time() or 1_795_000_000


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- .readthedocs.yaml ------------------------------------------------------------

def install_script_packages(kind: str) -> list[str]:
    script = (ROOT / "scripts" / "install-system-deps.sh").read_text(encoding="utf-8")
    match = re.search(rf"^{kind}=\((.*?)\)", script, re.MULTILINE | re.DOTALL)
    assert match, f"scripts/install-system-deps.sh no longer defines {kind}=(…); update this test"
    return match.group(1).split()


def test_readthedocs_config_is_version_2_with_known_keys() -> None:
    assert RTD_CONFIG["version"] == 2
    # Read the Docs rejects unknown keys; catch a typo here rather than there.
    known = {"version", "build", "python", "sphinx", "formats", "conda", "mkdocs", "submodules", "search"}
    assert set(RTD_CONFIG) <= known, f"unknown keys: {set(RTD_CONFIG) - known}"


def test_readthedocs_builds_on_a_current_image_and_python() -> None:
    build = RTD_CONFIG["build"]
    # Fixed versions, never "latest": an image update must not change the book.
    assert build["os"] == "ubuntu-24.04"
    assert str(build["tools"]["python"]) in {"3.11", "3.12"}, build["tools"]


def test_readthedocs_installs_the_pinned_requirements() -> None:
    installs = RTD_CONFIG["python"]["install"]
    assert installs == [{"requirements": "requirements.txt"}], installs
    for number, line in enumerate((ROOT / "requirements.txt").read_text().splitlines(), start=1):
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\[\]-]+==[\w.]+", line), (
                f"requirements.txt:{number}: {line!r} is not pinned with =="
            )


def test_readthedocs_uses_conf_py_and_fails_on_warnings() -> None:
    sphinx = RTD_CONFIG["sphinx"]
    assert sphinx["configuration"] == "conf.py" and (ROOT / "conf.py").is_file()
    assert sphinx["fail_on_warning"] is True
    # Read the Docs passes -W --keep-going but not -n: nitpicky must come from conf.py.
    assert re.search(r"^nitpicky = True", (ROOT / "conf.py").read_text(), re.MULTILINE)


def test_readthedocs_offers_pdf_epub_and_htmlzip() -> None:
    assert sorted(RTD_CONFIG["formats"]) == ["epub", "htmlzip", "pdf"]


def test_readthedocs_installs_the_fonts_the_local_build_installs() -> None:
    fonts = {p for p in install_script_packages("book_pkgs") if p.startswith("fonts-")}
    apt = set(RTD_CONFIG["build"].get("apt_packages", []))
    assert fonts <= apt, f"add {sorted(fonts - apt)} to build.apt_packages in .readthedocs.yaml"


# -- Read the Docs' build, emulated -------------------------------------------------

class ReadTheDocs:
    """Read the Docs' commands for a Sphinx project with formats (as in
    readthedocs.org, readthedocs/doc_builder/backends/sphinx.py): each format in
    turn, one shared doctree cache, outputs in $READTHEDOCS_OUTPUT/<format>
    inside the checkout, run from the folder of conf.py."""

    ORDER = ("html", "htmlzip", "pdf", "epub")
    BUILDER = {"html": "html", "htmlzip": "singlehtml", "pdf": "latex", "epub": "epub"}

    def __init__(self, checkout: Path, language: str = REPORT["language"],
                 canonical: str = REPORT["base_url"]) -> None:
        # language, canonical: a translation project (the Korean edition,
        # tests/test_korean_edition.py) is built with its own.
        self.checkout = checkout
        self.output = checkout / "_readthedocs"
        self.cwd = (checkout / RTD_CONFIG["sphinx"]["configuration"]).parent
        self.language = language
        self.canonical = canonical
        # Read the Docs sets no SOURCE_DATE_EPOCH; it does set these.
        self.env = clean_env(
            PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ['PATH']}",
            READTHEDOCS="True", READTHEDOCS_PROJECT=SLUG, READTHEDOCS_VERSION="latest",
            READTHEDOCS_LANGUAGE=language, READTHEDOCS_OUTPUT=f"{self.output}/",
            READTHEDOCS_CANONICAL_URL=self.canonical,
        )
        self.results: dict[str, subprocess.CompletedProcess] = {}

    def run(self, *cmd: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, cwd=cwd, env=self.env, capture_output=True, text=True)

    def build(self, fmt: str) -> subprocess.CompletedProcess:
        """Build FMT, and every format Read the Docs builds before it, once."""
        for earlier in self.ORDER[: self.ORDER.index(fmt) + 1]:
            if earlier not in self.results:
                self.results[earlier] = self._sphinx(earlier)
        return self.results[fmt]

    def _sphinx(self, fmt: str) -> subprocess.CompletedProcess:
        strict = []
        # Read the Docs adds -W --keep-going for fail_on_warning, except on its
        # LaTeX step; our test is stricter there and reads the output.
        if RTD_CONFIG["sphinx"]["fail_on_warning"] and fmt != "pdf":
            strict = ["-W", "--keep-going"]
        return self.run(
            str(VENV / "bin" / "python"), "-m", "sphinx", "-T", *strict,
            "-b", self.BUILDER[fmt], "-d", "_build/doctrees", "-D", f"language={self.language}",
            ".", str(self.output / fmt), cwd=self.cwd,
        )

    def latexmk(self) -> subprocess.CompletedProcess:
        """Read the Docs' PDF step, in the LaTeX folder with Sphinx's latexmkrc.
        It counts as success whenever a PDF was written, even after errors."""
        return self.run(
            "latexmk", "-r", "latexmkrc", "-pdf", "-f", "-dvi-", "-ps-",
            f"-jobname={SLUG}", "-interaction=nonstopmode", cwd=self.output / "pdf",
        )


@pytest.fixture(scope="module")
def rtd(tmp_path_factory) -> ReadTheDocs:
    return ReadTheDocs(copy_project(tmp_path_factory.mktemp("readthedocs") / "checkout"))


def assert_built(result: subprocess.CompletedProcess, fmt: str) -> None:
    assert result.returncode == 0, f"Read the Docs' {fmt} build failed:\n{result.stderr[-4000:]}"
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, f"Read the Docs' {fmt} build warns:\n" + "\n".join(warnings[:30])


@pytest.mark.slow
def test_readthedocs_html_builds_with_its_canonical_url(rtd: ReadTheDocs) -> None:
    assert_built(rtd.build("html"), "html")
    index = (rtd.output / "html" / "index.html").read_text(encoding="utf-8")
    # conf.py takes the hosted address from Read the Docs, not from report.toml.
    assert f'<link rel="canonical" href="{rtd.canonical}index.html"' in index


@pytest.mark.slow
def test_readthedocs_htmlzip_builds(rtd: ReadTheDocs) -> None:
    # Read the Docs zips a single-page build for its "HTML" download.
    assert_built(rtd.build("htmlzip"), "htmlzip")
    assert (rtd.output / "htmlzip" / "index.html").is_file()


@pytest.mark.slow
def test_readthedocs_epub_builds(rtd: ReadTheDocs) -> None:
    assert_built(rtd.build("epub"), "epub")
    # Read the Docs takes the first *.epub it finds: there must be exactly ours.
    assert sorted(p.name for p in (rtd.output / "epub").glob("*.epub")) == [f"{SLUG}.epub"]


@pytest.mark.slow
@pytest.mark.requires_tex
def test_readthedocs_pdf_builds_with_a_clean_log(rtd: ReadTheDocs) -> None:
    assert_built(rtd.build("pdf"), "LaTeX")
    latex = rtd.output / "pdf"
    # latexmk without a file name compiles every .tex in the folder.
    assert sorted(p.name for p in latex.glob("*.tex")) == [f"{SLUG}.tex"]
    result = rtd.latexmk()
    pdf, log = latex / f"{SLUG}.pdf", latex / f"{SLUG}.log"
    assert pdf.is_file() and pdf.stat().st_size > 0, f"no PDF:\n{result.stdout[-3000:]}"
    # Read the Docs would publish this PDF whatever latexmk's exit code; we do not.
    assert result.returncode == 0, f"latexmk failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
    check = subprocess.run([sys.executable, str(CHECK_LOG), str(log)], capture_output=True, text=True)
    assert check.returncode == 0, f"the hosted PDF's log has problems:\n{check.stderr}"
    assert len(PdfReader(pdf).pages) > 1


# -- make dist -----------------------------------------------------------------------

def make_dist(project: Path, builddir: Path, *, tz: str = "UTC", umask: int = 0o022,
              epoch: int = EPOCH) -> subprocess.CompletedProcess:
    """`make dist` in PROJECT as a person would run it, with a chosen clock and umask."""
    return subprocess.run(
        ["make", "--no-print-directory", "dist", f"BUILDDIR={builddir}", f"VENV={VENV}"],
        cwd=project, capture_output=True, text=True,
        env=clean_env(SOURCE_DATE_EPOCH=str(epoch), TZ=tz, SPHINXOPTS="-q"),
        preexec_fn=lambda: os.umask(umask),
    )


@pytest.fixture(scope="module")
def release_a(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("release-a")
    project = copy_project(base / "project")
    result = make_dist(project, base / "build")
    assert result.returncode == 0, f"make dist failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return project / "dist"


@pytest.fixture(scope="module")
def release_b(release_a: Path, tmp_path_factory) -> Path:
    """Another clean build of the same commit: another folder (at another depth),
    later, in another time zone, under another umask, over an existing dist/."""
    base = tmp_path_factory.mktemp("release-b-elsewhere")
    project = copy_project(base / "some" / "other" / "checkout")
    (project / "dist").mkdir()
    (project / "dist" / "stale.txt").write_text("left by an older release\n")
    time.sleep(1.5)
    result = make_dist(project, base / "b", tz="Asia/Seoul", umask=0o027)
    assert result.returncode == 0, f"make dist failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return project / "dist"


@pytest.mark.slow
@pytest.mark.requires_tex
def test_dist_holds_the_versioned_files_and_checksums(release_a: Path) -> None:
    assert sorted(p.name for p in release_a.iterdir()) == sorted([*RELEASE_FILES, "SHA256SUMS"])
    assert release_a.stat().st_mode & 0o055 == 0o055, "dist/ is not readable by everyone (umask 022)"
    listed = [line.split("  ", 1)[1] for line in (release_a / "SHA256SUMS").read_text().splitlines()]
    assert listed == sorted(RELEASE_FILES)


@pytest.mark.slow
@pytest.mark.requires_tex
def test_sha256sum_accepts_the_checksums(release_a: Path) -> None:
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release_a,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(f"{name}: OK" for name in RELEASE_FILES)


@pytest.mark.slow
@pytest.mark.requires_tex
def test_html_zip_is_normalised(release_a: Path) -> None:
    top = f"{BASE}-html/"
    # Zip (MS-DOS) times count seconds in steps of two.
    stamp = (*time.gmtime(EPOCH)[:5], time.gmtime(EPOCH).tm_sec // 2 * 2)
    with zipfile.ZipFile(release_a / f"{BASE}-html.zip") as archive:
        members = archive.infolist()
        names = [m.filename for m in members]
        assert names == sorted(names), "members are not in sorted order"
        assert f"{top}index.html" in names
        for member in members:
            assert member.filename.startswith(top), f"{member.filename} outside {top}"
            assert not any(part.startswith(".") for part in member.filename.split("/")), member.filename
            assert member.date_time == stamp, f"{member.filename}: {member.date_time}, not {stamp}"
            assert (member.external_attr >> 16) & 0o777 == 0o644, f"{member.filename}: mode"


@pytest.mark.slow
@pytest.mark.requires_tex
def test_website_ships_the_released_pdf_and_epub(release_a: Path) -> None:
    """Downloads offered by each zipped website are the release's own files."""
    for website in (name for name in RELEASE_FILES if name.endswith("-html.zip")):
        shipped = 0
        with zipfile.ZipFile(release_a / website) as site:
            for member in site.infolist():
                name = member.filename.rsplit("/", 1)[-1]
                if name in RELEASE_FILES:
                    shipped += 1
                    assert site.read(member) == (release_a / name).read_bytes(), (
                        f"{member.filename} in the website differs from dist/{name}"
                    )
        assert shipped == 2, f"{website} ships {shipped} of its PDF and EPUB"


@pytest.mark.slow
@pytest.mark.requires_tex
def test_release_carries_the_identity_from_report_toml(release_a: Path) -> None:
    meta = PdfReader(release_a / f"{BASE}.pdf").metadata
    assert meta.title.startswith(REPORT["title"]) and meta.author == REPORT["author"]
    with zipfile.ZipFile(release_a / f"{BASE}.epub") as epub:
        opf_name = etree.fromstring(epub.read("META-INF/container.xml")).find(
            ".//{*}rootfile").get("full-path")
        opf = etree.fromstring(epub.read(opf_name))
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext(".//dc:title", namespaces=dc).startswith(REPORT["title"])
    assert opf.findtext(".//dc:creator", namespaces=dc) == REPORT["author"]
    assert opf.findtext(".//dc:identifier", namespaces=dc) == REPORT["identifier"]
    with zipfile.ZipFile(release_a / f"{BASE}-html.zip") as site:
        index = site.read(f"{BASE}-html/index.html").decode("utf-8")
    assert REPORT["title"] in re.search(r"<title>(.*?)</title>", index, re.S).group(1)


@pytest.mark.slow
@pytest.mark.requires_tex
def test_pdf_dates_and_id_follow_source_date_epoch(release_a: Path, release_b: Path) -> None:
    expected = time.strftime("D:%Y%m%d%H%M%S", time.gmtime(EPOCH))
    readers = [PdfReader(d / f"{BASE}.pdf") for d in (release_a, release_b)]
    for reader in readers:
        for key in ("/CreationDate", "/ModDate"):
            if key in reader.metadata:
                assert reader.metadata[key].startswith(expected), f"{key} {reader.metadata[key]}"
    ids = [list(r.trailer["/ID"]) for r in readers]
    assert ids[0] == ids[1], f"/ID differs between the two folders: {ids}"


def zip_differences(a: Path, b: Path) -> list[str]:
    """What differs between two zips, member by member, to say why they are not identical."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        ia, ib = za.infolist(), zb.infolist()
        if [m.filename for m in ia] != [m.filename for m in ib]:
            return ["member lists or their order differ"]
        found = []
        for ma, mb in zip(ia, ib):
            for what in ("date_time", "external_attr", "compress_type", "extra", "create_system"):
                if getattr(ma, what) != getattr(mb, what):
                    found.append(f"{ma.filename}: {what} {getattr(ma, what)} != {getattr(mb, what)}")
            if za.read(ma) != zb.read(mb):
                found.append(f"{ma.filename}: content")
        return found or ["zip structure (headers, compression)"]


@pytest.mark.slow
@pytest.mark.requires_tex
@pytest.mark.parametrize("name", [*RELEASE_FILES, "SHA256SUMS"])
def test_two_clean_builds_are_identical(release_a: Path, release_b: Path, name: str) -> None:
    a, b = release_a / name, release_b / name
    if sha256(a) == sha256(b):
        return
    if name.endswith((".zip", ".epub")):
        why = zip_differences(a, b)
    elif name == "SHA256SUMS":
        why = sorted(set(a.read_text().splitlines()) ^ set(b.read_text().splitlines()))
    else:
        why = ["bytes"]
    pytest.fail(f"{name} differs between two builds of one commit:\n  " + "\n  ".join(why[:20]))


@pytest.mark.slow
@pytest.mark.requires_tex
def test_a_release_replaces_the_whole_previous_dist(release_b: Path) -> None:
    assert not (release_b / "stale.txt").exists()
    assert not list(release_b.parent.glob(".dist-*")), "staging folders left behind"


def plant(project: Path, relpath: str, text: str) -> int:
    """Append TEXT to a source as a new paragraph; return the line it starts on."""
    path = project / relpath
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join(lines) + "\n\n" + text + "\n", encoding="utf-8")
    return len(lines) + 2


# Two defects: one stops the first step, one a later step (the PDF, after the
# EPUB was built). Neither may reach dist/.
DEFECTS = {
    "first-step": ("index.md", "See {ref}`no-such-section`.", r"{where}: WARNING: undefined label"),
    # Raw LaTeX is ignored by the HTML and EPUB builders; XeLaTeX stops on it.
    "later-step": ("chapters/01-historical-ties.md", "```{raw} latex\n\\NoSuchCommand\n```",
                  rf"{SLUG}\.log:\d+: LaTeX error: Undefined control sequence"),
}


@pytest.mark.slow
@pytest.mark.requires_tex
@pytest.mark.parametrize("defect", DEFECTS)
def test_failed_release_leaves_previous_dist_untouched(release_a: Path, tmp_path: Path,
                                                        defect: str) -> None:
    relpath, text, message = DEFECTS[defect]
    project = tmp_path / "project"
    shutil.copytree(release_a.parent, project, symlinks=True)
    dist = project / "dist"
    before = {p.name: (sha256(p), p.stat().st_mtime_ns) for p in dist.iterdir()}
    line = plant(project, relpath, text)
    result = make_dist(project, tmp_path / "build")
    output = result.stdout + result.stderr
    assert result.returncode != 0, "the defect was not caught:\n" + output[-3000:]
    assert re.search(message.format(where=re.escape(f"{relpath}:{line}")), output), output[-3000:]
    if defect == "later-step":
        assert re.search(r"Published \S+/epub", output), (
            "the EPUB should have built before the PDF failed:\n" + output[-3000:]
        )
    assert "nothing released" in output, output[-3000:]
    after = {p.name: (sha256(p), p.stat().st_mtime_ns) for p in dist.iterdir()}
    assert after == before, "the failed release changed dist/"
    assert not list(project.glob(".dist-*")), "staging folders left behind"


def test_release_needs_a_changelog_entry(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    changelog = project / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    heading = re.search(rf"^## \[?{re.escape(VERSION)}\b.*$", text, re.MULTILINE)
    assert heading, f"CHANGELOG.md has no entry for {VERSION}, the version in report.toml"
    changelog.write_text(text.replace(heading.group(0), "## 0.0.0-not-this-one"), encoding="utf-8")
    result = make_dist(project, tmp_path / "build")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"CHANGELOG.md: no '## {VERSION}' entry" in output, output
    assert not (project / "dist").exists()


def test_source_date_epoch_defaults_to_the_last_commit(tmp_path: Path) -> None:
    if last_commit_time() is None:
        pytest.skip("the sources are not a git checkout")
    probe = tmp_path / "probe.mk"
    probe.write_text("print-epoch:\n\t@echo $(SOURCE_DATE_EPOCH) $(FORCE_SOURCE_DATE)\n")
    result = subprocess.run(["make", "-s", "-f", "Makefile", "-f", str(probe), "print-epoch"],
                            cwd=ROOT, capture_output=True, text=True, env=clean_env())
    assert result.stdout.split() == [str(last_commit_time()), "1"], result.stdout + result.stderr
