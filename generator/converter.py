"""Python-Markdown as zfxxgk renders bodies with it, and the sanitiser for its HTML.

Only bodies that are more than plain prose come here (see :mod:`generator.prose`), so
this module, and Markdown, nh3 and their extensions with it, is imported on the first
such body: a rebuild that renders only prose never loads them.
"""

from __future__ import annotations

import functools
import sys
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor

from generator.prose import table_label

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


class Converter:
    """One reusable Markdown instance with our extensions (``reset()`` between bodies:
    it is costly to build)."""

    def __init__(self, rewrite: Callable[[str], str]):
        """``rewrite`` maps each link of the body at hand to its place in the built site."""
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
                _fenced_code_extension(),
                TocExtension(slugify=slugify_unicode),
                _LinkExtension(rewrite),
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


def _fenced_code_extension() -> Extension:
    """Python-Markdown's fenced code blocks, without Pygments.

    The extension's module imports ``codehilite``, which imports Pygments whenever it is
    installed (pytest, Pelican and rich bring it): 40 ms, a twentieth of a one-document
    rebuild at 10,000 documents, and each worker of a full build pays it again. Nothing
    here highlights code (``CodeHiliteExtension`` is not used, so a fenced block becomes
    ``<pre><code class="language-…">`` with or without Pygments): the import is made
    with Pygments hidden (``None`` in ``sys.modules`` makes importing it fail, which
    codehilite expects), unless something has loaded either already.
    """
    if "pygments" in sys.modules or "markdown.extensions.codehilite" in sys.modules:
        from markdown.extensions.fenced_code import FencedCodeExtension

        return FencedCodeExtension()
    sys.modules["pygments"] = None  # type: ignore[assignment]
    try:
        from markdown.extensions.fenced_code import FencedCodeExtension
    finally:
        del sys.modules["pygments"]
    return FencedCodeExtension()


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


class _LinkTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, rewrite: Callable[[str], str]):
        super().__init__(md)
        self.rewrite = rewrite

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, self.rewrite(value))
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
    def __init__(self, rewrite: Callable[[str], str]):
        super().__init__()
        self.rewrite = rewrite

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_LinkTreeprocessor(md, self.rewrite), "zfxxgk_links", 1)


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
