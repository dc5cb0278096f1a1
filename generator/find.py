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

from generator.config import SiteConfig
from generator.feeds import feed_files
from generator.model import Site, Unit
from generator.opendata import catalogue_files
from generator.render import OutputFile, SiteRenderer
from generator.search import search_files
from generator.sitemap import PageDate, site_pages, sitemap_files
from generator.traditional import PREFIX, TraditionalCopy, protected_strings, with_traditional

Stream = Callable[[], Iterable[OutputFile]]


def streams(
    renderer: SiteRenderer, site: Site, config: SiteConfig, units: list[Unit]
) -> list[Stream]:
    """The site-wide stream, then one stream per unit of ``units``."""
    copier = (
        TraditionalCopy(config, protected_strings(site, config)) if config.traditional else None
    )
    site_wide = functools.partial(_site_wide, renderer, site, config, copier)
    return [site_wide, *(functools.partial(_unit, renderer, unit, copier) for unit in units)]


def _site_wide(
    renderer: SiteRenderer, site: Site, config: SiteConfig, copier: TraditionalCopy | None
) -> Iterator[OutputFile]:
    files: Iterable[OutputFile] = chain(
        renderer.site_files(),
        search_files(renderer, site, config),
        feed_files(site, config),
        catalogue_files(renderer, site, config),
    )
    pages = site_pages(site, config)
    if copier is not None:
        files = with_traditional(files, copier)
        pages += [PageDate(PREFIX + p.url, p.lastmod) for p in pages]
    yield from files
    yield from sitemap_files(pages, config)


def _unit(
    renderer: SiteRenderer, unit: Unit, copier: TraditionalCopy | None
) -> Iterable[OutputFile]:
    files = renderer.unit_files(unit)
    return files if copier is None else with_traditional(files, copier)


def kept_prefixes(prefixes: tuple[str, ...], config: SiteConfig) -> tuple[str, ...]:
    """URL prefixes of units left as they are, with their 繁體 copies."""
    if not config.traditional:
        return prefixes
    return prefixes + tuple(PREFIX + p for p in prefixes)
