"""The Dask engine on a real LocalCluster: same bytes as --jobs 1, resumable shards."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsingest import Article, IngestConfig, Reject, parse_paths, to_json

from .conftest import EN_PAGE, write_drop

pytest.importorskip("distributed")

from distributed import LocalCluster

from newsingest.engines.dask import run_dask
from newsingest.parquet import read_records
from newsingest.provenance import versions


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return write_drop(tmp_path / "drop", 9, bundle_and_empty=True)


def local_lines(drop: Path) -> tuple[str, str]:
    items = list(parse_paths([str(drop)], IngestConfig(), jobs=1))
    records = "".join(to_json(i) + "\n" for i in items if isinstance(i, Article))
    rejects = "".join(to_json(i) + "\n" for i in items if isinstance(i, Reject))
    return records, rejects


def shard_lines(out: Path, suffix: str) -> str:
    manifest = json.loads((out / "_manifest.json").read_text())
    names = [
        s["records_file" if suffix == "records" else "rejects_file"] for s in manifest["shards"]
    ]
    return "".join(gzip.decompress((out / n).read_bytes()).decode() for n in names)


def test_local_cluster_processes_equals_jobs_1(drop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = run_dask([str(drop)], IngestConfig(), out, partitions=4, workers=2)
    records, rejects = local_lines(drop)
    assert shard_lines(out, "records") == records
    assert shard_lines(out, "rejects") == rejects
    assert (manifest.partitions, manifest.records, manifest.rejects) == (4, 11, 1)
    assert manifest.computed == [0, 1, 2, 3] and len(manifest.inputs) == 11
    written = json.loads((out / "_manifest.json").read_text())
    assert written["versions"] == versions().model_dump()
    assert written["options"]["delimiter"] == IngestConfig().delimiter


def test_resume_redoes_only_missing_shards(drop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        run_dask([str(drop)], IngestConfig(), out, scheduler=address, partitions=3)
        before = {p.name: p.read_bytes() for p in out.glob("part-*.jsonl.gz")}
        # An interrupted run: one shard never marked done, another left half-written.
        (out / "part-00001.done.json").unlink()
        (out / "part-00002.jsonl.gz").write_bytes(b"\x1f\x8b truncated")
        again = run_dask([str(drop)], IngestConfig(), out, scheduler=address, partitions=3)
        after = {p.name: p.read_bytes() for p in out.glob("part-*.jsonl.gz")}
        resumed = shard_lines(out, "records")
        # Asked for Parquet, a done JSONL shard is not done: every shard is redone.
        parquet = run_dask(
            [str(drop)], IngestConfig(), out, scheduler=address, partitions=3, fmt="parquet"
        )
    assert again.computed == [1, 2]
    assert after == before
    assert resumed == local_lines(drop)[0]
    assert parquet.computed == [0, 1, 2]
    names = [s.records_file for s in parquet.shards]
    assert names == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    rows = [r for n in names for r in read_records(out / n)]
    assert rows == [json.loads(line) for line in local_lines(drop)[0].splitlines()]
    # The JSONL shards of the earlier plan went: `part-*` is one format's records only.
    assert not list(out.glob("part-*.jsonl.gz"))


def test_resume_recomputes_what_changed_and_clears_what_is_not_listed(
    drop: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    other = tmp_path / "other"
    other.mkdir()
    # Another drop of the same size: same file count, names and byte sizes, other words.
    for p in sorted(drop.iterdir()):
        data = p.read_bytes()
        (other / p.name).write_bytes(data.replace(b"valley", b"gorges"))
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        first = run_dask([str(drop)], IngestConfig(), out, scheduler=address, partitions=5)
        assert first.computed == [0, 1, 2, 3, 4]
        # The other drop copied over the first, file for file: every shard is redone.
        for p in sorted(other.iterdir()):
            (drop / p.name).write_bytes(p.read_bytes())
        second = run_dask([str(drop)], IngestConfig(), out, scheduler=address, partitions=5)
        assert second.computed == [0, 1, 2, 3, 4]
        assert "gorges" in shard_lines(out, "records") and "valley" not in shard_lines(
            out, "records"
        )
        # Other options shape other records: redone, and the language filter applies.
        third = run_dask(
            [str(drop)], IngestConfig(langs=("hi",)), out, scheduler=address, partitions=5
        )
        assert third.computed == [0, 1, 2, 3, 4] and third.records == 0
        # Fewer partitions: the shards of the earlier plan are removed, not left to be read.
        fourth = run_dask([str(drop)], IngestConfig(), out, scheduler=address, partitions=2)
    assert fourth.computed == [0, 1]
    assert sorted(p.name for p in out.iterdir()) == [
        "_manifest.json",
        "part-00000.done.json",
        "part-00000.jsonl.gz",
        "part-00001.done.json",
        "part-00001.jsonl.gz",
        "rejects-00000.jsonl.gz",
        "rejects-00001.jsonl.gz",
    ]
    # `zcat out/part-*.jsonl.gz` is the corpus: records only, in order.
    corpus = "".join(
        gzip.decompress(p.read_bytes()).decode() for p in sorted(out.glob("part-*.jsonl.gz"))
    )
    assert corpus == local_lines(drop)[0]


def test_folder_with_foreign_files_or_a_file_is_refused(drop: Path, tmp_path: Path) -> None:
    from newsingest.errors import OutputError

    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"notes\.txt.*newsingest did not write"):
        run_dask([str(drop)], IngestConfig(), out, scheduler="tcp://127.0.0.1:1")
    assert (out / "notes.txt").read_text() == "mine"
    target = tmp_path / "file.jsonl"
    target.write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        run_dask([str(drop)], IngestConfig(), target, scheduler="tcp://127.0.0.1:1")


def test_cli_resume_after_a_changed_drop(drop: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsingest.cli import cli

    out = tmp_path / "out"
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        args = ["parse", str(drop), "--engine", "dask", "-o", str(out), "--partitions", "3"]
        args += ["--scheduler", cluster.scheduler_address]
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 1 and "(3 computed now)" in first.stderr  # one empty file
        (drop / "010_000000000000000a.txt").write_text(EN_PAGE)  # the reject is fixed
        second = CliRunner().invoke(cli, args)
        again = CliRunner().invoke(cli, args)
    assert second.exit_code == 0 and "12 records, 0 rejects" in second.stderr
    assert "(1 computed now)" in second.stderr and "(0 computed now)" in again.stderr
    assert shard_lines(out, "records") == local_lines(drop)[0]
