"""Chinese working days (工作日) for the deadline rules of the checker.

条例第二十六条 gives 20 working days to publish a document, and 政策解读 should follow its
document within 3 working days. A working day is not simply Monday to Friday: official
holidays close offices on weekdays and 调休 opens them on weekends, and both change every
year. The ``chinesecalendar`` package knows the arrangements the State Council has
published; site.yaml (``calendar:``) supplies the years it does not know yet. A year that
neither knows is an error, never a guess, because a weekends-only guess would silently
pass or fail documents around Spring Festival and 国庆.

Each year is turned once into a table of running counts, so a checker that asks about
100,000 documents does a few list look-ups per document.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

_KINDS = ("holidays", "workdays")


class CalendarError(Exception):
    """The working days of a year are not known, or site.yaml contradicts itself.

    ``str(exc)`` is a message for the editor; ``year`` is the year concerned.
    """

    def __init__(self, message: str, year: int):
        super().__init__(message)
        self.year = year


def _unknown_year(year: int) -> CalendarError:
    return CalendarError(
        f"缺少 {year} 年的节假日安排，无法计算工作日：请按国务院办公厅公布的 {year} 年部分节假日安排，"
        f"在 site.yaml 的 calendar: 下补充“{year}: {{holidays: [放假日期], workdays: [调休上班日期]}}”，"
        "或升级 chinesecalendar 软件包",
        year,
    )


@dataclass(frozen=True)
class _Year:
    """Running counts for one year: ``counts[i]`` is the number of working days among
    its first ``i`` days, so ``counts[0] == 0`` and ``counts[-1]`` is the year's total."""

    first: dt.date
    counts: tuple[int, ...]

    def through(self, day: dt.date) -> int:
        """Working days from 1 January up to and including ``day``."""
        return self.counts[(day - self.first).days + 1]

    def is_workday(self, day: dt.date) -> bool:
        index = (day - self.first).days
        return self.counts[index + 1] > self.counts[index]

    def nth(self, n: int) -> dt.date:
        """The ``n``-th working day of the year (1-based; ``n`` at most the total)."""
        index = bisect.bisect_left(self.counts, n)
        return self.first + dt.timedelta(days=index - 1)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days.

    ``years`` are described completely by site.yaml: there, days off are the weekends not
    listed in ``workdays`` plus the days listed in ``holidays``, whatever the package says.
    A date listed in ``holidays`` or ``workdays`` is taken as written in any year; other
    days of other years come from the package.
    """

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()
    _tables: dict[int, _Year] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Accept any iterable but keep the instance hashable.
        for name in ("holidays", "workdays", "years"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        both = sorted(self.holidays & self.workdays)
        if both:
            raise CalendarError(
                f"site.yaml 的 calendar: 中 {both[0].isoformat()} 既列为放假日期（holidays）"
                "又列为调休上班日期（workdays），请删去其中一处",
                both[0].year,
            )

    def is_workday(self, day: dt.date) -> bool:
        return self._table(day.year).is_workday(day)

    def workdays_after(self, start: dt.date, end: dt.date) -> int:
        """The number of working days ``d`` with ``start < d <= end`` (0 if ``end <= start``).

        A document written on ``start`` and published on ``end`` took this many working days.
        """
        if end <= start:
            return 0
        first = start + dt.timedelta(days=1)
        count = 0
        for year in range(first.year, end.year + 1):
            table = self._table(year)
            upper = table.through(end) if year == end.year else table.counts[-1]
            lower = table.through(start) if year == start.year else 0
            count += upper - lower
        return count

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The date that is ``count`` working days after ``start`` (``start`` itself for 0).

        For ``count > 0`` this is the last day of a deadline of ``count`` working days.
        """
        if count < 0:
            raise ValueError(f"count must not be negative, got {count}")
        if count == 0:
            return start
        first = start + dt.timedelta(days=1)
        year, remaining = first.year, count
        table = self._table(year)
        done = table.through(start) if start.year == year else 0
        while remaining > table.counts[-1] - done:
            remaining -= table.counts[-1] - done
            year, done = year + 1, 0
            table = self._table(year)
        return table.nth(done + remaining)

    def _table(self, year: int) -> _Year:
        table = self._tables.get(year)
        if table is None:
            table = self._tables[year] = self._build(year)
        return table

    def _build(self, year: int) -> _Year:
        first = dt.date(year, 1, 1)
        length = (dt.date(year + 1, 1, 1) - first).days if year < dt.MAXYEAR else 365
        if year not in self.years:
            try:
                chinese_calendar.is_workday(first)  # raises for a year it has no data for
            except NotImplementedError:
                raise _unknown_year(year) from None
        counts = [0]
        for offset in range(length):
            counts.append(counts[-1] + self._decide(first + dt.timedelta(days=offset)))
        return _Year(first, tuple(counts))

    def _decide(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year in self.years:
            return day.weekday() < 5
        # chinese_calendar.is_workday's own rule, read from its tables directly: the
        # function checks the year's range against every table entry on each call.
        if day in chinese_calendar.workdays:
            return True
        return day.weekday() < 5 and day not in chinese_calendar.holidays


def calendar_from_mapping(data: Mapping[int, Mapping[str, Iterable[dt.date]]]) -> WorkCalendar:
    """Build a calendar from site.yaml's ``calendar:``, e.g.
    ``{2027: {"holidays": [...], "workdays": [...]}}``; every year given is taken as
    completely described by its lists."""
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for year, spec in data.items():
        unknown = sorted(str(key) for key in spec if key not in _KINDS)
        if unknown:
            raise CalendarError(
                f"site.yaml 的 calendar: 下 {year} 年中的“{unknown[0]}”无法识别，"
                "只能填写 holidays（放假日期）和 workdays（调休上班日期）",
                int(year),
            )
        holidays.update(spec.get("holidays", ()))
        workdays.update(spec.get("workdays", ()))
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(map(int, data)))
