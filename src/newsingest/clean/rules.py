"""Cleaning rules: load the packaged TOML rule files (plus a user's), validate, compile once."""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import RulesError

RULE_FILES = ("common.toml", "en.toml", "hi.toml")
RuleKind = Literal["line", "contains", "trim_start", "trim_end"]


class Rule(BaseModel):
    """A named chrome pattern. `line` must match the whole line; `contains` anywhere in a line
    of at most max_words words; `trim_*` cuts the match off a line's start or end."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    group: str
    kind: RuleKind = "line"
    pattern: str = Field(min_length=1)
    why: str = Field(min_length=1)
    example: str = Field(min_length=1)
    max_words: int | None = None
    ends_article: bool = Field(False, description="article text rarely continues after it")
    needles: tuple[str, ...] = Field(
        (),
        description="lowercase strings one of which any match includes: the rule is only "
        "tried on lines that have one (a cheap test before a costly regex)",
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"bad regex: {e}") from e
        return v


class Thresholds(BaseModel):
    """Numbers the engine decides with; kept with the rules so a change re-runs the bench."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    good_words: int
    good_stop_ratio: float
    stop_mode_share: float
    near_words: int
    near_stop_ratio: float
    short_words: int
    title_max_words: int
    title_min_words: int
    header_scan_lines: int
    date_line_max_extra_words: int
    date_max_words: int
    contains_max_words: int
    line_rule_max_words: int
    region_gap: int
    menu_run: int
    first_run_share: float
    title_to_body_lines: int
    next_run_share: float
    line_weight_cap: int
    soft_cross_share: float
    list_item_max_words: int


class RuleSet(BaseModel):
    """Everything the cleaner knows, merged from all rule files."""

    model_config = ConfigDict(frozen=True)

    rules: tuple[Rule, ...]
    stopwords: frozenset[str]
    months: dict[str, int]
    weekdays: frozenset[str]
    publish_cues: tuple[str, ...]
    update_cues: tuple[str, ...]
    thresholds: Thresholds


class CompiledRules:
    """Regexes compiled once per process; the hot path only touches these."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.t = ruleset.thresholds
        self.stopwords = ruleset.stopwords
        by_kind: dict[str, list[tuple[Rule, re.Pattern[str]]]] = {}
        for r in ruleset.rules:
            flags = re.IGNORECASE
            by_kind.setdefault(r.kind, []).append((r, re.compile(r.pattern, flags)))
        self.line = by_kind.get("line", [])
        # Whole-line rules are tried as one alternation (one regex call per line instead of one
        # per rule; alternatives in rule order, so the first rule that matches wins). Rules
        # whose letters are all lowercase run without IGNORECASE on the lowercased line: the
        # regex engine skips non-matching literal branches far faster that way. Rules with
        # needles stay out of it and are asked one by one when a needle is there.
        plain = [k for k, (r, _) in enumerate(self.line) if not r.needles]
        self._lowered = _alternation(
            [
                (k, self.line[k][0].pattern)
                for k in plain
                if _caseless_pattern(self.line[k][0].pattern)
            ],
            0,
        )
        self._cased = _alternation(
            [
                (k, self.line[k][0].pattern)
                for k in plain
                if not _caseless_pattern(self.line[k][0].pattern)
            ],
            re.IGNORECASE,
        )
        self._gate_needles = [(n, k) for k, (r, _) in enumerate(self.line) for n in r.needles]
        self.contains = by_kind.get("contains", [])
        self.longest_contains = max(
            (r.max_words or self.t.contains_max_words for r, _ in self.contains), default=0
        )
        self._contains_sets: dict[int, _ContainsSet] = {}
        self._contains_steps = sorted(
            {r.max_words or self.t.contains_max_words for r, _ in self.contains}
        )
        self.trim_start = by_kind.get("trim_start", [])
        self.trim_end = by_kind.get("trim_end", [])

    @property
    def _lowered_ci(self) -> re.Pattern[str] | None:
        """The lowered alternation, case-insensitive: for the rare line that lowercasing
        lengthens ('İ')."""
        return re.compile(self._lowered.pattern, re.IGNORECASE) if self._lowered else None

    def _contains_for(self, words: int) -> _ContainsSet:
        """The contains rules that apply to a line of this many words, with their needles."""
        at = bisect_left(self._contains_steps, words)
        got = self._contains_sets.get(at)
        if got is None:
            limit = self.t.contains_max_words
            chosen = [
                (r, rx, re.compile(r.pattern) if _caseless_pattern(r.pattern) else None)
                for r, rx in self.contains
                if words <= (r.max_words or limit)
            ]
            needles = {n for r, _, _ in chosen for n in r.needles}
            got = _ContainsSet(
                chosen,
                re.compile(needle_trie(needles)) if needles else None,
                any(not r.needles for r, _, _ in chosen),
            )
            self._contains_sets[at] = got
        return got

    def match_line(self, text: str, words: int) -> Rule | None:
        """The first line or contains rule that drops this whole line, if any."""
        if words <= self.t.line_rule_max_words:
            low = text.lower()
            if len(low) == len(text):
                first = _first(self._lowered, low)
            else:  # lowercasing lengthened the line ('İ'): ask case-insensitively instead
                first = _first(self._lowered_ci, text)
            other = _first(self._cased, text)
            if other is not None and (first is None or other < first):
                first = other
            # Rules with needles are asked one by one, and only when a needle is there.
            for k in sorted({k for n, k in self._gate_needles if n in low}):
                if first is not None and k > first:
                    break
                if self.line[k][1].fullmatch(text):
                    first = k
                    break
            if first is not None:
                rule = self.line[first][0]
                if rule.max_words is None or words <= rule.max_words:
                    return rule
                # The first match is over its word limit: fall back to asking rule by rule.
                for rule, rx in self.line[first + 1 :]:
                    if (rule.max_words is None or words <= rule.max_words) and rx.fullmatch(text):
                        return rule
        if words > self.longest_contains:
            return None
        cs = self._contains_for(words)
        low = text.lower()
        # One search tells whether any contains rule can fire at all (most lines: none can).
        if not cs.unguarded and (cs.needles is None or not cs.needles.search(low)):
            return None
        same = len(low) == len(text)
        for rule, rx, rx_low in cs.rules:
            if rule.needles and not any(n in low for n in rule.needles):
                continue
            if rx_low is not None and same:
                if rx_low.search(low):
                    return rule
            elif rx.search(text):
                return rule
        return None

    def trim(self, text: str) -> tuple[str, list[str]]:
        """Cut chrome glued to a body line's ends; returns the rest and the rule ids used."""
        used: list[str] = []
        for rule, rx in self.trim_start:
            m = rx.match(text)
            if m and m.end() < len(text):
                text = text[m.end() :].lstrip()
                used.append(rule.id)
        for rule, rx in self.trim_end:
            m = rx.search(text)
            if m and m.start() > 0 and m.end() == len(text):
                text = text[: m.start()].rstrip()
                used.append(rule.id)
        return text, used


def _alternation(rules: list[tuple[int, str]], flags: int) -> re.Pattern[str] | None:
    if not rules:
        return None
    return re.compile("|".join(f"(?P<r{k}>{p})" for k, p in rules), flags)


def _first(rx: re.Pattern[str] | None, text: str | None) -> int | None:
    """Index of the first rule of an alternation that matches the whole text."""
    if rx is None or text is None:
        return None
    m = rx.fullmatch(text)
    if m is None:
        return None
    if m.lastgroup:
        return int(m.lastgroup[1:])
    return next(int(name[1:]) for name, v in m.groupdict().items() if v is not None)


_ESCAPE = re.compile(r"\\.")


def _caseless_pattern(pattern: str) -> bool:
    """The pattern names no capital letter and never turns case-insensitivity off, so matching
    it against lowercased text equals matching it case-insensitively."""
    bare = _ESCAPE.sub("", pattern)
    return "(?-i" not in pattern and bare == bare.lower()


@dataclass(frozen=True)
class _ContainsSet:
    # each rule with its regex, and (when it names no capitals) one for lowercased lines
    rules: list[tuple[Rule, re.Pattern[str], re.Pattern[str] | None]]
    needles: re.Pattern[str] | None
    unguarded: bool  # some rule has no needles: every line must be asked


def needle_trie(needles: Iterable[str]) -> str:
    """A regex that finds whether any of the strings occurs, as a trie: at each position the
    engine tries one branch per distinct next character, not every string (a plain
    alternation of 100 needles is three times slower)."""
    root: dict[str, Any] = {}
    for n in needles:
        node = root
        for ch in n:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        if "" in node:
            return ""  # a needle ends here: longer ones through this node add nothing
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return build(root)


def _load_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulesError(f"{origin}: not valid TOML: {e}") from e


def _merge(docs: Iterable[tuple[str, dict[str, Any]]]) -> RuleSet:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    patterns: dict[str, str] = {}
    stop: set[str] = set()
    months: dict[str, int] = {}
    weekdays: set[str] = set()
    publish: list[str] = []
    update: list[str] = []
    thresholds: dict[str, Any] = {}
    for origin, doc in docs:
        for raw in doc.get("rules", []):
            try:
                rule = Rule(**raw)
            except ValidationError as e:
                problems = "; ".join(
                    f"{'.'.join(map(str, err['loc'])) or 'rule'}: {err['msg']}"
                    for err in e.errors()
                )
                raise RulesError(f"{origin}: rule {raw.get('id', '?')!r}: {problems}") from e
            if rule.id in seen and seen[rule.id] == origin:
                raise RulesError(f"{origin}: duplicate rule id {rule.id!r}")
            if rule.pattern in patterns and patterns[rule.pattern] != rule.id:
                raise RulesError(
                    f"{origin}: rule {rule.id!r} repeats the pattern of {patterns[rule.pattern]!r}"
                )
            # A later file may override a rule by id (how --rules replaces a default).
            rules = [r for r in rules if r.id != rule.id] + [rule]
            seen[rule.id], patterns[rule.pattern] = origin, rule.id
        words = doc.get("words", {})
        stop.update(w.lower() for w in words.get("stopwords", []))
        weekdays.update(w.lower() for w in words.get("weekdays", []))
        publish.extend(words.get("publish_cues", []))
        update.extend(words.get("update_cues", []))
        for name, num in doc.get("months", {}).items():
            months[name.lower()] = int(num)
        thresholds.update(doc.get("thresholds", {}))
    for name, group in (("stopwords", stop), ("months", months), ("weekdays", weekdays)):
        if not group:
            raise RulesError(f"rule files define no {name}")
    try:
        t = Thresholds(**thresholds)
    except ValidationError as e:
        raise RulesError(f"thresholds: {e}") from e
    return RuleSet(
        rules=tuple(rules),
        stopwords=frozenset(stop),
        months=months,
        weekdays=frozenset(weekdays),
        publish_cues=tuple(publish),
        update_cues=tuple(update),
        thresholds=t,
    )


def load_ruleset(extra: Path | None = None) -> RuleSet:
    """The packaged rules, with a user's rule file layered on top when given."""
    pkg = resources.files("newsingest") / "data" / "rules"
    docs = [(name, _load_toml(pkg.joinpath(name).read_text("utf-8"), name)) for name in RULE_FILES]
    if extra is not None:
        try:
            docs.append((str(extra), _load_toml(extra.read_text("utf-8"), str(extra))))
        except OSError as e:
            raise RulesError(f"{extra}: cannot read rules file: {e.strerror or e}") from e
    return _merge(docs)


@lru_cache(maxsize=8)
def compiled_rules(extra: Path | None = None) -> CompiledRules:
    """Compiled rules, cached per process (workers compile once, not per article)."""
    return CompiledRules(load_ruleset(extra))
