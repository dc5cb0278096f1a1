"""The build cache in ``.zfxxgk-cache/``: what one ``zfxxgk build`` leaves for the next.

``state.pickle``, small, is read by every build: a snapshot of every input file's size and
modification time (from which the next build knows what changed), the list of output
files, the warnings and counts, so that a build that finds nothing changed stops there.
``engine.pickle`` is read only when something changed: the incremental engine (units as
parsed, without their bodies; check findings; page and data-file fingerprints; pinyin
initials). ``markup/`` holds each rendered Markdown body under a key made of its text,
folder and page, so that re-rendering a unit's pages needs Markdown only for the bodies
that changed; ``templates/`` holds Jinja's compiled templates.

A cache that is missing, unreadable or written by other code is ignored (the build starts
afresh); deleting the folder is always safe.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import os
import pickle
import shutil
import sys
import time
from pathlib import Path, PurePath
from typing import Any

from generator import __version__
from generator.content import UnitLoad
from generator.errors import Problem
from generator.incremental import IncrementalBuild
from generator.render import default_theme_dir
from generator.slugs import known_initials, learn_initials

CACHE_DIR = ".zfxxgk-cache"
_STATE = "state.pickle"  # small: read by every build
_ENGINE = "engine.pickle"  # large: read only when something changed
_MARKUP = "markup"
_TEMPLATES = "templates"
_FORMAT = 1

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
    _stamp_into(str(root / "site.yaml"), stamps, now)
    return stamps


def _walk(folder: str, stamps: Snapshot, now: int) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, stamps, now)
        else:
            _stamp_into(entry.path, stamps, now)


def _stamp_into(path: str, stamps: Snapshot, now: int) -> None:
    try:
        st = os.stat(path)
    except OSError:
        return
    stamp: tuple = (st.st_mtime_ns, st.st_size)
    if now - st.st_mtime_ns < _RACY_NS:
        stamp += (_digest(path),)
    stamps[path] = stamp


def changed_files(before: Snapshot, now: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots."""
    paths = {p for p, stamp in now.items() if _differs(p, before.get(p), stamp)}
    paths |= before.keys() - now.keys()
    return sorted(Path(p) for p in paths)


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

    snapshot: Snapshot
    unrendered: set[str] | None  # units still to render; None: write output/ afresh
    problems: list[Problem]  # warnings of that build
    units: int
    documents: int
    files: int
    generation: int  # pairs this record with the engine file written by the same build


def read_stored(root: Path, folder: Path) -> Stored | None:
    """The last build's record, or None to build afresh (no cache, other code, no output)."""
    data = _load(cache_dir(root) / _STATE)
    if not isinstance(data, dict) or data.get("key") != code_key():
        return None
    if data.get("folder") != str(folder) or not folder.is_dir():
        return None
    try:
        stored = Stored(
            data["snapshot"],
            data["unrendered"],
            data["problems"],
            data["units"],
            data["documents"],
            len(data["paths"]),
            data["generation"],
        )
    except (KeyError, TypeError):
        return None  # a record of another shape: build afresh
    base = str(folder)
    if not all(os.path.exists(os.path.join(base, path)) for path in data["paths"]):
        stored.unrendered = None  # files were removed from output/ by hand: write it afresh
    return stored


def restore(
    root: Path, folder: Path, jobs: int, stored: Stored, search: bool = True
) -> IncrementalBuild | None:
    """The engine as the last build left it, or None to build afresh."""
    directory = cache_dir(root)
    data = _load(directory / _ENGINE)
    if not isinstance(data, dict) or data.get("generation") != stored.generation:
        return None  # written by another build than the record (one stopped in between)
    engine = _engine(root, folder, jobs, search)
    try:
        _fill(engine, data)
    except (KeyError, TypeError):
        return None  # an engine of another shape: build afresh
    engine.unrendered = stored.unrendered
    return engine


def _fill(engine: IncrementalBuild, data: dict) -> None:
    engine.loads = data["loads"]
    engine.stripped = set(data["loads"])
    engine.findings = data["findings"]
    engine.render_state.pages = data["pages"]
    engine.render_state.data = data["data"]
    engine.sync_state.paths = data["paths"]
    engine.sync_state.copied = data["copied"]
    engine.links = data["links"]
    learn_initials(data["initials"])


def fresh_engine(root: Path, folder: Path, jobs: int, search: bool = True) -> IncrementalBuild:
    """An engine with an empty cache (the Markdown memo of older builds is dropped)."""
    shutil.rmtree(cache_dir(root) / _MARKUP, ignore_errors=True)
    return _engine(root, folder, jobs, search)


def _engine(root: Path, folder: Path, jobs: int, search: bool) -> IncrementalBuild:
    directory = cache_dir(root)
    return IncrementalBuild(
        root,
        folder,
        jobs,
        markup=DiskMemo(directory / _MARKUP),
        templates=directory / _TEMPLATES,
        keep_files=False,
        search=search,
    )


def save(engine: IncrementalBuild, stamps: Snapshot, problems: list[Problem]) -> None:
    """Store the engine for the next build (bodies left out: they are re-read when needed)."""
    directory = cache_dir(engine.root)
    directory.mkdir(exist_ok=True)
    key = code_key()
    generation = time.time_ns()
    units = [load.unit for load in engine.loads.values()]
    _atomic_dump(
        directory / _ENGINE,
        {
            "generation": generation,
            "loads": {
                name: load if name in engine.stripped else _without_bodies(load)
                for name, load in engine.loads.items()
            },
            "findings": engine.findings,
            "pages": engine.render_state.pages,
            "data": engine.render_state.data,
            "paths": engine.sync_state.paths,
            "copied": engine.sync_state.copied,
            "links": engine.links,
            "initials": known_initials(),
        },
    )
    # Written last: a build that stops in between leaves the old record, whose generation
    # no longer matches the engine's, so the next build starts afresh.
    _atomic_dump(
        directory / _STATE,
        {
            "key": key,
            "generation": generation,
            "folder": str(engine.folder),
            "snapshot": stamps,
            "paths": engine.sync_state.paths,
            "unrendered": engine.unrendered,
            "problems": problems,
            "units": len(units),
            "documents": sum(len(unit.documents) for unit in units),
        },
    )


def _load(path: Path) -> Any:
    # Unpickling builds many small objects; the cyclic collector would walk them again
    # and again while they are made, tripling the time.
    gc.disable()
    try:
        with open(path, "rb") as file:
            return pickle.load(file)
    except Exception:  # noqa: BLE001 - any unreadable cache just means a fresh build
        return None
    finally:
        gc.enable()


def _without_bodies(load: UnitLoad) -> UnitLoad:
    unit = load.unit
    categories = [
        dataclasses.replace(c, documents=[dataclasses.replace(d, body="") for d in c.documents])
        for c in unit.categories
    ]
    light = dataclasses.replace(
        unit,
        categories=categories,
        rules=[dataclasses.replace(r, body="") for r in unit.rules],
        guide=dataclasses.replace(unit.guide, body="") if unit.guide else None,
    )
    return UnitLoad(light, load.problems)


def _atomic_dump(target: Path, value: Any) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    with open(partial, "wb") as file:
        _Pickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    os.replace(partial, target)


class _Pickler(pickle.Pickler):
    """Stores paths as their text: a path is made again from one string in about 60% of
    the time it takes from its parts (pathlib's own way), and a 10,000-document site holds
    tens of thousands of them."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, PurePath):
            return (type(obj), (str(obj),))
        return NotImplemented


class DiskMemo:
    """The Markdown memo kept on disk, one file per rendered body.

    Safe to share between the processes of a parallel build: each entry is written to a
    file of its own and renamed into place.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def _file(self, key: tuple) -> Path:
        name = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=16).hexdigest()
        return self.folder / name[:2] / name

    def get(self, key: tuple, default: Any = None) -> Any:
        try:
            with open(self._file(key), "rb") as file:
                return pickle.load(file)
        except Exception:  # noqa: BLE001 - a missing or damaged entry is rendered again
            return default

    def __setitem__(self, key: tuple, value: Any) -> None:
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_dump(target, value)
