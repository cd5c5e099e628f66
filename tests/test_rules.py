"""The rule files: valid, unique, and every rule drops its own example line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsingest.clean.engine import get_cleaner
from newsingest.clean.rules import Rule, compiled_rules, load_ruleset
from newsingest.errors import RulesError

from .conftest import rules_file

RULES = load_ruleset().rules


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_matches_its_example(rule: Rule) -> None:
    rx = re.compile(rule.pattern, re.IGNORECASE)
    if rule.kind == "line":
        assert rx.fullmatch(rule.example)
    elif rule.kind == "contains":
        assert rx.search(rule.example)
        assert len(rule.example.split()) <= (rule.max_words or 30)
    else:
        _, used = compiled_rules().trim("Body text goes here. " + rule.example)
        assert rule.id in used


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_example_is_dropped_as_chrome(rule: Rule) -> None:
    """Whatever rule fires first, the example line never survives as a whole line."""
    if rule.kind in ("line", "contains"):
        assert compiled_rules().match_line(rule.example, len(rule.example.split())) is not None


def test_rule_ids_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


def test_stopwords_both_languages() -> None:
    rs = load_ruleset()
    assert {"the", "and", "of"} <= rs.stopwords
    assert {"का", "की", "है"} <= rs.stopwords


def test_user_rules_file_layers_on_defaults(tmp_path: Path) -> None:
    extra = rules_file(tmp_path, "site_motto", "All the news that fits", "our motto")
    rs = load_ruleset(extra)
    assert any(r.id == "site_motto" for r in rs.rules)
    assert len(rs.rules) == len(RULES) + 1


@pytest.mark.parametrize(
    "body, message",
    [
        (
            '[[rules]]\nid = "x"\ngroup = "g"\npattern = "("\nwhy = "w"\nexample = "e"\n',
            "bad regex",
        ),
        ('[[rules]]\nid = "x"\ngroup = "g"\npattern = ""\nwhy = "w"\nexample = "e"\n', "pattern"),
        ("[[rules]\n", "not valid TOML"),
        (
            '[[rules]]\nid = "x"\ngroup = "g"\npattern = "a+"\nwhy = "w"\nexample = "a"\n'
            '[[rules]]\nid = "x"\ngroup = "g"\npattern = "b+"\nwhy = "w"\nexample = "b"\n',
            "duplicate rule id",
        ),
    ],
)
def test_bad_rules_file_fails_loudly(tmp_path: Path, body: str, message: str) -> None:
    extra = tmp_path / "bad.toml"
    extra.write_text(body, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_ruleset(extra)


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("By Jamelle Bouie", True),
        ("Written by: Asha Rao", True),
        ("Byrds producer Melcher dies at 62", False),
        ("Bypass plan approved after ten-year wait", False),
        ("Authority backs new port plan", False),
    ],
)
def test_byline_keywords_are_whole_words(line: str, byline: bool) -> None:
    facts = get_cleaner()._facts(line)
    assert facts is not None
    assert (facts.rule_id == "byline") is byline


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("ब्यूरो रिपोर्ट, खबरलोक", "hi_byline"),
        ("(फोटो: एएनआई / अमित कुमार)", "hi_agency_credit"),
        ("अपडेटेड: 13:05 IST", "hi_time_stamp"),
        ("फेसबुक | ट्विटर | ईमेल", "hi_share_bar"),
        ("फ़ेसबुक और", "hi_share_bar"),  # a promo split at its links
        ("क्लिककरें. आप हमें", "hi_click_prompt"),
        ("हमें फेसबुक, इंस्टाग्राम और एक्स (ट्विटर) पर भी फ़ॉलो कर सकते हैं।", "hi_follow_prompt"),
        # The same words inside the article's sentences are no chrome.
        ("पुलिस ने बताया कि फोटो में दिख रहा व्यक्ति गांव का ही रहने वाला है।", None),
        ("कंपनी ने फेसबुक और ट्विटर पर नई नीति का ऐलान किया।", None),
        ("ब्यूरो ने अपनी सालाना रिपोर्ट में बताया कि अपराध घटे हैं और सजा की दर बढ़ी है।", None),
        ("प्रकाशित होने के 13 घंटे बाद लेख हटा लिया गया।", None),
        ("ये स्टेप्स फॉलो कर सकते हैं:", None),
        ("ठगों के ऐसे ईमेल अक्सर आपके इनबॉक्स में बैंक के नाम से आते हैं।", None),
        ("राष्ट्रीय अपराध रिकॉर्ड ब्यूरो रिपोर्ट", None),
    ],
)
def test_hindi_chrome_lines_and_sentences_that_share_their_words(
    line: str, rule: str | None
) -> None:
    facts = get_cleaner()._facts(line)
    assert facts is not None
    assert facts.rule_id == rule


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Jacob said,", "comment_author"),
        ("Anonymous said...", "comment_author"),
        ("Debbie M says:", "comment_author"),
        ("Chris Nahr 07.15.12 at 11:59", "comment_header"),
        ("Barry Kooij · March 13, 2017 at 6:30 AM", "comment_header"),
        ("{ 14 comments… read them below or add one }", "comment_header"),
        ("Also on HuffPost:", "related_heading"),
        # Lines of an article that look alike.
        ("that said...", None),
        ("He wrote:", None),
        ("The minister said:", None),
        ("A Home Office spokesperson said:", None),
        ("Mr Johnson said,", None),
        ("Police said,", None),
        ("Also on Monday", None),
        ("More on that later.", None),
        ("Jane Doe March 5, 2024 at 10:30 am", "date_line"),
        ("Last updated March 5, 2024 at 10:30 am", "date_line"),
        # A source and date in a links roundup, a dateline: dates, not comments.
        ("Aviva Shen, Think Progress, Aug 6, 2012 at 5:40 pm", "date_line"),
        ("Thursday, October 18, 2012 at 9:15AM", "date_line"),
    ],
)
def test_comment_signatures_and_lines_that_only_look_like_them(line: str, rule: str | None) -> None:
    facts = get_cleaner()._facts(line)
    assert facts is not None
    assert facts.rule_id == rule
