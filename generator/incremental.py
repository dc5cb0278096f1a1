"""The incremental engine behind ``zfxxgk build`` and ``zfxxgk serve``.

A rebuild redoes only the units (公开主体) whose folders changed: other units are reused as
loaded, their check findings replayed and their pages left in place. A change to
site.yaml or a theme, or anything outside a unit folder, redoes every unit (the page
fingerprints and the Markdown memo still spare most of the work).

``serve`` keeps one engine in memory; ``build`` stores it between runs in
``.zfxxgk-cache/`` (see :mod:`generator.buildcache`), so that a build after a small edit
costs about as much as a rebuild in ``serve``. A stored engine keeps its units on the
shelf, one file each, and loads them when needed: a change that leaves what its units
show the rest of the site as it was (the text of a document) is rebuilt from those units
alone (:meth:`IncrementalBuild._rebuild_alone`), the others never read.
"""

from __future__ import annotations

import functools
import gc
import os
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from generator import find
from generator.cache import FileCache
from generator.check import SITE_WIDE_RULES, check_site
from generator.collector import collector_paused
from generator.config import SiteConfig, load_config
from generator.content import UnitLoad, load_site, reload_units
from generator.errors import Problem, Problems, SearchError
from generator.links import LinkMemo, link_interpretations, unit_page_index
from generator.model import Document, Site, Unit
from generator.output import SyncState, sync_site, write_changed, write_site
from generator.render import RenderState, SiteRenderer, Stream, ThemeError
from generator.timings import Timings
from generator.urls import SEARCH_MANIFEST
from generator.views import catalogue_key, unit_view

if TYPE_CHECKING:
    from generator.search import Shards


@dataclass
class ShelvedUnit:
    """A unit stored in the build cache and not loaded yet: the name of its file, with
    what the engine keeps of it beside the unit itself."""

    name: str
    findings: list[Problem] | None  # its check findings, if checked since it was read
    catalogue_key: str | None  # see SiteRenderer.data_key
    documents: int
    problems: list[Problem]  # found reading its folder (UnitLoad.problems)
    numbers: tuple[str, ...]  # its 联系电话 and 传真, which the privacy rule allows anywhere
    memo: str | None = None  # its files as parsed and scanned when last rebuilt alone


@dataclass
class Outcome:
    """What one run of the engine did."""

    ok: bool
    problems: Problems
    site: Site | None = None  # the units loaded (all, but for a rebuild within units)
    config: SiteConfig | None = None  # the site.yaml this run used
    units: int = 0  # of the whole site
    documents: int = 0
    pages: int = 0  # HTML pages rendered (or found unchanged) this time
    files: int = 0  # files of the whole built site
    written: list[str] = field(default_factory=list)  # of them, ``first`` came first
    removed: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)  # the edited documents' files
    full: bool = False  # the whole output folder was written afresh
    milliseconds: float = 0.0
    timings: Timings = field(default_factory=Timings)  # where the time went


class IncrementalBuild:
    """Keeps what one build learnt for the next: parsed units, findings, page fingerprints.

    ``folder`` is the output folder it keeps in step with the content. ``unrendered``
    names units changed since their pages were last written; None means the folder is
    not known to hold a complete site, so the next good run writes it afresh.
    """

    def __init__(
        self,
        root: Path,
        folder: Path,
        jobs: int = 1,
        markup: MutableMapping | None = None,
        templates: Path | None = None,
        keep_files: bool = True,
        search: bool = False,
    ):
        self.root = root.resolve()
        self.folder = folder
        self.jobs = jobs
        self.search = search  # make the Pagefind index of the written folder
        # Parsed files, for a process that rebuilds again (serve); a one-shot build would
        # only hold a second copy of every document in memory.
        self.cache = FileCache() if keep_files else None
        self.render_state = RenderState(
            markup=markup if markup is not None else {}, template_cache=templates
        )
        self.sync_state = SyncState()
        self.loads: dict[str, UnitLoad] = {}  # units as last loaded, by folder name
        self.findings: dict[str, list[Problem]] = {}  # per-unit check findings, by folder
        self.link_memo = LinkMemo()
        self.links: dict[Path, tuple] = {}  # each document's cross links when last rendered
        self.unrendered: set[str] | None = None
        self.stripped: set[str] = set()  # units restored without their bodies (build cache)
        # Called before the first file is written into the folder: the build cache
        # drops its record there, so that a build stopped between writing and storing
        # the cache is not taken for the build the old record describes.
        self.before_writing: Callable[[], None] | None = None
        # Work of the caller's that may run while workers write a whole site afresh
        # (the build cache stores the units then, not after).
        self.while_writing: Callable[[], None] | None = None
        # The build cache's file of each unit (restored or saved), to keep while the unit
        # is the same object: (name, UnitLoad).
        self.stored_units: dict[str, tuple[str, UnitLoad]] = {}
        # Units of the build cache not loaded yet, and how to load one (see unshelve).
        self.shelved: dict[str, ShelvedUnit] = {}
        self.open_shelved: Callable[[str], UnitLoad | None] | None = None
        # Units rebuilt alone in this run, with their files as parsed and scanned, for
        # the build cache to keep (a later edit of the unit reads only what changed),
        # and how to open such a memo.
        self.memos: dict[str, FileCache] = {}
        self.open_memo: Callable[[str], FileCache | None] | None = None
        # The last run's findings that belong to no unit's own (site-wide rules, site.yaml),
        # and whether it found no error: a rebuild within units replays them.
        self.other_findings: list[Problem] = []
        self.clean = False

    def unshelve(self, keys: Iterable[str] | None = None) -> None:
        """Load units of the build cache not loaded yet: those of ``keys``, or all.

        A unit whose file cannot be read is left out of the reused units, so the rebuild
        reads it afresh from content/ and renders it (its pages keep their fingerprints).
        """
        wanted = list(self.shelved) if keys is None else [k for k in keys if k in self.shelved]
        if not wanted:
            return
        with collector_paused():
            for key in wanted:
                self._unshelve(key, self.shelved.pop(key))
        # The restored units stay as long as the engine: no later collection needs to
        # walk them (the first one after a restore took 50 ms at 10,000 documents).
        gc.freeze()

    def _unshelve(self, key: str, shelved: ShelvedUnit) -> None:
        load = self.open_shelved(shelved.name) if self.open_shelved is not None else None
        if load is None:
            return
        self.loads[key] = load
        self.stripped.add(key)
        if shelved.findings is not None:
            self.findings[key] = shelved.findings
        if shelved.catalogue_key is not None:
            # Taken from the unit as saved: it holds for the restored one.
            self.render_state.unit_keys[key] = (load.unit, shelved.catalogue_key)
        self.stored_units[key] = (shelved.name, load)

    def rebuild(
        self,
        changed: list[Path] | None,
        force: bool = False,
        only: set[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
        first: Callable[[list[str]], None] | None = None,
        timings: Timings | None = None,
    ) -> Outcome:
        """Bring the output folder in line with the content after ``changed`` (None: all).

        Content errors leave the folder as it is (unless ``force``). ``only`` renders just
        those units besides the site-wide pages (``build --units``); other changed units
        stay pending for a later run. ``first`` is told the paths of the edited documents'
        own files as soon as they are written, before the pages that list them.
        ``timings`` receives the time of each phase (a new one is made otherwise).
        """
        started = time.perf_counter()
        if self.cache is not None:
            self.cache.forget(changed or [])
        problems = Problems()
        outcome = Outcome(ok=False, problems=problems, timings=timings or Timings())
        self.memos = {}  # a memo holds only for the run that made it and the files it saw
        dirty = None if changed is None else self._dirty_units(changed)
        if dirty is None:
            self.render_state.forget_templates()  # a theme file may be among the changes
        config = load_config(self.root, problems)
        if config is None:
            return self._finish(outcome, started)
        edited = _Edited(set(changed or ()), first)
        if self._alone_possible(dirty, only, force, config) and self._rebuild_alone(
            dirty, config, outcome, edited
        ):
            return self._finish(outcome, started)
        with outcome.timings.phase("restore"):
            self.unshelve()
        if not self.loads or self.unrendered is None:
            dirty = None  # nothing loaded to reuse, or output/ to be written afresh
        if dirty is not None:  # units still to render need their bodies
            dirty |= self.unrendered & self.stripped
        site, touched = self._load_and_check(config, problems, dirty, outcome.timings)
        outcome.site, outcome.config = site, config
        outcome.units, outcome.documents = len(site.units), len(site.documents)
        self.clean = not problems.errors
        pending = None
        if dirty is not None and self.unrendered is not None:
            pending = touched | self.unrendered
        if problems.errors and not force:
            if self.unrendered is not None:  # the folder stays complete, but behind
                self.unrendered = pending if pending is not None else {u.key for u in site.units}
            return self._finish(outcome, started)
        with outcome.timings.phase("render"):
            self._render(site, config, pending, only, outcome, progress, edited)
        return self._finish(outcome, started)

    # -- a rebuild within units -----------------------------------------------------

    def _alone_possible(
        self, dirty: set[str] | None, only: set[str] | None, force: bool, config: SiteConfig
    ) -> bool:
        """Whether a change may be rebuilt within its units (see _rebuild_alone): the
        engine comes from the build cache with every unit on the shelf, output/ is
        complete, the last run found no error, and the change lies in existing units."""
        return (
            bool(dirty)
            and self.open_shelved is not None
            and not self.loads
            and self.unrendered == set()
            and self.clean
            and only is None
            and not force
            and not config.traditional  # its copies keep strings of every document
            and dirty <= self.shelved.keys()
        )

    def _rebuild_alone(
        self, dirty: set[str], config: SiteConfig, outcome: Outcome, edited: _Edited
    ) -> bool:
        """Rebuild a change within the ``dirty`` units, leaving the others on the shelf;
        False, having changed nothing, where the change reaches beyond them.

        What the rest of the site takes from a unit is its view and catalogue data
        (titles, addresses, 索引号, dates: its catalogue key), its pages' addresses and
        its documents' 解读 references. While those stay as they were, so do the
        site-wide files, the other units' pages and the site-wide rules' findings, and
        only the unit's own pages and findings need making: the common edit of a
        document's text at 10,000 documents then loads one unit of the build cache, not
        a hundred. Anything else takes the whole-site path.
        """
        if self._findings_within(dirty):
            return False
        with outcome.timings.phase("restore"):
            stored = {key: self.open_shelved(self.shelved[key].name) for key in dirty}
            memo = self._memo_of(dirty, edited.sources)
        if any(load is None for load in stored.values()):
            return False
        with outcome.timings.phase("read"):
            fresh = reload_units(config, stored, memo)
        if fresh is None:
            return False
        for key, load in fresh.items():
            if not self._same_outside(load.unit, stored[key].unit, self.shelved[key]):
                return False
        units = [fresh[key].unit for key in sorted(fresh)]
        site = Site(units, f"{config.column_root}/" if config.column_root else "")
        with outcome.timings.phase("link"):
            self._relink_alone(site)
        problems = outcome.problems
        for key, shelved in self.shelved.items():  # in the stored order, every run alike
            if key not in dirty:
                problems.items.extend(shelved.problems)
        for load in fresh.values():
            problems.items.extend(load.problems)
        before = len(problems.items)
        with outcome.timings.phase("check"):
            allowed = (n for key, s in self.shelved.items() if key not in dirty for n in s.numbers)
            check_site(
                site,
                config,
                problems,
                cache=memo,
                jobs=self.jobs,
                site_wide=False,
                also_allowed=allowed,
            )
        self._keep_alone_findings(problems, before, dirty)
        self.memos = {key: memo.within(self.root / "content" / key) for key in dirty}
        self.clean = not problems.errors
        outcome.site, outcome.config = site, config
        outcome.units = len(self.shelved)
        outcome.documents = sum(
            s.documents if key not in fresh else len(fresh[key].unit.documents)
            for key, s in self.shelved.items()
        )
        for key, load in fresh.items():
            catalogue_key = self.shelved.pop(key).catalogue_key
            self.loads[key] = load
            assert catalogue_key is not None  # compared in _same_outside
            self.render_state.unit_keys[key] = (load.unit, catalogue_key)
        if problems.errors:
            self.unrendered = set(dirty)  # the folder stays complete, but behind
            return True
        with outcome.timings.phase("render"):
            self._render_alone(site, config, outcome, edited)
        return True

    @staticmethod
    def _finish(outcome: Outcome, started: float) -> Outcome:
        outcome.milliseconds = (time.perf_counter() - started) * 1000
        return outcome

    def _dirty_units(self, changed: list[Path]) -> set[str] | None:
        """Folder names of the units a change touched; None means every unit."""
        dirty: set[str] = set()
        for path in changed:
            key = self._unit_of(path)
            if key is None:
                return None  # site.yaml, a theme, or content/ itself
            dirty.add(key)
        return dirty

    def _unit_of(self, path: Path) -> str | None:
        """The unit folder a path lies in, or None outside content/<unit>/. By text: asked
        for every problem kept from the last run, where ``path.parents`` made a path for
        each folder of each."""
        content = os.path.join(self.root, "content", "")
        text = str(path)
        if not text.startswith(content):
            return None
        return text[len(content) :].split(os.sep, 1)[0]

    def _load_and_check(
        self, config: SiteConfig, problems: Problems, dirty: set[str] | None, timings: Timings
    ) -> tuple[Site, set[str]]:
        reuse = {} if dirty is None else {k: v for k, v in self.loads.items() if k not in dirty}
        while True:
            found = Problems()
            loads: dict[str, UnitLoad] = {}
            with timings.phase("read"):
                site = load_site(config, found, self.cache, reuse, loads, jobs=self.jobs)
            with timings.phase("link"):
                link_interpretations(site, found, self.link_memo)
                touched = {unit.key for unit in site.units if unit.key not in reuse}
                touched |= self._relinked(site)
            # A unit to render again must have its bodies: read it afresh if it was
            # restored from the build cache without them.
            unread = touched & self.stripped & reuse.keys()
            if not unread:
                break
            reuse = {k: v for k, v in reuse.items() if k not in unread}
        self.loads = loads
        self.stripped &= reuse.keys()
        problems.items.extend(found.items)
        before = len(problems.items)
        with timings.phase("check"):
            check_site(site, config, problems, cache=self.cache, only_units=touched, jobs=self.jobs)
        self._keep_findings(problems, before, touched, site)
        return site, touched

    def _relinked(self, site: Site) -> set[str]:
        """Units with a document whose cross links changed (a 解读 in another unit moved).

        Only documents with links now (as the linker noted) or at the last rebuild can
        have changed: most documents have no cross links at all."""
        units = set()
        current = {}
        for doc in self.link_memo.linked or ():
            links = (tuple(doc.interpretations), tuple(doc.interprets))
            current[doc.source] = links
            if self.links.get(doc.source, _NO_LINKS) != links:
                units.add(doc.unit_key)  # gained, lost or changed a link
        keys = {unit.key for unit in site.units}
        for source in self.links.keys() - current.keys():
            key = self._unit_of(source)
            if key in keys:
                units.add(key)  # its document lost its links
        self.links = current
        return units

    def _keep_findings(
        self, problems: Problems, before: int, touched: set[str], site: Site
    ) -> None:
        """Store this run's per-unit findings and add back those of untouched units."""
        new = problems.items[before:]
        fresh: dict[str, list[Problem]] = {key: [] for key in touched}
        self.other_findings = []
        for problem in new:
            key = self._owner(problem)
            if key is None:
                self.other_findings.append(problem)
            else:
                fresh.setdefault(key, []).append(problem)
        keys = {unit.key for unit in site.units}
        replay = [
            p
            for key, found in self.findings.items()
            if key in keys and key not in touched
            for p in found
        ]
        problems.items.extend(replay)
        self.findings = {
            key: found for key, found in self.findings.items() if key in keys and key not in touched
        }
        self.findings.update(fresh)

    def _owner(self, problem: Problem) -> str | None:
        """The unit a check finding belongs to, kept and replayed with it; None for the
        site-wide rules' findings and those outside every unit (site.yaml)."""
        if problem.path is None or problem.rule in SITE_WIDE_RULES:
            return None
        return self._unit_of(problem.path)

    def _memo_of(self, dirty: set[str], changed: set[Path]) -> FileCache:
        """The files of the ``dirty`` units as parsed and scanned when one of them was
        last rebuilt alone, less those changed since; empty for several units or none.

        A memo is stored only by a run that rebuilt its unit alone and dropped by any
        other, so every change since it was made is among ``changed`` (which the record's
        stamps find even within one tick of the file system's clock)."""
        name = self.shelved[next(iter(dirty))].memo if len(dirty) == 1 else None
        memo = self.open_memo(name) if name and self.open_memo is not None else None
        if memo is None:
            return FileCache()
        memo.forget(changed)
        return memo

    def _findings_within(self, dirty: set[str]) -> bool:
        """Whether a site-wide rule found something in the ``dirty`` units last time: its
        line may have moved, and only the rule can tell."""
        return any(
            p.path is not None and self._unit_of(p.path) in dirty for p in self.other_findings
        )

    @staticmethod
    def _same_outside(unit: Unit, old: Unit, shelved: ShelvedUnit) -> bool:
        """Whether the rest of the site sees ``unit`` as it saw ``old``, the unit as
        stored (see _rebuild_alone)."""
        view = unit_view(unit)
        if view != unit_view(old) or catalogue_key(unit, view) != shelved.catalogue_key:
            return False
        if unit_page_index(unit) != unit_page_index(old):
            return False
        refs = [(d.source, d.interpretation_refs) for d in unit.documents]
        return refs == [(d.source, d.interpretation_refs) for d in old.documents]

    def _relink_alone(self, site: Site) -> None:
        """Give the documents read afresh the 解读 links they had: their references and
        every title and address the links show are as they were."""
        for document in site.documents:
            interpretations, interprets = self.links.get(document.source, _NO_LINKS)
            document.interpretations = list(interpretations)
            document.interprets = list(interprets)

    def _keep_alone_findings(self, problems: Problems, before: int, dirty: set[str]) -> None:
        """Store the fresh findings of the ``dirty`` units, and add back those of the other
        units and of the site-wide rules, as the last run found them."""
        fresh: dict[str, list[Problem]] = {key: [] for key in dirty}
        others = []
        for problem in problems.items[before:]:
            key = self._owner(problem)
            if key in fresh:
                fresh[key].append(problem)
            else:
                others.append(problem)  # e.g. a site.yaml setting, found again
        del problems.items[before:]
        for key, found in fresh.items():
            problems.items.extend(found)
            self.findings[key] = found
        for key, shelved in self.shelved.items():
            if key not in dirty:
                problems.items.extend(shelved.findings or ())
        problems.items.extend(p for p in self.other_findings if p not in others)
        problems.items.extend(others)

    def _render_alone(
        self, site: Site, config: SiteConfig, outcome: Outcome, edited: _Edited
    ) -> None:
        """Write the pages of the units of ``site`` that changed, and nothing else."""
        opened: dict[str, Unit | None] = {}
        renderer = SiteRenderer(
            site,
            config,
            self.render_state,
            partial=True,
            elsewhere=functools.partial(self._shelved_unit, opened),
            edited=_edited_documents(site, edited.sources),
            written=self._written_file,
        )
        keys = {u.key for u in site.units}
        write = functools.partial(self._sync, site, renderer, keys, outcome, edited, alone=True)
        if self._written(write, renderer, outcome):
            self.unrendered = set()

    def _written_file(self, path: str) -> bytes | None:
        """A file of the output folder as the last build wrote it (see RenderState.frames)."""
        try:
            with open(self.folder / path, "rb") as file:
                return file.read()
        except OSError:
            return None

    def _shelved_unit(self, opened: dict[str, Unit | None], source: Path) -> Unit | None:
        """The unit on the shelf whose folder holds ``source``, for a body that links to
        one of its pages (loaded once per rebuild; it stays on the shelf)."""
        key = self._unit_of(source)
        if key is None or key not in self.shelved or self.open_shelved is None:
            return None
        if key not in opened:
            load = self.open_shelved(self.shelved[key].name)
            opened[key] = load.unit if load is not None else None
        return opened[key]

    # -- writing --------------------------------------------------------------------

    def _render(
        self,
        site: Site,
        config: SiteConfig,
        pending: set[str] | None,
        only: set[str] | None,
        outcome: Outcome,
        progress: Callable[[int, int], None] | None,
        edited: _Edited,
    ) -> None:
        fresh = self.unrendered is None  # the folder does not hold a complete site yet
        wanted = {u.key for u in site.units} if pending is None else set(pending)
        if only is not None:
            pending = wanted & only
        afresh = fresh and only is None
        renderer = SiteRenderer(
            site,
            config,
            self.render_state,
            only_units=pending,
            fingerprints=not afresh,
            written=None if afresh else self._written_file,
        )
        if afresh:
            write = functools.partial(self._write_afresh, site, renderer, outcome, progress)
        else:
            write = functools.partial(self._sync, site, renderer, pending, outcome, edited)
        if self._written(write, renderer, outcome):
            self.unrendered = set() if only is None else wanted - only

    def _written(self, write: Callable[[], None], renderer: SiteRenderer, outcome: Outcome) -> bool:
        """Run ``write``, which brings the output folder up to date with ``renderer``;
        whether it went through (a theme or search-index failure becomes a problem)."""
        if self.before_writing is not None:
            self.before_writing()
        try:
            write()
        except ThemeError as exc:
            outcome.problems.items.append(exc.problem)
            self.render_state.forget_written()  # pages after the failing one were not written
            self.unrendered = None  # render every unit next time
            return False
        except SearchError as exc:
            outcome.problems.error(None, None, str(exc))
            self.unrendered = None  # the pages may be new but the index is not
            return False
        for source, href in renderer.broken_links:
            outcome.problems.warn(source, None, f"正文链接“{href}”指向的文件或文档不存在")
        outcome.ok = True
        return True

    def _write_afresh(self, site, renderer: SiteRenderer, outcome: Outcome, progress) -> None:
        """Write every page into a new folder swapped in at the end, in parallel."""
        self.render_state.forget_written()
        renderer.load_templates()  # once, for the workers to inherit
        stats = write_site(
            render_streams(renderer, site),
            self.folder,
            jobs=self.jobs,
            collect=functools.partial(_take_side_results, renderer),
            progress=progress,
            finish=functools.partial(self._index_afresh, renderer, outcome.timings)
            if self.search
            else None,
            meanwhile=self.while_writing,
        )
        self.render_state.data.clear()
        units = {unit.key: unit for unit in site.units}
        for broken, pages, data, bodies, keys in stats.collected:
            renderer.broken_links.extend(broken)
            self.render_state.pages.update(pages)
            self.render_state.data.update(data)
            if bodies:
                self.render_state.markup.update(bodies)
            for key, digest in keys.items():
                self.render_state.unit_keys[key] = (units[key], digest)
        self.sync_state = SyncState(paths=set(stats.paths))
        outcome.full = True
        outcome.pages, outcome.files = stats.pages, stats.files
        outcome.written = list(stats.paths)

    def _sync(
        self,
        site: Site,
        renderer: SiteRenderer,
        pending: set[str] | None,
        outcome: Outcome,
        edited: _Edited,
        alone: bool = False,
    ) -> None:
        """Write the pages that changed in place; leave the other units' files alone.
        ``alone``: ``site`` holds only the units to write, and the site-wide files stay
        as they are too (see _rebuild_alone)."""
        units = [u for u in site.units if pending is None or u.key in pending]
        copier = find.traditional_copier(site, renderer.config)
        first_pages = 0
        if edited.tell is not None and edited.sources and pending is not None:
            first = find.edited_files(renderer, units, edited.sources, copier)
            outcome.first, first_pages = write_changed(first, self.folder, self.sync_state)
            if outcome.first:
                edited.tell(outcome.first)
        config = renderer.config
        if alone:
            streams = find.unit_streams(renderer, config, units, copier)
            only = find.kept_prefixes(tuple(u.url for u in units), config)
            keep: tuple[str, ...] = ()
        else:
            streams = find.streams(renderer, site, config, units, copier)
            only = None
            keep = (
                () if pending is None else tuple(u.url for u in site.units if u.key not in pending)
            )
            keep = find.kept_prefixes(keep, config)
        files = chain.from_iterable(stream() for stream in streams)
        stats = sync_site(files, self.folder, self.sync_state, keep, only)
        outcome.pages = stats.pages + first_pages
        outcome.files = len(self.sync_state.paths)
        outcome.written, outcome.removed = outcome.first + stats.written, stats.removed
        if self.search:
            shards = self.shards(renderer.site, renderer.config)
            changed = outcome.written + outcome.removed
            if _index_stale(self.folder, shards, changed):
                with outcome.timings.phase("index"):
                    _index(self.folder, shards, changed, self.jobs)

    def shards(self, site: Site, config: SiteConfig) -> Shards:
        """How the search index of the output folder is split, as the site is now."""
        from generator.search import Shards  # a build without search does not load it

        return Shards.for_pages(
            self.sync_state.paths,
            site.home_url,
            config.search_shard_pages,
            config.search_recent_pages,
        )

    def _index_afresh(self, renderer: SiteRenderer, timings: Timings, folder: Path) -> None:
        """The whole search index of a folder written afresh (before it is swapped in)."""
        from generator.search import Shards
        from generator.searchindex import html_pages  # Pagefind's client: search is on

        pages = html_pages(folder)
        config = renderer.config
        shards = Shards.for_pages(
            pages, renderer.site.home_url, config.search_shard_pages, config.search_recent_pages
        )
        with timings.phase("index"):
            _index(folder, shards, None, self.jobs, pages)


_NO_LINKS: tuple = ((), ())  # a document absent from IncrementalBuild.links had no links


@dataclass
class _Edited:
    """The changed files of a rebuild, and whom to tell when their own pages are written."""

    sources: set[Path]
    tell: Callable[[list[str]], None] | None


def _edited_documents(site: Site, changed: set[Path]) -> list[Document] | None:
    """The documents of ``site`` whose Markdown files are the ``changed`` files; None if
    another file changed too (an attachment, a guide, _unit.yaml...), whose effect on
    the pages is left to their fingerprints."""
    by_source = {document.source: document for document in site.documents}
    if not changed <= by_source.keys():
        return None
    return [by_source[path] for path in changed]


def _index(
    folder: Path,
    shards: Shards,
    changed: list[str] | None,
    jobs: int,
    pages: list[str] | None = None,
) -> None:
    from generator.searchindex import index_folder  # Pagefind's client only when indexing

    index_folder(folder, shards, changed, jobs, pages)


def _index_stale(folder: Path, shards: Shards, changed: list[str]) -> bool:
    """Whether the search index must be made again: a page changed, or the index is
    missing or split otherwise (the site grew, or site.yaml changed the shard size)."""
    if any(p.endswith(".html") for p in changed):
        return True
    manifest = folder / SEARCH_MANIFEST
    return not manifest.is_file() or shards.bundles_in(manifest.read_bytes()) is None


def render_streams(renderer: SiteRenderer, site: Site) -> list[Stream]:
    """The site-wide files, then one stream per unit, largest first so that parallel
    workers finish together."""
    units = sorted(site.units, key=lambda unit: -len(unit.documents))
    copier = find.traditional_copier(site, renderer.config)
    return find.streams(renderer, site, renderer.config, units, copier)


def _take_side_results(renderer: SiteRenderer) -> tuple[list, dict[str, str], dict, dict, dict]:
    """What a worker noted while writing one stream: broken links, page and data-file
    fingerprints, (when the memo lives in memory, as in ``serve``) the Markdown bodies
    it rendered, and the units' catalogue keys if it worked them out (the build cache
    keeps them: without them the next build would digest every document again).

    Runs in the worker that wrote the stream; taken pieces are cleared so that the next
    stream of the same worker reports only its own.
    """
    pages = renderer.state.pages
    renderer.state.pages = {}
    data = renderer.state.data
    renderer.state.data = {}
    bodies: dict = {}
    if isinstance(renderer.state.markup, dict):
        bodies = dict(renderer.state.markup)
        renderer.state.markup.clear()
    keys = {key: kept[1] for key, kept in renderer.state.unit_keys.items()}
    renderer.state.unit_keys = {}
    return renderer.take_broken_links(), pages, data, bodies, keys
