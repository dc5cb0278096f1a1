"""Checker rules for the annual report (年度报告): the arithmetic of the national format,
agreement across years and with the site's own documents, and the publication deadline.

Facts: rules.md §3 "Arithmetic invariants" and §1 Art. 49. Each function takes the
checker's context (anything with ``site``, ``config`` and ``report(path, line, message)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Protocol

from generator import standard
from generator.model import AnnualReport, Document, Site, Unit
from generator.report import table3_columns, table3_rows

TABLE2_ROWS_COUNTED = (standard.GENRE_REGULATION, standard.GENRE_NORMATIVE)
MADE, REPEALED, IN_FORCE = "本年制发件数", "本年废止件数", "现行有效件数"
RESULT_ROWS_START = "granted"


class Reporter(Protocol):
    site: Site

    def report(self, path, line: int | None, message: str) -> None: ...


def _reports(site: Site) -> Iterator[tuple[Unit, AnnualReport]]:
    for unit in site.units:
        for report in unit.reports:
            yield unit, report


def _leaf_rows() -> list:
    return [row for row in table3_rows() if row.key]


def _result_keys() -> list[str]:
    keys = [row.key for row in _leaf_rows()]
    return keys[keys.index(RESULT_ROWS_START) : keys.index("results_total")]


def table3_arithmetic(ctx: Reporter) -> None:
    """Row totals, （七）总计, and 一 + 二 = 三（七） + 四 for every column of table 三."""
    columns = table3_columns()
    labels = {row.key: row.label for row in _leaf_rows()}
    for _, report in _reports(ctx.site):
        table = report.data.table3
        if not table:
            continue
        for key, values in table.items():
            expected = sum(values[:6])
            if values[6] != expected:
                ctx.report(
                    report.source,
                    report.data.lines.get(key),
                    f"表三“{labels[key]}”一行：总计应为前六列之和 {expected}，实际填写 {values[6]}",
                )
        for c, column in enumerate(columns):
            results = sum(table[key][c] for key in _result_keys())
            if table["results_total"][c] != results:
                ctx.report(
                    report.source,
                    report.data.lines.get("results_total"),
                    f"表三“{column}”列：（七）总计应为（一）至（六）各项之和 {results}，实际填写 {table['results_total'][c]}",
                )
            received = table["new_received"][c] + table["carried_in"][c]
            handled = table["results_total"][c] + table["carried_out"][c]
            if received != handled:
                ctx.report(
                    report.source,
                    report.data.lines.get("carried_out"),
                    f"表三“{column}”列：一、本年新收 + 二、上年结转 = {received}，"
                    f"应等于 三（七）总计 + 四、结转下年度继续办理 = {handled}",
                )


def table4_totals(ctx: Reporter) -> None:
    """Each 总计 of table 四 is the sum of the four columns before it."""
    for _, report in _reports(ctx.site):
        for group, values in report.data.table4.items():
            expected = sum(values[:4])
            if values[4] != expected:
                ctx.report(
                    report.source,
                    report.data.lines.get(group),
                    f"表四“{group}”：总计应为结果维持、结果纠正、其他结果、尚未审结之和 {expected}，实际填写 {values[4]}",
                )


def across_years(ctx: Reporter) -> None:
    """This year's 上年结转 is last year's 结转下年度; 现行有效件数 carries over."""
    columns = table3_columns()
    for unit in ctx.site.units:
        by_year = {report.year: report for report in unit.reports}
        for year, report in by_year.items():
            last = by_year.get(year - 1)
            if last is None:
                continue
            carried_in = report.data.table3.get("carried_in")
            carried_out = last.data.table3.get("carried_out")
            if carried_in and carried_out:
                for c, column in enumerate(columns):
                    if carried_in[c] != carried_out[c]:
                        ctx.report(
                            report.source,
                            report.data.lines.get("carried_in"),
                            f"表三“{column}”列：二、上年结转 {carried_in[c]} 与 {year - 1} 年报告的“四、结转下年度继续办理” {carried_out[c]} 不一致",
                        )
            for row in TABLE2_ROWS_COUNTED:
                now, before = report.data.table2.get(row), last.data.table2.get(row)
                if not now or not before:
                    continue
                expected = before[IN_FORCE] + now[MADE] - now[REPEALED]
                if now[IN_FORCE] != expected:
                    ctx.report(
                        report.source,
                        report.data.lines.get(row),
                        f"表二“{row}”现行有效件数 {now[IN_FORCE]}，按 {year - 1} 年现行有效 {before[IN_FORCE]} + 本年制发 {now[MADE]} − 本年废止 {now[REPEALED]} 应为 {expected}（如有文件自然失效可忽略）",
                    )


def derived_from_content(ctx: Reporter) -> None:
    """Table 二's 规章 / 行政规范性文件 counts agree with the documents the site holds."""
    for unit, report in _reports(ctx.site):
        for row in TABLE2_ROWS_COUNTED:
            stated = report.data.table2.get(row)
            if not stated:
                continue
            counted = count_documents(unit.documents, row, report.year)
            for column, documents in counted.items():
                if stated[column] != len(documents):
                    names = "、".join(f"《{d.title}》" for d in documents) or "无"
                    ctx.report(
                        report.source,
                        report.data.lines.get(row),
                        f"表二“{row}”{column}填写 {stated[column]}，本站收录的文件统计为 {len(documents)}（{names}）",
                    )


def count_documents(documents: list[Document], genre: str, year: int) -> dict[str, list[Document]]:
    """Table 二 figures for ``genre`` in ``year``, counted from the documents themselves."""
    year_end = dt.date(year, 12, 31)
    same = [d for d in documents if d.genre == genre]
    made = [d for d in same if d.written_date.year == year]
    repealed = [
        d for d in same if d.validity != "有效" and d.repeal_date and d.repeal_date.year == year
    ]
    in_force = [
        d for d in same
        if d.written_date <= year_end and (d.validity == "有效" or (d.repeal_date and d.repeal_date > year_end))
    ]  # fmt: skip
    return {MADE: made, REPEALED: repealed, IN_FORCE: in_force}


def deadline(ctx: Reporter) -> None:
    """条例第四十九条: departments publish by 31 January, governments by 31 March."""
    for unit, report in _reports(ctx.site):
        if report.publish_date is None:
            ctx.report(report.source, 1, "年度报告缺少发布日期")
            continue
        month = 1 if unit.level == standard.LEVEL_DEPARTMENT else 3
        last_day = dt.date(report.year + 1, month, 31)
        if report.publish_date > last_day:
            who = "政府部门" if month == 1 else "人民政府"
            ctx.report(
                report.source,
                report.data.lines.get("发布日期"),
                f"{who}的{report.year}年度报告应于 {last_day} 前公布，发布日期为 {report.publish_date}",
            )
        if report.publish_date <= dt.date(report.year, 12, 31):
            ctx.report(
                report.source,
                report.data.lines.get("发布日期"),
                f"{report.year}年度报告的发布日期 {report.publish_date} 早于统计期结束（{report.year}年12月31日）",
            )
