"""How an index files its entries: by how they are read, under which head.

Both the PDF's index (report.latex gives LaTeX these sort keys; komkindex
heads Korean groups) and the website's and EPUB's (report.genindex) file an
entry by its key here, so the three formats file every entry in one place:

- numbers as they are read: "38th parallel" as "thirty-eighth parallel", under
  T, not in a "Symbols" group before A; "2018 amendments" as "twenty eighteen
  amendments"; in an entry with Hangul, as a Korean reads them ("6자회담" as
  "육자회담", under ㅇ);
- a Korean entry under the consonant it starts with, written as a letter
  (ㄱ, U+3131), not as the conjoining jamo Unicode decomposes it into (ᄀ,
  U+1100, which fonts draw as the left half of a syllable); the doubled
  consonants under the single one (까 under ㄱ), as komkindex heads them.
"""

from __future__ import annotations

import re
import unicodedata

from report.hangul import HANGUL_RUN

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
            "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
NUMBER = re.compile(r"\b\d+(st|nd|rd|th)?\b")


def cardinal(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("-" + ONES[n % 10] if n % 10 else "")
    if n < 1000:
        return ONES[n // 100] + " hundred" + (" " + cardinal(n % 100) if n % 100 else "")
    if 1100 <= n < 2000 or 2010 <= n < 2100:
        # A year is read in two pairs: 1953 "nineteen fifty-three".
        high, low = divmod(n, 100)
        return cardinal(high) + " " + ("hundred" if low == 0 else
                                       cardinal(low) if low >= 10 else "oh " + cardinal(low))
    if n < 1_000_000:
        return cardinal(n // 1000) + " thousand" + (" " + cardinal(n % 1000) if n % 1000 else "")
    return str(n)


def spelled(number: str) -> str:
    """'38th' -> 'thirty-eighth', '2018' -> 'twenty eighteen'."""
    digits = number.rstrip("stndrh")
    words = cardinal(int(digits))
    if digits == number:
        return words
    # The last word becomes the ordinal: "thirty-eight" -> "thirty-eighth".
    head, sep, last = words.rpartition("-" if "-" in words.rsplit(" ", 1)[-1] else " ")
    last = ORDINALS.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return head + sep + last


SINO_DIGITS = "영일이삼사오육칠팔구"
SINO_UNITS = ((1000, "천"), (100, "백"), (10, "십"))


def sino_korean(n: int) -> str:
    """How a Korean reads the number in a word such as 6자회담: 육 (2018: 이천십팔)."""
    if n >= 10000 or n == 0:
        return SINO_DIGITS[0] if n == 0 else str(n)
    words = ""
    for value, unit in SINO_UNITS:
        count, n = divmod(n, value)
        if count:
            words += (SINO_DIGITS[count] if count > 1 else "") + unit
    return words + (SINO_DIGITS[n] if n else "")


def sort_key(key: str) -> str:
    if HANGUL_RUN.search(key):
        return re.sub(r"\d+", lambda match: sino_korean(int(match[0])), key)
    return NUMBER.sub(lambda match: spelled(match[0]), key)


# The 19 initial consonants in Unicode's order (U+1100 …), each as the letter
# that heads its group: the doubled ones join the single one.
INITIALS = "ㄱㄱㄴㄷㄷㄹㅁㅂㅂㅅㅅㅇㅈㅈㅊㅋㅌㅍㅎ"
FIRST_SYLLABLE, LAST_SYLLABLE = 0xAC00, 0xD7A3


def head(key: str) -> str | None:
    """The group KEY (a sort key) is filed under: a capital letter, a Hangul
    consonant, or None for a symbol."""
    first = key[:1]
    if FIRST_SYLLABLE <= ord(first or "\0") <= LAST_SYLLABLE:
        return INITIALS[(ord(first) - FIRST_SYLLABLE) // (21 * 28)]
    letter = unicodedata.normalize("NFD", first)[:1].upper()
    return letter if letter.isalpha() else None


def order(key: str) -> str:
    """KEY as entries of one group are compared: case and accents aside."""
    return unicodedata.normalize("NFD", key.lower())
