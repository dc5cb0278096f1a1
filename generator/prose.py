"""Plain prose straight to HTML: what Python-Markdown would make of it, without Markdown.

Most bodies of government documents are paragraphs and headings of Chinese text, with
a few words in bold (**人事科**：…). Python-Markdown takes about 2 ms to convert such a
body, nearly all of it spent trying block and inline rules that cannot match; it was
the largest single cost of a cold build (bench/README.md). For a body that holds only
paragraphs, ATX headings (``## 标题``) and bold words this module writes the same HTML
directly, about twenty times faster. For anything else it returns None and the body
goes to Markdown. tests/test_prose.py checks with random bodies that the HTML is
Markdown's, character for character, whenever this module gives one.

Each rule below follows one step of Python-Markdown (3.5 and later), named beside it.
"""

from __future__ import annotations

import re

from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions.toc import slugify_unicode, unique

# Anything that some block or inline rule of Markdown (or of our extensions: tables,
# footnotes, fenced code, the toc marker) could act on, that its serializer escapes, or
# that the sanitiser would write otherwise (no-break space as &nbsp;), once the bold
# words are set aside; and a space before a line end (two make a line break).
_SPECIAL = re.compile(r"[\\`*_\[\]<>&|~{}\t\r\x00-\x08\x0b-\x1f\xa0]| \n| $")
# Line starts that begin an indented code block, a list, a rule or a setext heading.
_BLOCK_STARTS = frozenset(" =+-")
_NUMBERED = re.compile(r"\d+\.")
# Bold words: ``**`` around text that begins and ends with a letter or digit, on one line.
_BOLD = re.compile(r"(?<!\*)\*\*([^\W_](?:[^*\n]*[^\W_])?)\*\*(?!\*)")
_HEADING = HashHeaderProcessor.RE


def prose_html(text: str) -> str | None:
    """The HTML of ``text`` as Python-Markdown writes it, or None if it is not plain prose."""
    if not text.strip():
        return ""  # Markdown.convert: a blank body has no HTML
    if not _is_prose(text):
        return None
    parts: list[str] = []
    ids: set[str] = set()
    counters: dict[str, int] = {}
    # NormalizeWhitespace adds two line ends; the block parser splits at blank lines (a
    # block's leading line ends, which EmptyBlockProcessor drops, the paragraph drops too).
    for block in (text + "\n\n").split("\n\n"):
        while block:
            # HashHeaderProcessor: a heading line anywhere in the block
            heading = _HEADING.search(block) if "#" in block else None
            if heading is None:
                _paragraph(block, parts)
                break
            _paragraph(block[: heading.start()], parts)
            title = heading.group("header").strip()
            if not title or "#" in title or "*" in title:
                return None
            level = len(heading.group("level"))
            # The toc extension's id: its slug of the heading text, made unique in the body.
            slug = unique(slugify_unicode(" ".join(title.split()), "-"), ids, counters)
            parts.append(f'<h{level} id="{slug}">{title}</h{level}>')
            block = block[heading.end() :]
    return "\n".join(parts)


def _is_prose(text: str) -> bool:
    if _SPECIAL.search(_BOLD.sub("字", text) if "*" in text else text):
        return False
    for line in text.split("\n"):
        start = line[:1]
        if start in _BLOCK_STARTS or (start.isdigit() and _NUMBERED.match(line)):
            return False
    return True


def _paragraph(block: str, parts: list[str]) -> None:
    """ParagraphProcessor: a block with any text is a paragraph, its first line's
    leading white space dropped."""
    if block.strip():
        text = block.lstrip()
        if "*" in text:
            text = _BOLD.sub(r"<strong>\1</strong>", text)
        parts.append(f"<p>{text}</p>")
