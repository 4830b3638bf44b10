"""Let the Korean edition's search find Korean words.

Sphinx has no search language for Korean: with ``language = "ko"`` it falls
back to English, which indexes each space-separated word whole. Korean glues
particles and endings to its words (주한미군은, 주한미군의, 주한미군이), so a
reader typing 주한미군 or 방위비 would find only the pages where the word
stands bare. This search language, registered for ``ko``:

- indexes each run of Hangul together with its leading parts of two or more
  syllables (주한미군은 → 주한, 주한미, 주한미군, 주한미군은), so a noun is found
  whatever follows it, and runs of Latin letters apart from the Hangul glued to
  them (FTA를 → fta), English-stemmed as in the English edition;
- in the browser, strips one trailing particle from a query word (주한미군은 →
  주한미군, FTA를 → fta) before looking it up; a stem cut too short is
  still a leading part of the indexed word, so it is found all the same;
- leaves single-syllable particles out of the index and the query (stop
  words), as English leaves out "the".

Sphinx's Korean messages for the browser translate "Search finished, found
%s pages …" as an empty string, so a Korean search would end in silence:
locales/ko/LC_MESSAGES/sphinx.js, which Sphinx's HTML builder takes before its
own from ``locale_dirs``, is Sphinx's Korean catalog with that sentence filled
(tests/test_interface_language.py compares the two).

It also ranks, in every edition, the sections that treat a glossary term
above the glossary's entry, and lists the Glossary once
(rank_sections_before_glossary).

tests/test_korean_edition.py types Korean words into the built site's search
page in Chromium and checks the hits.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import snowballstemmer
from sphinx import package_dir
from sphinx.search import SearchLanguage
from sphinx.search._stopwords.en import ENGLISH_STOPWORDS

#: Sphinx's own stemmers for the browser (the English one, for Latin words).
STEMMERS_JS = package_dir / "search" / "minified-js"
HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
SCRIPT_RUN = re.compile(f"[{HANGUL}]+|[^\\W{HANGUL}]+")
HANGUL_RUN = re.compile(f"[{HANGUL}]+")
#: Particles that stand as a syllable of their own once split off Latin text
#: (FTA를) and mean nothing searched for alone.
PARTICLES = frozenset("은 는 이 가 을 를 의 에 와 과 도 로 및 등".split())
#: Particles and endings a query word may carry, longest first.
QUERY_ENDINGS = ("에서는 에게서 으로서 으로써 으로는 에서도 에서의 에게는 까지는 부터는 이라는 "
                 "이라고 에서 에게 으로 까지 부터 처럼 보다 라는 라고 과의 와의 에는 에도 로서 "
                 "로써 로는 만큼 이나 이며 이고 이다 은 는 이 가 을 를 의 에 로 와 과 도 만").split()

JS_STEMMER = """
%(base)s
%(english)s
var Stemmer = function () {
  const english = new EnglishStemmer();
  const hangul = /[%(hangul)s]/;
  const latinThenHangul = /^([^%(hangul)s]+)([%(hangul)s]+)$/;
  const ending = /(%(endings)s)$/;
  this.stemWord = function (word) {
    if (!hangul.test(word)) return english.stemWord(word);
    const mixed = word.match(latinThenHangul);
    if (mixed && mixed[2].replace(ending, "") === "") return english.stemWord(mixed[1]);
    const stem = word.replace(ending, "");
    return stem.length >= 2 ? stem : word;
  };
};
"""


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    # English words in Korean pages (sources, names) are stemmed as in English.
    stopwords = ENGLISH_STOPWORDS | PARTICLES
    js_stemmer_code = JS_STEMMER % {
        "base": (STEMMERS_JS / "base-stemmer.js").read_text(encoding="utf-8"),
        "english": (STEMMERS_JS / "english-stemmer.js").read_text(encoding="utf-8"),
        "hangul": HANGUL,
        "endings": "|".join(QUERY_ENDINGS),
    }

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self.english = snowballstemmer.stemmer("english")

    def split(self, input: str) -> list[str]:
        words = []
        for token in self._word_re.findall(input):
            for run in SCRIPT_RUN.findall(token):
                words.append(run)
                if HANGUL_RUN.fullmatch(run):
                    words.extend(run[:length] for length in range(2, len(run)))
        return words

    def stem(self, word: str) -> str:
        if HANGUL_RUN.search(word):
            return word
        return self.english.stemWord(word.lower())


# -- Ranking: where a subject is treated before where it is defined ------------------

def rank_sections_before_glossary(index: dict, glossary_doc: str, stem=str.lower) -> dict:
    """Reorder what the search finds for a glossary term (every edition).

    Sphinx lists a term's glossary entry among the main hits and the index
    entries of the sections that treat a subject ({index} in a chapter)
    after every other hit, so "KORUS" put the Glossary first and Economic
    Cooperation last; and it lists the Glossary twice, as that entry and as
    a page whose text holds the word. Here the sections' index entries are
    main hits (ranked by how much of the entry the query matches) and the
    glossary's entries come after them, and the Glossary is no longer a page
    hit for a word of a term it defines: the term's own entry leads there, to
    the definition itself.
    """
    docnames = index["docnames"]
    if glossary_doc not in docnames:
        return index
    glossary = docnames.index(glossary_doc)
    term_words = set()
    for entry, targets in index.get("indexentries", {}).items():
        if any(file == glossary for file, _anchor, _main in targets):
            term_words.update(stem(word) for word in re.findall(r"\w+", entry))
        index["indexentries"][entry] = [
            [file, anchor, file != glossary] for file, anchor, _main in targets]
    for key in ("terms", "titleterms"):
        for word, files in index.get(key, {}).items():
            if word not in term_words:
                continue
            if files == glossary:
                index[key][word] = []
            elif isinstance(files, list) and glossary in files:
                index[key][word] = [f for f in files if f != glossary]
    return index


def rerank_search_index(app, exception) -> None:
    """build-finished: rewrite searchindex.js (rank_sections_before_glossary)."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    path = Path(app.outdir) / "searchindex.js"
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    prefix, suffix = "Search.setIndex(", ")"
    index = json.loads(text[text.index(prefix) + len(prefix):text.rindex(suffix)])
    indexer = getattr(app.builder, "indexer", None)
    stem = indexer.lang.stem if indexer is not None else str.lower
    index = rank_sections_before_glossary(index, app.config.report_glossary_doc, stem)
    # As Sphinx writes it (sphinx.search's js_index).
    path.write_text(prefix + json.dumps(index, separators=(",", ":"), sort_keys=True) + suffix,
                    encoding="utf-8")


def setup(app):
    app.add_search_language(SearchKorean)
    app.add_config_value("report_glossary_doc", "backmatter/glossary", "html", types=frozenset({str}))
    app.connect("build-finished", rerank_search_index)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
