"""HTML saved in place of rendered text: detected, rendered to lines, then cleaned as text."""

from __future__ import annotations

import html

import pytest

from newsingest import Article, Reject, RejectReason, parse_text
from newsingest.markup import html_to_text, looks_like_html

from .conftest import EN_PAGE, SEEDS


def as_html(text: str) -> str:
    """A page as a site would serve it: each paragraph a <p>, its lines split by <br>, plus
    head, scripts and styles that must not show."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.split("\n") if line.strip()) + "</p>"
        for p in paras
    )
    return (
        "<!-- saved by a crawler -->\n<!DOCTYPE html>\n<html><head><title>Not shown | Site</title>"
        "<style>p { color: red }</style><script>var s = '<p>hidden42</p>';</script></head>\n"
        f"<body>{body}<script>track();</script><noscript>Enable JavaScript</noscript></body></html>"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!doctype html><html><body>x</body></html>", True),
        ("\ufeff  <HTML lang='en'><body>x", True),
        ("<div><p>" + "<span>a</span> <b>b</b> " * 5 + "</p></div>", True),
        ("Home\nWorld\n<p> is how HTML marks a paragraph.\n", False),
        ("<3 love this story\nShare this: Twitter", False),
        ("<Breaking> Floods in the valley\n" + "A sentence about the floods. " * 20, False),
    ],
)
def test_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected


def test_html_to_text_renders_blocks_and_hides_code() -> None:
    page = (
        "<html><head><title>T</title></head><body><nav><ul><li>Home</li><li>World</li></ul></nav>"
        "<h1>Big &amp; bold</h1><p>First <a href='#'>linked</a>\n   words.</p><p>Second.</p>"
        "<table><tr><td>a</td><td>b</td></tr></table><pre>x  = 1\n  y</pre>"
        "<script>if (a < b) {}</script><style>.x{}</style>Tail</body></html>"
    )
    assert html_to_text(page).split("\n") == [
        "Home",
        "World",
        "",
        "Big & bold",
        "",
        "First linked words.",
        "",
        "Second.",
        "",
        "a b",
        "",
        "x  = 1",
        "  y",
        "",
        "Tail",
    ]


def test_unclosed_head_ends_at_body() -> None:
    assert html_to_text("<html><head><title>T<body><p>Shown</p>") == "Shown"


@pytest.mark.parametrize(
    "name", ["EN_PAGE", "000_9762a967d44d9ea8.txt", "001_cf74399b35aeebb3.txt"]
)
def test_an_html_page_cleans_like_its_text(name: str) -> None:
    text = EN_PAGE if name == "EN_PAGE" else (SEEDS / name).read_text(encoding="utf-8")
    (plain,) = parse_text(text)
    (page,) = parse_text(as_html(text))
    assert isinstance(plain, Article) and isinstance(page, Article)
    assert (page.text, page.title, page.published) == (plain.text, plain.title, plain.published)
    assert page.encoding == plain.encoding + "+html"
    assert "hidden42" not in page.text and "track()" not in page.text


def test_head_never_closed_and_no_body_ends_at_body_content() -> None:
    # 7 % of saved news pages: <head> is never closed and there is no <body> tag. Body-level
    # content ends the head, as in a browser.
    assert html_to_text("<html><head><title>T</title><div><p>Hello…</p></div></html>") == "Hello…"
    page = "<html><head><meta charset=utf-8><title>T</title><style>p{}</style>Loose <b>text</b>"
    assert html_to_text(page) == "Loose text"
    assert html_to_text("<head><title>T</title><link rel=x><br/>After a br") == "After a br"
    # What a head may hold stays hidden, and the title never shows, even outside the head.
    assert html_to_text("<head><title>T</title><meta x><script>s()</script></head><p>B</p>") == "B"


def test_html_that_renders_to_nothing_says_so() -> None:
    (r,) = parse_text("<!DOCTYPE html><html><head><title>Only a title</title></head></html>")
    assert isinstance(r, Reject) and r.reason is RejectReason.NO_VISIBLE_TEXT
    assert "HTML" in r.detail
