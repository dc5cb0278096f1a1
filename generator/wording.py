"""错敏词: wrong or outdated forms in government writing, and where they occur.

The list shipped in ``data/wording.yaml`` holds miswritten names, words that proofreaders
of official documents keep correcting, and organ names that institutional reform (2018
onwards) has retired. A site adds its own entries in site.yaml.

All wrong forms are searched for with one compiled alternation, longest first, so that a
longer entry wins over a shorter one it contains and a long file is read once. Two uses
of a wrong form are deliberate and not reported: inside its own right form, and after
“原” (“原国家工商行政管理总局”), which is how a document names an organ that no longer
exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.source import load_packaged_yaml

# Beside the code, as the annual-report format is (generator.report.FORMAT_FILE); read as
# a plain file: importlib.resources would load zipfile and tempfile on every run for it.
DATA_FILE = Path(__file__).parent / "data" / "wording.yaml"

# “原” marks a historical name, also before a level: 原市卫计委, 原县工商局. It does not when
# it ends a place name or word: 太原市工商局, 平原县环保局, 中原区, 草原局.
_HISTORICAL = re.compile(r"(?<![太平中五固镇九松清海开草高])原[省市县区州盟旗乡镇]?$")


@dataclass(frozen=True)
class WordingEntry:
    """A wrong form, the form to use instead, and why."""

    wrong: str
    right: str
    reason: str


@dataclass(frozen=True)
class WordingHit:
    """A wrong form found on a line (1-based) of a text."""

    line: int
    wrong: str
    right: str
    reason: str


def load_default_wording() -> list[WordingEntry]:
    """The list shipped with zfxxgk (a new list on every call, free to extend)."""
    return list(_default_wording())


@lru_cache(maxsize=1)
def _default_wording() -> tuple[WordingEntry, ...]:
    text = DATA_FILE.read_text(encoding="utf-8")
    return tuple(_entry(item) for item in load_packaged_yaml(text))


def _entry(item: object) -> WordingEntry:
    if not isinstance(item, dict) or set(item) != {"wrong", "right", "reason"}:
        raise ValueError(f"{DATA_FILE.name}: each entry needs wrong, right and reason: {item!r}")
    return WordingEntry(str(item["wrong"]), str(item["right"]), str(item["reason"]))


def find_wording(text: str, entries: Sequence[WordingEntry]) -> list[WordingHit]:
    """Every wrong form of ``entries`` in ``text``, in order of appearance.

    When two entries share a wrong form the later one wins, so a site's own entries
    appended after the shipped list override it.
    """
    return WordingMatcher(entries).find(text)


class WordingMatcher:
    """A list of entries made ready once, for searching many texts: the checker scans
    every published file, and looking the compiled list up again for each file (by the
    hash of every entry) was a large part of the scan's cost."""

    def __init__(self, entries: Sequence[WordingEntry]):
        self._pattern, self._by_wrong = _matcher(tuple(entries))

    def find(self, text: str) -> list[WordingHit]:
        """Every wrong form in ``text``, in order of appearance (see :func:`find_wording`)."""
        if self._pattern is None:
            return []
        hits: list[WordingHit] = []
        line, position = 1, 0
        for match in self._pattern.finditer(text):
            entry = self._by_wrong[match.group()]
            start = match.start()
            if _deliberate(text, start, match.end(), entry):
                continue
            line += text.count("\n", position, start)
            position = start
            hits.append(WordingHit(line, entry.wrong, entry.right, entry.reason))
        return hits


@lru_cache(maxsize=8)
def _matcher(
    entries: tuple[WordingEntry, ...],
) -> tuple[re.Pattern[str] | None, dict[str, WordingEntry]]:
    by_wrong = {entry.wrong: entry for entry in entries if entry.wrong}
    if not by_wrong:
        return None, by_wrong
    alternatives = sorted(by_wrong, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))), by_wrong


def _deliberate(text: str, start: int, end: int, entry: WordingEntry) -> bool:
    """Whether the wrong form found at ``start:end`` is meant, or part of another word."""
    if _HISTORICAL.search(text, max(0, start - 3), start):
        return True
    # “环境保护部门”, “国土资源部门”: a kind of department, not the former ministry.
    if entry.wrong.endswith("部") and text.startswith("门", end):
        return True
    return _inside_right(text, start, entry)


def _inside_right(text: str, start: int, entry: WordingEntry) -> bool:
    """Whether the wrong form at ``start`` is part of its own right form written out."""
    offset = entry.right.find(entry.wrong)
    while offset != -1:
        if offset <= start and text.startswith(entry.right, start - offset):
            return True
        offset = entry.right.find(entry.wrong, offset + 1)
    return False
