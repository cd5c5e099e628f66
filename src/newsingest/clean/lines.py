"""Lines as the cleaner sees them: classes, per-line facts, and small text tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any, NamedTuple

from ..words import Marks
from .dates import DateHit
from .rules import Rule

SENTENCE_END = re.compile(r"[.!?।॥…:;。！？][\"'”’»)\]」』]*$")
# SENTENCE_END as two string tests on the line's end: a regex anchored at "$" still scans
# the whole line, and paragraphs are long.
SENTENCE_ENDERS = frozenset(".!?।॥…:;。！？")
SENTENCE_CLOSERS = "\"'”’»)]」』"
# How a list item opens ("- ", "• "): a feature of the line model, and never a headline.
BULLETS = ("- ", "– ", "— ", "• ", "* ", "· ", "► ", "▪ ", "■ ", "✓ ", "→ ")
# Punctuation that separates words, so "(the" and "है।" count as stopwords.
EDGES = Marks('"“”‘«»()[]{}.,;:!?।॥…–—*#|')
WORD_EDGES = EDGES.regex
_WIDE_SCRIPTS = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Not letters or digits, nor the vowel signs of Indic scripts (combining marks, which \w
# does not count: without them "समाचार" folds to "स म च र"); the danda is punctuation.
_KEY_JUNK = re.compile(r"(?:[^\w\u0300-\u036f\u0900-\u0963\u0966-\u0dff]|_)+")
# _KEY_JUNK for ASCII bytes: everything but letters and digits to a space.
_ASCII_JUNK = bytes(b if chr(b).isalnum() and b < 128 else 32 for b in range(256))
TRUNCATED = re.compile(r"(\.\.\.|…)\s*$")
_FIRST = itemgetter(0)

GOOD, NEAR, SHORT, DROP = "good", "near", "short", "drop"
# Lines memoized per process: short lines only (chrome repeats across a drop, paragraphs do
# not), at most this many in two generations (the older one is dropped when the newer one
# fills), so memory stays flat however large the drop.
MEMO_LINES = 50_000
MEMO_MAX_CHARS = 240


class Facts(NamedTuple):
    """What a non-blank line is on its own, whatever page it is on: computed once per
    distinct line and shared by every page that has it."""

    text: str  # the line, spaces collapsed and trimmed
    words: int
    stop: int  # stopwords among the words
    rule: Rule | None  # the rule that drops it wherever it stands (incl. date_line)
    date: DateHit | None
    sentence: bool  # ends like a sentence
    cls_stop: str  # its class on a page judged by stopwords
    cls_len: str  # its class on a page judged by length and punctuation
    long: bool  # enough words to tell the page's judging mode
    wordy: bool  # long, with enough stopwords to read as prose
    key: str  # folded for comparison: case, punctuation and spacing ignored
    truncated: bool  # ends in "..." (a cut-off copy of a headline)
    tail: str | None  # the last words of a truncated line, when long enough to match
    shaped: bool  # capitalized like an English headline, or in a caseless script
    weight: int  # characters counted toward a run of prose (capped)
    ends: bool  # its rule says article text rarely continues after it (comments, related)
    group: str  # its rule's group, or ""
    rule_id: str | None
    colon: bool  # ends in ":" (may introduce a list)
    sized: bool  # a headline's word count and no date: the title search looks at it
    titled: bool  # sized, with no closing full stop or "...": it may be the title
    vector: bytes = b""  # features.LINE_FEATURES of the line on its own, as float64s


def field(name: str) -> itemgetter[Any]:
    """A fast getter of one Facts field (itemgetter: a NamedTuple's attribute goes through a
    property), for map() over a page's facts."""
    return itemgetter(Facts._fields.index(name))


def sentence_end(text: str) -> bool:
    """SENTENCE_END.search(text), looking only at the end."""
    return text.rstrip(SENTENCE_CLOSERS)[-1:] in SENTENCE_ENDERS


def fold_key(text: str) -> str:
    """The line folded for comparison: case, punctuation and spacing ignored."""
    if text.isascii():  # one bytes table in C instead of a regex per character
        return b" ".join(text.encode("ascii").lower().translate(_ASCII_JUNK).split()).decode()
    return _KEY_JUNK.sub(" ", text.casefold()).strip()


def title_case(text: str) -> bool:
    """Most words capitalized, as English headlines are (of the words that begin with a
    letter)."""
    initials = "".join(filter(str.isalpha, map(_FIRST, text.split())))
    return bool(initials) and sum(map(str.isupper, initials)) >= 0.6 * len(initials)


def caseless(text: str) -> bool:
    """No upper/lower case letters (Devanagari, CJK): capitals cannot mark a headline."""
    return text.lower() == text.upper()


def units(text: str, words: int) -> int:
    """Word count, with CJK/Korean characters counted two to a word (no spaces there)."""
    if _WIDE_SCRIPTS.search(text) is None:
        return words  # the common case: no list of matches to build
    wide = len(_WIDE_SCRIPTS.findall(text))
    return max(words, wide // 2)


@dataclass
class Page:
    """One document's non-blank lines: shared facts plus what this page decides about them
    (class and rule), in parallel lists so whole-page passes stay cheap."""

    facts: list[Facts]
    nos: list[int]  # 1-based line numbers in the input
    paras: list[int]  # paragraph (block between blank lines) of each line
    cls: list[str]
    rule: list[str | None]
    ends: list[bool]
    # The title's text when it is only part of its line (a headline glued to its lead).
    title_text: str | None = None

    @cached_property
    def keys(self) -> list[str]:
        """Each line's folded key (the title search and its copies need them all)."""
        return list(map(field("key"), self.facts))
