"""Site configuration (站点配置) read from ``site.yaml``.

Keys are English, like mkdocs.yml, because a site is configured once by its web team;
content files, written by editors every day, use Chinese keys.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problems
from generator.source import LineDict, load_yaml_file, normalise_keys, parse_date, text_value

CONFIG_FILE = "site.yaml"
DEFAULT_INDEX_PATTERN = "{code}/{year}-{serial:05d}"  # gov.cn style, spec README


@dataclass(frozen=True)
class Footer:
    """Page furniture every government page carries (rules.md §5 "Page footer")."""

    host: str = ""  # 主办单位
    contact: str = ""  # 联系方式
    site_code: str = ""  # 网站标识码 (also <meta name="SiteIDCode">)
    icp: str = ""  # ICP备案号, e.g. 示ICP备00000000号-1
    police_record: str = ""  # 公安机关备案号, e.g. 示公网安备 99999902000001号
    conac_id: str = ""  # 党政机关网站标识 id (bszs.conac.cn)
    conac_image: str = ""  # the 标识 badge, a file in the theme's static/ folder (→ assets/)


# Pages per Pagefind index (generator.searchindex.Shards): about 0.9 GB of memory each
# while it is made, and few enough shards for the search page to merge.
SEARCH_SHARD_PAGES = 2500


@dataclass(frozen=True)
class SiteConfig:
    """Everything site.yaml can set, with defaults for what it leaves out."""

    root: Path
    site_name: str
    base_url: str = "/"
    column_root: str = "zfxxgk"
    theme: str = "default"
    page_size: int = 20
    pretty_urls: bool = False
    allow_raw_html: bool = False
    index_pattern: str = DEFAULT_INDEX_PATTERN
    footer: Footer = field(default_factory=Footer)
    checks: dict[str, str] = field(default_factory=dict)  # rule id -> 错误 / 警告 / off
    privacy_allowlist: tuple[str, ...] = ()  # numbers meant to be public (office lines)
    wording: dict[str, str] = field(default_factory=dict)  # the site's own 错敏词: wrong -> right
    calendar: dict[int, dict[str, list[dt.date]]] = field(default_factory=dict)
    traditional: bool = False  # also publish a 繁體 copy under zh-hant/ (generator.traditional)
    traditional_variant: str = "tw"  # tw: 臺灣正體 (s2twp), hk: 香港繁體 (s2hk)
    traditional_protect: tuple[str, ...] = ()  # strings never converted (names, 文号)
    search_shard_pages: int = SEARCH_SHARD_PAGES  # HTML pages per search index shard
    search_recent_pages: int = 0  # edited pages indexed apart before shards are redone

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def themes_dir(self) -> Path:
        return self.root / "themes"

    @property
    def domain(self) -> str:
        match = re.match(r"^[a-z]+://([^/]+)", self.base_url)
        return match.group(1) if match else ""


_KEYS = {
    k: k
    for k in (
        "site_name",
        "base_url",
        "column_root",
        "theme",
        "page_size",
        "pretty_urls",
        "allow_raw_html",
        "index_pattern",
        "footer",
        "checks",
        "privacy_allowlist",
        "wording",
        "calendar",
        "traditional",
        "traditional_variant",
        "traditional_protect",
        "search_shard_pages",
        "search_recent_pages",
    )
}
_FOOTER_KEYS = {
    k: k
    for k in ("host", "contact", "site_code", "icp", "police_record", "conac_id", "conac_image")
}


def load_config(root: Path, problems: Problems) -> SiteConfig | None:
    """Read ``root/site.yaml``; report problems and return None if it is unusable."""
    root = root.resolve()  # content paths derive from it: absolute and normalised
    path = root / CONFIG_FILE
    if not path.is_file():
        problems.error(path, None, "找不到站点配置文件 site.yaml；新建站点请运行 zfxxgk init")
        return None
    raw = load_yaml_file(path, problems)
    if raw is None:
        return None
    data = normalise_keys(raw, _KEYS, path, problems)
    site_name = text_value(data.get("site_name"))
    if not site_name:
        problems.error(path, data.line_of("site_name"), "缺少站点名称 site_name")
    options = {
        "base_url": _base_url(data, path, problems),
        "column_root": _segment(data, path, problems),
        "theme": text_value(data.get("theme", "default")) or "default",
        "page_size": _positive_int(data, "page_size", 20, path, problems),
        "pretty_urls": _bool(data, "pretty_urls", path, problems),
        "allow_raw_html": _bool(data, "allow_raw_html", path, problems),
        "index_pattern": _index_pattern(data, path, problems),
        "footer": _footer(data.get("footer"), data.line_of("footer"), path, problems),
        "checks": _checks(data, path, problems),
        "privacy_allowlist": tuple(
            text_value(v) for v in _list(data, "privacy_allowlist", path, problems)
        ),
        "wording": _text_mapping(data, "wording", path, problems),
        "calendar": _calendar(data, path, problems),
        "search_shard_pages": _positive_int(
            data, "search_shard_pages", SEARCH_SHARD_PAGES, path, problems
        ),
        "search_recent_pages": _count(data, "search_recent_pages", path, problems),
        **_traditional(data, path, problems),
    }
    return SiteConfig(root=root, site_name=site_name, **options)


def _traditional(data: LineDict, path: Path, problems: Problems) -> dict:
    """繁體 options: whether to publish the copy, which standard, and what to keep as is."""
    variant = text_value(data.get("traditional_variant", "tw")) or "tw"
    if variant not in ("tw", "hk"):
        problems.error(
            path, data.line_of("traditional_variant"), "traditional_variant 应为 tw 或 hk"
        )
        variant = "tw"
    protect = _list(data, "traditional_protect", path, problems)
    return {
        "traditional": _bool(data, "traditional", path, problems),
        "traditional_variant": variant,
        "traditional_protect": tuple(text_value(v) for v in protect if text_value(v)),
    }


def _base_url(data: LineDict, path: Path, problems: Problems) -> str:
    value = text_value(data.get("base_url", "/")) or "/"
    if not (value.startswith("/") or re.match(r"^https?://[^/\s]+", value)):
        problems.error(path, data.line_of("base_url"), "base_url 应以 / 或 http(s):// 开头")
    return value if value.endswith("/") else value + "/"


def _segment(data: LineDict, path: Path, problems: Problems) -> str:
    value = text_value(data.get("column_root", "zfxxgk")).strip("/")
    if value and not re.fullmatch(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*", value):
        problems.error(
            path, data.line_of("column_root"), "column_root 只能由小写字母、数字、-、_ 和 / 组成"
        )
        return "zfxxgk"
    return value


def _positive_int(data: LineDict, key: str, default: int, path: Path, problems: Problems) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.error(path, data.line_of(key), f"{key} 应为正整数")
        return default
    return value


def _count(data: LineDict, key: str, path: Path, problems: Problems) -> int:
    """A whole number, 0 (the default) included."""
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.error(path, data.line_of(key), f"{key} 应为 0 或正整数")
        return 0
    return value


def _bool(data: LineDict, key: str, path: Path, problems: Problems) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        problems.error(path, data.line_of(key), f"{key} 应为 true 或 false")
        return False
    return value


def _index_pattern(data: LineDict, path: Path, problems: Problems) -> str:
    value = text_value(data.get("index_pattern", DEFAULT_INDEX_PATTERN))
    try:
        value.format(code="X", year=2025, month=1, serial=1)
    except (KeyError, ValueError, IndexError):
        problems.error(
            path,
            data.line_of("index_pattern"),
            "index_pattern 只能使用 {code}、{year}、{month}、{serial} 占位符，如 {code}/{year}-{serial:05d}",
        )
        return DEFAULT_INDEX_PATTERN
    return value


def _footer(raw: object, line: int, path: Path, problems: Problems) -> Footer:
    if raw is None:
        return Footer()
    if not isinstance(raw, LineDict):
        problems.error(path, line, "footer 应为“键: 值”形式的映射")
        return Footer()
    data = normalise_keys(raw, _FOOTER_KEYS, path, problems)
    values = {key: text_value(value) for key, value in data.items()}
    image = values.get("conac_image", "")
    if image and not re.fullmatch(
        r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\.(png|gif|jpg|jpeg|svg|webp)", image
    ):
        problems.error(
            path,
            data.line_of("conac_image"),
            "footer.conac_image 应为主题 static 文件夹中的图片文件名，如 conac.png（只用字母、数字、-、_ 和 /）",
        )
        values["conac_image"] = ""
    return Footer(**values)


SEVERITY_NAMES = {
    "错误": "错误",
    "error": "错误",
    "警告": "警告",
    "warning": "警告",
    "off": "off",
    "关闭": "off",
}


def _checks(data: LineDict, path: Path, problems: Problems) -> dict[str, str]:
    """Rule id -> severity; ids are validated by the checker, which knows its rules."""
    raw = data.get("checks")
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        problems.error(
            path, data.line_of("checks"), "checks 应为“规则编号: 错误/警告/off”形式的映射"
        )
        return {}
    result = {}
    for rule, value in raw.items():
        # YAML reads a bare `off` as False.
        text = "off" if value is False else text_value(value)
        severity = SEVERITY_NAMES.get(text)
        if severity is None:
            problems.error(
                path, raw.line_of(rule), f"规则“{rule}”的设置“{text}”不正确，应为 错误、警告 或 off"
            )
            continue
        result[str(rule)] = severity
    return result


def _list(data: LineDict, key: str, path: Path, problems: Problems) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.error(path, data.line_of(key), f"{key} 应为列表")
        return []
    return value


def _text_mapping(data: LineDict, key: str, path: Path, problems: Problems) -> dict[str, str]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, LineDict):
        problems.error(path, data.line_of(key), f"{key} 应为“错误写法: 正确写法”形式的映射")
        return {}
    return {text_value(k): text_value(v) for k, v in value.items()}


def _calendar(
    data: LineDict, path: Path, problems: Problems
) -> dict[int, dict[str, list[dt.date]]]:
    """Working-day data for years the chinese-calendar package does not know yet."""
    raw = data.get("calendar")
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        problems.error(
            path,
            data.line_of("calendar"),
            "calendar 应为“年份: {holidays: [...], workdays: [...]}”形式",
        )
        return {}
    years: dict[int, dict[str, list[dt.date]]] = {}
    for year, spec in raw.items():
        line = raw.line_of(year)
        if not isinstance(year, int) or not isinstance(spec, LineDict):
            problems.error(
                path, line, "calendar 下每项应为“年份: {holidays: [...], workdays: [...]}”"
            )
            continue
        days: dict[str, list[dt.date]] = {"holidays": [], "workdays": []}
        for kind in days:
            for value in spec.get(kind) or []:
                day = parse_date(
                    value, path, spec.line_of(kind), problems, f"calendar {year} {kind}"
                )
                if day is not None:
                    days[kind].append(day)
        years[year] = days
    return years
