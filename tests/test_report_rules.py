"""Annual-report invariants: consistent reports pass, any single wrong cell is caught."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator import report_rules
from generator.model import AnnualReport, Category, Document, Site, Unit
from generator.report import ReportData, table3_rows

LEAVES = [row.key for row in table3_rows() if row.key]
RESULT_KEYS = LEAVES[LEAVES.index("granted") : LEAVES.index("results_total")]


class Collector:
    def __init__(self, site):
        self.site = site
        self.messages: list[str] = []

    def report(self, path, line, message):
        self.messages.append(message)


def consistent_table3(draw) -> dict[str, list[int]]:
    """Draw results and carry-over per column, then derive every total from them."""
    small = st.integers(min_value=0, max_value=30)
    table = {key: [draw(small) for _ in range(6)] for key in RESULT_KEYS}
    table["carried_out"] = [draw(small) for _ in range(6)]
    table["results_total"] = [sum(table[key][c] for key in RESULT_KEYS) for c in range(6)]
    table["carried_in"] = [
        draw(st.integers(0, table["results_total"][c] + table["carried_out"][c])) for c in range(6)
    ]
    table["new_received"] = [
        table["results_total"][c] + table["carried_out"][c] - table["carried_in"][c]
        for c in range(6)
    ]
    return {key: values + [sum(values)] for key, values in table.items()}


@st.composite
def reports(draw) -> ReportData:
    data = ReportData(table3=consistent_table3(draw))
    for group in ("行政复议", "未经复议直接起诉", "复议后起诉"):
        values = [draw(st.integers(0, 20)) for _ in range(4)]
        data.table4[group] = values + [sum(values)]
    return data


def run(rule, data: ReportData, level="部门", documents=(), extra_reports=()):
    unit = Unit("甲", Path("甲/_unit.yaml"), "甲局", "X", level, "j", "zfxxgk/j/")
    unit.reports = [
        AnnualReport(Path("2025.yaml"), 2025, "报告", "u", dt.date(2026, 1, 20), data),
        *extra_reports,
    ]
    if documents:
        unit.categories = [
            Category("行政规范性文件", "gfxwj", "u/", Path("c"), documents=list(documents))
        ]
    collector = Collector(Site([unit], "zfxxgk/"))
    rule(collector)
    return collector.messages


@settings(max_examples=60, deadline=None)
@given(reports())
def test_consistent_reports_pass(data):
    assert run(report_rules.table3_arithmetic, data) == []
    assert run(report_rules.table4_totals, data) == []


@settings(max_examples=80, deadline=None)
@given(reports(), st.data())
def test_any_single_cell_change_is_caught(data, draw):
    table = draw.draw(st.sampled_from(["table3", "table4"]))
    cells = getattr(data, table)
    key = draw.draw(st.sampled_from(sorted(cells)))
    column = draw.draw(st.integers(0, len(cells[key]) - 1))
    cells[key][column] += draw.draw(st.sampled_from([1, 2, 7]))
    rule = report_rules.table3_arithmetic if table == "table3" else report_rules.table4_totals
    assert run(rule, data) != []


def test_balance_message_names_the_column_and_numbers():
    data = ReportData(table3={key: [0] * 7 for key in LEAVES})
    data.table3["new_received"] = [1, 0, 0, 0, 0, 0, 1]
    messages = run(report_rules.table3_arithmetic, data)
    assert (
        "表三“自然人”列：一、本年新收 + 二、上年结转 = 1，应等于 三（七）总计 + 四、结转下年度继续办理 = 0"
        in messages
    )


def test_carry_over_across_years():
    last = ReportData(table3={key: [0] * 7 for key in LEAVES})
    last.table3["carried_out"] = [2, 0, 0, 0, 0, 0, 2]
    now = ReportData(table3={key: [0] * 7 for key in LEAVES})
    previous = AnnualReport(Path("2024.yaml"), 2024, "报告", "u", dt.date(2025, 1, 20), last)
    messages = run(report_rules.across_years, now, extra_reports=[previous])
    assert any(
        "二、上年结转 0 与 2024 年报告的“四、结转下年度继续办理” 2 不一致" in m for m in messages
    )


def test_in_force_count_across_years():
    row = {"本年制发件数": Decimal(2), "本年废止件数": Decimal(1), "现行有效件数": Decimal(9)}
    now = ReportData(table2={"行政规范性文件": row})
    last = ReportData(table2={"行政规范性文件": {**row, "现行有效件数": Decimal(10)}})
    previous = AnnualReport(Path("2024.yaml"), 2024, "报告", "u", dt.date(2025, 1, 20), last)
    [message] = run(report_rules.across_years, now, extra_reports=[previous])
    assert "应为 11" in message


def doc(title, written, validity="有效", repealed=None):
    return Document(
        Path(f"{title}.md"),
        "甲",
        "行政规范性文件",
        title,
        "u/",
        dt.date.fromisoformat(written),
        dt.date.fromisoformat(written),
        validity=validity,
        repeal_date=dt.date.fromisoformat(repealed) if repealed else None,
        genre="行政规范性文件",
    )


def test_table_two_is_compared_with_the_documents_counted():
    documents = [
        doc("甲办法", "2025-03-01"),
        doc("乙办法", "2023-05-01", "废止", "2025-06-01"),
        doc("丙办法", "2024-01-01"),
    ]
    counted = report_rules.count_documents(documents, "行政规范性文件", 2025)
    assert [d.title for d in counted["本年制发件数"]] == ["甲办法"]
    assert [d.title for d in counted["本年废止件数"]] == ["乙办法"]
    assert sorted(d.title for d in counted["现行有效件数"]) == ["丙办法", "甲办法"]
    row = {"本年制发件数": Decimal(1), "本年废止件数": Decimal(1), "现行有效件数": Decimal(5)}
    messages = run(
        report_rules.derived_from_content,
        ReportData(table2={"行政规范性文件": row}),
        documents=documents,
    )
    assert messages == [
        "表二“行政规范性文件”现行有效件数填写 5，本站收录的文件统计为 2（《甲办法》、《丙办法》）"
    ]


def test_deadline_by_level():
    data = ReportData()
    late = AnnualReport(Path("2025.yaml"), 2025, "报告", "u", dt.date(2026, 2, 10), data)
    unit = Unit("甲", Path("甲/_unit.yaml"), "甲局", "X", "部门", "j", "zfxxgk/j/", reports=[late])
    collector = Collector(Site([unit], ""))
    report_rules.deadline(collector)
    assert collector.messages == [
        "政府部门的2025年度报告应于 2026-01-31 前公布，发布日期为 2026-02-10"
    ]
    unit.level = "政府"
    collector.messages.clear()
    report_rules.deadline(collector)
    assert collector.messages == []
