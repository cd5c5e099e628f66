"""Provenance: --version names what shapes records, every -o output gets a manifest, and the
dependency bounds and pins agree."""

from __future__ import annotations

import json
import platform
import shutil
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement

from newsingest.cli import cli
from newsingest.provenance import (
    DATA_DIR,
    data_files,
    data_hash,
    file_sha256,
    folder_hash,
    manifest_path,
)

from .conftest import ROOT, rules_file

runner = CliRunner()


def test_version_lists_everything_that_shapes_records() -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"newsingest, version {version('newsingest')}"
    assert f"python {platform.python_version()}" in lines
    for name in ("chardet", "langdetect", "pydantic", "numpy"):
        assert f"{name} {version(name)}" in lines
    assert lines[-1].startswith(f"data sha256 {data_hash()} (")


def test_data_hash_covers_every_file_under_data_recursively(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    assert folder_hash(copy) == data_hash()
    assert "rules/en.toml" in data_files(copy) and "langid.toml" in data_files(copy)
    (copy / "models" / "v1").mkdir(parents=True)
    (copy / "models" / "v1" / "weights.bin").write_bytes(b"\x00\x01")
    with_model = folder_hash(copy)
    assert with_model != data_hash()
    # Moving a byte from one file to the next changes the hash too.
    (copy / "models" / "v1" / "weights.bin").write_bytes(b"\x00")
    (copy / "models" / "v1" / "zz.bin").write_bytes(b"\x01")
    assert folder_hash(copy) not in (with_model, data_hash())


def test_packaged_data_is_every_file_under_data() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/**/*" in conf["tool"]["setuptools"]["package-data"]["newsingest"]


def run_parse(*args: str) -> dict[str, object]:
    result = runner.invoke(cli, ["parse", *args])
    assert result.exit_code in (0, 1), result.output
    return {"code": result.exit_code, "stdout": result.stdout}


def test_every_output_file_gets_a_manifest(in_root: Path, tmp_path: Path) -> None:
    out, rejects = tmp_path / "out.jsonl.gz", tmp_path / "rejects.jsonl"
    (tmp_path / "drop").mkdir()
    shutil.copy(ROOT / "seeds" / "001_cf74399b35aeebb3.txt", tmp_path / "drop")
    (tmp_path / "drop" / "002_0000000000000002.txt").write_bytes(b"")
    extra = rules_file(tmp_path, "site_promo", "Subscribe to our podcast", "a site's promo")
    args = [str(tmp_path / "drop"), "-o", str(out), "--rejects", str(rejects), "--langs", "en"]
    run_parse(*args, "--rules", str(extra))
    manifest = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    assert manifest["records"] == 1 and manifest["rejects"] == 1
    assert manifest["by_reason"] == {"empty": 1}
    assert manifest["inputs"] == [str(tmp_path / "drop")]
    assert manifest["versions"]["data_sha256"] == data_hash()
    assert manifest["versions"]["packages"]["chardet"] == version("chardet")
    assert manifest["options"]["langs"] == ["en"]
    assert manifest["options"]["rules_sha256"] == file_sha256(extra)
    formats = [(o["format"], o["items"], o["sha256"]) for o in manifest["outputs"]]
    assert formats == [
        ("jsonl.gz", 1, file_sha256(out)),
        ("jsonl", 1, file_sha256(rejects)),
    ]
    first = manifest_path(out).read_bytes()
    run_parse(*args, "--rules", str(extra), "-j", "2")
    assert manifest_path(out).read_bytes() == first  # no time or host: the same run, same bytes


def test_stdout_gets_no_manifest(
    in_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = str(ROOT / "seeds")
    monkeypatch.chdir(tmp_path)
    run_parse(seeds)
    assert list(tmp_path.iterdir()) == []


def test_constraints_pin_every_runtime_dependency_within_its_bounds() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            pins[name.lower().replace("_", "-")] = pinned
    for spec in conf["project"]["dependencies"]:
        req = Requirement(spec)
        assert req.specifier.contains(pins[req.name.lower()]), (req, pins[req.name.lower()])
        assert any(s.operator == "<" for s in req.specifier), f"{req.name} has no upper bound"
