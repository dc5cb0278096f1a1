"""The build pipeline: config → content → links → check → render → output.

This module only wires the stages together; each stage lives in its own module. A build
goes through the incremental engine (:mod:`generator.incremental`) restored from the
build cache, so that a build after a small edit redoes only what the edit touched.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import importlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator import buildstate
from generator.errors import BuildError, Problems
from generator.forked import ForkedCall, can_fork
from generator.timings import Timings
from generator.urls import SEARCH_MANIFEST

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.incremental import IncrementalBuild, Outcome
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
    phases: dict[str, float] = field(default_factory=dict)  # seconds, see generator.timings


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
    builder = Builder(root, jobs=jobs, search=search)
    return builder.run(force=force, progress=progress, units=units, clean=clean)


@dataclass
class _Survey:
    """What a build knows before it loads the pipeline: the inputs as they are (stamped
    here, or stored in a cache file by the child that stamped them), the last build's
    record (None: build afresh) and the files changed since it (None: all)."""

    stamps: buildstate.Snapshot | None  # None: in the file inputs names
    inputs: str | None  # the cache file holding these stamps, if one does
    stored: buildstate.Stored | None
    changed: list[Path] | None


TOLD_PATHS = 1000  # more reported changes (a git checkout) are found by a new snapshot


class Builder:
    """Builds one site, again and again if asked (``zfxxgk build --watch``).

    The first run starts from the build cache; once it has loaded the incremental engine,
    later runs keep it in memory and learn what changed by stamping again the paths a
    file watcher reported (or, not told, every input, as a fresh process would). Every
    good run stores the cache, so a plain ``zfxxgk build`` afterwards finds nothing to do.
    """

    def __init__(
        self, root: Path, jobs: int | None = None, search: bool = True, keep_files: bool = False
    ):
        """``keep_files``: keep parsed files in memory for the next run (a one-shot build
        would only hold a second copy of every document it reads)."""
        self.root = root.resolve()
        self.output = self.root / "output"
        self.jobs = jobs or os.cpu_count() or 1  # may be lowered between runs
        self.search = search
        self.keep_files = keep_files
        self.engine: IncrementalBuild | None = None
        self.stamps: buildstate.Snapshot | None = {}  # the inputs the engine last saw
        self.inputs: str | None = None  # the cache file holding them, if one does
        self.last: BuildResult | None = None

    def run(
        self,
        force: bool = False,
        progress: Callable[[int, int], None] | None = None,
        units: set[str] | None = None,
        clean: bool = False,
        told: list[Path] | None = None,
    ) -> BuildResult:
        """One build; raises BuildError (output/ left as it was) on content errors.

        ``told``: the paths a file watcher reported changed since the last run, if any,
        so that only they are stamped again rather than every input of the site.
        """
        started = time.perf_counter()
        timings = Timings()
        if self.engine is None:
            with timings.phase("snapshot"):
                survey = self._survey(clean)
            changed = self._load_engine(survey.stored, survey.changed, units, force, timings)
            if self.engine is None:
                return self._unchanged(started, timings)
        else:
            with timings.phase("snapshot"):
                seen = self._seen()
                if told is not None and len(told) <= TOLD_PATHS:
                    stamps, changed = buildstate.restamp(seen, told)
                else:
                    stamps = buildstate.snapshot(self.root)
                    changed = buildstate.changed_files(seen, stamps)
            survey = _Survey(stamps, None, None, changed)
            if not changed and self.engine.unrendered == set() and not force:
                self.stamps, self.inputs = stamps, None
                return self._unchanged(started, timings)
        from generator import buildcache

        self.engine.jobs = self.jobs
        try:
            outcome = self.engine.rebuild(
                changed, force=force, only=units, progress=progress, timings=timings
            )
        except BaseException:
            self.engine = None  # half-way through a write: start again from the stored cache
            raise
        # The engine has seen these files, whatever it found in them.
        self.stamps, self.inputs = survey.stamps, survey.inputs
        if not outcome.ok:
            raise BuildError(outcome.problems)
        with timings.phase("store"):
            buildcache.save(self.engine, self._inputs_file(), outcome.problems.items)
        self.last = _result(outcome, self.output, started)
        return self.last

    def prepare(self) -> None:
        """Make ready for runs to come (``build --watch``): load the engine now (a run
        that found nothing to do left none, and restoring it costs more than a run),
        then run once told of no change. That run writes nothing (every page is as
        stored) but makes what the first real run would otherwise make first: links,
        unit views and summaries, the Markdown and Jinja set-up (0.6 s at 10,000
        documents)."""
        stored = None if self.engine is not None else buildstate.read_stored(self.root, self.output)
        from generator import buildcache

        if stored is not None:
            self.engine = buildcache.restore(
                self.root, self.output, self.jobs, stored, self.search, self.keep_files
            )
            self.stamps, self.inputs = None, stored.inputs
        if self.engine is not None and self.engine.unrendered == set():
            self.engine.jobs = self.jobs
            outcome = self.engine.rebuild([])
            if outcome.ok:  # it dropped the record before writing, as every run does
                buildcache.save(self.engine, self._inputs_file(), outcome.problems.items)
        # What is loaded now lives as long as the process: keep the garbage collector
        # from walking it again on every run.
        gc.collect()
        gc.freeze()

    def _seen(self) -> buildstate.Snapshot:
        """The inputs as the engine last saw them, read from their file if need be."""
        if self.stamps is None:
            stored = buildstate.read_inputs(self.root, self.inputs) if self.inputs else None
            self.stamps = stored or {}  # gone: every file counts as new
        return self.stamps

    def _inputs_file(self) -> str:
        """The cache file holding the inputs the engine last saw, written if none does."""
        if self.inputs is None:
            self.inputs = buildstate.write_inputs(self.root, self._seen())
        return self.inputs

    def _survey(self, clean: bool) -> _Survey:
        """What changed since the last build (see _Survey).

        Stamping every input (0.1 s at 10,000 documents) comes before anything else, and
        a rebuild then loads the pipeline (0.2 s). On a large site (see SURVEY_ASIDE),
        with a core to spare, a forked child stamps the inputs and compares them with
        the last snapshot (and stores the new one) while this process reads the record,
        checks that output/ still holds every file it lists, and loads the pipeline,
        module by module until the child has answered: a build that finds nothing
        changed needs no pipeline, and stops as soon as it knows.

        The output files were once checked by a second child; since the child that
        stamps also keeps the snapshot, it is the longer side, and a third process
        slowed it (10,000 documents, 12 alternated pairs: one-document build 0.54 ->
        0.52 s, no-change 0.32 -> 0.29 s with the check here).
        """
        if clean:
            return _Survey(buildstate.snapshot(self.root), None, None, None)
        if self.jobs <= 1 or not can_fork() or buildstate.record_size(self.root) < SURVEY_ASIDE:
            return self._survey_here()
        try:
            call = ForkedCall(functools.partial(buildstate.changes_since_record, self.root))
        except OSError:  # no process to spare (a limit on processes): do it here
            return self._survey_here()
        with call:
            stored = buildstate.read_stored(self.root, self.output)
            if stored is None:
                return _Survey(buildstate.snapshot(self.root), None, None, None)
            _load_pipeline(until=call.ready)
            changes = call.result()
        if changes is None:  # the child failed: stamp here
            return self._survey_here()
        return _Survey(None, changes.inputs, stored, changes.changed_paths())

    def _survey_here(self) -> _Survey:
        stamps = buildstate.snapshot(self.root)
        stored = buildstate.read_stored(self.root, self.output)
        before = buildstate.read_inputs(self.root, stored.inputs) if stored else None
        if stored is None or before is None:
            return _Survey(stamps, None, None, None)
        return _Survey(stamps, None, stored, buildstate.changed_files(before, stamps))

    def _load_engine(
        self,
        stored: buildstate.Stored | None,
        changed: list[Path] | None,
        units: set[str] | None,
        force: bool,
        timings: Timings,
    ) -> list[Path] | None:
        """Restore the engine (or make a fresh one) and return what changed since the
        stored build (None: everything); leave no engine when nothing needs doing."""
        if stored is not None:
            pending = stored.unrendered  # None: output/ must be written afresh
            if pending is not None and units is not None:
                pending = pending & units
            indexed = not self.search or (self.output / SEARCH_MANIFEST).is_file()
            if not changed and pending == set() and indexed and not force:
                self.last = _unchanged(stored, self.output)
                return None
        with timings.phase("restore"):
            # Something to do: only now load the pipeline (Jinja, Markdown, the checker...).
            from generator import buildcache

            if stored is not None:
                self.engine = buildcache.restore(
                    self.root, self.output, self.jobs, stored, self.search, self.keep_files
                )
            if self.engine is None:
                self.engine = buildcache.fresh_engine(
                    self.root, self.output, self.jobs, self.search, self.keep_files
                )
                changed = None
        return changed

    def _unchanged(self, started: float, timings: Timings) -> BuildResult:
        last = self.last
        assert last is not None  # set by the run that found nothing to do, or an earlier one
        return dataclasses.replace(
            last,
            seconds=time.perf_counter() - started,
            pages=0,
            written=0,
            removed=0,
            full=False,
            unchanged=True,
            phases=dict(timings.seconds),
        )


# The record (bytes) of a site large enough for stamping its inputs to take longer than
# loading a module of the pipeline (some 40 ms, 5,000 inputs; the record lists the output
# files, about 55 bytes each): a smaller site is stamped in the build's own process,
# which then stops without loading any of the pipeline.
SURVEY_ASIDE = 300_000

# The modules a rebuild needs, loaded in this order one at a time (10-50 ms each) while
# a forked child stamps the inputs (Builder._survey).
_PIPELINE = (
    "generator.model",
    "generator.content",
    "generator.check",
    "generator.render",
    "generator.buildcache",
)


def _load_pipeline(until: Callable[[], bool]) -> None:
    """Import the pipeline's modules in turn, stopping when ``until()`` says."""
    for name in _PIPELINE:
        if until():
            return
        importlib.import_module(name)


def _result(outcome: Outcome, output: Path, started: float) -> BuildResult:
    return BuildResult(
        output_dir=output,
        units=outcome.units,
        documents=outcome.documents,
        problems=outcome.problems,
        seconds=time.perf_counter() - started,
        pages=outcome.pages,
        files=outcome.files,
        written=len(outcome.written),
        removed=len(outcome.removed),
        full=outcome.full,
        phases=dict(outcome.timings.seconds),
    )


def _unchanged(stored: buildstate.Stored, output: Path) -> BuildResult:
    return BuildResult(
        output_dir=output,
        units=stored.units,
        documents=stored.documents,
        problems=Problems(list(stored.problems)),
        seconds=0.0,
        files=stored.files,
        unchanged=True,
    )
