"""The benchmark's Markdown table (结果表) and its ratios, from measured builds.

Kept apart from the runner so that the arithmetic (medians, ratios, what a failed or
missing tool shows) is tested without running any build.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.measure import Measure

BASE = "zfxxgk"
NOT_INSTALLED = "未安装/not installed"
FAILED = "失败/failed"
STALE = "（输出未更新 / change missing from output）"
SCENARIOS = {
    "cold": "冷构建 cold build",
    "nochange": "无改动重建 no-change rebuild",
    "onechange": "改一篇后重建 one-document rebuild",
}
RATIO_SCENARIOS = ("cold", "nochange", "onechange")
MB = 1_000_000


@dataclass
class Scenario:
    """The runs of one tool in one scenario; ``status`` is "ok", "failed" or "not installed"."""

    tool: str
    scenario: str
    runs: list[Measure] = field(default_factory=list)
    status: str = "ok"

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def fastest(self) -> float:
        return min(run.seconds for run in self.runs)


@dataclass
class SizeResult:
    """Everything measured for one site size."""

    documents: int
    units: int
    note: str  # how the site was made, e.g. "make_site --documents 1000 --seed 1"
    tools: list[str]  # in the order asked for; labels via ``labels``
    labels: dict[str, str]
    rows: list[Scenario]

    def get(self, tool: str, scenario: str) -> Scenario | None:
        return next((r for r in self.rows if r.tool == tool and r.scenario == scenario), None)


def _mb(value: int | None) -> str:
    return "—" if value is None else f"{value / MB:.0f}"


def row_cells(row: Scenario) -> list[str]:
    """The cells after tool and scenario: median s, min s, RSS tree, RSS max, files, MB."""
    if row.status == "not installed":
        return [NOT_INSTALLED, "", "", "", "", ""]
    failed = next((run for run in row.runs if run.exit_code != 0), None)
    if row.status == "failed" or failed is not None:
        code = failed.exit_code if failed is not None else "?"
        return [f"{FAILED} (exit {code})", "", "", "", "", ""]
    if not row.runs:
        return ["—", "", "", "", "", ""]
    last = row.runs[-1]
    trees = [run.tree_rss for run in row.runs if run.tree_rss is not None]
    stale = STALE if any(run.change_seen is False for run in row.runs) else ""
    return [
        f"{row.median:.2f}{stale}",
        f"{row.fastest:.2f}",
        _mb(max(trees) if trees else None),
        _mb(max(run.max_rss for run in row.runs)),
        str(last.files),
        f"{last.bytes / MB:.1f}",
    ]


def ratio(result: SizeResult, tool: str, scenario: str, base: str = BASE) -> float | None:
    """How many times longer ``tool`` took than ``base`` (medians), or None if either lacks one."""
    other, ours = result.get(tool, scenario), result.get(base, scenario)
    if other is None or ours is None or not other.ok or not ours.ok:
        return None
    runs = other.runs + ours.runs
    if any(run.exit_code or run.change_seen is False for run in runs) or ours.median <= 0:
        return None  # a failed build, or one that missed the change, has no meaningful time
    return other.median / ours.median


def format_size(result: SizeResult) -> str:
    """One size's table, its ratios and the log tails of failed builds."""
    lines = [
        f"### {result.documents:,} 篇文档 / documents, {result.units} 个机关 / units",
        "",
        f"站点 / site: `{result.note}`",
        "",
        "| 工具 tool | 场景 scenario | 中位数 median s | 最短 min s "
        "| RSS MB 进程树 tree | RSS MB 单进程 max | 文件 files | MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result.rows:
        label = result.labels.get(row.tool, row.tool)
        cells = [label, SCENARIOS.get(row.scenario, row.scenario), *row_cells(row)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *format_ratios(result)]
    failures = [row for row in result.rows if any(run.exit_code for run in row.runs)]
    for row in failures:
        run = next(run for run in row.runs if run.exit_code)
        label = result.labels.get(row.tool, row.tool)
        lines += ["", f"{label} {SCENARIOS.get(row.scenario, row.scenario)} 输出 / output:"]
        lines += ["", "```", run.log or "(无输出 / no output)", "```"]
    return "\n".join(lines) + "\n"


def format_ratios(result: SizeResult, base: str = BASE) -> list[str]:
    """Rows "Pelican / zfxxgk": the other tool's median time over ours, per scenario."""
    others = [tool for tool in result.tools if tool != base]
    if not others:
        return []
    heads = " | ".join(SCENARIOS[s] for s in RATIO_SCENARIOS)
    lines = [
        f"| 耗时比 ratio (>1: {result.labels.get(base, base)} 更快 faster) | {heads} |",
        "|---|" + "---:|" * len(RATIO_SCENARIOS),
    ]
    for tool in others:
        cells = []
        for scenario in RATIO_SCENARIOS:
            value = ratio(result, tool, scenario, base)
            cells.append("—" if value is None else f"{value:.2f}×")
        name = f"{result.labels.get(tool, tool)} / {result.labels.get(base, base)}"
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def format_report(results: list[SizeResult], machine: str, command: str) -> str:
    """The whole report: machine line, command, then one section per size."""
    parts = [
        "## 测试结果 / Results",
        "",
        f"机器 / machine: {machine}",
        "",
        f"命令 / command: `{command}`",
        "",
    ]
    for result in results:
        parts.append(format_size(result))
    return "\n".join(parts)
