"""``zfxxgk report new <unit> <year>``: a complete annual-report file to fill in.

Every cell of the national format is written out. What the site can know is filled in:
table 二's 规章 and 行政规范性文件 counts from the unit's documents, and table 三's
上年结转 from last year's 结转下年度继续办理. Every other cell is ``~`` (not yet filled),
which the checker reports until the editor writes a number, so nothing is left at a
silent zero. An existing report is never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from generator import standard
from generator.model import Unit
from generator.report import national_format, table3_rows
from generator.report_rules import TABLE2_ROWS_COUNTED, count_documents

EMPTY = "~"
OVERVIEW = """\
  （一）主动公开
  （二）依申请公开
  （三）政府信息管理
  （四）政府信息公开平台建设
  （五）监督保障
"""


class ReportExists(Exception):
    """The report file is already there; it is the editor's, so it is left alone."""


def report_path(unit: Unit, year: int) -> Path:
    return unit.source.parent / standard.REPORTS.name / f"{year}.yaml"


def write_report_template(unit: Unit, year: int) -> Path:
    path = report_path(unit, year)
    if path.exists():
        raise ReportExists(f"{path} 已存在，为避免覆盖，未做任何修改")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_template(unit, year), encoding="utf-8")
    return path


def report_template(unit: Unit, year: int) -> str:
    form = national_format()
    lines = [
        f"# {unit.name}{year}年政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）",
        "# ~ 表示尚未填写：请把每个 ~ 改为数字，为 0 的填 0。列表中的数依次对应表格各列。",
        f"年度: {year}",
        "发布日期: ~        # 如 "
        + f"{year + 1}-01-20；政府部门应于次年1月31日前、人民政府应于次年3月31日前公布",
        f"{form['sections'][0]['title']}: |",
        OVERVIEW.rstrip("\n"),
        *_table2(unit, year, form),
        *_table3(unit, year, form),
        *_table4(form),
    ]
    for section in form["sections"][4:]:
        lines += [f"{section['title']}: |", "  （请填写）"]
    return "\n".join(lines) + "\n"


def _table2(unit: Unit, year: int, form: dict) -> list[str]:
    spec = form["table_2"]
    lines = [f"{spec['title']}:"]
    for band in spec["bands"]:
        for row in band["rows"]:
            counted = (
                count_documents(unit.documents, row, year) if row in TABLE2_ROWS_COUNTED else {}
            )
            cells = ", ".join(
                f"{column}: {len(counted[column]) if column in counted else EMPTY}"
                for column in band["columns"][1:]
            )
            note = "  # 按本站收录的文件统计，请核实" if counted else ""
            lines.append(f"  {row}: {{{cells}}}{note}")
    return lines


def _table3(unit: Unit, year: int, form: dict) -> list[str]:
    spec = form["table_3"]
    last = next((r for r in unit.reports if r.year == year - 1), None)
    carried = last.data.table3.get("carried_out") if last else None
    columns = "、".join(_column_labels(spec))
    lines = [f"{spec['title']}:", f"  # 每行 7 个数，依次为：{columns}"]
    for row in table3_rows():
        indent = "  " * (row.depth + 1)
        if row.key is None:
            lines.append(f"{indent}{row.label}:")
            continue
        if row.key == "carried_in" and carried:
            lines.append(
                f"{indent}{row.label}: {list(carried)}  # 即 {year - 1} 年报告的结转下年度继续办理"
            )
            continue
        lines.append(f"{indent}{row.label}: [{', '.join([EMPTY] * 7)}]")
    return lines


def _column_labels(spec: dict) -> list[str]:
    labels = []
    for column in spec["column_groups"][0]["columns"]:
        labels += [c["label"] for c in column.get("columns", [column])]
    return labels


def _table4(form: dict) -> list[str]:
    spec = form["table_4"]
    review, lawsuit = spec["column_groups"]
    blank = f"[{', '.join([EMPTY] * 5)}]"
    lines = [f"{spec['title']}:", f"  # 每组 5 个数，依次为：{'、'.join(review['columns'])}"]
    lines.append(f"  {review['label']}: {blank}")
    lines.append(f"  {lawsuit['label']}:")
    lines += [f"    {group['label']}: {blank}" for group in lawsuit["column_groups"]]
    return lines
