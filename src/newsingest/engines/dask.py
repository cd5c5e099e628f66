"""Dask engine: the same library code on a cluster; sharded, resumable output with a manifest.

Inputs are listed once, in reading order, and cut into contiguous partitions; partition k is
written to OUT/part-0000k.jsonl.gz (records) and OUT/part-0000k.rejects.jsonl.gz, then marked
done by OUT/part-0000k.done.json (counts and sha256 of both files). Concatenating the record
shards in partition order gives exactly what `parse --jobs 1` writes, gzipped. A rerun skips
every partition whose done marker matches its files, so an interrupted run only redoes what
was missing. Cross-partition dedup is not done here (a shard must not depend on the others).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import __version__
from ..config import IngestConfig
from ..errors import NewsIngestError
from ..export import JsonlWriter, Summary, open_records
from ..models import Reject
from ..parquet import require_pyarrow
from ..pipeline import repeated_lines, run
from ..provenance import Versions, shaping_options, versions
from ..reader import input_files, read_sources

INSTALL_HINT = "the Dask engine needs the dask extra: pip install 'newsingest[dask]'"


class ShardInfo(BaseModel):
    """One partition's outcome, as recorded in the done marker and the manifest."""

    index: int
    inputs: int
    records: int
    rejects: int
    by_reason: dict[str, int]
    records_file: str
    rejects_file: str
    records_sha256: str
    rejects_sha256: str


class Manifest(BaseModel):
    """OUT/_manifest.json: what was read, what each shard holds, and which run made it."""

    version: str
    versions: Versions
    options: dict[str, Any]
    inputs: list[str]
    partitions: int
    records: int
    rejects: int
    shards: list[ShardInfo]
    computed: list[int]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def partition(files: Sequence[str], parts: int) -> list[list[str]]:
    """Contiguous, near-equal slices of the input list; the same list gives the same slices."""
    n = len(files)
    return [list(files[k * n // parts : (k + 1) * n // parts]) for k in range(parts)]


def records_name(index: int, fmt: str) -> str:
    return f"part-{index:05d}.parquet" if fmt == "parquet" else f"part-{index:05d}.jsonl.gz"


def run_shard(
    index: int, files: list[str], config: IngestConfig, out: str, fmt: str = "jsonl"
) -> dict[str, Any]:
    """Process one partition on a worker and mark it done. Runs in the worker process."""
    folder = Path(out)
    records_file = folder / records_name(index, fmt)
    rejects_file = folder / f"part-{index:05d}.rejects.jsonl.gz"
    summary = Summary()
    with (
        open_records(str(records_file), fmt) as records,
        JsonlWriter(str(rejects_file)) as rejects,
    ):
        for item in run(read_sources(files, config), config):
            summary.add(item)
            (rejects if isinstance(item, Reject) else records).write(item)
    info = ShardInfo(
        index=index,
        inputs=len(files),
        records=summary.records,
        rejects=summary.rejects,
        by_reason=summary.by_reason,
        records_file=records_file.name,
        rejects_file=rejects_file.name,
        records_sha256=_sha256(records_file),
        rejects_sha256=_sha256(rejects_file),
    )
    marker = folder / f"part-{index:05d}.done.json"
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(info.model_dump_json(), encoding="utf-8")
    os.replace(tmp, marker)
    return info.model_dump()


def _done(folder: Path, index: int, inputs: int, fmt: str) -> ShardInfo | None:
    """The shard's done marker, when it and its files are intact and in the format asked."""
    marker = folder / f"part-{index:05d}.done.json"
    try:
        info = ShardInfo.model_validate_json(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    intact = (
        info.inputs == inputs
        and info.records_file == records_name(index, fmt)
        and (folder / info.records_file).exists()
        and (folder / info.rejects_file).exists()
        and _sha256(folder / info.records_file) == info.records_sha256
        and _sha256(folder / info.rejects_file) == info.rejects_sha256
    )
    return info if intact else None


def run_dask(
    paths: Sequence[str],
    config: IngestConfig,
    out: Path,
    scheduler: str | None = None,
    partitions: int | None = None,
    workers: int = 2,
    fmt: str = "jsonl",
) -> Manifest:
    """Parse on a Dask cluster (a LocalCluster of `workers` processes unless `scheduler` is
    given) into sharded output under `out`, records as gzipped JSONL or Parquet (`fmt`);
    returns the manifest it writes."""
    if fmt == "parquet":
        require_pyarrow()  # before any work, and on the client: workers need it too
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:  # pragma: no cover - exercised only without the extra
        raise NewsIngestError(INSTALL_HINT) from e
    files = input_files(paths, config)
    if "-" in files:
        raise NewsIngestError("the Dask engine reads files, not stdin ('-')")
    if config.dedup != "off":
        raise NewsIngestError("--dedup needs the whole stream: use the local engine")
    if config.drop_wide and not config.repeated_lines:
        # The first pass runs here, so every shard drops the same repeated lines.
        config = config.model_copy(update={"repeated_lines": repeated_lines(files, config)})
    out.mkdir(parents=True, exist_ok=True)
    parts = partition(files, partitions or max(1, min(len(files), workers * 4)))
    shards: dict[int, ShardInfo] = {}
    todo = []
    for k, chunk in enumerate(parts):
        done = _done(out, k, len(chunk), fmt)
        if done is not None:
            shards[k] = done
        else:
            todo.append(k)
    if todo:
        cluster = None
        if scheduler is None:
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        try:
            with Client(scheduler or cluster) as client:  # type: ignore[no-untyped-call]
                futures = [
                    client.submit(run_shard, k, parts[k], config, str(out), fmt, pure=False)
                    for k in todo
                ]
                for k, result in zip(todo, client.gather(futures), strict=True):
                    shards[k] = ShardInfo.model_validate(result)
        finally:
            if cluster is not None:
                cluster.close()
    ordered = [shards[k] for k in range(len(parts))]
    manifest = Manifest(
        version=__version__,
        versions=versions(),
        options=shaping_options(config),
        inputs=files,
        partitions=len(parts),
        records=sum(s.records for s in ordered),
        rejects=sum(s.rejects for s in ordered),
        shards=ordered,
        computed=todo,
    )
    tmp = out / "_manifest.json.tmp"
    tmp.write_text(
        json.dumps(manifest.model_dump(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    os.replace(tmp, out / "_manifest.json")
    return manifest
