"""Headline and publication date: which line is the title, which date the page states."""

from __future__ import annotations

from .dates import DateFinder
from .lines import (
    DROP,
    GOOD,
    SENTENCE_END,
    SHORT,
    TRUNCATED,
    Line,
    caseless,
    fold_key,
    title_case,
)
from .rules import Thresholds


def find_title(lines: list[Line], t: Thresholds, header_rules: set[str]) -> int | None:
    """The headline: a short line near the top, best if the page repeats it elsewhere or
    it stands right above the body (maybe with a byline or date between)."""
    # The first real paragraph: prose that ends like a sentence (headlines do not).
    first_good = next(
        (i for i, ln in enumerate(lines) if ln.cls == GOOD and SENTENCE_END.search(ln.text)),
        len(lines),
    )
    keys = [ln.key for ln in lines]
    joined = "\n".join(keys)
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    # Truncated copies ("Title of the sto...") in breadcrumbs and teasers.
    tails = [
        tail
        for ln in lines
        if TRUNCATED.search(ln.text)
        if len(tail := " ".join(fold_key(TRUNCATED.sub("", ln.text)).split()[-3:])) >= 10
    ]
    best: tuple[float, int] | None = None
    limit = min(len(lines), max(first_good + 3, t.header_scan_lines))
    # Headlines after the comments or related box belong to other articles.
    limit = next((i for i in range(first_good, limit) if lines[i].ends_article), limit)
    seen: set[str] = set()
    for i in range(limit):
        ln = lines[i]
        if not t.title_min_words <= ln.words <= t.title_max_words or ln.date is not None:
            continue
        if keys[i] in seen:
            continue  # a later copy of a headline is never the headline itself
        seen.add(keys[i])
        if ln.cls == DROP:
            continue
        if ln.text.endswith((".", "।", ":")) or TRUNCATED.search(ln.text):
            continue
        k = keys[i]
        evidence = 0.0
        if counts[k] > 1:
            evidence += 3
        if joined.count(k) > counts[k]:  # also inside a longer line ("Title | Site")
            evidence += 2
        if any(tail in k for tail in tails):
            evidence += 2
        if i < first_good:  # inside the body every subheading leads to prose
            evidence += leads_to_body(lines, i, t, header_rules)
        # Capitals mark an English headline; caseless scripts (Devanagari) cannot show it.
        shaped = title_case(ln.text) or caseless(ln.text)
        if not evidence and (i >= first_good or (ln.cls == GOOD and not shaped)):
            continue  # a subheading or a lead paragraph without a full stop
        # Longer wins ties: site names, taglines and desks are shorter than headlines.
        score = 1 + evidence + 0.01 * min(ln.words, t.title_max_words) / t.title_max_words
        if best is None or score > best[0]:
            best = (score, i)
    return best[1] if best is not None else None


def leads_to_body(lines: list[Line], i: int, t: Thresholds, header_rules: set[str]) -> float:
    """Evidence that line i heads an article: prose follows, past bylines, dates and at
    most one standfirst or subheading."""
    dek = 0
    for ln in lines[i + 1 : i + 6]:
        if ln.cls == GOOD and SENTENCE_END.search(ln.text):
            return 3.5  # the strongest sign: above its own first paragraph
        if ln.cls == DROP and ln.rule in header_rules:
            continue
        if ln.cls == SHORT and ln.words <= t.short_words:
            continue
        if ln.cls != DROP and dek == 0:
            dek += 1
            continue
        return 0.0
    return 0.0


def drop_title_copies(lines: list[Line], title: int) -> None:
    """The headline and its copies ("Title | Site", breadcrumb tails) are not body text."""
    title_key = lines[title].key
    for i, ln in enumerate(lines):
        k = ln.key
        if k == title_key:
            ln.cls, ln.rule = DROP, "title"
        elif ln.cls != DROP and i < title and title_key in k:
            ln.cls, ln.rule = DROP, "title_variant"


def find_published(
    lines: list[Line], title: int | None, start: int, dates: DateFinder
) -> tuple[str | None, int | None]:
    """The publication date: a line cued 'published' or 'updated', else a date line just
    under the headline; a date above the headline (a 'today' widget) only with a cue."""
    best: tuple[int, int] | None = None
    for i, ln in enumerate(lines):
        if ln.date is None or ln.date.ambiguous:
            continue
        if ln.cls == DROP and ln.rule != "date_line":
            continue
        cue = dates.cue(ln.text)
        if cue == "published":
            score = 10
        elif cue == "updated":
            score = 6
        elif title is not None and title < i <= max(start, title + 6):
            score = 8 - (i - title)
        elif title is None and i < start and i > 0:
            score = 3
        else:
            continue
        if best is None or score > best[0]:
            best = (score, i)
    if best is None:
        return None, None
    hit = lines[best[1]].date
    assert hit is not None
    return hit.date.isoformat(), best[1]
