"""Duplicates: exact and near, first copy wins in input order, and --dedup in parse."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsingest import Article, IngestConfig, Reject, RejectReason, parse_paths
from newsingest.cli import cli
from newsingest.dedup import DuplicateIndex, signature, similarity

from .conftest import EN_PAGE

A = " ".join(f"word{k} appears here in sentence number {k} of the story." for k in range(60))


def test_signature_is_deterministic_and_estimates_jaccard() -> None:
    assert signature(A) == signature(A)
    assert similarity(signature(A), signature(A)) == 1.0
    changed = A.replace("word3 ", "other3 ")
    assert similarity(signature(A), signature(changed)) >= 0.8
    assert similarity(signature(A), signature(EN_PAGE)) < 0.2


def test_index_reports_the_earliest_copy() -> None:
    idx = DuplicateIndex()
    assert idx.check_and_add("a", "h1", A) is None
    exact = idx.check_and_add("b", "h1", A)
    assert exact is not None and (exact.kind, exact.of) == ("exact", "a")
    near = idx.check_and_add("c", "h2", A.replace("word7 ", "x7 "))
    assert near is not None and (near.kind, near.of) == ("near", "a")
    assert idx.check_and_add("d", "h3", EN_PAGE) is None


def test_parse_dedup_mark_and_drop(tmp_path: Path) -> None:
    for k, text in enumerate([EN_PAGE, EN_PAGE, EN_PAGE.replace("third", "fourth")]):
        (tmp_path / f"00{k}_{k:016x}.txt").write_text(text)
    marked = list(parse_paths([str(tmp_path)], IngestConfig(dedup="near"), jobs=2))
    assert [a.duplicate_of for a in marked if isinstance(a, Article)] == [
        None,
        f"{0:016x}",
        f"{0:016x}",
    ]
    dropped = list(parse_paths([str(tmp_path)], IngestConfig(dedup="exact", dedup_action="drop")))
    assert isinstance(dropped[1], Reject) and dropped[1].reason is RejectReason.DUPLICATE
    assert isinstance(dropped[2], Article) and dropped[2].duplicate_of is None


def test_stats_counts(in_root: Path, tmp_path: Path) -> None:
    out, rej = tmp_path / "o.jsonl.gz", tmp_path / "r.jsonl"
    (tmp_path / "empty.txt").write_bytes(b"")
    CliRunner().invoke(
        cli, ["parse", "seeds/", str(tmp_path / "empty.txt"), "-o", str(out), "--rejects", str(rej)]
    )
    result = CliRunner().invoke(cli, ["stats", str(out), "--rejects", str(rej), "--json"])
    s = json.loads(result.stdout)
    assert s["records"] == 5 and s["by_language"] == {"hi": 3, "en": 2}
    assert s["rejects_by_reason"] == {"empty": 1}
    assert sum(s["chars_histogram"].values()) == 5 and s["removed_by_rule"]["title"] >= 2
    text = CliRunner().invoke(cli, ["stats", str(out)]).stdout
    assert "5 records" in text and "hi" in text
