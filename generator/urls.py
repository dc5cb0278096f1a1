"""Relative links between site-relative URLs.

Links are relative so that the output works from any path prefix and from ``file://``.
A browser opening ``file://…/dir/`` shows a listing rather than ``index.html``, so by
default links to page folders name ``index.html`` explicitly; ``pretty_urls: true`` in
site.yaml drops it for sites that are only ever served over HTTP.
"""

from __future__ import annotations

import functools
import posixpath

BUNDLE = "pagefind/"  # the search index's folder in the built site (see generator.search)
SEARCH_MANIFEST = BUNDLE + "shards.json"  # the index's shards (generator.searchindex.Shards)


def relative(from_url: str, to_url: str, pretty: bool = False) -> str:
    """The link from the page at ``from_url`` (a folder URL) to ``to_url``."""
    is_folder = to_url == "" or to_url.endswith("/")
    target = to_url.rstrip("/") or "."
    link = _relpath(target, _start(from_url))
    if not is_folder:
        return link
    if pretty:
        return "./" if link == "." else link + "/"
    return "index.html" if link == "." else link + "/index.html"


def root_prefix(from_url: str) -> str:
    """What a link from the page at ``from_url`` starts with to reach a file by its
    site-relative URL, by way of the site root: ``root_prefix("a/b/") + "assets/x.css"``
    is ``"../../assets/x.css"``, as relative() gives for a file outside the page's folders."""
    start = _start(from_url)
    return "" if start == "." else "../" * (start.count("/") + 1)


def via_root(prefix: str, to_url: str, pretty: bool = False) -> str:
    """The link to ``to_url`` by way of the site root, given the page's ``root_prefix()``
    (or the absolute site root): unlike relative(), the same for every page at one
    depth, which lets a theme render a page part once for all of them (``cached``)."""
    if to_url and not to_url.endswith("/"):
        return prefix + to_url
    if pretty:
        return prefix + to_url or "./"
    return prefix + to_url + "index.html"


def absolute(base_url: str, to_url: str) -> str:
    """``to_url`` under ``base_url`` (used for canonical links, feeds and the 404 page)."""
    return base_url.rstrip("/") + "/" + to_url


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath(target, start)``, without its two getcwd() and normpath() calls
    per link: a page has some twenty links, and this was a tenth of rendering a page."""
    to, at = _segments(target), _segments(start)
    if to is None or at is None:
        return posixpath.relpath(target, start)  # an absolute or climbing path: rare
    if at and to[: len(at)] != at:
        # Outside the page's folder: the link from its parent folder, one level up. The
        # pages of one list share that parent, and link to the same crumbs and lists.
        return _from_parent(to, at[:-1])
    return _between(to, at)


@functools.lru_cache(maxsize=8192)
def _from_parent(to: tuple[str, ...], parent: tuple[str, ...]) -> str:
    above = _between(to, parent)
    return ".." if above == "." else "../" + above


def _between(to: tuple[str, ...], at: tuple[str, ...]) -> str:
    common = 0
    for mine, theirs in zip(to, at, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join((*[".."] * (len(at) - common), *to[common:])) or "."


@functools.lru_cache(maxsize=4096)
def _start(from_url: str) -> str:
    """The folder a page's links start from (a page has dozens of links)."""
    start = posixpath.dirname(from_url.rstrip("/") + "/index.html") if from_url else "."
    return start or "."


@functools.lru_cache(maxsize=4096)
def _segments(path: str) -> tuple[str, ...] | None:
    """The folders of a site-relative path as ``relpath`` sees them after normalising, or
    None if the path is absolute or has a ``..`` (left to ``relpath`` itself)."""
    if path.startswith("/"):
        return None
    parts = tuple(part for part in path.split("/") if part and part != ".")
    return None if ".." in parts else parts
