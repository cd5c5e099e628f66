"""Headline and publication date: which line is the title, which date the page states."""

from __future__ import annotations

import re
from collections import Counter
from itertools import compress, pairwise

from .dates import DateFinder
from .lines import BULLETS, DROP, GOOD, SENTENCE_CLOSERS, SHORT, Page, field, sentence_end
from .rules import Thresholds

_TAIL = field("tail")
_DATE = field("date")
# A headline's word count and no date: what the title search looks at (and remembers).
_SIZED = field("sized")
# What splits a menu, a breadcrumb or a share bar into its items: "|", or a dot or arrow
# between spaces (not "/" or ":", which headlines use, nor the "·" inside Catalan "l·l").
_ITEMS = re.compile(r"\s*\|\s*|\s+[•·»›]\s+")


def find_title(page: Page, t: Thresholds, header_rules: set[str]) -> int | None:
    """The headline: a short line near the top, best if the page repeats it elsewhere or
    it stands right above the body (maybe with a byline or date between)."""
    facts, cls = page.facts, page.cls
    n = len(facts)
    first_good = first_paragraph(page)
    # The search (and the copies it compares with) stays within the first lines of a huge
    # page: each candidate is compared with every line, and a page of 100,000 short lines
    # would take hours.
    window = t.title_scan_max_lines
    limit = min(n, max(first_good + 3, t.header_scan_lines), window)
    # Headlines after the comments or related box belong to other articles.
    if True in page.ends[first_good:limit]:
        limit = page.ends.index(True, first_good, limit)
    keys = page.keys
    counts: Counter[str] = Counter(keys)
    joined: str | None = None
    # Truncated copies ("Title of the sto...") in breadcrumbs and teasers.
    tails = list(filter(None, map(_TAIL, facts[:window])))
    best: tuple[float, int] | None = None
    seen: set[str] = set()
    sized = compress(range(limit), map(_SIZED, facts))
    for i in sized:
        f = facts[i]
        k = f.key
        if k in seen or k == "\n":
            # A later copy of a scored headline is never the headline itself; a line too long
            # to have a key of its own (see Facts.key) is no headline.
            continue
        if cls[i] == DROP or not f.titled or _bracketed(f.text) or _listed(f.text, t):
            continue
        evidence = 0.0
        # Menus repeat too (header and footer), and their labels recur inside longer lines:
        # for a label inside a menu, repetition is no evidence.
        menu = in_menu(page, i, t)
        if not menu:
            if counts[k] > 1:
                evidence += 3
            if joined is None:
                joined = "\n".join(keys[:window])
            if joined.count(k) > counts[k]:  # also inside a longer line ("Title | Site")
                evidence += 2
        if any(tail in k for tail in tails):
            evidence += 2
        if i < first_good:  # inside the body every subheading leads to prose
            evidence += leads_to_body(page, i, t, header_rules, menu)
        # Capitals mark an English headline; caseless scripts (Devanagari) cannot show it.
        if not evidence and (menu or i >= first_good or (cls[i] == GOOD and not f.shaped)):
            continue  # a menu label, a subheading or a lead paragraph without a full stop
        # A copy in a menu above was no candidate; this one (above its article) may be.
        seen.add(k)
        # A question or exclamation right under a headline that has as much evidence is its
        # standfirst when it reads as prose ("Giving gifts to children" / "Your child may want
        # the latest toy, but how about a savings account?"), not when it is capitalized or short.
        if (
            best is not None
            and evidence <= best[0] - 1
            and cls[i] == GOOD
            and _asks(f.text)
            and all(c == DROP for c in cls[best[1] + 1 : i])
        ):
            continue
        # Longer wins ties: site names, taglines and desks are shorter than headlines.
        score = 1 + evidence + 0.01 * min(f.words, t.title_max_words) / t.title_max_words
        if best is None or score > best[0]:
            best = (score, i)
    return best[1] if best is not None else None


def _shared(a: str, b: str) -> int:
    """Length of the common start of a and b."""
    n = min(len(a), len(b))
    return next((k for k in range(n) if a[k] != b[k]), n)


def _bracketed(text: str) -> bool:
    """Wholly in brackets: an aside ("(after extra time)", "[Updated]"), never a headline."""
    return text[:1] in "([" and text[-1:] in ")]"


def _listed(text: str, t: Thresholds) -> bool:
    """A list item ("• …") or a row of short items: a menu, a breadcrumb or a share bar
    ("शेयर करें: फेसबुक | ट्विटर | व्हाट्सऐप"), in any language. Never a headline."""
    if text.startswith(BULLETS):
        return True
    items = [item for item in _ITEMS.split(text) if item]
    return len(items) >= t.menu_row_items and all(
        len(item.split()) <= t.menu_item_words for item in items
    )


def _asks(text: str) -> bool:
    """Ends in a question or exclamation mark (closing quotes and brackets aside)."""
    return text.rstrip(SENTENCE_CLOSERS)[-1:] in ("?", "!")


def glued_headline(page: Page, t: Thresholds) -> tuple[int, str] | None:
    """A line that is a headline followed by the opening of the next line (publishers that
    strip punctuation glue them): the line and the headline part of it. The next line is the
    article's first paragraph and stays body; the glued line is only the title."""
    facts, cls = page.facts, page.cls
    open_lines = [i for i in range(min(len(facts), t.header_scan_lines)) if cls[i] != DROP]
    for j, k in pairwise(open_lines[: t.glued_scan_lines + 1]):
        line, lead = facts[j].text, facts[k].text
        opening = lead[: t.glued_overlap_chars]
        if len(opening) < t.glued_overlap_chars or len(opening.split()) < t.glued_overlap_words:
            continue
        at = line.find(opening, 1)
        if at < 0:
            continue
        rest = line[at:]
        if any(map(str.isalpha, rest[_shared(rest, lead) :])):
            continue  # the rest of the line must be the lead's opening (a stray quote aside)
        head = line[:at].strip()
        # A headline has no closing full stop; a paragraph that repeats its opening does.
        if t.title_min_words <= len(head.split()) <= t.title_max_words and not sentence_end(head):
            return j, head
    return None


def first_paragraph(page: Page) -> int:
    """Index of the first real paragraph: prose that ends like a sentence (headlines do not),
    with more prose after it (a lone sentence in a widget, "Your weather is set to …", is
    not); the first such sentence when none has; len(page) when there is none."""
    facts, cls = page.facts, page.cls
    # A line cut off with "..." is a teaser of another story, never the article's opening; a
    # headline-sized line that asks or exclaims ("… का?", "… win!") is a headline candidate.
    sentences = [
        i
        for i in compress(range(len(cls)), map(GOOD.__eq__, cls))
        if facts[i].sentence
        and not facts[i].truncated
        and not (facts[i].sized and _asks(facts[i].text))
    ]
    first = next((i for i in sentences if _prose_follows(page, i)), None)
    return first if first is not None else (sentences[0] if sentences else len(cls))


def _prose_follows(page: Page, i: int, lines: int = 4) -> bool:
    """Another prose line comes within the next few lines after line i (chrome counted: a
    widget's sentence is followed by menus and headers, a paragraph by prose or an ad)."""
    return GOOD in page.cls[i + 1 : i + 1 + lines]


def _label(page: Page, j: int, t: Thresholds) -> bool:
    """A menu-like line: short, no sentence, not prose."""
    f = page.facts[j]
    return page.cls[j] != GOOD and f.words <= t.short_words and not f.sentence


def in_menu(page: Page, i: int, t: Thresholds) -> bool:
    """Line i is a label in a run of at least menu_run short lines (a menu or a tag list)."""
    if not _label(page, i, t):
        return False
    lo = hi = i
    while lo > 0 and hi - lo + 1 < t.menu_run and _label(page, lo - 1, t):
        lo -= 1
    while hi + 1 < len(page.facts) and hi - lo + 1 < t.menu_run and _label(page, hi + 1, t):
        hi += 1
    return hi - lo + 1 >= t.menu_run


def leads_to_body(page: Page, i: int, t: Thresholds, header_rules: set[str], menu: bool) -> float:
    """Evidence that line i heads an article: prose follows within title_lead_lines lines,
    past a standfirst or a few highlights (title_dek_lines). Its own copies and header chrome
    (bylines, dates, share bars) do not count toward those lines, up to a limit. A menu label
    with more labels after it (menu: line i is in_menu) leads nowhere."""
    facts, cls, rule, keys = page.facts, page.cls, page.rule, page.keys
    n = len(facts)
    if (
        menu
        and i + 1 < n
        and _label(page, i + 1, t)
        and not (cls[i + 1] == DROP and rule[i + 1] in header_rules)
    ):
        return 0.0
    dek = 0
    budget = t.title_lead_lines
    for j in range(i + 1, min(i + 1 + t.title_lead_scan * t.title_lead_lines, n)):
        c = cls[j]
        if keys[j] == keys[i] or (c == DROP and rule[j] in header_rules):
            continue  # the headline again (an <h1> under a breadcrumb's copy), a byline
        if c == GOOD and facts[j].sentence:
            return 3.5  # the strongest sign: above its own first paragraph
        budget -= 1
        if budget == 0:
            return 0.0
        if c == SHORT and facts[j].words <= t.short_words:
            continue
        if c != DROP and dek < t.title_dek_lines:
            dek += 1  # a standfirst, or one of the highlights under the headline
            continue
        return 0.0
    return 0.0


def drop_title_copies(page: Page, title: int, t: Thresholds) -> None:
    """The headline and its copies ("Title | Site", breadcrumb tails) are not body text."""
    keys, cls, rule = page.keys, page.cls, page.rule
    title_key = keys[title]
    for i in range(title):
        k = keys[i]
        if k == title_key:
            cls[i], rule[i] = DROP, "title"
        elif cls[i] != DROP and title_key in k:
            cls[i], rule[i] = DROP, "title_variant"
    # Below it, a short line that holds the headline ("Title | Site" under an <h1>) is a copy
    # too; a paragraph has no key of its own (Facts.key), so it never matches.
    most = page.facts[title].words + t.title_variant_extra_words
    for i in range(title + 1, min(len(keys), title + 1 + t.title_variant_lines)):
        k = keys[i]
        if cls[i] != DROP and k != title_key and title_key in k and page.facts[i].words <= most:
            cls[i], rule[i] = DROP, "title_variant"
    i = title
    while True:  # later copies: list.index compares in C
        try:
            i = keys.index(title_key, i)
        except ValueError:
            break
        cls[i], rule[i] = DROP, "title"
        i += 1


def find_published(
    page: Page, title: int | None, start: int, dates: DateFinder, dated_rules: set[str]
) -> tuple[str | None, int | None]:
    """The publication date: a line cued 'published' or 'updated', else a date line just
    under the headline; a date above the headline (a 'today' widget) only with a cue."""
    best: tuple[int, int] | None = None
    facts = page.facts
    for i in compress(range(len(facts)), map(_DATE, facts)):
        f = facts[i]
        if f.date is None or f.date.ambiguous:
            continue
        if page.cls[i] == DROP and page.rule[i] not in dated_rules:
            continue
        cue = dates.cue(f.text)
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
    hit = page.facts[best[1]].date
    assert hit is not None
    return hit.date.isoformat(), best[1]
