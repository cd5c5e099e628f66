"""The learned line decisions: the model file, array scoring, the sequence step, and the
behaviour the design promises (comments end the article, sentences survive chrome rules,
short texts stay whole, explain and parse agree)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest import Article, IngestConfig, parse_text
from newsingest.clean import clean_text
from newsingest.clean.engine import Cleaner
from newsingest.clean.features import FEATURES, SIDE_WINDOWS, WINDOWS
from newsingest.clean.model import Decoder, model_from_dict, model_path, packaged_model
from newsingest.clean.rules import compiled_rules
from newsingest.clean.sequence import AFTER, BEFORE, COMMENTS, INSIDE, best_region, decode
from newsingest.normalize import normalize_text

ARTICLE = [
    "Heavy rain fell for a third day on Sunday, and the river rose above its banks in several "
    "towns along the valley, officials said.",
    "Residents were told to move their cars to higher ground before the evening, when the "
    "water is expected to peak, and schools stayed closed for the rest of the week.",
    "The county opened two shelters at schools in the north of the valley, and volunteers "
    "brought food and blankets for the families who came in from the low streets.",
    '"We have seen floods before, but never this early in the year," said the mayor, who has '
    "lived in the town for forty years and remembers the great flood of 1982.",
]
COMMENTS_BLOCK = [
    '12 Responses to "Rivers rise across the valley"',
    "Jo Smith on March 4, 2024 at 5:14 pm said:",
    "This is exactly what happened to us last year, and the county did nothing about the "
    "drains on our street even after we wrote to them three times about it.",
    "Sam Lee on March 4, 2024 at 6:02 pm said:",
    "I think the mayor is right that it is early, but the river has been rising earlier every "
    "spring for the last ten years and somebody should be asking why that is.",
]


def _walk(doc: dict, row: np.ndarray) -> float:
    """Reference scoring: each tree walked node by node, in plain Python."""
    total = doc["baseline"]
    for t in doc["trees"]:
        node = 0
        while t["left"][node] >= 0:
            go_left = row[t["feature"][node]] <= t["threshold"][node]
            node = t["left"][node] if go_left else t["right"][node]
        total += t["value"][node]
    return float(total)


def test_model_file_matches_the_code() -> None:
    doc = json.loads(model_path().read_text(encoding="utf-8"))
    assert tuple(doc["features"]) == FEATURES
    assert 0 < len(doc["trees"]) <= 400
    assert doc["training"]["cv_scores"], "the model file must carry its CV scores"
    assert len(packaged_model().digest) == 16


def test_array_scoring_equals_walking_each_tree() -> None:
    """The vectorized walk over all trees gives the reference margin on every row, including
    rows that sit exactly on thresholds."""
    model = packaged_model()
    doc = model.doc
    rng = random.Random(7)
    thresholds = [v for t in doc["trees"] for v in t["threshold"]]
    rows = np.array(
        [
            [rng.choice([rng.uniform(-2, 5), rng.choice(thresholds)]) for _ in FEATURES]
            for _ in range(40)
        ]
    )
    got = model.margins(rows)
    for row, margin in zip(rows, got, strict=True):
        assert math.isclose(margin, _walk(doc, row), rel_tol=1e-9, abs_tol=1e-9)


def test_a_one_tree_model_scores_by_hand() -> None:
    doc = {
        "features_version": packaged_model().doc["features_version"],
        "features": list(FEATURES),
        "baseline": -1.0,
        "depth": 1,
        "decoder": {"center": 0.5, "inside": 0.3, "outside": 0.9},
        "trees": [
            {
                "feature": [2, 0, 0],
                "threshold": [0.5, 0, 0],
                "left": [1, -1, -1],
                "right": [2, -1, -1],
                "value": [0.0, -2.0, 3.0],
            }
        ],
    }
    model = model_from_dict(doc)
    x = np.zeros((2, len(FEATURES)))
    x[1, 2] = 1.0  # the split feature above its threshold
    assert list(model.margins(x)) == [-3.0, 2.0]


@given(st.lists(st.floats(min_value=-50, max_value=50, allow_nan=False), max_size=40))
def test_best_region_is_the_maximum_subarray(gains: list[float]) -> None:
    arr = np.array(gains, dtype=np.float64)
    span = best_region(arr)
    best = max(
        (sum(gains[i : j + 1]) for i in range(len(gains)) for j in range(i, len(gains))),
        default=0.0,
    )
    if best <= 1e-9:
        assert span is None or math.isclose(sum(gains[span[0] : span[1] + 1]), best, abs_tol=1e-6)
    else:
        assert span is not None
        assert math.isclose(sum(gains[span[0] : span[1] + 1]), best, rel_tol=1e-9, abs_tol=1e-6)


def test_decode_keeps_one_stretch_and_stops_at_comments() -> None:
    scores = np.array([0.1, 0.8, 0.35, 0.9, 0.2, 0.95, 0.97])
    tokens = np.full(7, 10.0)
    openers = [False, False, False, False, False, True, False]
    steps, opened, _ = decode(scores, tokens, Decoder(0.5, 0.3, 0.9), [False] * 7, openers)
    # Line 2 (0.35) sits inside the stretch and is kept; nothing from the opener on is body,
    # however sure the model is.
    assert opened == 5
    assert steps[0] == BEFORE
    assert steps[1:4] == [INSIDE, INSIDE, INSIDE]
    assert steps[4] == AFTER
    assert steps[5:] == [COMMENTS, COMMENTS]


def test_a_comments_link_above_the_article_does_not_end_it() -> None:
    scores = np.array([0.1, 0.2, 0.9, 0.95, 0.9])
    openers = [False, True, False, False, False]
    steps, opened, _ = decode(
        scores, np.full(5, 10.0), Decoder(0.5, 0.3, 0.9), [False] * 5, openers
    )
    assert opened is None
    assert steps[2:] == [INSIDE] * 3


def test_lines_above_the_title_are_not_body_and_a_title_below_the_article_is_no_title() -> None:
    scores = np.array([0.45, 0.1, 0.9, 0.9, 0.1, 0.2])
    d = Decoder(0.5, 0.3, 0.9)
    no = [False] * 6
    steps, _, title_ok = decode(scores, np.full(6, 10.0), d, no, no, title=1)
    assert title_ok and steps[0] == BEFORE and steps[2:4] == [INSIDE, INSIDE]
    steps, _, title_ok = decode(scores, np.full(6, 10.0), d, no, no, title=5)
    assert not title_ok and steps[2:4] == [INSIDE, INSIDE]


def test_teasers_do_not_choose_the_stretch_unless_nothing_else_can() -> None:
    d = Decoder(0.5, 0.25, 0.9)
    no = [False] * 6
    tokens = np.full(6, 20.0)
    # Excerpts of other stories (0, 1) above a short article (3, 4, 5) with a weaker score.
    scores = np.array([0.8, 0.8, 0.1, 0.6, 0.6, 0.6])
    teasers = [True, True, False, False, False, False]
    steps, _, _ = decode(scores, tokens, d, no, no, None, teasers)
    assert steps[:2] == [BEFORE, BEFORE] and steps[3:] == [INSIDE] * 3
    # A page of excerpts only (a blog's index): their words count after all.
    steps, _, _ = decode(np.full(4, 0.8), np.full(4, 20.0), d, no[:4], no[:4], None, [True] * 4)
    assert steps == [INSIDE] * 4


def test_a_title_under_a_line_the_model_counts_as_body_is_a_body_line() -> None:
    # Line 0 reads as body (above the center, though not sure enough to be kept outside the
    # stretch), so line 3 is no headline but a line of the article (a text that has no
    # headline, split at a link): the page is read again without it.
    scores = np.array([0.6, 0.1, 0.1, 0.6, 0.9, 0.9])
    no = [False] * 6
    _, _, title_ok = decode(scores, np.full(6, 10.0), Decoder(0.5, 0.3, 0.9), no, no, title=3)
    assert not title_ok
    # Below the center it is a kicker or a menu line, and the title stands; so it does for a
    # short line above the center that is not sure body (a site's tagline).
    below = np.array([0.45, 0.1, 0.1, 0.6, 0.9, 0.9])
    _, _, title_ok = decode(below, np.full(6, 10.0), Decoder(0.5, 0.3, 0.9), no, no, title=3)
    assert title_ok
    tagline = np.array([5.0, 10.0, 10.0, 10.0, 10.0, 10.0])
    _, _, title_ok = decode(scores, tagline, Decoder(0.5, 0.3, 0.9), no, no, title=3)
    assert title_ok
    # A line above that a hard decision dropped (a date, a byline) does not count.
    blocked = [True, False, False, False, False, False]
    _, _, title_ok = decode(scores, np.full(6, 10.0), Decoder(0.5, 0.3, 0.9), blocked, no, title=3)
    assert title_ok


def _clean(lines: list[str]) -> tuple[str, object]:
    result = clean_text(normalize_text("\n\n".join(lines)))
    return result.text, result


def test_reader_comments_are_not_body_and_explain_names_where_they_start() -> None:
    page = ["Home", "World", "Rivers rise across the valley", *ARTICLE, *COMMENTS_BLOCK]
    text, result = _clean(page)
    for para in ARTICLE:
        assert para in text
    for comment in COMMENTS_BLOCK:
        assert comment not in text
    assert result.comments_line is not None  # type: ignore[attr-defined]
    opened = result.line_texts[result.line_numbers.index(result.comments_line)]  # type: ignore[attr-defined]
    assert opened == COMMENTS_BLOCK[0]


@pytest.mark.parametrize(
    "headers",
    [
        ("Jo Smith said,", "Sam Lee said,"),  # WordPress themes
        ("Anonymous said...", "Sam Lee said..."),  # Blogger
        ("Jo Smith 03.04.24 at 17:14", "Sam Lee 03.04.24 at 18:02"),  # signature and time
        ("{ 2 comments… read them below or add one }", "Sam Lee said,"),
    ],
)
def test_comment_sections_without_a_count_header_still_end_the_article(
    headers: tuple[str, str],
) -> None:
    first, second = headers
    comments = [first, COMMENTS_BLOCK[2], second, COMMENTS_BLOCK[4]]
    text, result = _clean(["Home", "World", "Rivers rise across the valley", *ARTICLE, *comments])
    for para in ARTICLE:
        assert para in text
    assert COMMENTS_BLOCK[2] not in text and COMMENTS_BLOCK[4] not in text
    opened = result.line_texts[result.line_numbers.index(result.comments_line)]  # type: ignore[attr-defined]
    assert opened == first


def test_a_chrome_rule_inside_a_full_sentence_does_not_drop_it() -> None:
    """Rules that fire on chrome phrases ('terms of service', 'copyright') must not take a
    body sentence that merely mentions them."""
    sentences = [
        "The company said the user had breached its terms of service, and the account was "
        "closed on Friday after a review that took three weeks.",
        "All rights reserved, the publisher's lawyers wrote in the letter, which the court "
        "read aloud before it ruled on the copyright claim.",
    ]
    page = ["Court rules on copyright claim", ARTICLE[0], *sentences, *ARTICLE[1:]]
    text, _ = _clean(page)
    for s in sentences:
        assert s in text


def test_short_texts_without_chrome_are_kept_whole() -> None:
    verse = [
        "Tum itna jo muskura rahe ho",
        "Kya gham hai jisko chhupa rahe ho",
        "Aankhon mein nami hansi labon par",
    ]
    text, _ = _clean(verse)
    assert text.split("\n\n") == verse
    hindi = ["मेरा नाम क्या है", "दिल ढूंढता है फिर वही"]
    text, _ = _clean(hindi)
    assert text.split("\n\n") == hindi


def test_no_clean_keeps_every_line_and_paragraph() -> None:
    raw = "Home\nWorld\n\nShare this\n\n" + ARTICLE[0] + "\n\nLeave a Reply\n"
    items = parse_text(raw, "x.txt", IngestConfig(cleaner="off"))
    (article,) = items
    assert isinstance(article, Article)
    assert article.text == "Home\nWorld\n\nShare this\n\n" + ARTICLE[0] + "\n\nLeave a Reply"
    assert article.removed == {}


def test_explain_and_parse_agree_on_what_is_kept() -> None:
    page = ["Menu", "Rivers rise across the valley", *ARTICLE, *COMMENTS_BLOCK]
    _, result = _clean(page)
    kept = [t for t, k in zip(result.line_texts, result.kept, strict=True) if k]  # type: ignore[attr-defined]
    assert "\n\n".join(kept) == result.text  # type: ignore[attr-defined]


def test_every_short_text_fixture_is_kept_whole() -> None:
    """Verse, lyrics, one-line quotes and snippets (tests/cases/hindi/short_texts.json, our own
    writing) become records with every line, never `no_text_after_cleaning`."""
    path = Path(__file__).parent / "cases" / "hindi" / "short_texts.json"
    cases = json.loads(path.read_text(encoding="utf-8"))
    assert len(cases) >= 10
    for case in cases:
        (item,) = parse_text(case["text"], "short.txt")
        assert isinstance(item, Article), case["label"]
        want = [normalize_text(line).strip() for line in case["text"].split("\n") if line.strip()]
        assert item.text.replace("\n\n", "\n").split("\n") == want, case["label"]


def test_a_page_the_model_finds_nothing_on_keeps_its_most_body_like_stretch() -> None:
    """No line above the center (a script or layout never seen in training): the page is
    judged against its own best score instead of coming out empty."""
    scores = np.array([0.02, 0.03, 0.30, 0.35, 0.32, 0.04])
    no = [False] * 6
    steps, _, _ = decode(scores, np.full(6, 10.0), Decoder(0.5, 0.3, 0.9), no, no)
    assert steps[2:5] == [INSIDE, INSIDE, INSIDE]
    assert steps[0] == BEFORE and steps[5] == AFTER


def test_side_windows_and_the_main_prose_run_locate_the_article() -> None:
    menu = ["Home", "World", "Business", "Sport"]
    _, _, x = Cleaner(compiled_rules(), None, features=True).analyse(
        "\n".join([*menu, *ARTICLE, *COMMENTS_BLOCK])
    )
    col = {name: i for i, name in enumerate(FEATURES)}
    first, last = len(menu), len(menu) + len(ARTICLE) - 1
    # The article is the heaviest prose run: distance 0 inside, signed outside it.
    assert x[first : last + 1, col["in_main"]].tolist() == [1.0] * len(ARTICLE)
    assert x[0, col["main_dist"]] == -first / 10 and x[last + 1, col["main_dist"]] == 0.1
    assert x[first, col["block_words"]] > x[last + 3, col["block_words"]] > 0  # a comment
    # Nothing lies above the first line; the article's first line sees the menu above it and
    # prose below it.
    assert x[0, col["sentence^5"]] == -1.0
    assert x[first, col["sentence^5"]] == 0.0 and x[first, col["sentencev5"]] > 0.5


def test_window_features_are_plain_means_of_the_rows_around() -> None:
    lines = [*ARTICLE, *COMMENTS_BLOCK, "Home", "About us", *ARTICLE[:2]]
    _, _, x = Cleaner(compiled_rules(), None, features=True).analyse("\n".join(lines))
    col = {name: i for i, name in enumerate(FEATURES)}
    n = len(x)
    own = x[:, col["log_words"]]
    for i in range(n):
        for w in WINDOWS:
            want = own[max(i - w, 0) : i + w + 1].mean()
            assert math.isclose(x[i, col[f"log_words~{w}"]], want, rel_tol=1e-12)
        for w in SIDE_WINDOWS:
            above, below = own[max(i - w, 0) : i], own[i + 1 : i + 1 + w]
            assert math.isclose(
                x[i, col[f"log_words^{w}"]], above.mean() if len(above) else -1.0, rel_tol=1e-12
            )
            assert math.isclose(
                x[i, col[f"log_wordsv{w}"]], below.mean() if len(below) else -1.0, rel_tol=1e-12
            )
