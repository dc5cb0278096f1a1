"""Write the built site to ``output/`` so that a failed build never leaves half a site.

Files go to a temporary sibling folder first; only when every file is written is it
swapped in place of the old ``output/``. Paths come from slugs, and are checked again
here, so nothing is ever written outside the output folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.render import OutputFile


class OutputError(Exception):
    """Writing the output failed; the previous output/ is untouched."""


@dataclass(frozen=True)
class WriteStats:
    pages: int
    files: int
    bytes: int


def write_site(files: Iterable[OutputFile], out_dir: Path) -> WriteStats:
    """Write ``files`` into a fresh folder and swap it in for ``out_dir``."""
    staging = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    _remove(staging)
    try:
        stats = _write_all(files, staging)
        _swap(staging, out_dir)
    except BaseException:
        _remove(staging)
        raise
    return stats


def _write_all(files: Iterable[OutputFile], staging: Path) -> WriteStats:
    staging.mkdir(parents=True)
    written: set[str] = set()
    pages = count = size = 0
    for file in files:
        target = staging / _safe_relative(file.path)
        if file.path in written:
            raise OutputError(f"两个内容生成了同一个输出文件“{file.path}”")
        written.add(file.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if file.data is not None:
            target.write_bytes(file.data)
            size += len(file.data)
        elif file.source is not None:
            shutil.copyfile(file.source, target)
            size += target.stat().st_size
        count += 1
        pages += file.path.endswith(".html")
    return WriteStats(pages=pages, files=count, bytes=size)


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise OutputError(f"输出路径“{path}”不在输出文件夹内，已拒绝写入")
    return relative


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
