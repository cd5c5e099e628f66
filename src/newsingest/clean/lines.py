"""Lines as the cleaner sees them: classes, per-line facts, and small text tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from .dates import DateHit
from .rules import Rule

SENTENCE_END = re.compile(r"[.!?।॥…:;。！？][\"'”’»)\]」』]*$")
# Punctuation that separates words, so "(the" and "है।" count as stopwords.
WORD_EDGES = re.compile(r'["“”‘«»()\[\]{}.,;:!?।॥…–—*#|]')
_WIDE_SCRIPTS = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_KEY_JUNK = re.compile(r"[\W_]+")
TRUNCATED = re.compile(r"(\.\.\.|…)\s*$")

GOOD, NEAR, SHORT, DROP = "good", "near", "short", "drop"
# Lines memoized per process: short lines only (chrome repeats across a drop, paragraphs do
# not), at most this many, so memory stays flat however large the drop.
MEMO_LINES = 50_000
MEMO_MAX_CHARS = 240


class Facts(NamedTuple):
    """What a line is on its own, whatever page it is on."""

    rule: Rule | None
    date: DateHit | None
    sentence: bool
    headline: bool


@dataclass
class Line:
    """A non-blank input line and everything the engine learns about it."""

    no: int
    text: str
    para: int
    words: int
    stop: int
    cls: str = SHORT
    rule: str | None = None
    ends_article: bool = False
    group: str = ""
    date: DateHit | None = None

    @cached_property
    def key(self) -> str:
        """The line folded for comparison: case, punctuation and spacing ignored."""
        return fold_key(self.text)


def fold_key(text: str) -> str:
    return _KEY_JUNK.sub(" ", text.casefold()).strip()


def title_case(text: str) -> bool:
    """Most words capitalized, as English headlines are."""
    words = [w for w in text.split() if w[:1].isalpha()]
    return bool(words) and sum(1 for w in words if w[0].isupper()) >= 0.6 * len(words)


def caseless(text: str) -> bool:
    """No upper/lower case letters (Devanagari, CJK): capitals cannot mark a headline."""
    return text.lower() == text.upper()


def units(text: str, words: int) -> int:
    """Word count, with CJK/Korean characters counted two to a word (no spaces there)."""
    wide = len(_WIDE_SCRIPTS.findall(text))
    return max(words, wide // 2)
