"""Compliance checks (合规检查), run by ``zfxxgk check`` and at the start of every build.

Each rule has a stable id, a default severity and, where there is one, its legal basis
(facts in ../shared/spec/rules.md). site.yaml can switch a rule off or re-grade it:

    checks:
      timeliness.publish: 错误
      wording: off

Rules only read the model and the editor's files; they never change anything.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from generator import report_rules, standard
from generator.cache import FileCache
from generator.config import SiteConfig
from generator.errors import ERROR, WARNING, Problem, Problems
from generator.forked import can_fork, forked_map
from generator.indexno import IndexNumber, IndexPattern
from generator.links import inside, local_target
from generator.model import Document, Site, Unit
from generator.privacy import Finding, find_personal_numbers
from generator.source import read_text
from generator.wording import WordingEntry, WordingHit, WordingMatcher, load_default_wording
from generator.workdays import CalendarError, WorkCalendar, calendar_from_mapping

T = TypeVar("T")
PUBLISH_DEADLINE = 20  # working days, 条例第二十六条
INTERPRETATION_DEADLINE = 3  # working days, 国办发〔2016〕19号 (rules.md §5 政策解读)
DOC_NO = re.compile(r"^.+〔\d{4}〕\d+号$")  # rules.md §4 发文字号 syntax
DOC_NO_YEAR = re.compile(r"〔(\d{4})〕")
WRONG_BRACKETS = re.compile(r"[\[【(（〈［](\d{4})[\]】)）〉］]")
PHONE = re.compile(
    r"^(\(?0\d{2,3}\)?[-\s]?)?\d{7,8}([-转]\d{1,6})?$|^(400|800)[-\s]?\d{3}[-\s]?\d{4}$|^12345$"
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEXT_ATTACHMENTS = {".txt", ".csv", ".md", ".json", ".xml", ".html", ".htm"}
WORDING_SUFFIXES = (".md", ".yaml", ".yml", ".txt")  # files the 错敏词 rule reads
PRIVACY_RULE_ID = "privacy.personal-numbers"
WORDING_RULE_ID = "wording"
MAX_SCANNED_ATTACHMENT = 5 * 1024 * 1024
PARALLEL_SCAN = 500  # fewer files are scanned in one process: forking would cost more
# Markdown links and images, and href/src of raw HTML, in a body.
BODY_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|(?:href|src)\s*=\s*[\"']([^\"']+)[\"']")


@dataclass
class CheckContext:
    """What the rules share in one run: the site, its settings, and lazily built helpers."""

    site: Site  # the units being checked (all, or those a rebuild touched)
    config: SiteConfig
    problems: Problems
    full_site: Site | None = None  # every unit, for rules that compare across units
    rule: CheckRule | None = None
    severities: dict[str, str] = field(default_factory=dict)
    cache: FileCache | None = None
    _calendar: WorkCalendar | None = None
    _reported_years: set[int] = field(default_factory=set)
    _index_pattern: IndexPattern | None = None
    _index_numbers: dict[str, IndexNumber | None] = field(default_factory=dict)
    _text_scan: TextScan | None = None
    _texts: dict[Path, TextFindings] = field(default_factory=dict)
    _summaries: dict[str, UnitSummary] = field(default_factory=dict)
    also_allowed: tuple[str, ...] = ()  # phone numbers of units outside ``full_site``

    def report(self, path: Path | None, line: int | None, message: str) -> None:
        rule = self.rule
        assert rule is not None
        severity = self.severities.get(rule.id, rule.severity)
        self.problems.items.append(Problem(path, line, message, severity, rule.id, rule.basis))

    def scan(self, kind: str, path: Path, work: Callable[[Path, Problems], T]) -> T:
        """Per-file work, reused across rebuilds while the file is unchanged."""
        if self.cache is None:
            return work(path, Problems())
        return self.cache.get(kind, path, work, Problems())

    def parse_index(self, number: str) -> IndexNumber | None:
        """``number`` parsed by the site's pattern; once per run, though two rules read it."""
        if self._index_pattern is None:
            self._index_pattern = IndexPattern(self.config.index_pattern)
        if number not in self._index_numbers:
            self._index_numbers[number] = self._index_pattern.parse(number)
        return self._index_numbers[number]

    def text_findings(self, path: Path) -> TextFindings:
        """Personal numbers and 错敏词 in a published file, found on one read of it.

        The privacy and the wording rule each ask for every file; the second to ask gets
        the first one's answer.
        """
        found = self._texts.get(path)
        if found is None:
            scan = self.text_scan()
            found = self._texts[path] = self.scan(scan.kind, path, scan.run)
        return found

    def text_scan(self) -> TextScan:
        if self._text_scan is None:
            site = self.full_site or self.site
            self._text_scan = TextScan.for_site(self.config, site, self.also_allowed)
        return self._text_scan

    def scan_ahead(self, jobs: int, meanwhile: Callable[[], None]) -> None:
        """Scan the published files of the units being checked in ``jobs`` forked
        processes, before the privacy and the wording rule ask for them one by one: at
        10,000 documents that scan took 1.6 s of a cold build, on one core while the
        other waited. Without a file cache only (a one-shot build or ``zfxxgk check``);
        ``serve`` scans the few files an edit changed.

        ``meanwhile`` (the rules that read no file) runs in this process while the
        workers scan, or first when nothing is scanned ahead."""
        paths = list(dict.fromkeys(_published_texts(self.site)))
        if jobs <= 1 or self.cache is not None or len(paths) < PARALLEL_SCAN or not can_fork():
            meanwhile()
            return
        scan = self.text_scan()
        size = -(-len(paths) // (jobs * 8))  # pieces small enough to share out evenly

        def found_in(piece: int) -> list[tuple[int, TextFindings]]:
            numbered = range(piece * size, min(len(paths), (piece + 1) * size))
            found = ((n, scan.run(paths[n], Problems())) for n in numbered)
            return [(n, f) for n, f in found if f.personal_numbers or f.wording]

        for path in paths:
            self._texts[path] = TextFindings([], [])
        for found in forked_map(found_in, -(-len(paths) // size), jobs, meanwhile):
            for n, findings in found:
                self._texts[paths[n]] = findings

    def summary(self, unit: Unit) -> UnitSummary:
        """What the site-wide rules need from ``unit``: made once per run, though two rules
        ask for it, and reused across rebuilds of ``serve``."""
        summary = self._summaries.get(unit.key)
        if summary is None:
            if self.cache is None:
                summary = _summarise(unit)
            else:
                summary = self.cache.derived("check", unit.key, unit, lambda: _summarise(unit))
            self._summaries[unit.key] = summary
        return summary

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.config.root).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            try:
                self._calendar = _calendar_for(_calendar_key(self.config.calendar))
            except CalendarError as exc:
                site_yaml = self.config.root / "site.yaml"
                self.problems.items.append(
                    Problem(site_yaml, None, str(exc), ERROR, CALENDAR_RULE_ID)
                )
                self._calendar = WorkCalendar()
        return self._calendar

    def workdays_after(self, start, end, path: Path, line: int | None) -> int | None:
        """Working days from start to end, or None (reported once per year) if unknown."""
        try:
            return self.calendar.workdays_after(start, end)
        except CalendarError as exc:
            year = start.year if start.year not in self._reported_years else end.year
            if year not in self._reported_years:
                self._reported_years.add(year)
                self.problems.items.append(
                    Problem(path, line, str(exc), ERROR, "calendar.unknown-year", "条例第二十六条")
                )
            return None


def _calendar_key(calendar: dict) -> tuple:
    return tuple(
        (year, tuple(sorted(days.get("holidays", ()))), tuple(sorted(days.get("workdays", ()))))
        for year, days in sorted(calendar.items())
    )


@functools.lru_cache(maxsize=8)
def _calendar_for(key: tuple) -> WorkCalendar:
    """One calendar per distinct site.yaml setting, so that its per-year tables are built
    once per process rather than once per rebuild."""
    return calendar_from_mapping({year: {"holidays": h, "workdays": w} for year, h, w in key})


@dataclass(frozen=True)
class UnitSummary:
    """What the site-wide rules need to know of one unit's documents.

    The site-wide rules run on every rebuild of ``serve``; combining a hundred unit
    summaries, of which only the changed units' are made afresh, costs far less than
    walking ten thousand documents. Only what a loaded document never changes is kept:
    its 解读 links are set again on every rebuild and are read where they are.
    """

    index_numbers: frozenset[str]  # every 索引号 given in the unit
    repeated_numbers: frozenset[str]  # 索引号 that two of its documents share
    by_url: dict[str, Document]  # its documents by page URL, the target of a 解读 link
    with_interpretations: tuple[Document, ...]  # documents that name a 解读, in order


def _summarise(unit: Unit) -> UnitSummary:
    seen: set[str] = set()
    repeated: set[str] = set()
    for doc in unit.documents:
        if doc.index_no in seen:
            repeated.add(doc.index_no)
        seen.add(doc.index_no)
    seen.discard("")
    repeated.discard("")
    return UnitSummary(
        index_numbers=frozenset(seen),
        repeated_numbers=frozenset(repeated),
        by_url={doc.url: doc for doc in unit.documents},
        with_interpretations=tuple(doc for doc in unit.documents if doc.interpretation_refs),
    )


@dataclass(frozen=True)
class CheckRule:
    """A rule of the checker: id, what it checks, how bad a finding is, and why."""

    id: str
    title: str
    severity: str
    basis: str
    run: Callable[[CheckContext], None]
    optional: bool = False  # only runs when asked for (--external)


# -- 1. structure -----------------------------------------------------------------------


def _structure_parts(ctx: CheckContext) -> None:
    for unit in ctx.site.units:
        folder = unit.source.parent
        if unit.guide is None:
            ctx.report(
                folder / f"{standard.GUIDE.name}.md",
                None,
                f"缺少{standard.GUIDE.name}；专栏四个部分缺一不可",
            )
        if not unit.rules:
            ctx.report(folder / standard.RULES.name, None, f"{standard.RULES.name}中还没有任何制度")
        if not (folder / standard.REPORTS.name).is_dir():
            ctx.report(folder / standard.REPORTS.name, None, f"缺少“{standard.REPORTS.name}”文件夹")


def _structure_categories(ctx: CheckContext) -> None:
    for unit in ctx.site.units:
        covered = {c.article for c in unit.categories if c.documents}
        present = {c.article for c in unit.categories}
        folder = unit.source.parent / standard.STATUTORY.name
        for item in standard.EXPECTED_ITEMS[unit.level]:
            if item in covered or item in unit.not_applicable:
                continue
            names = "、".join(c.name for c in standard.DEFAULT_CATEGORIES if c.article == item)
            state = "栏目尚无信息" if item in present else f"缺少对应栏目（如“{names}”）"
            ctx.report(
                folder,
                None,
                f"《条例》{item}（{standard.ARTICLE_ITEMS[item]}）{state}；"
                f"本机关确无此项职能的，请在 _unit.yaml 的“不适用”中列明",
            )


# -- 2. guide ---------------------------------------------------------------------------


def _guide_fields(ctx: CheckContext) -> None:
    for unit in ctx.site.units:
        guide = unit.guide
        if guide is not None:
            for label, value, key in (
                ("政府信息的分类（信息分类）", guide.classification, "信息分类"),
                ("编排体系", guide.arrangement, "编排体系"),
                ("主动公开信息的获取方式（获取方式.主动公开）", guide.access_proactive, "获取方式"),
                ("依申请公开的渠道（获取方式.依申请公开）", guide.access_on_request, "获取方式"),
            ):
                if not value:
                    ctx.report(guide.source, guide.meta_lines.get(key), f"指南缺少{label}")
        _contact_fields(ctx, unit)


def _contact_fields(ctx: CheckContext, unit: Unit) -> None:
    contact = unit.contact
    required = (
        ("名称", contact.name), ("办公地址", contact.address), ("办公时间", contact.hours),
        ("联系电话", contact.phone), ("传真号码", contact.fax),
    )  # fmt: skip
    for label, value in required:
        if not value:
            ctx.report(
                unit.source, None, f"公开工作机构缺少{label}（指南应列明，见《条例》第十二条）"
            )
    for label, value in (("联系电话", contact.phone), ("传真号码", contact.fax)):
        if value and not all(PHONE.match(part.strip()) for part in re.split(r"[、,，;；/]", value)):
            ctx.report(
                unit.source, None, f"{label}“{value}”不像有效的电话号码，应写成如 0123-5551201"
            )
    if not contact.email and not contact.website:
        ctx.report(unit.source, None, "公开工作机构缺少互联网联系方式（电子邮箱或网址）")
    if contact.email and not EMAIL.match(contact.email):
        ctx.report(unit.source, None, f"电子邮箱“{contact.email}”格式不正确")


# -- 3. catalogue metadata ----------------------------------------------------------------


def _index_present(ctx: CheckContext) -> None:
    for doc in ctx.site.documents:
        if not doc.index_no:
            ctx.report(
                doc.source,
                2,
                "缺少索引号；可运行 zfxxgk check --fix 按本机关、本年度的下一个流水号自动补齐",
            )


def _index_format(ctx: CheckContext) -> None:
    units = {unit.key: unit for unit in ctx.site.units}
    for doc in ctx.site.documents:
        if not doc.index_no:
            continue
        line = doc.meta_lines.get("索引号")
        parsed = ctx.parse_index(doc.index_no)
        if parsed is None:
            example = IndexPattern(ctx.config.index_pattern).example()
            ctx.report(
                doc.source,
                line,
                f"索引号“{doc.index_no}”格式不正确，应为 {ctx.config.index_pattern}，如 {example}",
            )
            continue
        unit = units[doc.unit_key]
        if parsed.code and unit.code and parsed.code != unit.code:
            ctx.report(
                doc.source,
                line,
                f"索引号中的机构代码“{parsed.code}”与本机关统一社会信用代码“{unit.code}”不一致",
            )


def _index_unique(ctx: CheckContext) -> None:
    """Report every document whose 索引号 an earlier document already has.

    Only the units holding a repeated 索引号 are walked document by document, so that a
    site without duplicates (the usual case) costs a few set operations per unit.
    """
    repeated = _repeated_index_numbers(ctx)
    if not repeated:
        return
    seen: dict[str, Document] = {}
    for unit in ctx.site.units:
        if repeated.isdisjoint(ctx.summary(unit).index_numbers):
            continue
        for doc in unit.documents:
            if doc.index_no not in repeated:
                continue
            first = seen.setdefault(doc.index_no, doc)
            if first is not doc:
                ctx.report(
                    doc.source,
                    doc.meta_lines.get("索引号"),
                    f"索引号“{doc.index_no}”与 {ctx.display(first.source)} 重复；索引号在全站必须唯一",
                )


def _repeated_index_numbers(ctx: CheckContext) -> set[str]:
    """The 索引号 that two or more documents of the site share."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for unit in ctx.site.units:
        summary = ctx.summary(unit)
        repeated |= summary.repeated_numbers
        repeated |= seen & summary.index_numbers
        seen |= summary.index_numbers
    return repeated


def _index_year(ctx: CheckContext) -> None:
    for doc in ctx.site.documents:
        parsed = ctx.parse_index(doc.index_no) if doc.index_no else None
        if parsed and parsed.year and parsed.year != doc.written_date.year:
            ctx.report(
                doc.source,
                doc.meta_lines.get("索引号"),
                f"索引号中的年份 {parsed.year} 与成文日期 {doc.written_date} 的年份不一致",
            )


def _doc_no(ctx: CheckContext) -> None:
    for doc in ctx.site.documents:
        if not doc.doc_no or DOC_NO.match(doc.doc_no):
            continue
        line = doc.meta_lines.get("发文字号")
        suggestion = WRONG_BRACKETS.sub(r"〔\1〕", doc.doc_no)
        if not suggestion.endswith("号"):
            suggestion += "号"
        hint = (
            f"，应为“{suggestion}”"
            if DOC_NO.match(suggestion)
            else "，格式应为 机关代字〔年份〕序号号，如 示政办〔2025〕12号"
        )
        ctx.report(
            doc.source, line, f"发文字号“{doc.doc_no}”格式不规范（年份应用六角括号〔〕）{hint}"
        )
    for doc in ctx.site.documents:
        match = DOC_NO_YEAR.search(doc.doc_no)
        if match and int(match.group(1)) != doc.written_date.year:
            ctx.report(
                doc.source,
                doc.meta_lines.get("发文字号"),
                f"发文字号中的年份 {match.group(1)} 与成文日期 {doc.written_date} 的年份不一致",
            )


def _date_order(ctx: CheckContext) -> None:
    for doc in ctx.site.documents:
        if doc.written_date > doc.publish_date:
            ctx.report(
                doc.source,
                doc.meta_lines.get("发布日期"),
                f"发布日期 {doc.publish_date} 早于成文日期 {doc.written_date}，请核对",
            )


def _repeal_info(ctx: CheckContext) -> None:
    for doc in ctx.site.documents:
        if doc.validity == "有效":
            if doc.repeal_date or doc.repealed_by:
                ctx.report(
                    doc.source,
                    doc.meta_lines.get("有效性"),
                    "填写了废止日期或废止依据，但有效性仍为“有效”",
                )
            continue
        if doc.validity == "废止" and not (doc.repeal_date or doc.repealed_by):
            ctx.report(
                doc.source,
                doc.meta_lines.get("有效性"),
                "已废止的文件应写明废止日期或废止依据（废止日期、废止依据）",
            )
        if doc.repeal_date and doc.repeal_date < doc.written_date:
            ctx.report(
                doc.source,
                doc.meta_lines.get("废止日期"),
                f"废止日期 {doc.repeal_date} 早于成文日期 {doc.written_date}",
            )


# -- 4. timeliness ------------------------------------------------------------------------


def _timely_publication(ctx: CheckContext) -> None:
    for doc in ctx.site.documents:
        line = doc.meta_lines.get("发布日期")
        days = ctx.workdays_after(doc.written_date, doc.publish_date, doc.source, line)
        if days is not None and days > PUBLISH_DEADLINE:
            ctx.report(
                doc.source,
                line,
                f"发布日期 {doc.publish_date} 距成文日期 {doc.written_date} 已 {days} 个工作日，"
                f"超过 {PUBLISH_DEADLINE} 个工作日的公开时限",
            )


def _timely_interpretation(ctx: CheckContext) -> None:
    """Report each 解读 published more than the deadline after the document it explains."""
    by_unit_url = {unit.url: ctx.summary(unit) for unit in ctx.site.units}
    for summary in by_unit_url.values():
        for doc in summary.with_interpretations:
            for link in doc.interpretations:
                reading = _document_at(link.url, by_unit_url, ctx.site.home_url)
                if reading is not None and reading.publish_date > doc.publish_date:
                    _late_interpretation(ctx, doc, reading)


def _document_at(url: str, by_unit_url: dict[str, UnitSummary], home: str) -> Document | None:
    """The document whose page is ``url``: a unit's URL is the home URL, its slug and "/",
    and each of its pages lies under it."""
    unit_url = url[: url.find("/", len(home)) + 1]
    summary = by_unit_url.get(unit_url)
    return summary.by_url.get(url) if summary is not None else None


def _late_interpretation(ctx: CheckContext, doc: Document, reading: Document) -> None:
    line = reading.meta_lines.get("发布日期")
    days = ctx.workdays_after(doc.publish_date, reading.publish_date, reading.source, line)
    if days is not None and days > INTERPRETATION_DEADLINE:
        ctx.report(
            reading.source,
            line,
            f"解读发布于 {reading.publish_date}，晚于所解读文件（{doc.publish_date} 发布）{days} 个工作日，"
            f"应在文件公开后 {INTERPRETATION_DEADLINE} 个工作日内发布",
        )


# -- 5. privacy and 6. wording --------------------------------------------------------------


def _published_texts(site: Site) -> Iterator[Path]:
    """Every editor's file whose text ends up on the site: bodies, front matter, text attachments."""
    for unit in site.units:
        yield unit.source
        if unit.guide:
            yield unit.guide.source
        for rule in unit.rules:
            yield rule.source
        for doc in unit.documents:
            yield doc.source
            for attachment in doc.attachments:
                if (
                    attachment.source.suffix.lower() in TEXT_ATTACHMENTS
                    and attachment.size <= MAX_SCANNED_ATTACHMENT
                ):
                    yield attachment.source
        for report in unit.reports:
            yield report.source


def _read_for_scan(path: Path) -> str | None:
    quiet = Problems()  # unreadable files are reported by the loader already
    text = read_text(path, quiet)
    if text is None and path.suffix.lower() in (".csv", ".txt"):
        try:
            return path.read_bytes().decode(
                "gb18030"
            )  # spreadsheets saved by Excel in 简体 Windows
        except (OSError, UnicodeDecodeError):
            return None
    return text


@dataclass(frozen=True)
class TextFindings:
    """What one read of a published file turns up for the privacy and the wording rule."""

    personal_numbers: list[Finding]
    wording: list[WordingHit]


@dataclass(frozen=True)
class TextScan:
    """How this run scans published files: the numbers allowed, the 错敏词 list, and which
    of the two rules are on. ``kind`` names these settings in the FileCache, so that a
    file's findings are reused only under the same settings."""

    allowed: frozenset[str] | None  # None: the privacy rule is off
    wording: WordingMatcher | None  # None: the wording rule is off
    kind: str

    @classmethod
    def for_site(cls, config: SiteConfig, site: Site, also: Iterable[str] = ()) -> TextScan:
        allowed = set(config.privacy_allowlist) | set(also)
        for unit in site.units:
            allowed.update(contact_numbers(unit))
        return _text_scan(
            config.checks.get(PRIVACY_RULE_ID) != "off",
            tuple(sorted(allowed)),
            config.checks.get(WORDING_RULE_ID) != "off",
            tuple(config.wording.items()),
        )

    def run(self, path: Path, _: Problems) -> TextFindings:
        text = _read_for_scan(path)
        if text is None:
            return TextFindings([], [])
        numbers = find_personal_numbers(text, self.allowed) if self.allowed is not None else []
        wording = []
        if self.wording is not None and path.suffix.lower() in WORDING_SUFFIXES:
            wording = self.wording.find(text)
        return TextFindings(numbers, wording)


def contact_numbers(unit: Unit) -> tuple[str, ...]:
    """The unit's 联系电话 and 传真: published on purpose, never a personal number."""
    return tuple(v for v in (unit.contact.phone, unit.contact.fax) if v)


@functools.lru_cache(maxsize=8)
def _text_scan(
    privacy_on: bool,
    allowed: tuple[str, ...],
    wording_on: bool,
    site_wording: tuple[tuple[str, str], ...],
) -> TextScan:
    """One scan per distinct setting, so that a rebuild of ``serve`` does not compile the
    错敏词 list and digest the settings again."""
    entries = load_default_wording() + [
        WordingEntry(wrong, right, "本站规定") for wrong, right in site_wording
    ]
    settings = (privacy_on, allowed, wording_on, entries)
    return TextScan(
        allowed=frozenset(allowed) if privacy_on else None,
        wording=WordingMatcher(entries) if wording_on else None,
        kind="text:" + hashlib.blake2b(repr(settings).encode(), digest_size=16).hexdigest(),
    )


def _privacy(ctx: CheckContext) -> None:
    for path in _published_texts(ctx.site):
        for finding in ctx.text_findings(path).personal_numbers:
            ctx.report(
                path,
                finding.line,
                f"疑似{finding.kind}“{_mask(finding.text)}”；发布前请删除或做脱敏处理，确需公开的号码请加入 site.yaml 的 privacy_allowlist",
            )


def _mask(number: str) -> str:
    digits = number.strip()
    return digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:] if len(digits) > 7 else digits


def _wording(ctx: CheckContext) -> None:
    for path in _published_texts(ctx.site):
        if path.suffix.lower() not in WORDING_SUFFIXES:
            continue
        for hit in ctx.text_findings(path).wording:
            ctx.report(path, hit.line, f"“{hit.wrong}”应为“{hit.right}”（{hit.reason}）")


# -- 7. links -----------------------------------------------------------------------------


def _bodies(site: Site) -> Iterator[tuple[Path, str, int]]:
    for unit in site.units:
        if unit.guide:
            yield unit.guide.source, unit.guide.body, unit.guide.body_line
        for rule in unit.rules:
            yield rule.source, rule.body, rule.body_line
        for doc in unit.documents:
            yield doc.source, doc.body, doc.body_line


def body_links(body: str) -> Iterator[tuple[str, int]]:
    """(href, line within body) for every link and image in a Markdown body."""
    if "](" not in body and "href" not in body and "src" not in body:
        return  # most bodies have no link, and the pattern is slow to run over a page
    for match in BODY_LINK.finditer(body):
        href = match.group(1) or match.group(2)
        yield href, body.count("\n", 0, match.start()) + 1


def _internal_links(ctx: CheckContext) -> None:
    content = ctx.config.content_dir
    for source, body, first_line in _bodies(ctx.site):
        for href, line in body_links(body):
            target = local_target(source.parent, href)
            if target is None:
                continue
            where = first_line + line - 1
            if not inside(target, content):
                ctx.report(source, where, f"链接“{href}”指向 content 文件夹以外的文件，不能发布")
            elif not target.is_file():
                ctx.report(
                    source, where, f"链接“{href}”指向的文件不存在（路径相对于本文件所在文件夹）"
                )


def _external_links(ctx: CheckContext) -> None:
    from generator.linkcheck import check_urls  # network code only when asked for

    places: dict[str, list[tuple[Path, int]]] = {}
    for source, body, first_line in _bodies(ctx.site):
        for href, line in body_links(body):
            if href.startswith(("http://", "https://")):
                places.setdefault(href, []).append((source, first_line + line - 1))
    for doc in ctx.site.documents:
        for link in doc.interpretations:
            if link.external:
                places.setdefault(link.url, []).append((doc.source, doc.meta_lines.get("解读")))
    for url, reason in check_urls(list(places)).items():
        for source, line in places[url]:
            ctx.report(source, line, f"外部链接“{url}”无法访问：{reason}")


RULES: tuple[CheckRule, ...] = (
    CheckRule(
        "structure.parts", "专栏包含四个部分", WARNING, "国办公开办函〔2019〕61号", _structure_parts
    ),
    CheckRule(
        "structure.categories",
        "法定主动公开内容栏目覆盖本层级应公开事项",
        WARNING,
        "条例第二十条、第二十一条",
        _structure_categories,
    ),
    CheckRule(
        "guide.fields",
        "指南列明分类、编排体系、获取方式和工作机构信息",
        WARNING,
        "条例第十二条",
        _guide_fields,
    ),
    CheckRule("catalogue.index-present", "每条信息有索引号", ERROR, "条例第十二条", _index_present),
    CheckRule("catalogue.index-format", "索引号符合本站格式", ERROR, "", _index_format),
    CheckRule("catalogue.index-unique", "索引号全站唯一", ERROR, "", _index_unique),
    CheckRule("catalogue.index-year", "索引号年份与成文日期一致", ERROR, "", _index_year),
    CheckRule("catalogue.doc-no", "发文字号格式规范", WARNING, "GB/T 9704-2012", _doc_no),
    CheckRule("catalogue.date-order", "成文日期不晚于发布日期", ERROR, "", _date_order),
    CheckRule("catalogue.repeal-info", "废止、失效文件写明日期或依据", WARNING, "", _repeal_info),
    CheckRule(
        "timeliness.publish",
        "成文之日起20个工作日内公开",
        WARNING,
        "条例第二十六条",
        _timely_publication,
    ),
    CheckRule(
        "timeliness.interpretation",
        "解读在文件公开后3个工作日内发布",
        WARNING,
        "国办发〔2016〕19号",
        _timely_interpretation,
    ),
    CheckRule(
        PRIVACY_RULE_ID,
        "不公开身份证号码、手机号码、银行卡号",
        ERROR,
        "条例第十五条",
        _privacy,
    ),
    CheckRule(WORDING_RULE_ID, "错敏词", WARNING, "", _wording),
    CheckRule("links.internal", "站内链接有效", ERROR, "条例第二十四条", _internal_links),
    CheckRule(
        "report.table3",
        "年度报告表三行、列合计和勾稽关系",
        ERROR,
        "国办公开办函〔2021〕30号",
        report_rules.table3_arithmetic,
    ),
    CheckRule(
        "report.table4",
        "年度报告表四各总计",
        ERROR,
        "国办公开办函〔2021〕30号",
        report_rules.table4_totals,
    ),
    CheckRule(
        "report.across-years",
        "年度报告与上一年度衔接（上年结转、现行有效件数）",
        WARNING,
        "国办公开办函〔2021〕30号",
        report_rules.across_years,
    ),
    CheckRule(
        "report.derived",
        "年度报告表二与本站收录的规章、行政规范性文件一致",
        WARNING,
        "条例第五十条",
        report_rules.derived_from_content,
    ),
    CheckRule(
        "report.deadline",
        "年度报告按时公布（部门1月31日前，政府3月31日前）",
        WARNING,
        "条例第四十九条",
        report_rules.deadline,
    ),
    CheckRule(
        "links.external",
        "外部链接可访问（--external）",
        WARNING,
        "",
        _external_links,
        optional=True,
    ),
)
# Rules that compare documents across units; all others look at one unit at a time, so
# that a rebuild by ``serve`` can check only the units it touched.
SITE_WIDE_RULES = frozenset(
    {"catalogue.index-unique", "timeliness.interpretation", "links.external"}
)
# Reported by the working-day rules when a year's calendar is unknown.
CALENDAR_RULE_ID = "calendar.unknown-year"
RULE_IDS = {rule.id for rule in RULES} | {CALENDAR_RULE_ID}


def check_site(
    site: Site,
    config: SiteConfig,
    problems: Problems,
    external: bool = False,
    cache: FileCache | None = None,
    only_units: set[str] | None = None,
    jobs: int = 1,
    site_wide: bool = True,
    also_allowed: Iterable[str] = (),
) -> None:
    """Run every enabled rule over ``site``; findings go to ``problems``.

    ``serve`` passes a ``cache``, so that unchanged files are not scanned again, and
    ``only_units``: per-unit rules then look at those units only (site-wide rules still
    see every unit), and the findings for the other units are the caller's to keep.
    ``site_wide=False`` leaves the site-wide rules out, for a caller that knows their
    findings are as they were; ``also_allowed``, the phone numbers of units not in
    ``site``, which the privacy rule allows as it allows those of its units. ``jobs``
    processes scan the published files for the privacy and wording rules.
    """
    for rule_id in config.checks:
        if rule_id not in RULE_IDS:
            problems.error(
                config.root / "site.yaml",
                None,
                f"checks 中的规则编号“{rule_id}”不存在；运行 zfxxgk check --list-rules 查看全部规则",
            )
    touched = site
    if only_units is not None:
        touched = Site([u for u in site.units if u.key in only_units], site.home_url)
    ctx = CheckContext(
        touched,
        config,
        problems,
        site,
        severities=dict(config.checks),
        cache=cache,
        also_allowed=tuple(also_allowed),
    )
    rules = [
        r for r in _enabled(RULES, config, external) if site_wide or r.id not in SITE_WIDE_RULES
    ]
    reading = [rule for rule in rules if rule.id in (PRIVACY_RULE_ID, WORDING_RULE_ID)]
    others = [rule for rule in rules if rule not in reading]
    found: dict[str, list[Problem]] = {}
    if reading:
        ctx.scan_ahead(jobs, meanwhile=lambda: _run_rules(ctx, others, site, touched, found))
    else:
        _run_rules(ctx, others, site, touched, found)
    _run_rules(ctx, reading, site, touched, found)
    # In the order of RULES, as if the rules had run one after the other.
    problems.items.extend(problem for rule in rules for problem in found[rule.id])
    if config.checks.get(CALENDAR_RULE_ID) == "off":
        problems.items = [p for p in problems.items if p.rule != CALENDAR_RULE_ID]


def _run_rules(
    ctx: CheckContext,
    rules: list[CheckRule],
    site: Site,
    touched: Site,
    found: dict[str, list[Problem]],
) -> None:
    """Run ``rules``; what each finds (its own findings, and a calendar it lacked) is
    taken out of ``ctx.problems`` into ``found``, by rule."""
    items = ctx.problems.items
    for rule in rules:
        ctx.rule = rule
        ctx.site = site if rule.id in SITE_WIDE_RULES else touched
        start = len(items)
        rule.run(ctx)
        found[rule.id] = items[start:]
        del items[start:]


def _enabled(rules: Iterable[CheckRule], config: SiteConfig, external: bool) -> Iterator[CheckRule]:
    for rule in rules:
        if config.checks.get(rule.id) == "off" or (rule.optional and not external):
            continue
        yield rule
