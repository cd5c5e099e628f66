"""Words split at punctuation: one set of marks, as a regex and as a UTF-8 bytes table."""

from __future__ import annotations

import re

# Whitespace str.split() splits on that bytes.split() does not (the ASCII ones).
_SPLIT_ONLY_BY_STR = "\x1c\x1d\x1e\x1f"


class Marks:
    """Punctuation that separates words. `regex` finds one mark; `to_spaces` turns every mark
    of a lowercased text into a space in UTF-8 bytes, so that bytes.split() gives the words
    str.split() would give after `regex.sub(" ", ...)`: a few C passes instead of a regex
    substitution per mark (valid for text with no whitespace beyond ASCII: see
    `ODD_SPACE`)."""

    def __init__(self, marks: str) -> None:
        self.marks = marks
        self.regex = re.compile("[" + "".join(map(re.escape, marks)) + "]")
        self._wide = "".join(c for c in marks if not c.isascii())
        ascii_marks = {ord(c) for c in marks + _SPLIT_ONLY_BY_STR if c.isascii()}
        self._table = bytes(32 if b in ascii_marks else b for b in range(256))

    def to_spaces(self, lowered: str) -> bytes:
        if not lowered.isascii():
            for mark in self._wide:  # each is rare in a text: find, then replace
                if mark in lowered:
                    lowered = lowered.replace(mark, " ")
        return lowered.encode("utf-8").translate(self._table)


# Whitespace str.split() splits on that UTF-8 bytes.split() would not see.
ODD_SPACE_CHARS = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
