"""Relative links between site-relative URLs.

Links are relative so that the output works from any path prefix and from ``file://``.
A browser opening ``file://…/dir/`` shows a listing rather than ``index.html``, so by
default links to page folders name ``index.html`` explicitly; ``pretty_urls: true`` in
site.yaml drops it for sites that are only ever served over HTTP.
"""

from __future__ import annotations

import posixpath

BUNDLE = "pagefind/"  # the search index's folder in the built site (see generator.search)


def relative(from_url: str, to_url: str, pretty: bool = False) -> str:
    """The link from the page at ``from_url`` (a folder URL) to ``to_url``."""
    start = posixpath.dirname(from_url.rstrip("/") + "/index.html") if from_url else "."
    is_folder = to_url == "" or to_url.endswith("/")
    target = to_url.rstrip("/") or "."
    link = posixpath.relpath(target, start or ".")
    if not is_folder:
        return link
    if pretty:
        return "./" if link == "." else link + "/"
    return "index.html" if link == "." else link + "/index.html"


def absolute(base_url: str, to_url: str) -> str:
    """``to_url`` under ``base_url`` (used for canonical links, feeds and the 404 page)."""
    return base_url.rstrip("/") + "/" + to_url
