"""Every shortcut taken for speed gives what its plain definition gives."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsingest.clean import engine
from newsingest.clean.engine import Cleaner
from newsingest.clean.lines import SENTENCE_END, WORD_EDGES, fold_key, sentence_end, title_case
from newsingest.clean.rules import Rule, compiled_rules, load_ruleset, needle_trie
from newsingest.normalize import _SPACES, normalize_line, normalize_text

RULES = load_ruleset().rules
# Lines built from rule examples, cut, re-cased and padded: near misses and hits alike.
pieces = st.sampled_from([r.example for r in RULES] + ["Home", "News", "the", "|", "(12)", "—"])
padding = st.sampled_from(["", " ", "  ", "\t", "\u00a0", " said ", "…", ":", "2024"])


@st.composite
def rule_lines(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(pieces, padding), min_size=1, max_size=3))
    text = "".join(p + pad for p, pad in parts)
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    return normalize_line(case(text))


def reference_match(text: str, words: int) -> Rule | None:
    """The plain definition: the first rule in file order whose regex matches (whole line or
    anywhere), case-insensitively, within its word limits."""
    t = compiled_rules().t
    for rule in RULES:
        rx = re.compile(rule.pattern, re.IGNORECASE)
        if rule.kind == "line":
            if words > t.line_rule_max_words:
                continue
            if (rule.max_words is None or words <= rule.max_words) and rx.fullmatch(text):
                return rule
    for rule in RULES:
        if (
            rule.kind == "contains"
            and words <= (rule.max_words or t.contains_max_words)
            and re.compile(rule.pattern, re.IGNORECASE).search(text)
        ):
            return rule
    return None


@settings(max_examples=400, deadline=None)
@given(rule_lines())
def test_match_line_agrees_with_asking_rule_by_rule(text: str) -> None:
    words = len(text.split())
    got = compiled_rules().match_line(text, words)
    want = reference_match(text, words)
    assert (got.id if got else None) == (want.id if want else None)


def test_every_rule_example_holds_one_of_its_needles() -> None:
    for rule in RULES:
        if rule.needles:
            assert any(n in rule.example.lower() for n in rule.needles), rule.id


@given(st.lists(st.text("abcs ", min_size=1, max_size=4), min_size=1, max_size=6), st.text("abcs "))
def test_needle_trie_finds_exactly_the_needles(needles: list[str], text: str) -> None:
    rx = re.compile(needle_trie(needles))
    assert (rx.search(text) is not None) == any(n in text for n in needles)


@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_sentence_end_is_the_regex(text: str) -> None:
    text = text.strip()
    assert sentence_end(text) == bool(SENTENCE_END.search(text))


@given(st.text(max_size=60))
def test_title_case_counts_initials_of_words_that_start_with_a_letter(text: str) -> None:
    words = [w for w in text.split() if w[:1].isalpha()]
    want = bool(words) and sum(1 for w in words if w[0].isupper()) >= 0.6 * len(words)
    assert title_case(text) == want


@given(st.text(st.sampled_from("ab \t\u00a0\u2009\u3000x"), max_size=30))
def test_normalize_line_is_one_substitution(line: str) -> None:
    assert normalize_line(line) == _SPACES.sub(" ", line).strip()


def test_normalize_text_keeps_indic_joiners_and_nfcs_each_line() -> None:
    text = "क\u200dष x\u200dy\r\ne\u0301\u200b\x07"
    assert normalize_text(text) == "क\u200dष xy\n" + unicodedata.normalize("NFC", "e\u0301")


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("abcXYZ .,:;-'\"“”…|।कि0123456789"), max_size=50))
def test_ascii_and_unicode_fold_paths_agree(text: str) -> None:
    """Keys and stopword counts from the bytes path equal those of the regex path."""
    cleaner = Cleaner(compiled_rules())
    line = normalize_line(text)
    if not line:
        return
    facts = cleaner._facts(line)
    assert facts is not None
    if len(line) <= engine.MEMO_MAX_CHARS:
        assert facts.key == fold_key(line)
    tokens = WORD_EDGES.sub(" ", line.lower()).split()
    assert facts.stop == sum(t in cleaner.rules.stopwords for t in tokens)


def test_a_full_memo_changes_no_result(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The line memo turns over when full, mid-drop: results must not depend on it."""
    pages = [
        "Home\nNews\n\nBig storm hits the coast\n\nBy Jane Doe\n\n"
        f"The storm reached the coast on day {k} and the town was without power for hours.\n\n"
        "Residents said they had never seen such wind in all the years they had lived there.\n\n"
        "Leave a Reply"
        for k in range(30)
    ]
    fresh = [Cleaner(compiled_rules()).clean(p) for p in pages]
    monkeypatch.setattr(engine, "MEMO_LINES", 5)
    small = Cleaner(compiled_rules())
    again = [small.clean(p) for p in pages]
    assert [r.text for r in again] == [r.text for r in fresh]
    assert [r.removed for r in again] == [r.removed for r in fresh]
    # Never past the bound, even within one page: two generations of at most half of it.
    assert len(small._memo) + len(small._old) <= 5


english_words = st.sampled_from(
    ["the", "of", "and", "hai", "nahi", "café", "It’s", "“said”", "—", "3.5", "x-y"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(english_words, min_size=0, max_size=40).map(" ".join), min_size=1, max_size=6
    ).map("\n\n".join)
)
def test_latin_fast_path_bytes_split_equals_the_regex_split(text: str) -> None:
    from newsingest.langid import _PUNCT, _chars, _latin_pages, _latin_shares, lang_data

    data = lang_data()
    words = [_PUNCT.sub(" ", p.lower()).split() for p in text.split("\n\n")]
    assert _latin_pages(text, data) == _latin_shares(
        words, data, data.english, data.hinglish, _chars
    )


def test_first_chars_hold_the_first_character_of_every_match() -> None:
    from newsingest.clean.rules import first_chars

    assert first_chars(r"(a|bc)?\s*x") == frozenset("abxABX") | first_chars(r"\s")  # type: ignore[operator]
    assert first_chars(r"[^a]b") is None
    assert "७" in (first_chars(r"\d+ min") or set())  # \d reads every script's digits
    for rule in RULES:
        chars = first_chars(rule.pattern)
        if rule.kind == "line" and chars is not None:
            assert rule.example[0] in chars, rule.id


numbered = st.sampled_from(
    [r.example for r in RULES]
    + ["5 hours ago", "Nov 19, 2019 10:45 AM", "Updated: 16 जुलाई 2024", "१२ घंटे पहले", "Page 3 of 10"]
)


@settings(max_examples=300, deadline=None)
@given(numbered, st.lists(st.sampled_from("0123456789१२"), min_size=1, max_size=6))
def test_digit_blind_part_is_shared_only_where_digits_do_not_matter(
    line: str, digits: list[str]
) -> None:
    """Facts of a line with other digits, through the shape memo, equal its own facts."""
    it = iter(digits * 20)
    other = re.sub(r"\d", lambda m: next(it), line)
    cleaner = Cleaner(compiled_rules())
    cleaner._facts(line)  # fills the shape memo with the first line's part
    got = cleaner._facts(other)
    with pytest.MonkeyPatch.context() as mp:  # shapes keep their digits: no sharing at all
        mp.setattr(engine, "_ASCII_ZEROS", bytes(range(256)))
        mp.setattr(engine, "_ZEROS", {})
        want = Cleaner(compiled_rules())._facts(other)
    assert got == want


def test_a_valid_and_an_invalid_date_of_one_shape_are_told_apart() -> None:
    cleaner = Cleaner(compiled_rules())
    real = cleaner._facts("Nov 19, 2019")
    fake = cleaner._facts("Nov 45, 7915")
    assert real is not None and real.date is not None and real.rule_id == "date_line"
    assert fake is not None and fake.date is None


list_lines = st.sampled_from(
    [
        "Tour dates:",
        "Ingredients:",
        "Paris",
        "Two eggs",
        "",
        "Leave a Reply",
        "The band played a long set in the rain and everyone stayed until the end of it.",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(list_lines, min_size=1, max_size=30))
def test_list_items_equal_a_scan_from_every_colon_line(lines: list[str]) -> None:
    """Colon lines inside a list reuse its end; the plain definition scans from each one."""
    cleaner = Cleaner(compiled_rules())
    page = cleaner._page(normalize_text("\n".join(lines)))
    cleaner._classify(page)
    cls, facts, paras = page.cls, page.facts, page.paras
    most = cleaner.t.list_item_max_words
    want: set[int] = set()
    for i, f in enumerate(facts):
        if not f.text.endswith(":") or cls[i] == engine.DROP:
            continue
        j = i + 1
        while (
            j < len(facts)
            and paras[j] == paras[i]
            and cls[j] != engine.DROP
            and facts[j].words <= most
            and not (cls[j] == engine.GOOD and facts[j].sentence)
        ):
            j += 1
        if j - i - 1 >= 2:
            want.update(range(i, j))
    assert cleaner._list_items(page) == want


def test_a_huge_page_of_short_lines_keeps_its_title_search_near_the_top() -> None:
    """Past title_scan_max_lines the title search stops: a page of 50,000 list lines (no
    prose) still gets a title from its first lines, not a pass per line over the whole page."""
    lines = [
        "Big Storm Hits The Coast Tonight",
        *(f"Item number {k} of the list" for k in range(50_000)),
    ]
    result = Cleaner(compiled_rules()).clean("\n".join(lines))
    assert result.lines == 50_001
    assert (
        result.title_line is not None
        and result.title_line <= compiled_rules().t.title_scan_max_lines
    )


@given(st.text(st.sampled_from('ab Ü।…—“"(.,:-_0\x1c\t\n'), max_size=40))
def test_marks_to_spaces_splits_like_the_regex(text: str) -> None:
    from newsingest.clean.lines import EDGES
    from newsingest.langid import PUNCT

    for marks in (EDGES, PUNCT):
        low = text.lower()
        want = [w.encode("utf-8") for w in marks.regex.sub(" ", low).split()]
        assert marks.to_spaces(low).split() == want
