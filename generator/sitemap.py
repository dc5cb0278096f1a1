"""sitemap.xml and robots.txt, so that search engines find every page of the column.

The page list is derived from the model the same way ``render`` lays pages out (tests
compare it with the built site). Following the sitemaps.org protocol, a sitemap holds at
most 50,000 URLs; past that ``sitemap.xml`` becomes a sitemap index of ``sitemap-N.xml``
files. URLs must be absolute, so the sitemap needs an ``http(s)://`` base_url; without one
robots.txt is still written, without its ``Sitemap:`` line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape

from generator import standard
from generator.config import SiteConfig
from generator.model import Site, Unit
from generator.render import OutputFile
from generator.urls import absolute

SITEMAP = "sitemap.xml"
MAX_URLS = 50_000  # sitemaps.org: at most 50,000 URLs per sitemap file
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class PageDate:
    """A page of the site and the date its content last changed (lastmod)."""

    url: str
    lastmod: dt.date | None


def site_pages(site: Site, config: SiteConfig) -> list[PageDate]:
    """Every HTML page a reader may land on (not the 404 page, the redirect or search)."""
    units = [list(unit_pages(unit, config.page_size)) for unit in site.units]
    dates = [p.lastmod for pages in units for p in pages if p.lastmod]
    home = [PageDate(site.home_url, max(dates, default=None))]
    return home + [page for pages in units for page in pages]


def unit_pages(unit: Unit, page_size: int) -> Iterator[PageDate]:
    documents = unit.documents
    dated = [d.repeal_date or d.publish_date for d in documents]
    dated += [r.publish_date for r in unit.rules] + [
        r.publish_date for r in unit.reports if r.publish_date
    ]
    if unit.guide and unit.guide.updated:
        dated.append(unit.guide.updated)
    latest = max(dated, default=None)
    yield PageDate(unit.url, latest)
    parts = unit.part_urls
    yield PageDate(parts[standard.GUIDE.name], unit.guide.updated if unit.guide else None)
    yield PageDate(
        parts[standard.RULES.name], max((r.publish_date for r in unit.rules), default=None)
    )
    yield from (PageDate(r.url, r.publish_date) for r in unit.rules)
    yield PageDate(parts[standard.STATUTORY.name], _newest(documents))
    for category in unit.categories:
        yield from _paged(
            category.url, len(category.documents), page_size, _newest(category.documents)
        )
        yield from (PageDate(d.url, d.repeal_date or d.publish_date) for d in category.documents)
    newest = _newest(documents) or latest
    yield from _paged(parts[standard.CATALOGUE.name], len(documents), page_size, newest)
    yield PageDate(
        parts[standard.REPORTS.name],
        max((r.publish_date for r in unit.reports if r.publish_date), default=latest),
    )
    yield from (PageDate(r.url, r.publish_date) for r in unit.reports)


def _newest(documents) -> dt.date | None:
    return max((d.repeal_date or d.publish_date for d in documents), default=None)


def _paged(url: str, count: int, size: int, lastmod: dt.date | None) -> Iterator[PageDate]:
    """A list and its further pages (``page/2/`` …), as render.paginate lays them out."""
    pages = max(1, -(-count // size))
    yield PageDate(url, lastmod)
    for number in range(2, pages + 1):
        yield PageDate(f"{url}page/{number}/", lastmod)


def sitemap_files(
    pages: Iterable[PageDate], config: SiteConfig, limit: int = MAX_URLS
) -> Iterator[OutputFile]:
    """sitemap.xml (an index past ``limit`` URLs) and robots.txt."""
    if not config.base_url.startswith(("http://", "https://")):
        yield OutputFile("robots.txt", data=b"User-agent: *\nAllow: /\n")
        return
    pages = list(pages)
    chunks = [pages[i : i + limit] for i in range(0, len(pages), limit)] or [[]]
    if len(chunks) == 1:
        yield OutputFile(SITEMAP, data=_urlset(chunks[0], config))
    else:
        names = [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
        for name, chunk in zip(names, chunks, strict=True):
            yield OutputFile(name, data=_urlset(chunk, config))
        yield OutputFile(SITEMAP, data=_index(names, chunks, config))
    robots = f"User-agent: *\nAllow: /\nSitemap: {absolute(config.base_url, SITEMAP)}\n"
    yield OutputFile("robots.txt", data=robots.encode())


def _urlset(pages: list[PageDate], config: SiteConfig) -> bytes:
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">']
    for page in pages:
        lastmod = f"<lastmod>{page.lastmod.isoformat()}</lastmod>" if page.lastmod else ""
        lines.append(
            f"<url><loc>{escape(absolute(config.base_url, page.url), quote=False)}</loc>{lastmod}</url>"
        )
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def _index(names: list[str], chunks: list[list[PageDate]], config: SiteConfig) -> bytes:
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">']
    for name, chunk in zip(names, chunks, strict=True):
        dates = [p.lastmod for p in chunk if p.lastmod]
        lastmod = f"<lastmod>{max(dates).isoformat()}</lastmod>" if dates else ""
        lines.append(
            f"<sitemap><loc>{escape(absolute(config.base_url, name), quote=False)}</loc>{lastmod}</sitemap>"
        )
    lines.append("</sitemapindex>\n")
    return "\n".join(lines).encode("utf-8")
