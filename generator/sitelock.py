"""One command at a time writes a site (生成锁): ``build``, ``build --watch`` runs, ``publish``.

A platform may run ``zfxxgk build --watch`` for its CMS and, from cron, ``zfxxgk build``
and ``zfxxgk publish``. Two builds at once would each drop the other's build record and
write the same pages, and a publish while a build writes in place could upload a site
half old and half new. So each takes an exclusive lock on ``.zfxxgk-cache/lock`` and a
second one waits, saying so. The operating system releases the lock when its holder
ends, however it ends: no stale lock is ever left to remove by hand.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from generator.buildstate import cache_dir

_POLL = 0.2  # seconds between attempts where the system cannot wait for a lock (Windows)


@contextlib.contextmanager
def exclusive(root: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold the site's lock for the block; ``waiting()`` is called once, first, if
    another process holds it (the block then starts when that process lets go)."""
    folder = cache_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "a+b") as file:
        if not _try_lock(file):
            waiting()
            _lock(file)
        try:
            yield
        finally:
            _unlock(file)


if os.name == "nt":
    import msvcrt

    def _try_lock(file: IO[bytes]) -> bool:
        file.seek(0)
        try:
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(file: IO[bytes]) -> None:
        while not _try_lock(file):
            time.sleep(_POLL)

    def _unlock(file: IO[bytes]) -> None:
        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(file: IO[bytes]) -> bool:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(file: IO[bytes]) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)

    def _unlock(file: IO[bytes]) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)
