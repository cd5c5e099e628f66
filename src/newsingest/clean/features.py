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
import struct
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from .lines import BULLETS, DROP, GOOD, NEAR, SHORT, Facts, field
from .rules import Rule

# Bump when a feature's meaning changes: a model file names the version it was trained on.
FEATURES_VERSION = 3

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
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_ASCII_UPPER = bytes(range(65, 91))
_ASCII_DIGITS = b"0123456789"
# What _SYMBOLS does not count, in ASCII: letters, digits, "_" (\w) and whitespace.
_ASCII_WORD_OR_SPACE = _ASCII_LETTERS + _ASCII_DIGITS + b"_ \t\n\r\x0b\x0c"
_NON_ASCII = re.compile("[^\x00-\x7f]")
_SYMBOLS = re.compile(r"[^\w\s\u0300-\u036f\u0900-\u0dff]")
_NUMBERED = re.compile(r"^(\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s", re.IGNORECASE)
_QUOTES = "\"“‘'«„"
_GROUP_INDEX = {g: i for i, g in enumerate(GROUPS)}
# The line's own text features, then its date and rule features (see _rule_tail).
_TAIL_LENGTH = 4 + len(GROUPS)
_PACK_TEXT = struct.Struct(f"={len(LINE_FEATURES) - _TAIL_LENGTH}d").pack
_PACK_TAIL = struct.Struct(f"={_TAIL_LENGTH}d").pack
# For ASCII lines: the URL test on the lowered bytes (no case-insensitive matching) and the
# separators counted by deleting them, one C pass each (measured ~3x faster together).
_URL_ASCII = re.compile(rb"https?://|www\.|\.(?:com|org|net|in|co\.uk)\b")
_ASCII_SEPARATORS = b"|/"


def line_vector(f: Facts, capitals: bool) -> bytes:
    """What a line is on its own, as numbers (LINE_FEATURES, in order), packed as float64s:
    a page's lines become its matrix with one bytes join (measured ~8x faster than numpy
    reading the same numbers from tuples)."""
    s = f.text
    n = len(s)
    words = max(f.words, 1)
    spaces = s.count(" ")
    commas = s.count(",")
    if s.isascii():
        # Counting by deleting a class of bytes: one C pass each, several times faster than
        # the per-character passes below (most lines are ASCII).
        b = s.encode("ascii")
        b_ascii = True
        letters = n - len(b.translate(None, _ASCII_LETTERS))
        upper = n - len(b.translate(None, _ASCII_UPPER))
        digits = n - len(b.translate(None, _ASCII_DIGITS))
        symbols = len(b.translate(None, _ASCII_WORD_OR_SPACE))
        caseless = letters == 0  # every ASCII letter has a case
    else:
        # Mostly ASCII with a few curly quotes or accents (most English paragraphs): the ASCII
        # bytes as above, the other characters one by one (measured 4x faster on such lines
        # than the per-character passes, which remain for Devanagari and other scripts).
        b = s.encode("ascii", "ignore")
        b_ascii = False
        if 2 * len(b) >= n:
            rest = _NON_ASCII.findall(s)
            m = len(b)
            letters = m - len(b.translate(None, _ASCII_LETTERS)) + sum(map(str.isalpha, rest))
            upper = m - len(b.translate(None, _ASCII_UPPER)) + sum(map(str.isupper, rest))
            digits = m - len(b.translate(None, _ASCII_DIGITS)) + sum(map(str.isdigit, rest))
            symbols = len(b.translate(None, _ASCII_WORD_OR_SPACE)) + len(
                _SYMBOLS.findall("".join(rest))
            )
        else:
            letters = sum(map(str.isalpha, s))
            upper = sum(map(str.isupper, s))
            digits = sum(map(str.isdigit, s))
            symbols = len(_SYMBOLS.findall(s))
        caseless = s.lower() == s.upper()
    if b_ascii:
        url = _URL_ASCII.search(b.lower()) is not None
        separators = len(b) - len(b.translate(None, _ASCII_SEPARATORS))
    else:
        url = _URL.search(s) is not None
        separators = sum(map(s.count, _SEPARATORS))
    return _PACK_TEXT(
        math.log1p(f.words),
        math.log1p(n),
        float(f.sentence),
        float(f.colon),
        float(f.truncated),
        float(capitals),
        float(caseless),
        digits / n,
        upper / letters if letters else 0.0,
        symbols / n,
        letters / n,
        commas / words,
        min((n - spaces) / words, 20.0),
        float(url),
        float("@" in s),
        float(min(separators, 5)),
        float(s.startswith(BULLETS)),
        float(_NUMBERED.match(s) is not None),
        float(s[0] in _QUOTES),
        float(s[0].islower()),
        float(s.rstrip("\"'”’)").endswith("?")),
    ) + _rule_tail(f.date is not None, f.rule)


@lru_cache(maxsize=1024)
def _rule_tail(dated: bool, rule: Rule | None) -> bytes:
    """The packed date and rule features, the same for every line with this rule (built once
    per rule instead of once per line)."""
    groups = [0.0] * len(GROUPS)
    if rule is not None and (k := _GROUP_INDEX.get(rule.group)) is not None:
        groups[k] = 1.0
    return _PACK_TAIL(
        float(dated),
        float(rule is not None),
        float(rule is not None and rule.ends_article),
        float(rule is not None and rule.kind == "contains"),
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
# Means over the lines just above and just below (not the line itself), at these widths:
# where they differ, an article starts or ends.
SIDE_WINDOWS = (5, 15)
SIDE_FEATURES = ("log_words", "sentence", "rule", "group_comments")
SIDE_PAGE = ("good",)

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
    "block_words",  # words of the unbroken run of prose lines the line is in (0: not prose)
    "main_dist",  # lines to the page's heaviest prose run, signed (0 inside it)
    "in_main",
)

FEATURES: tuple[str, ...] = (
    *LINE_FEATURES,
    *PAGE_FEATURES,
    *(f"{name}@{o:+d}" for o in OFFSETS for name in (*NEIGHBOUR_FEATURES, *NEIGHBOUR_PAGE)),
    *(f"{name}~{w}" for w in WINDOWS for name in (*WINDOW_FEATURES, *WINDOW_PAGE)),
    *(
        f"{name}{side}{w}"
        for w in SIDE_WINDOWS
        for side in ("^", "v")
        for name in (*SIDE_FEATURES, *SIDE_PAGE)
    ),
)

_COL = {name: i for i, name in enumerate(LINE_FEATURES)}
_PAGE_COL = {name: i for i, name in enumerate(PAGE_FEATURES)}
_CLASS_CODE = {GOOD: 0, NEAR: 1, SHORT: 2, DROP: 3}
_NEIGHBOUR_LINE = [_COL[name] for name in NEIGHBOUR_FEATURES]
_NEIGHBOUR_PAGE_COLS = [_PAGE_COL[name] for name in NEIGHBOUR_PAGE]
_WINDOW_LINE = [_COL[name] for name in WINDOW_FEATURES]
_WINDOW_PAGE_COLS = [_PAGE_COL[name] for name in WINDOW_PAGE]
_SIDE_IN_WINDOW = [
    (*WINDOW_FEATURES, *WINDOW_PAGE).index(name) for name in (*SIDE_FEATURES, *SIDE_PAGE)
]
_WORDS = field("words")
_STOP = field("stop")
_TEXT = field("text")


def _shift_into(out: NDArray[np.float64], block: NDArray[np.float64], by: int) -> None:
    """Write block moved so that row i holds row i+by into out, -1 past the ends."""
    n = len(block)
    out.fill(-1.0)
    if 0 < by < n:
        out[: n - by] = block[by:]
    elif 0 < -by < n:
        out[-by:] = block[: n + by]


@lru_cache(maxsize=256)
def _window_bounds(n: int) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.bool_]]:
    """Row ranges [lo, hi) of every window of an n-line page, stacked in column order:
    rows i-w .. i+w for each of WINDOWS (clipped at the ends), then the w rows above and the
    w rows below each row for each of SIDE_WINDOWS; and which ranges are empty."""
    idx = np.arange(n, dtype=np.intp)
    los: list[NDArray[np.intp]] = []
    his: list[NDArray[np.intp]] = []
    for w in WINDOWS:
        los.append(np.maximum(idx - w, 0))
        his.append(np.minimum(idx + w + 1, n))
    for w in SIDE_WINDOWS:
        los += [np.maximum(idx - w, 0), idx + 1]
        his += [idx, np.minimum(idx + 1 + w, n)]
    lo, hi = np.concatenate(los), np.concatenate(his)
    empty = hi == lo
    for a in (lo, hi, empty):
        a.flags.writeable = False  # shared by every page of this length
    return lo, hi, empty


def _running_above(col: NDArray[np.float64]) -> NDArray[np.float64]:
    """How many of col's marks stand strictly above each row."""
    out = np.zeros_like(col)
    if len(col) > 1:
        np.cumsum(col[:-1], out=out[1:])
    return out


def page_matrix(
    facts: Sequence[Facts],
    vectors: Sequence[bytes],
    cls: Sequence[str],
    paras: Sequence[int],
    keys: Sequence[str],
    use_stop: bool,
    title: int | None,
    comment_cue: Sequence[bool],
) -> NDArray[np.float64]:
    """The feature matrix of one page: one row per non-blank line, FEATURES in order.
    Built with whole-block numpy operations (a few dozen per page; one call per column was
    three times slower)."""
    n = len(facts)
    if not n:
        return np.zeros((0, len(FEATURES)))
    # Every block is written into one preallocated matrix (concatenating the blocks cost a
    # tenth of the page's features in copies).
    out = np.empty((n, len(FEATURES)))
    width = len(LINE_FEATURES)
    # Page-wide counts come through itemgetters, the fastest field access.
    base = out[:, :width]
    base[:] = np.frombuffer(b"".join(vectors), dtype=np.float64).reshape(n, width)
    idx = np.arange(n, dtype=np.float64)
    words = np.fromiter(map(_WORDS, facts), dtype=np.float64, count=n)
    cls_code = np.fromiter(map(_CLASS_CODE.__getitem__, cls), dtype=np.int8, count=n)
    page = out[:, width : width + len(PAGE_FEATURES)]
    col = _PAGE_COL
    if use_stop:
        stop = np.fromiter(map(_STOP, facts), dtype=np.float64, count=n)
        page[:, col["stop_share"]] = stop / np.maximum(words, 1.0)
    else:
        page[:, col["stop_share"]] = -1.0
    page[:, col["stop_mode"]] = float(use_stop)
    for k, name in enumerate(("good", "near", "short", "drop")):
        page[:, col[name]] = cls_code == k
    good = page[:, col["good"]]
    page[:, col["position"]] = idx / max(n - 1, 1)
    page[:, col["log_lines"]] = math.log1p(n)
    page[:, col["words_rel"]] = words / max(float(words.max()), 1.0)
    key_counts = Counter(keys)
    repeats = np.fromiter(map(key_counts.__getitem__, keys), dtype=np.float64, count=n)
    np.minimum(repeats, 5.0, out=page[:, col["repeats"]])
    para_arr = np.asarray(paras, dtype=np.int64)
    page[:, col["para_lines"]] = np.log1p(np.bincount(para_arr)[para_arr])
    para_first = page[:, col["para_first"]]
    para_first[0] = 1.0
    para_first[1:] = para_arr[1:] != para_arr[:-1]
    page[:, col["one_per_line"]] = float(paras[0] == paras[-1])
    if title is not None:
        page[:, col["title"]] = idx == title
        page[:, col["after_title"]] = idx > title
        page[:, col["title_dist"]] = np.clip((idx - title) / 10.0, -3.0, 3.0)
    else:
        page[:, col["title"]] = 0.0
        page[:, col["after_title"]] = 0.0
        page[:, col["title_dist"]] = -4.0
    prose = good * base[:, _COL["sentence"]]
    first = int(np.argmax(prose)) if prose.any() else n
    page[:, col["before_first_prose"]] = idx < first
    page[:, col["first_prose_dist"]] = np.clip((idx - first) / 10.0, -3.0, 3.0)
    # Running cues count only below the article's first paragraph: a "Comments" link in the
    # site menu above the article says nothing about where the comments start.
    below_first = idx > first
    cues_above = _running_above(np.asarray(comment_cue, dtype=np.float64) * below_first)
    page[:, col["comments_above"]] = cues_above > 0
    page[:, col["comments_count"]] = np.log1p(cues_above)
    ends_above = _running_above(base[:, _COL["rule_ends"]] * below_first)
    page[:, col["ends_above"]] = ends_above > 0
    chars = np.fromiter(map(len, map(_TEXT, facts)), dtype=np.float64, count=n)
    weight = np.minimum(chars, 600.0) * good
    total = max(float(weight.sum()), 1.0)
    cum = np.cumsum(weight)
    page[:, col["prose_above"]] = (cum - weight) / total
    page[:, col["prose_below"]] = (total - cum) / total
    page[:, col["page_good_share"]] = float(good.mean())
    # Unbroken runs of prose lines (good or near): the heaviest is most often the article.
    prose_like = cls_code <= 1
    run_id = np.cumsum(~prose_like)
    run_words = np.bincount(run_id, weights=words * prose_like)
    page[:, col["block_words"]] = np.log1p(run_words[run_id]) * prose_like
    heaviest = int(np.argmax(run_words))
    span = np.flatnonzero((run_id == heaviest) & prose_like)
    if len(span):
        start, end = float(span[0]), float(span[-1])
        dist = np.where(idx < start, idx - start, np.where(idx > end, idx - end, 0.0))
        page[:, col["main_dist"]] = np.clip(dist / 10.0, -3.0, 3.0)
        page[:, col["in_main"]] = (idx >= start) & (idx <= end)
    else:
        page[:, col["main_dist"]] = -4.0
        page[:, col["in_main"]] = 0.0
    at = width + len(PAGE_FEATURES)
    neighbour = np.concatenate((base[:, _NEIGHBOUR_LINE], page[:, _NEIGHBOUR_PAGE_COLS]), axis=1)
    step = neighbour.shape[1]
    for o in OFFSETS:
        _shift_into(out[:, at : at + step], neighbour, o)
        at += step
    # Every window mean (centred, above, below) from one gather of the cumulative sums: a
    # few numpy calls per page instead of a few per window.
    window = np.concatenate((base[:, _WINDOW_LINE], page[:, _WINDOW_PAGE_COLS]), axis=1)
    step = window.shape[1]
    sums = np.zeros((n + 1, step))
    np.cumsum(window, axis=0, out=sums[1:])
    lo, hi, empty = _window_bounds(n)
    means = sums[hi]
    means -= sums[lo]
    means /= np.maximum(hi - lo, 1)[:, None]
    means[empty] = -1.0
    for k in range(len(WINDOWS)):
        out[:, at : at + step] = means[k * n : (k + 1) * n]
        at += step
    k = len(WINDOWS)
    side = len(_SIDE_IN_WINDOW)
    for _ in range(2 * len(SIDE_WINDOWS)):
        out[:, at : at + side] = means[k * n : (k + 1) * n, _SIDE_IN_WINDOW]
        at += side
        k += 1
    return out
