"""The build record in ``.zfxxgk-cache/state.pickle``: what every ``zfxxgk build`` reads.

The list of output files, the warnings and counts, so that a build that finds nothing
changed stops here, and the name of the file holding a snapshot of every input file's
size and modification time, from which the next build knows what changed. The snapshot
has a file of its own (``inputs-*.pickle``) because the process that stamps the inputs
is not the one that builds (:meth:`generator.build.Builder._survey`): the stamping child
reads the old snapshot and stores the new one, and the building process, which has the
pipeline to load, never handles the 12,500 stamps of a 10,000-document site (0.03 s).

This module imports only the standard library and small modules of ours: a build that
finds nothing to do should not pay for loading Jinja, Markdown and the rest of the
pipeline (:mod:`generator.buildcache` holds the engine).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import pickle
import stat
import sys
import time
from pathlib import Path
from typing import Any

from generator import __version__
from generator.collector import collector_paused
from generator.errors import Problem
from generator.pickles import CompactPickler
from generator.themes import default_theme_dir

CACHE_DIR = ".zfxxgk-cache"
_STATE = "state.pickle"  # small: read by every build
_INPUTS = "inputs-"  # the snapshots' files: inputs-<pid>-<time>.pickle
_FORMAT = 4

Snapshot = dict[str, tuple]  # path -> (mtime_ns, size[, content digest])
# A file changed twice within one tick of the file system's clock keeps its time stamp;
# a file this recent is also told apart by its content (git's "racily clean" entries).
_RACY_NS = 2_000_000_000


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def snapshot(root: Path) -> Snapshot:
    """Size and modification time of every file a build reads: content/, site.yaml and
    the themes (the site's and the default one)."""
    stamps: Snapshot = {}
    now = time.time_ns()
    for top in (root / "content", root / "themes", default_theme_dir()):
        _walk(str(top), stamps, now)
    site = str(root / "site.yaml")
    with contextlib.suppress(OSError):  # no site.yaml: the build says so
        _stamp_into(site, os.stat(site), stamps, now)
    return stamps


def restamp(before: Snapshot, paths: list[Path]) -> tuple[Snapshot, list[Path]]:
    """``before`` with ``paths`` stamped again, and those of them that changed.

    For a process that is told which paths changed (``build --watch``): a file is
    stat-ed again or dropped when gone, a folder walked afresh (one moved or removed
    takes its files with it). Stamping 12,500 files again costs about 0.1 s; this costs
    what the saved files do. A change it is not told of keeps its old stamp in the
    record, so the next plain build still sees it.
    """
    stamps = dict(before)
    now = time.time_ns()
    affected: set[str] = set()
    for path in paths:
        text = str(path)
        try:
            st = os.stat(text)
        except OSError:
            st = None
        if st is not None and not stat.S_ISDIR(st.st_mode):
            _stamp_into(text, st, stamps, now)
            affected.add(text)
            continue
        prefix = text + os.sep
        gone = [key for key in stamps if key == text or key.startswith(prefix)]
        for key in gone:
            del stamps[key]
        affected.update(gone)
        if st is not None:
            found: Snapshot = {}
            _walk(text, found, now)
            stamps.update(found)
            affected.update(found)
    changed = [
        key for key in affected if key not in stamps or _differs(key, before.get(key), stamps[key])
    ]
    return stamps, sorted(Path(key) for key in changed)


def _walk(folder: str, stamps: Snapshot, now: int) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, stamps, now)
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        _stamp_into(entry.path, st, stamps, now)


def _stamp_into(path: str, st: os.stat_result, stamps: Snapshot, now: int) -> None:
    stamp: tuple = (st.st_mtime_ns, st.st_size)
    if now - st.st_mtime_ns < _RACY_NS:
        stamp += (_digest(path),)
    stamps[path] = stamp


def changed_files(before: Snapshot, now: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots."""
    return compare(before, now).changed_paths()


@dataclasses.dataclass
class Changes:
    """How a snapshot differs from an earlier one: what a process that stamped the
    inputs sends to the one that builds, instead of the whole snapshot (12,500 stamps
    took 27 ms to pickle and load again; a one-document change sends a few)."""

    updated: Snapshot  # stamps added or not the same, a file's content changed or not
    removed: list[str]
    changed: list[str]  # the files added, removed or modified (see changed_files)
    inputs: str = ""  # the cache file holding the later snapshot (changes_since_record)

    def changed_paths(self) -> list[Path]:
        return sorted(Path(path) for path in self.changed)


def compare(before: Snapshot, now: Snapshot) -> Changes:
    """The changes from ``before`` to ``now``. A stamp can differ from the stored one with
    the file unchanged (the digest kept for a file then recent is dropped once it is not):
    such a stamp is updated, but its file is not among the changed."""
    updated = {path: stamp for path, stamp in now.items() if before.get(path) != stamp}
    removed = [path for path in before if path not in now]
    changed = [path for path, stamp in updated.items() if _differs(path, before.get(path), stamp)]
    return Changes(updated, removed, changed + removed)


def changes_since_record(root: Path) -> Changes | None:
    """Stamp the inputs and compare them with the snapshot the last build's record names;
    None without a readable record. The new snapshot, if it differs, is stored in a file
    of its own, which ``Changes.inputs`` names for the build's record. Run in a forked
    process beside the build (see :meth:`generator.build.Builder._survey`), which reads
    and checks the record itself."""
    data = load_pickle(cache_dir(root) / _STATE)
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), str):
        return None
    before = read_inputs(root, data["inputs"])
    if before is None:
        return None
    # Those of builds that failed since: each would otherwise leave one (1.6 MB at 10,000
    # documents) until a build succeeds, on a site rebuilt every minute with an error.
    _remove_inputs(root, but=data["inputs"])
    now = snapshot(root)
    changes = compare(before, now)
    unchanged = not changes.updated and not changes.removed
    changes.inputs = data["inputs"] if unchanged else write_inputs(root, now)
    return changes


def read_inputs(root: Path, name: str) -> Snapshot | None:
    """The snapshot stored in the cache file ``name``; None when it is not there."""
    data = load_pickle(cache_dir(root) / name)
    return data if isinstance(data, dict) else None


def write_inputs(root: Path, stamps: Snapshot) -> str:
    """Store a snapshot in a new cache file, for a record to name; return the file's name.
    Files no record names are removed when the next record is written."""
    name = f"{_INPUTS}{os.getpid()}-{time.time_ns()}.pickle"
    atomic_dump(cache_dir(root) / name, stamps)
    return name


def _differs(path: str, old: tuple | None, new: tuple) -> bool:
    if old is None or old[:2] != new[:2]:
        return True
    if len(old) < 3:
        return False
    # It was recent at the last build: compare the content itself.
    return old[2] != (new[2] if len(new) > 2 else _digest(path))


def _digest(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return hashlib.blake2b(file.read(), digest_size=16).digest()
    except OSError:
        return b""


@functools.lru_cache(maxsize=1)
def code_key() -> str:
    """zfxxgk's version and its code files: a cache written by other code is not used.

    Taken once per process, when the build starts: the code that runs is the code that was
    there then, even if the files change while a long build runs."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{_FORMAT}|{__version__}|{sys.version}".encode())
    package = Path(__file__).resolve().parent
    for file in sorted(package.rglob("*.py")):
        st = file.stat()
        digest.update(f"{file.name}|{st.st_mtime_ns}|{st.st_size}".encode())
    return digest.hexdigest()


@dataclasses.dataclass
class Stored:
    """What the last build left, short of the engine itself: enough to tell that nothing
    changed, and to say so with the same counts and warnings."""

    inputs: str  # the cache file holding the snapshot of the inputs (read_inputs)
    unrendered: set[str] | None  # units still to render; None: write output/ afresh
    problems: list[Problem]  # warnings of that build
    units: int
    documents: int
    files: int
    generation: int  # pairs this record with the engine file written by the same build
    paths: set[str]  # the files of output/ it wrote


def record_size(root: Path) -> int:
    """The size in bytes of the last build's record, 0 if there is none: about 55 bytes
    an output file."""
    try:
        return os.stat(cache_dir(root) / _STATE).st_size
    except OSError:
        return 0


def read_stored(root: Path, folder: Path, check_outputs: bool = True) -> Stored | None:
    """The last build's record, or None to build afresh (no cache, other code, no output).
    Unless ``check_outputs`` is False (the caller then sees to it), a record whose output
    files are not all there asks for output/ to be written afresh."""
    data = load_pickle(cache_dir(root) / _STATE)
    if not isinstance(data, dict) or data.get("key") != code_key():
        return None
    if data.get("folder") != str(folder) or not folder.is_dir():
        return None
    try:
        if not isinstance(data["inputs"], str):
            return None
        stored = Stored(
            data["inputs"],
            data["unrendered"],
            data["problems"],
            data["units"],
            data["documents"],
            len(data["paths"]),
            data["generation"],
            data["paths"],
        )
    except (KeyError, TypeError):
        return None  # a record of another shape: build afresh
    if check_outputs and not all_present(folder, stored.paths):
        stored.unrendered = None  # files were removed from output/ by hand: write it afresh
    return stored


def all_present(folder: Path, paths: set[str]) -> bool:
    """Whether every file of the last build is still in ``folder`` (13,800 at 10,000
    documents: asked relative to the open folder, in about 40% of the time)."""
    if os.access not in os.supports_dir_fd:  # Windows
        return all(os.path.exists(os.path.join(folder, path)) for path in paths)
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        return all(os.access(path, os.F_OK, dir_fd=descriptor) for path in paths)
    finally:
        os.close(descriptor)


def write_record(
    root: Path,
    generation: int,
    folder: Path,
    inputs: str,
    paths: set[str],
    unrendered: set[str] | None,
    problems: list[Problem],
    units: int,
    documents: int,
) -> None:
    """Store the record of a build; ``generation`` pairs it with the engine stored with it,
    ``inputs`` names the file holding the snapshot of the inputs it saw (write_inputs)."""
    atomic_dump(
        cache_dir(root) / _STATE,
        {
            "key": code_key(),
            "generation": generation,
            "folder": str(folder),
            "inputs": inputs,
            "paths": paths,
            "unrendered": unrendered,
            "problems": problems,
            "units": units,
            "documents": documents,
        },
    )
    _remove_inputs(root, but=inputs)  # snapshots of earlier builds, or of failed ones


def _remove_inputs(root: Path, but: str) -> None:
    """Remove the snapshot files in the cache other than ``but``."""
    for entry in os.scandir(cache_dir(root)):
        if entry.name.startswith(_INPUTS) and entry.name != but:
            Path(entry.path).unlink(missing_ok=True)


def forget_record(root: Path) -> None:
    """Remove the record before output/ is written: until the build that writes it
    stores a new one, the next build starts afresh. A build stopped in between (killed,
    or the machine lost power) would otherwise leave pages newer than the record, and
    a page whose content then went back to what the record knows would not be written
    again."""
    with contextlib.suppress(FileNotFoundError):
        (cache_dir(root) / _STATE).unlink()


def load_pickle(path: Path) -> Any:
    """The object stored at ``path``, or None when it is missing or unreadable."""
    with collector_paused():  # three times quicker for a unit's file
        try:
            with open(path, "rb") as file:
                return pickle.load(file)
        except Exception:  # noqa: BLE001 - any unreadable cache just means a fresh build
            return None


def atomic_dump(target: Path, value: Any) -> None:
    """Pickle ``value`` to ``target`` through a file renamed into place: a build stopped
    half-way never leaves half a file."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    with open(partial, "wb") as file:
        CompactPickler(file).dump(value)
    os.replace(partial, target)
