"""The same chapters, laid out for each tool the benchmark compares.

Every tool gets copies of the project's own source files, in the order of the
toctree in index.md (the one source of chapter order):

- ours: a copy of the project, built with the project's Makefile;
- Jupyter Book 1: the same files plus a _toc.yml generated from the toctree and
  a _config.yml carrying conf.py's MyST and bibliography settings;
- Pandoc: the same files concatenated in toctree order into one Markdown file.
  MyST roles and directives Pandoc does not know ({ref}, {cite:p}, glossary …)
  stay in the text as literal text: the timing is of the same amount of prose.

Synthetic books of N chapters repeat the real chapters, each copy with its
labels renamed so that every label stays unique.
"""

from __future__ import annotations

import contextlib
import json
import re
import runpy
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

# What a copy of the project leaves out: outputs, caches, virtualenvs, and the
# benchmark itself (its peers' virtualenv and its results).
COPY_IGNORE = shutil.ignore_patterns(
    "_build", "dist", ".venv", ".git", ".pytest_cache", "__pycache__", "bench", "node_modules"
)

# A toctree written as a backtick or colon fence: ```{toctree} … ```
TOCTREE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{toctree\}[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*\n?",
    re.M | re.S,
)


@dataclass
class Part:
    caption: str
    docs: list[str]


def read_toctree(index: Path) -> tuple[list[Part], str]:
    """The root document's toctrees (caption and documents) and its text without them."""
    text = index.read_text(encoding="utf-8")
    parts = []
    for match in TOCTREE.finditer(text):
        caption, docs = "", []
        for line in match["body"].splitlines():
            line = line.strip()
            if line.startswith(":caption:"):
                caption = line.removeprefix(":caption:").strip()
            elif line and not line.startswith(":"):
                # "Title <doc>" entries name their document between the brackets.
                entry = re.fullmatch(r".*<(.+)>", line)
                docs.append(entry.group(1) if entry else line)
        parts.append(Part(caption, docs))
    return parts, TOCTREE.sub("", text)


def copy_project(root: Path, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(root, dest, ignore=COPY_IGNORE)
    return dest


def chapter_part(parts: list[Part]) -> Part:
    """The part that holds the chapters (the toctree listing chapters/…)."""
    for part in parts:
        if any(doc.startswith("chapters/") for doc in part.docs):
            return part
    return max(parts, key=lambda p: len(p.docs))


# -- Synthetic books ----------------------------------------------------------------

LABEL_DEF = re.compile(r"^\((?P<label>[^)\s]+)\)=[ \t]*$", re.M)
NAME_OPT = re.compile(r"^(?P<pre>\s*:name:\s*)(?P<label>\S+)[ \t]*$", re.M)


def rename_labels(text: str, suffix: str) -> str:
    """Give every label defined in TEXT (and the references to it) a suffix."""
    labels = {m["label"] for m in LABEL_DEF.finditer(text)} | {
        m["label"] for m in NAME_OPT.finditer(text)
    }
    for label in sorted(labels, key=len, reverse=True):
        new = f"{label}-{suffix}"
        q = re.escape(label)
        text = re.sub(rf"^\({q}\)=", f"({new})=", text, flags=re.M)
        text = re.sub(rf"^(\s*:name:\s*){q}[ \t]*$", rf"\g<1>{new}", text, flags=re.M)
        # {ref}`label`, {ref}`text <label>`, {numref}`…`
        text = re.sub(rf"(\{{(?:ref|numref)\}}`(?:[^`<]*<)?){q}(>?`)", rf"\g<1>{new}\g<2>", text)
        # [text](#label) and MyST's [text](label)
        text = re.sub(rf"\]\(#?{q}\)", f"]({new})", text)
    return text


def make_synthetic(root: Path, dest: Path, chapters: int) -> Path:
    """A copy of the project whose chapter part holds CHAPTERS chapters.

    The real chapters come first, unchanged (so the required-sections check
    still finds them); then copies of them in turn, labels renamed.
    """
    copy_project(root, dest)
    parts, _ = read_toctree(dest / "index.md")
    part = chapter_part(parts)
    real = list(part.docs)
    docs = list(real)
    i = 0
    while len(docs) < chapters:
        source = real[i % len(real)]
        copy = f"chapters/x{len(docs):03d}-{Path(source).name}"
        text = (dest / f"{source}.md").read_text(encoding="utf-8")
        (dest / f"{copy}.md").write_text(rename_labels(text, f"x{len(docs):03d}"), encoding="utf-8")
        docs.append(copy)
        i += 1
    docs = docs[:chapters]

    index = dest / "index.md"
    text = index.read_text(encoding="utf-8")

    def replace(match: re.Match) -> str:
        body = match["body"]
        if not any(line.strip() in real for line in body.splitlines()):
            return match.group(0)
        options = [line for line in body.splitlines() if line.strip().startswith(":")]
        lines = "\n".join([*options, "", *docs])
        return f"{match['fence']}{{toctree}}\n{lines}\n{match['fence']}\n"

    index.write_text(TOCTREE.sub(replace, text), encoding="utf-8")
    return dest


# -- Jupyter Book -----------------------------------------------------------------


@contextlib.contextmanager
def extension_package(project: Path):
    """PROJECT's extension package importable as "report", a name this
    benchmark's own bench/report.py holds in sys.modules the rest of the time."""
    def ours() -> list[str]:
        return [name for name in sys.modules if name == "report" or name.startswith("report.")]

    saved = {name: sys.modules.pop(name) for name in ours()}
    sys.path.insert(0, str(project / "_ext"))
    try:
        yield
    finally:
        sys.path.remove(str(project / "_ext"))
        for name in ours():
            del sys.modules[name]
        sys.modules.update(saved)


def sphinx_settings(project: Path) -> dict:
    """The values conf.py computes (it only reads report.toml, so running it is safe)."""
    with extension_package(project):
        return runpy.run_path(str(project / "conf.py"))


def make_jupyter_book(project: Path) -> Path:
    """Turn a copy of the project into a Jupyter Book 1 project (in place).

    The toctree moves from index.md into _toc.yml; _config.yml gets conf.py's
    MyST extensions, substitutions and bibliography settings. Written as JSON,
    which is YAML too.
    """
    parts, index_text = read_toctree(project / "index.md")
    (project / "index.md").write_text(index_text, encoding="utf-8")
    conf = sphinx_settings(project)
    toc = {
        "format": "jb-book",
        "root": "index",
        "parts": [
            {"caption": p.caption or "Contents", "chapters": [{"file": d} for d in p.docs]}
            for p in parts
        ],
    }
    config = {
        "title": conf["project"],
        "author": conf["author"],
        "copyright": conf["copyright"],
        "only_build_toc_files": True,
        "exclude_patterns": ["_build"],
        "execute": {"execute_notebooks": "off"},
        "parse": {
            "myst_enable_extensions": conf["myst_enable_extensions"],
            "myst_substitutions": conf["myst_substitutions"],
        },
        "bibtex_bibfiles": conf["bibtex_bibfiles"],
        "latex": {"latex_engine": "xelatex"},
        "sphinx": {
            "config": {
                "language": conf["language"],
                # sphinxcontrib-bibtex's own author-year styles: the report's
                # ("report", report.citestyle) are plugins of its extension.
                "bibtex_default_style": "plain",
                "bibtex_reference_style": "author_year",
            }
        },
    }
    (project / "_toc.yml").write_text(json.dumps(toc, indent=1, ensure_ascii=False), encoding="utf-8")
    (project / "_config.yml").write_text(json.dumps(config, indent=1, ensure_ascii=False), encoding="utf-8")
    # Our Sphinx configuration would otherwise be picked up beside _config.yml.
    (project / "conf.py").unlink()
    return project


VANILLA_CONF = """\
# Vanilla Sphinx for the benchmark: MyST-Parser and sphinx-book-theme, nothing else.
project = {project!r}
extensions = ["myst_parser"]
html_theme = "sphinx_book_theme"
myst_enable_extensions = {extensions!r}
myst_substitutions = {substitutions!r}
exclude_patterns = {exclude!r}
suppress_warnings = ["myst", "ref"]
"""


def make_vanilla(project: Path) -> Path:
    """Give a copy of the project a conf.py of vanilla Sphinx (in place): the
    same chapters, MyST's settings from conf.py, none of our extensions. Roles
    it does not know ({cite}, {term}) stay as text; the build is not strict."""
    conf = sphinx_settings(project)
    (project / "conf.py").write_text(VANILLA_CONF.format(
        project=conf["project"], extensions=conf["myst_enable_extensions"],
        substitutions=conf["myst_substitutions"], exclude=conf["exclude_patterns"]), encoding="utf-8")
    return project


# -- Pandoc ---------------------------------------------------------------------------

# Pandoc's xelatex gets the same fonts as ours, and Hangul through kotex (the
# usual way to give a Pandoc PDF Korean; xeCJK needs texlive-lang-chinese).
PANDOC_HEADER = r"""\usepackage{kotex}
\setmainhangulfont{Noto Serif CJK KR}
\setsanshangulfont{Noto Sans CJK KR}
\setmonohangulfont{Noto Sans Mono CJK KR}
"""


def make_pandoc(project: Path) -> Path:
    """Concatenate the root document and its toctree's documents into book.md."""
    parts, index_text = read_toctree(project / "index.md")
    texts = [index_text]
    for part in parts:
        for doc in part.docs:
            texts.append((project / f"{doc}.md").read_text(encoding="utf-8"))
    (project / "book.md").write_text("\n\n".join(texts), encoding="utf-8")
    (project / "korean.tex").write_text(PANDOC_HEADER, encoding="utf-8")
    return project


def pandoc_command(project: Path, fmt: str) -> list[str]:
    with extension_package(project):
        from report.identity import load  # the one reader of report.toml

        report = load(project / "report.toml")
    parts, _ = read_toctree(project / "index.md")
    folders = sorted({str(Path(d).parent) for p in parts for d in p.docs} | {"."})
    common = [
        "pandoc", "book.md", "--from=commonmark_x-tex_math_dollars-raw_tex", "--toc", "--standalone",
        f"--metadata=title:{report['title']}", f"--metadata=lang:{report['language']}",
        f"--resource-path={':'.join(folders)}",
    ]
    if fmt == "epub":
        return [*common, "--to=epub3", "--output=book.epub"]
    return [
        *common, "--pdf-engine=xelatex", "--top-level-division=chapter",
        "--variable=documentclass:report", "--variable=papersize:a4",
        "--variable=fontsize:11pt", "--variable=mainfont:TeX Gyre Pagella",
        "--variable=sansfont:TeX Gyre Heros", "--variable=monofont:DejaVu Sans Mono",
        "--include-in-header=korean.tex", "--output=book.pdf",
    ]
