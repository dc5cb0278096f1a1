"""The build pipeline: config → content → links → check → render → output.

This module only wires the stages together; each stage lives in its own module. A build
goes through the incremental engine (:mod:`generator.incremental`) restored from the
build cache, so that a build after a small edit redoes only what the edit touched.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator import buildstate
from generator.errors import BuildError, Problems
from generator.urls import SEARCH_MANIFEST

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.incremental import Outcome
    from generator.model import Site


@dataclass
class BuildResult:
    """What a build did: counts for the summary line, and the warnings to show."""

    output_dir: Path
    units: int
    documents: int
    problems: Problems
    seconds: float
    pages: int = 0  # HTML pages rendered (all of them in a full build)
    files: int = 0  # files in the built site
    written: int = 0  # files written this time
    removed: int = 0  # files removed this time
    full: bool = False  # the whole site was written afresh
    unchanged: bool = False  # nothing had changed since the last build


def load(root: Path, problems: Problems, jobs: int = 1) -> tuple[SiteConfig, Site]:
    """Read and link a site (units read by ``jobs`` processes); raises BuildError if the
    config itself is unusable."""
    from generator.config import load_config
    from generator.content import load_site
    from generator.links import link_interpretations

    config = load_config(root, problems)
    if config is None:
        raise BuildError(problems)
    site = load_site(config, problems, jobs=jobs)
    link_interpretations(site, problems)
    return config, site


def build(
    root: Path,
    force: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    units: set[str] | None = None,
    clean: bool = False,
    search: bool = True,
) -> BuildResult:
    """Build the site at ``root`` into ``root/output``.

    Content errors raise BuildError before anything is written, unless ``force`` is set;
    output/ is then left as it was. A first build (or ``clean``) renders every unit with
    ``jobs`` processes (default: one per core) into a fresh folder swapped in at the end;
    later builds bring output/ up to date in place. ``units`` (folder names under
    content/) renders only those units and the site-wide pages, leaving the other units'
    files as they are. ``search=False`` skips the Pagefind index (quick builds).
    """
    started = time.perf_counter()
    root = root.resolve()
    output = root / "output"
    jobs = jobs or os.cpu_count() or 1
    stamps = buildstate.snapshot(root)
    stored = None if clean else buildstate.read_stored(root, output)
    changed = None
    if stored is not None:
        changed = buildstate.changed_files(stored.snapshot, stamps)
        pending = stored.unrendered  # None: output/ must be written afresh
        if pending is not None and units is not None:
            pending = pending & units
        indexed = not search or (output / SEARCH_MANIFEST).is_file()
        if not changed and pending == set() and indexed and not force:
            return _unchanged(stored, output, started)
    # Something to do: only now load the pipeline (Jinja, Markdown, the checker...).
    from generator import buildcache

    engine = None
    if stored is not None:
        engine = buildcache.restore(root, output, jobs, stored, search)
    if engine is None:
        engine, changed = buildcache.fresh_engine(root, output, jobs, search), None
    outcome = engine.rebuild(changed, force=force, only=units, progress=progress)
    if not outcome.ok:
        raise BuildError(outcome.problems)
    buildcache.save(engine, stamps, outcome.problems.items)
    return _result(outcome, output, started)


def _result(outcome: Outcome, output: Path, started: float) -> BuildResult:
    site = outcome.site
    return BuildResult(
        output_dir=output,
        units=len(site.units),
        documents=len(site.documents),
        problems=outcome.problems,
        seconds=time.perf_counter() - started,
        pages=outcome.pages,
        files=outcome.files,
        written=len(outcome.written),
        removed=len(outcome.removed),
        full=outcome.full,
    )


def _unchanged(stored: buildstate.Stored, output: Path, started: float) -> BuildResult:
    return BuildResult(
        output_dir=output,
        units=stored.units,
        documents=stored.documents,
        problems=Problems(list(stored.problems)),
        seconds=time.perf_counter() - started,
        files=stored.files,
        unchanged=True,
    )
