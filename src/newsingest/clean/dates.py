"""Dates in page lines: English and Hindi month names, numeric forms, Devanagari digits."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .rules import RuleSet, needle_trie

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|बजे)?(?:\s*\(?(?:ist|gmt|utc|"
    r"bst|cet|cest|edt|est|cdt|cst|pdt|pst|et|pt|[+-]\d{2}:?\d{2})\)?)?",
    re.IGNORECASE,
)
_FILLER = re.compile(r"[|•·,:;/()\[\]–—-]+|\b(?:on|at|date|time|am|pm|ist|gmt|utc|et)\b", re.I)
MIN_YEAR, MAX_YEAR = 1990, 2100
_DIGIT = re.compile(r"\d{4}")  # every supported form has a four-digit year
_CLOCK = re.compile(r"\d[:.]\d\d")
_SEPARATED = re.compile(r"\d[-/.]\d")


@dataclass(frozen=True)
class DateHit:
    """A calendar date found in a line."""

    date: dt.date
    start: int
    end: int
    ambiguous: bool  # numeric D/M vs M/D that cannot be told apart


class DateFinder:
    """Compiled date patterns built from the rule files' month and weekday words."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.months = ruleset.months
        names = "|".join(re.escape(m) for m in sorted(self.months, key=len, reverse=True))
        days = "|".join(re.escape(d) for d in sorted(ruleset.weekdays, key=len, reverse=True))
        weekday = rf"(?:(?:{days})\.?,?\s+)?"
        # A rendered page can glue the time to the year ("Nov 19 20197:05 AM"): a year ends at
        # a word boundary or where a time of day begins.
        year_end = r"(?:\b|(?=\d{1,2}:\d\d))"
        self.month_first = re.compile(
            rf"{weekday}(?P<mon>{names})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
            rf"(?P<year>\d{{4}}){year_end}",
            re.IGNORECASE,
        )
        self.day_first = re.compile(
            rf"{weekday}\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{names})\.?,?\s+"
            rf"(?P<year>\d{{4}}){year_end}",
            re.IGNORECASE,
        )
        # ISO 8601 may go on with a time ("2024-07-16T10:30:00+05:30"): no \b after the day.
        self.iso = re.compile(r"\b(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)")
        self.numeric = re.compile(r"\b(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<year>\d{4})\b")
        # "Nov 19, 9:41 AM": a date without a year, with a time. Only ever a date line to
        # drop; without a year it is never taken as the publication date.
        self.yearless = re.compile(
            rf"{weekday}(?:(?P<mon>{names})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}\s+(?:{names})\.?)"
            r",?\s+(?:at\s+)?\d{1,2}[:.]\d{2}",
            re.IGNORECASE,
        )
        self.month_names = re.compile(needle_trie(self.months))
        # The same patterns for lowercased lines (every name in them is lowercase).
        self.month_first_low = re.compile(self.month_first.pattern)
        self.day_first_low = re.compile(self.day_first.pattern)
        self.yearless_low = re.compile(self.yearless.pattern)
        self.weekday_words = ruleset.weekdays
        cues = sorted((*ruleset.publish_cues, *ruleset.update_cues), key=len, reverse=True)
        self.cue_words = re.compile("|".join(re.escape(c) for c in cues), re.IGNORECASE)
        self.publish_cue = re.compile(
            "|".join(re.escape(c) for c in ruleset.publish_cues), re.IGNORECASE
        )
        self.update_cue = re.compile(
            "|".join(re.escape(c) for c in ruleset.update_cues), re.IGNORECASE
        )

    def read(self, line: str, max_extra: int) -> tuple[DateHit | None, bool]:
        """The first valid date in a line, and whether the line is a date line: a date, or
        year-less dates with a time, plus at most max_extra other words (cues, weekdays)."""
        # \d reads every script's digits, so these tests need no translation first.
        year, clock = _DIGIT.search(line), _CLOCK.search(line)
        if year is None and clock is None:
            return None, False
        text = line if line.isascii() else line.translate(_DEVANAGARI_DIGITS)
        low = text.lower()
        # Every form but the numeric ones names a month: one cheap search rules them out.
        named = self.month_names.search(low) is not None
        # Without IGNORECASE on the lowercased line the name alternations fail far faster;
        # when lowercasing lengthens the line ('İ') they run on the line as it is.
        same = len(low) == len(text)
        hit = self._find(text, low, named, same) if year is not None else None
        if hit is not None:
            return hit, self._rest(text[: hit.start] + " " + text[hit.end :]) <= max_extra
        if clock is None or not named:
            return None, False  # a year-less date line has a time of day and a month name
        rx, target = (self.yearless_low, low) if same else (self.yearless, text)
        spans = [m.span() for m in rx.finditer(target)]
        if not spans:
            return None, False
        for start, end in reversed(spans):
            text = text[:start] + " " + text[end:]
        return None, self._rest(text) <= max_extra

    def _find(self, text: str, low: str, named: bool, same: bool) -> DateHit | None:
        """The first valid date in a line (digits already read as ASCII)."""
        if named:
            forms = (
                (self.month_first_low, self.day_first_low)
                if same
                else (self.month_first, self.day_first)
            )
            for rx in forms:
                for m in rx.finditer(low if same else text):
                    d = _make(int(m["year"]), self.months[m["mon"].lower()], int(m["day"]))
                    if d is not None:
                        return DateHit(d, m.start(), m.end(), False)
        if not _SEPARATED.search(text):
            return None  # numeric forms have a digit on each side of a separator
        for m in self.iso.finditer(text):
            d = _make(int(m["year"]), int(m["mon"]), int(m["day"]))
            if d is not None:
                return DateHit(d, m.start(), m.end(), False)
        for m in self.numeric.finditer(text):
            a, b = int(m["a"]), int(m["b"])
            # Day-first unless impossible; a pair that fits both ways is marked ambiguous.
            d = _make(int(m["year"]), b, a) or _make(int(m["year"]), a, b)
            if d is not None:
                return DateHit(d, m.start(), m.end(), a <= 12 and b <= 12 and a != b)
        return None

    def _rest(self, rest: str) -> int:
        rest = _TIME.sub(" ", rest)
        rest = self.cue_words.sub(" ", rest)
        rest = _FILLER.sub(" ", rest)
        return sum(1 for w in rest.split() if w.lower().strip(".") not in self.weekday_words)

    def cue(self, line: str) -> str | None:
        """'published' or 'updated' when the line says which date it carries."""
        if self.publish_cue.search(line):
            return "published"
        if self.update_cue.search(line):
            return "updated"
        return None


def _make(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
