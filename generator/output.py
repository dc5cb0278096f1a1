"""Write the built site to ``output/`` so that a failed build never leaves half a site.

Files go to a temporary sibling folder first; only when every file is written is it
swapped in place of the old ``output/``. Paths come from slugs, and are checked again
here, so nothing is ever written outside the output folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import OutputError
from generator.forked import can_fork, forked_map
from generator.render import OutputFile, Stream


@dataclass(frozen=True)
class WriteStats:
    pages: int
    files: int
    bytes: int
    collected: tuple = ()  # what each stream's ``collect`` call returned, in no set order
    paths: tuple[str, ...] = ()  # every file written


@dataclass(frozen=True)
class _StreamResult:
    pages: int
    bytes: int
    paths: tuple[str, ...]
    collected: Any


def write_site(
    streams: Sequence[Stream],
    out_dir: Path,
    jobs: int = 1,
    collect: Callable[[], Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    finish: Callable[[Path], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> WriteStats:
    """Write the files of every stream into a fresh folder and swap it in for ``out_dir``.

    With ``jobs`` > 1 the streams are written by that many forked worker processes (each
    stream is typically one unit's pages, so the work spreads evenly); ``collect`` runs
    after each stream in the process that wrote it, to send back what rendering noted on
    the side (broken links). ``progress(done, total)`` is called as streams finish;
    ``finish(folder)`` adds to the complete folder before it is swapped in (the search index);
    ``meanwhile()``, this process's own work, runs while the workers write (or first).
    """
    staging = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    _remove(staging)
    try:
        staging.mkdir(parents=True)
        results = _write_streams(streams, staging, jobs, collect, progress, meanwhile)
        stats = _merge(results)
        if finish is not None:
            finish(staging)
        _swap(staging, out_dir)
    except BaseException:
        _remove(staging)
        raise
    return stats


def _write_streams(streams, staging, jobs, collect, progress, meanwhile) -> list[_StreamResult]:
    total = len(streams)
    if jobs <= 1 or total <= 1 or not can_fork():
        if meanwhile is not None:
            meanwhile()
        done = map(lambda stream: _write_stream(stream, staging, collect), streams)
    else:
        # The workers inherit the loaded site and the renderer as they are in memory, so
        # nothing but small results crosses between processes.
        def work(n: int) -> _StreamResult:
            return _write_stream(streams[n], staging, collect)

        done = forked_map(work, total, jobs, meanwhile)
    results: list[_StreamResult] = []
    for result in done:
        results.append(result)
        if progress:
            progress(len(results), total)
    return results


def _write_stream(stream: Stream, staging: Path, collect) -> _StreamResult:
    paths: list[str] = []
    pages = size = 0
    base = str(staging)
    made: set[str] = set()  # folders made here: asking the system again for each file cost more
    for file in stream():
        target = f"{base}/{_safe_relative(file.path)}"
        paths.append(file.path)
        folder = target.rpartition("/")[0]
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if file.data is not None:
            with open(target, "wb") as out:
                out.write(file.data)
            size += len(file.data)
        elif file.source is not None:
            shutil.copyfile(file.source, target)
            size += os.stat(target).st_size
        pages += file.path.endswith(".html")
    return _StreamResult(pages, size, tuple(paths), collect() if collect else None)


def _merge(results: list[_StreamResult]) -> WriteStats:
    seen: set[str] = set()
    for result in results:
        for path in result.paths:
            if path in seen:
                raise OutputError(f"两个内容生成了同一个输出文件“{path}”")
            seen.add(path)
    return WriteStats(
        pages=sum(r.pages for r in results),
        files=len(seen),
        bytes=sum(r.bytes for r in results),
        collected=tuple(r.collected for r in results),
        paths=tuple(seen),
    )


def _safe_relative(path: str) -> str:
    """``path`` as a relative path inside the output folder, or OutputError."""
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if path.startswith("/") or ".." in parts or not parts:
        raise OutputError(f"输出路径“{path}”不在输出文件夹内，已拒绝写入")
    return "/".join(parts)


def _swap(staging: Path, out_dir: Path) -> None:
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    _remove(old)
    if out_dir.exists():
        os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except OSError:
        if old.exists():
            os.replace(old, out_dir)
        raise
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@dataclass
class SyncStats:
    """What an incremental write changed."""

    written: list[str]  # output paths whose bytes were (re)written
    removed: list[str]  # output paths that no longer exist in the site
    pages: int  # HTML pages rendered this time


@dataclass
class SyncState:
    """What ``sync_site`` remembers between rebuilds: the paths it wrote, and the stamp of
    the source of every copied file."""

    paths: set[str] = field(default_factory=set)
    copied: dict[str, tuple] = field(default_factory=dict)


def sync_site(
    files: Iterable[OutputFile],
    out_dir: Path,
    state: SyncState,
    keep: tuple[str, ...] = (),
    only: tuple[str, ...] | None = None,
) -> SyncStats:
    """Bring ``out_dir`` in line with ``files`` in place, touching only what changed.

    ``state`` is updated. Files under the URL prefixes in ``keep`` (units not rendered
    this time) are left as they are; with ``only``, the prefixes ``files`` stand for,
    every file outside them is. Changed files are written into a staging folder
    beside ``out_dir`` and moved in only once every file is rendered: a theme template
    that fails half-way through leaves ``out_dir`` as it was.
    """
    seen: set[str] = set()
    staging = out_dir.with_name(f".{out_dir.name}.sync-{os.getpid()}")
    _remove(staging)
    try:
        written, pages = write_changed(files, out_dir, state, seen, staging)
        for path in written:
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, target)  # a reader sees the old file or the new
    finally:
        _remove(staging)
    if only is not None:  # a few prefixes: str.startswith tries them all at C speed
        kept = {path for path in state.paths - seen if not path.startswith(only)}
    else:
        under = _prefix_test(keep)
        kept = {path for path in state.paths - seen if keep and under(path)}
    removed = sorted(state.paths - seen - kept)
    for path in removed:
        _remove_with_empty_parents(out_dir, path)
        state.copied.pop(path, None)
    state.paths = seen | kept
    return SyncStats(written, removed, pages)


def write_changed(
    files: Iterable[OutputFile],
    out_dir: Path,
    state: SyncState,
    seen: set[str] | None = None,
    staging: Path | None = None,
) -> tuple[list[str], int]:
    """Write those of ``files`` whose bytes differ from what ``out_dir`` holds; return the
    paths written and the number of pages rendered. Removes nothing (see :func:`sync_site`).
    With ``staging``, the changed files are written there instead, for the caller to move.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    pages = 0
    for file in files:
        relative = _safe_relative(file.path)
        target = out_dir / relative
        if seen is not None:
            seen.add(file.path)
        if file.unchanged and target.exists():
            continue
        if file.data is not None:
            pages += file.path.endswith(".html")
            if target.is_file() and target.read_bytes() == file.data:
                continue
            data = file.data
        elif file.source is not None:
            stamp = _source_stamp(file.source)
            if state.copied.get(file.path) == stamp and target.exists():
                continue
            data = file.source.read_bytes()
            state.copied[file.path] = stamp
            if (
                target.is_file()
                and target.stat().st_size == len(data)
                and target.read_bytes() == data
            ):
                continue  # e.g. first seen after a full build, which keeps no stamps
        else:
            continue
        _atomic_write(target if staging is None else staging / relative, data)
        written.append(file.path)
    return written, pages


def _prefix_test(prefixes: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a path starts with one of ``prefixes``; for folder prefixes (ending in "/",
    as unit URLs do) by looking up each of the path's folders in a set, which stays fast
    with a thousand prefixes."""
    if not all(p.endswith("/") for p in prefixes):
        return lambda path: path.startswith(prefixes)
    folders = frozenset(prefixes)

    def under(path: str) -> bool:
        end = path.find("/")
        while end != -1:
            if path[: end + 1] in folders:
                return True
            end = path.find("/", end + 1)
        return False

    return under


def _atomic_write(target: Path, data: bytes) -> None:
    # A reader (the dev server) never sees half a file: write beside it, then rename.
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)


def _source_stamp(path: Path) -> tuple:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _remove_with_empty_parents(out_dir: Path, path: str) -> None:
    target = out_dir / path
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
