"""Line features for the learned line decisions: a versioned list of names and the code that
computes them.

Two layers, so the costly part is paid once per distinct line (site chrome repeats across a
drop): `line_vector` describes a line on its own and is memoized with the line's facts;
`page_matrix` adds what only the page can tell (position, neighbours, running cues) with
whole-column numpy operations.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .lines import DROP, GOOD, NEAR, SHORT, Facts

# Bump when a feature's meaning changes: a model file names the version it was trained on.
FEATURES_VERSION = 2

# Rule groups, one indicator each (a rule's group says what kind of chrome it matched).
GROUPS = (
    "ads",
    "breadcrumbs",
    "byline",
    "comments",
    "consent",
    "credits",
    "dates",
    "embeds",
    "footer",
    "layout",
    "media",
    "navigation",
    "paywall",
    "related",
    "share",
    "social",
)

LINE_FEATURES = (
    "log_words",
    "log_chars",
    "sentence",
    "colon",
    "truncated",
    "title_case",
    "caseless",
    "digit_share",
    "upper_share",
    "symbol_share",
    "letter_share",
    "comma_rate",
    "mean_word_len",
    "url",
    "at_sign",
    "separators",
    "bullet",
    "numbered",
    "quote_start",
    "lower_start",
    "question",
    "date",
    "rule",
    "rule_ends",
    "rule_contains",
    *(f"group_{g}" for g in GROUPS),
)

_URL = re.compile(r"https?://|www\.|\.(com|org|net|in|co\.uk)\b", re.IGNORECASE)
_SEPARATORS = "|•·»›«‹/"
# Punctuation and symbols; combining marks (Devanagari vowel signs) are part of words.
_SYMBOLS = re.compile(r"[^\w\s\u0300-\u036f\u0900-\u0dff]")
_BULLETS = ("- ", "– ", "— ", "• ", "* ", "· ", "► ", "▪ ", "■ ", "✓ ", "→ ")
_NUMBERED = re.compile(r"^(\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s", re.IGNORECASE)
_QUOTES = "\"“‘'«„"
_GROUP_INDEX = {g: i for i, g in enumerate(GROUPS)}


def line_vector(f: Facts, capitals: bool, rule_kind: str | None) -> tuple[float, ...]:
    """What a line is on its own, as numbers (LINE_FEATURES, in order)."""
    s = f.text
    n = len(s)
    words = max(f.words, 1)
    # C-level passes over the characters: ~5x faster than one Python loop doing all counts.
    letters = sum(map(str.isalpha, s))
    upper = sum(map(str.isupper, s))
    digits = sum(map(str.isdigit, s))
    spaces = s.count(" ")
    commas = s.count(",")
    symbols = len(_SYMBOLS.findall(s))
    groups = [0.0] * len(GROUPS)
    rule = f.rule
    if rule is not None:
        k = _GROUP_INDEX.get(rule.group)
        if k is not None:
            groups[k] = 1.0
    return (
        math.log1p(f.words),
        math.log1p(n),
        float(f.sentence),
        float(f.colon),
        float(f.truncated),
        float(capitals),
        float(s.lower() == s.upper()),
        digits / n,
        upper / letters if letters else 0.0,
        symbols / n,
        letters / n,
        commas / words,
        min((n - spaces) / words, 20.0),
        float(_URL.search(s) is not None),
        float("@" in s),
        float(min(sum(map(s.count, _SEPARATORS)), 5)),
        float(s.startswith(_BULLETS)),
        float(_NUMBERED.match(s) is not None),
        float(s[0] in _QUOTES),
        float(s[0].islower()),
        float(s.rstrip("\"'”’)").endswith("?")),
        float(f.date is not None),
        float(rule is not None),
        float(f.ends),
        float(rule_kind == "contains"),
        *groups,
    )


# Features of neighbours, at these offsets, taken from these line features.
OFFSETS = (-2, -1, 1, 2)
NEIGHBOUR_FEATURES = ("log_words", "sentence", "rule", "symbol_share", "date", "title_case")
NEIGHBOUR_PAGE = ("good", "stop_share")
# Means over a centred window of these half-widths.
WINDOWS = (3, 8, 20)
WINDOW_FEATURES = (
    "log_words",
    "sentence",
    "rule",
    "digit_share",
    "date",
    "group_comments",
    "group_share",
    "group_social",
    "truncated",
)
WINDOW_PAGE = ("good",)

PAGE_FEATURES = (
    "stop_share",  # stopwords per word when the page has a stopword list for its language
    "stop_mode",
    "good",
    "near",
    "short",
    "drop",
    "position",
    "log_lines",
    "words_rel",
    "repeats",
    "para_lines",
    "para_first",
    "one_per_line",
    "title",
    "after_title",
    "title_dist",
    "before_first_prose",
    "first_prose_dist",
    "comments_above",
    "comments_count",
    "ends_above",
    "prose_above",
    "prose_below",
    "page_good_share",
)

FEATURES: tuple[str, ...] = (
    *LINE_FEATURES,
    *PAGE_FEATURES,
    *(f"{name}@{o:+d}" for o in OFFSETS for name in (*NEIGHBOUR_FEATURES, *NEIGHBOUR_PAGE)),
    *(f"{name}~{w}" for w in WINDOWS for name in (*WINDOW_FEATURES, *WINDOW_PAGE)),
)

_COL = {name: i for i, name in enumerate(LINE_FEATURES)}
_CLASSES = (GOOD, NEAR, SHORT, DROP)


def _shift(col: NDArray[np.float64], by: int, fill: float = 0.0) -> NDArray[np.float64]:
    """col moved so that row i holds row i+by (fill past the ends)."""
    out = np.full_like(col, fill)
    n = len(col)
    if by > 0:
        out[: n - by] = col[by:] if by < n else out[:0]
    elif by < 0:
        out[-by:] = col[: n + by] if -by < n else out[:0]
    else:
        out[:] = col
    return out


def _window_mean(col: NDArray[np.float64], half: int) -> NDArray[np.float64]:
    """Mean of col over rows i-half .. i+half (clipped at the ends)."""
    n = len(col)
    sums = np.concatenate(([0.0], np.cumsum(col)))
    idx = np.arange(n)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, n)
    return np.asarray((sums[hi] - sums[lo]) / (hi - lo), dtype=np.float64)


def page_matrix(
    facts: Sequence[Facts],
    vectors: Sequence[tuple[float, ...]],
    cls: Sequence[str],
    paras: Sequence[int],
    keys: Sequence[str],
    use_stop: bool,
    title: int | None,
    comment_cue: Sequence[bool],
) -> NDArray[np.float64]:
    """The feature matrix of one page: one row per non-blank line, FEATURES in order."""
    n = len(facts)
    base = np.array(vectors, dtype=np.float64).reshape(n, len(LINE_FEATURES))
    idx = np.arange(n, dtype=np.float64)
    words = np.array([f.words for f in facts], dtype=np.float64)
    stop = np.array([f.stop for f in facts], dtype=np.float64)
    stop_share = stop / np.maximum(words, 1.0) if use_stop else np.full(n, -1.0)
    onehot = [np.array([c == k for c in cls], dtype=np.float64) for k in _CLASSES]
    good = onehot[0]
    key_counts = Counter(keys)
    repeats = np.array([min(key_counts[k], 5) for k in keys], dtype=np.float64)
    para_arr = np.array(paras, dtype=np.int64)
    para_sizes = np.bincount(para_arr) if n else np.zeros(0, dtype=np.int64)
    para_lines = np.log1p(para_sizes[para_arr].astype(np.float64)) if n else np.zeros(0)
    para_first = np.ones(n)
    if n > 1:
        para_first[1:] = para_arr[1:] != para_arr[:-1]
    one_per_line = float(n == 0 or paras[0] == paras[-1])
    if title is not None:
        is_title = (idx == title).astype(np.float64)
        after_title = (idx > title).astype(np.float64)
        title_dist = np.clip((idx - title) / 10.0, -3.0, 3.0)
    else:
        is_title = np.zeros(n)
        after_title = np.zeros(n)
        title_dist = np.full(n, -4.0)
    sentence = base[:, _COL["sentence"]]
    prose = good * sentence
    first = int(np.argmax(prose)) if prose.any() else n
    before_first = (idx < first).astype(np.float64)
    first_dist = np.clip((idx - first) / 10.0, -3.0, 3.0)
    # Running cues count only below the article's first paragraph: a "Comments" link in the
    # site menu above the article says nothing about where the comments start.
    cue = np.array(comment_cue, dtype=np.float64) * (idx > first)
    cues_above = np.concatenate(([0.0], np.cumsum(cue)[:-1])) if n else np.zeros(0)
    ends = base[:, _COL["rule_ends"]] * (idx > first)
    ends_above = np.concatenate(([0.0], np.cumsum(ends)[:-1])) if n else np.zeros(0)
    weight = np.minimum(np.array([len(f.text) for f in facts], dtype=np.float64), 600.0) * good
    total = max(float(weight.sum()), 1.0)
    cum = np.cumsum(weight)
    prose_above = (cum - weight) / total
    prose_below = (total - cum) / total
    max_words = max(float(words.max()) if n else 1.0, 1.0)
    page_cols = {
        "stop_share": stop_share,
        "stop_mode": np.full(n, float(use_stop)),
        "good": good,
        "near": onehot[1],
        "short": onehot[2],
        "drop": onehot[3],
        "position": idx / max(n - 1, 1),
        "log_lines": np.full(n, math.log1p(n)),
        "words_rel": words / max_words,
        "repeats": repeats,
        "para_lines": para_lines,
        "para_first": para_first,
        "one_per_line": np.full(n, one_per_line),
        "title": is_title,
        "after_title": after_title,
        "title_dist": title_dist,
        "before_first_prose": before_first,
        "first_prose_dist": first_dist,
        "comments_above": (cues_above > 0).astype(np.float64),
        "comments_count": np.log1p(cues_above),
        "ends_above": (ends_above > 0).astype(np.float64),
        "prose_above": prose_above,
        "prose_below": prose_below,
        "page_good_share": np.full(n, float(good.mean()) if n else 0.0),
    }
    cols: list[NDArray[np.float64]] = [base[:, k] for k in range(base.shape[1])]
    cols.extend(page_cols[name] for name in PAGE_FEATURES)
    for o in OFFSETS:
        for name in NEIGHBOUR_FEATURES:
            cols.append(_shift(base[:, _COL[name]], o, -1.0))
        for name in NEIGHBOUR_PAGE:
            cols.append(_shift(page_cols[name], o, -1.0))
    for w in WINDOWS:
        for name in WINDOW_FEATURES:
            cols.append(_window_mean(base[:, _COL[name]], w))
        for name in WINDOW_PAGE:
            cols.append(_window_mean(page_cols[name], w))
    if not n:
        return np.zeros((0, len(FEATURES)))
    return np.column_stack(cols)
