"""Markdown to safe HTML, with links to source files turned into page links.

Editors link to other documents by their source path (``../政策解读/某解读.md``) and to
files beside the document (images, spreadsheets); this module rewrites those links to the
pages and copied files of the built site. Raw HTML is sanitised with nh3 (the ammonia
library) unless the site opts out, so content can never inject script into a page.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor

from generator.links import inside, local_target, normal
from generator.prose import prose_html, table_label
from generator.slugs import pinyin_initials, short_hash
from generator.urls import relative

_TAGS = set(nh3.ALLOWED_TAGS) | {
    "div", "span", "sup", "sub", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "hr", "img", "figure", "figcaption", "del", "ins", "dl", "dt", "dd",
    "pre", "code", "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "ol", "ul", "li",
    "blockquote", "strong", "em", "abbr",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "div": {"tabindex", "role", "aria-label"},  # the table scroll box
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}


@dataclass
class Rendered:
    """The HTML of a body and what it needs from outside: files to copy, links that failed."""

    html: str
    assets: list[tuple[Path, str]] = field(default_factory=list)  # (source file, site URL)
    broken_links: list[str] = field(default_factory=list)


class PageLookup(Protocol):
    """Where the page made from a Markdown source is (a dict will do)."""

    def get(self, source: Path, /) -> str | None: ...


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
    def _converter(self) -> _Converter:
        """Markdown, made for the first body that is not plain prose: a rebuild that
        renders only prose never imports Markdown's extensions (fenced_code imports
        Pygments where it is installed, some 50 ms of a one-document build)."""
        return _Converter(self)

    def render(self, text: str, source: Path, page_url: str) -> Rendered:
        """Render ``text`` (the body of ``source``) for the page at ``page_url``."""
        html = self._prose(text)
        if html is not None:
            # Plain prose: no links or files, and quicker to make than to look up. Its
            # HTML holds no markup from the text, so there is nothing to sanitise (the
            # sanitiser leaves it as it is: tests/test_prose.py).
            return Rendered(html)
        return self._render_markdown(text, source, page_url)

    def _render_markdown(self, text: str, source: Path, page_url: str) -> Rendered:
        folder = normal(source).parent
        key = (hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest(), folder, page_url)
        cached = self.memo.get(key)
        if cached is not None and all(self._resolve(t, page_url) == r for t, r in cached[1]):
            return cached[0]
        self._current = _Context(folder, page_url, Rendered(""))
        html = self._converter.convert(text)
        context, self._current = self._current, None
        result = context.result
        result.html = html if self.allow_raw_html else sanitise(html)
        self.memo[key] = (result, context.resolutions)
        return result

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


class _Converter:
    """One reusable Markdown instance with our extensions (``reset()`` between bodies:
    it is costly to build)."""

    def __init__(self, renderer: MarkupRenderer):
        from markdown.extensions.fenced_code import FencedCodeExtension
        from markdown.extensions.footnotes import FootnoteExtension
        from markdown.extensions.sane_lists import SaneListExtension
        from markdown.extensions.tables import TableExtension

        self.md = markdown.Markdown(
            # Instances, not names: a name is looked up among the entry points of every
            # installed package, which took 65 ms of each build at 10,000 documents.
            extensions=[
                TableExtension(),
                FootnoteExtension(BACKLINK_TITLE="返回正文第 %d 处引用"),
                SaneListExtension(),
                FencedCodeExtension(),
                TocExtension(slugify=slugify_unicode),
                _LinkExtension(renderer),
            ],
            output_format="html",
        )
        self.toc = self.md.treeprocessors["toc"]
        self.inline = self.md.treeprocessors["inline"]
        self.patterns = InlinePatterns(self.md.inlinePatterns)
        # The block parser goes through its registry for every block, which re-checks
        # the order each time: the same processors in the same order as a tuple (4%).
        self.md.parser.blockprocessors = tuple(self.md.parser.blockprocessors)

    def convert(self, text: str) -> str:
        self.md.reset()
        self.toc.marker = _TOC_MARKER if _may_hold_toc_marker(text) else ""
        self.inline.inlinePatterns = self.patterns.select(text)
        return self.md.convert(text)


_TOC_MARKER = "[TOC]"  # the toc extension's default marker


def _may_hold_toc_marker(text: str) -> bool:
    """Whether a body can have the ``[TOC]`` paragraph that the toc extension replaces
    with a table of contents. Searching every paragraph of the tree for it is a twentieth
    of converting a body, and it is needed only if the text has the marker: Markdown's
    first step only drops its own control characters (STX, ETX) from the source."""
    return _TOC_MARKER in text.replace("\x02", "").replace("\x03", "")


# What an inline pattern of Python-Markdown cannot match without: its regular expression
# needs one of these in the text it looks at. That text is the body with Markdown's own
# placeholders put in (control characters, letters and digits), tabs made spaces and
# line ends made "\n", so a pattern whose strings are all missing from the body can
# never match in it. Patterns not named here (other extensions') are always tried.
_TRIGGERS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("[",),
    "image_reference": ("[",),
    "short_reference": ("[",),
    "short_image_ref": ("[",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n", "  \r", "\t"),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
}


class InlinePatterns:
    """Markdown's inline patterns, given to its inline processor as a tuple holding only
    those that can match in the body at hand.

    The processor tries every pattern on every piece of text, some 600 tries per body
    of plain Chinese prose that none of them matches; it also looks each pattern up
    through the registry, which re-checks its order every time. Together about 40% of
    the time Markdown takes per body, for the same HTML.
    """

    def __init__(self, registry: markdown.util.Registry):
        self.patterns = tuple(registry)
        self.needs: list[tuple[str, ...] | None] = [None] * len(self.patterns)
        for name, strings in _TRIGGERS.items():
            if name not in registry:
                continue
            index = registry.get_index_for_name(name)
            if type(self.patterns[index]).__module__.startswith("markdown."):
                self.needs[index] = strings
        self.strings = sorted({s for strings in self.needs if strings for s in strings})
        self.chosen: dict[frozenset[str], tuple] = {}

    def select(self, text: str) -> tuple:
        present = frozenset(s for s in self.strings if s in text)
        chosen = self.chosen.get(present)
        if chosen is None:
            chosen = self.chosen[present] = tuple(
                pattern
                for pattern, needs in zip(self.patterns, self.needs, strict=True)
                if needs is None or any(s in present for s in needs)
            )
        return chosen


@dataclass
class _Context:
    folder: Path
    page_url: str
    result: Rendered
    resolutions: list[tuple[Path, tuple[str, str]]] = field(default_factory=list)


class _LinkTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, renderer: MarkupRenderer):
        super().__init__(md)
        self.renderer = renderer

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, self.renderer.rewrite(value))
        for element in root.iter():
            if element.tag in ("th", "td"):
                _align_class(element)
        for element in root.iter("thead"):
            for cell in element.iter("th"):
                cell.set("scope", "col")
        # Wide tables scroll inside their own box on a phone instead of the whole page; the box
        # is focusable and labelled so that keyboard users can scroll it (WCAG 2.1.1).
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrapper = etree.Element("div", _scroll_box(child))
                    parent.remove(child)
                    wrapper.append(child)
                    parent.insert(index, wrapper)


def _align_class(cell: etree.Element) -> None:
    """Column alignment as a theme class: the pages' CSP forbids style="" attributes."""
    style = cell.attrib.pop("style", "").replace(" ", "").rstrip(";")
    if style in ("text-align:left", "text-align:center", "text-align:right"):
        cell.set("class", "align-" + style.split(":")[1])


def _scroll_box(table: etree.Element) -> dict[str, str]:
    """The attributes of a table's scroll box, labelled by its column headings (表格：…)."""
    label = table_label(["".join(th.itertext()) for th in table.iter("th")])
    return {"class": "table-scroll", "tabindex": "0", "role": "region", "aria-label": label}


class _LinkExtension(Extension):
    def __init__(self, renderer: MarkupRenderer):
        super().__init__()
        self.renderer = renderer

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_LinkTreeprocessor(md, self.renderer), "zfxxgk_links", 1)


def sanitise(html: str) -> str:
    """Strip script, event handlers and unknown tags from rendered HTML."""
    return _cleaner().clean(html)


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """One sanitiser for every body: nh3.clean() builds its rules again on each call,
    a quarter of what sanitising a body costs."""
    return nh3.Cleaner(
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )
