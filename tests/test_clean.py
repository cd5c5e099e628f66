"""The cleaner on labelled cases (tests/cases/*.json) and its invariants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsingest.clean import clean_text
from newsingest.normalize import normalize_line

CASES = Path(__file__).parent / "cases"


def load(name: str) -> list[dict[str, Any]]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


ALL = [(f, c) for f in ("en.json", "hi.json", "negative.json") for c in load(f)]


@pytest.mark.parametrize("case", [c for _, c in ALL], ids=[f"{f}:{c['label']}" for f, c in ALL])
def test_case(case: dict[str, Any]) -> None:
    result = clean_text("\n\n".join(case["lines"]))
    kept = result.text.split("\n")
    for line in case["keep"]:
        assert line in kept, f"body line lost: {line}"
    for line in case["drop"]:
        assert line not in kept, f"chrome kept: {line}"
    if "title" in case:
        assert result.title == case["title"]
    if "published" in case:
        assert result.published == case["published"]


def test_today_widget_is_not_the_publication_date() -> None:
    text = "Tuesday, July 16, 2024\nHome\nSome Headline About Things Today\n" + (
        "This is a long paragraph of body text that goes on for quite a while about the news.\n" * 3
    )
    assert clean_text(text).published is None


def test_decisions_cover_every_non_blank_line(en_page: str) -> None:
    result = clean_text(en_page)
    assert [d.line for d in result.decisions] == [
        n for n, line in enumerate(en_page.split("\n"), 1) if line.strip()
    ]
    assert sum(result.removed.values()) == sum(1 for d in result.decisions if not d.keep)


lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Home",
                "Leave a Reply",
                "0Shares",
                "",
                "Related articles",
                "The council met on Monday and agreed to fund the new library for the town.",
            ]
        ),
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=80
        ),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(lines)
def test_clean_never_invents_lines_and_is_idempotent(page: list[str]) -> None:
    text = "\n".join(page)
    result = clean_text(text)
    source = {normalize_line(x) for x in text.split("\n")}
    out_lines = [x for x in result.text.split("\n") if x]
    for line in out_lines:
        assert line in source or any(line in s for s in source)
    # A second pass may regroup paragraphs, but keeps only lines the first pass kept.
    again = clean_text(result.text)
    assert {x for x in again.text.split("\n") if x} <= set(out_lines)


def test_yearless_date_lines_are_dropped_but_never_published() -> None:
    body = "The council met on Monday and agreed to fund the new library for the town. " * 3
    text = f"A Headline About The Council Vote\n\nUpdated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM\n\n{body}\n"
    result = clean_text(text)
    rules = {d.text: d.rule for d in result.decisions}
    assert rules["Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM"] == "date_line"
    assert result.published is None


BODY_EN = (
    "The city council voted on Tuesday to build twelve kilometres of protected bike lanes, the "
    "largest expansion of the network in a decade.\n\nWork on the first stretch, along the river, "
    "is expected to start in the spring and to finish before the end of the year, the council said."
)
BODY_HI = (
    "नगर निगम ने मंगलवार को शहर के सभी पार्कों में नए पेड़ लगाने की योजना को मंजूरी दे दी है। इस "
    "योजना के तहत अगले साल तक दस हजार पेड़ लगाए जाएंगे।\n\nनिगम के अधिकारियों ने बताया कि इसके "
    "लिए स्थानीय लोगों की मदद भी ली जाएगी और हर वार्ड में एक समिति बनाई जाएगी।"
)


@pytest.mark.parametrize(
    ("head", "dateline", "body", "published"),
    [
        (
            "City council approves new bike lanes",
            "2024-07-16T10:30:00+05:30",
            BODY_EN,
            "2024-07-16",
        ),
        (
            "City council approves new bike lanes",
            "By Jo Roe - Staff 2024-07-16T10:30:00Z",
            BODY_EN,
            "2024-07-16",
        ),
        (
            "City council approves new bike lanes",
            "Tue, 16 Jul 2024 10:30:00 GMT",
            BODY_EN,
            "2024-07-16",
        ),
        (
            "City council approves new bike lanes",
            "Published Tue, Jul 16 20247:05 AM",
            BODY_EN,
            "2024-07-16",
        ),
        (
            "City council approves new bike lanes",
            "Last Updated: 07/16/2024 - 10:30 AM",
            BODY_EN,
            "2024-07-16",
        ),
        ("नगर निगम ने पार्कों के लिए नई योजना बनाई", "अपडेटेड: 16 जुल 2024", BODY_HI, "2024-07-16"),
        ("नगर निगम ने पार्कों के लिए नई योजना बनाई", "१६ जुलाई २०२४", BODY_HI, "2024-07-16"),
        ("नगर निगम ने पार्कों के लिए नई योजना बनाई", "जन सुनवाई में 12 लोग 2024", BODY_HI, None),
    ],
)
def test_date_forms(head: str, dateline: str, body: str, published: str | None) -> None:
    assert clean_text(f"{head}\n\n{dateline}\n\n{body}").published == published


LEAD = (
    "The regional council approved a new budget for rural roads on Thursday after a long "
    "debate about the cost of repairs in the hill districts"
)
MORE = (
    "Members said the money would first go to the roads that were damaged in the monsoon and "
    "the rest to new bridges in the north of the district over the next three years"
)


def test_headline_glued_to_its_lead_is_split_off_and_the_lead_kept() -> None:
    # A publisher that strips punctuation glues the headline to the lead's opening.
    glued = "Council clears rural road budget" + LEAD[:80]
    result = clean_text(f"{glued}\n\n{LEAD}\n\n{MORE}\n")
    assert result.title == "Council clears rural road budget"
    assert result.text.split("\n\n") == [LEAD, MORE]


def test_a_line_that_only_shares_some_words_with_the_next_is_no_glued_headline() -> None:
    first = "Council clears rural road budget after a long debate about the cost of repairs"
    result = clean_text(f"{first}\n\n{LEAD}\n\n{MORE}\n")
    assert result.title in (None, first)  # whole or not at all, never cut
    assert LEAD in result.text


SAVINGS = [
    "Savings accounts for children often pay more interest than those for adults, and relatives "
    "can add to them at any time of the year.",
    "The new fund lets parents put away up to a thousand pounds a year, and the money is free "
    "of tax until the child turns eighteen.",
    "Advisers say the habit matters more than the sum: a child who saves a little each month is "
    "likely to keep doing it as an adult.",
]
SPORT = [
    "John Smith volleyed the home side ahead after 45 seconds, and the crowd had barely sat "
    "down when the visitors hit the post.",
    "The visitors levelled with a late header from a corner, and the match went to extra time "
    "for the first time since the final of 2009.",
    "Rovers won it with four minutes left, when their captain turned in a cross from the right "
    "at the far post.",
]


def test_a_question_under_the_headline_is_its_standfirst_not_the_title() -> None:
    standfirst = (
        "Your children may want the latest toy this winter, but how about a present that "
        "will help them save for their own future?"
    )
    text = "\n\n".join(
        ["Home | Money | Savings", "Giving money gifts to children", standfirst, *SAVINGS]
    )
    result = clean_text(text)
    assert result.title == "Giving money gifts to children"
    assert standfirst in result.text


def test_an_aside_in_brackets_is_never_the_title() -> None:
    aside = "(after extra time, with the score at one each after ninety minutes)"
    text = "\n\n".join(
        ["Home | Sport | Football", "Rovers clinch the cup in extra time", aside, *SPORT]
    )
    assert clean_text(text).title == "Rovers clinch the cup in extra time"


@pytest.mark.parametrize(
    "above_body",
    [
        "• Their captain scores the winner with four minutes of extra time left",
        "Cup final | Rovers | Extra time | Match report",
        "शेयर करें: फेसबुक | ट्विटर | व्हाट्सऐप | टेलीग्राम | कॉपी लिंक",
    ],
)
def test_a_list_item_or_a_row_of_short_items_is_never_the_title(above_body: str) -> None:
    # Standing right above the first paragraph, each would lead to the body as well as the
    # headline does, and is longer.
    headline = "Rovers clinch the cup in extra time"
    result = clean_text("\n\n".join([headline, above_body, *SPORT]))
    assert result.title == headline


def test_highlights_between_headline_and_body_do_not_take_the_title() -> None:
    hindi_body = (
        "स्मार्टफोन बाजार में बजट सेगमेंट की जंग और तेज हो गई है और एक देसी कंपनी ने आज नया फोन "
        "लॉन्च किया है जिसकी कीमत बीस हजार रुपये से कम रखी गई है। "
    )
    lines = [
        "होम | देश | दुनिया | खेल | मनोरंजन",
        "बीस हजार से कम में लॉन्च हुआ नया 5G फोन, बड़ी बैटरी और तेज कैमरा",
        "दो वेरिएंट में मिलेगा नया फोन",
        "पहली सेल अगले महीने की पहली तारीख को",
        "लेखक: राहुल मिश्रा",
        hindi_body * 2,
        hindi_body * 2,
    ]
    result = clean_text("\n\n".join(lines))
    assert result.title == lines[1]


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        ("Home | News | World | Sport", True),
        ("Home · News · World", True),
        ("• Their captain scores the winner", True),
        ("Il·lusió i col·lectivitat a la ciutat", False),  # Catalan "l·l" is no separator
        ("Rovers clinch the cup | The Daily Post", False),  # a headline with its site
    ],
)
def test_rows_of_items_and_list_items_are_told_from_headlines(line: str, listed: bool) -> None:
    from newsingest.clean.headline import _listed
    from newsingest.clean.rules import compiled_rules

    assert _listed(line, compiled_rules().t) is listed
