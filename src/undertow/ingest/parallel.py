"""Worker processes for normalisation, with a bounded window of blocks in flight.

Parsing and normalising values is pure Python and CPU-bound; DuckDB's inserts run in
its own threads. On a two-core machine, two workers normalise while the main process
reads the file and stores results, in file order. Workers are forked from a clean
``forkserver`` (never from the main process, whose DuckDB threads must not be forked),
which imports Undertow once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_POOL: tuple[int, ProcessPoolExecutor] | None = None


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _pool(workers: int) -> ProcessPoolExecutor:
    global _POOL
    if _POOL is not None and _POOL[0] == workers:
        return _POOL[1]
    shutdown()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["undertow.ingest.block"])
    _POOL = (workers, ProcessPoolExecutor(max_workers=workers, mp_context=context))
    return _POOL[1]


def shutdown() -> None:
    global _POOL
    if _POOL is not None:
        _POOL[1].shutdown(wait=True, cancel_futures=True)
        _POOL = None


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int, window: int | None = None
) -> Iterator[R]:
    """``map(fn, items)`` over worker processes, in order, with bounded memory."""
    if workers <= 1:
        yield from map(fn, items)
        return
    pool = _pool(workers)
    limit = window or workers * 3
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
