"""Synthetic sites in the content format, for benchmarks (合成测试站点).

    python -m bench.make_site OUT_DIR --documents 10000 [--units N] [--seed 1]

writes OUT_DIR/site.yaml and OUT_DIR/content/: N units (政府, 部门, 乡镇), each with
_unit.yaml, a guide, two rules, 5–12 栏目 of documents and annual reports for 2024 and
2025, all consistent enough that ``zfxxgk check`` reports nothing.

The same arguments give the same files, byte for byte. Every random choice comes from a
``random.Random`` seeded with --seed (the list of units) or with the seed and the unit's
number (everything inside a unit), never from the global generator; nothing depends on
the clock, the hash seed or the directory listing order. Units are therefore independent
and are written by several processes at once (--jobs) without changing a byte.

Files are written as text directly (no YAML library), so that 100,000 documents take
seconds rather than minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import os
import random
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench import vocabulary as V
from generator import standard
from generator.report import table3_rows
from generator.slugs import RESERVED, pinyin_initials
from generator.workdays import WorkCalendar

FIRST_WRITTEN = dt.date(2023, 1, 1)
LAST_WRITTEN = dt.date(2025, 12, 20)
LAST_REPEAL = dt.date(2025, 12, 31)
REPORT_YEARS = (2024, 2025)
MIN_BODY, MAX_BODY = 800, 3000
MAX_BLOCK = 340  # longest paragraph (with its heading) the composers add to a body
CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015
CODE_PREFIX = "11999900MB"  # 11: an organ (机关); 999900: a region code no real organ has
HOURS = "工作日上午8:30—12:00，下午14:30—17:30（法定节假日除外）"
# Applications by applicant type (table 三, the six columns before 总计): a typical mix.
APPLICANT_RANGES = ((2, 40), (0, 8), (0, 1), (0, 1), (0, 3), (0, 2))
# Outcomes of table 三 and how often each occurs, by row key of the national format.
OUTCOME_WEIGHTS = {"granted": 50, "partial": 10, "process_info": 4, "third_party": 3}
OUTCOME_WEIGHTS |= {"not_held": 15, "needs_creation": 3, "still_unclear": 2, "duplicate": 2}
OUTCOME_WEIGHTS |= {"petition_complaint": 3, "no_correction": 2}
OTHER_ITEM = "第二十条第（十五）项"  # 其他法定公开内容: expected of no unit, kept by some


# -- units --------------------------------------------------------------------------------


@dataclass
class UnitPlan:
    """One organ of the synthetic site and everything decided about it before writing."""

    index: int
    name: str
    level: str
    code: str
    parent: str
    domain: V.Domain
    doc_codes: tuple[str, ...]  # 机关代字 of its 发文字号
    office: str
    address: str
    phone: str
    fax: str
    email: str
    postcode: str
    categories: list[str] = field(default_factory=list)


def credit_code(serial: int) -> str:
    """An 18-character 统一社会信用代码 with a valid GB 32100-2015 check character."""
    body = f"{CODE_PREFIX}{serial:07d}"
    total = sum(CODE_CHARSET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + CODE_CHARSET[(31 - total % 31) % 31]


def unit_level(index: int) -> str:
    """About one unit in ten a 政府 (the first is the city), one in five a 乡镇."""
    if index % 10 == 0:
        return standard.LEVEL_GOVERNMENT
    if index % 5 == 2:
        return standard.LEVEL_TOWNSHIP
    return standard.LEVEL_DEPARTMENT


def plan_units(count: int, rng: random.Random) -> list[UnitPlan]:
    units: list[UnitPlan] = []
    numbers = {level: 0 for level in standard.LEVELS}
    for index in range(count):
        level = unit_level(index)
        k = numbers[level]
        numbers[level] += 1
        if level == standard.LEVEL_GOVERNMENT:
            name = f"{V.CITY}人民政府" if k == 0 else f"{V.CITY}第{k}区人民政府"
            codes = (
                ("合政发", "合政办发", "合政办函") if k == 0 else (f"合{k}区政发", f"合{k}区政办")
            )
            domain, office = V.GOVERNMENT_DOMAIN, f"{name}办公室"
        elif level == standard.LEVEL_TOWNSHIP:
            name = f"第{k + 1}镇人民政府"
            codes = (f"合{k + 1}镇发", f"合{k + 1}镇办")
            domain, office = V.TOWNSHIP_DOMAIN, f"第{k + 1}镇党政综合办公室"
        else:
            name = f"{V.CITY}第{k + 1}局"
            codes = (f"合{k + 1}局发", f"合{k + 1}局办")
            domain = V.DEPARTMENT_DOMAINS[k % len(V.DEPARTMENT_DOMAINS)]
            office = f"{name}办公室"
        parent = "" if index == 0 else units[(index // 10) * 10 if index % 10 else 0].name
        number = 2 * index + 1
        units.append(
            UnitPlan(
                index=index,
                name=name,
                level=level,
                code=credit_code(index + 1),
                parent=parent,
                domain=domain,
                doc_codes=codes,
                office=office,
                address=f"{V.CITY}{rng.choice(V.ROADS)}{rng.randint(1, 299)}号",
                phone=f"0123-55{number % 100000:05d}",
                fax=f"0123-55{(number + 1) % 100000:05d}",
                email=f"gk{index + 1:04d}@{V.EMAIL_DOMAIN}",
                postcode=f"999{rng.randint(0, 99):03d}",
            )
        )
    return units


def candidate_categories(level: str) -> list[str]:
    """Default 栏目 a unit of ``level`` might keep, in the default order."""
    expected = set(standard.EXPECTED_ITEMS[level]) | {OTHER_ITEM}
    names = []
    for category in standard.DEFAULT_CATEGORIES:
        if category.article not in expected or category.name not in V.TEMPLATES:
            continue
        if category.name == "规章" and level != standard.LEVEL_GOVERNMENT:
            continue  # only a government makes 规章
        names.append(category.name)
    return names


def split(total: int, weights: list[float]) -> list[int]:
    """``total`` shared out in proportion to ``weights`` (largest remainder, ties by order)."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


# -- documents ----------------------------------------------------------------------------


@dataclass
class DocPlan:
    """One document: what it is called, when it was made, what its body looks like."""

    category: str
    template: V.Template
    topic: str
    written: dt.date
    published: dt.date
    fields: dict
    title: str = ""
    inner: str = ""
    base: str = ""  # file name before it is made unique
    stem: str = ""  # file name without .md
    index_no: str = ""
    doc_no: str = ""
    repeal_date: dt.date | None = None
    repealed_by: str = ""
    attachment: bool = False
    table: bool = False
    headings: bool = False
    interpretation: DocPlan | None = None  # the 解读 of this policy
    interprets: DocPlan | None = None  # the policy this 解读 explains

    @property
    def genre(self) -> str:
        return standard.GENRE_BY_CATEGORY.get(self.category, standard.GENRE_OTHER)


def write_file(path: Path | str, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(handle, data)
    finally:
        os.close(handle)


class Writer:
    """Writes files on a few threads while the next ones are composed.

    Creating a file costs far more than writing it on some disks (a virtual disk: up to a
    millisecond); threads wait for the file system in parallel. At most ``pending`` files
    wait in memory. The first error is raised again by ``close``.
    """

    def __init__(self, threads: int = 8, pending: int = 1000):
        self.pool = ThreadPoolExecutor(threads)
        self.slots = threading.BoundedSemaphore(pending)
        self.errors: list[BaseException] = []

    def write(self, path: Path | str, data: bytes) -> None:
        if self.errors:
            raise self.errors[0]
        self.slots.acquire()
        self.pool.submit(self._write, path, data)

    def _write(self, path: Path | str, data: bytes) -> None:
        try:
            write_file(path, data)
        except BaseException as exc:  # reported by close() in the composing thread
            self.errors.append(exc)
        finally:
            self.slots.release()

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        if self.errors:
            raise self.errors[0]


class QuickRandom(random.Random):
    """``random.Random`` with cheaper integer draws and choices, still fixed by the seed.

    The standard methods draw exact uniform integers bit by bit, which is most of the time
    spent composing a body; scaling ``random()`` is uniform enough for synthetic text.
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def shuffle(self, x: list) -> None:  # type: ignore[override]
        draw = self.random
        for i in range(len(x) - 1, 0, -1):
            j = int(draw() * (i + 1))
            x[i], x[j] = x[j], x[i]


# Placeholders that depend only on the unit, the topic and the name a measure calls itself;
# a phrase with no others is filled in once per unit and topic and then remembered.
STATIC_FIELDS = frozenset("ucdts")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def previous_quarter(day: dt.date) -> tuple[int, int]:
    quarter = (day.month - 1) // 3
    return (day.year, quarter) if quarter else (day.year - 1, 4)


class _Words(dict):
    """Placeholders of a phrase: the document's own, and random words asked for by name."""

    def __init__(self, rng: random.Random, doc: DocPlan, extra: dict):
        super().__init__(doc.fields)
        self.update(extra)
        self.rng = rng
        self.written = doc.written

    def __missing__(self, key: str) -> object:
        rng = self.rng
        if key == "v":
            value: object = rng.choice(V.VERBS)
        elif key == "a":
            value = rng.choice(V.AIMS)
        elif key in ("l", "l2"):
            self["l"], self["l2"] = rng.sample(V.LAWS, 2)
            return self[key]
        elif key == "y2":
            value = self.written.year + 3
        elif key == "n":
            value = rng.randint(3, 40)
        else:
            raise KeyError(key)
        self[key] = value
        return value


class SiteMaker:
    """Plans and writes one synthetic site; all randomness comes from ``self.rng``."""

    def __init__(self, out: Path, documents: int, units: int | None, seed: int):
        self.out = out
        self.documents = documents
        self.unit_count = units if units else max(3, documents // 100)
        self.seed = seed
        self.rng = QuickRandom(seed)
        self.calendar = WorkCalendar()
        day, self.workdays = FIRST_WRITTEN, []
        while day <= LAST_WRITTEN:
            if self.calendar.is_workday(day):
                self.workdays.append(day)
            day += dt.timedelta(days=1)
        self.initials: dict[str, str] = {}
        self.static: dict[str, bool] = {}  # phrase -> whether only STATIC_FIELDS occur in it
        self.phrases: dict[tuple, str] = {}
        self.pools: dict[tuple, list[str | None]] = {}
        self.written_files = 0
        self.written_bytes = 0
        self.writer: Writer | None = None

    # -- writing ---------------------------------------------------------------------

    def write(self, path: Path | str, text: str) -> None:
        data = text.encode("utf-8")
        if self.writer is None:
            write_file(path, data)
        else:
            self.writer.write(path, data)
        self.written_files += 1
        self.written_bytes += len(data)

    def make(self, jobs: int = 1) -> None:
        """The whole site; units are independent, so ``jobs`` processes may share them."""
        rng = self.rng
        content = self.out / "content"
        content.mkdir(parents=True)
        self.write(self.out / "site.yaml", site_yaml())
        units = plan_units(self.unit_count, rng)
        weights = [
            rng.uniform(0.6, 1.4) * (1.5 if u.level == standard.LEVEL_GOVERNMENT else 1.0)
            for u in units
        ]
        tasks = list(zip(units, split(self.documents, weights), strict=True))
        if jobs <= 1 or len(tasks) < 2:
            for unit, count in tasks:
                self.make_unit(unit, count)
            return
        start = (self.out, self.documents, self.unit_count, self.seed)
        with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=start) as pool:
            chunk = max(1, len(tasks) // (jobs * 8))
            for files, size in pool.map(_make_unit, tasks, chunksize=chunk):
                self.written_files += files
                self.written_bytes += size

    def make_unit(self, unit: UnitPlan, count: int) -> None:
        """One unit's folder, on disk when this returns; its random choices depend only on
        the seed and the unit."""
        self.writer = Writer()
        try:
            self.compose_unit(unit, count)
        finally:
            writer, self.writer = self.writer, None
            writer.close()

    def compose_unit(self, unit: UnitPlan, count: int) -> None:
        self.rng = rng = QuickRandom(f"{self.seed}/{unit.index}")
        self.phrases.clear()  # phrases mention the unit; keep the caches small
        self.pools.clear()
        folder = self.out / "content" / unit.name
        docs = self.plan_documents(unit, count)
        covered = {standard.DEFAULTS_BY_NAME[d.category].article for d in docs}
        not_applicable = [i for i in standard.EXPECTED_ITEMS[unit.level] if i not in covered]
        folder.mkdir()
        self.write(folder / "_unit.yaml", unit_yaml(unit, not_applicable))
        self.write(folder / f"{standard.GUIDE.name}.md", self.guide(unit))
        rules = folder / standard.RULES.name
        rules.mkdir()
        for number, (base, title) in enumerate(rng.sample(V.RULE_TITLES, 2)):
            self.write(rules / f"{base}.md", self.rule(unit, title, number))
        statutory = folder / standard.STATUTORY.name
        made: set[str] = set()
        for doc in docs:
            category = os.path.join(statutory, doc.category)
            if doc.category not in made:
                made.add(doc.category)
                os.makedirs(category)
                note = V.CATEGORY_NOTE.format(u=unit.name, n=doc.category)
                self.write(os.path.join(category, "_栏目.yaml"), f"说明: {note}\n")
            self.write_document(category, unit, doc)
        reports = folder / standard.REPORTS.name
        reports.mkdir()
        carried: list[int] = [rng.randint(0, 2), 0, 0, 0, rng.randint(0, 1), 0]
        for year in REPORT_YEARS:
            text, carried = self.report(unit, docs, year, carried)
            self.write(reports / f"{year}.yaml", text)

    # -- planning ----------------------------------------------------------------------

    def plan_documents(self, unit: UnitPlan, count: int) -> list[DocPlan]:
        """The unit's documents with names, numbers and dates, oldest first."""
        rng = self.rng
        chosen = self.choose_categories(unit.level)
        per_category = self.allocate(chosen, count)
        unit.categories = list(per_category)
        docs: list[DocPlan] = []
        policies: list[DocPlan] = []
        for category, n in per_category.items():
            if category == "政策解读":
                continue
            for _ in range(n):
                doc = self.plan_document(unit, category)
                docs.append(doc)
                if category == "行政规范性文件":
                    policies.append(doc)
        readings = per_category.get("政策解读", 0)
        pairs = min(readings, len(policies), 1 + readings // 3)
        for policy in rng.sample(policies, pairs):
            docs.append(self.plan_reading(unit, policy))
        for _ in range(readings - pairs):
            docs.append(self.plan_document(unit, "政策解读"))
        self.name_files(docs)
        docs.sort(key=lambda d: d.written)  # stable: same-day documents keep their order
        self.number(unit, docs)
        return docs

    def choose_categories(self, level: str) -> list[str]:
        """5 to 12 栏目: the core ones, then mostly those expected at this level."""
        rng = self.rng
        core = ["行政规范性文件", "机构职能"]
        if level == standard.LEVEL_TOWNSHIP:
            core.append(rng.choice(("农业农村政策", "筹资筹劳", "社会救助")))
        elif level == standard.LEVEL_GOVERNMENT:  # a government always explains its policies
            core += ["政策解读", rng.choice(("公共服务", "土地征收", "社会救助"))]
        others = [c for c in candidate_categories(level) if c not in core]
        # Default 栏目 of the level come first more often than the optional ones.
        keys = {
            c: rng.random() * (1 if level in standard.DEFAULTS_BY_NAME[c].levels else 3)
            for c in others
        }
        others.sort(key=lambda c: keys[c])
        chosen = core + others[: rng.randint(5, 12) - len(core)]
        return sorted(chosen, key=lambda name: standard.DEFAULT_ORDER[name])

    def allocate(self, categories: list[str], count: int) -> dict[str, int]:
        rng = self.rng
        if count < len(categories):
            picked = rng.sample(categories, count)
            return {c: 1 for c in categories if c in picked}
        weights = [3.0 if c == "行政规范性文件" else rng.uniform(0.5, 2.0) for c in categories]
        result = dict.fromkeys(categories, 1)
        for category in rng.choices(categories, weights=weights, k=count - len(categories)):
            result[category] += 1
        return result

    def plan_document(self, unit: UnitPlan, category: str) -> DocPlan:
        rng = self.rng
        template = rng.choice(V.TEMPLATES[category])
        topic = rng.choice(V.CATEGORY_TOPICS.get(category, unit.domain.topics))
        written = rng.choice(self.workdays)
        published = self.calendar.add_workdays(written, rng.randint(1, 5))
        year, quarter = previous_quarter(written)
        if "{q}" not in template.title:
            year = written.year
        fields = {
            "u": unit.name,
            "c": V.CITY,
            "t": topic,
            "d": unit.domain.name,
            "y": year,
            "q": V.chinese_number(quarter),
            "m": written.month,
        }
        doc = DocPlan(category, template, topic, written, published, fields)
        doc.title = template.title.format_map(fields)
        doc.inner = template.inner.format_map(fields) if template.inner else ""
        doc.base = template.file.format_map(fields)
        doc.table = rng.random() < 0.15
        doc.headings = rng.random() < 0.45
        doc.attachment = rng.random() < 0.11
        return doc

    def plan_reading(self, unit: UnitPlan, policy: DocPlan) -> DocPlan:
        """A 解读 published on the same day as the policy it explains."""
        rng = self.rng
        template = V.Template("", "", "interp")
        doc = DocPlan(
            "政策解读",
            template,
            policy.topic,
            policy.written,
            policy.published,
            dict(policy.fields),
        )
        doc.title = f"《{policy.inner or policy.title}》政策解读"
        doc.base = f"{policy.topic}政策解读"
        doc.headings = rng.random() < 0.6
        doc.interprets, policy.interpretation = policy, doc
        return doc

    def name_files(self, docs: list[DocPlan]) -> None:
        """Unique file names per 栏目, whose pinyin-initial URL segments are unique too."""
        taken: dict[str, set[str]] = {}
        counters: dict[tuple[str, str], int] = {}
        for doc in docs:
            slugs = taken.setdefault(doc.category, set())
            initials = self.initials.get(doc.base)
            if initials is None:
                initials = self.initials[doc.base] = pinyin_initials(doc.base)
            stem, slug = doc.base, initials
            if slug in slugs or slug in RESERVED:
                key = (doc.category, doc.base)
                number = counters.get(key, 1)
                while True:
                    number += 1
                    stem, slug = f"{doc.base}{number}", f"{initials}{number}"
                    if slug not in slugs:
                        break
                counters[key] = number
            slugs.add(slug)
            doc.stem = stem

    def number(self, unit: UnitPlan, docs: list[DocPlan]) -> None:
        """索引号 and 发文字号 in order of 成文日期; 有效性 and 附件 as planned."""
        rng = self.rng
        serials: dict[int, int] = {}
        doc_numbers: dict[tuple[str, int], int] = {}
        for doc in docs:
            year = doc.written.year
            serials[year] = serials.get(year, 0) + 1
            if serials[year] > 99999:
                raise SystemExit(f"{unit.name}: more than 99999 documents in {year}; use --units")
            doc.index_no = f"{unit.code}/{year}-{serials[year]:05d}"
            if doc.interprets is None and (doc.category == "行政规范性文件" or rng.random() < 0.55):
                code = rng.choice(unit.doc_codes)
                doc_numbers[code, year] = doc_numbers.get((code, year), 0) + 1
                doc.doc_no = f"{code}〔{year}〕{doc_numbers[code, year]}号"
            if doc.interprets is None and rng.random() < 0.03:
                first = doc.published + dt.timedelta(days=1)
                span = max(0, min(700, (LAST_REPEAL - first).days))
                doc.repeal_date = first + dt.timedelta(days=rng.randint(0, span))
                code = unit.doc_codes[0]
                doc.repealed_by = f"{code}〔{doc.repeal_date.year}〕{rng.randint(1, 80)}号"
            if doc.interprets is not None:
                doc.attachment = False

    # -- documents ---------------------------------------------------------------------

    def write_document(self, folder: str, unit: UnitPlan, doc: DocPlan) -> None:
        rng = self.rng
        lines = [
            "---",
            f"标题: {doc.title}",
            f"索引号: {doc.index_no}",
            f"主题分类: {rng.choice(unit.domain.subjects)}",
        ]
        if doc.doc_no:
            lines.append(f"发文字号: {doc.doc_no}")
        lines.append(f"成文日期: {doc.written.isoformat()}")
        lines.append(f"发布日期: {doc.published.isoformat()}")
        if doc.repeal_date:
            lines.append("有效性: 废止")
            lines.append(f"废止日期: {doc.repeal_date.isoformat()}")
            lines.append(f"废止依据: {doc.repealed_by}")
        else:
            lines.append("有效性: 有效")
        lines.append(f"内容概述: {self.summary(doc)}")
        if rng.random() < 0.5:
            lines.append(f"关键词: [{doc.topic}, {rng.choice(V.KEYWORDS)}]")
        attachment = ""
        if doc.attachment:
            attachment = f"{doc.topic}有关情况明细表"
            lines.append("附件:")
            lines.append(f"  - {{文件: 附件/{doc.stem}附表.csv, 名称: {attachment}}}")
            attachments = os.path.join(folder, "附件")
            os.makedirs(attachments, exist_ok=True)
            self.write(os.path.join(attachments, f"{doc.stem}附表.csv"), self.csv(doc))
        if doc.interpretation is not None:
            lines.append(f"解读: [../政策解读/{doc.interpretation.stem}.md]")
        lines.append("---")
        lines.append(self.body(unit, doc, attachment))
        self.write(os.path.join(folder, f"{doc.stem}.md"), "\n".join(lines))

    def summary(self, doc: DocPlan) -> str:
        f = doc.fields
        kind = doc.template.kind
        if kind == "measures":
            return f"明确{f['t']}的适用范围、职责分工、办理程序和监督管理要求。"
        if kind == "notice":
            return f"对{f['t']}工作作出部署，明确目标任务、工作措施和完成时限。"
        if kind == "interp":
            return f"从起草背景、主要内容和创新举措等方面解读{f['t']}有关政策。"
        if kind == "plan":
            return f"提出{f['t']}的指导思想、主要目标、重点任务和保障措施。"
        if kind == "info":
            return f"公开{f['u']}的主要职责、内设机构和联系方式。"
        if kind == "leaders":
            return f"公开{f['u']}领导班子成员的姓名、职务和工作分工。"
        if kind == "budget":
            return f"公开{f['u']}收支总体情况、“三公”经费和政府采购等信息。"
        if kind == "stats":
            return f"发布{f['t']}主要统计指标及其变动情况。"
        return f"公布{f['t']}有关情况，接受社会监督。"

    def body(self, unit: UnitPlan, doc: DocPlan, attachment: str) -> str:
        """Opening, then each section in turn up to a random length, then the closing lines."""
        body = COMPOSERS[doc.template.kind](self, unit, doc)
        if doc.table:
            body.head.append(self.table(doc))

        def ending() -> list[str]:
            """The closing lines, with the attachment named before the signature."""
            lines = body.tail()
            if attachment:
                lines.insert(len(lines) - 2 if body.signed else len(lines), f"附件：{attachment}")
            return lines

        target = self.rng.randint(MIN_BODY, MAX_BODY - MAX_BLOCK - 20)
        parts = body.head
        length = sum(len(p) + 2 for p in parts)
        reserve = sum(len(p) + 2 for p in ending()) + 8  # numbers in the ending may grow
        share = max(1, (target - length - reserve) // len(body.sections))
        for number, section in enumerate(body.sections):
            if number and length + reserve >= target:
                break
            last = number == len(body.sections) - 1
            start, first = length, True
            while first or (length + reserve < target and (last or length - start < share)):
                block = section.paragraph()
                if first:
                    block = section.open(block, doc.headings)
                    first = False
                parts.append(block)
                length += len(block) + 2
        text = "\n\n".join([*parts, *ending()]) + "\n"
        while len(text) < MIN_BODY:  # the ending came out shorter than measured
            parts.append(body.sections[-1].paragraph())
            text = "\n\n".join([*parts, *ending()]) + "\n"
        return text

    def text(self, template: str, doc: DocPlan, **extra) -> str:
        """A phrase of the vocabulary with its placeholders filled in for ``doc``."""
        if not extra and self.is_static(template):
            f = doc.fields
            key = (template, f["u"], f["t"], f.get("s"))
            phrase = self.phrases.get(key)
            if phrase is None:
                phrase = self.phrases[key] = template.format_map(f)
            return phrase
        return template.format_map(_Words(self.rng, doc, extra))

    def rendered(self, pool: tuple[str, ...], doc: DocPlan) -> list[str | None]:
        """The pool's phrases filled in for ``doc`` where they depend only on the unit and
        topic (remembered for the unit), None where they need fresh random words."""
        f = doc.fields
        key = (id(pool), f["t"], f.get("s"))
        texts = self.pools.get(key)
        if texts is None:
            texts = self.pools[key] = [
                self.text(phrase, doc) if self.is_static(phrase) else None for phrase in pool
            ]
        return texts

    def is_static(self, phrase: str) -> bool:
        static = self.static.get(phrase)
        if static is None:
            static = self.static[phrase] = set(PLACEHOLDER.findall(phrase)) <= STATIC_FIELDS
        return static

    def cycle(self, items: tuple[str, ...]) -> Iterator[str]:
        """The items in a random order, reshuffled each round, forever."""
        order = list(items)
        while True:
            self.rng.shuffle(order)
            yield from order

    def signature(self, unit: UnitPlan, doc: DocPlan) -> list[str]:
        day = doc.written
        return [unit.name, f"{day.year}年{day.month}月{day.day}日"]

    def table(self, doc: DocPlan) -> str:
        rng = self.rng
        columns = V.TABLE_COLUMNS[rng.choice(table_kinds(doc))]
        rows = [
            "| " + " | ".join(columns) + " |",
            "|" + "|".join("---" for _ in columns) + "|",
        ]
        for i in range(rng.randint(3, 8)):
            rows.append("| " + " | ".join(self.cell(c, i, doc) for c in columns) + " |")
        return "\n".join(rows)

    def cell(self, column: str, row: int, doc: DocPlan) -> str:
        rng = self.rng
        year = doc.written.year
        if column == "序号":
            return str(row + 1)
        if column == "事项名称":
            return f"{doc.topic}{rng.choice(('申请', '变更', '延续', '备案'))}"
        if column == "办理结果":
            return rng.choice(V.RESULTS)
        if column == "办结日期":
            return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if column == "项目名称":
            return f"{rng.choice(V.VILLAGES)}{doc.topic}项目"
        if column == "实施单位":
            return f"{rng.choice(V.VILLAGES)}村民委员会"
        if column == "资金（万元）":
            return f"{rng.randint(5, 900)}.{rng.randint(0, 9)}"
        if column == "完成时限":
            return f"{year}年{rng.randint(1, 12)}月"
        if column == "指标名称":
            return V.INDICATORS[row % len(V.INDICATORS)][0]
        if column == "单位":
            return V.INDICATORS[row % len(V.INDICATORS)][1]
        if column == "本期数":
            return f"{rng.randint(10, 9000)}.{rng.randint(0, 9)}"
        if column == "同比增长（%）":
            return f"{rng.randint(-30, 150) / 10:.1f}"
        if column == "村（社区）":
            return f"{rng.choice(V.VILLAGES)}村"
        if column in ("户数", "人数"):
            return str(rng.randint(1, 60) * (1 if column == "户数" else 3))
        if column == "金额（元）":
            return str(rng.randint(3, 900) * 100)
        if column == "检查对象":
            return company(rng)
        if column == "检查内容":
            return f"{doc.topic}落实情况"
        if column == "发现问题":
            return rng.choice(V.FINDINGS)
        return rng.choice(V.FIXES)

    def csv(self, doc: DocPlan) -> str:
        rng = self.rng
        rows = ["序号,名称,数量,金额（万元）,备注"]
        for i in range(rng.randint(3, 10)):
            name = f"{rng.choice(V.VILLAGES)}{doc.topic}"
            amount = f"{rng.randint(1, 500)}.{rng.randint(0, 9)}"
            rows.append(f"{i + 1},{name},{rng.randint(1, 40)},{amount},{rng.choice(V.FIXES)}")
        return "\n".join(rows) + "\n"

    # -- guide, rules, reports -----------------------------------------------------------

    def guide(self, unit: UnitPlan) -> str:
        rng = self.rng
        categories = "、".join(unit.categories) if unit.categories else "机构职能"
        updated = dt.date(2025, 1, rng.randint(6, 24))
        lines = [
            "---",
            f"标题: {unit.name}{standard.GUIDE.name}",
            f"更新日期: {updated.isoformat()}",
            f"信息分类: 本机关主动公开的政府信息分为{categories}等类别。",
            "编排体系: 政府信息按照政府信息公开指南、政府信息公开制度、法定主动公开内容、"
            f"政府信息公开工作年度报告四部分编排；法定主动公开内容按{categories}等栏目编排，"
            "栏目内按发布日期由近及远排列。",
            "获取方式:",
            f"  主动公开: 通过{V.CITY}人民政府门户网站“政府信息公开”专栏查阅，"
            "也可在市政务服务中心、市图书馆政府信息查阅点查阅。",
            "  依申请公开: 申请人可以通过当面提交、邮寄、传真或者在线申请等方式，"
            f"向{unit.office}提出申请。",
            "---",
        ]
        fields = {
            "u": unit.name,
            "o": unit.office,
            "addr": unit.address,
            "hours": HOURS,
            "phone": unit.phone,
            "fax": unit.fax,
            "email": unit.email,
        }
        for number, (heading, text) in enumerate(V.GUIDE_SECTIONS, 1):
            lines.append(f"## {V.chinese_number(number)}、{heading}")
            lines.append("")
            lines.append(text.format_map(fields))
            lines.append("")
        return "\n".join(lines)

    def rule(self, unit: UnitPlan, title: str, number: int) -> str:
        rng = self.rng
        written = dt.date(2023, 3 + 4 * number, rng.randint(1, 20))
        published = self.calendar.add_workdays(written, rng.randint(2, 8))
        code = unit.doc_codes[-1]
        lines = [
            "---",
            f"标题: {title.format(u=unit.name)}",
            f"发布日期: {published.isoformat()}",
            f"成文日期: {written.isoformat()}",
            f"发文字号: {code}〔{written.year}〕{rng.randint(1, 40)}号",
            "---",
        ]
        for i, text in enumerate(V.RULE_LINES, 1):
            lines.append(f"{V.chinese_number(i)}、{text}")
            lines.append("")
        return "\n".join(lines)

    def report(
        self, unit: UnitPlan, docs: list[DocPlan], year: int, carried_in: list[int]
    ) -> tuple[str, list[int]]:
        """One annual report whose tables add up; returns it and its 结转下年度 row."""
        rng = self.rng
        table3, carried_out = self.applications(carried_in)
        published = sum(1 for d in docs if d.published.year == year)
        table2 = {genre: table2_counts(docs, genre, year) for genre in ("规章", "行政规范性文件")}
        received = sum(table3["new_received"][:6])
        fields = {
            "u": unit.name,
            "y": year,
            "n": published,
            "k": table2["行政规范性文件"][0],
            "r": received,
        }
        lines = [
            f"年度: {year}",
            f"发布日期: {dt.date(year + 1, 1, rng.randint(10, 28)).isoformat()}",
            "未填视为0: false",
            "一、总体情况: |",
        ]
        lines += block([p.format_map(fields) for p in V.REPORT_OVERVIEW])
        lines.append("二、主动公开政府信息情况:")
        for genre, (made, repealed, in_force) in table2.items():
            lines.append(
                f"  {genre}: {{本年制发件数: {made}, 本年废止件数: {repealed}, 现行有效件数: {in_force}}}"
            )
        for row in ("行政许可", "行政处罚", "行政强制"):
            lines.append(f"  {row}: {{本年处理决定数量: {rng.randint(0, 400)}}}")
        fee = f"{rng.randint(0, 300)}.{rng.randint(0, 9)}"
        lines.append(f"  行政事业性收费: {{本年收费金额（单位：万元）: {fee}}}")
        lines.append("三、收到和处理政府信息公开申请情况:")
        for row in table3_rows():
            indent = "  " * (row.depth + 1)
            if row.key is None:
                lines.append(f"{indent}{row.label}:")
            else:
                values = table3[row.key]
                cells = ", ".join(str(v) for v in [*values, sum(values)])
                lines.append(f"{indent}{row.label}: [{cells}]")
        lines.append("四、政府信息公开行政复议、行政诉讼情况:")
        lines.append(f"  行政复议: {self.appeals(3)}")
        lines.append("  行政诉讼:")
        lines.append(f"    未经复议直接起诉: {self.appeals(1)}")
        lines.append(f"    复议后起诉: {self.appeals(1)}")
        lines.append("五、存在的主要问题及改进情况: |")
        lines += block([rng.choice(V.REPORT_PROBLEMS).format_map(fields)])
        lines.append("六、其他需要报告的事项: |")
        lines += block([rng.choice(V.REPORT_OTHER)])
        return "\n".join(lines) + "\n", carried_out

    def applications(self, carried_in: list[int]) -> tuple[dict[str, list[int]], list[int]]:
        """Table 三 by row key, six columns each: received + carried in = handled + carried out."""
        rng = self.rng
        keys = [row.key for row in table3_rows() if row.key]
        outcomes = keys[keys.index("granted") : keys.index("results_total")]
        weights = [OUTCOME_WEIGHTS.get(key, 0.5) for key in outcomes]
        table = {key: [0] * 6 for key in keys}
        table["carried_in"] = list(carried_in)
        for column, (low, high) in enumerate(APPLICANT_RANGES):
            received = rng.randint(low, high)
            total = received + carried_in[column]
            out = rng.randint(0, min(2, total)) if total and rng.random() < 0.3 else 0
            table["new_received"][column] = received
            table["carried_out"][column] = out
            table["results_total"][column] = total - out
            for key in rng.choices(outcomes, weights=weights, k=total - out):
                table[key][column] += 1
        return table, table["carried_out"]

    def appeals(self, most: int) -> str:
        rng = self.rng
        cells = [rng.randint(0, most), rng.randint(0, 1) if most > 1 else 0, 0, rng.randint(0, 1)]
        return "[" + ", ".join(str(v) for v in [*cells, sum(cells)]) + "]"


def table2_counts(docs: list[DocPlan], genre: str, year: int) -> tuple[int, int, int]:
    """本年制发, 本年废止, 现行有效 for ``genre``, counted the way report.derived counts them."""
    end = dt.date(year, 12, 31)
    same = [d for d in docs if d.genre == genre]
    made = sum(1 for d in same if d.written.year == year)
    repealed = sum(1 for d in same if d.repeal_date and d.repeal_date.year == year)
    in_force = sum(
        1 for d in same if d.written <= end and (d.repeal_date is None or d.repeal_date > end)
    )
    return made, repealed, in_force


def block(paragraphs: list[str]) -> list[str]:
    """A YAML literal block (after ``key: |``), paragraphs separated by blank lines."""
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append("")
        lines.append(f"  {paragraph}")
    return lines


def company(rng: random.Random) -> str:
    return f"{V.CITY}{rng.choice(V.COMPANY_NAMES)}{rng.choice(V.COMPANY_TRADES)}有限公司"


HOUSEHOLD_CATEGORIES = ("社会救助", "筹资筹劳", "农业农村政策", "宅基地使用情况审核", "民生保障")


def table_kinds(doc: DocPlan) -> tuple[int, ...]:
    """Which of V.TABLE_COLUMNS suit the document: items, projects, indicators, households
    or inspections."""
    kind = doc.template.kind
    if kind == "stats":
        return (2,)
    if kind == "budget":
        return (1,)
    if doc.category in HOUSEHOLD_CATEGORIES:
        return (3,)
    if doc.category in ("监督检查", "行政处罚", "行政强制"):
        return (4,)
    return (0, 1) if kind == "public" else (0, 1, 2)


def entry(rng: random.Random, doc: DocPlan) -> str:
    """One line of a 公示 list, in the form the 栏目 calls for; no personal numbers."""
    if doc.category == "人事信息":
        return f"{person(rng)}，拟聘用为{rng.choice(V.JOBS)}。"
    if doc.category in HOUSEHOLD_CATEGORIES:
        household = f"{rng.choice(V.VILLAGES)}村{rng.choice(V.SURNAMES)}某某"
        return f"{household}：{doc.topic}，{rng.choice(V.RESULTS)}。"
    return f"{company(rng)}：{doc.topic}，{rng.choice(V.RESULTS)}。"


def person(rng: random.Random) -> str:
    given = rng.choice(V.GIVEN) + (rng.choice(V.GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(V.SURNAMES) + given


# -- bodies -------------------------------------------------------------------------------
# A composer gives a body's opening paragraphs, its sections in order, and a function for
# the closing lines; SiteMaker.body shares the body's target length among the sections.


@dataclass
class Section:
    """A part of a body: its heading and where its paragraphs come from."""

    heading: str
    paragraph: Callable[[], str]
    plain: str = "inline"  # without Markdown headings: inline (一、…。text), bold, or hide
    level: int = 2  # Markdown heading level when the document has headings

    def open(self, first: str, headings: bool) -> str:
        """The section's first paragraph, with its heading in the document's style."""
        if not self.heading:
            return first
        if headings:
            return f"{'#' * self.level} {self.heading}\n\n{first}"
        if self.plain == "inline":
            return f"{self.heading}。{first}"
        if self.plain == "bold":
            return f"**{self.heading}**\n\n{first}"
        return first


@dataclass
class Composed:
    head: list[str]
    sections: list[Section]
    tail: Callable[[], list[str]]
    signed: bool = False  # the tail ends with the organ's name and the date


class Deck:
    """The phrases of a pool in a random order, filled in for a document; phrases that
    depend only on the unit and topic are filled in once.

    The order steps through the pool from a random start with a random stride coprime to
    its size, so every phrase comes once before any comes again, without a shuffle.
    """

    __slots__ = ("doc", "maker", "pool", "position", "size", "stride", "texts")

    def __init__(self, maker: SiteMaker, doc: DocPlan, pool: tuple[str, ...]):
        self.maker, self.doc, self.pool = maker, doc, pool
        self.texts = maker.rendered(pool, doc)
        self.size = len(pool)
        self.position = maker.rng.randint(0, self.size - 1)
        self.stride = maker.rng.choice(_strides(self.size))

    def draw(self) -> str:
        index = self.position = (self.position + self.stride) % self.size
        text = self.texts[index]
        return text if text is not None else self.maker.text(self.pool[index], self.doc)


@functools.cache
def _strides(size: int) -> tuple[int, ...]:
    return tuple(k for k in range(1, size + 1) if math.gcd(k, size) == 1)


def numbered(headings: list[str]) -> list[str]:
    return [f"{V.chinese_number(i)}、{h}" for i, h in enumerate(headings, 1)]


def pick_in_order(rng: random.Random, items: tuple[str, ...], low: int, high: int) -> list[str]:
    """Between low and high of ``items``, keeping their order."""
    count = min(len(items), rng.randint(low, high))
    return [items[i] for i in sorted(rng.sample(range(len(items)), count))]


def sentences(maker: SiteMaker, doc: DocPlan, pool: tuple[str, ...], low: int, high: int):
    """A paragraph maker: low to high sentences from ``pool``, few repeats."""
    deck, rng = Deck(maker, doc, pool), maker.rng

    def paragraph() -> str:
        draw = deck.draw
        return "".join([draw() for _ in range(rng.randint(low, high))])

    return paragraph


def self_name(doc: DocPlan) -> str:
    for ending, name in V.SELF_NAMES:
        if doc.base.endswith(ending):
            return name
    return "本办法"


def compose_measures(maker: SiteMaker, unit: UnitPlan, doc: DocPlan) -> Composed:
    """A 办法, 细则, 规定…: articles (第N条), in chapters when the document has headings."""
    rng = maker.rng
    doc.fields["s"] = self_name(doc)
    head: list[str] = []
    issued = bool(doc.inner) and doc.title.endswith("的通知")
    if issued:
        head.append(rng.choice(V.ADDRESSEES[unit.level]))
        head.append(f"现将《{doc.inner}》印发给你们，请认真贯彻执行。")
        head += maker.signature(unit, doc)
        head.append(f"## {doc.inner}")
    elif rng.random() < 0.5:
        head.append(rng.choice(V.ADDRESSEES[unit.level]))
    purpose = maker.text(rng.choice(V.PURPOSES), doc) + "，"
    purpose += maker.text(rng.choice(V.BASES), doc) + "，制定{s}。".format_map(doc.fields)
    opening = [purpose] + [maker.text(text, doc) for text in V.OPENING_ARTICLES]
    supply, extra = Deck(maker, doc, V.ARTICLES), Deck(maker, doc, V.SENTENCES)
    state = {"article": 0}

    def article() -> str:
        if opening:
            text = opening.pop(0)
        else:
            text = supply.draw()
            if rng.random() < 0.4:
                text += extra.draw()
        state["article"] += 1
        return f"第{V.chinese_number(state['article'])}条　{text}"

    level = 3 if issued else 2
    chapters = ["总则", *pick_in_order(rng, V.CHAPTERS[1:-1], 2, 4)]
    sections = [
        Section(f"第{V.chinese_number(i)}章　{name}", article, "hide", level)
        for i, name in enumerate(chapters, 1)
    ]
    effective = doc.written + dt.timedelta(days=30)
    closing = [
        maker.text(text, doc, y=effective.year, m=effective.month, day=effective.day)
        for text in V.CLOSING_ARTICLES
    ]

    def tail() -> list[str]:
        """附则 after the articles so far (asked for twice: to measure, then to write)."""
        number = state["article"]
        lines = [f"第{V.chinese_number(number + i)}条　{text}" for i, text in enumerate(closing, 1)]
        if doc.headings:
            lines[0] = (
                f"{'#' * level} 第{V.chinese_number(len(chapters) + 1)}章　附则\n\n{lines[0]}"
            )
        return lines if issued else [*lines, *maker.signature(unit, doc)]

    return Composed(head, sections, tail, signed=not issued)


def compose_sections(
    headings: tuple[str, ...], pool: tuple[str, ...], lead: tuple[str, ...]
) -> Callable[[SiteMaker, UnitPlan, DocPlan], Composed]:
    """Numbered sections (一、二、…) of a notice or plan, a few sentences per paragraph."""

    pool = pool + V.SENTENCES  # once, so that its filled-in phrases are remembered

    def compose(maker: SiteMaker, unit: UnitPlan, doc: DocPlan) -> Composed:
        rng = maker.rng
        opening = maker.text(rng.choice(V.PURPOSES), doc) + "，"
        opening += maker.text(rng.choice(V.BASES), doc) + "。" + rng.choice(lead)
        head = [rng.choice(V.ADDRESSEES[unit.level]), opening]
        paragraph = sentences(maker, doc, pool, 2, 3)
        chosen = pick_in_order(rng, headings, 3, 6)
        sections = [Section(h, paragraph) for h in numbered(chosen)]

        def tail() -> list[str]:
            return [maker.text(V.NOTICE_ENDS[len(chosen) % 3], doc), *maker.signature(unit, doc)]

        return Composed(head, sections, tail, signed=True)

    return compose


def compose_public(maker: SiteMaker, unit: UnitPlan, doc: DocPlan) -> Composed:
    """A 公示 or list of results: items, how they were handled, how to object."""
    rng = maker.rng
    head = [maker.text(rng.choice(V.PUBLIC_LEADS), doc)]
    counter = {"item": 0}

    def items() -> str:
        lines = []
        for _ in range(rng.randint(3, 6)):
            counter["item"] += 1
            lines.append(f"{counter['item']}. {entry(rng, doc)}")
        return "\n".join(lines)

    lines = sentences(maker, doc, V.PUBLIC_LINES, 1, 2)
    sections = [
        Section(h, f, "bold")
        for h, f in zip(numbered(list(V.PUBLIC_SECTIONS)), (items, lines, lines), strict=True)
    ]

    def tail() -> list[str]:
        end = maker.calendar.add_workdays(doc.published, 5)
        return [
            f"公示期：{doc.published.month}月{doc.published.day}日至{end.month}月{end.day}日。",
            f"联系电话：{unit.phone}",
            *maker.signature(unit, doc),
        ]

    return Composed(head, sections, tail, signed=True)


def compose_reading(maker: SiteMaker, unit: UnitPlan, doc: DocPlan) -> Composed:
    """A 政策解读: the questions every reading answers, then questions and answers."""
    rng = maker.rng
    head = [f"**解读机构：**{unit.name}"]
    policy = doc.interprets
    if policy is not None:
        name = policy.inner or policy.title
        number = f"（{policy.doc_no}）" if policy.doc_no else ""
        head.append(f"**关联文件：**[《{name}》{number}](../行政规范性文件/{policy.stem}.md)")
    paragraph = sentences(maker, doc, V.INTERP_LINES, 1, 3)
    chosen = [*pick_in_order(rng, V.INTERP_SECTIONS, 3, 5), "政策问答"]
    sections = [Section(h, paragraph, "bold") for h in numbered(chosen)]
    sections[-1].paragraph = Deck(maker, doc, V.READING_QA).draw

    def tail() -> list[str]:
        return ["本解读仅供参考，具体内容以文件原文为准。"]

    return Composed(head, sections, tail)


def compose_info(maker: SiteMaker, unit: UnitPlan, doc: DocPlan) -> Composed:
    """机构职能: duties, internal offices, contact."""
    duties, tasks = Deck(maker, doc, V.DUTIES), Deck(maker, doc, V.DUTIES)
    offices = maker.cycle(V.OFFICES)
    counter = {"duty": 0}

    def duty() -> str:
        counter["duty"] += 1
        return f"（{V.chinese_number(counter['duty'])}）{duties.draw()}"

    def office() -> str:
        return f"**{next(offices)}**：{tasks.draw()}"

    sections = [
        Section("一、主要职责", duty, "bold"),
        Section("二、内设机构", office, "bold"),
        Section("三、工作要求", sentences(maker, doc, V.SENTENCES, 2, 3), "bold"),
    ]

    def tail() -> list[str]:
        return [f"办公地址：{unit.address}　联系电话：{unit.phone}"]

    return Composed([f"根据有关规定，现将{unit.name}主要职责和内设机构公开如下。"], sections, tail)


def compose_leaders(maker: SiteMaker, unit: UnitPlan, doc: DocPlan) -> Composed:
    """领导信息: each member of the leadership with a short biography and duties."""
    rng = maker.rng
    posts = {"政府": V.GOV_POSTS, "乡镇": V.TOWN_POSTS}.get(unit.level, V.POSTS)
    extra = sentences(maker, doc, V.SENTENCES, 1, 2)
    sections = []
    for post in posts[: rng.randint(3, len(posts))]:
        lines = [
            maker.text(
                rng.choice(V.BIO_PARTS), doc, born=rng.randint(1968, 1985), bm=rng.randint(1, 12)
            ),
            f"负责{rng.choice(V.WORK_AREAS)}，分管{'、'.join(rng.sample(V.OFFICES, 2))}。",
        ]
        sections.append(
            Section(
                f"{person(rng)}　{post}",
                lambda lines=lines: lines.pop(0) if lines else extra(),
                "bold",
                3,
            )
        )

    def tail() -> list[str]:
        return [f"更新时间：{doc.written.year}年{doc.written.month}月"]

    return Composed([f"{unit.name}领导班子成员及工作分工如下。"], sections, tail)


def compose_budget(maker: SiteMaker, unit: UnitPlan, doc: DocPlan) -> Composed:
    """预决算: the usual parts of a 部门预算 or 决算 statement, amounts in 万元."""
    rng = maker.rng
    supply = maker.cycle(V.BUDGET_LINES)

    def amount() -> str:
        return f"{rng.randint(10, 3000)}.{rng.randint(0, 9)}"

    def paragraph() -> str:
        return maker.text(
            next(supply),
            doc,
            x=amount(),
            x2=amount(),
            x3=amount(),
            dx=amount(),
            p=rng.randint(5, 95),
            k=rng.randint(1, 30),
            k2=rng.randint(0, 5),
            trend=rng.choice(("增加", "减少")),
            cause=rng.choice(("增加", "调整", "压减")),
        )

    first = f"纳入{unit.name}{doc.written.year}年部门预算编制范围的单位共{rng.randint(1, 12)}个。"
    pending = [first]
    sections = [
        Section(h, lambda: pending.pop() if pending else paragraph(), "bold")
        for h in numbered(pick_in_order(rng, V.BUDGET_SECTIONS, 3, 6))
    ]

    def tail() -> list[str]:
        return ["名词解释：“三公”经费是指因公出国（境）费、公务用车购置及运行费和公务接待费。"]

    return Composed([], sections, tail)


def compose_stats(maker: SiteMaker, unit: UnitPlan, doc: DocPlan) -> Composed:
    """统计信息: indicators with their values and changes, and notes."""
    rng = maker.rng
    indicators = maker.cycle(V.INDICATORS)
    notes = maker.cycle(V.STATS_LINES)

    def indicator() -> str:
        name, measure = next(indicators)
        value = f"{rng.randint(1, 9000)}.{rng.randint(0, 9)}"
        change = f"{rng.randint(-50, 150) / 10:.1f}"
        return f"{name}{value}{measure}，同比增长{change}%。"

    def note() -> str:
        return maker.text(
            next(notes),
            doc,
            p=rng.randint(20, 80),
            g1=rng.randint(10, 80) / 10,
            g2=rng.randint(10, 80) / 10,
            g3=rng.randint(10, 80) / 10,
            k=rng.randint(200, 3000),
        )

    headings = numbered(list(V.STATS_SECTIONS))
    sections = [
        Section(headings[0], note, "bold"),
        Section(headings[1], indicator, "bold"),
        Section(headings[2], lambda: indicator() + note(), "bold"),
        Section(headings[3], note, "bold"),
    ]

    def tail() -> list[str]:
        return ["注：本数据为初步统计数，最终以统计年鉴公布数据为准。"]

    return Composed([f"{V.CITY}{doc.topic}主要统计数据发布如下。"], sections, tail)


COMPOSERS: dict[str, Callable[[SiteMaker, UnitPlan, DocPlan], Composed]] = {
    "measures": compose_measures,
    "notice": compose_sections(V.SECTIONS, (), V.NOTICE_LEADS),
    "plan": compose_sections(V.PLAN_SECTIONS, V.PLAN_LINES, ("特制定本规划。",)),
    "public": compose_public,
    "interp": compose_reading,
    "info": compose_info,
    "leaders": compose_leaders,
    "budget": compose_budget,
    "stats": compose_stats,
}


# -- site and unit files ----------------------------------------------------------------


def site_yaml() -> str:
    return (
        "# 合成测试站点：由 python -m bench.make_site 生成，用于性能测试，请勿手工修改。\n"
        f"site_name: {V.SITE_NAME}\n"
        f"base_url: {V.BASE_URL}\n"
        "footer:\n"
        f"  host: {V.SITE_NAME}办公室\n"
        '  site_code: "9999000099"\n'
        "  icp: 合ICP备00000099号-1\n"
    )


def unit_yaml(unit: UnitPlan, not_applicable: list[str]) -> str:
    lines = [
        f"名称: {unit.name}",
        f"统一社会信用代码: {unit.code}",
        f"层级: {unit.level}",
    ]
    if unit.parent:
        lines.append(f"上级: {unit.parent}")
    lines += [
        f"排序: {unit.index * 10}",
        "公开工作机构:",
        f"  名称: {unit.office}",
        f"  办公地址: {unit.address}",
        f"  办公时间: {HOURS}",
        f"  联系电话: {unit.phone}",
        f"  传真号码: {unit.fax}",
        f"  电子邮箱: {unit.email}",
        f'  邮政编码: "{unit.postcode}"',
        f"  网址: {V.BASE_URL}",
    ]
    if not_applicable:
        lines.append("不适用:")
        lines += [f"  - {item}" for item in not_applicable]
    return "\n".join(lines) + "\n"


# -- command line -------------------------------------------------------------------------


_worker: SiteMaker | None = None


def _start_worker(out: Path, documents: int, units: int, seed: int) -> None:
    global _worker
    _worker = SiteMaker(out, documents, units, seed)


def _make_unit(task: tuple[UnitPlan, int]) -> tuple[int, int]:
    """In a worker process: write one unit, return the files and bytes written."""
    assert _worker is not None
    files, size = _worker.written_files, _worker.written_bytes
    _worker.make_unit(*task)
    return _worker.written_files - files, _worker.written_bytes - size


def make_site(
    out: Path, documents: int, units: int | None = None, seed: int = 1, jobs: int = 1
) -> SiteMaker:
    """Write a synthetic site into ``out`` (which must not hold one yet).

    The files do not depend on ``jobs``, the number of processes that write them.
    """
    maker = SiteMaker(out, documents, units, seed)
    maker.make(jobs)
    return maker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.make_site", description="生成用于性能测试的合成站点"
    )
    parser.add_argument("out", type=Path, help="输出文件夹（将写入 site.yaml 和 content/）")
    parser.add_argument("--documents", type=int, default=10000, help="文档总数（默认 10000）")
    parser.add_argument("--units", type=int, default=None, help="机关数（默认 文档数/100，至少 3）")
    parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="并行进程数（默认为处理器核数；不影响生成结果）",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="先删除输出文件夹中已有的 site.yaml、content/ 和 output/",
    )
    args = parser.parse_args(argv)
    if args.documents < 0 or (args.units is not None and args.units < 1):
        parser.error("--documents 不能为负数，--units 至少为 1")
    out: Path = args.out
    existing = [out / name for name in ("site.yaml", "content", "output") if (out / name).exists()]
    if existing and not args.force:
        print(f"{out} 中已有站点文件；如需覆盖请加 --force", file=sys.stderr)
        return 1
    for path in existing:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            os.remove(path)
    started = time.perf_counter()
    maker = make_site(out, args.documents, args.units, args.seed, args.jobs)
    seconds = time.perf_counter() - started
    print(
        f"已生成 {maker.unit_count} 个机关、{args.documents} 篇文档："
        f"{maker.written_files} 个文件，{maker.written_bytes / 1e6:.1f} MB，用时 {seconds:.1f} 秒"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
