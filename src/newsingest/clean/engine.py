"""Cleaner engine: one decision per line (rule or score), then title, date and the body text."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from ..models import CleanResult, LineDecision
from ..normalize import normalize_line
from .dates import DateFinder
from .headline import drop_title_copies, find_published, find_title
from .lines import (
    DROP,
    GOOD,
    MEMO_LINES,
    MEMO_MAX_CHARS,
    NEAR,
    SENTENCE_END,
    SHORT,
    WORD_EDGES,
    Facts,
    Line,
    title_case,
    units,
)
from .rules import CompiledRules, Rule, compiled_rules


class Cleaner:
    """Applies a compiled rule set to documents. Stateless between documents."""

    def __init__(self, rules: CompiledRules) -> None:
        self.rules = rules
        self.t = rules.t
        self._memo: dict[str, Facts] = {}
        self._raw_memo: dict[str, tuple[str, int, int]] = {}
        # Date lines are reported like a rule's drops, under the id "date_line".
        self._date_rule = Rule(
            id="date_line",
            group="dates",
            pattern="(?!)",
            why="a date with few other words",
            example="Tuesday, July 16, 2024",
        )
        self.dates = DateFinder(rules.ruleset)
        self.teaser_marks = {"date_line"} | {
            r.id for r in rules.ruleset.rules if r.group == "byline"
        }
        # Boundaries of these groups can fall inside an article (a related-stories box).
        self.soft_groups = {"related"}
        # Lines that may stand between a headline and its first paragraph.
        self.header_rules = {"date_line"} | {
            r.id
            for r in rules.ruleset.rules
            if r.group in ("byline", "share", "social", "credits", "ads")
        }

    # -- per-line features ---------------------------------------------------------------
    def _lines(self, text: str) -> list[Line]:
        out: list[Line] = []
        para = 0
        blank = True
        memo = self._raw_memo
        for no, raw in enumerate(text.split("\n"), 1):
            known = memo.get(raw)
            if known is None:
                known = self._measure(raw)
                if len(raw) <= MEMO_MAX_CHARS:
                    if len(memo) >= MEMO_LINES:
                        memo.clear()
                    memo[raw] = known
            s, words, stop = known
            if not s:
                para += 0 if blank else 1
                blank = True
                continue
            blank = False
            out.append(Line(no=no, text=s, para=para, words=words, stop=stop))
        return out

    def _measure(self, raw: str) -> tuple[str, int, int]:
        """A raw line's normalized text, word count and stopword count."""
        s = normalize_line(raw) if raw and not raw.isspace() else ""
        if not s:
            return s, 0, 0
        toks = s.split()
        low = WORD_EDGES.sub(" ", s.lower()).split()
        stop = sum(map(self.rules.stopwords.__contains__, low))
        return s, len(toks) if s.isascii() else units(s, len(toks)), stop

    def _classify(self, lines: list[Line]) -> None:
        t = self.t
        # Pages in a language without a stopword list (few long lines read as prose by the
        # lists) fall back to length and punctuation.
        long = [ln for ln in lines if ln.words >= t.good_words]
        wordy = sum(1 for ln in long if ln.stop >= t.good_stop_ratio * ln.words)
        use_stop = bool(long) and wordy >= t.stop_mode_share * len(long)
        for ln in lines:
            f = self._facts(ln.text, ln.words)
            if f.rule is not None:
                ln.cls, ln.rule, ln.group = DROP, f.rule.id, f.rule.group
                ln.ends_article = f.rule.ends_article
                ln.date = f.date
                continue
            ln.date = f.date
            ratio = ln.stop / ln.words if ln.words else 0.0
            if f.headline:
                ln.cls = SHORT  # a headline (teaser or subheading), never prose on its own
            elif use_stop:
                if ln.words >= t.good_words and ratio >= t.good_stop_ratio:
                    ln.cls = GOOD
                elif ratio >= t.near_stop_ratio and (
                    ln.words >= t.good_words or (ln.words >= t.near_words and f.sentence)
                ):
                    ln.cls = NEAR
                else:
                    ln.cls = SHORT
            elif ln.words >= t.good_words and f.sentence:
                ln.cls = GOOD
            elif (ln.words >= t.near_words and f.sentence) or ln.words >= t.good_words:
                ln.cls = NEAR
            else:
                ln.cls = SHORT

    def _facts(self, text: str, words: int) -> Facts:
        """What a line is on its own (rule, date, shape), memoized: site chrome repeats across
        a drop's pages, and a repeated line costs a dictionary lookup."""
        facts = self._memo.get(text)
        if facts is not None:
            return facts
        t = self.t
        rule = self.rules.match_line(text, words)
        hit = None
        # A layout rule (no letters: "2024-03-12") yields to the date finder.
        if rule is None or rule.group == "layout":
            # Date lines and datelines are short; body sentences with dates are not wanted.
            short = words <= t.date_max_words
            hit = self.dates.find(text) if short else None
            most = t.date_line_max_extra_words
            if hit is not None:
                dated = self.dates.extra_words(text, hit) <= most
            else:
                dated = short and self.dates.yearless_line(text, most)
            if dated:
                rule = self._date_rule
        sentence = bool(SENTENCE_END.search(text))
        facts = Facts(rule, hit, sentence, not sentence and title_case(text))
        if len(text) <= MEMO_MAX_CHARS:
            if len(self._memo) >= MEMO_LINES:
                self._memo.clear()  # bounded memory; the memo only saves time
            self._memo[text] = facts
        return facts

    def _demote_teasers(self, lines: list[Line]) -> None:
        """A headline-like line (no full stop) followed by a byline or date heads a teaser in a
        list of other stories, not a paragraph of this one."""
        for i, ln in enumerate(lines[:-1]):
            if ln.cls in (GOOD, NEAR) and not SENTENCE_END.search(ln.text):
                nxt = lines[i + 1]
                if nxt.cls == DROP and nxt.rule in self.teaser_marks:
                    ln.cls = SHORT

    # -- body region -------------------------------------------------------------------------
    def _region(self, lines: list[Line], title: int | None) -> tuple[int, int] | None:
        """First and last line index of the body: the run of prose right under the headline
        (unless it is tiny next to the page's largest run), extended by runs that follow
        without an end-of-article marker between."""
        body = [i for i, ln in enumerate(lines) if ln.cls == GOOD]
        if not body:
            body = [i for i, ln in enumerate(lines) if ln.cls == NEAR]
        if not body:
            return None
        clusters: list[list[int]] = [[body[0]]]
        for prev, cur in pairwise(body):
            between = lines[prev + 1 : cur]
            gap = sum(1 for ln in between if ln.cls in (DROP, SHORT))
            boundary = any(ln.ends_article for ln in between)
            if gap <= self.t.region_gap and not boundary:
                clusters[-1].append(cur)
            else:
                clusters.append([cur])

        def weight(c: list[int]) -> int:
            # Capped per line: a page may carry the whole article again as one giant line.
            return sum(min(len(lines[i].text), self.t.line_weight_cap) for i in c)

        heaviest = max(range(len(clusters)), key=lambda k: weight(clusters[k]))
        top = weight(clusters[heaviest])
        main = heaviest
        if title is not None:
            after = next((k for k, c in enumerate(clusters) if c[0] > title), None)
            if (
                after is not None
                and clusters[after][0] - title <= self.t.title_to_body_lines
                and weight(clusters[after]) >= self.t.first_run_share * top
            ):
                main = after
        start, end = clusters[main][0], clusters[main][-1]
        so_far = weight(clusters[main])
        for c in clusters[main + 1 :]:
            between = lines[end + 1 : c[0]]
            if any(ln.ends_article and ln.group not in self.soft_groups for ln in between):
                break  # comments: what follows is readers' text, however long
            # A related-stories box can sit inside an article; more article follows it
            # when the next run outweighs what was read so far.
            soft = any(ln.ends_article for ln in between)
            need = self.t.soft_cross_share if soft else self.t.next_run_share
            if weight(c) < need * so_far:
                break
            if not any(SENTENCE_END.search(lines[i].text) for i in c):
                break  # headlines without a single sentence: a list of other stories
            end = c[-1]
            so_far += weight(c)
        # The article's opening can be cut off from the rest by a share or newsletter box:
        # earlier runs join too, under the headline and with no end-of-article marker between.
        for c in reversed(clusters[:main]):
            between = lines[c[-1] + 1 : start]
            if (title is not None and c[0] < title) or any(ln.ends_article for ln in between):
                break
            if weight(c) < self.t.next_run_share * so_far:
                break
            if not any(SENTENCE_END.search(lines[i].text) for i in c):
                break
            start = c[0]
            so_far += weight(c)
        return start, end

    # -- the whole document ----------------------------------------------------------------------
    def clean(self, text: str, repeated: frozenset[int] = frozenset()) -> CleanResult:
        """Decide every line. `repeated` holds line_digest()s of lines that repeat across the
        drop (--drop-wide); they are dropped as chrome."""
        lines = self._lines(text)
        self._classify(lines)
        if repeated:
            for ln in lines:
                if ln.cls != DROP and line_digest(ln.text) in repeated:
                    ln.cls, ln.rule = DROP, "drop_wide_repeat"
        title = find_title(lines, self.t, self.header_rules)
        self._demote_teasers(lines)
        if title is not None:
            drop_title_copies(lines, title)
        region = self._region(lines, title)
        start, end = region if region else (len(lines), -1)
        lists = self._list_items(lines)
        # A list introduced at the body's last line ("Tour dates:") belongs to the body.
        while end + 1 in lists:
            end += 1
        published, pub_line = find_published(lines, title, start, self.dates)
        keep_reason: dict[int, str] = {}
        for i, ln in enumerate(lines):
            if ln.cls == DROP:
                continue
            if i < start:
                ln.cls, ln.rule = DROP, "before_body"
            elif i > end:
                ln.cls, ln.rule = DROP, "after_body"
            elif ln.cls in (GOOD, NEAR):
                keep_reason[i] = "body" if ln.cls == GOOD else "near_body"
            elif i in lists:
                keep_reason[i] = "list_item"
            else:
                reason = self._short_in_region(lines, i)
                if reason is None:
                    ln.cls, ln.rule = DROP, "short_line"
                else:
                    keep_reason[i] = reason
        return self._result(lines, keep_reason, title, published, pub_line)

    def _list_items(self, lines: list[Line]) -> set[int]:
        """Lines of a list and the line ending in a colon that introduces it: the lines after it
        in the same block (no blank line between), up to a chrome line or returning prose."""
        items: set[int] = set()
        for i, ln in enumerate(lines):
            if ln.cls == DROP or not ln.text.endswith(":"):
                continue
            j = i + 1
            while (
                j < len(lines)
                and lines[j].para == ln.para
                and lines[j].cls != DROP
                and lines[j].words <= self.t.list_item_max_words
                and not (lines[j].cls == GOOD and SENTENCE_END.search(lines[j].text))
            ):
                j += 1
            if j - i - 1 >= 2:
                items.update(range(i, j))  # the introducing line too
        return items

    def _short_in_region(self, lines: list[Line], i: int) -> str | None:
        """Keep a short line inside the body when it reads as a subheading or a short sentence."""
        nxt = next((ln for ln in lines[i + 1 :] if ln.cls != DROP), None)
        prev = next((ln for ln in reversed(lines[:i]) if ln.cls != DROP), None)
        ln = lines[i]
        run = 0
        for other in lines[i:]:
            if other.cls not in (SHORT,) or other.words > self.t.short_words:
                break
            run += 1
        if run >= self.t.menu_run:
            return None
        if nxt is not None and nxt.cls == GOOD and ln.words > 1:
            return "subheading"
        if (
            prev is not None
            and nxt is not None
            and prev.cls != SHORT
            and nxt.cls != SHORT
            and (SENTENCE_END.search(ln.text))
        ):
            return "short_sentence"
        return None

    def _result(
        self,
        lines: list[Line],
        keep_reason: dict[int, str],
        title: int | None,
        published: str | None,
        pub_line: int | None,
    ) -> CleanResult:
        decisions: list[LineDecision] = []
        paragraphs: list[list[str]] = []
        last_para: int | None = None
        last_kept: int | None = None
        one_per_line = len({ln.para for ln in lines}) <= 1
        for i, ln in enumerate(lines):
            if i not in keep_reason:
                decisions.append(LineDecision(ln.no, ln.text, False, ln.rule or "dropped"))
                continue
            body, trimmed = self.rules.trim(ln.text)
            reason = keep_reason[i] if not trimmed else f"{keep_reason[i]}+{'+'.join(trimmed)}"
            decisions.append(LineDecision(ln.no, ln.text, True, reason))
            joined = not one_per_line and ln.para == last_para and last_kept == i - 1
            if joined:
                paragraphs[-1].append(body)
            else:
                paragraphs.append([body])
            last_para, last_kept = ln.para, i
        text = "\n\n".join("\n".join(p) for p in paragraphs)
        return CleanResult(
            text=text,
            title=lines[title].text if title is not None else None,
            title_line=lines[title].no if title is not None else None,
            published=published,
            published_line=lines[pub_line].no if pub_line is not None else None,
            decisions=tuple(decisions),
        )


@lru_cache(maxsize=8)
def get_cleaner(rules_file: Path | None = None) -> Cleaner:
    """A cleaner for the packaged rules (plus a rules file), built once per process."""
    return Cleaner(compiled_rules(rules_file))


def clean_text(
    text: str, rules_file: Path | None = None, repeated: frozenset[int] = frozenset()
) -> CleanResult:
    """Clean one article's normalized text."""
    return get_cleaner(rules_file).clean(text, repeated)


def line_digest(line: str) -> int:
    """A compact, process-independent key for a normalized line (drop-wide counting)."""
    return int.from_bytes(hashlib.blake2b(line.encode(), digest_size=8).digest(), "big")
