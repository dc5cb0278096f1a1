"""Memo of per-file work (parsing, scanning), so that a rebuild redoes only what changed.

An entry is keyed by the file's path and reused while its size and modification time
stay the same; ``serve`` also drops entries explicitly for every file the watcher reports,
so that two saves within one timestamp tick are never confused. Problems found while
doing the work are stored with it and reported again on every reuse.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from generator.errors import Problems

T = TypeVar("T")


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class FileCache:
    """One memo per kind of work (e.g. "parse", "privacy"), shared by successive builds."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, Path], tuple[Any, Any, list]] = {}
        self._kinds: dict[Path, set[str]] = {}  # path -> kinds of work memoised for it
        self._derived: dict[tuple[str, str], tuple[object, Any]] = {}

    def get(
        self, kind: str, path: Path, work: Callable[[Path, Problems], T], problems: Problems
    ) -> T:
        stamp = _stamp(path)
        key = (kind, path)
        entry = self._entries.get(key)
        if entry is not None and stamp is not None and entry[0] == stamp:
            problems.items.extend(entry[2])
            return entry[1]
        local = Problems()
        result = work(path, local)
        problems.items.extend(local.items)
        if stamp is not None:
            self._entries[key] = (stamp, result, local.items)
            self._kinds.setdefault(path, set()).add(kind)
        return result

    def derived(self, kind: str, name: str, source: object, work: Callable[[], T]) -> T:
        """``work()``, reused while the object stored under ``name`` is ``source`` itself.

        For summaries of a loaded unit: ``serve`` keeps a unit whose folder did not change
        as the same object and loads a changed one afresh, so identity tells whether the
        summary still holds. One entry is kept per name.
        """
        key = (kind, name)
        entry = self._derived.get(key)
        if entry is not None and entry[0] is source:
            return entry[1]
        result = work()
        self._derived[key] = (source, result)
        return result

    def within(self, folder: Path) -> FileCache:
        """A memo of the per-file entries for files under ``folder`` (the build cache
        keeps one with a unit rebuilt alone; derived entries hold loaded objects)."""
        part = FileCache()
        # By text: ``folder in path.parents`` makes a path for each of its folders, and
        # took 8 ms for the 400 entries of a 200-document unit.
        prefix = os.path.join(folder, "")
        for (kind, path), entry in self._entries.items():
            if str(path).startswith(prefix):
                part._entries[(kind, path)] = entry
                part._kinds.setdefault(path, set()).add(kind)
        return part

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop every entry for ``paths`` (files the watcher saw change)."""
        for path in map(Path, paths):
            for kind in self._kinds.pop(path, ()):
                self._entries.pop((kind, path), None)
