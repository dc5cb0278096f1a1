"""Everything that helps the public find information (issue #7), added to a build's files.

The build writes a site as streams of files (see :func:`streams`): the site-wide stream
carries the renderer's own site-wide pages, then the search page and exact-match map, Atom
feeds, the site-wide open-data catalogue and sitemap.xml/robots.txt; each unit's stream
carries its pages. With ``traditional: true`` every file of a stream is followed by its
繁體 copy. The Pagefind index is made from the written folder (:mod:`generator.search`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path

from generator.config import SiteConfig
from generator.feeds import feed_url, site_feed_file, unit_feed_file
from generator.model import Site, Unit
from generator.render import OutputFile, SiteRenderer, Stream
from generator.traditional import PREFIX, TraditionalCopy, protected_strings, with_traditional

# The modules of the site-wide files (search page, sitemap, open-data catalogue) are
# loaded by the functions that make them: a rebuild within one unit makes none of them,
# and loading them took 6 ms of its 0.5 s.


def traditional_copier(site: Site, config: SiteConfig) -> TraditionalCopy | None:
    """What makes the 繁體 copy of a file, if the site wants one; made once per build, as
    it gathers the strings to keep from every document of the site."""
    return TraditionalCopy(config, protected_strings(site, config)) if config.traditional else None


def streams(
    renderer: SiteRenderer,
    site: Site,
    config: SiteConfig,
    units: list[Unit],
    copier: TraditionalCopy | None,
) -> list[Stream]:
    """The site-wide stream, then one stream per unit of ``units``."""
    site_wide = functools.partial(_site_wide, renderer, site, config, copier)
    return [site_wide, *unit_streams(renderer, config, units, copier)]


def unit_streams(
    renderer: SiteRenderer, config: SiteConfig, units: list[Unit], copier: TraditionalCopy | None
) -> list[Stream]:
    """One stream per unit of ``units``, without the site-wide one."""
    return [functools.partial(_unit, renderer, config, unit, copier) for unit in units]


def edited_files(
    renderer: SiteRenderer, units: list[Unit], sources: set[Path], copier: TraditionalCopy | None
) -> Iterable[OutputFile]:
    """The files of the documents edited in ``sources`` (with their 繁體 copies), for
    ``serve`` to write before the rest of a rebuild."""
    files = chain.from_iterable(renderer.edited_document_files(u, sources) for u in units)
    return _with_copies(files, copier)


def _site_wide(
    renderer: SiteRenderer, site: Site, config: SiteConfig, copier: TraditionalCopy | None
) -> Iterator[OutputFile]:
    from generator.search import search_files

    files: Iterable[OutputFile] = chain(
        renderer.site_files(),
        search_files(renderer),
        _memoised(renderer, "lists", lambda: _lists(renderer, site, config)),
    )
    yield from _with_copies(files, copier)
    yield from _memoised(renderer, "sitemap", lambda: _sitemap(site, config))


def _lists(renderer: SiteRenderer, site: Site, config: SiteConfig) -> Iterator[OutputFile]:
    """The site-wide files that list every document."""
    from generator.opendata import catalogue_files
    from generator.search import exact_file

    yield exact_file(site, config)
    yield site_feed_file(site, config)
    yield from catalogue_files(renderer, site, config)


def _sitemap(site: Site, config: SiteConfig) -> Iterator[OutputFile]:
    from generator.sitemap import PageDate, site_pages, sitemap_files

    pages = site_pages(site, config)
    if config.traditional:
        pages += [PageDate(PREFIX + p.url, p.lastmod) for p in pages]
    return sitemap_files(pages, config)


def _memoised(
    renderer: SiteRenderer, group: str, make: Callable[[], Iterable[OutputFile]]
) -> Iterator[OutputFile]:
    """A group of site-wide data files, made again only when what they list changed."""
    unchanged = renderer.unchanged_data(group)
    if unchanged is not None:
        yield from unchanged
        return
    paths = []
    for file in make():
        paths.append(file.path)
        yield file
    renderer.state.data[group] = (renderer.data_key(), tuple(paths))


def _unit(
    renderer: SiteRenderer, config: SiteConfig, unit: Unit, copier: TraditionalCopy | None
) -> Iterable[OutputFile]:
    if renderer.catalogue_as_rendered():  # a feed lists catalogue data only
        feed = OutputFile(feed_url(unit.url), unchanged=True)
    else:
        feed = unit_feed_file(unit, config)
    files = chain(renderer.unit_files(unit), [feed])
    return _with_copies(files, copier)


def _with_copies(
    files: Iterable[OutputFile], copier: TraditionalCopy | None
) -> Iterable[OutputFile]:
    return files if copier is None else with_traditional(files, copier)


def kept_prefixes(prefixes: tuple[str, ...], config: SiteConfig) -> tuple[str, ...]:
    """URL prefixes of units left as they are, with their 繁體 copies."""
    if not config.traditional:
        return prefixes
    return prefixes + tuple(PREFIX + p for p in prefixes)
