"""Plain prose straight to HTML: what Python-Markdown would make of it, without Markdown.

Most bodies of government documents are paragraphs, headings and numbered items of
Chinese text, with a few words in bold (**人事科**：…). Python-Markdown takes over a
millisecond to convert such a body, nearly all of it spent trying block and inline
rules that cannot match; it was the largest single cost of a cold build
(bench/README.md). For a body made only of paragraphs, ATX headings (``## 标题``),
numbered lists (``1. 事项``) and bold words this module writes the same HTML directly,
about ten times faster. For anything else it returns None and the body goes to
Markdown. tests/test_prose.py checks with random bodies that the HTML is Markdown's,
character for character, whenever this module gives one.

Each rule below follows one step of Python-Markdown (3.5 and later, with the
sane_lists and toc extensions), named beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions.toc import slugify_unicode, unique

# Anything that some block or inline rule of Markdown (or of our extensions: tables,
# footnotes, fenced code, the toc marker) could act on, that its serializer escapes, or
# that the sanitiser would write otherwise (no-break space as &nbsp;), once the bold
# words are set aside; and a space before a line end (two make a line break).
_SPECIAL = re.compile(r"[\\`*_\[\]<>&|~{}\t\r\x00-\x08\x0b-\x1f\xa0]| \n| $")
# Line starts that begin an indented code block, a bulleted list, a rule, a setext
# heading or (inside a list item) a heading.
_LINE_STARTS = frozenset(" =+-")
_ITEM_STARTS = _LINE_STARTS | {"#"}
# Bold words: ``**`` around text on one line that neither begins nor ends with white space.
_BOLD = re.compile(r"(?<!\*)\*\*([^\s*](?:[^*\n]*[^\s*])?)\*\*(?!\*)")
_HEADING = HashHeaderProcessor.RE
_ITEM = re.compile(r"(\d+)\.[ ]+(.*)")  # OListProcessor.RE and SaneOListProcessor.CHILD_RE


@dataclass
class _List:
    """An ordered list while its blocks are read: a later list block continues it."""

    start: str
    items: list[list] = field(default_factory=list)  # [text, loose]

    def html(self) -> str:
        start = "" if self.start == "1" else f' start="{self.start}"'
        items = (
            f"<li>\n<p>{text}</p>\n</li>" if loose else f"<li>{text}</li>"
            for text, loose in self.items
        )
        return f"<ol{start}>\n" + "\n".join(items) + "\n</ol>"


def prose_html(text: str) -> str | None:
    """The HTML of ``text`` as Python-Markdown writes it, or None if it is not plain prose."""
    if not text.strip():
        return ""  # Markdown.convert: a blank body has no HTML
    if not _is_prose(text):
        return None
    parts: list[str | _List] = []
    ids: set[str] = set()
    counters: dict[str, int] = {}
    # NormalizeWhitespace adds two line ends; the block parser splits at blank lines;
    # EmptyBlockProcessor drops the line ends a block starts with.
    for block in (text + "\n\n").split("\n\n"):
        block = block.lstrip("\n")
        while block:
            # HashHeaderProcessor: a heading line anywhere in the block; the lines before
            # it are a block of their own, those after it the next block.
            heading = _HEADING.search(block) if "#" in block else None
            before = block if heading is None else block[: heading.start()]
            if not _block(before, parts):
                return None
            if heading is None:
                break
            title = heading.group("header").strip()
            if not title or "#" in title or "*" in title:
                return None
            level = len(heading.group("level"))
            # The toc extension's id: its slug of the heading text, made unique in the body.
            slug = unique(slugify_unicode(" ".join(title.split()), "-"), ids, counters)
            parts.append(f'<h{level} id="{slug}">{title}</h{level}>')
            block = block[heading.end() :]
    return "\n".join(part if isinstance(part, str) else part.html() for part in parts)


def _is_prose(text: str) -> bool:
    if _SPECIAL.search(_BOLD.sub(r"\1", text) if "*" in text else text):
        return False
    return not any(line[:1] in _LINE_STARTS for line in text.split("\n"))


def _block(block: str, parts: list[str | _List]) -> bool:
    """A block (or the part of one before a heading): a list or a paragraph. False
    when it is a list this module does not make."""
    if _ITEM.match(block):  # OListProcessor.test
        return _list(block, parts)
    if block.strip():  # ParagraphProcessor; its first line's leading white space dropped
        parts.append(f"<p>{_bold(block.lstrip())}</p>")
    return True


def _list(block: str, parts: list[str | _List]) -> bool:
    """OListProcessor (sane_lists): every line must be an item of plain text."""
    items = []
    for line in block.split("\n"):
        item = _ITEM.fullmatch(line)
        if item is None:
            return False  # a lazy continuation line, added to the item before
        words = item.group(2).lstrip()
        if not words or words[0] in _ITEM_STARTS or _ITEM.match(words):
            return False  # an empty item, or one whose text is a block of another kind
        items.append([_bold(words), False])
    last = parts[-1] if parts else None
    if not isinstance(last, _List):
        parts.append(_List(start=_ITEM.match(block).group(1), items=items))
        return True
    # A list block after a blank line continues the list above it: the item before the
    # gap and the first item after it become loose (their text a paragraph).
    last.items[-1][1] = True
    items[0][1] = True
    last.items.extend(items)
    return True


def _bold(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", text) if "*" in text else text
