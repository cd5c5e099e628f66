"""The exporter: key order, raw UTF-8, atomic and deterministic files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsingest import Article, JsonlWriter, parse_text, to_json

from .conftest import EN_PAGE

HI_PAGE = "किम और पुतिन ने सैन्य समझौतों पर हस्ताक्षर किए। दोनों नेताओं ने एक समझौते पर भी हस्ताक्षर किए और कहा कि यह दोस्ती आगे बढ़ेगी।\n"


def article(text: str = EN_PAGE) -> Article:
    (a,) = parse_text(text, "s/001_0123456789abcdef.txt")
    assert isinstance(a, Article)
    return a


def test_json_line_has_field_order_and_raw_utf8() -> None:
    line = to_json(article(HI_PAGE))
    assert "\\u" not in line and "किम" in line and "\n" not in line and line == line.strip()
    assert list(json.loads(line)) == list(Article.model_fields)


def test_json_line_is_the_documented_dumps_form() -> None:
    # The record's bytes are fixed by the schema docs as json.dumps(ensure_ascii=False,
    # compact); the fast serializer must agree on escapes, non-BMP text and rounded floats.
    tricky = 'a\x00\x1f\x7f\u2028 "q" \\ /\t\r é हिंदी 😀 \ue000'
    a = article().model_copy(
        update={"text": tricky, "title": tricky, "languages": {"en": 0.001, "hi": 0.999}}
    )
    expected = json.dumps(a.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    assert to_json(a) == expected


def test_file_is_written_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    with pytest.raises(RuntimeError), JsonlWriter(str(out)) as w:
        w.write(article())
        raise RuntimeError("interrupted")
    assert out.read_text() == "old\n"  # the old file is untouched, no temp file left
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    with JsonlWriter(str(out)) as w:
        w.write(article())
    assert json.loads(out.read_text())["id"] == "0123456789abcdef"


def test_gzip_output_is_deterministic(tmp_path: Path) -> None:
    blobs = []
    for name in ("a.jsonl.gz", "b.jsonl.gz"):
        with JsonlWriter(str(tmp_path / name)) as w:
            w.write(article())
        blobs.append((tmp_path / name).read_bytes())
    assert blobs[0] == blobs[1]
    assert json.loads(gzip.decompress(blobs[0]))["language"] == "en"
