"""The Korean edition writes each term in one form (docs/korean-edition.md,
"One term, one form"): a variant the house style has replaced is reported
at its file and line in the catalogs' translations and in the timeline's
Korean columns, with the form to use instead.

Only what a pattern can decide is here; 남한 (right in a historical contrast
with 북한) and 조선민주주의인민공화국 (right at a first mention) are left to the
translator's review.
"""

from __future__ import annotations

import ast
import csv
import re
import shutil
from pathlib import Path

from helpers import ROOT

CATALOGS = "locales/ko/LC_MESSAGES"
TIMELINE = "data/timeline.csv"
HANGUL = "[가-힣]"

BANNED = {
    r"원문 기사": "원 기사",
    r"한·미·일": "한미일",
    r"공동 ?팩트 ?시트|팩트 시트|공동설명자료|공동 사실 ?자료|공동 설명서": "공동 설명자료",
    r"제\d+차 (?:SMA|협정)|방위비 ?분담 특별 ?협정": "제N차 방위비분담특별협정",
    r"억지력": "억제력",
    r"연합훈련": "연합연습",
    r"핵심 광물": "핵심광물",
    r"시험 발사": "시험발사",
    r"현대차": "현대자동차",
    r"경트럭": "화물자동차",
    r"타이완": "대만",
    r"’ [장절] 참조\.": "’ 장을/절을 참조한다. (평서형 -다)",
    r"근대적 분단": "오늘날까지 이어지는 한반도 분단",
    r"[「」]": "‘…’ (cross-references and names) or 『…』 (titles of books and reports)",
    # Italics on Hangul: Korean type has no italic; emphasis is bold, a title 『…』.
    rf"(?<![*\w])\*(?=[^*\s])[^*\n]*{HANGUL}[^*\n]*(?<=\S)\*(?!\*)": "‘…’ or 『…』, not *italics*",
}


def _msgstr_segments(path: Path) -> list[list[tuple[int, str]]]:
    """Each translation as its (line number, text) pieces, obsolete entries left out."""
    entries: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("msgstr"):
            current = []
            entries.append(current)
            line = line[len("msgstr"):].strip()
        elif not line.startswith('"'):
            current = None
            continue
        if current is not None and line.startswith('"'):
            current.append((number, ast.literal_eval(line)))
    return entries


def term_problems(root: Path) -> list[str]:
    found = []

    def report(where: str, text: str, line_of) -> None:
        for pattern, instead in BANNED.items():
            for match in re.finditer(pattern, text):
                found.append(f"{where}:{line_of(match.start())}: {match.group(0)} ==> {instead}")

    for path in sorted((root / CATALOGS).rglob("*.po")):
        for segments in _msgstr_segments(path):
            text, starts = "", []
            for number, piece in segments:
                starts.append((len(text), number))
                text += piece

            def line_of(offset: int, starts=starts) -> int:
                return max((s for s in starts if s[0] <= offset), default=(0, 0))[1]

            report(str(path.relative_to(root)), text, line_of)
    with (root / TIMELINE).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            for column in ("label_ko", "event_ko"):
                report(TIMELINE, row[column], lambda _offset, n=reader.line_num: n)
    return found


def test_each_korean_term_has_one_form() -> None:
    found = term_problems(ROOT)
    assert not found, "Korean terms in a replaced form:\n" + "\n".join(found)


def test_a_planted_variant_is_caught_at_its_line(tmp_path: Path) -> None:
    shutil.copytree(ROOT / CATALOGS, tmp_path / CATALOGS)
    (tmp_path / "data").mkdir()
    chapter = tmp_path / CATALOGS / "chapters" / "04-future.po"
    text = chapter.read_text(encoding="utf-8")
    # In a wrapped msgstr, whose text starts below its `msgstr ""` line.
    old = "연합연습은 외교 상황에 따라"
    assert old in text
    chapter.write_text(text.replace(old, "연합훈련은 외교 상황에 따라", 1), encoding="utf-8")
    line = next(n for n, l in enumerate(chapter.read_text(encoding="utf-8").splitlines(), 1) if "연합훈련은" in l)
    colophon = tmp_path / CATALOGS / "backmatter" / "colophon.po"
    text = colophon.read_text(encoding="utf-8")
    colophon.write_text(text.replace("‘보고서 인용하기’", "*보고서 인용하기*", 1), encoding="utf-8")
    italic = next(n for n, l in enumerate(colophon.read_text(encoding="utf-8").splitlines(), 1)
                  if "*보고서 인용하기*" in l)
    rows = (ROOT / TIMELINE).read_text(encoding="utf-8").splitlines()
    planted = next(i for i, r in enumerate(rows) if "핵협의그룹을 신설했다" in r)
    rows[planted] = rows[planted].replace("핵협의그룹을 신설했다", "핵협의그룹을 신설하고 억지력을 강화했다")
    (tmp_path / TIMELINE).write_text("\n".join(rows) + "\n", encoding="utf-8")

    found = term_problems(tmp_path)
    assert f"{CATALOGS}/chapters/04-future.po:{line}: 연합훈련 ==> 연합연습" in found, found
    assert any(f.startswith(f"{CATALOGS}/backmatter/colophon.po:{italic}: *보고서 인용하기*") for f in found), found
    assert f"{TIMELINE}:{planted + 1}: 억지력 ==> 억제력" in found, found
    assert len(found) == 3, found
