"""Local engine: a process pool over input units, results in input order, bounded in flight."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import TypeVar

from ..config import IngestConfig
from ..models import Item, Reject, Source
from ..pipeline import process_source

# Units go to workers in batches: one round trip per batch, not per file, since a pool's
# per-task cost (pickling, pipes, its threads) is a fair share of a small article's work.
BATCH_UNITS = 16
BATCH_BYTES = 1 << 20
# Batches in flight per worker: enough to keep workers busy, few enough that memory stays flat.
IN_FLIGHT_PER_JOB = 3

T = TypeVar("T")


def _quiet_worker() -> None:
    """Workers get a process group of their own, so Ctrl-C at a terminal or a SIGTERM to the
    run's group reaches only the parent, which stops the pool: no KeyboardInterrupt traceback
    from every worker, and no worker killed while it holds the task queue's lock (the pool's
    shutdown would wait for that lock forever). The pool's own terminate still kills them
    (SIGTERM, default action); if the parent dies, they see the task pipe close and exit."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(
    args: tuple[list[Source | Reject], IngestConfig, Callable[[Source, IngestConfig], list[T]]],
) -> list[list[T]]:
    batch, config, fn = args
    return [[] if isinstance(src, Reject) else fn(src, config) for src in batch]


def _batches(sources: Iterable[Source | Reject]) -> Iterator[list[Source | Reject]]:
    batch: list[Source | Reject] = []
    size = 0
    for src in sources:
        batch.append(src)
        size += len(src.data) if isinstance(src, Source) else 0
        if len(batch) >= BATCH_UNITS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def map_sources(
    sources: Iterable[Source | Reject],
    config: IngestConfig,
    jobs: int,
    fn: Callable[[Source, IngestConfig], list[T]],
) -> Iterator[tuple[Source | Reject, list[T]]]:
    """Each input unit with fn's results for it ([] for a reject), in input order, computed by
    `jobs` worker processes. fn must be a module-level function (it is pickled)."""
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    pending: deque[tuple[list[Source | Reject], AsyncResult[list[list[T]]]]] = deque()
    limit = jobs * IN_FLIGHT_PER_JOB
    with ctx.Pool(jobs, initializer=_quiet_worker) as pool:
        for batch in _batches(sources):
            pending.append((batch, pool.apply_async(_work, ((batch, config, fn),))))
            while len(pending) >= limit or (pending and pending[0][1].ready()):
                done, result = pending.popleft()
                yield from zip(done, result.get(), strict=True)
        while pending:
            done, result = pending.popleft()
            yield from zip(done, result.get(), strict=True)


def run_parallel(
    sources: Iterable[Source | Reject], config: IngestConfig, jobs: int
) -> Iterator[Item]:
    """Same items as pipeline.run, in the same order, computed by `jobs` worker processes."""
    for src, items in map_sources(sources, config, jobs, process_source):
        if isinstance(src, Reject):
            yield src
        else:
            yield from items
