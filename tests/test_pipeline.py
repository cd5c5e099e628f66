"""The library API: parse_paths end to end, bundles, rejects, the per-article guard."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import newsingest
from newsingest import (
    Article,
    IngestConfig,
    Reject,
    RejectReason,
    parse_paths,
    parse_text,
    process_source,
)
from newsingest.bundles import split_bundle, split_bundle_at
from newsingest.models import CleanResult, Source

from .conftest import EN_PAGE, SEEDS, write_drop


def test_parse_paths_on_seeds_gives_one_record_per_file() -> None:
    items = list(parse_paths([str(SEEDS)]))
    assert all(isinstance(i, Article) for i in items)
    assert [i.seq for i in items if isinstance(i, Article)] == [0, 1, 2, 3, 4]
    langs = [i.language for i in items if isinstance(i, Article)]
    assert langs == ["en", "en", "hi", "hi", "hi"]


def test_record_fields_are_consistent(en_page: str) -> None:
    (a,) = parse_text(en_page, "x/007_0123456789abcdef.txt")
    assert isinstance(a, Article)
    assert (a.id, a.seq, a.language, a.script) == ("0123456789abcdef", 7, "en", "Latn")
    assert a.title == "Rivers rise across the valley as spring storms arrive early"
    assert a.published == "2024-03-03"  # the dated line under the headline, not the widget
    assert a.chars == len(a.text) and a.words == len(a.text.split())
    assert "Leave a Reply" not in a.text and "Share this article" not in a.text
    assert "Emergency crews" in a.text  # a subheading inside the body stays
    assert a.removed["comment_form"] >= 1 and sum(a.removed.values()) >= 8
    assert "\n\n" in a.text and "\n\n\n" not in a.text


def test_bundle_split_ids_and_sources(tmp_path: Path) -> None:
    f = tmp_path / "003_00000000000000aa.txt"
    f.write_text(EN_PAGE + "\n=====\n\n=====\n" + EN_PAGE + "\f\n" + EN_PAGE, encoding="utf-8")
    items = list(parse_paths([str(f)]))
    assert [i.id for i in items] == [f"00000000000000aa-{k}" for k in (1, 2, 3)]
    assert [i.source for i in items] == [f"{f}#{k}" for k in (1, 2, 3)]
    single = list(parse_paths([str(f)], IngestConfig(delimiter=None)))
    assert len(single) == 1 and single[0].id == "00000000000000aa"


def test_split_bundle_drops_blank_parts() -> None:
    assert split_bundle("a\n===\n \n===\nb", r"={3,}") == ["a", "b"]
    assert split_bundle("no delimiter here", r"={3,}") == ["no delimiter here"]


def test_chrome_only_page_is_a_reject() -> None:
    (r,) = parse_text("Home\nLeave a Reply\nShare this story to friends\n0Shares\n")
    assert isinstance(r, Reject) and r.reason is RejectReason.NO_TEXT_AFTER_CLEANING


def test_langs_and_min_chars_filters(en_page: str) -> None:
    (r,) = parse_text(en_page, config=IngestConfig(langs=("hi",)))
    assert isinstance(r, Reject) and r.reason is RejectReason.LANGUAGE
    (r,) = parse_text(en_page, config=IngestConfig(min_chars=100_000))
    assert isinstance(r, Reject) and r.reason is RejectReason.TOO_SHORT


def test_unexpected_exception_becomes_internal_error(
    monkeypatch: pytest.MonkeyPatch, en_page: str
) -> None:
    def boom(text: str, title: str | None = None) -> None:
        raise ValueError("synthetic failure")

    monkeypatch.setattr(newsingest.pipeline, "detect_language", boom)
    (r,) = parse_text(en_page)
    assert isinstance(r, Reject) and r.reason is RejectReason.INTERNAL_ERROR
    assert r.detail == "ValueError: synthetic failure"


def test_jobs_give_identical_items(tmp_path: Path) -> None:
    write_drop(tmp_path, 12)
    (tmp_path / "999_ffffffffffffffff.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    one = list(parse_paths([str(tmp_path)], jobs=1))
    two = list(parse_paths([str(tmp_path)], jobs=2))
    assert one == two and len(one) == 13 and isinstance(one[-1], Reject)


def test_drop_wide_removes_lines_repeated_across_the_run(tmp_path: Path) -> None:
    footer = "The Courier is the paper that has served all of the towns in this valley."
    for k, town in enumerate(["Northfield", "Southport", "Eastbrook"]):
        page = EN_PAGE.replace("several towns", f"{town} and nearby towns")
        page = page.replace("Share this article", footer + "\n\nShare this article")
        (tmp_path / f"00{k}_{k:016x}.txt").write_text(page)
    plain = [a for a in parse_paths([str(tmp_path)]) if isinstance(a, Article)]
    wide = [
        a
        for a in parse_paths([str(tmp_path)], IngestConfig(drop_wide=True))
        if isinstance(a, Article)
    ]
    assert all(footer in a.text for a in plain)
    assert all(footer not in a.text and a.removed["drop_wide_repeat"] >= 1 for a in wide)
    # Body lines shared by all three (the same report) stay: only short lines are counted.
    assert all("officials said" in a.text for a in wide)
    # A single file never changes: nothing repeats within a run of one.
    one = list(
        parse_paths([str(tmp_path / "000_0000000000000000.txt")], IngestConfig(drop_wide=True))
    )
    assert one == [plain[0]]


def test_a_document_over_its_time_budget_is_a_timeout_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, en_page: str
) -> None:
    real = newsingest.pipeline.clean_text

    def stalls_on_one(text: str, *args: object) -> CleanResult:
        if "STALL" in text:
            # A pathological page: burns CPU until stopped (for 20 s at most, so that without
            # a budget the test fails rather than hangs).
            end = time.monotonic() + 20
            while time.monotonic() < end:
                pass
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(newsingest.pipeline, "clean_text", stalls_on_one)
    (tmp_path / "001_0000000000000001.txt").write_text("STALL\n" + en_page)
    (tmp_path / "002_0000000000000002.txt").write_text(en_page)
    for jobs in (1, 2):  # in this process, and in the pool's worker processes
        stalled, fine = parse_paths([str(tmp_path)], IngestConfig(doc_timeout=0.3), jobs=jobs)
        assert isinstance(stalled, Reject) and stalled.reason is RejectReason.TIMEOUT
        assert "--doc-timeout 0.3" in stalled.detail
        assert isinstance(fine, Article)


def test_a_line_too_long_to_clean_is_a_timeout_whatever_the_clock() -> None:
    line = "word " * 50_000  # one 250,000-character line
    (r,) = parse_text(line)
    assert isinstance(r, Reject) and r.reason is RejectReason.TIMEOUT
    assert "characters > 200000" in r.detail
    short = "word " * 2000
    (a,) = parse_text(short)
    assert isinstance(a, Article)
    (r,) = parse_text(short, config=IngestConfig(max_line_chars=5000))
    assert isinstance(r, Reject) and r.reason is RejectReason.TIMEOUT


def test_a_bundle_with_too_many_parts_stops_with_archive_limit(en_page: str) -> None:
    bundle = "\n=====\n".join([en_page] * 5)
    items = parse_text(bundle, "x.txt", config=IngestConfig(max_members=3))
    assert [type(i).__name__ for i in items] == ["Article"] * 3 + ["Reject"]
    last = items[-1]
    assert isinstance(last, Reject) and last.reason is RejectReason.ARCHIVE_LIMIT
    assert last.source == "x.txt#4"


def test_bundle_parts_know_the_line_they_start_on(en_page: str) -> None:
    text = "first article\n\n=====\n\n" + en_page
    assert split_bundle_at(text, IngestConfig().delimiter) == [
        (1, "first article\n"),
        (4, "\n" + en_page),
    ]


def test_each_bundle_part_counts_only_its_own_replaced_bytes(en_page: str) -> None:
    damaged = en_page.replace("We have", "We’ve").encode().replace(b"Residents", b"Resi\xffdents")
    data = en_page.encode() + b"\n=====\n" + damaged
    src = Source(source="b.txt", id="0123456789abcdef", seq=None, data=data)
    first, second = process_source(src, IngestConfig())
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.replaced, second.replaced) == (0, 1)
    assert second.encoding == "utf-8/replace"
