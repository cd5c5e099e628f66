"""Bundles over --max-bytes are streamed: cut at delimiter lines without holding the file."""

from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsingest import Article, IngestConfig, Reject, RejectReason, parse_paths
from newsingest.bundles import Oversized, split_bundle, stream_parts
from newsingest.config import DEFAULT_DELIMITER
from newsingest.decode import decode_bytes
from newsingest.normalize import normalize_text

from .conftest import EN_PAGE, SEEDS

HI_PAGE = (SEEDS / "002_458f42a79fcff1b8.txt").read_text(encoding="utf-8")
DELIMITERS = ["\n=====\n", "\n\f\n", "\f", "\r\n=====\r\n", "\n  ====  \n", "\n===\n\n===\n"]


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def in_memory(data: bytes) -> list[str]:
    decoded = decode_bytes(data)
    if not hasattr(decoded, "text"):  # no bytes or only whitespace: no article either way
        return []
    return split_bundle(normalize_text(decoded.text), DEFAULT_DELIMITER)


def streamed(data: bytes, chunk: int, limit: int) -> list[str | Oversized]:
    out: list[str | Oversized] = []
    for part in stream_parts(chunked(data, chunk), DEFAULT_DELIMITER, limit):
        if isinstance(part, Oversized):
            out.append(part)
        elif hasattr(decoded := decode_bytes(part), "text"):
            out.append(normalize_text(decoded.text))
    return out


texts = st.sampled_from([EN_PAGE, HI_PAGE, "", "  \n", "x\r\ny\rz", "a\fb", "== not one ==="])
pieces = st.tuples(texts, st.integers(0, 400), st.integers(0, 1500))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(pieces, min_size=1, max_size=6),
    st.lists(st.sampled_from(DELIMITERS), min_size=5, max_size=5),
    st.booleans(),
    st.integers(1, 64),
)
def test_streamed_parts_equal_the_in_memory_split(
    raw: list[tuple[str, int, int]], delims: list[str], crlf: bool, chunk: int
) -> None:
    parts = [t[a : a + n] for t, a, n in raw]
    text = "".join(p + (delims[i] if i < len(parts) - 1 else "") for i, p in enumerate(parts))
    data = (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    # Tiny chunks cut CR LF pairs, UTF-8 sequences and delimiter lines in two.
    assert streamed(data, chunk, len(data) + 1) == in_memory(data)


def test_an_oversized_part_is_read_past_not_kept() -> None:
    data = ("small one\n=====\n" + "x" * 5000 + "\n" + "y" * 100 + "\n=====\nsmall two").encode()
    got = list(stream_parts(chunked(data, 100), DEFAULT_DELIMITER, 1000))
    assert got[0] == b"small one" and got[2] == b"small two"
    assert isinstance(got[1], Oversized) and got[1].size > 5000


def _bundle(tmp_path: Path, name: str, articles: list[str], compress: bool = False) -> Path:
    data = "\n=====\n".join(articles).encode("utf-8")
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_big_bundle_gives_the_records_of_a_small_one(tmp_path: Path) -> None:
    articles = [EN_PAGE, HI_PAGE, EN_PAGE.replace("Rivers", "Lakes")]
    for compress in (False, True):
        path = _bundle(tmp_path, f"007_00000000000000a{int(compress)}.txt", articles, compress)
        whole = list(parse_paths([str(path)]))
        limit = max(len(a.encode()) for a in articles) + 10
        parts = list(parse_paths([str(path)], IngestConfig(max_bytes=limit)))
        assert [i.model_dump_json() for i in parts] == [i.model_dump_json() for i in whole]
        assert [i.source.rsplit("#", 1)[1] for i in parts] == ["1", "2", "3"]
        assert all(isinstance(i, Article) for i in parts)


def test_big_files_that_cannot_be_cut_are_too_large(tmp_path: Path) -> None:
    limit = len(EN_PAGE.encode()) + 10
    cfg = IngestConfig(max_bytes=limit)
    first_too_big = _bundle(tmp_path, "a.txt", [EN_PAGE * 3, EN_PAGE])
    utf16 = tmp_path / "b.txt"
    utf16.write_bytes("\n=====\n".join([EN_PAGE, EN_PAGE]).encode("utf-16"))
    middle_too_big = _bundle(tmp_path, "c.txt", [EN_PAGE, EN_PAGE * 3, EN_PAGE])
    (a,) = parse_paths([str(first_too_big)], cfg)
    (b,) = parse_paths([str(utf16)], cfg)
    assert isinstance(a, Reject) and a.reason is RejectReason.TOO_LARGE
    assert "no delimiter line within the first" in a.detail
    assert isinstance(b, Reject) and b.reason is RejectReason.TOO_LARGE
    got = list(parse_paths([str(middle_too_big)], cfg))
    assert [type(i).__name__ for i in got] == ["Article", "Reject", "Article"]
    assert isinstance(got[1], Reject) and got[1].source.endswith("c.txt#2")
    assert got[1].reason is RejectReason.TOO_LARGE
    no_split = IngestConfig(max_bytes=limit, delimiter=None)
    (c,) = parse_paths([str(middle_too_big)], no_split)
    assert isinstance(c, Reject) and c.reason is RejectReason.TOO_LARGE
