"""Local engine: a process pool over input units, results in input order, bounded in flight."""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult

from ..config import IngestConfig
from ..models import Item, Reject, Source
from ..pipeline import process_source

# Units go to workers in batches: one round trip per batch, not per file, since a pool's
# per-task cost (pickling, pipes, its threads) is a fair share of a small article's work.
BATCH_UNITS = 16
BATCH_BYTES = 1 << 20
# Batches in flight per worker: enough to keep workers busy, few enough that memory stays flat.
IN_FLIGHT_PER_JOB = 3


def _work(args: tuple[list[Source | Reject], IngestConfig]) -> list[Item]:
    batch, config = args
    out: list[Item] = []
    for src in batch:
        if isinstance(src, Reject):
            out.append(src)
        else:
            out.extend(process_source(src, config))
    return out


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


def run_parallel(
    sources: Iterable[Source | Reject], config: IngestConfig, jobs: int
) -> Iterator[Item]:
    """Same items as pipeline.run, in the same order, computed by `jobs` worker processes."""
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    pending: deque[AsyncResult[list[Item]]] = deque()
    limit = jobs * IN_FLIGHT_PER_JOB
    with ctx.Pool(jobs) as pool:
        for batch in _batches(sources):
            pending.append(pool.apply_async(_work, ((batch, config),)))
            while len(pending) >= limit or (pending and pending[0].ready()):
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
