"""Hosting and releases: Read the Docs builds what we build; releases anyone can verify.

- `.readthedocs.yaml` is a valid version 2 file that says what the Makefile says.
- Read the Docs' own commands, run here on a copy of the project, build every
  format it hosts without a warning, and the PDF's LaTeX log is clean: the
  hosted site and downloads are as good as ours.
- `make dist` writes versioned files named from report.toml and a SHA256SUMS
  that `sha256sum -c` accepts; a build that fails leaves the previous dist/
  untouched.
- Two clean builds of one commit, in different folders, at different times,
  in different time zones and under different umasks, are byte-identical:
  the release is built once from scratch (no doctree cache, Asia/Seoul,
  umask 022, over an old dist/) and its files are compared with the session's
  builds of both editions (another folder, earlier, UTC, umask 027, made with
  the same SOURCE_DATE_EPOCH by tests/conftest.py). The two websites differ
  only where they must: a release's language switch links to the hosted
  editions, a local build's to the edition beside it.

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
from lxml import etree
from pypdf import PdfReader

from helpers import (FILECACHE, REPORT, ROOT, RTD_CONFIG, SLUG, SOURCE_DATE_EPOCH, VENV, ReadTheDocs, assert_built,
                     clean_env, copy_project, digests, hosted_download_problems, last_commit_time)

VERSION = REPORT["version"]
BASE = f"{SLUG}-{VERSION}"
# Each edition: the original, then each translation named by its language
# (the [ko] table of report.toml: the Korean edition, …-ko.pdf).
TRANSLATIONS = [lang for lang, table in REPORT.items() if isinstance(table, dict)]
RELEASE_FILES = [f"{BASE}{edition}{suffix}" for edition in ["", *(f"-{lang}" for lang in TRANSLATIONS)]
                 for suffix in ("-html.zip", ".epub", ".pdf", ".bib", ".ris")]
CHECK_LOG = ROOT / "scripts" / "check-latex-log.py"
# The release is made for the commit being tested, with the date the
# session's builds were given.
EPOCH = SOURCE_DATE_EPOCH


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


# -- Read the Docs' build, emulated (helpers.ReadTheDocs) ---------------------------------

@pytest.fixture(scope="module")
def rtd(tmp_path_factory) -> ReadTheDocs:
    return ReadTheDocs(copy_project(tmp_path_factory.mktemp("readthedocs") / "checkout"))


@pytest.mark.slow
def test_readthedocs_html_builds_with_its_canonical_url(rtd: ReadTheDocs) -> None:
    assert_built(rtd.build("html"), "html")
    index = (rtd.output / "html" / "index.html").read_text(encoding="utf-8")
    # conf.py takes the hosted address from Read the Docs, not from report.toml.
    assert f'<link rel="canonical" href="{rtd.canonical}index.html"' in index
    # The website is built before the PDF and EPUB: every page links the ones
    # Read the Docs serves for this version and edition.
    problems = hosted_download_problems(rtd.output / "html", REPORT["language"])
    assert not problems, "\n".join(problems[:20])


def test_hosted_download_check_catches_a_site_with_its_own_files(html_dir: Path) -> None:
    """The session's website ships its PDF and EPUB in downloads/: as a Read
    the Docs build, every page of it is refused, by name."""
    problems = hosted_download_problems(html_dir, REPORT["language"])
    assert problems[0] == "html/downloads/: shipped on Read the Docs", problems[:3]
    assert "html/index.html: downloads ['downloads/" in "\n".join(problems), problems[:3]


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
        # From scratch: the cover and fonts drawn again, not the session's (FILECACHE).
        env=clean_env(SOURCE_DATE_EPOCH=str(epoch), TZ=tz, SPHINXOPTS="-q", **{FILECACHE: ""}),
        preexec_fn=lambda: os.umask(umask),
    )


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """`make dist` from scratch in a copy at another depth, in another time zone,
    over an existing dist/."""
    base = tmp_path_factory.mktemp("release-elsewhere")
    project = copy_project(base / "some" / "other" / "checkout")
    (project / "dist").mkdir()
    (project / "dist" / "stale.txt").write_text("left by an older release\n")
    # What an author's last build left in the build folder: a release must
    # leave it as it was, so the next incremental build goes on from it.
    for name in ("html/index.html", "doctrees/environment.pickle", "ko/epub/mimetype"):
        (base / "build" / name).parent.mkdir(parents=True, exist_ok=True)
        (base / "build" / name).write_text(f"{name} of an earlier build\n")
    before = digests(base / "build")
    result = make_dist(project, base / "build", tz="Asia/Seoul")
    assert result.returncode == 0, f"make dist failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    assert digests(base / "build") == before, "make dist changed what an earlier build left in the build folder"
    return project / "dist"


@pytest.mark.slow
@pytest.mark.requires_tex
def test_dist_holds_the_versioned_files_and_checksums(release: Path) -> None:
    assert sorted(p.name for p in release.iterdir()) == sorted([*RELEASE_FILES, "SHA256SUMS"])
    assert release.stat().st_mode & 0o055 == 0o055, "dist/ is not readable by everyone (umask 022)"
    listed = [line.split("  ", 1)[1] for line in (release / "SHA256SUMS").read_text().splitlines()]
    assert listed == sorted(RELEASE_FILES)


@pytest.mark.slow
@pytest.mark.requires_tex
def test_sha256sum_accepts_the_checksums(release: Path) -> None:
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(f"{name}: OK" for name in RELEASE_FILES)


@pytest.mark.slow
@pytest.mark.requires_tex
def test_html_zip_is_normalised(release: Path) -> None:
    top = f"{BASE}-html/"
    # Zip (MS-DOS) times count seconds in steps of two.
    stamp = (*time.gmtime(EPOCH)[:5], time.gmtime(EPOCH).tm_sec // 2 * 2)
    with zipfile.ZipFile(release / f"{BASE}-html.zip") as archive:
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
def test_website_ships_the_released_pdf_and_epub(release: Path) -> None:
    """Downloads offered by each zipped website (PDF, EPUB, and the citation's
    .bib and .ris) are the release's own files."""
    for website in (name for name in RELEASE_FILES if name.endswith("-html.zip")):
        shipped = 0
        with zipfile.ZipFile(release / website) as site:
            for member in site.infolist():
                name = member.filename.rsplit("/", 1)[-1]
                if name in RELEASE_FILES:
                    shipped += 1
                    assert site.read(member) == (release / name).read_bytes(), (
                        f"{member.filename} in the website differs from dist/{name}"
                    )
        assert shipped == 4, f"{website} ships {shipped} of its PDF, EPUB, .bib and .ris"


@pytest.mark.slow
@pytest.mark.requires_tex
def test_release_carries_the_identity_from_report_toml(release: Path) -> None:
    meta = PdfReader(release / f"{BASE}.pdf").metadata
    assert meta.title.startswith(REPORT["title"]) and meta.author == REPORT["author"]
    with zipfile.ZipFile(release / f"{BASE}.epub") as epub:
        opf_name = etree.fromstring(epub.read("META-INF/container.xml")).find(
            ".//{*}rootfile").get("full-path")
        opf = etree.fromstring(epub.read(opf_name))
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext(".//dc:title", namespaces=dc).startswith(REPORT["title"])
    assert opf.findtext(".//dc:creator", namespaces=dc) == REPORT["author"]
    assert opf.findtext(".//dc:identifier", namespaces=dc) == REPORT["identifier"]
    with zipfile.ZipFile(release / f"{BASE}-html.zip") as site:
        index = site.read(f"{BASE}-html/index.html").decode("utf-8")
    assert REPORT["title"] in re.search(r"<title>(.*?)</title>", index, re.S).group(1)


@pytest.mark.slow
@pytest.mark.requires_tex
def test_pdf_dates_and_id_follow_source_date_epoch(release: Path, pdf_file: Path) -> None:
    expected = time.strftime("D:%Y%m%d%H%M%S", time.gmtime(EPOCH))
    readers = [PdfReader(path) for path in (release / f"{BASE}.pdf", pdf_file)]
    for reader in readers:
        for key in ("/CreationDate", "/ModDate"):
            if key in reader.metadata:
                assert reader.metadata[key].startswith(expected), f"{key} {reader.metadata[key]}"
    ids = [list(r.trailer["/ID"]) for r in readers]
    assert ids[0] == ids[1], f"/ID differs between the two folders: {ids}"


def edition_builds(request, language: str) -> dict[str, Path]:
    """The session's build of each format of an edition (tests/conftest.py)."""
    prefix = f"{language}_" if language else ""
    return {kind: request.getfixturevalue(f"{prefix}{fixture}")
            for kind, fixture in (("epub", "epub_file"), ("pdf", "pdf_file"), ("html", "html_dir"))}


# A local build's language switch leads to the edition built beside it, a
# release's to the hosted edition (report_edition_links, scripts/dist.py).
SWITCH_LINK = re.compile(rb'(<a href=")[^"]*(" hreflang="[a-z-]+" lang="[a-z-]+")(?: rel="noopener")?')


def site_differences(zipped: Path, site: Path) -> list[str]:
    """What differs between a release's zipped website and a built one, but the
    language switch's targets."""
    with zipfile.ZipFile(zipped) as archive:
        members = {m.filename.split("/", 1)[1]: m for m in archive.infolist() if not m.is_dir()}
        built = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(site).parts))
        if sorted(members) != built:
            return [f"files only in the release: {sorted(set(members) - set(built))[:10]}",
                    f"files only in the build: {sorted(set(built) - set(members))[:10]}"]
        differ = []
        for name in built:
            ours, theirs = archive.read(members[name]), (site / name).read_bytes()
            if name.endswith(".html"):
                ours, theirs = (SWITCH_LINK.sub(rb"\1-\2", text) for text in (ours, theirs))
            if ours != theirs:
                differ.append(name)
        return differ


@pytest.mark.slow
@pytest.mark.requires_tex
@pytest.mark.parametrize("language", ["", *TRANSLATIONS])
def test_a_clean_build_elsewhere_gives_the_same_files(release: Path, request, language: str) -> None:
    """The release, from scratch, holds the bytes of the session's builds."""
    builds = edition_builds(request, language)
    stem = BASE + (f"-{language}" if language else "")
    for kind in ("epub", "pdf"):
        assert sha256(release / f"{stem}.{kind}") == sha256(builds[kind]), (
            f"{stem}.{kind} differs from the session's {builds[kind]}")
    differ = site_differences(release / f"{stem}-html.zip", builds["html"])
    assert not differ, f"{stem}-html.zip: files that differ from the session's website: {differ[:20]}"


@pytest.mark.slow
@pytest.mark.requires_tex
def test_site_comparison_sees_a_changed_page(release: Path, tmp_path: Path) -> None:
    """The comparison above fails when one page differs (not only its switch)."""
    site = tmp_path / "site"
    with zipfile.ZipFile(release / f"{BASE}-html.zip") as archive:
        archive.extractall(tmp_path / "unzipped")
    shutil.move(tmp_path / "unzipped" / f"{BASE}-html", site)
    assert site_differences(release / f"{BASE}-html.zip", site) == []
    page = site / "index.html"
    page.write_bytes(SWITCH_LINK.sub(rb"\1elsewhere\2", page.read_bytes()))
    assert site_differences(release / f"{BASE}-html.zip", site) == []
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>changed</p></body>"))
    assert site_differences(release / f"{BASE}-html.zip", site) == ["index.html"]


@pytest.mark.slow
@pytest.mark.requires_tex
def test_a_release_replaces_the_whole_previous_dist(release: Path) -> None:
    assert not (release / "stale.txt").exists()
    assert not list(release.parent.glob(".dist-*")), "staging folders left behind"


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
def test_failed_release_leaves_previous_dist_untouched(release: Path, tmp_path: Path,
                                                        defect: str) -> None:
    relpath, text, message = DEFECTS[defect]
    project = tmp_path / "project"
    shutil.copytree(release.parent, project, symlinks=True)
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


def print_epoch(project: Path, tmp_path: Path, **env: str) -> list[str]:
    """SOURCE_DATE_EPOCH and FORCE_SOURCE_DATE as PROJECT's Makefile sets them."""
    probe = tmp_path / "probe.mk"
    probe.write_text("print-epoch:\n\t@echo $(SOURCE_DATE_EPOCH) $(FORCE_SOURCE_DATE)\n")
    result = subprocess.run(["make", "-s", "-f", "Makefile", "-f", str(probe), "print-epoch"],
                            cwd=project, capture_output=True, text=True, env=clean_env(**env))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.split()


def test_source_date_epoch_defaults_to_the_last_commit(tmp_path: Path) -> None:
    if last_commit_time() is None:
        pytest.skip("the sources are not a git checkout")
    assert print_epoch(ROOT, tmp_path) == [str(last_commit_time()), "1"]


def test_outside_git_source_date_epoch_is_report_toml_s_time(tmp_path: Path) -> None:
    """An exported archive (no .git) builds with a fixed date, not the current
    time, so a second build finds the first up to date."""
    project = copy_project(tmp_path / "project")
    os.utime(project / "report.toml", (1_790_000_000, 1_790_000_000))
    no_git = {"GIT_DIR": str(tmp_path / "not-a-repository")}
    assert print_epoch(project, tmp_path, **no_git) == ["1790000000", "1"]
    assert print_epoch(project, tmp_path, **no_git) == ["1790000000", "1"]
