"""Load the ``content/`` tree into the model: one folder per unit, four parts in each.

This stage only reads and validates what it must to build a correct model (files parse,
required fields are there, paths resolve, URLs are unique). Whether the content follows
the regulations is the business of ``check``.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import standard
from generator.cache import FileCache
from generator.collector import collector_paused
from generator.config import SiteConfig
from generator.errors import Problem, Problems
from generator.forked import can_fork, forked_map
from generator.links import inside
from generator.model import (
    AnnualReport,
    Attachment,
    Category,
    Contact,
    Document,
    Guide,
    Rule,
    Site,
    Unit,
)
from generator.report import ReportData, parse_report
from generator.slugs import (
    VALID_SLUG,
    SlugCollision,
    SlugRequest,
    assign_slugs,
    known_initials,
    learn_initials,
    pinyin_initials,
)
from generator.source import (
    LineDict,
    MarkdownSource,
    load_markdown,
    load_yaml_file,
    normalise_keys,
    parse_date,
    text_value,
)

UNIT_FILE = "_unit.yaml"
CATEGORY_FILE = "_栏目.yaml"
GUIDE_FILE = standard.GUIDE.name + ".md"
REPORT_NAME = re.compile(r"^(\d{4})\.ya?ml$")


def _aliases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """canonical -> spellings, turned into spelling -> canonical."""
    return {spelling: key for key, spellings in table.items() for spelling in (key, *spellings)}


UNIT_KEYS = _aliases(
    {
        "名称": ("name",),
        "统一社会信用代码": ("code", "机构代码"),
        "层级": ("level",),
        "上级": ("parent",),
        "排序": ("order",),
        "slug": (),
        "公开工作机构": ("contact",),
        "不适用": ("not_applicable",),
    }
)
CONTACT_KEYS = _aliases(
    {
        "名称": ("name",),
        "办公地址": ("address",),
        "办公时间": ("hours",),
        "联系电话": ("phone", "电话"),
        "传真号码": ("fax", "传真"),
        "电子邮箱": ("email", "邮箱", "互联网联系方式"),
        "邮政编码": ("postcode", "邮编"),
        "网址": ("website",),
    }
)
CATEGORY_KEYS = _aliases(
    {"slug": (), "排序": ("order",), "说明": ("description",), "条例条款": ("article",)}
)
DOCUMENT_KEYS = _aliases(
    {
        "标题": ("title", "名称"),
        "索引号": ("index_no",),
        "主题分类": ("subject",),
        "发文机关": ("publisher", "发布机构"),
        "发文字号": ("doc_no", "文号"),
        "成文日期": ("written_date", "生成日期"),
        "发布日期": ("publish_date",),
        "有效性": ("validity",),
        "废止日期": ("repeal_date", "失效日期"),
        "废止依据": ("repealed_by",),
        "内容概述": ("summary", "摘要"),
        "关键词": ("keywords",),
        "附件": ("attachments",),
        "解读": ("interpretations",),
        "文种": ("genre",),
        "slug": (),
    }
)
GUIDE_KEYS = _aliases(
    {
        "标题": ("title",),
        "更新日期": ("updated",),
        "信息分类": ("classification",),
        "编排体系": ("arrangement",),
        "获取方式": ("access",),
    }
)
ACCESS_KEYS = _aliases({"主动公开": ("proactive",), "依申请公开": ("on_request",)})
RULE_KEYS = _aliases(
    {
        "标题": ("title",),
        "发布日期": ("publish_date",),
        "成文日期": ("written_date",),
        "发文字号": ("doc_no",),
        "slug": (),
    }
)
ATTACHMENT_KEYS = _aliases({"文件": ("file", "path"), "名称": ("title", "name")})


class _Loader:
    """Reads one site's content tree; holds only the config and the problem list."""

    def __init__(
        self,
        config: SiteConfig,
        problems: Problems,
        cache: FileCache | None,
        reuse: Mapping[str, UnitLoad] | None = None,
        jobs: int = 1,
    ):
        self.config = config
        self.problems = problems
        self.content = config.content_dir
        self.cache = cache
        self.reuse = reuse or {}
        self.jobs = jobs
        self.loads: dict[str, UnitLoad] = {}

    def _read(self, kind: str, path: Path, work):
        """Parse ``path`` with ``work``, reusing the last result while the file is unchanged."""
        if self.cache is None:
            return work(path, self.problems)
        return self.cache.get(kind, path, work, self.problems)

    # -- site and units -------------------------------------------------------------

    def site(self) -> Site:
        home = f"{self.config.column_root}/" if self.config.column_root else ""
        if not self.content.is_dir():
            self.problems.error(self.content, None, "找不到 content 文件夹")
            return Site(units=[], home_url=home)
        heads: list[_UnitHead] = []
        for entry in sorted(self.content.iterdir()):
            if _hidden(entry):
                continue
            if not entry.is_dir():
                self.problems.warn(entry, None, "content/ 下只应存放机关文件夹，此文件不会发布")
                continue
            heads.append(self._unit_head(entry))
        slugs = self._slugs([SlugRequest(h.folder.name, h.override) for h in heads], self.content)
        urls = {head.folder.name: f"{home}{slugs[head.folder.name]}/" for head in heads}
        self._read_in_parallel(heads, urls)
        units = [self._unit_load(head, urls[head.folder.name]) for head in heads]
        self._check_parents(units)
        units.sort(key=_unit_sort_key)
        return Site(units=units, home_url=home)

    def _read_in_parallel(self, heads: list[_UnitHead], urls: dict[str, str]) -> None:
        """Read the units to read in ``jobs`` forked processes, and reuse what they read.

        Only without a file cache (a one-shot build: serve keeps every parsed file for its
        next rebuild, which a worker's cache would not give back). Reading is about 0.7 ms
        a document; the units travel back pickled, at about a tenth of that.
        """
        todo = [h for h in heads if h.read]
        if self.jobs <= 1 or self.cache is not None or len(todo) < 2 or not can_fork():
            return
        jobs = min(self.jobs, len(todo))
        config = self.config
        done: list = [None] * len(todo)
        with collector_paused():  # the units are unpickled here, in bulk
            for index, read in forked_map(
                lambda n: (n, _read_unit(config, todo[n], urls[todo[n].folder.name])),
                len(todo),
                jobs,
            ):
                done[index] = read
            # The units live as long as the build: kept from the collector's young
            # generations, which would walk all of them twice once it is on again
            # (0.15 s at 10,000 documents, on one core while the other waited).
            gc.freeze()
        reuse = dict(self.reuse)
        for head, (load, initials) in zip(todo, done, strict=True):
            reuse[head.folder.name] = load
            learn_initials(initials)
        self.reuse = reuse

    def _unit_head(self, folder: Path, reuse: bool = True) -> _UnitHead:
        """The unit's _unit.yaml, read unless the unit is reused: its slug override is
        all the site needs of it then (re-reading 100 unit files costs a rebuild at
        10,000 documents about 0.1 s)."""
        reused = self.reuse.get(folder.name) if reuse else None
        if reused is not None:
            return _UnitHead(folder, None, reused.override, [], read=False)
        outer, self.problems = self.problems, Problems()
        try:
            # A unit whose _unit.yaml is broken is still read, so that the problems in
            # its documents are reported in the same run.
            data = self._unit_yaml(folder)
            override = self._slug_override(data, folder / UNIT_FILE)
            return _UnitHead(folder, data, override, self.problems.items)
        finally:
            self.problems = outer

    def _unit_load(self, head: _UnitHead, url: str) -> Unit:
        """Load one unit, or take it from ``reuse`` when its folder has not changed."""
        folder = head.folder
        load = self.reuse.get(folder.name)
        if load is None or load.unit.url != url:
            if not head.read:  # reused but moved to another address: read it after all
                head = self._unit_head(folder, reuse=False)
            load = self._fresh_load(head, url)
        self.problems.items.extend(load.problems)
        self.loads[folder.name] = load
        return load.unit

    def _fresh_load(self, head: _UnitHead, url: str) -> UnitLoad:
        """Read the unit of ``head`` at ``url``, with the problems found in its folder
        (those of its _unit.yaml first)."""
        outer, self.problems = self.problems, Problems()
        try:
            unit = self._unit(head.folder, head.data, url)
            return UnitLoad(unit, head.problems + self.problems.items, head.override)
        finally:
            self.problems = outer

    def _unit_yaml(self, folder: Path) -> LineDict | None:
        path = folder / UNIT_FILE
        if not path.is_file():
            self.problems.error(
                path,
                None,
                f"机关文件夹“{folder.name}”缺少 {UNIT_FILE}（机关名称、统一社会信用代码、层级等）",
            )
            return None
        raw = self._read("yaml", path, load_yaml_file)
        return normalise_keys(raw, UNIT_KEYS, path, self.problems) if raw is not None else None

    def _unit(self, folder: Path, data: LineDict | None, url: str) -> Unit:
        path = folder / UNIT_FILE
        readable = data is not None
        data = data if readable else LineDict()
        name = (self._required_text(data, "名称", path) if readable else "") or folder.name
        level = text_value(data.get("层级"))
        if level not in standard.LEVELS:
            if readable:
                shown = f"“{level}”" if level else "未填写"
                self.problems.error(
                    path,
                    data.line_of("层级"),
                    f"层级{shown}，应为 {' / '.join(standard.LEVELS)} 之一",
                )
            level = standard.LEVEL_DEPARTMENT
        unit = Unit(
            key=folder.name,
            source=path,
            name=name,
            code=self._required_text(data, "统一社会信用代码", path) if readable else "",
            level=level,
            slug=url.rstrip("/").rsplit("/", 1)[-1],
            url=url,
            parent_key=text_value(data.get("上级")),
            order=self._int(data, "排序", path),
            contact=self._contact(data.get("公开工作机构"), data.line_of("公开工作机构"), path),
            not_applicable=self._article_items(data, path),
        )
        unit.part_urls = {
            part.name: f"{url}{part.slug}/" for part in (*standard.PARTS, standard.CATALOGUE)
        }
        self._unit_parts(folder, unit)
        return unit

    def _contact(self, raw: Any, line: int, path: Path) -> Contact:
        if raw is None:
            return Contact()
        if not isinstance(raw, LineDict):
            self.problems.error(path, line, "公开工作机构应为“键: 值”形式的映射")
            return Contact()
        data = normalise_keys(raw, CONTACT_KEYS, path, self.problems)
        return Contact(
            name=text_value(data.get("名称")),
            address=text_value(data.get("办公地址")),
            hours=text_value(data.get("办公时间")),
            phone=text_value(data.get("联系电话")),
            fax=text_value(data.get("传真号码")),
            email=text_value(data.get("电子邮箱")),
            postcode=text_value(data.get("邮政编码")),
            website=text_value(data.get("网址")),
        )

    def _article_items(self, data: LineDict, path: Path) -> tuple[str, ...]:
        """条例 items the unit has no function for (不适用), e.g. 第二十条第（八）项."""
        items = self._text_list(data, "不适用", path)
        for item in items:
            if item not in standard.ARTICLE_ITEMS:
                self.problems.error(
                    path,
                    data.line_of("不适用"),
                    f"不适用中的“{item}”不是《条例》的条款项，应写成如“第二十条第（八）项”或“第二十一条”",
                )
        return tuple(item for item in items if item in standard.ARTICLE_ITEMS)

    def _check_parents(self, units: list[Unit]) -> None:
        keys = {unit.key for unit in units}
        for unit in units:
            if unit.parent_key and unit.parent_key not in keys:
                self.problems.error(
                    unit.source, None, f"上级“{unit.parent_key}”不是 content/ 下的机关文件夹名"
                )

    def _unit_parts(self, folder: Path, unit: Unit) -> None:
        known = {
            UNIT_FILE,
            GUIDE_FILE,
            standard.RULES.name,
            standard.STATUTORY.name,
            standard.REPORTS.name,
        }
        for entry in sorted(folder.iterdir()):
            if _hidden(entry) or entry.name in known:
                continue
            if entry.suffix == ".md":
                self.problems.error(
                    entry,
                    None,
                    f"文档应放在“{standard.STATUTORY.name}/<栏目>/”文件夹中，或为“{GUIDE_FILE}”",
                )
            else:
                self.problems.warn(
                    entry, None, "不属于政府信息公开四个部分的文件或文件夹，不会发布"
                )
        if (folder / GUIDE_FILE).is_file():
            unit.guide = self._guide(folder / GUIDE_FILE, unit)
        unit.rules = self._rules(folder / standard.RULES.name, unit)
        unit.categories = self._categories(folder / standard.STATUTORY.name, unit)
        unit.reports = self._reports(folder / standard.REPORTS.name, unit)

    # -- guide and rules --------------------------------------------------------------

    def _guide(self, path: Path, unit: Unit) -> Guide | None:
        source = self._read("markdown", path, load_markdown)
        if source is None:
            return None
        meta = normalise_keys(source.meta, GUIDE_KEYS, path, self.problems)
        access = meta.get("获取方式")
        proactive = on_request = ""
        if isinstance(access, LineDict):
            access = normalise_keys(access, ACCESS_KEYS, path, self.problems)
            proactive = text_value(access.get("主动公开"))
            on_request = text_value(access.get("依申请公开"))
        elif access is not None:
            on_request = text_value(access)
        updated = meta.get("更新日期")
        return Guide(
            source=path,
            title=text_value(meta.get("标题")) or f"{unit.name}{standard.GUIDE.name}",
            url=unit.part_urls[standard.GUIDE.name],
            updated=self._date(meta, "更新日期", path) if updated is not None else None,
            classification=text_value(meta.get("信息分类")),
            arrangement=text_value(meta.get("编排体系")),
            access_proactive=proactive,
            access_on_request=on_request,
            body=source.body,
            body_line=source.body_line,
            meta_lines=dict(meta.lines),
        )

    def _rules(self, folder: Path, unit: Unit) -> list[Rule]:
        sources = list(self._markdown_files(folder, "制度"))
        metas = {}
        for source in sources:
            metas[source.path] = normalise_keys(source.meta, RULE_KEYS, source.path, self.problems)
        requests = [
            SlugRequest(s.path.stem, self._slug_override(metas[s.path], s.path)) for s in sources
        ]
        slugs = self._slugs(requests, folder)
        base = unit.part_urls[standard.RULES.name]
        rules = []
        for source in sources:
            meta = metas[source.path]
            title = self._required_text(meta, "标题", source.path)
            publish = self._date(meta, "发布日期", source.path, required=True)
            written = self._date(meta, "成文日期", source.path) if "成文日期" in meta else None
            if publish is None:
                continue
            rules.append(
                Rule(
                    source=source.path,
                    title=title or source.path.stem,
                    url=f"{base}{slugs[source.path.stem]}/",
                    publish_date=publish,
                    written_date=written,
                    doc_no=text_value(meta.get("发文字号")),
                    body=source.body,
                    body_line=source.body_line,
                    digest=source.digest,
                )
            )
        rules.sort(key=lambda r: (-r.publish_date.toordinal(), r.title))
        return rules

    # -- 法定主动公开内容 ------------------------------------------------------------

    def _categories(self, folder: Path, unit: Unit) -> list[Category]:
        if not folder.is_dir():
            return []
        entries = []
        for entry in sorted(folder.iterdir()):
            if _hidden(entry):
                continue
            if entry.is_dir():
                entries.append((entry, self._category_yaml(entry)))
            elif entry.suffix == ".md":
                self.problems.error(
                    entry, None, "文档必须放在栏目文件夹中，如“法定主动公开内容/行政规范性文件/”"
                )
            else:
                self.problems.warn(
                    entry, None, "法定主动公开内容下只应有栏目文件夹，此文件不会发布"
                )
        requests = [
            SlugRequest(d.name, self._slug_override(meta, d / CATEGORY_FILE)) for d, meta in entries
        ]
        slugs = self._slugs(requests, folder)
        base = unit.part_urls[standard.STATUTORY.name]
        categories = [
            self._category(d, meta, f"{base}{slugs[d.name]}/", unit) for d, meta in entries
        ]
        categories.sort(key=lambda c: (c.order, standard.DEFAULT_ORDER.get(c.name, 999), c.name))
        return categories

    def _category_yaml(self, folder: Path) -> LineDict:
        path = folder / CATEGORY_FILE
        if not path.is_file():
            return LineDict()
        raw = self._read("yaml", path, load_yaml_file)
        return normalise_keys(raw, CATEGORY_KEYS, path, self.problems) if raw else LineDict()

    def _category(self, folder: Path, meta: LineDict, url: str, unit: Unit) -> Category:
        default = standard.DEFAULTS_BY_NAME.get(folder.name)
        category = Category(
            name=folder.name,
            slug=url.rstrip("/").rsplit("/", 1)[-1],
            url=url,
            source=folder,
            article=text_value(meta.get("条例条款")) or (default.article if default else ""),
            description=text_value(meta.get("说明")),
            order=self._int(meta, "排序", folder / CATEGORY_FILE),
        )
        category.documents = self._documents(folder, category, unit)
        return category

    def _documents(self, folder: Path, category: Category, unit: Unit) -> list[Document]:
        sources = list(self._markdown_files(folder, "文档"))
        metas = {
            s.path: normalise_keys(s.meta, DOCUMENT_KEYS, s.path, self.problems) for s in sources
        }
        requests = [
            SlugRequest(s.path.stem, self._slug_override(metas[s.path], s.path)) for s in sources
        ]
        slugs = self._slugs(requests, folder)
        documents = []
        for source in sources:
            url = f"{category.url}{slugs[source.path.stem]}/"
            document = self._document(source, metas[source.path], url, category, unit)
            if document is not None:
                documents.append(document)
        documents.sort(key=_newest_first)
        return documents

    def _document(
        self, source: MarkdownSource, meta: LineDict, url: str, category: Category, unit: Unit
    ) -> Document | None:
        path = source.path
        title = self._required_text(meta, "标题", path)
        written = self._date(meta, "成文日期", path, required=True)
        published = self._date(meta, "发布日期", path, required=True)
        if written is None or published is None or not title:
            return None
        validity = text_value(meta.get("有效性")) or "有效"
        if validity not in standard.VALIDITY_VALUES:
            self.problems.error(
                path,
                meta.line_of("有效性"),
                f"有效性“{validity}”不正确，应为 {' / '.join(standard.VALIDITY_VALUES)} 之一",
            )
        genre = text_value(meta.get("文种")) or standard.GENRE_BY_CATEGORY.get(
            category.name, standard.GENRE_OTHER
        )
        if genre not in standard.GENRES:
            self.problems.error(
                path,
                meta.line_of("文种"),
                f"文种“{genre}”不正确，应为 {' / '.join(standard.GENRES)} 之一",
            )
        return Document(
            source=path,
            unit_key=unit.key,
            category=category.name,
            title=title,
            url=url,
            written_date=written,
            publish_date=published,
            index_no=text_value(meta.get("索引号")),
            subject=text_value(meta.get("主题分类")),
            publisher=text_value(meta.get("发文机关")) or unit.name,
            doc_no=text_value(meta.get("发文字号")),
            validity=validity,
            repeal_date=self._date(meta, "废止日期", path) if "废止日期" in meta else None,
            repealed_by=text_value(meta.get("废止依据")),
            summary=text_value(meta.get("内容概述")) or derive_summary(source.body),
            keywords=self._text_list(meta, "关键词", path),
            genre=genre,
            attachments=self._attachments(meta, path, url),
            interpretation_refs=self._refs(meta, "解读", path),
            body=source.body,
            body_line=source.body_line,
            meta_lines=dict(meta.lines),
            digest=source.digest,
            meta_digest=source.meta_digest,
        )

    def _attachments(self, meta: LineDict, path: Path, page_url: str) -> list[Attachment]:
        raw = meta.get("附件")
        if raw is None:
            return []
        line = meta.line_of("附件")
        items = raw if isinstance(raw, list) else [raw]
        found: list[tuple[Path, str]] = []
        for item in items:
            resolved = self._attachment_item(item, line, path)
            if resolved is not None:
                found.append(resolved)
        # Slugs come from the stem; the suffix is kept so that the type stays visible.
        names, _ = assign_slugs(
            SlugRequest(f.name, pinyin_initials(f.stem) or None) for f, _ in found
        )
        attachments = []
        for file, title in found:
            slug = names[file.name]
            attachments.append(
                Attachment(
                    source=file,
                    title=title or file.stem,
                    url=f"{page_url}{slug}{file.suffix.lower()}",
                    size=file.stat().st_size,
                )
            )
        return attachments

    def _attachment_item(self, item: Any, line: int, path: Path) -> tuple[Path, str] | None:
        title = ""
        if isinstance(item, LineDict):
            line = item.line
            data = normalise_keys(item, ATTACHMENT_KEYS, path, self.problems)
            title = text_value(data.get("名称"))
            item = data.get("文件")
        target = text_value(item)
        if not target:
            self.problems.error(path, line, "附件缺少文件路径（文件: 相对路径）")
            return None
        file = (path.parent / target).resolve()
        if not inside(file, self.content):
            self.problems.error(path, line, f"附件“{target}”不在 content 文件夹内，不能发布")
            return None
        if not file.is_file():
            self.problems.error(
                path, line, f"附件文件“{target}”不存在（路径相对于本文档所在文件夹）"
            )
            return None
        return file, title

    # -- annual reports -------------------------------------------------------------

    def _reports(self, folder: Path, unit: Unit) -> list[AnnualReport]:
        if not folder.is_dir():
            return []
        reports = []
        for entry in sorted(folder.iterdir()):
            if _hidden(entry):
                continue
            match = REPORT_NAME.match(entry.name)
            if not match or not entry.is_file():
                self.problems.error(entry, None, "年度报告文件名应为“年份.yaml”，如 2024.yaml")
                continue
            report = self._report(entry, int(match.group(1)), unit)
            if report is not None:
                reports.append(report)
        reports.sort(key=lambda r: -r.year)
        return reports

    def _report(self, path: Path, year: int, unit: Unit) -> AnnualReport | None:
        loaded = self._read("report", path, _load_report)
        if loaded is None:
            return None
        data, cells = loaded
        stated = data.get("年度")
        if stated is not None and stated != year:
            self.problems.error(
                path, data.line_of("年度"), f"年度“{stated}”与文件名中的年份 {year} 不一致"
            )
        published = self._date(data, "发布日期", path) if "发布日期" in data else None
        return AnnualReport(
            source=path,
            year=year,
            title=text_value(data.get("标题")) or f"{unit.name}{year}年{standard.REPORTS.name}",
            url=f"{unit.part_urls[standard.REPORTS.name]}{year}/",
            publish_date=published,
            data=cells,
        )

    # -- helpers --------------------------------------------------------------------

    def _markdown_files(self, folder: Path, what: str) -> Iterable[MarkdownSource]:
        if not folder.is_dir():
            return
        for entry in sorted(folder.iterdir()):
            if _hidden(entry) or entry.name == CATEGORY_FILE:
                continue
            if entry.is_dir():
                if any(entry.rglob("*.md")):
                    self.problems.error(
                        entry, None, f"不支持多级栏目：{what}应直接放在“{folder.name}”文件夹中"
                    )
                continue
            if entry.suffix != ".md":
                continue
            source = self._read("markdown", entry, load_markdown)
            if source is not None:
                yield source

    def _slugs(self, requests: list[SlugRequest], folder: Path) -> dict[str, str]:
        slugs, collisions = assign_slugs(requests)
        for collision in collisions:
            self._report_collision(collision, folder)
        return slugs

    def _report_collision(self, collision: SlugCollision, folder: Path) -> None:
        winner = f"“{collision.winner}”" if collision.winner else "站点保留名称"
        self.problems.warn(
            folder / collision.loser,
            None,
            f"“{collision.loser}”生成的网址“{collision.wanted}”已被{winner}使用，"
            f"已改用“{collision.assigned}”；如需固定网址，请在其中一方写 slug",
        )

    def _slug_override(self, meta: LineDict | None, path: Path) -> str | None:
        if not meta or "slug" not in meta:
            return None
        slug = text_value(meta.get("slug"))
        if VALID_SLUG.match(slug):
            return slug
        self.problems.error(
            path, meta.line_of("slug"), f"slug“{slug}”只能包含小写字母、数字和连字符"
        )
        return None

    def _required_text(self, data: LineDict, key: str, path: Path) -> str:
        value = text_value(data.get(key))
        if not value:
            self.problems.error(path, data.line_of(key) if key in data else None, f"缺少{key}")
        return value

    def _date(self, data: LineDict, key: str, path: Path, required: bool = False):
        if key not in data or data.get(key) in (None, ""):
            if required:
                self.problems.error(path, data.line_of(key) if key in data else None, f"缺少{key}")
            return None
        return parse_date(data[key], path, data.line_of(key), self.problems, key)

    def _int(self, data: LineDict, key: str, path: Path) -> int:
        value = data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.error(path, data.line_of(key), f"{key}应为整数")
            return 0
        return value

    def _text_list(self, data: LineDict, key: str, path: Path) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return [text_value(v) for v in value if text_value(v)]
        return [part for part in re.split(r"[,，、;；\s]+", text_value(value)) if part]

    def _refs(self, data: LineDict, key: str, path: Path) -> list[tuple[str, int]]:
        value = data.get(key)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        return [(text_value(item), data.line_of(key)) for item in items if text_value(item)]


@dataclass
class UnitLoad:
    """A loaded unit and the problems found in its folder, kept by ``serve`` for reuse."""

    unit: Unit
    problems: list[Problem]
    override: str | None = None  # the slug set in _unit.yaml


@dataclass
class _UnitHead:
    """A unit folder's _unit.yaml as the site's slugs need it, before the unit is read."""

    folder: Path
    data: LineDict | None
    override: str | None
    problems: list[Problem]  # found in _unit.yaml
    read: bool = True  # False: a reused unit, its _unit.yaml not read again


def load_site(
    config: SiteConfig,
    problems: Problems,
    cache: FileCache | None = None,
    reuse: Mapping[str, UnitLoad] | None = None,
    loads: dict[str, UnitLoad] | None = None,
    jobs: int = 1,
) -> Site:
    """Read ``content/`` into a :class:`Site`; problems go to ``problems``.

    ``serve`` passes a ``cache`` so that unchanged files are not parsed again, and
    ``reuse``: the units whose folders did not change, taken as they are. ``loads``
    receives every unit loaded, for the next call. Without a cache, units are read by
    ``jobs`` processes.
    """
    loader = _Loader(config, problems, cache, reuse, jobs)
    site = loader.site()
    if loads is not None:
        loads.update(loader.loads)
    return site


def reload_units(
    config: SiteConfig, stored: Mapping[str, UnitLoad], cache: FileCache | None = None
) -> dict[str, UnitLoad] | None:
    """The units of ``stored`` read afresh, at the addresses they had, for a rebuild
    that takes every other unit as it was (files parsed before are taken from ``cache``);
    None where one of them may not keep its address or its place (its folder is gone,
    its slug setting, rank or 上级 changed): only reading the whole site settles those.
    Problems are in each load."""
    loader = _Loader(config, Problems(), cache)
    fresh: dict[str, UnitLoad] = {}
    for key, old in stored.items():
        folder = config.content_dir / key
        if not folder.is_dir():
            return None
        head = loader._unit_head(folder, reuse=False)
        if head.override != old.override:
            return None
        load = loader._fresh_load(head, old.unit.url)
        if _place(load.unit) != _place(old.unit):
            return None
        fresh[key] = load
    return fresh


def _place(unit: Unit) -> tuple:
    """What places a unit among the others: its rank in the site's order, and its 上级."""
    return (unit.level, unit.order, unit.name, unit.parent_key)


def _read_unit(config: SiteConfig, head: _UnitHead, url: str) -> tuple[UnitLoad, dict[str, str]]:
    """One unit read in a worker (see _Loader._read_in_parallel), with the pinyin
    initials worked out on the way, which the build cache keeps for later builds."""
    before = known_initials()
    load = _Loader(config, Problems(), None)._fresh_load(head, url)
    learnt = {name: slug for name, slug in known_initials().items() if name not in before}
    return load, learnt


def _load_report(path: Path, problems: Problems) -> tuple[LineDict, ReportData] | None:
    """A report file and its national-format cells, parsed together (and cached together)."""
    data = load_yaml_file(path, problems)
    return None if data is None else (data, parse_report(path, data, problems))


def derive_summary(body: str, limit: int = 120) -> str:
    """内容概述 for the catalogue when the editor gave none: the body's first prose."""
    for block in re.split(r"\n\s*\n", body):
        text = block.strip()
        if not text or text.startswith(("#", "|", "```", "<", "![")):
            continue
        text = re.sub(r"<[^>]*>", "", text)
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"[*_`>#]|\[\^[^\]]*\]", "", text)
        text = re.sub(r"\s+", "", text)
        return text if len(text) <= limit else text[:limit] + "……"
    return ""


def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "~")) or path.name.endswith(("~", ".swp", ".tmp"))


def _newest_first(doc: Document) -> tuple:
    return (-doc.publish_date.toordinal(), -doc.written_date.toordinal(), doc.index_no, doc.title)


def _unit_sort_key(unit: Unit) -> tuple:
    return (standard.LEVELS.index(unit.level), unit.order, unit.name)
