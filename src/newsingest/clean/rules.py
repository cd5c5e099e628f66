"""Cleaning rules: load the packaged TOML rule files (plus a user's), validate, compile once."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import RulesError

RULE_FILES = ("common.toml", "en.toml", "hi.toml")
# Longer lines are searched for needles one needle at a time (measured faster there).
_TRIE_MAX_CHARS = 240
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
    title_lead_lines: int
    title_dek_lines: int
    title_lead_scan: int
    title_variant_lines: int
    title_variant_extra_words: int
    glued_overlap_chars: int
    glued_overlap_words: int
    glued_scan_lines: int
    menu_row_items: int
    menu_item_words: int
    excerpt_run: int
    title_scan_max_lines: int
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
    decisions: dict[str, str] = {}
    user_rules: frozenset[str] = frozenset()  # ids defined or overridden by a --rules file


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
        # Whole-line rules are asked one by one, but only those whose match can start with
        # the line's first character (most lines rule out all but a few), and rules with
        # needles only when a needle is in the line. Rules whose letters are all lowercase run
        # without IGNORECASE on the lowercased line: the regex engine fails non-matching
        # literals far faster that way. Each rule: its first characters and its candidate.
        self._line_plan: list[tuple[frozenset[str] | None, _Candidate]] = [
            (
                first_chars(r.pattern),
                (
                    _lowered(r.pattern),
                    rx,
                    1 << 30 if r.max_words is None else r.max_words,
                    _needle_rx(r.needles),
                    r,
                ),
            )
            for r, rx in self.line
        ]
        self._by_first: dict[str, tuple[_Candidate, ...]] = {}
        self.contains = by_kind.get("contains", [])
        limit = self.t.contains_max_words
        self.longest_contains = max((r.max_words or limit for r, _ in self.contains), default=0)
        # The contains rules that apply to a line of each word count, with their needles; the
        # few distinct sets are shared.
        plans = [(r, rx, _lowered(r.pattern), _needle_rx(r.needles)) for r, rx in self.contains]
        sets: dict[tuple[int, ...], _ContainsSet] = {}
        self._contains_by_words: list[_ContainsSet] = []
        for words in range(self.longest_contains + 1):
            fit = tuple(
                k for k, (r, _) in enumerate(self.contains) if words <= (r.max_words or limit)
            )
            if fit not in sets:
                chosen = [plans[k] for k in fit]
                needles = {n for r, *_ in chosen for n in r.needles}
                sets[fit] = _ContainsSet(
                    chosen,
                    re.compile(needle_trie(needles)) if needles else None,
                    tuple(sorted(needles)),
                    any(not r.needles for r, *_ in chosen),
                )
            self._contains_by_words.append(sets[fit])
        self.trim_start = by_kind.get("trim_start", [])
        self.trim_end = by_kind.get("trim_end", [])

    def _line_candidates(self, first: str) -> tuple[_Candidate, ...]:
        """Line rules, in order, whose match can begin with this character."""
        got = self._by_first.get(first)
        if got is None:
            forms = {first, first.lower(), first.upper(), first.casefold()}
            got = tuple(
                c for chars, c in self._line_plan if chars is None or not forms.isdisjoint(chars)
            )
            if len(self._by_first) >= 4096:
                self._by_first.clear()
            self._by_first[first] = got
        return got

    def match_line(self, text: str, words: int, low: str | None = None) -> Rule | None:
        """The first line or contains rule that drops this whole line, if any (`low`: the
        line lowercased, when the caller has it)."""
        if low is None:
            low = text.lower()
        if words <= self.t.line_rule_max_words and text:
            same = len(low) == len(text)  # not so for the rare 'İ': ask case-insensitively
            for lowered, rx, most, needles, rule in self._line_candidates(text[0]):
                if words > most or (needles is not None and not needles.search(low)):
                    continue
                if lowered is not None and same:
                    if lowered.fullmatch(low):
                        return rule
                elif rx.fullmatch(text):
                    return rule
        if words > self.longest_contains:
            return None
        cs = self._contains_by_words[words]
        # One search tells whether any contains rule can fire at all (most lines: none can).
        if not cs.unguarded:
            if cs.needles is None:
                return None
            # On a paragraph, substring tests beat the trie (fewer needles apply to it).
            if len(low) > _TRIE_MAX_CHARS:
                if not any(map(low.__contains__, cs.needle_list)):
                    return None
            elif not cs.needles.search(low):
                return None
        same = len(low) == len(text)
        for rule, rx, rx_low, needles in cs.rules:
            if needles is not None and not needles.search(low):
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


# What the hot loop unpacks: lowered regex, regex, word limit, needles, the rule.
_Candidate = tuple[re.Pattern[str] | None, re.Pattern[str], int, re.Pattern[str] | None, Rule]


def _needle_rx(needles: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile(needle_trie(needles)) if needles else None


def _lowered(pattern: str) -> re.Pattern[str] | None:
    """The pattern for lowercased lines, without IGNORECASE, when it names no capitals."""
    return re.compile(pattern) if _caseless_pattern(pattern) else None


def first_chars(pattern: str) -> frozenset[str] | None:
    """Every character a (case-insensitive) match of the pattern can start with, in all its
    cases, or None when that cannot be told cheaply (a negated class, \\w, '.')."""
    try:
        chars, _ = _first(list(re._parser.parse(pattern, re.IGNORECASE)))  # type: ignore[attr-defined]
    except Exception:  # an unknown construct: anything may start a match
        return None
    if chars is None:
        return None
    return frozenset(v for c in chars for v in (c, c.lower(), c.upper(), c.casefold()))


@lru_cache(maxsize=1)
def _decimal_digits() -> frozenset[str]:
    """What \\d matches in a str pattern: every decimal digit of every script."""
    return frozenset(ch for ch in map(chr, range(0x20000)) if ch.isdecimal())  # none above


@lru_cache(maxsize=1)
def _spaces() -> frozenset[str]:
    """What \\s matches in a str pattern."""
    return frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace())


def _first(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """First characters of a sequence of parsed items (None: any), and whether it can match
    the empty string."""
    c = re._constants  # type: ignore[attr-defined]
    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            return out | {chr(av)}, False
        if op is c.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is c.LITERAL:
                    chars.add(chr(value))
                elif kind is c.RANGE and value[1] - value[0] <= 512:
                    chars.update(map(chr, range(value[0], value[1] + 1)))
                elif kind is c.CATEGORY and value is c.CATEGORY_DIGIT:
                    chars.update(_decimal_digits())
                elif kind is c.CATEGORY and value is c.CATEGORY_SPACE:
                    chars.update(_spaces())
                else:  # NEGATE, other categories, a wide range
                    return None, False
            return out | chars, False
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # consumes nothing
        if op is c.SUBPATTERN or op is getattr(c, "ATOMIC_GROUP", None):
            inner, empty = _first(list(av[-1] if op is c.SUBPATTERN else av))
        elif op is c.BRANCH:
            inner, empty = set(), False
            for alt in av[1]:
                got, alt_empty = _first(list(alt))
                if got is None:
                    return None, False
                inner |= got
                empty = empty or alt_empty
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
            inner, empty = _first(list(av[2]))
            empty = empty or av[0] == 0
        else:  # ANY, NOT_LITERAL, group references, ...
            return None, False
        if inner is None:
            return None, False
        out |= inner
        if not empty:
            return out, False
    return out, True


_ESCAPE = re.compile(r"\\.")


def _caseless_pattern(pattern: str) -> bool:
    """The pattern names no capital letter and never turns case-insensitivity off, so matching
    it against lowercased text equals matching it case-insensitively."""
    bare = _ESCAPE.sub("", pattern)
    return "(?-i" not in pattern and bare == bare.lower()


@dataclass(frozen=True)
class _ContainsSet:
    # each rule with its regex, one for lowercased lines (when it names no capitals) and one
    # for its needles
    rules: list[tuple[Rule, re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None]]
    needles: re.Pattern[str] | None
    needle_list: tuple[str, ...]
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
    decisions: dict[str, str] = {}
    user: set[str] = set()
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
            if origin not in RULE_FILES:
                user.add(rule.id)
            seen[rule.id], patterns[rule.pattern] = origin, rule.id
        words = doc.get("words", {})
        stop.update(w.lower() for w in words.get("stopwords", []))
        weekdays.update(w.lower() for w in words.get("weekdays", []))
        publish.extend(words.get("publish_cues", []))
        update.extend(words.get("update_cues", []))
        for name, num in doc.get("months", {}).items():
            months[name.lower()] = int(num)
        thresholds.update(doc.get("thresholds", {}))
        decisions.update(doc.get("decisions", {}))
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
        decisions=decisions,
        user_rules=frozenset(user),
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
