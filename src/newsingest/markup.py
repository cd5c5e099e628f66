"""HTML saved where rendered text was expected: its visible text, one block per line."""

from __future__ import annotations

import re
from html.parser import HTMLParser


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


# Elements that start and end a line of rendered text (CSS display: block and friends).
BLOCKS = _tags(
    "address article aside blockquote body br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody tfoot thead tr ul"
)
# Blocks a browser sets off with a blank line, as a scraper's text shows paragraphs.
PARAGRAPHS = _tags("p h1 h2 h3 h4 h5 h6 blockquote pre table ul ol")
# Never rendered as text (a <title> only names the window, wherever it stands).
HIDDEN = _tags("title script style noscript template svg math iframe object select")
# What a <head> may hold. Any other tag, or text outside these, ends an unclosed head where a
# browser ends it (HTML's "in head" insertion mode): the body has begun without a <body>.
HEAD_CONTENT = _tags("base basefont bgsound link meta noscript script style template title")
VOID = _tags("area base br col embed hr img input link meta source track wbr")
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)
_TAG = re.compile(
    r"</?(?:a|b|br|div|em|h[1-6]|i|img|li|meta|p|script|span|strong|table|td|tr|ul)\b[^>]*>", re.I
)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def looks_like_html(text: str) -> bool:
    """An HTML document, or a fragment that starts with a tag and is dense with common tags."""
    head = text[:4000].lstrip("\ufeff \t\r\n")
    while head.startswith("<!--") and (end := head.find("-->")) >= 0:
        head = head[end + 3 :].lstrip()
    if _HTML_START.match(head):
        return True
    return head.startswith("<") and len(_TAG.findall(head)) >= 10


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.line: list[str] = []
        self.hidden = 0
        self.head = False
        self.pre = 0

    def _break(self, blank: bool) -> None:
        line = "".join(self.line)
        self.line = []
        if self.pre:
            self.out.extend(line.split("\n"))
        elif line.strip():
            self.out.append(_SPACES.sub(" ", line).strip())
        if blank and self.out and self.out[-1]:
            self.out.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self.head = True
            return
        if tag == "body":
            self.head, self.hidden = False, 0  # an unclosed <head> ends where the body starts
        elif self.head and tag not in HEAD_CONTENT:
            self.head = False
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self._break(tag in PARAGRAPHS)
            self.pre += tag == "pre"
        elif tag in ("td", "th"):
            self.line.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.head and tag not in HEAD_CONTENT:
            self.head = False
        if tag in BLOCKS:
            self._break(False)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.head = False
        elif tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS and tag not in VOID:
            self._break(tag in PARAGRAPHS)
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.head:
            if not data.strip():
                return
            self.head = False  # text in a head's place: the body has begun
        self.line.append(data)

    def close(self) -> None:
        super().close()
        self._break(False)  # the text after the last block


def html_to_text(html: str) -> str:
    """The text a browser would show, blocks on their own lines, paragraphs set off by blank
    lines; scripts, styles and the head (title included) left out."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.out).strip("\n")
