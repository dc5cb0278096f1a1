"""Year-over-year charts of the annual reports, as inline SVG made at build time.

No JavaScript and no chart library: a grouped bar chart is a few rectangles, and inline
SVG prints, scales and works with scripts off. Each chart carries a <title> and <desc>
for screen readers, and the page shows the same figures as a table next to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from generator.model import AnnualReport
from generator.report import table3_rows

# Colours that keep 3:1 contrast against white (WCAG 1.4.11 for graphics) and differ in
# lightness too, so that they can be told apart in greyscale print.
PALETTE = ("#0b4f9c", "#a4161a", "#1b7340", "#7a4a00", "#5b2a86", "#4d4d4d")
WIDTH, HEIGHT = 640, 260
_ITEM = re.compile(r"^（[一二三四五六七八九十]+）")  # the （一） numbering of a result row
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 56


@dataclass(frozen=True)
class Chart:
    """One chart: a title, the years along the bottom, and named series of numbers."""

    id: str
    title: str
    years: list[int]
    series: list[tuple[str, list[int]]]

    @property
    def svg(self) -> str:
        return render_svg(self)


def report_charts(reports: list[AnnualReport]) -> list[Chart]:
    """The three trend charts for a unit's reports, oldest year first."""
    ordered = sorted((r for r in reports if r.data.table3), key=lambda r: r.year)
    if not ordered:
        return []
    years = [r.year for r in ordered]
    return [
        Chart("outcomes", "申请办理结果（件）", years, _outcomes(ordered)),
        Chart("applicants", "本年新收申请（按申请人，件）", years, _applicants(ordered)),
        Chart("reviews", "行政复议、行政诉讼（件）", years, _reviews(ordered)),
    ]


def _outcomes(reports: list[AnnualReport]) -> list[tuple[str, list[int]]]:
    groups: list[tuple[str, list[str]]] = []
    for row in table3_rows():
        if row.depth != 1 or row.key == "results_total":
            continue
        name = _ITEM.sub("", row.label).split("（")[0]
        if row.key:
            groups.append((name, [row.key]))
        else:
            members = [r.key for r in table3_rows() if r.key and r.path[:2] == row.path]
            groups.append((name, members))
    return [
        (name, [sum(r.data.table3[k][6] for k in keys) for r in reports]) for name, keys in groups
    ]


def _applicants(reports: list[AnnualReport]) -> list[tuple[str, list[int]]]:
    received = [r.data.table3["new_received"] for r in reports]
    return [
        ("自然人", [row[0] for row in received]),
        ("法人或其他组织", [sum(row[1:6]) for row in received]),
    ]


def _reviews(reports: list[AnnualReport]) -> list[tuple[str, list[int]]]:
    names = ("行政复议", "未经复议直接起诉", "复议后起诉")
    return [(name, [r.data.table4.get(name, [0] * 5)[4] for r in reports]) for name in names]


def render_svg(chart: Chart) -> str:
    top = max([1, *(v for _, values in chart.series for v in values)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(chart.years)
    bar = min(28.0, slot * 0.8 / len(chart.series))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart.id}-t {chart.id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart.id}-t">{escape(chart.title)}</title>',
        f'<desc id="{chart.id}-d">{escape(describe(chart))}</desc>',
    ]
    for tick in _ticks(top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{tick}</text>'
        )
    for i, year in enumerate(chart.years):
        group_x = LEFT + slot * i + (slot - bar * len(chart.series)) / 2
        for j, (_, values) in enumerate(chart.series):
            h = plot_h * values[i] / top
            parts.append(
                f'<rect x="{group_x + bar * j:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar - 2:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"/>'
            )
        parts.append(
            f'<text x="{LEFT + slot * (i + 0.5):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" font-size="13">{year}年</text>'
        )
    x = LEFT
    for j, (name, _) in enumerate(chart.series):
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 22}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>'
        )
        parts.append(f'<text x="{x + 16}" y="{HEIGHT - 12}" font-size="12">{escape(name)}</text>')
        x += 24 + 13 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def describe(chart: Chart) -> str:
    """The chart in words, for screen readers: every figure, year by year."""
    years = []
    for i, year in enumerate(chart.years):
        figures = "，".join(f"{name}{values[i]}件" for name, values in chart.series)
        years.append(f"{year}年：{figures}")
    return f"{chart.title}。" + "；".join(years) + "。"


def _ticks(top: int) -> list[int]:
    step = max(1, round(top / 4))
    return list(range(0, top + 1, step))
