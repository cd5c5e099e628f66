"""The sequence step: line scores to one coherent article.

An article is one stretch of a page. The step finds the stretch that maximises
Σ tokens·(p − center) (Kadane's maximum subarray, linear), keeps lines inside it from a low
score up (so an in-article box, caption or short line does not cut it) and lines outside it
only when the model is very sure. A comment section, once it has begun, ends the article.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .model import Decoder

# Why a line is kept or dropped by this step (explain shows them; `newsingest rules` lists them).
INSIDE, OUTSIDE_KEPT, LOW, BEFORE, AFTER, COMMENTS = (
    "model_body",
    "model_body_outside",
    "model_chrome",
    "before_body",
    "after_body",
    "comments",
)

LIST_ITEM = "list_item"
# With no line above the center, the page's own best score times this is the center.
FALLBACK_SHARE = 0.5
# Lines of header chrome a list may stand below its headline or paragraph.
HEADER_SKIP = 3
# A title inside the article's stretch heads it only when at most this share of the stretch's
# weight lies above it.
TITLE_INSIDE_SHARE = 0.25
# A line above the title with at least this many words that the model counts as body refuses
# the title (see _body_above).
TITLE_BODY_ABOVE_WORDS = 10
Span = tuple[int, int] | None


def best_region(gain: NDArray[np.float64]) -> tuple[int, int] | None:
    """First and last index of the contiguous stretch with the largest positive sum."""
    best = 0.0
    best_span: tuple[int, int] | None = None
    run = 0.0
    start = 0
    for i, g in enumerate(gain.tolist()):
        if run <= 0.0:
            run, start = g, i
        else:
            run += g
        if run > best:
            best, best_span = run, (start, i)
    return best_span


def gains(
    scores: NDArray[np.float64],
    tokens: NDArray[np.float64],
    decoder: Decoder,
    blocked: Sequence[bool],
) -> NDArray[np.float64]:
    """What each line adds to a stretch: tokens·(p − center); hard drops add nothing."""
    open_ = ~np.array(blocked, dtype=bool)
    return np.asarray(np.where(open_, tokens * (scores - decoder.center), 0.0))


def region(gain: NDArray[np.float64], first: int = 0, limit: int | None = None) -> Span:
    """The article's stretch among lines first .. limit-1."""
    limit = len(gain) if limit is None else limit
    if first >= limit:
        return None
    span = best_region(gain[first:limit])
    return None if span is None else (span[0] + first, span[1] + first)


def heads_article(gain: NDArray[np.float64], span: tuple[int, int], title: int) -> bool:
    """Whether a title inside the stretch still heads it: the stretch above it is small (a
    kicker or teaser), not a part of the article."""
    positive = np.maximum(gain[span[0] : span[1] + 1], 0.0)
    above = float(positive[: title - span[0]].sum())
    return above <= TITLE_INSIDE_SHARE * float(positive.sum())


def comments_start(
    scores: NDArray[np.float64], openers: Sequence[bool], span: Span, center: float
) -> int | None:
    """The first comment-section opener inside or below the article's stretch, once some of
    the article has been read (an opener above it is a "Comments" link in the header)."""
    if span is None:
        return None
    read = False
    for i in range(span[0], len(scores)):
        if openers[i] and read:
            return i
        read = read or (scores[i] > center and i <= span[1])
    return None


def _body_above(
    scores: NDArray[np.float64],
    tokens: NDArray[np.float64],
    blocked: Sequence[bool],
    title: int,
    decoder: Decoder,
) -> bool:
    """A line above the title that the model is sure is body, or a line of at least
    TITLE_BODY_ABOVE_WORDS words that it counts as body (above the center): the "title" is then
    a line of the article, or another story's headline further down, not the headline.
    (Requiring a sure line only kept 19 wrong titles on the WCEB dev pages, "Advertise |
    AdChoices" among them, and lost the article lines above them; shorter lines that score
    above the center are often a site's tagline.) `tokens` weigh teasers (excerpts of other
    stories) at 0, so they refuse no title."""
    return any(
        (
            scores[i] > decoder.outside
            or (scores[i] > decoder.center and tokens[i] >= TITLE_BODY_ABOVE_WORDS)
        )
        and not blocked[i]
        for i in range(title)
    )


def decode(
    scores: NDArray[np.float64],
    tokens: NDArray[np.float64],
    decoder: Decoder,
    blocked: Sequence[bool],
    openers: Sequence[bool],
    title: int | None = None,
    teasers: Sequence[bool] | None = None,
) -> tuple[list[str], int | None, bool]:
    """Each line's decision: one of INSIDE / OUTSIDE_KEPT (kept) or LOW / BEFORE / AFTER /
    COMMENTS (dropped); the line that opened the comments; and whether the title heads the
    article (one found inside the article or below it, or below a line that reads as body,
    is a body line or another story's headline: the caller reads the page again
    without it).

    `blocked` lines are dropped by a hard decision and weigh nothing. `openers` mark
    comment-section headers: from the first one inside the article on, nothing is body.

    `teasers` (lines cut off with "...", excerpts of other stories) weigh nothing in choosing
    the stretch, though one inside it is kept; only on a page where nothing else would make a
    stretch (an index of excerpts) do their words count."""
    n = len(scores)
    weights = tokens if teasers is None else np.where(np.array(teasers, dtype=bool), 0.0, tokens)
    # Judged by the model's own bars, before the fallback below may lower them.
    body_above = title is not None and _body_above(scores, weights, blocked, title, decoder)
    gain = gains(scores, weights, decoder, blocked)
    span = region(gain)
    if span is None and teasers is not None and any(teasers):
        gain = gains(scores, tokens, decoder, blocked)
        span = region(gain)
    if span is None:
        # No line reaches the center: a page unlike any the model learned from (a script or
        # a layout it never saw). Rather than return nothing, judge the page against itself:
        # the stretch of its most body-like lines, relative to its best score.
        open_scores = [float(p) for p, b in zip(scores, blocked, strict=True) if not b]
        if open_scores and max(open_scores) > 0.0:
            relative = max(open_scores) * FALLBACK_SHARE
            decoder = Decoder(relative, relative, decoder.outside)
            gain = gains(scores, tokens, decoder, blocked)
            span = region(gain)
    title_ok = title is None or (
        not body_above
        and (
            span is None
            or title < span[0]
            or (title <= span[1] and heads_article(gain, span, title))
        )
    )
    comments_from = comments_start(scores, openers, span, decoder.center)
    limit = n if comments_from is None else comments_from
    if span is not None and title_ok and title is not None and title >= span[0]:
        span = region(gain, title + 1, limit)
    elif comments_from is not None:
        span = region(gain, 0, limit)
    out: list[str] = []
    for i in range(n):
        p = float(scores[i])
        if i >= limit:
            out.append(COMMENTS)
        elif span is not None and span[0] <= i <= span[1]:
            out.append(INSIDE if p > decoder.inside else LOW)
        elif p > decoder.outside:
            out.append(OUTSIDE_KEPT)
        elif span is None or i < span[0]:
            out.append(BEFORE)
        else:
            out.append(AFTER)
    return out, comments_from, title_ok


def attach_lists(
    steps: list[str],
    items: Sequence[bool],
    colon: Sequence[bool],
    free: Sequence[bool],
    title: int | None,
) -> list[str]:
    """Lists that belong to the article are kept whole. A run of two or more list items
    (bullets or numbers; no rule hit, no hard drop) is part of the article when one of its
    items is kept, or when it stands right under the title, a kept line, or a kept line's
    introduction ending in ':' (highlights under a headline, nominees, a line-up, steps);
    the introduction is kept with it. Short items are what the line model doubts most, and
    what a reader misses first."""
    n = len(steps)
    kept = [s in _KEPT for s in steps]
    out = list(steps)
    i = 0
    while i < n:
        if not (items[i] and free[i]):
            i += 1
            continue
        j = i
        while j + 1 < n and items[j + 1] and free[j + 1]:
            j += 1
        if j > i:
            intro = i - 1 if i > 0 and colon[i - 1] and free[i - 1] else None
            above = (intro if intro is not None else i) - 1
            # Header chrome (a byline, a date, a share bar) may stand between a headline and
            # its highlights.
            for _ in range(HEADER_SKIP):
                if above < 0 or free[above] or kept[above] or above == title:
                    break
                above -= 1
            attached = (
                any(kept[i : j + 1])
                or (intro is not None and kept[intro])
                or (above >= 0 and (kept[above] or above == title))
                or (above < 0 and title is None)
                or (j + 1 < n and kept[j + 1])
            )
            if attached:
                for k in range(i if intro is None else intro, j + 1):
                    if not kept[k]:
                        out[k] = LIST_ITEM
        i = j + 1
    return out


_KEPT = frozenset((INSIDE, OUTSIDE_KEPT, LIST_ITEM))
