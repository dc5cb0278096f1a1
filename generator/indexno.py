"""索引号 (index number): format and parse by the site's pattern.

No national 索引号 standard exists (rules.md §4 "索引号 formats"); the project default is the
gov.cn style ``{code}/{year}-{serial:05d}`` with the organ's 统一社会信用代码, and a site may
set its own pattern in site.yaml from the placeholders {code}, {year}, {month}, {serial}.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass

_FIELDS = {
    "code": r"(?P<code>[0-9A-Za-z-]+?)",
    "year": r"(?P<year>\d{4})",
    "month": r"(?P<month>\d{2})",
}


@dataclass(frozen=True)
class IndexNumber:
    """A parsed 索引号."""

    code: str
    year: int | None
    serial: int


class IndexPattern:
    """A site's 索引号 pattern, e.g. ``{code}/{year}-{serial:05d}``."""

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._regex = re.compile("^" + self._to_regex(pattern) + "$")

    @staticmethod
    def _to_regex(pattern: str) -> str:
        parts = []
        for literal, name, spec, _ in string.Formatter().parse(pattern):
            parts.append(re.escape(literal))
            if name is None:
                continue
            if name == "serial":
                width = re.search(r"0?(\d+)d", spec or "")
                digits = f"{{{width.group(1)}}}" if width else "+"
                parts.append(rf"(?P<serial>\d{digits})")
            else:
                parts.append(_FIELDS[name])
        return "".join(parts)

    def format(self, code: str, date: dt.date, serial: int) -> str:
        return self.pattern.format(
            code=code, year=date.year, month=f"{date.month:02d}", serial=serial
        )

    def parse(self, text: str) -> IndexNumber | None:
        match = self._regex.match(text)
        if match is None:
            return None
        groups = match.groupdict()
        year = groups.get("year")
        return IndexNumber(
            code=groups.get("code") or "",
            year=int(year) if year else None,
            serial=int(groups["serial"]) if groups.get("serial") else 0,
        )

    def example(self) -> str:
        return self.format("11999900MB0000001X", dt.date(2025, 3, 1), 12)
