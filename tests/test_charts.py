"""Trend charts on a unit's report list: inline SVG with a text alternative."""

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.charts import describe, report_charts
from generator.model import AnnualReport
from generator.report import ReportData, table3_rows

LEAVES = [row.key for row in table3_rows() if row.key]


def report(year: int, granted: int, refused: int, reviews: int) -> AnnualReport:
    table3 = {key: [0] * 7 for key in LEAVES}
    table3["granted"] = [granted, 0, 0, 0, 0, 0, granted]
    table3["state_secret"] = [refused, 0, 0, 0, 0, 0, refused]
    table3["new_received"] = [granted + refused - 1, 1, 0, 0, 0, 0, granted + refused]
    table4 = {
        "行政复议": [reviews, 0, 0, 0, reviews],
        "未经复议直接起诉": [0] * 5,
        "复议后起诉": [0] * 5,
    }
    data = ReportData(table3=table3, table4=table4)
    return AnnualReport(Path(f"{year}.yaml"), year, "报告", "u", dt.date(year + 1, 1, 20), data)


def test_charts_hold_every_year_and_figure():
    charts = report_charts([report(2025, 8, 2, 1), report(2024, 5, 0, 0)])
    outcomes, applicants, reviews = charts
    assert outcomes.years == [2024, 2025]
    assert dict(outcomes.series)["予以公开"] == [5, 8]
    assert dict(outcomes.series)["不予公开"] == [0, 2]
    assert dict(applicants.series) == {"自然人": [4, 9], "法人或其他组织": [1, 1]}
    assert dict(reviews.series)["行政复议"] == [0, 1]
    assert "2025年：予以公开8件，部分公开0件，不予公开2件" in describe(outcomes)


def test_svg_is_well_formed_and_labelled():
    chart = report_charts([report(2024, 5, 0, 0), report(2025, 8, 2, 1)])[0]
    root = ET.fromstring(chart.svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "申请办理结果（件）"
    assert "予以公开8件" in root.find(f"{ns}desc").text
    bars = [r for r in root.iter(f"{ns}rect") if float(r.get("height")) > 12]
    heights = sorted(float(r.get("height")) for r in bars)
    assert heights[-1] > heights[0]  # 8 is drawn taller than 5
