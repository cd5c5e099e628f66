"""Normalize: NFC, one kind of space, no invisible junk, mended Devanagari vowel signs."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and formatting characters a scraper leaves behind. ZWJ/ZWNJ are handled apart:
# they change how Indic conjuncts and emoji sequences render.
_INVISIBLE_CHARS = "\u00ad\u180e\u200b\u200e\u200f\u2060-\u2064\ufeff\u202a-\u202e"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# ZWJ/ZWNJ are kept after a letter of an Indic script (U+0900-U+0DFF) or inside an emoji
# sequence; anywhere else they are noise.
_JOINER_CHARS = "\u200c\u200d"
_JOINER = re.compile(f"[{_JOINER_CHARS}]")
_CONTROL_CHARS = "\x00-\x08\x0b\x0e-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")
# Any of the three above: one scan tells whether a text needs their substitutions at all.
_JUNK = re.compile(f"[{_INVISIBLE_CHARS}{_JOINER_CHARS}{_CONTROL_CHARS}]")
# Spaces other than the plain one; a line with none of them and no double space is left as is.
_ODD_SPACE_CHARS = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_ODD_SPACE_CHARS}]")
_SPACES = re.compile(f"[ {_ODD_SPACE_CHARS}]+")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
_FORM_FEED = re.compile("\n?\f\n?")
# Scrapers (and some fonts' input methods) emit AA + E / AA + AI instead of O / AU.
_DEVANAGARI_MENDS = (("\u093e\u0947", "\u094b"), ("\u093e\u0948", "\u094c"))


def _keep_joiner(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if prev and "\u0900" <= prev <= "\u0dff":
        return True
    return bool(prev and nxt) and unicodedata.category(prev) == "So" and ord(nxt) > 0x2000


def _keep_or_drop_joiner(m: re.Match[str]) -> str:
    return m.group() if _keep_joiner(m.string, m.start()) else ""


def _strip_joiners(text: str) -> str:
    if "\u200c" not in text and "\u200d" not in text:
        return text
    return _JOINER.sub(_keep_or_drop_joiner, text)


def _nfc(line: str) -> str:
    return line if line.isascii() else unicodedata.normalize("NFC", line)


def normalize_text(text: str) -> str:
    """Whole-document normalization; line structure is kept (line breaks become \\n)."""
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _LINE_BREAKS.sub("\n", text)
    # A form feed is a bundle delimiter: it always stands alone on its line.
    if "\f" in text:
        text = _FORM_FEED.sub("\n\f\n", text)
    if _JUNK.search(text):
        text = _INVISIBLE.sub("", text)
        text = _CONTROL.sub("", text)
        text = _strip_joiners(text)
    if "\u093e" in text:  # AA, the first half of both broken forms
        for broken, mended in _DEVANAGARI_MENDS:
            text = text.replace(broken, mended)
    # NFC's quick check settles most texts at once, but not Devanagari with a nukta (a
    # character that may compose): there, line by line is several times faster than the
    # whole text at once (composition never crosses a line break).
    if "\u093c" not in text and unicodedata.is_normalized("NFC", text):
        return text
    return "\n".join(map(_nfc, text.split("\n")))


def normalize_line(line: str) -> str:
    """Collapse runs of spaces (tabs, NBSP, thin spaces) into one and trim the ends."""
    # Most lines have only single plain spaces: two substring tests are far cheaper than a
    # substitution that matches every space.
    if "  " in line or (_ODD_SPACE.search(line) if not line.isascii() else "\t" in line):
        line = _SPACES.sub(" ", line)
    return line.strip()
