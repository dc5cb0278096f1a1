"""The content model: plain data objects passed from ``content`` to ``render``.

URLs are site-relative paths (``zfxxgk/jyj/fdzdgknr/``): a trailing slash names a page
folder (written as ``index.html``), anything else a file. ``render`` turns them into links
relative to the page that shows them, so the site works under any prefix and from file://.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from generator.report import ReportData
from generator.standard import GENRE_NORMATIVE, GENRE_REGULATION


@dataclass
class Contact:
    """政府信息公开工作机构: the fields 条例第十二条 requires in the guide."""

    name: str = ""  # 名称
    address: str = ""  # 办公地址
    hours: str = ""  # 办公时间
    phone: str = ""  # 联系电话
    fax: str = ""  # 传真号码
    email: str = ""  # 电子邮箱 (互联网联系方式)
    postcode: str = ""  # 邮政编码
    website: str = ""  # 网址 (互联网联系方式)


@dataclass
class Attachment:
    """附件: a file shipped with a document, copied next to its page."""

    source: Path
    title: str
    url: str
    size: int

    @property
    def kind(self) -> str:
        return self.source.suffix.lstrip(".").upper() or "文件"


@dataclass
class Link:
    """A cross reference between pages (解读 ↔ 文件), or to an outside address."""

    title: str
    url: str
    external: bool = False


@dataclass
class Document:
    """A disclosed item (政府信息) of 法定主动公开内容, with its catalogue metadata."""

    source: Path
    unit_key: str
    category: str
    title: str  # 标题 / 名称
    url: str
    written_date: dt.date  # 成文日期 (the catalogue's 生成日期, 条例第十二条)
    publish_date: dt.date  # 发布日期
    index_no: str = ""  # 索引号
    subject: str = ""  # 主题分类
    publisher: str = ""  # 发文机关
    doc_no: str = ""  # 发文字号
    validity: str = "有效"  # 有效性
    repeal_date: dt.date | None = None  # 废止日期 / 失效日期
    repealed_by: str = ""  # 废止依据
    summary: str = ""  # 内容概述
    keywords: list[str] = field(default_factory=list)
    genre: str = ""  # 文种: 规章 / 行政规范性文件 / 其他文件
    attachments: list[Attachment] = field(default_factory=list)
    interpretation_refs: list[tuple[str, int]] = field(default_factory=list)  # raw, line
    interpretations: list[Link] = field(default_factory=list)  # 解读 of this document
    interprets: list[Link] = field(default_factory=list)  # documents this one interprets
    body: str = ""
    body_line: int = 1
    meta_lines: dict[str, int] = field(default_factory=dict)
    digest: str = ""  # of the source file
    meta_digest: str = ""  # of its front matter (see views.fingerprint)

    @property
    def is_regulatory(self) -> bool:
        return self.genre in (GENRE_REGULATION, GENRE_NORMATIVE)

    @property
    def year(self) -> int:
        return self.written_date.year


@dataclass
class Category:
    """栏目: a sub-column of 法定主动公开内容, one folder of documents."""

    name: str
    slug: str
    url: str
    source: Path
    article: str = ""  # the 条例 item it discloses
    description: str = ""
    order: int = 0
    documents: list[Document] = field(default_factory=list)


@dataclass
class Rule:
    """政府信息公开制度: one working rule of the organ."""

    source: Path
    title: str
    url: str
    publish_date: dt.date
    written_date: dt.date | None = None
    doc_no: str = ""
    body: str = ""
    body_line: int = 1
    digest: str = ""


@dataclass
class Guide:
    """政府信息公开指南, with the structured fields 条例第十二条 requires."""

    source: Path
    title: str
    url: str
    updated: dt.date | None
    classification: str = ""  # 信息分类
    arrangement: str = ""  # 编排体系
    access_proactive: str = ""  # 获取方式: 主动公开
    access_on_request: str = ""  # 获取方式: 依申请公开
    body: str = ""
    body_line: int = 1
    meta_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class AnnualReport:
    """政府信息公开工作年度报告 for one year, with its raw national-format data."""

    source: Path
    year: int
    title: str
    url: str
    publish_date: dt.date | None
    data: ReportData = field(default_factory=ReportData)  # every cell, national labels


@dataclass
class Unit:
    """公开主体: a disclosing organ with its own column (县政府, a 部门, a 乡镇)."""

    key: str  # folder name under content/
    source: Path  # its _unit.yaml
    name: str
    code: str  # 统一社会信用代码, used in 索引号
    level: str  # 政府 / 部门 / 乡镇
    slug: str
    url: str
    parent_key: str = ""
    order: int = 0
    contact: Contact = field(default_factory=Contact)
    not_applicable: tuple[str, ...] = ()  # 条例 items the organ has no function for (不适用)
    guide: Guide | None = None
    rules: list[Rule] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    reports: list[AnnualReport] = field(default_factory=list)
    part_urls: dict[str, str] = field(default_factory=dict)  # Part.name -> url

    @functools.cached_property
    def documents(self) -> list[Document]:
        """Every document of the unit (asked for often; a loaded unit does not change)."""
        return [doc for category in self.categories for doc in category.documents]


@dataclass
class Site:
    """The whole site: every unit in display order."""

    units: list[Unit]
    home_url: str  # the site's 政府信息公开 home

    @functools.cached_property
    def documents(self) -> list[Document]:
        """Every document, in unit order (a site is complete when made: kept once listed)."""
        return [doc for unit in self.units for doc in unit.documents]
