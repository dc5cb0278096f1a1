"""Markdown to safe HTML, with links to source files turned into page links.

Editors link to other documents by their source path (``../政策解读/某解读.md``) and to
files beside the document (images, spreadsheets); this module rewrites those links to the
pages and copied files of the built site. Plain prose is written directly
(:mod:`generator.prose`); other bodies go through Python-Markdown, whose raw HTML is
sanitised with nh3 unless the site opts out, so content can never inject script into a
page (:mod:`generator.converter`).
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from generator.links import inside, local_target, normal
from generator.prose import has_links, linked, prose_html
from generator.slugs import pinyin_initials, short_hash
from generator.urls import relative

if TYPE_CHECKING:
    from generator.converter import Converter


@dataclass
class Rendered:
    """The HTML of a body and what it needs from outside: files to copy, links that failed."""

    html: str
    assets: list[tuple[Path, str]] = field(default_factory=list)  # (source file, site URL)
    broken_links: list[str] = field(default_factory=list)


class PageLookup(Protocol):
    """Where the page made from a Markdown source is (a dict will do)."""

    def get(self, source: Path, /) -> str | None: ...


def self_contained(text: str) -> bool:
    """Whether the HTML of a body follows from its text alone: with no "[" and no "<" it
    has no link, image, footnote or raw HTML, so nothing is looked up in the site and no
    file is copied beside it (see MarkupRenderer.rewrite). Most bodies are such."""
    return "[" not in text and "<" not in text


class MarkupRenderer:
    """Renders the bodies of one build: plain prose directly, the rest with Markdown."""

    def __init__(
        self,
        pages: PageLookup,
        content_root: Path,
        *,
        pretty_urls: bool = False,
        allow_raw_html: bool = False,
        memo: dict | None = None,
    ):
        self.pages = pages
        self.content_root = content_root
        self.pretty_urls = pretty_urls
        self.allow_raw_html = allow_raw_html
        # (text digest, folder, page URL) -> (Rendered, how each local link resolved)
        self.memo = memo if memo is not None else {}
        self._current: _Context | None = None
        # serve and build --watch keep this renderer between rebuilds, which render every
        # body of a changed unit again to see which pages changed: the bodies of the last
        # few units are looked up by their text (its hash is kept in the string) rather
        # than made again, as the memo does for Markdown's. Bounded, for a cold build.
        self._prose = functools.lru_cache(maxsize=2048)(prose_html)

    @functools.cached_property
    def _converter(self) -> Converter:
        """Markdown, made for the first body that is not plain prose: a rebuild that
        renders only prose never imports nh3 and Markdown's extensions (30 ms)."""
        from generator.converter import Converter

        return Converter(self.rewrite)

    def render(self, text: str, source: Path, page_url: str) -> Rendered:
        """Render ``text`` (the body of ``source``) for the page at ``page_url``."""
        html = self._prose(text)
        if html is None:
            return self._render_markdown(text, source, page_url)
        # Plain prose, quicker to make than to look up. Its HTML holds no markup from
        # the text, so there is nothing to sanitise (the sanitiser leaves it as it is:
        # tests/test_prose.py); its links lead where Markdown's would.
        if not has_links(html):
            return Rendered(html)
        context = _Context(normal(source).parent, page_url, Rendered(""))
        context.result.html = self._rewriting(context, lambda: linked(html, self.rewrite))
        return context.result

    def _render_markdown(self, text: str, source: Path, page_url: str) -> Rendered:
        folder = normal(source).parent
        key = (hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest(), folder, page_url)
        cached = self.memo.get(key)
        if cached is not None and all(self._resolve(t, page_url) == r for t, r in cached[1]):
            return cached[0]
        context = _Context(folder, page_url, Rendered(""))
        html = self._rewriting(context, lambda: self._converter.convert(text))
        result = context.result
        if not self.allow_raw_html:
            from generator.converter import sanitise

            html = sanitise(html)
        result.html = html
        self.memo[key] = (result, context.resolutions)
        return result

    def _rewriting(self, context: _Context, make: Callable[[], str]) -> str:
        """``make()``, whose links rewrite() maps for the body and page of ``context``
        (it notes there the files to copy and the links that lead nowhere)."""
        self._current = context
        try:
            return make()
        finally:
            self._current = None

    def rewrite(self, href: str) -> str:
        """Map one link of the current body to its place in the built site."""
        context = self._current
        target = local_target(context.folder, href) if context else None
        if context is None or target is None:
            return href
        resolution = self._resolve(target, context.page_url)
        context.resolutions.append((target, resolution))
        kind, url = resolution
        if kind == "broken":
            context.result.broken_links.append(href)
            return href
        if kind == "asset":
            context.result.assets.append((target, url))
        fragment = urlsplit(href).fragment
        return relative(context.page_url, url, self.pretty_urls) + (
            f"#{fragment}" if fragment else ""
        )

    def _resolve(self, target: Path, page_url: str) -> tuple[str, str]:
        """Where a local link goes: another page, a file copied beside this page, or nowhere."""
        url = self.pages.get(target)
        if url is not None:
            return ("page", url)
        if not target.is_file() or target.suffix == ".md":
            return ("broken", "")
        if not inside(target, self.content_root):
            return ("broken", "")
        name = (pinyin_initials(target.stem) or short_hash(target.name)) + target.suffix.lower()
        return ("asset", posixpath.join(page_url, name))


@dataclass
class _Context:
    folder: Path
    page_url: str
    result: Rendered
    resolutions: list[tuple[Path, tuple[str, str]]] = field(default_factory=list)
