"""Where a build's time went, phase by phase (``zfxxgk build --timings``).

A platform that builds 100,000 documents wants to know whether the minutes go to
reading, checking, writing pages or the search index before it tunes anything. Each
phase is timed exclusively: a phase inside another (the search index is made while the
pages are written) pauses the outer one, so the phases add up to the run.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

# The phases in the order a build goes through them, with the names the CLI shows.
PHASES = {
    "snapshot": "盘点文件",
    "restore": "加载程序和缓存",
    "read": "读取内容",
    "link": "关联解读",
    "check": "合规检查",
    "render": "生成页面",
    "index": "搜索索引",
    "store": "保存缓存",
}


@dataclass
class Timings:
    """Seconds spent in each phase of one run, by phase name (see PHASES)."""

    seconds: dict[str, float] = field(default_factory=dict)
    _open: list[tuple[str, float]] = field(default_factory=list)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as phase ``name``; an enclosing phase does not count it."""
        now = time.perf_counter()
        if self._open:
            outer, since = self._open[-1]
            self._add(outer, now - since)
        self._open.append((name, now))
        try:
            yield
        finally:
            _, since = self._open.pop()
            end = time.perf_counter()
            self._add(name, end - since)
            if self._open:
                self._open[-1] = (self._open[-1][0], end)

    def _add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
