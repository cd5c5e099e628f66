"""Latin-script text read word by word: English, romanized Hindi, other languages, names.

Each word is English, romanized Hindi, both (an English word that is also a Hindi spelling:
"to", "main", "sun"), a function word of another Latin-script language, a name (capitalized,
in no list), or other. The lists and weights are data (data/langid.toml, see LangData).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .langid import LangData

# Words as the tagger counts them (Devanagari matras kept inside a word).
WORD = re.compile(r"[^\W\d_][\w\u0900-\u097f'’]*")


# Spelling variants of romanized Hindi, folded to one key, in this order ("ch+" takes "chh").
_FOLD_STEPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a), b)
    for a, b in (
        ("['’]", ""),
        ("ee", "i"),
        ("oo", "u"),
        ("w", "v"),
        ("z", "j"),
        ("q", "k"),
        ("sh", "s"),
        ("ch+", "c"),
        (r"(.)\1+", r"\1"),
        ("(?<=[aeiou])h$", ""),
    )
)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """One key for the spellings of a romanized Hindi word: lower case, diacritics dropped
    (ISO 15919 / IAST "nām" → "nam"), the common spelling variants merged ("naam" → "nam")."""
    w = unicodedata.normalize("NFD", word.lower())
    w = "".join(c for c in w if not unicodedata.combining(c))
    for rx, to in _FOLD_STEPS:
        w = rx.sub(to, w)
    return w


@dataclass(frozen=True)
class LatinEvidence:
    """Per-word evidence of a Latin text: English, romanized Hindi, names, the rest."""

    english: float
    hindi: float
    other: float  # function words of other Latin-script languages
    hindi_words: int  # words that only romanized Hindi has
    english_words: int  # words in the English lists only
    names: int
    words: int  # words that are not names
    foreign: bool  # letters of another Latin alphabet (é, ç, ł, å, ...)

    def english_only(self) -> bool:
        """English words, and no evidence for any other language."""
        return bool(self.english_words) and not (self.hindi or self.other or self.foreign)


def latin_evidence(text: str, data: LangData) -> LatinEvidence:
    tokens = WORD.findall(text)
    if not tokens:
        return LatinEvidence(0.0, 0.0, 0.0, 0, 0, 0, 0, False)
    capitals = sum(1 for t in tokens if t[0].isupper())
    # In a text mostly in lower case a capitalized word inside a sentence may be a name;
    # in Title Case (song titles, headlines) capitals say nothing.
    names_possible = capitals < data.title_case_share * len(tokens)
    foreign = any(c in data.foreign_marks for c in text.lower())
    en = hi = other = 0.0
    hi_words = en_words = names = words = 0
    starts = _sentence_starts(text, tokens)
    for k, tok in enumerate(tokens):
        low = tok.lower()
        in_en = low in data.english_all
        capital = tok[0].isupper()
        in_hi = _in_roman_hindi(low, capital or in_en, data)
        if low in data.other_latin:
            share = data.both_weight if in_hi else 1.0
            other += share
            hi += 1.0 - share
        elif in_en and in_hi:
            en += data.both_weight
            hi += data.both_weight
        elif in_en:
            named = names_possible and capital and k not in starts
            en += data.name_weight if named else 1.0
            en_words += 1
        elif in_hi:
            hi_words += 1
            named = names_possible and capital and k not in starts
            hi += data.name_weight if named else 1.0
        elif not foreign and any(c in data.indic_marks for c in low):
            hi_words += 1
            hi += data.diacritic_weight
        elif not foreign and any(c in data.macron_marks for c in low):
            hi_words += 1
            hi += data.macron_weight
        elif (
            not capital
            and len(low) >= data.suffix_min_length
            and low.endswith(data.roman_hindi_suffixes)
        ):
            hi_words += 1
            hi += data.suffix_weight
        elif capital:  # a capitalized word in neither list: a name, or a noun of no evidence
            names += 1
            continue
        words += 1
    return LatinEvidence(en, hi, other, hi_words, en_words, names, words, foreign)


_INFLECTIONS = {"a": ("i", "e"), "i": ("a", "e"), "e": ("a", "i")}


def _in_roman_hindi(low: str, exact_only: bool, data: LangData) -> bool:
    """In the romanized Hindi list: plain ASCII as written, diacritics folded; a lower-case
    word also with its gender/number ending swapped (Hindi verbs and adjectives inflect
    -a/-i/-e: "beete" for "beeta")."""
    if not low.isascii():
        key = fold(low)
        return len(key) > 1 and key in data.roman_hindi_folded
    if low in data.roman_hindi:
        return True
    if exact_only or len(low) < data.inflect_min_length or low[-1] not in _INFLECTIONS:
        return False
    stem = low[:-1]
    return any(stem + end in data.roman_hindi for end in _INFLECTIONS[low[-1]])


def _sentence_starts(text: str, tokens: list[str]) -> set[int]:
    """Indexes of the tokens that open a sentence or a line (their capital is no name's)."""
    starts = {0}
    pos = 0
    for k, tok in enumerate(tokens):
        at = text.find(tok, pos)
        if k and at > 0:
            gap = text[pos:at]
            if any(c in ".!?\n:;\"“‘'(—–-" for c in gap):
                starts.add(k)
        pos = at + len(tok)
    return starts


def roman_language(ev: LatinEvidence, data: LangData) -> tuple[str, float] | None:
    """English or romanized Hindi from word evidence alone; None when it does not decide."""
    if ev.words == 0:
        return (data.names_only_language, data.names_only_confidence) if ev.names else None
    hi_share = ev.hindi / ev.words
    if (
        ev.hindi_words >= data.roman_hi_min_words
        and hi_share >= data.roman_hi_ratio
        and ev.hindi > data.roman_hi_over_en * (ev.english + ev.other)
    ):
        return "hi", min(1.0, 0.5 + hi_share / 2)
    en_share = ev.english / ev.words
    if (
        ev.english >= data.en_short_min_words
        and en_share >= data.en_short_ratio
        and ev.english >= ev.hindi
        and ev.english > ev.other
    ) or (ev.names and ev.english_words == ev.words):
        # enough English words, or names and nothing but English words between them
        return "en", min(1.0, 0.5 + en_share / 2)
    return None
