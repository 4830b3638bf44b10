"""What the website's search lists for a glossary term.

Reads the built search index and glossary page of both editions (the
session's `html_dir` and `ko_html_dir`): the
sections that treat a term come before the glossary's entry, the Glossary is
listed once (its term entry, not also as a page hit for the term's words), and
a term is not glued to its definition in the page text that summaries show.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

GLOSSARY = "backmatter/glossary"


# The index entry of the KORUS FTA in each edition: the Korean index is in Korean.
KORUS_ENTRY = {"en": "korus fta", "ko": "한미 자유무역협정"}


@pytest.fixture(params=["en", "ko"])
def site(request) -> Path:
    return request.getfixturevalue("html_dir" if request.param == "en" else "ko_html_dir")


@pytest.fixture
def korus_entry(site: Path, request) -> str:
    return KORUS_ENTRY[request.node.callspec.params["site"]]


def search_index(site: Path) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def test_sections_come_before_the_glossary_entry(site: Path, korus_entry: str) -> None:
    index = search_index(site)
    glossary = index["docnames"].index(GLOSSARY)
    entries = index["indexentries"]
    assert korus_entry in entries, sorted(entries)
    korus = entries[korus_entry]
    main = {index["docnames"][file] for file, _anchor, is_main in korus if is_main}
    assert "chapters/02-current-state" in main, korus
    glossary_main = [entry for entry, targets in entries.items()
                     for file, _anchor, is_main in targets if file == glossary and is_main]
    assert not glossary_main, f"glossary entries ranked as main hits: {glossary_main}"


def test_the_glossary_is_listed_once_for_a_term(site: Path) -> None:
    index = search_index(site)
    glossary = index["docnames"].index(GLOSSARY)
    files = index["terms"].get("korus", [])
    files = files if isinstance(files, list) else [files]
    as_entry = any(file == glossary for entry, targets in index["indexentries"].items()
                   if "korus" in entry for file, _anchor, _main in targets)
    assert not (as_entry and glossary in files), \
        "the Glossary is listed twice for 'korus': as its term entry and as a page hit"


def test_a_term_is_not_glued_to_its_definition(site: Path) -> None:
    html = (site / f"{GLOSSARY}.html").read_text(encoding="utf-8")
    glued = re.findall(r"</dt><dd>", html)
    assert not glued, f"{len(glued)} glossary terms end right where their definition starts"
