"""Everything that helps the public find information (issue #7), added to a build's files.

One entry point for ``build`` and ``serve``: the rendered pages, then the search page and
exact-match map, Atom feeds and the site-wide open-data catalogue; the 繁體 copy of all of
them when asked for; then sitemap.xml and robots.txt; and, unless switched off, the Pagefind
index of the content pages as they stream past.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from generator.config import SiteConfig
from generator.feeds import feed_files
from generator.model import Site
from generator.opendata import catalogue_files
from generator.render import OutputFile, SiteRenderer
from generator.search import search_files, with_search_index
from generator.sitemap import PageDate, site_pages, sitemap_files
from generator.traditional import PREFIX, with_traditional


def site_files(
    renderer: SiteRenderer, site: Site, config: SiteConfig, search: bool = True
) -> Iterator[OutputFile]:
    """All files of the site: the renderer's and ours (see the module docstring)."""
    files = chain(
        renderer.files(),
        search_files(renderer, site, config),
        feed_files(site, config),
        catalogue_files(renderer, site, config),
    )
    pages = site_pages(site, config)
    if config.traditional:
        files = with_traditional(files, site, config)
        pages += [PageDate(PREFIX + p.url, p.lastmod) for p in pages]
    files = chain(files, sitemap_files(pages, config))
    return with_search_index(files) if search else files


def kept_prefixes(prefixes: tuple[str, ...], config: SiteConfig) -> tuple[str, ...]:
    """URL prefixes ``serve`` leaves in place, with their 繁體 copies."""
    if not config.traditional:
        return prefixes
    return prefixes + tuple(PREFIX + p for p in prefixes)
