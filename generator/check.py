"""Compliance checks (合规检查) on a loaded site, run by ``zfxxgk check`` and every build.

Each rule has a stable id, a default severity and, where there is one, its legal basis
(spec rules.md). Rules only read the model; they report into a Problems list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.config import SiteConfig
from generator.errors import ERROR, Problem, Problems
from generator.model import Site


@dataclass(frozen=True)
class CheckRule:
    """A rule of the checker: id, what it checks, how bad a finding is, and why."""

    id: str
    title: str
    severity: str
    basis: str
    run: Callable[[Site, SiteConfig, CheckRule, Problems], None]

    def report(self, problems: Problems, path: Path, line: int | None, message: str) -> None:
        problems.items.append(Problem(path, line, message, self.severity, self.id, self.basis))


def _index_present(site: Site, config: SiteConfig, rule: CheckRule, problems: Problems) -> None:
    for doc in site.documents:
        if not doc.index_no:
            rule.report(
                problems, doc.source, 1, "缺少索引号；政府信息公开目录的每一条信息都应有索引号"
            )


def _index_unique(site: Site, config: SiteConfig, rule: CheckRule, problems: Problems) -> None:
    seen: dict[str, object] = {}
    for doc in site.documents:
        if not doc.index_no:
            continue
        first = seen.setdefault(doc.index_no, doc)
        if first is not doc:
            rule.report(
                problems,
                doc.source,
                doc.meta_lines.get("索引号"),
                f"索引号“{doc.index_no}”与 {first.source} 重复；索引号在全站必须唯一",
            )


def _date_order(site: Site, config: SiteConfig, rule: CheckRule, problems: Problems) -> None:
    for doc in site.documents:
        if doc.written_date > doc.publish_date:
            rule.report(
                problems,
                doc.source,
                doc.meta_lines.get("发布日期"),
                f"发布日期 {doc.publish_date} 早于成文日期 {doc.written_date}，请核对",
            )


RULES: tuple[CheckRule, ...] = (
    CheckRule("catalogue.index-present", "文档有索引号", ERROR, "条例第十二条", _index_present),
    CheckRule("catalogue.index-unique", "索引号全站唯一", ERROR, "", _index_unique),
    CheckRule("catalogue.date-order", "成文日期不晚于发布日期", ERROR, "", _date_order),
)


def check_site(site: Site, config: SiteConfig, problems: Problems) -> None:
    """Run every rule over ``site``."""
    for rule in RULES:
        rule.run(site, config, rule, problems)
