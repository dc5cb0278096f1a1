"""政府信息公开工作年度报告 in the national format (国办公开办函〔2021〕30号).

The format — section titles, the three tables, every row and column label — is read from
``data/annual_report_2021.yaml`` (a copy of the project spec), never retyped here. Editors'
labels are matched after normalisation, because real reports vary in typography
(1. / 1． / 1、, “ ” vs ", full- vs half-width brackets); pages always show the canonical form.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from generator.errors import Problems
from generator.source import LineDict, load_packaged_yaml

FORMAT_FILE = Path(__file__).parent / "data" / "annual_report_2021.yaml"
ZERO_FILL_KEY = "未填视为0"
TABLE3_WIDTH = 7
TABLE4_WIDTH = 5


@functools.lru_cache(maxsize=1)
def national_format() -> dict[str, Any]:
    """The national format as data (sections, table_2, table_3, table_4)."""
    return load_packaged_yaml(FORMAT_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=4096)
def normalise_label(label: str) -> str:
    """Fold the typographic variants of a label so that they compare equal."""
    text = unicodedata.normalize("NFKC", str(label))
    for quote in "“”„‟\"'‘’":
        text = text.replace(quote, '"')
    text = text.replace("、", ".").replace("．", ".")
    return "".join(text.split())


@dataclass(frozen=True)
class Table3Row:
    """One row of table 三 as the national format lays it out."""

    key: str | None  # None for group rows, which carry no numbers
    label: str
    depth: int  # 0 top level, 1 under 三、本年度办理结果, 2 under （三）…（六）
    path: tuple[str, ...]  # labels from the top, for lookup in the editor's data
    span: int = 1  # rows a group heading spans (its own leaves), for rowspan


@functools.lru_cache(maxsize=1)
def table3_rows() -> tuple[Table3Row, ...]:
    """The rows of table 三 in order, groups before their members."""
    rows: list[Table3Row] = []

    def walk(items: list[dict], depth: int, path: tuple[str, ...]) -> int:
        leaves = 0
        for item in items:
            here = (*path, item["label"])
            if "rows" in item:
                index = len(rows)
                rows.append(Table3Row(None, item["label"], depth, here))
                count = walk(item["rows"], depth + 1, here)
                rows[index] = Table3Row(None, item["label"], depth, here, count)
                leaves += count
            else:
                rows.append(Table3Row(item["key"], item["label"], depth, here))
                leaves += 1
        return leaves

    walk(national_format()["table_3"]["rows"], 0, ())
    return tuple(rows)


@functools.lru_cache(maxsize=1)
def table3_layout() -> tuple[tuple[Table3Row, tuple[Table3Row, ...]], ...]:
    """Leaf rows of table 三, each with the group headings whose rowspan starts on it."""
    layout = []
    pending: list[Table3Row] = []
    for row in table3_rows():
        if row.key is None:
            pending.append(row)
            continue
        layout.append((row, tuple(pending)))
        pending = []
    return tuple(layout)


@functools.lru_cache(maxsize=1)
def table3_columns() -> tuple[str, ...]:
    """The seven column labels of table 三, left to right."""
    labels = []
    for column in national_format()["table_3"]["column_groups"][0]["columns"]:
        if "columns" in column:
            labels.extend(sub["label"] for sub in column["columns"])
        else:
            labels.append(column["label"])
    return tuple(labels)


@dataclass
class ReportData:
    """Every cell of tables 二, 三 and 四, and the prose sections, of one report."""

    table2: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # row -> column -> value
    table3: dict[str, list[int]] = field(default_factory=dict)  # row key -> 7 values
    table4: dict[str, list[int]] = field(
        default_factory=dict
    )  # 行政复议 / 未经复议直接起诉 / 复议后起诉
    prose: dict[str, str] = field(default_factory=dict)  # section title -> Markdown
    lines: dict[str, int] = field(default_factory=dict)  # row key / label -> line in the file


class _Parser:
    """Reads one report file into ReportData, reporting each bad or missing cell."""

    def __init__(self, path: Path, data: LineDict, problems: Problems):
        self.path = path
        self.data = data
        self.problems = problems
        self.zero_fill = data.get(ZERO_FILL_KEY) is True
        self.index = {normalise_label(k): k for k in data}

    def parse(self) -> ReportData:
        result = ReportData()
        self.lines = result.lines
        self.lines["发布日期"] = self.data.line_of("发布日期")
        for section in national_format()["sections"]:
            if section["kind"] == "prose":
                result.prose[section["title"]] = self._prose(section["title"])
        result.table2 = self._table2()
        result.table3 = self._table3()
        result.table4 = self._table4()
        return result

    def _child(self, parent: LineDict, label: str, where: str) -> Any:
        """The value under ``label`` (matched after normalisation), or None if absent."""
        for key in parent:
            if normalise_label(key) == normalise_label(label):
                return parent[key]
        return None

    def _line(self, parent: LineDict, label: str) -> int:
        for key in parent:
            if normalise_label(key) == normalise_label(label):
                return parent.line_of(key)
        return parent.line

    def _missing(self, line: int, where: str) -> None:
        self.problems.error(
            self.path,
            line,
            f"缺少{where}；如确为 0，请填写 0，或在文件开头写“{ZERO_FILL_KEY}: true”",
        )

    def _prose(self, title: str) -> str:
        value = self._child(self.data, title, title)
        return "" if value is None else str(value)

    def _mapping(self, parent: LineDict, label: str, where: str) -> LineDict | None:
        value = self._child(parent, label, where)
        if value is None:
            if not self.zero_fill:
                self._missing(self._line(parent, label), where)
            return None
        if not isinstance(value, LineDict):
            self.problems.error(self.path, self._line(parent, label), f"“{where}”下应逐项填写")
            return None
        return value

    def _table2(self) -> dict[str, dict[str, Decimal]]:
        spec = national_format()["table_2"]
        table = self._mapping(self.data, spec["title"], spec["title"]) or LineDict()
        result: dict[str, dict[str, Decimal]] = {}
        for band in spec["bands"]:
            for row in band["rows"]:
                cells = self._mapping(table, row, f"{spec['title']} {row}") if table else None
                result[row] = {}
                self.lines[row] = self._line(table, row) if table else self.data.line
                for column in band["columns"][1:]:
                    where = f"表二 {row}“{column}”"
                    value = self._child(cells, column, where) if cells else None
                    line = self._line(cells, column) if cells else table.line
                    result[row][column] = self._number(
                        value, line, where, decimal=band["unit"] == "万元"
                    )
        return result

    def _table3(self) -> dict[str, list[int]]:
        spec = national_format()["table_3"]
        table = self._mapping(self.data, spec["title"], spec["title"]) or LineDict()
        result: dict[str, list[int]] = {}
        for row in table3_rows():
            if row.key is None:
                continue
            parent: LineDict | None = table
            for label in row.path[:-1]:
                parent = self._child(parent, label, label) if isinstance(parent, LineDict) else None
            where = f"表三“{row.label}”"
            value = self._child(parent, row.label, where) if isinstance(parent, LineDict) else None
            line = self._line(parent, row.label) if isinstance(parent, LineDict) else table.line
            self.lines[row.key] = line
            result[row.key] = self._numbers(value, TABLE3_WIDTH, line, where)
        return result

    def _table4(self) -> dict[str, list[int]]:
        spec = national_format()["table_4"]
        table = self._mapping(self.data, spec["title"], spec["title"]) or LineDict()
        review, lawsuit = spec["column_groups"]
        result = {
            review["label"]: self._numbers(
                self._child(table, review["label"], ""),
                TABLE4_WIDTH,
                self._line(table, review["label"]),
                f"表四“{review['label']}”",
            )
        }
        suits = self._child(table, lawsuit["label"], "")
        for group in lawsuit["column_groups"]:
            value = self._child(suits, group["label"], "") if isinstance(suits, LineDict) else None
            line = self._line(suits, group["label"]) if isinstance(suits, LineDict) else table.line
            self.lines[group["label"]] = line
            result[group["label"]] = self._numbers(
                value, TABLE4_WIDTH, line, f"表四“{lawsuit['label']}—{group['label']}”"
            )
        return result

    def _numbers(self, value: Any, width: int, line: int, where: str) -> list[int]:
        if value is None:
            if not self.zero_fill:
                self._missing(line, where)
            return [0] * width
        if not isinstance(value, list) or len(value) != width:
            self.problems.error(
                self.path, line, f"{where}应填写 {width} 个数（按表格各列顺序），实际为 {value!r}"
            )
            return [0] * width
        return [int(self._number(v, line, f"{where}第 {i + 1} 列")) for i, v in enumerate(value)]

    def _number(self, value: Any, line: int, where: str, decimal: bool = False) -> Decimal:
        if value is None:
            if not self.zero_fill:
                self._missing(line, where)
            return Decimal(0)
        if isinstance(value, bool):
            value = "?"
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal(-1)
        integral = number == number.to_integral_value()
        if number < 0 or (not decimal and not integral):
            kind = "不小于 0 的数" if decimal else "不小于 0 的整数"
            self.problems.error(self.path, line, f"{where}应为{kind}，实际为“{value}”")
            return Decimal(0)
        return number


def parse_report(path: Path, data: LineDict, problems: Problems) -> ReportData:
    """Read the national-format cells and prose of one report file."""
    return _Parser(path, data, problems).parse()
