"""Watching a site's inputs: ``zfxxgk serve`` and ``zfxxgk build --watch``.

A watchdog observer reports the paths that matter (content/, themes/, site.yaml) into a
:class:`ChangeQueue`, which hands them out in batches once saving has paused: a save-all
or a ``git checkout`` is one rebuild, not hundreds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.config import CONFIG_FILE

WATCHED = ("content", "themes")  # the folders of the site root whose files are inputs
QUIET_SECONDS = 0.02  # a burst of saves closer together than this is one rebuild


class ChangeQueue:
    """Changed paths, collected from the observer's thread and taken in batches."""

    def __init__(self, quiet: float = QUIET_SECONDS):
        self.quiet = quiet
        self._pending: set[Path] = set()
        self._events = 0  # counts every report, also repeats for a path already pending
        self._closed = False
        # Reentrant: close() may run in a signal handler of the thread waiting in take().
        self._lock = threading.Condition(threading.RLock())

    def put(self, path: Path) -> None:
        with self._lock:
            self._pending.add(path)
            self._events += 1
            self._lock.notify_all()

    def close(self) -> None:
        """Wake the taker for good: take() returns None from now on."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def take(self) -> list[Path] | None:
        """Wait for a change, then until no new one arrives for ``quiet`` seconds; return
        the paths changed meanwhile, sorted, or None once closed."""
        with self._lock:
            self._lock.wait_for(lambda: self._pending or self._closed)
            while not self._closed:
                seen = self._events
                self._lock.wait_for(lambda s=seen: self._events != s, self.quiet)
                if self._events == seen:
                    break
            if self._closed:
                return None
            changed, self._pending = sorted(self._pending), set()
            return changed


class SourceWatcher(FileSystemEventHandler):
    """Reports the changed paths that matter (content, themes, site.yaml).

    Only ``content/`` and ``themes/`` are watched recursively, and the site root itself
    for site.yaml: a site folder also holds output/, .git and the build cache, tens of
    thousands of folders whose churn (a ``zfxxgk build`` beside the preview, a ``git
    gc``) would overflow the kernel's event queue and make watchdog rescan everything.
    """

    def __init__(self, root: Path, observer: Observer, report: Callable[[Path], None]):
        self.root = root
        self.observer = observer
        self.report = report
        self.watched: set[Path] = set()

    def start(self) -> None:
        self.observer.schedule(self, str(self.root), recursive=False)
        for name in WATCHED:
            self._watch(self.root / name)

    def _watch(self, folder: Path) -> bool:
        """Watch a content or themes folder; False if it is watched already or missing."""
        if folder in self.watched or not folder.is_dir():
            return False
        self.watched.add(folder)
        self.observer.schedule(self, str(folder), recursive=True)
        return True

    def _appeared(self, folder: Path) -> None:
        """A content or themes folder made while watching: watch it, and take the files
        it already holds as changed (they were made before the watch began)."""
        if self._watch(folder):
            for path in [folder, *folder.rglob("*")]:
                self._consider(path)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a file inside changed; that file's own event says which
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(str(raw))
                if path.parent == self.root and path.name in WATCHED:
                    self._appeared(path)
                self._consider(path)

    def _consider(self, path: Path) -> None:
        name = path.name
        if name.startswith((".", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".partial")):
            return
        relevant = path == self.root / CONFIG_FILE or any(
            (self.root / top) in path.parents for top in WATCHED
        )
        if relevant:
            self.report(path)


def start_watching(root: Path, report: Callable[[Path], None]) -> Observer:
    """An observer, started, that reports each changed input of the site at ``root``."""
    observer = Observer()
    observer.start()
    SourceWatcher(root, observer, report).start()
    return observer


def stop_watching(observer: Observer) -> None:
    observer.stop()
    observer.join(timeout=5)


def shown_path(path: Path, root: Path) -> str:
    """A path as the log shows it: relative to the site root where it lies inside."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def changed_names(changed: list[Path], root: Path) -> str:
    """The first few changed files for a log line: "a.md、b.md 等 12 个文件"."""
    names = "、".join(shown_path(p, root) for p in changed[:3])
    more = f" 等 {len(changed)} 个文件" if len(changed) > 3 else ""
    return names + more
