"""Local engine: a process pool over input units, results in input order, bounded in flight."""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult

from ..config import IngestConfig
from ..models import Item, Reject, Source
from ..pipeline import process_source

# Units in flight per worker: enough to keep workers busy, few enough that memory stays flat.
IN_FLIGHT_PER_JOB = 8


def _work(args: tuple[Source, IngestConfig]) -> list[Item]:
    return process_source(*args)


def run_parallel(
    sources: Iterable[Source | Reject], config: IngestConfig, jobs: int
) -> Iterator[Item]:
    """Same items as pipeline.run, in the same order, computed by `jobs` worker processes."""
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    pending: deque[AsyncResult[list[Item]] | Reject] = deque()
    limit = jobs * IN_FLIGHT_PER_JOB
    with ctx.Pool(jobs) as pool:
        for src in sources:
            if isinstance(src, Reject):
                pending.append(src)
            else:
                pending.append(pool.apply_async(_work, ((src, config),)))
            while len(pending) >= limit or (pending and _ready(pending[0])):
                yield from _take(pending.popleft())
        while pending:
            yield from _take(pending.popleft())


def _ready(head: AsyncResult[list[Item]] | Reject) -> bool:
    return isinstance(head, Reject) or head.ready()


def _take(head: AsyncResult[list[Item]] | Reject) -> list[Item]:
    return [head] if isinstance(head, Reject) else head.get()
