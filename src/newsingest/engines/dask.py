"""Dask engine: the same library code on a cluster; sharded, resumable output with a manifest.

Inputs are listed once, in reading order, and cut into contiguous partitions; partition k is
written to OUT/part-0000k.jsonl.gz (records; OUT/part-0000k.parquet with --format parquet)
and OUT/rejects-0000k.jsonl.gz (so that `part-*` is records only), then marked done by
OUT/part-0000k.done.json: counts, the sha256 of both files, and a fingerprint of what made them
(each input's path, size and mtime, the options that shape records, the version and the
packaged data: rules, language data, the cleaner's model). A shard in the other format is
not done. Concatenating the record
shards in partition order gives exactly what `parse --jobs 1` writes, gzipped. A rerun skips
every partition whose done marker matches its files and its fingerprint, so an interrupted run
only redoes what was missing, and a changed drop or other options redo what they change.
Shards of an earlier run that the new plan does not list are removed; a file that is not
newsingest's own makes the run refuse the folder. _manifest.json is written last and removed
while shards are being computed: when it exists, the folder is complete.
Cross-partition dedup is not done here (a shard must not depend on the others).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import signal
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import __version__
from ..config import IngestConfig
from ..errors import NewsIngestError, OutputError, SettingsError
from ..export import (
    TEMP_PREFIX,
    JsonlWriter,
    Summary,
    atomic_write_text,
    open_records,
    sweep_stale_temps,
)
from ..models import Reject
from ..parquet import require_pyarrow
from ..pipeline import repeated_lines, run
from ..provenance import Versions, data_hash, shaping_options, versions
from ..reader import input_files, read_entries

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
    fingerprint: str


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


def _records_name(index: int, fmt: str = "jsonl") -> str:
    return f"part-{index:05d}.parquet" if fmt == "parquet" else f"part-{index:05d}.jsonl.gz"


def _rejects_name(index: int) -> str:
    return f"rejects-{index:05d}.jsonl.gz"


def _marker_name(index: int) -> str:
    return f"part-{index:05d}.done.json"


# Every name a run of this engine writes, past and present layouts (part-k.rejects.jsonl.gz
# was the rejects shard before it got its own prefix).
_OWN = re.compile(
    r"^(?:part-\d{5,}\.(?:jsonl\.gz|parquet|rejects\.jsonl\.gz|done\.json|done\.tmp)"
    r"|rejects-\d{5,}\.jsonl\.gz|_manifest\.json(?:\.tmp)?)$"
)


def options_fingerprint(config: IngestConfig) -> str:
    """What shapes records besides the inputs: the version, the packaged data (rules, language
    data and the cleaner's model), every option
    (the user's rules file by content), and the first --drop-wide pass's lines."""
    conf = config.model_dump(mode="json")
    conf["repeated_lines"] = sorted(config.repeated_lines)
    if config.rules_file is not None:
        try:
            conf["rules_file"] = hashlib.sha256(config.rules_file.read_bytes()).hexdigest()
        except OSError as e:
            raise NewsIngestError(f"{config.rules_file}: cannot read ({e.strerror})") from None
    doc = {"version": __version__, "data": data_hash(), "config": conf}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def shard_fingerprint(files: Sequence[str], options: str) -> str:
    """The options' fingerprint with each input's path, size and mtime (a missing input is
    named as missing, so it changes the fingerprint too)."""
    h = hashlib.sha256(options.encode())
    for f in files:
        try:
            st = os.stat(f)
            stamp: list[Any] = [f, st.st_size, st.st_mtime_ns]
        except OSError as e:
            stamp = [f, "missing", e.errno]
        h.update(json.dumps(stamp).encode() + b"\n")
    return h.hexdigest()


def partition(files: Sequence[str], parts: int) -> list[list[str]]:
    """Contiguous, near-equal slices of the input list; the same list gives the same slices."""
    n = len(files)
    return [list(files[k * n // parts : (k + 1) * n // parts]) for k in range(parts)]


def run_shard(
    index: int,
    files: list[str],
    config: IngestConfig,
    out: str,
    fingerprint: str,
    fmt: str = "jsonl",
) -> dict[str, Any]:
    """Process one partition on a worker and mark it done. Runs in the worker process."""
    folder = Path(out)
    records_file = folder / _records_name(index, fmt)
    rejects_file = folder / _rejects_name(index)
    summary = Summary()
    with (
        open_records(str(records_file), fmt) as records,
        JsonlWriter(str(rejects_file)) as rejects,
    ):
        for item in run(read_entries(files, config), config):
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
        fingerprint=fingerprint,
    )
    atomic_write_text(str(folder / _marker_name(index)), info.model_dump_json())
    return info.model_dump()


def _done(folder: Path, index: int, inputs: int, fingerprint: str, fmt: str) -> ShardInfo | None:
    """The shard's done marker, when it was made from these inputs and options, in the
    format asked, and its files are intact."""
    marker = folder / _marker_name(index)
    try:
        info = ShardInfo.model_validate_json(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    intact = (
        info.inputs == inputs
        and info.fingerprint == fingerprint
        and info.records_file == _records_name(index, fmt)
        and info.rejects_file == _rejects_name(index)
        and (folder / info.records_file).exists()
        and (folder / info.rejects_file).exists()
        and _sha256(folder / info.records_file) == info.records_sha256
        and _sha256(folder / info.rejects_file) == info.rejects_sha256
    )
    return info if intact else None


def _check_folder(out: Path) -> None:
    """-o must be a folder (made if missing) holding nothing but this engine's own files."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file; --engine dask writes a folder of shards there")
    try:
        out.mkdir(parents=True, exist_ok=True)
        names = sorted(os.listdir(out))
    except OSError as e:
        raise OutputError(f"{out}: cannot use as the shards folder ({e.strerror or e})") from None
    foreign = [n for n in names if not (_OWN.match(n) or n.startswith(TEMP_PREFIX))]
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise OutputError(
            f"{out}: holds {foreign[0]!r}{more}, which newsingest did not write; give an empty"
            " folder or one holding only an earlier run's shards"
        )


def _remove_unlisted(out: Path, parts: int, keep_manifest: bool, fmt: str) -> None:
    """Remove this engine's files that the plan of this run does not list: shards of an
    earlier run with more partitions or in the other format, the old rejects layout,
    half-written markers."""
    listed = {
        name
        for k in range(parts)
        for name in (_records_name(k, fmt), _rejects_name(k), _marker_name(k))
    }
    if keep_manifest:
        listed.add("_manifest.json")
    for name in os.listdir(out):
        if _OWN.match(name) and name not in listed:
            try:
                (out / name).unlink()
            except OSError as e:
                raise OutputError(f"{out / name}: cannot remove ({e.strerror or e})") from None
    sweep_stale_temps(str(out))


def _quiet_dask_logs() -> None:
    for name in ("asyncio", "distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _client(stack: ExitStack, scheduler: str | None, workers: int) -> Any:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise NewsIngestError(INSTALL_HINT) from None
    try:
        if scheduler is not None:
            return stack.enter_context(Client(scheduler))  # type: ignore[no-untyped-call]
        # The cluster's processes start with SIGINT ignored (kept across their exec): Ctrl-C at
        # a terminal reaches the whole process group, and only this process should act on it
        # (it closes the cluster); otherwise every worker prints its KeyboardInterrupt.
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:
            cluster = stack.enter_context(
                LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
            )
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        return stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as e:
        what = f"scheduler {scheduler}" if scheduler else "a local Dask cluster"
        raise NewsIngestError(f"{what}: cannot connect ({e or type(e).__name__})") from None


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
    returns the manifest it writes. The folder and the scheduler are checked before any
    input is read."""
    if fmt == "parquet":
        require_pyarrow()  # before any work, and on the client: workers need it too
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise NewsIngestError(INSTALL_HINT) from None
    if "-" in paths:
        raise SettingsError("the Dask engine reads files, not stdin ('-')")
    if config.dedup != "off":
        raise SettingsError("--dedup needs the whole stream: use the local engine")
    _check_folder(out)
    try:
        return _run(paths, config, out, scheduler, partitions, workers, fmt)
    except BaseException:
        # Interrupted or failed: the local cluster is closed by now, so the temp files of
        # the shards its workers were writing have no live owner and go.
        sweep_stale_temps(str(out))
        raise


def _run(
    paths: Sequence[str],
    config: IngestConfig,
    out: Path,
    scheduler: str | None,
    partitions: int | None,
    workers: int,
    fmt: str,
) -> Manifest:
    with ExitStack() as stack:
        client = _client(stack, scheduler, workers) if scheduler is not None else None
        files = input_files(paths, config)
        if config.drop_wide and not config.repeated_lines:
            # The first pass runs here, so every shard drops the same repeated lines.
            config = config.model_copy(update={"repeated_lines": repeated_lines(files, config)})
        parts = partition(files, partitions or max(1, min(len(files), workers * 4)))
        options = options_fingerprint(config)
        prints = [shard_fingerprint(chunk, options) for chunk in parts]
        shards: dict[int, ShardInfo] = {}
        todo = []
        for k, chunk in enumerate(parts):
            done = _done(out, k, len(chunk), prints[k], fmt)
            if done is not None:
                shards[k] = done
            else:
                todo.append(k)
        _remove_unlisted(out, len(parts), keep_manifest=not todo, fmt=fmt)
        if todo:
            client = client or _client(stack, None, workers)
            futures = [
                client.submit(run_shard, k, parts[k], config, str(out), prints[k], fmt, pure=False)
                for k in todo
            ]
            try:
                results = client.gather(futures)
            except BaseException:
                # Ctrl-C or SIGTERM: finished shards are marked done, a rerun resumes. Without
                # this, closing the cluster logs a traceback per pending gather.
                _quiet_dask_logs()
                raise
            for k, result in zip(todo, results, strict=True):
                shards[k] = ShardInfo.model_validate(result)
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
    text = json.dumps(manifest.model_dump(), ensure_ascii=False, indent=1) + "\n"
    atomic_write_text(str(out / "_manifest.json"), text)
    return manifest
