"""Cleaner engine: one decision per line (rule or score), then title, date and the body text."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from functools import lru_cache
from itertools import accumulate, compress, count, pairwise, repeat
from operator import gt, is_not, not_, sub
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..models import CleanResult
from ..normalize import normalize_line
from .dates import DateFinder, DateHit
from .features import LINE_FEATURES, line_vector, page_matrix
from .headline import drop_title_copies, find_published, find_title, glued_headline
from .lines import (
    DROP,
    EDGES,
    GOOD,
    MEMO_LINES,
    MEMO_MAX_CHARS,
    NEAR,
    SHORT,
    TRUNCATED,
    Facts,
    Page,
    caseless,
    field,
    fold_key,
    sentence_end,
    title_case,
    units,
)
from .model import LineModel, packaged_model
from .rules import CompiledRules, Rule, RuleSet, compiled_rules
from .sequence import INSIDE, LIST_ITEM, OUTSIDE_KEPT, attach_lists, decode

# Groups of chrome that may stand between a headline and its first paragraph.
HEADER_GROUPS = frozenset(
    {"byline", "dates", "share", "social", "credits", "ads", "media", "breadcrumbs"}
)


class Cleaner:
    """Applies a compiled rule set to documents. Nothing carries over between documents
    but its memos, which only save time."""

    def __init__(
        self, rules: CompiledRules, model: LineModel | None = None, features: bool | None = None
    ) -> None:
        self.rules = rules
        # None: the rule-and-region engine of earlier versions (--cleaner rules).
        self.model = model
        # Whether lines get their feature vectors: for the model, and for training one.
        self.features = model is not None if features is None else features
        self.t = rules.t
        self._stopwords = frozenset(w.encode("utf-8") for w in rules.stopwords)
        # Digit-blind parts of facts per line shape (digits zeroed), bounded the same way.
        self._parts: dict[str, _Part] = {}
        # Facts per raw line (None for a blank one), bounded: see MEMO_LINES.
        self._memo: dict[str, Facts | None] = {}
        self._old: dict[str, Facts | None] = {}  # its previous generation
        # Date lines are reported like a rule's drops, under the id "date_line".
        self._date_rule = Rule(
            id="date_line",
            group="dates",
            pattern="(?!)",
            why=rules.ruleset.decisions.get("date_line", "a date with few other words"),
            example="Tuesday, July 16, 2024",
        )
        self.dates = DateFinder(rules.ruleset)
        # Date lines and bylines: under a headline they mark a teaser, and the date they
        # carry can be the publication date ("By Jo Roe | May 3, 2024" is a byline longer
        # than a date line allows).
        self.dateline_rules = {"date_line"} | {
            r.id for r in rules.ruleset.rules if r.group == "byline"
        }
        # Boundaries of these groups can fall inside an article (a related-stories box).
        self.soft_groups = {"related"}
        # Lines that may stand between a headline and its first paragraph.
        self.header_rules = {"date_line"} | {
            r.id for r in rules.ruleset.rules if r.group in HEADER_GROUPS
        }

    # -- per-line facts ------------------------------------------------------------------
    def _page(self, text: str) -> Page:
        """The document's non-blank lines with their facts; a line seen before (site chrome
        repeats across a drop's pages) costs one dictionary lookup."""
        raws = text.split("\n")
        memo = self._memo
        missing = set(raws).difference(memo)
        if not missing:
            known = list(map(memo.__getitem__, raws))
        else:
            # Two generations, each at most half the bound: when this page's new lines would
            # overfill the young one, it becomes the old one, so the chrome of the pages read
            # lately survives (clearing the whole memo made a long drop re-read its sites'
            # chrome every 50,000 distinct lines).
            half = max(MEMO_LINES // 2, 1)
            if len(memo) + len(missing) > half:
                self._old, self._memo = memo, {}
                memo = self._memo
                missing = set(raws)
            old = self._old
            # Paragraphs do not repeat (not worth the memory), nor do lines past the bound:
            # they stay in the memo only while this page is looked up.
            passing: list[str] = []
            for raw in missing:
                memo[raw] = old[raw] if raw in old else self._facts(raw)
                if len(raw) > MEMO_MAX_CHARS or len(memo) > half:
                    passing.append(raw)
            known = list(map(memo.__getitem__, raws))
            for raw in passing:
                del memo[raw]
        facts: list[Facts] = list(filter(None, known))
        nos = list(compress(count(1), known))
        # A new paragraph starts after each run of blank lines between two non-blank ones.
        breaks = map(gt, map(sub, nos[1:], nos), repeat(1))
        paras = list(accumulate(breaks, initial=0)) if nos else []
        return Page(facts, nos, paras, [], [], list(map(_ENDS, facts)))

    def _facts(self, raw: str) -> Facts | None:
        """What a raw line is on its own (rule, date, shape, class); None when blank."""
        s = normalize_line(raw) if raw and not raw.isspace() else ""
        if not s:
            return None
        t = self.t
        digits = _DIGIT.search(s) is not None
        if digits and len(s) <= MEMO_MAX_CHARS:
            # Chrome repeats with other numbers ("5 hours ago", "12 Comments"): everything but
            # the key and the date depends only on where the digits are, not which they are.
            if s.isascii():
                shape = s.encode("ascii").translate(_ASCII_ZEROS).decode("ascii")
            else:
                shape = s.translate(_ZEROS)
            part = self._parts.get(shape)
            if part is None:
                part = self._part(shape)
                if len(self._parts) >= MEMO_LINES:
                    self._parts.clear()
                self._parts[shape] = part
        else:
            part = self._part(s)
        words, stop, rule, sentence, capitals, shaped, by_stop, by_len = part
        hit: DateHit | None = None
        # A layout rule (no letters: "2024-03-12") yields to the date finder, and a byline
        # keeps the date it carries. Dates, with or without a year, have digits (most lines
        # have none), and date lines and datelines are short (body sentences with dates are
        # not wanted).
        if digits and (rule is None or rule.group in _DATED_GROUPS) and words <= t.date_max_words:
            hit, dated = self.dates.read(s, t.date_line_max_extra_words)
            if dated:
                rule = self._date_rule
        if rule is not None:
            cls_stop = cls_len = DROP
        elif capitals:
            cls_stop = cls_len = SHORT  # a headline (teaser or subheading), never prose alone
        else:
            cls_stop, cls_len = by_stop, by_len
        # A paragraph is no copy of the headline, nor holds one ("Title | Site" lines are
        # short): its key only has to differ from every short line's.
        key = "\n" if len(s) > MEMO_MAX_CHARS else fold_key(s)
        truncated = s.endswith(("...", "…"))
        tail = None
        if truncated:
            tail = " ".join(fold_key(TRUNCATED.sub("", s)).split()[-3:])
            tail = tail if len(tail) >= 10 else None
        long = words >= t.good_words
        sized = t.title_min_words <= words <= t.title_max_words and hit is None
        facts = Facts(
            s,
            words,
            stop,
            rule,
            hit,
            sentence,
            cls_stop,
            cls_len,
            long,
            long and stop >= t.good_stop_ratio * words,
            key,
            truncated,
            tail,
            shaped,
            min(len(s), t.line_weight_cap),
            rule is not None and rule.ends_article,
            rule.group if rule is not None else "",
            rule.id if rule is not None else None,
            s[-1] == ":",
            sized,
            sized and not s.endswith((".", "।", ":")) and not truncated,
        )
        if not self.features:
            return facts  # the rules engine reads no features
        vector = line_vector(facts, capitals)
        # The same tuple with its last field filled: tuple.__new__ skips NamedTuple._replace's
        # keyword handling (~5 % of the time spent on a new line).
        return tuple.__new__(Facts, (*facts[:-1], vector))

    def _part(self, s: str) -> _Part:
        """The facts of a line that do not depend on which digits it has: word and stopword
        counts, the rule that matches (before dates), sentence end, capitals, prose classes."""
        t = self.t
        n_toks = len(s.split())
        words = n_toks if s.isascii() else units(s, n_toks)
        lowered = s.lower()
        stop = sum(map(self._stopwords.__contains__, EDGES.to_spaces(lowered).split()))
        rule = self.rules.match_line(s, words, lowered)
        sentence = sentence_end(s)
        capitals = None if sentence else title_case(s)
        shaped = t.title_min_words <= words <= t.title_max_words and (
            (title_case(s) if capitals is None else capitals) or caseless(s)
        )
        by_stop, by_len = self._prose_classes(words, stop, sentence)
        return words, stop, rule, sentence, bool(capitals), shaped, by_stop, by_len

    def _prose_classes(self, words: int, stop: int, sentence: bool) -> tuple[str, str]:
        """A rule-free line's class judged by stopwords, and judged by length alone (pages
        in a language without a stopword list)."""
        t = self.t
        ratio = stop / words if words else 0.0
        if words >= t.good_words and ratio >= t.good_stop_ratio:
            by_stop = GOOD
        elif ratio >= t.near_stop_ratio and (
            words >= t.good_words or (words >= t.near_words and sentence)
        ):
            by_stop = NEAR
        else:
            by_stop = SHORT
        if words >= t.good_words and sentence:
            by_len = GOOD
        elif (words >= t.near_words and sentence) or words >= t.good_words:
            by_len = NEAR
        else:
            by_len = SHORT
        return by_stop, by_len

    def _classify(self, page: Page) -> None:
        facts = page.facts
        # Pages in a language without a stopword list (few long lines read as prose by the
        # lists) fall back to length and punctuation.
        use_stop = self._use_stop(facts)
        page.cls = list(map(_CLS_STOP if use_stop else _CLS_LEN, facts))
        page.rule = list(map(_RULE_ID, facts))

    def _drop_excerpts(self, page: Page) -> None:
        """Runs of prose lines cut off with "..." are excerpts in a list of other stories:
        an article's paragraphs do not end that way, one after another."""
        cls, rule, facts = page.cls, page.rule, page.facts
        if sum(map(_TRUNCATED, facts)) < self.t.excerpt_run:
            return  # most pages: too few cut-off lines for a run
        run: list[int] = []
        for i in [*compress(range(len(cls)), map(_PROSE.__contains__, cls)), -1]:
            if i >= 0 and facts[i].truncated:
                run.append(i)
            else:  # a whole paragraph (or the end) closes the run
                if len(run) >= self.t.excerpt_run:
                    for j in run:
                        cls[j], rule[j] = DROP, "excerpt_list"
                run = []

    def _demote_teasers(self, page: Page) -> None:
        """A headline-like line (no full stop) followed by a byline or date heads a teaser in a
        list of other stories, not a paragraph of this one."""
        cls, rule, facts = page.cls, page.rule, page.facts
        marks = self.dateline_rules
        for j in compress(range(len(cls)), map(marks.__contains__, rule)):
            i = j - 1
            if (
                i >= 0
                and cls[j] == DROP
                and (cls[i] == GOOD or cls[i] == NEAR)
                and not facts[i].sentence
            ):
                cls[i] = SHORT

    # -- body region -------------------------------------------------------------------------
    def _region(self, page: Page, title: int | None) -> tuple[int, int] | None:
        """First and last line index of the body: the run of prose right under the headline
        (unless it is tiny next to the page's largest run), extended by runs that follow
        without an end-of-article marker between."""
        cls, facts, ends = page.cls, page.facts, page.ends
        body = list(compress(range(len(cls)), map(GOOD.__eq__, cls)))
        if not body:
            body = list(compress(range(len(cls)), map(NEAR.__eq__, cls)))
        if not body:
            return None
        t = self.t
        clusters: list[list[int]] = [[body[0]]]
        for prev, cur in pairwise(body):
            if cur > prev + 1:
                between = cls[prev + 1 : cur]
                gap = between.count(DROP) + between.count(SHORT)
                if gap > t.region_gap or True in ends[prev + 1 : cur]:
                    clusters.append([cur])
                    continue
            clusters[-1].append(cur)
        # Capped per line: a page may carry the whole article again as one giant line.
        weights = [sum(facts[i].weight for i in c) for c in clusters]
        heaviest = max(range(len(clusters)), key=weights.__getitem__)
        top = weights[heaviest]
        main = heaviest
        if title is not None:
            after = next((k for k, c in enumerate(clusters) if c[0] > title), None)
            if (
                after is not None
                and clusters[after][0] - title <= t.title_to_body_lines
                and weights[after] >= t.first_run_share * top
            ):
                main = after
        start, end = clusters[main][0], clusters[main][-1]
        so_far = weights[main]
        for k in range(main + 1, len(clusters)):
            c = clusters[k]
            marks = [j for j in range(end + 1, c[0]) if ends[j]]
            if any(facts[j].group not in self.soft_groups for j in marks):
                break  # comments: what follows is readers' text, however long
            # A related-stories box can sit inside an article; more article follows it
            # when the next run outweighs what was read so far.
            need = t.soft_cross_share if marks else t.next_run_share
            if weights[k] < need * so_far:
                break
            if not any(facts[i].sentence for i in c):
                break  # headlines without a single sentence: a list of other stories
            end = c[-1]
            so_far += weights[k]
        # The article's opening can be cut off from the rest by a share or newsletter box:
        # earlier runs join too, under the headline and with no end-of-article marker between.
        for k in range(main - 1, -1, -1):
            c = clusters[k]
            if (title is not None and c[0] < title) or True in ends[c[-1] + 1 : start]:
                break
            if weights[k] < t.next_run_share * so_far:
                break
            if not any(facts[i].sentence for i in c):
                break
            start = c[0]
            so_far += weights[k]
        return start, end

    # -- the learned line decisions ------------------------------------------------------------
    def analyse(
        self, text: str, repeated: frozenset[int] = frozenset(), title_search: bool = True
    ) -> tuple[Page, int | None, NDArray[np.float64]]:
        """The page with its hard decisions made, the title line, and the feature matrix: what
        the model scores (and what training learns from)."""
        page = self._classified(text, repeated)
        cls, facts = page.cls, page.facts
        # A text of short lines with no chrome signal at all (verse, a quote, a snippet) has no
        # headline to take out of it: the title search would only remove one of its lines.
        search = title_search and not self.plain(page)
        glued = glued_headline(page, self.t) if search else None
        title: int | None
        if glued is not None:
            # Its line holds the headline and a copy of the lead's opening; the lead itself
            # is the next line, so the whole line goes as the title.
            title, page.title_text = glued
            cls[title], page.rule[title] = DROP, "title"
        else:
            title = find_title(page, self.t, self.header_rules) if search else None
            if title is not None:
                drop_title_copies(page, title, self.t)
        cues = [f.group == "comments" for f in facts]
        x = page_matrix(
            facts,
            [f.vector for f in facts],
            cls,
            page.paras,
            page.keys,
            self._use_stop(facts),
            title,
            cues,
        )
        return page, title, x

    @staticmethod
    def plain(page: Page) -> bool:
        """Only short lines and no rule hit anywhere: verse, lyrics, a quote, a snippet."""
        return bool(page.cls) and DROP not in page.cls and GOOD not in page.cls

    def _classified(self, text: str, repeated: frozenset[int]) -> Page:
        """The page with each line's class and rule; lines repeated across the drop
        (--drop-wide) dropped."""
        page = self._page(text)
        self._classify(page)
        if repeated:
            for i, f in enumerate(page.facts):
                if page.cls[i] != DROP and line_digest(f.text) in repeated:
                    page.cls[i], page.rule[i] = DROP, "drop_wide_repeat"
        return page

    def hard(self, page: Page, i: int) -> bool:
        """Whether line i's drop is a definition rather than a guess: the user's rules, drops
        across the drop, the title and its copies, dates and bylines (metadata, not body), and
        rules whose measured precision on labelled body lines is ~1 (the model file names them)."""
        r = page.rule[i]
        if r is None or page.cls[i] != DROP:
            return False
        if r in _ALWAYS_HARD:
            return True
        f = page.facts[i]
        if f.rule is None or not hard_rule(
            f.rule, self.rules.ruleset, self.model.hard_rules if self.model else frozenset()
        ):
            return False
        # Precision guard: a rule of chrome phrases that matched inside a full sentence (not
        # metadata, not the user's) leaves the sentence to the model.
        guarded = f.group not in HARD_GROUPS and r not in self.rules.ruleset.user_rules
        return not (guarded and f.sentence and f.words >= SENTENCE_GUARD_WORDS)

    def _clean_model(self, text: str, repeated: frozenset[int]) -> CleanResult:
        model = self.model
        assert model is not None
        page, title, x = self.analyse(text, repeated)
        scores, blocked, steps, comments_from, title_ok = self._decide_model(page, title, x)
        if not title_ok:
            # The "headline" sits inside or below the article: it is a body line or another
            # story's headline. The page is read again without one, so no line is lost to it.
            page, title, x = self.analyse(text, repeated, title_search=False)
            scores, blocked, steps, comments_from, _ = self._decide_model(page, title, x)
        facts, rule = page.facts, page.rule
        n = len(facts)
        items = ((x[:, _BULLET] > 0) | (x[:, _NUMBERED] > 0)).tolist()
        free = [not blocked[i] and rule[i] is None for i in range(n)]
        steps = attach_lists(steps, items, [f.colon for f in facts], free, title)
        reasons: list[str | None] = [None] * n
        for i, step in enumerate(steps):
            if blocked[i]:
                continue
            if step in (INSIDE, OUTSIDE_KEPT, LIST_ITEM):
                reasons[i] = step
            else:
                # A rule that matched names the drop; otherwise the step does.
                rule[i] = rule[i] if rule[i] is not None else step
        if self.plain(page):
            # Nothing says any of it is chrome, so all of it is the text.
            reasons = [SHORT_TEXT] * n
        kept = [r is not None for r in reasons]
        start = kept.index(True) if True in kept else n
        published, pub_line = find_published(page, title, start, self.dates, self.dateline_rules)
        result = self._result(page, reasons, title, published, pub_line)
        return dataclasses.replace(
            result,
            scores=tuple(np.round(scores, 3).tolist()),
            comments_line=page.nos[comments_from] if comments_from is not None else None,
            features=x,
        )

    def _decide_model(
        self, page: Page, title: int | None, x: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], list[bool], list[str], int | None, bool]:
        """Scores, hard drops and the sequence step's decisions for an analysed page."""
        model = self.model
        assert model is not None
        facts = page.facts
        blocked = [False] * len(facts)
        for i in compress(range(len(facts)), map(DROP.__eq__, page.cls)):
            blocked[i] = self.hard(page, i)
        # Only lines a hard decision left open are scored (their scores are all the sequence
        # step reads); on the generated corpus that halves the trees' work. explain scores
        # every line itself.
        scores = np.zeros(len(facts))
        open_rows = np.flatnonzero(~np.array(blocked, dtype=bool))
        if len(open_rows):
            scores[open_rows] = model.scores(x[open_rows])
        tokens = np.minimum(np.fromiter(map(_WORDS, facts), np.float64, len(facts)), 100.0)
        openers = [f.group == "comments" and f.ends for f in facts]
        teasers = [f.truncated for f in facts]
        steps, comments_from, title_ok = decode(
            scores, tokens, model.decoder, blocked, openers, title, teasers
        )
        return scores, blocked, steps, comments_from, title_ok

    def _use_stop(self, facts: list[Facts]) -> bool:
        long = sum(map(_LONG, facts))
        wordy = sum(map(_WORDY, facts))
        return bool(long) and wordy >= self.t.stop_mode_share * long

    # -- the whole document ----------------------------------------------------------------------
    def clean(self, text: str, repeated: frozenset[int] = frozenset()) -> CleanResult:
        """Decide every line. `repeated` holds line_digest()s of lines that repeat across the
        drop (--drop-wide); they are dropped as chrome."""
        if self.model is not None:
            return self._clean_model(text, repeated)
        page = self._classified(text, repeated)
        facts = page.facts
        self._drop_excerpts(page)
        title = find_title(page, self.t, self.header_rules)
        self._demote_teasers(page)
        if title is not None:
            drop_title_copies(page, title, self.t)
        region = self._region(page, title)
        n = len(facts)
        start, end = region if region else (n, -1)
        lists = self._list_items(page)
        # A list introduced at the body's last line ("Tour dates:") belongs to the body.
        while end + 1 in lists:
            end += 1
        published, pub_line = find_published(page, title, start, self.dates, self.dateline_rules)
        reasons = self._decide(page, start, end, lists)
        return self._result(page, reasons, title, published, pub_line)

    def _decide(self, page: Page, start: int, end: int, lists: set[int]) -> list[str | None]:
        """Final drops outside the body region and among its short lines; the reason each
        kept line is kept (None for a dropped line)."""
        cls, rule = page.cls, page.rule
        n = len(cls)
        reasons: list[str | None] = [None] * n
        # The next line not dropped, as the page stands before the loop below (which only
        # changes the line it is at, and lines after the body only once it is done).
        nxt: list[int | None] = [None] * n
        ahead = next((j for j in range(end + 1, n) if cls[j] != DROP), None)
        for i in range(min(end, n - 1), start - 1, -1):
            nxt[i] = ahead
            if cls[i] != DROP:
                ahead = i
        prev: int | None = None  # the last line before i still kept
        short_words, menu_run = self.t.short_words, self.t.menu_run
        for i in range(start, end + 1):
            c = cls[i]
            if c == DROP:
                continue
            if c == GOOD:
                reasons[i] = "body"
            elif c == NEAR:
                reasons[i] = "near_body"
            elif i in lists:
                reasons[i] = "list_item"
            else:
                after = nxt[i]
                then = nxt[after] if after is not None else None
                reasons[i] = self._short_in_region(
                    page, i, prev, after, then, short_words, menu_run
                )
                if reasons[i] is None:
                    cls[i], rule[i] = DROP, "short_line"
                    continue
            prev = i
        for a, b, why in ((0, start, "before_body"), (max(end + 1, start), n, "after_body")):
            for i in compress(range(a, b), map(DROP.__ne__, cls[a:b])):
                rule[i] = why
            cls[a:b] = [DROP] * (b - a)
        return reasons

    def _short_in_region(
        self,
        page: Page,
        i: int,
        prev: int | None,
        nxt: int | None,
        then: int | None,
        short_words: int,
        menu_run: int,
    ) -> str | None:
        """Keep a short line inside the body when it reads as a subheading or a short sentence
        (nxt: the next line still kept, then: the one after it)."""
        cls, facts = page.cls, page.facts
        run = 0
        for j in range(i, min(i + menu_run, len(cls))):
            if cls[j] != SHORT or facts[j].words > short_words:
                break
            run += 1
        if run >= menu_run:
            return None
        if nxt is not None and cls[nxt] == GOOD and facts[i].words > 1:
            return "subheading"
        # A short sentence between two paragraphs, or between a paragraph and a subheading
        # (a quote closing a live blog's entry, before the next entry's time).
        heading_next = (
            nxt is not None
            and then is not None
            and cls[then] == GOOD
            and facts[nxt].words > 1
            and not facts[i].colon
        )
        if (
            prev is not None
            and nxt is not None
            and cls[prev] != SHORT
            and (cls[nxt] != SHORT or heading_next)
            and facts[i].sentence
        ):
            return "short_sentence"
        return None

    def _list_items(self, page: Page) -> set[int]:
        """Lines of a list and the line ending in a colon that introduces it: the lines after it
        in the same block (no blank line between), up to a chrome line or returning prose."""
        cls, facts, paras = page.cls, page.facts, page.paras
        n = len(cls)
        most = self.t.list_item_max_words
        items: set[int] = set()
        end = covered = 0
        for i in compress(range(n), map(_COLON, facts)):
            if cls[i] == DROP:
                continue
            if i < end:
                j = end  # inside the list the last colon line opened: it ends there too
            else:
                j = i + 1
                while (
                    j < n
                    and paras[j] == paras[i]
                    and cls[j] != DROP
                    and facts[j].words <= most
                    and not (cls[j] == GOOD and facts[j].sentence)
                ):
                    j += 1
                end = j
            if j - i - 1 >= 2:
                items.update(range(max(i, covered), j))  # the introducing line too
                covered = max(covered, j)
        return items

    def _result(
        self,
        page: Page,
        reasons: list[str | None],
        title: int | None,
        published: str | None,
        pub_line: int | None,
    ) -> CleanResult:
        facts, rule, paras = page.facts, page.rule, page.paras
        texts = list(map(_TEXT, facts))
        paragraphs: list[list[str]] = []
        last_para: int | None = None
        last_kept: int | None = None
        one_per_line = not paras or paras[0] == paras[-1]
        trim = self.rules.trim if self.rules.trim_start or self.rules.trim_end else None
        kept = list(map(is_not, reasons, repeat(None)))
        for i in compress(range(len(reasons)), kept):
            body = texts[i]
            if trim is not None:
                body, trimmed = trim(body)
                if trimmed:
                    reasons[i] = f"{reasons[i]}+{'+'.join(trimmed)}"
            if not one_per_line and paras[i] == last_para and last_kept == i - 1:
                paragraphs[-1].append(body)
            else:
                paragraphs.append([body])
            last_para, last_kept = paras[i], i
        # Every line not kept was dropped by a rule or a named step, so has a rule id.
        final: list[str] = rule[:]  # type: ignore[assignment]
        for i in compress(range(len(reasons)), kept):
            final[i] = reasons[i]  # type: ignore[assignment]
        removed = Counter(compress(final, map(not_, kept)))
        return CleanResult(
            text="\n\n".join("\n".join(p) for p in paragraphs),
            title=(page.title_text or texts[title]) if title is not None else None,
            title_line=page.nos[title] if title is not None else None,
            published=published,
            published_line=page.nos[pub_line] if pub_line is not None else None,
            removed=dict(sorted(removed.items())),
            line_numbers=page.nos,
            line_texts=texts,
            kept=kept,
            reasons=final,
        )


# Digits to zeros, keeping their script: a line's shape for the digit-blind part of its facts.
_ASCII_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_ZEROS = str.maketrans("123456789१२३४५६७८९", "000000000०००००००००")
_Part = tuple[int, int, "Rule | None", bool, bool, bool, str, str]
_DIGIT = re.compile(r"\d")  # any script's digits: the date finder reads them all
_ENDS = field("ends")
_RULE_ID = field("rule_id")
_TRUNCATED = field("truncated")
_PROSE = frozenset((GOOD, NEAR))
# Rule groups whose lines may still carry a date: layout ("2024-03-12") and bylines.
_DATED_GROUPS = frozenset(("layout", "byline"))
_COLON = field("colon")
_LONG = field("long")
_WORDY = field("wordy")
_CLS_STOP = field("cls_stop")
_CLS_LEN = field("cls_len")
_TEXT = field("text")
_WORDS = field("words")


SHORT_TEXT = "short_text"
_BULLET = LINE_FEATURES.index("bullet")
_NUMBERED = LINE_FEATURES.index("numbered")
# Drops that are definitions, not guesses, whatever the model says.
_ALWAYS_HARD = frozenset(("drop_wide_repeat", "title", "title_variant", "date_line"))
HARD_GROUPS = frozenset(("byline", "dates", "embeds"))
# A rule that matched inside a full sentence of this many words does not drop it by itself.
SENTENCE_GUARD_WORDS = 8

CleanerKind = Literal["model", "rules"]


def hard_rule(rule: Rule, ruleset: RuleSet, measured: frozenset[str]) -> bool:
    """Whether a rule's drop is a definition rather than a guess: the user's rules, metadata
    (dates, bylines), embedded posts, and rules measured hard in training (their lines were
    gold body at most 1 % of the time)."""
    return rule.id in ruleset.user_rules or rule.group in HARD_GROUPS or rule.id in measured


@lru_cache(maxsize=8)
def get_cleaner(rules_file: Path | None = None, kind: CleanerKind = "model") -> Cleaner:
    """A cleaner for the packaged rules (plus a rules file), built once per process."""
    return Cleaner(compiled_rules(rules_file), packaged_model() if kind == "model" else None)


def clean_text(
    text: str,
    rules_file: Path | None = None,
    repeated: frozenset[int] = frozenset(),
    kind: CleanerKind = "model",
) -> CleanResult:
    """Clean one article's normalized text."""
    return get_cleaner(rules_file, kind).clean(text, repeated)


def line_digest(line: str) -> int:
    """A compact, process-independent key for a normalized line (drop-wide counting)."""
    return int.from_bytes(hashlib.blake2b(line.encode(), digest_size=8).digest(), "big")


def keep_all(text: str) -> CleanResult:
    """Every line kept (--no-clean): lines normalized, paragraphs as the blank lines set them,
    no title or date looked for."""
    nos: list[int] = []
    texts: list[str] = []
    paragraphs: list[list[str]] = []
    fresh = True
    for no, raw in enumerate(text.split("\n"), 1):
        line = normalize_line(raw)
        if not line:
            fresh = True
            continue
        nos.append(no)
        texts.append(line)
        if fresh:
            paragraphs.append([])
            fresh = False
        paragraphs[-1].append(line)
    one_per_line = len(paragraphs) == 1
    blocks = paragraphs[0] if one_per_line else ["\n".join(p) for p in paragraphs]
    return CleanResult(
        text="\n\n".join(blocks),
        title=None,
        title_line=None,
        published=None,
        published_line=None,
        removed={},
        line_numbers=nos,
        line_texts=texts,
        kept=[True] * len(nos),
        reasons=["no_clean"] * len(nos),
    )
