"""Pinyin sort keys and initials of names, so lists read in the order a Chinese roster uses
and a clerk finds 王建国 by typing `wjg` or `wangjianguo` (issue 15).

The key spells each syllable with its tone number (王建国 → `wang2jian4guo2`): the digit ends
every syllable, so 万国 (`wan4…`) sorts before 王安 (`wang2…`) and 李娜 before 林 — syllable by
syllable, then by tone, as a dictionary does — in any database collation (digits sort before
letters and are never ignored). Search strips the digits again (`pinyin_pattern`).

pypinyin reads a name as ordinary words (单 dān, 曾 céng, 解 jiě); a person's surname — the
first character, or the first two for a compound surname (欧阳, 尉迟) — is read from
`surnames.tsv`, a table kept as data with its sources.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_tone3

SURNAMES_FILE = Path(__file__).with_name("surnames.tsv")
_NOT_KEY = re.compile(r"[^a-z0-9]")
# what a pinyin search term looks like: letters only (spaces between syllables allowed)
PINYIN_TERM = re.compile(r"[a-z]+")


@cache
def surname_readings() -> dict[str, list[str]]:
    """Surname → its syllables in tone-number form ('单' → ['shan4'], '尉迟' → ['yu4', 'chi2'])."""
    readings = {}
    for line in SURNAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        surname, reading = line.split("\t")[:2]
        readings[surname.strip()] = [to_tone3(s, neutral_tone_with_five=True) for s in reading.split()]
    return readings


def _read(text: str) -> list[str]:
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    # a chunk pypinyin cannot read (digits, Latin letters, brackets) keeps its letters and digits
    return [key for key in (_NOT_KEY.sub("", chunk.lower()) for chunk in syllables) if key]


@lru_cache(maxsize=20_000)
def syllables(text: str, *, person: bool = False) -> tuple[str, ...]:
    """The syllables of `text` ('wang2', 'jian4', 'guo2'); `person` reads the surname as a surname."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not person or not text:
        return tuple(_read(text))
    readings = surname_readings()
    surname = text[:2] if text[:2] in readings else text[:1]
    head = readings.get(surname) or _read(surname)
    return (*head, *_read(text[len(surname) :]))


def sort_key(text: str, *, person: bool = False) -> str:
    """'王建国' → 'wang2jian4guo2'."""
    return "".join(syllables(text, person=person))


def initials(text: str, *, person: bool = False) -> str:
    """'王建国' → 'wjg'."""
    return "".join(s[0] for s in syllables(text, person=person))


def pinyin_term(term: str) -> str | None:
    """A search term typed as pinyin ('wjg', 'Wang Jianguo') in canonical form, else None."""
    term = re.sub(r"\s+", "", unicodedata.normalize("NFKC", term or "")).lower()
    return term if PINYIN_TERM.fullmatch(term) else None


def pinyin_pattern(term: str) -> str:
    """A regex finding `term` (letters) inside a sort key, whatever tone digits sit between them."""
    return "[1-5]?".join(re.escape(ch) for ch in term)
