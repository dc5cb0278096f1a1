"""``zfxxgk check --fix``: assign missing 索引号, and change nothing else.

The number is the next serial for the document's unit and year (of 成文日期), after every
serial already used in the site. The line is written into the front matter in place: the
rest of the file, comments, key order and line endings included, stays byte for byte.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.config import SiteConfig
from generator.indexno import IndexPattern
from generator.model import Document, Site

_INDEX_LINE = re.compile(r"^(索引号|index_no)\s*:.*$")
_TITLE_LINE = re.compile(r"^(标题|title|名称)\s*:")


@dataclass(frozen=True)
class Assigned:
    path: Path
    index_no: str


def assign_index_numbers(site: Site, config: SiteConfig) -> list[Assigned]:
    """Write a 索引号 into every document that lacks one; return what was written."""
    pattern = IndexPattern(config.index_pattern)
    codes = {unit.key: unit.code for unit in site.units}
    used: dict[tuple[str, int], int] = defaultdict(int)
    for doc in site.documents:
        parsed = pattern.parse(doc.index_no) if doc.index_no else None
        if parsed is not None:
            key = (doc.unit_key, parsed.year or doc.written_date.year)
            used[key] = max(used[key], parsed.serial)
    assigned = []
    missing = sorted((d for d in site.documents if not d.index_no), key=_oldest_first)
    for doc in missing:
        key = (doc.unit_key, doc.written_date.year)
        used[key] += 1
        number = pattern.format(codes[doc.unit_key], doc.written_date, used[key])
        write_index_number(doc.source, number)
        assigned.append(Assigned(doc.source, number))
    return assigned


def write_index_number(path: Path, number: str) -> None:
    """Put ``索引号: number`` into the front matter of ``path``."""
    raw = path.read_bytes().decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in raw else "\n"
    lines = raw.split(newline)
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    entry = f"索引号: {number}"
    for i in range(1, end):
        if _INDEX_LINE.match(lines[i]):
            lines[i] = entry
            break
    else:
        lines.insert(_insert_position(lines, end), entry)
    bom = "\ufeff" if path.read_bytes().startswith(b"\xef\xbb\xbf") else ""
    path.write_bytes((bom + newline.join(lines)).encode("utf-8"))


def _insert_position(lines: list[str], end: int) -> int:
    """After a one-line 标题, else first in the front matter."""
    for i in range(1, end):
        if _TITLE_LINE.match(lines[i]):
            next_line = lines[i + 1] if i + 1 < end else ""
            if not next_line[:1].isspace():
                return i + 1
    return 1


def _oldest_first(doc: Document) -> tuple:
    return (doc.written_date, doc.publish_date, doc.source.as_posix())
