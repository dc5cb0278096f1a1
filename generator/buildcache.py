"""The build cache in ``.zfxxgk-cache/``: what one ``zfxxgk build`` leaves for the next.

``state.pickle``, small, is read by every build (see :mod:`generator.buildstate`); it
also lists the output files. ``engine.pickle`` and ``units/`` are read only when
something changed: the incremental engine (page and data-file fingerprints, pinyin
initials, each unit's check findings; and one file per unit, as parsed without bodies,
loaded when the engine asks for it). ``markup/`` holds each rendered Markdown body under
a key made of its text, folder and page, so that re-rendering a unit's pages needs
Markdown only for the bodies that changed; ``templates/`` holds Jinja's compiled
templates.

A cache that is missing, unreadable or written by other code is ignored (the build starts
afresh); deleting the folder is always safe.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import shutil
import time
from pathlib import Path
from typing import Any

from generator.buildstate import (
    Stored,
    atomic_dump,
    cache_dir,
    forget_record,
    load_pickle,
    write_record,
)
from generator.cache import FileCache
from generator.check import contact_numbers
from generator.content import UnitLoad
from generator.errors import Problem
from generator.incremental import IncrementalBuild, ShelvedUnit
from generator.slugs import known_initials, learn_initials

_ENGINE = "engine.pickle"  # read only when something changed: the site-wide part
_UNITS = "units"  # and one file per unit, as parsed (bodies left out)
_MARKUP = "markup"
_TEMPLATES = "templates"


def restore(
    root: Path,
    folder: Path,
    jobs: int,
    stored: Stored,
    search: bool = True,
    keep_files: bool = False,
) -> IncrementalBuild | None:
    """The engine as the last build left it, or None to build afresh. Its units stay
    on the shelf, each in its file, until the engine loads them (IncrementalBuild.unshelve)."""
    directory = cache_dir(root)
    data = load_pickle(directory / _ENGINE)
    if not isinstance(data, dict) or data.get("generation") != stored.generation:
        return None  # written by another build than the record (one stopped in between)
    engine = _engine(root, folder, jobs, search, keep_files)
    try:
        _fill(engine, data)
        engine.sync_state.paths = set(stored.paths)  # the record has them (same generation)
        engine.shelved = dict(data["units"])
        engine.other_findings = data["other_findings"]
        engine.clean = data["clean"]
    except (KeyError, TypeError):
        return None  # an engine of another shape: build afresh
    engine.open_shelved = functools.partial(_open_unit, directory)
    engine.open_memo = functools.partial(_open_memo, directory)
    engine.unrendered = stored.unrendered
    return engine


def _fill(engine: IncrementalBuild, data: dict) -> None:
    engine.render_state.pages = data["pages"]
    engine.render_state.frames = data["frames"]
    engine.render_state.data = data["data"]
    engine.sync_state.copied = data["copied"]
    engine.links = data["links"]
    learn_initials(data["initials"])


def _open_unit(directory: Path, name: str) -> UnitLoad | None:
    """A unit's file as saved; None if it is missing or damaged."""
    load = load_pickle(directory / _UNITS / name)
    return load if isinstance(load, UnitLoad) else None


def _open_memo(directory: Path, name: str) -> FileCache | None:
    """A unit's files as parsed and scanned (ShelvedUnit.memo); None if unreadable."""
    memo = load_pickle(directory / _UNITS / name)
    return memo if isinstance(memo, FileCache) else None


def fresh_engine(
    root: Path, folder: Path, jobs: int, search: bool = True, keep_files: bool = False
) -> IncrementalBuild:
    """An engine with an empty cache (the Markdown memo of older builds is dropped)."""
    shutil.rmtree(cache_dir(root) / _MARKUP, ignore_errors=True)
    return _engine(root, folder, jobs, search, keep_files)


def _engine(
    root: Path, folder: Path, jobs: int, search: bool, keep_files: bool
) -> IncrementalBuild:
    directory = cache_dir(root)
    engine = IncrementalBuild(
        root,
        folder,
        jobs,
        markup=DiskMemo(directory / _MARKUP, keep=keep_files),
        templates=directory / _TEMPLATES,
        keep_files=keep_files,
        search=search,
    )
    engine.before_writing = functools.partial(forget_record, root)
    engine.while_writing = functools.partial(_save_units, engine)
    return engine


def save(engine: IncrementalBuild, inputs: str, problems: list[Problem]) -> None:
    """Store the engine for the next build (bodies left out: they are re-read when needed);
    ``inputs`` names the file holding the inputs it has seen (buildstate.write_inputs).

    Each unit has a file of its own, written again only when the unit was read, checked
    or digested afresh: a one-document build at 10,000 documents stores one unit, not all
    of them. Unit files are named by generation and the engine file names the ones that
    belong to it, so a build stopped half-way never leaves a mixed set.
    """
    directory = cache_dir(engine.root)
    (directory / _UNITS).mkdir(parents=True, exist_ok=True)
    generation = time.time_ns()
    units = {
        key: ShelvedUnit(
            _save_unit(engine, key, generation),
            engine.findings.get(key),
            _catalogue_key(engine, key),
            len(load.unit.documents),
            load.problems,
            contact_numbers(load.unit),
            _save_memo(engine, key, generation),
        )
        for key, load in engine.loads.items()
    }
    units.update(engine.shelved)
    engine.stored_units = {key: engine.stored_units[key] for key in engine.loads}  # gone out
    atomic_dump(
        directory / _ENGINE,
        {
            "generation": generation,
            "units": units,
            "pages": engine.render_state.pages,
            "frames": engine.render_state.frames,
            "data": engine.render_state.data,
            "copied": engine.sync_state.copied,
            "links": engine.links,
            "initials": known_initials(),
            "other_findings": engine.other_findings,
            "clean": engine.clean,
        },
    )
    # Written last: a build that stops in between leaves the old record, whose generation
    # no longer matches the engine's, so the next build starts afresh.
    write_record(
        engine.root,
        generation,
        engine.folder,
        inputs,
        engine.sync_state.paths,
        engine.unrendered,
        problems,
        units=len(units),
        documents=sum(unit.documents for unit in units.values()),
    )
    kept = {unit.name for unit in units.values()} | {u.memo for u in units.values() if u.memo}
    _remove_unlisted(directory / _UNITS, kept)


def _save_units(engine: IncrementalBuild) -> None:
    """Store every loaded unit while the workers write the site: the rendering leaves
    the units as they are, and save() then keeps these files (0.4 s at 10,000 documents
    taken off the end of a cold build, where one core had nothing to do)."""
    (cache_dir(engine.root) / _UNITS).mkdir(parents=True, exist_ok=True)
    generation = time.time_ns()
    for key in engine.loads:
        _save_unit(engine, key, generation)


def _save_unit(engine: IncrementalBuild, key: str, generation: int) -> str:
    """The name of the file holding unit ``key`` as it is now: the stored one while the
    unit is the same object (``build --watch`` saves after every run, and rewriting
    every unit each time would cost more than the run), else a new one."""
    load = engine.loads[key]
    stored = engine.stored_units.get(key)
    if stored is not None and stored[1] is load:
        return stored[0]
    name = _file_name(key, generation)
    atomic_dump(
        cache_dir(engine.root) / _UNITS / name,
        load if key in engine.stripped else _without_bodies(load),
    )
    engine.stored_units[key] = (name, load)
    return name


def _save_memo(engine: IncrementalBuild, key: str, generation: int) -> str | None:
    """The name of the file holding the memo of unit ``key``'s files, if it was rebuilt
    alone in this run (see IncrementalBuild.memos)."""
    memo = engine.memos.get(key)
    if memo is None:
        return None
    name = _file_name(key, generation) + ".memo"
    atomic_dump(cache_dir(engine.root) / _UNITS / name, memo)
    return name


def _file_name(key: str, generation: int) -> str:
    """The name of a file of unit ``key`` written by the build of ``generation``."""
    return f"{hashlib.blake2b(key.encode('utf-8'), digest_size=8).hexdigest()}-{generation}"


def _catalogue_key(engine: IncrementalBuild, key: str) -> str | None:
    """The unit's catalogue key, if it was taken from the unit being saved: without it
    every build would digest every document of the site again to learn that the
    site-wide lists are unchanged."""
    kept = engine.render_state.unit_keys.get(key)
    if kept is None or kept[0] is not engine.loads[key].unit:
        return None
    return kept[1]


def _remove_unlisted(folder: Path, names: set[str]) -> None:
    for entry in os.scandir(folder):
        if entry.name not in names:
            Path(entry.path).unlink(missing_ok=True)


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
    return UnitLoad(light, load.problems, load.override)


class DiskMemo:
    """The Markdown memo kept on disk, one file per rendered body.

    Safe to share between the processes of a parallel build: each entry is written to a
    file of its own and renamed into place. ``keep`` also holds the entries read or
    written in memory, for a process that builds again (``build --watch``): a unit
    rendered again takes all its bodies from the memo, one file each.
    """

    def __init__(self, folder: Path, keep: bool = False):
        self.folder = folder
        self.kept: dict[tuple, Any] | None = {} if keep else None

    def _file(self, key: tuple) -> Path:
        name = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=16).hexdigest()
        return self.folder / name[:2] / name

    def get(self, key: tuple, default: Any = None) -> Any:
        if self.kept is not None and key in self.kept:
            return self.kept[key]
        try:
            with open(self._file(key), "rb") as file:
                value = pickle.load(file)
        except Exception:  # noqa: BLE001 - a missing or damaged entry is rendered again
            return default
        if self.kept is not None:
            self.kept[key] = value
        return value

    def __setitem__(self, key: tuple, value: Any) -> None:
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_dump(target, value)
        if self.kept is not None:
            self.kept[key] = value
