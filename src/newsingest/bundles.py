"""Bundles: several articles in one file, cut at delimiter lines, in memory or streaming."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .config import DEFAULT_DELIMITER
from .normalize import normalize_text

CHUNK_BYTES = 1 << 20
# Every line the default delimiter matches holds one of these: a cheap test before the regex.
DEFAULT_MARKS = ("===", "\f")
_MARKS_UTF8 = tuple(m.encode("utf-8") for m in DEFAULT_MARKS)
_EOL = re.compile(rb"\r\n|\r|\n")


@lru_cache(maxsize=8)
def delimiter_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def is_delimiter(line: str, rx: re.Pattern[str]) -> bool:
    """Whether a normalized line is a delimiter line (spaces and tabs around allowed)."""
    return rx.fullmatch(line.strip(" \t")) is not None


def split_bundle(text: str, delimiter: str | None) -> list[str]:
    """Split a normalized text at delimiter lines; blank parts are dropped."""
    return [part for _, part in split_bundle_at(text, delimiter)]


def split_bundle_at(text: str, delimiter: str | None) -> list[tuple[int, str]]:
    """split_bundle's parts, each with the line of text it starts on (1-based), so a part's
    line numbers can be mapped back to the file's."""
    whole = [(1, text)] if text.strip() else []
    if delimiter is None:
        return whole
    rx = delimiter_regex(delimiter)
    # Most files hold no mark of the default delimiter, and substring tests are much cheaper
    # than a multi-line regex search.
    if delimiter == DEFAULT_DELIMITER and not any(m in text for m in DEFAULT_MARKS):
        return whole
    if not delimiter_regex(rf"(?m)^[ \t]*(?:{delimiter})[ \t]*$").search(text):
        return whole  # the common case: one article, no line loop
    parts: list[tuple[int, list[str]]] = [(1, [])]
    fullmatch = rx.fullmatch
    for n, line in enumerate(text.split("\n"), 1):
        if fullmatch(line.strip(" \t")):  # is_delimiter, inlined: bundles have many lines
            parts.append((n + 1, []))
        else:
            parts[-1][1].append(line)
    return [(start, joined) for start, p in parts if (joined := "\n".join(p)).strip()]


@dataclass(frozen=True)
class Oversized:
    """A part longer than the limit: its bytes were read past, not kept."""

    size: int


def _split_form_feeds(line: bytes) -> Iterator[bytes]:
    """A line with form feeds as normalize_text has it: each on a line of its own, taking
    the place of the line break beside it (no empty line before or after it)."""
    if b"\f" not in line:
        yield line
        return
    pieces = line.split(b"\f")
    for k, piece in enumerate(pieces):
        if k:
            yield b"\f"
        if piece or 0 < k < len(pieces) - 1:
            yield piece


def _lines(chunks: Iterable[bytes], limit: int) -> Iterator[bytes | int]:
    """The byte lines of a stream, broken where normalize_text breaks them (CR LF, CR, LF)
    and with a form feed alone on its line as normalize_text puts it; in place of a line
    longer than limit, its length (it is not kept)."""
    rest = b""
    skipped = 0  # bytes of an over-long line read past so far
    for chunk in chunks:
        data = rest + chunk
        # A CR at the end may be the first half of a CR LF in the next chunk.
        data, hold = (data[:-1], b"\r") if data.endswith(b"\r") else (data, b"")
        *lines, tail = _EOL.split(data)
        for line in lines:
            if skipped:
                yield skipped + len(line)
                skipped = 0
            else:
                yield from _split_form_feeds(line)
        if skipped or len(tail) > limit:
            skipped, tail = skipped + len(tail), b""
        rest = tail + hold
    if skipped:
        yield skipped + len(rest)
    else:  # the last line, empty after a final line break, as str.split gives it
        yield from _split_form_feeds(rest)


def stream_parts(
    chunks: Iterable[bytes], delimiter: str, limit: int
) -> Iterator[bytes | Oversized]:
    """The parts of a bundle read chunk by chunk, in order, blank ones left out, as
    split_bundle cuts the whole text; a part over limit bytes is read past to the next
    delimiter and reported by its size. Memory holds one part."""
    rx = delimiter_regex(delimiter)
    prefilter = delimiter == DEFAULT_DELIMITER
    part: list[bytes] = []
    size = 0
    over = False
    for line in _lines(chunks, limit):
        if isinstance(line, bytes) and (not prefilter or any(m in line for m in _MARKS_UTF8)):
            # normalize_text puts a form feed on a line of its own, as _lines did already.
            raw = line.decode("utf-8", "replace")
            text = "\f" if raw == "\f" else normalize_text(raw)
            if "\n" not in text and is_delimiter(text, rx):
                if over:
                    yield Oversized(size)
                elif b"".join(part).strip():
                    yield b"\n".join(part)
                part, size, over = [], 0, False
                continue
        size += (len(line) if isinstance(line, bytes) else line) + 1
        if over:
            continue
        if isinstance(line, int) or size > limit + 1:
            part, over = [], True
            continue
        part.append(line)
    if over:
        yield Oversized(size)
    elif b"".join(part).strip():
        yield b"\n".join(part)
