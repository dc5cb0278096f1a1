"""The fixed shape of the column, as the State Council's rules lay it down.

Facts here come from ../shared/spec/rules.md; each constant names its source.
"""

from __future__ import annotations

from dataclasses import dataclass

# 国办公开办函〔2019〕61号 (rules.md §2): one column named exactly 政府信息公开.
COLUMN_NAME = "政府信息公开"


@dataclass(frozen=True)
class Part:
    """One of the four mandated parts (4大栏目) of a unit's column, or the catalogue."""

    name: str  # the Chinese name, also the content folder or file name
    slug: str  # URL segment as real sites name it (rules.md §4)
    column_type: str  # <meta name="ColumnType"> (网页设计规范, rules.md §5)


# The four parts, in the mandated order (61号 via the 广安 notice, rules.md §2).
GUIDE = Part("政府信息公开指南", "zfxxgkzn", "信息公开指南")
RULES = Part("政府信息公开制度", "zfxxgkzd", "信息公开制度")
STATUTORY = Part("法定主动公开内容", "fdzdgknr", "主动公开")
REPORTS = Part("政府信息公开工作年度报告", "zfxxgknb", "信息公开年报")
PARTS = (GUIDE, RULES, STATUTORY, REPORTS)

# 条例第十二条: every organ keeps a 政府信息公开目录 (rules.md §1, Art. 12).
CATALOGUE = Part("政府信息公开目录", "zfxxgkml", "信息公开目录")

# Unit levels (层级). 条例第二十一条 adds items for 县级 governments and their departments,
# and for 乡镇 (rules.md §1, Art. 21).
LEVEL_GOVERNMENT = "政府"
LEVEL_DEPARTMENT = "部门"
LEVEL_TOWNSHIP = "乡镇"
LEVELS = (LEVEL_GOVERNMENT, LEVEL_DEPARTMENT, LEVEL_TOWNSHIP)
LEVEL_HEADINGS = {
    LEVEL_GOVERNMENT: "人民政府",
    LEVEL_DEPARTMENT: "政府部门",
    LEVEL_TOWNSHIP: "乡镇（街道）",
}

VALIDITY_VALUES = ("有效", "失效", "废止")

GENRE_REGULATION = "规章"
GENRE_NORMATIVE = "行政规范性文件"
GENRE_OTHER = "其他文件"
GENRES = (GENRE_REGULATION, GENRE_NORMATIVE, GENRE_OTHER)


# 条例第二十条 items (rules.md §1, Art. 20), and the 第二十一条 clauses, by the label the
# default 栏目 carry in ``CategoryDefault.article``.
ARTICLE_ITEMS: dict[str, str] = {
    "第二十条第（一）项": "行政法规、规章和规范性文件",
    "第二十条第（二）项": "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    "第二十条第（三）项": "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    "第二十条第（四）项": "国民经济和社会发展统计信息",
    "第二十条第（五）项": "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    "第二十条第（六）项": "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
    "第二十条第（七）项": "财政预算、决算信息",
    "第二十条第（八）项": "行政事业性收费项目及其依据、标准",
    "第二十条第（九）项": "政府集中采购项目的目录、标准及实施情况",
    "第二十条第（十）项": "重大建设项目的批准和实施情况",
    "第二十条第（十一）项": "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "第二十条第（十二）项": "突发公共事件的应急预案、预警信息及应对情况",
    "第二十条第（十三）项": "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    "第二十条第（十四）项": "公务员招考的职位、名额、报考条件等事项以及录用结果",
    "第二十条第（十五）项": "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
    "第二十一条": "市政建设、公共服务、公益事业、土地征收、房屋征收、治安管理、社会救助等方面的政府信息",
    "第二十一条（乡镇）": "农业农村政策、农田水利工程建设运营、农村土地承包经营权流转、宅基地使用情况审核、土地征收、房屋征收、筹资筹劳、社会救助等方面的政府信息",
}
_ARTICLE_20 = [item for item in ARTICLE_ITEMS if item.startswith("第二十条") and "十五" not in item]
# Items every unit of a level is expected to cover; a unit lists in _unit.yaml (不适用) the
# items it has no function for. 第二十一条 applies to 县级 governments and to 乡镇.
EXPECTED_ITEMS: dict[str, tuple[str, ...]] = {
    "政府": (*_ARTICLE_20, "第二十一条"),
    "部门": tuple(_ARTICLE_20),
    "乡镇": (*_ARTICLE_20, "第二十一条（乡镇）"),
}


@dataclass(frozen=True)
class CategoryDefault:
    """A default 栏目 of 法定主动公开内容 and the 条例 item it discloses."""

    name: str
    article: str
    levels: tuple[str, ...] = LEVELS  # unit levels for which it is expected


_ALL = LEVELS
_COUNTY = (LEVEL_GOVERNMENT, LEVEL_DEPARTMENT)
_TOWN = (LEVEL_TOWNSHIP,)

# rules.md §4 "Suggested default mapping from the Art. 20 items to sub-columns", in the
# order of 条例第二十条, followed by the 第二十一条 items by level.
DEFAULT_CATEGORIES: tuple[CategoryDefault, ...] = (
    CategoryDefault("机构职能", "第二十条第（二）项"),
    CategoryDefault("领导信息", "第二十条第（二）项"),
    CategoryDefault("规章", "第二十条第（一）项", ()),
    CategoryDefault("行政规范性文件", "第二十条第（一）项"),
    CategoryDefault("其他文件", "第二十条第（一）项", ()),
    CategoryDefault("政策解读", "第二十条第（一）项"),
    CategoryDefault("规划计划", "第二十条第（三）项"),
    CategoryDefault("统计信息", "第二十条第（四）项"),
    CategoryDefault("行政许可", "第二十条第（五）项"),
    CategoryDefault("行政处罚", "第二十条第（六）项"),
    CategoryDefault("行政强制", "第二十条第（六）项", ()),
    CategoryDefault("财政预决算", "第二十条第（七）项"),
    CategoryDefault("行政事业性收费", "第二十条第（八）项", ()),
    CategoryDefault("政府采购", "第二十条第（九）项"),
    CategoryDefault("重大建设项目", "第二十条第（十）项", ()),
    CategoryDefault("民生保障", "第二十条第（十一）项"),
    CategoryDefault("应急管理", "第二十条第（十二）项"),
    CategoryDefault("监督检查", "第二十条第（十三）项"),
    CategoryDefault("人事信息", "第二十条第（十四）项"),
    CategoryDefault("其他法定公开内容", "第二十条第（十五）项", ()),
    CategoryDefault("市政建设", "第二十一条", ()),
    CategoryDefault("公共服务", "第二十一条", (LEVEL_GOVERNMENT,)),
    CategoryDefault("公益事业", "第二十一条", ()),
    CategoryDefault("土地征收", "第二十一条", (LEVEL_GOVERNMENT, LEVEL_TOWNSHIP)),
    CategoryDefault("房屋征收", "第二十一条", ()),
    CategoryDefault("治安管理", "第二十一条", ()),
    CategoryDefault("社会救助", "第二十一条", (LEVEL_GOVERNMENT, LEVEL_TOWNSHIP)),
    CategoryDefault("农业农村政策", "第二十一条（乡镇）", _TOWN),
    CategoryDefault("农田水利工程建设运营", "第二十一条（乡镇）", ()),
    CategoryDefault("农村土地承包经营权流转", "第二十一条（乡镇）", ()),
    CategoryDefault("宅基地使用情况审核", "第二十一条（乡镇）", ()),
    CategoryDefault("筹资筹劳", "第二十一条（乡镇）", _TOWN),
)
DEFAULTS_BY_NAME = {c.name: c for c in DEFAULT_CATEGORIES}
DEFAULT_ORDER = {c.name: i for i, c in enumerate(DEFAULT_CATEGORIES)}

# 栏目 whose documents count as 行政规范性文件 / 规章 in table 二 of the annual report.
GENRE_BY_CATEGORY = {"规章": GENRE_REGULATION, "行政规范性文件": GENRE_NORMATIVE}
