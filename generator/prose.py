"""Plain prose straight to HTML: what Python-Markdown would make of it, without Markdown.

Most bodies of government documents are paragraphs, headings, numbered items and
tables of Chinese text, with a few words in bold (**人事科**：…) and links to other
documents or files (a 政策解读 links the policy it explains). Python-Markdown takes over
a millisecond to convert such a body, nearly all of it spent trying block and inline
rules that cannot match; it was the largest single cost of a cold build
(bench/README.md). For a body made only of paragraphs, ATX headings (``## 标题``),
numbered and bulleted lists (``1. 事项``, ``- 事项``), tables, bold words and plain
links (``[办法](../行政规范性文件/办法.md)``), this module writes the same HTML
directly, about seven times faster. For anything else (images, code, quotes, raw
HTML, footnotes, ...) it returns None and the body goes to Markdown.
tests/test_prose.py checks with random bodies that the HTML is Markdown's, character
for character, whenever this module gives one.

Each rule below follows one step of Python-Markdown 3.11 with the sane_lists, tables
and toc extensions (and the table box of generator.markup), named beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.links import SCHEME

# Anything that some block or inline rule of Markdown (or of our extensions: tables,
# footnotes, fenced code, the toc marker) could act on, that its serializer escapes, or
# that the sanitiser would write otherwise (no-break space as &nbsp;), once the bold
# words are set aside; and a space before a line end (two make a line break).
_SPECIAL = re.compile(r"[\\`*_\[\]<>&~{}\t\r\x00-\x08\x0b-\x1f\xa0]| \n| $")
# A line that is a rule or a setext heading's underline (``+++`` is neither, but goes to
# Markdown all the same).
_RULE_STARTS = "-=+*_"
_RULE = re.compile(r"[-=+*_][-=+*_ ]*")
# What an item's text may not begin with: it would be a heading, a list or a rule inside it.
_ITEM_STARTS = frozenset("#-+=")
# Bold words: ``**`` around text on one line (in one table cell) that neither begins nor
# ends with white space.
_BOLD = re.compile(r"(?<!\*)\*\*([^\s*|](?:[^*\n|]*[^\s*|])?)\*\*(?!\*)")
# A heading line anywhere in a block: HashHeaderProcessor.RE, written out here so that a
# rebuild whose bodies are all prose never loads Markdown (30 ms of a 0.5 s run);
# tests/test_prose.py checks that it is still Markdown's.
_HEADING = re.compile(
    r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)"
)
# The toc extension's slug (slugify_unicode): characters other than word characters,
# spaces and hyphens dropped, runs of spaces and hyphens made one hyphen.
_SLUG_DROPPED = re.compile(r"[^\w\s-]")
_SLUG_SEPARATORS = re.compile(r"[-\s]+")
_NUMBERED_ID = re.compile(r"^(.*)_([0-9]+)$")
# An inline link of plain words to a plain address (LinkInlineProcessor): no title, no
# angle brackets, nothing in either part that another rule or the serializer would
# change; not after "!" (an image).
_LINK = re.compile(r"(?<!!)\[([^\[\]\n*()]+)\]\(([^\s()<>\"'\[\]\\`*&|{}\x00-\x1f]+)\)")
# prose_html leaves each link's address between these marks (which no prose holds) for
# linked() to put the address it leads to in the built site in their place.
_ADDRESS = re.compile("\x01([^\x02]*)\x02")
# The items of numbered and of bulleted lists, as OListProcessor.RE and the sane_lists
# CHILD_REs take them (bullets other than ``*``, which is taken for bold or left to Markdown).
_ITEMS = {"ol": re.compile(r"(\d+)\.[ ]+(.*)"), "ul": re.compile(r"([-+])[ ]+(.*)")}


@dataclass
class _List:
    """A list while its blocks are read: a later block of the same kind continues it."""

    tag: str  # ol or ul
    start: str
    items: list[list] = field(default_factory=list)  # [text, loose]

    def html(self) -> str:
        start = "" if self.tag == "ul" or self.start == "1" else f' start="{self.start}"'
        items = (
            f"<li>\n<p>{text}</p>\n</li>" if loose else f"<li>{text}</li>"
            for text, loose in self.items
        )
        return f"<{self.tag}{start}>\n" + "\n".join(items) + f"\n</{self.tag}>"


def prose_html(text: str) -> str | None:
    """The HTML of ``text`` as Python-Markdown writes it, or None if it is not plain prose.

    Links keep their addresses as the editor wrote them, marked for :func:`linked`.
    """
    if not text.strip():
        return ""  # Markdown.convert: a blank body has no HTML
    if not _is_prose(text):
        return None
    parts: list[str | _List | _Table] = []
    ids: set[str] = set()
    # NormalizeWhitespace adds two line ends; the block parser splits at blank lines;
    # EmptyBlockProcessor drops the line ends a block starts with.
    for block in (text + "\n\n").split("\n\n"):
        block = block.lstrip("\n")
        while block:
            table = _table(block)  # TableProcessor: the whole block, before any heading rule
            if table is not None:
                parts.append(table)
                break
            # HashHeaderProcessor: a heading line anywhere in the block; the lines before
            # it are a block of their own, those after it the next block.
            heading = _HEADING.search(block) if "#" in block else None
            before = block if heading is None else block[: heading.start()]
            if not _block(before, parts):
                return None
            if heading is None:
                break
            title = heading.group("header").strip()
            if not title or "#" in title or "*" in title or "[" in title:
                return None
            level = len(heading.group("level"))
            slug = heading_id(" ".join(title.split()), ids)
            parts.append(f'<h{level} id="{slug}">{title}</h{level}>')
            block = block[heading.end() :]
    return _joined(parts)


def heading_id(title: str, ids: set[str]) -> str:
    """The id the toc extension gives a heading: its slug, made unique among ``ids``
    (the ids given so far in the body, which it joins) with a numeric suffix."""
    slug = _SLUG_SEPARATORS.sub("-", _SLUG_DROPPED.sub("", title).strip().lower())
    if slug in ids or not slug:
        numbered = _NUMBERED_ID.match(slug)
        base, count = (numbered[1], int(numbered[2])) if numbered else (slug, 0)
        count += 1
        while f"{base}_{count}" in ids:
            count += 1
        slug = f"{base}_{count}"
    ids.add(slug)
    return slug


def _joined(parts: list[str | _List | _Table]) -> str:
    """The parts one to a line, as the prettify step sets them out; the box that
    generator.markup puts round a table comes after that step, so nothing follows it."""
    out = []
    for part in parts:
        out.append(part if isinstance(part, str) else part.html())
        out.append("" if isinstance(part, _Table) else "\n")
    return "".join(out).rstrip("\n")


def has_links(html: str) -> bool:
    """Whether ``html`` of prose_html has a link, whose address :func:`linked` sets."""
    return "\x01" in html


def linked(html: str, address: Callable[[str], str]) -> str:
    """``html`` of prose_html with each link's address replaced by ``address(it)``,
    escaped as Markdown's serializer escapes an attribute."""
    if not has_links(html):
        return html
    return _ADDRESS.sub(lambda mark: _attribute(address(mark.group(1))), html)


def _attribute(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _is_prose(text: str) -> bool:
    """Whether nothing in ``text`` is Markdown beyond what this module writes."""
    if "[" in text:
        text = _LINK.sub(_link_words, text)
    if _SPECIAL.search(_BOLD.sub(r"\1", text) if "*" in text else text):
        return False
    # No indented line (code, or a list item's continuation), and no line that is a rule
    # or an underline (HRProcessor and SetextHeaderProcessor look at every line).
    lines = "\n" + text
    if "\n " in lines:
        return False
    if not any("\n" + start in lines for start in _RULE_STARTS):
        return True
    return not any(_RULE.fullmatch(line) for line in text.split("\n"))


def _block(block: str, parts: list[str | _List | _Table]) -> bool:
    """A block (or the part of one before a heading): a list or a paragraph. False
    when it is a list this module does not make, or holds a pipe outside a table."""
    if "|" in block:
        return False
    if block[:1].isdigit() or block[:1] in ("-", "+"):
        for tag, item in _ITEMS.items():
            if item.match(block):  # OListProcessor.test, UListProcessor.test
                return _list(tag, block, parts)
    if block.strip():  # ParagraphProcessor; its first line's leading white space dropped
        parts.append(f"<p>{_inline(block.lstrip())}</p>")
    return True


def _list(tag: str, block: str, parts: list[str | _List | _Table]) -> bool:
    """OListProcessor (sane_lists): every line must be an item of plain text."""
    items = []
    for line in block.split("\n"):
        item = _ITEMS[tag].fullmatch(line)
        if item is None:
            return False  # a lazy continuation line, or the other kind of list
        words = item.group(2).lstrip()
        if not words or words[0] in _ITEM_STARTS or _ITEMS["ol"].match(words):
            return False  # an empty item, or one whose text is a block of another kind
        items.append([_inline(words), False])
    last = parts[-1] if parts else None
    if not isinstance(last, _List) or last.tag != tag:
        parts.append(_List(tag, _ITEMS[tag].match(block).group(1), items))
        return True
    # A list block after a blank line continues the list above it: the item before the
    # gap and the first item after it become loose (their text a paragraph).
    last.items[-1][1] = True
    items[0][1] = True
    last.items.extend(items)
    return True


@dataclass
class _Table:
    """A table: alignment per column, header cells, body rows (cells already inline)."""

    align: list[str]
    header: list[str]
    rows: list[list[str]]

    def html(self) -> str:
        label = table_label([_BOLD.sub(r"\1", cell) for cell in self.header])
        label = label.replace('"', "&quot;")  # the serializer's escape (no & < > here)
        width = len(self.align)
        lines = [
            f'<div aria-label="{label}" class="table-scroll" role="region" tabindex="0"><table>',
            "<thead>",
            _row("th", self.header, self.align),
            "</thead>",
            "<tbody>",
            *(_row("td", row, self.align) for row in self.rows),
            *([] if self.rows else [_row("td", [""] * width, [""] * width)]),  # no body rows
            "</tbody>",
            "</table>",
            "</div>",
        ]
        return "\n".join(lines)


def table_label(headings: list[str]) -> str:
    """The accessible name of a table's scroll box: 表格： and its first three column
    headings (generator.markup labels the boxes Markdown's tables go in by this too)."""
    first = [heading.strip() for heading in headings[:3]]
    return "表格：" + "、".join(h for h in first if h) if any(first) else "表格"


def _row(tag: str, cells: list[str], align: list[str]) -> str:
    scope = ' scope="col"' if tag == "th" else ""
    out = ["<tr>"]
    for cell, side in zip(cells, align, strict=True):
        attributes = (f' class="align-{side}"' if side else "") + scope
        out.append(f"<{tag}{attributes}>{_bold(cell)}</{tag}>")
    out.append("</tr>")
    return "\n".join(out)


def _table(block: str) -> _Table | None:
    """TableProcessor, and the alignment classes of generator.markup; None when its test
    fails: a table needs a header row of more than one cell (or one cell between pipes,
    all rows having a pipe at an end) and a separator row of as many cells."""
    if "|" not in block or "[" in block:  # a link in a table goes to Markdown
        return None
    rows = [row.strip(" ") for row in block.split("\n")]
    if len(rows) < 2 or "|" not in rows[0]:
        return None
    border = rows[0].startswith("|") or rows[0].endswith("|")
    header = _cells(rows[0], border)
    bordered = all(row.startswith("|") or row.endswith("|") for row in rows[1:])
    if len(header) == 1 and not (border and bordered):
        return None
    separator = _cells(rows[1], border)
    if len(separator) != len(header) or not set("".join(separator)) <= set(":- "):
        return None
    align = [_side(cell.strip(" ")) for cell in separator]
    width = len(align)

    def cells(row: str) -> list[str]:
        found = [cell.strip(" ") for cell in _cells(row, border)][:width]
        return found + [""] * (width - len(found))

    return _Table(align, cells(rows[0]), [cells(row) for row in rows[2:]])


def _cells(row: str, border: bool) -> list[str]:
    """TableProcessor._split_row for a row without backslashes or backticks."""
    if border:
        row = row[1:] if row.startswith("|") else row
        row = row[:-1] if row.endswith("|") else row
    return row.split("|")


def _side(separator: str) -> str:
    if separator.startswith(":") and separator.endswith(":"):
        return "center"
    if separator.startswith(":"):
        return "left"
    return "right" if separator.endswith(":") else ""


def _link_words(link: re.Match[str]) -> str:
    """A link's words, to be looked at as the rest of the text; a bracket (which the
    check refuses) if its address is one the sanitiser would drop or change: only web
    addresses and paths within the site are taken."""
    address = link.group(2)
    if address.startswith("//") or (
        SCHEME.match(address) and not address.startswith(("http://", "https://"))
    ):
        return "["
    return link.group(1)


def _inline(text: str) -> str:
    """Links, then bold words (Markdown's inline order: a link is set aside first)."""
    if "[" in text:
        text = _LINK.sub(
            lambda link: f'<a href="\x01{link.group(2)}\x02">{link.group(1)}</a>', text
        )
    return _bold(text)


def _bold(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", text) if "*" in text else text
