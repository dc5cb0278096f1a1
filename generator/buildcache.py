"""The build cache in ``.zfxxgk-cache/``: what one ``zfxxgk build`` leaves for the next.

``state.pickle``, small, is read by every build (see :mod:`generator.buildstate`).
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
import hashlib
import pickle
import shutil
import time
from pathlib import Path
from typing import Any

from generator.buildstate import (
    Snapshot,
    Stored,
    atomic_dump,
    cache_dir,
    load_pickle,
    write_record,
)
from generator.content import UnitLoad
from generator.errors import Problem
from generator.incremental import IncrementalBuild
from generator.slugs import known_initials, learn_initials

_ENGINE = "engine.pickle"  # large: read only when something changed
_MARKUP = "markup"
_TEMPLATES = "templates"


def restore(
    root: Path, folder: Path, jobs: int, stored: Stored, search: bool = True
) -> IncrementalBuild | None:
    """The engine as the last build left it, or None to build afresh."""
    directory = cache_dir(root)
    data = load_pickle(directory / _ENGINE)
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
    # Catalogue keys were taken from the units as saved: they hold for the restored ones.
    engine.render_state.unit_keys = {
        key: (engine.loads[key].unit, value)
        for key, value in data["unit_keys"].items()
        if key in engine.loads
    }
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
    generation = time.time_ns()
    atomic_dump(
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
            "unit_keys": _catalogue_keys(engine),
            "initials": known_initials(),
        },
    )
    # Written last: a build that stops in between leaves the old record, whose generation
    # no longer matches the engine's, so the next build starts afresh.
    units = [load.unit for load in engine.loads.values()]
    write_record(
        engine.root,
        generation,
        engine.folder,
        stamps,
        engine.sync_state.paths,
        engine.unrendered,
        problems,
        units=len(units),
        documents=sum(len(unit.documents) for unit in units),
    )


def _catalogue_keys(engine: IncrementalBuild) -> dict[str, str]:
    """Each unit's catalogue key, where it was taken from the unit being saved: without
    them every build would digest every document of the site again to learn that the
    site-wide lists are unchanged."""
    return {
        key: value
        for key, (unit, value) in engine.render_state.unit_keys.items()
        if key in engine.loads and engine.loads[key].unit is unit
    }


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
        atomic_dump(target, value)
