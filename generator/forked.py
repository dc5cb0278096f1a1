"""Work spread over forked processes that inherit what the parent holds in memory.

The parallel steps of a build work on things that are costly or impossible to send to
another process: a loaded site, the Jinja environment, a compiled 错敏词 list. A forked
worker has them already, as they were when the pool started; only a number goes to it
and a small result comes back. Where fork is unavailable (Windows) callers do the work
in their own process.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from generator.collector import collect_for_batch_work
from generator.pickles import dumps

T = TypeVar("T")

# Set once in each worker process by the pool's initializer, never in the parent.
_WORKER: dict[str, Any] = {}


def can_fork() -> bool:
    import multiprocessing  # here: a build that forks no worker does without it (12 ms)

    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(work: Callable[[int], T], count: int, jobs: int) -> Iterator[T]:
    """``work(0)`` … ``work(count - 1)``, each run in one of ``jobs`` forked processes,
    yielded as they finish (in no set order). ``work`` may be any callable, a closure
    too: the workers inherit it, nothing of it is pickled. Only its results are (by
    generator.pickles)."""
    # Frozen objects are never visited by the workers' garbage collector, so the pages of
    # memory holding the site stay shared with the parent instead of being copied.
    import multiprocessing

    gc.freeze()
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(jobs, initializer=_adopt, initargs=(work,)) as pool:
            for result in pool.imap_unordered(_run, range(count)):
                yield pickle.loads(result)
    finally:
        gc.unfreeze()


def _adopt(work: Callable[[int], Any]) -> None:
    _WORKER["work"] = work
    collect_for_batch_work()


def _run(index: int) -> bytes:
    # Pickled here, with paths stored by folder: a unit read in a worker holds some
    # hundred paths, and multiprocessing's own pickles rebuild each from all its parts.
    return dumps(_WORKER["work"](index))
