"""Work spread over forked processes that inherit what the parent holds in memory.

The parallel steps of a build work on things that are costly or impossible to send to
another process: a loaded site, the Jinja environment, a compiled 错敏词 list. A forked
worker has them already, as they were when the pool started; only a number goes to it
and a small result comes back. Where fork is unavailable (Windows) callers do the work
in their own process.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from generator.collector import collect_for_batch_work
from generator.pickles import dumps

T = TypeVar("T")

# Set once in each worker process by the pool's initializer, never in the parent.
_WORKER: dict[str, Any] = {}


def can_fork() -> bool:
    """Whether processes can be forked here (not on Windows). Asked of os, not of
    multiprocessing, whose import costs 12 ms a build that forks no pool can do without."""
    return hasattr(os, "fork")


def forked_map(
    work: Callable[[int], T],
    count: int,
    jobs: int,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[T]:
    """``work(0)`` … ``work(count - 1)``, each run in one of ``jobs`` forked processes,
    yielded as they finish (in no set order). ``work`` may be any callable, a closure
    too: the workers inherit it, nothing of it is pickled. Only its results are (by
    generator.pickles).

    ``meanwhile`` runs here once the workers have started, before the first result is
    taken: work of this process's own that the workers neither need nor change."""
    # Frozen objects are never visited by the workers' garbage collector, so the pages of
    # memory holding the site stay shared with the parent instead of being copied.
    import multiprocessing

    gc.freeze()
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(jobs, initializer=_adopt, initargs=(work,)) as pool:
            results = pool.imap_unordered(_run, range(count))
            if meanwhile is not None:
                meanwhile()
            for result in results:
                yield pickle.loads(result)
    finally:
        gc.unfreeze()


def _adopt(work: Callable[[int], Any]) -> None:
    _WORKER["work"] = work
    _leave_signals_to_the_parent()
    collect_for_batch_work()


def _leave_signals_to_the_parent() -> None:
    """Ctrl+C and a closed terminal's SIGHUP reach every process of the terminal; the
    parent, told to stop, ends its pool with SIGTERM. A worker that kept the parent's
    Python handlers (``serve`` turns SIGTERM and SIGHUP into KeyboardInterrupt) printed
    a traceback as it went: it now ignores Ctrl+C, and SIGHUP where the parent handles
    it (where the parent dies of it, or ignores it, so does the worker), and ends
    quietly when terminated."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    hangup = getattr(signal, "SIGHUP", None)  # none on Windows
    if hangup is not None and callable(signal.getsignal(hangup)):
        signal.signal(hangup, signal.SIG_IGN)


def _run(index: int) -> bytes:
    # Pickled here, with paths stored by folder: a unit read in a worker holds some
    # hundred paths, and multiprocessing's own pickles rebuild each from all its parts.
    return dumps(_WORKER["work"](index))


class ForkedCall:
    """``work()`` run in a forked child while this process goes on with something else.

    Unlike :func:`forked_map`, no pool: one call, started as soon as it is made (a pool
    costs 12 ms to import and more to start), for work that takes a tenth of a second.
    Use it as a context manager, so that the child is reaped however the block ends.
    Only where :func:`can_fork` says fork works; ``work``'s result must pickle.
    """

    def __init__(self, work: Callable[[], Any]) -> None:
        """Fork the child; raises OSError when the system has no process to give."""
        self._read, write = os.pipe()
        try:
            self._pid = os.fork()
        except OSError:
            os.close(self._read)
            os.close(write)
            raise
        if self._pid == 0:
            os.close(self._read)
            _answer(work, write)  # never returns
        os.close(write)
        self._result: Any = None
        self._done = False

    def ready(self) -> bool:
        """Whether the child has finished: its answer, or its end, is waiting."""
        return self._done or bool(select.select([self._read], [], [], 0)[0])

    def result(self) -> Any:
        """What ``work()`` returned, waiting for it; None if it raised or the child died."""
        if not self._done:
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            self._done = True
            os.waitpid(self._pid, 0)
            self._result = _loaded(data)
        return self._result

    def __enter__(self) -> ForkedCall:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._done:  # left early: the child may be blocked writing to the pipe
            self._done = True
            os.close(self._read)
            os.waitpid(self._pid, 0)


def _answer(work: Callable[[], Any], write: int) -> None:
    """In the child: send ``work()``'s result and end, whatever happens (never back into
    the caller's code, which would go on as a second copy of the build)."""
    code = 1
    try:
        data = dumps(work())
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


def _loaded(data: bytes) -> Any:
    try:
        return pickle.loads(data) if data else None
    except Exception:  # noqa: BLE001 - a half-sent answer counts as none
        return None
