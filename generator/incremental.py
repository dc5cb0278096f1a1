"""The incremental engine behind ``zfxxgk build`` and ``zfxxgk serve``.

A rebuild redoes only the units (公开主体) whose folders changed: other units are reused as
loaded, their check findings replayed and their pages left in place. A change to
site.yaml or a theme, or anything outside a unit folder, redoes every unit (the page
fingerprints and the Markdown memo still spare most of the work).

``serve`` keeps one engine in memory; ``build`` stores it between runs in
``.zfxxgk-cache/`` (see :mod:`generator.buildcache`), so that a build after a small edit
costs about as much as a rebuild in ``serve``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from generator import find
from generator.cache import FileCache
from generator.check import SITE_WIDE_RULES, check_site
from generator.config import SiteConfig, load_config
from generator.content import UnitLoad, load_site
from generator.errors import Problem, Problems, SearchError
from generator.links import LinkMemo, link_interpretations
from generator.model import Site
from generator.output import SyncState, sync_site, write_changed, write_site
from generator.render import RenderState, SiteRenderer, Stream, ThemeError
from generator.search import Shards
from generator.timings import Timings
from generator.urls import SEARCH_MANIFEST


@dataclass
class Outcome:
    """What one run of the engine did."""

    ok: bool
    problems: Problems
    site: Site | None = None
    config: SiteConfig | None = None  # the site.yaml this run used
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
        # The build cache's file of each unit (restored or saved), to keep while the unit
        # is unchanged: (name, UnitLoad, findings, catalogue key) as stored.
        self.stored_units: dict[str, tuple] = {}

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
        dirty = None if changed is None else self._dirty_units(changed)
        if dirty is None:
            self.render_state.forget_templates()  # a theme file may be among the changes
        if not self.loads or self.unrendered is None:
            dirty = None  # nothing loaded to reuse, or output/ to be written afresh
        if dirty is not None:  # units still to render need their bodies
            dirty |= self.unrendered & self.stripped
        config = load_config(self.root, problems)
        if config is None:
            return self._finish(outcome, started)
        site, touched = self._load_and_check(config, problems, dirty, outcome.timings)
        outcome.site, outcome.config = site, config
        pending = None
        if dirty is not None and self.unrendered is not None:
            pending = touched | self.unrendered
        if problems.errors and not force:
            if self.unrendered is not None:  # the folder stays complete, but behind
                self.unrendered = pending if pending is not None else {u.key for u in site.units}
            return self._finish(outcome, started)
        edited = _Edited(set(changed or ()), first)
        with outcome.timings.phase("render"):
            self._render(site, config, pending, only, outcome, progress, edited)
        return self._finish(outcome, started)

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
        """The unit folder a path lies in, or None outside content/<unit>/."""
        content = self.root / "content"
        return path.relative_to(content).parts[0] if content in path.parents else None

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
        for problem in new:
            if problem.rule in SITE_WIDE_RULES or problem.path is None:
                continue
            key = self._unit_of(problem.path)
            if key is not None:
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
        renderer = SiteRenderer(site, config, self.render_state, only_units=pending)
        if self.before_writing is not None:
            self.before_writing()
        try:
            if fresh and only is None:
                self._write_afresh(site, renderer, outcome, progress)
            else:
                self._sync(site, renderer, pending, outcome, edited)
        except ThemeError as exc:
            outcome.problems.items.append(exc.problem)
            self.render_state.forget_written()  # pages after the failing one were not written
            self.unrendered = None  # render every unit next time
            return
        except SearchError as exc:
            outcome.problems.error(None, None, str(exc))
            self.unrendered = None  # the pages may be new but the index is not
            return
        for source, href in renderer.broken_links:
            outcome.problems.warn(source, None, f"正文链接“{href}”指向的文件或文档不存在")
        self.unrendered = set() if only is None else wanted - only
        outcome.ok = True

    def _write_afresh(self, site, renderer: SiteRenderer, outcome: Outcome, progress) -> None:
        """Write every page into a new folder swapped in at the end, in parallel."""
        self.render_state.forget_written()
        stats = write_site(
            render_streams(renderer, site),
            self.folder,
            jobs=self.jobs,
            collect=functools.partial(_take_side_results, renderer),
            progress=progress,
            finish=functools.partial(self._index_afresh, renderer, outcome.timings)
            if self.search
            else None,
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
    ) -> None:
        """Write the pages that changed in place; leave the other units' files alone."""
        units = [u for u in site.units if pending is None or u.key in pending]
        copier = find.traditional_copier(site, renderer.config)
        first_pages = 0
        if edited.tell is not None and edited.sources and pending is not None:
            first = find.edited_files(renderer, units, edited.sources, copier)
            outcome.first, first_pages = write_changed(first, self.folder, self.sync_state)
            if outcome.first:
                edited.tell(outcome.first)
        keep = () if pending is None else tuple(u.url for u in site.units if u.key not in pending)
        streams = find.streams(renderer, site, renderer.config, units, copier)
        files = chain.from_iterable(stream() for stream in streams)
        stats = sync_site(
            files, self.folder, self.sync_state, find.kept_prefixes(keep, renderer.config)
        )
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
        return Shards.for_pages(
            self.sync_state.paths,
            site.home_url,
            config.search_shard_pages,
            config.search_recent_pages,
        )

    def _index_afresh(self, renderer: SiteRenderer, timings: Timings, folder: Path) -> None:
        """The whole search index of a folder written afresh (before it is swapped in)."""
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
