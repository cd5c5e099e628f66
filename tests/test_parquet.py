"""Parquet output: the JSON record's columns, typed from the model, streamed in row groups,
equal to the JSONL record for record."""

from __future__ import annotations

import builtins
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsingest import Article, parse_paths
from newsingest.cli import cli
from newsingest.models import SCHEMA_VERSION
from newsingest.parquet import INSTALL_HINT, ParquetWriter, arrow_schema, read_records

from .conftest import ROOT, SEEDS

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

runner = CliRunner()


def test_columns_are_the_record_fields_typed_from_the_model() -> None:
    schema = arrow_schema()
    assert schema.names == list(Article.model_fields)
    sample = (ROOT / "samples" / "seeds.jsonl").read_text(encoding="utf-8")
    record = json.loads(sample.splitlines()[0])
    assert schema.names == list(record)  # the JSON record's keys, in its order
    assert schema.field("seq").type == pa.int64() and schema.field("seq").nullable
    assert schema.field("title").nullable and not schema.field("text").nullable
    assert schema.field("language_confidence").type == pa.float64()
    assert schema.field("repaired").type == pa.bool_()
    assert schema.field("removed").type == pa.map_(
        pa.string(), pa.field("value", pa.int64(), nullable=False)
    )
    # The record model's layout version travels with the file.
    assert schema.metadata[b"newsingest.schema_version"] == str(SCHEMA_VERSION).encode()


def test_cli_parquet_equals_jsonl_record_for_record(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    shutil.copytree(SEEDS, drop)
    shutil.copy(ROOT / "samples" / "bundle.txt", drop / "bundle.txt")
    jsonl, parquet = tmp_path / "out.jsonl", tmp_path / "out.parquet"
    assert runner.invoke(cli, ["parse", str(drop), "-o", str(jsonl)]).exit_code == 0
    assert runner.invoke(cli, ["parse", str(drop), "-o", str(parquet), "-j", "2"]).exit_code == 0
    expected = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    got = read_records(parquet)
    assert len(got) == 7 and got == expected
    assert [list(r) for r in got] == [list(r) for r in expected]  # same key order
    assert [list(r["removed"]) for r in got] == [list(r["removed"]) for r in expected]
    manifest = json.loads((tmp_path / "out.parquet.manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"][0]["format"] == "parquet" and manifest["records"] == 7


def article(k: int, **changes: Any) -> Article:
    base = next(a for a in parse_paths(SEEDS) if isinstance(a, Article))
    return base.model_copy(update={"id": f"{k:016x}", **changes})


def test_a_later_null_or_empty_map_cannot_fail_the_write(tmp_path: Path) -> None:
    # The first row group has every optional field set; later ones have nulls and empty maps.
    rows = [article(0, duplicate_of="0" * 16), article(1, duplicate_of="0" * 16)]
    rows += [
        article(k, title=None, published=None, seq=None, removed={}, languages={})
        for k in (2, 3, 4)
    ]
    path = tmp_path / "late-nulls.parquet"
    with ParquetWriter(str(path), row_group_rows=2) as writer:
        for row in rows:
            writer.write(row)
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert read_records(path) == [r.model_dump(mode="json") for r in rows]


def test_rows_are_streamed_in_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "groups.parquet"
    with ParquetWriter(str(path), row_group_rows=1000, row_group_chars=5000) as writer:
        for k in range(12):
            writer.write(article(k))
    # Each seed article has ~2,000 characters: the text cap cuts groups of 3, not of 1000.
    meta = pq.ParquetFile(path).metadata
    assert meta.num_rows == 12 and meta.num_row_groups == 4


def test_an_interrupted_run_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.parquet"
    with pytest.raises(KeyboardInterrupt), ParquetWriter(str(path), row_group_rows=1) as w:
        w.write(article(0))
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_without_pyarrow_the_error_names_the_extra(
    in_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    out = tmp_path / "out.parquet"
    result = runner.invoke(cli, ["parse", "seeds/", "-o", str(out)])
    assert result.exit_code == 3  # a missing extra fails the run, like a missing Dask
    assert "pip install 'newsingest[parquet]'" in result.stderr
    assert INSTALL_HINT in " ".join(result.stderr.split())
    assert list(tmp_path.iterdir()) == []  # refused before any work


def test_parquet_needs_a_file(in_root: Path) -> None:
    result = runner.invoke(cli, ["parse", "seeds/", "--format", "parquet"])
    assert result.exit_code == 2 and "-o FILE.parquet" in result.stderr


def test_parquet_target_is_checked_before_any_input_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same up-front checks, errors and exit code (3) as a JSONL -o.
    import newsingest.pipeline

    def no_reading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an input was read")

    monkeypatch.setattr(newsingest.pipeline, "read_sources", no_reading)
    folder = tmp_path / "x.parquet"
    folder.mkdir()
    result = runner.invoke(cli, ["parse", str(SEEDS), "-o", str(folder)])
    assert result.exit_code == 3 and "is a directory; give a file name" in result.stderr
    missing = tmp_path / "no" / "out.parquet"
    result = runner.invoke(cli, ["parse", str(SEEDS), "-o", str(missing)])
    assert result.exit_code == 3 and "no such folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.parquet"]
