"""Reading an editor's files: YAML with line numbers, Markdown front matter, dates.

Every reader reports into a :class:`~generator.errors.Problems` list and returns ``None``
for a file it cannot use, so one bad file never hides the problems in the others.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problems

FRONT_MATTER_FENCE = "---"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not \t \n \r


class LineDict(dict):
    """A mapping from YAML that remembers the line of each key (1-based, file-relative)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}
        self.line = 0

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class _PyLoader(yaml.SafeLoader):
    """SafeLoader that builds LineDicts, rejects duplicate keys, and keeps bad dates as text.

    Pure Python: its error messages are the ones the hints below translate.
    """

    line_offset = 0


# libyaml parses about seven times faster (YAML was a third of a 1,000-document build);
# the same constructors run on its nodes. A file it rejects is parsed again by the pure
# Python loader, so that every error message comes out the same.
_Loader = (
    type("_Loader", (yaml.CSafeLoader,), {"line_offset": 0})
    if getattr(yaml, "__with_libyaml__", False)
    else _PyLoader
)


def _construct_mapping(loader: _PyLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1 + loader.line_offset
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, dt.date)) and key is not None:
            raise yaml.constructor.ConstructorError(None, None, "键必须是文字", key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"键“{key}”重复出现", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1 + loader.line_offset
    return mapping


def _construct_timestamp(loader: _PyLoader, node: yaml.ScalarNode) -> Any:
    # An impossible date such as 2024-02-30 would raise a bare ValueError inside PyYAML;
    # keep the text so that parse_date() reports it with its line.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


for _cls in {_PyLoader, _Loader}:
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


# -- front matter without the YAML machinery ---------------------------------------------
#
# Nearly every front matter is a flat list of "键: 值" lines, and building YAML nodes and
# objects for it was a quarter of reading a 10,000-document site (190 µs a document, the
# libyaml parser included). flat_mapping() reads those lines itself and gives up, for the
# YAML loader to take over, on anything whose reading is not plain: quotes, indentation
# other than a list of items under a key, comments, anchors, block scalars, deeper nesting,
# empty values, values YAML would read as a number, a boolean or null. Strings are
# resolved by YAML's own implicit-type rules, so what it returns is what the loader
# returns (tests/test_source.py compares the two).

_RESOLVER = yaml.resolver.Resolver()
_FLAT_LINE = re.compile(r"([^\s:#]+(?: +[^\s:#]+)*):(?: +(.*))?")
_FLAT_ITEM = re.compile(r"( +)- +(.*)")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NOT_FLAT = re.compile(r"[\t\r\x85\u2028\u2029]")
# Compiled by yaml as it loads; one pattern of both took 3 ms to compile in every build.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_FLOW_UNSAFE = frozenset("[]{}#&*!|>'\"%@`?:")
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# YAML tries its implicit types by a scalar's first character (None: on any scalar).
_TYPED_STARTS = frozenset(_RESOLVER.yaml_implicit_resolvers)
_ANY_TYPED = None in _TYPED_STARTS
_MAX_KEY = 1000  # YAML allows an implicit key of at most 1,024 characters


def flat_mapping(text: str, line_offset: int = 0) -> LineDict | None:
    """A flat "键: 值" front matter read as the YAML loader would; None when it is not
    plainly one (the caller then parses it as YAML, which also reports any error).

    Besides one value a line, a key may hold a list of items on the lines below it, each
    a plain word or a one-line mapping of plain words, as attachments are written::

        附件:
          - {文件: 附件/明细表.csv, 名称: 有关情况明细表}
    """
    if _NOT_FLAT.search(text) or _NON_PRINTABLE.search(text):
        return None
    mapping = LineDict()
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line, number = lines[index], index + 1 + line_offset
        index += 1
        if not line.strip(" "):
            continue  # only spaces are white space to YAML, not U+3000
        match = _FLAT_LINE.fullmatch(line.rstrip(" "))
        if match is None:
            return None
        key, raw = match.group(1), match.group(2) or ""
        if key[0] in _INDICATORS or key in mapping or len(key) > _MAX_KEY:
            return None
        if raw:
            value = _flat_value(raw)
        else:
            value, index = _flat_items(lines, index, line_offset)
        if value is None or _plain_tag(key) != _STR_TAG:
            return None
        mapping[key] = value
        mapping.lines[key] = number
        mapping.line = mapping.line or number
    return mapping or None


def _flat_items(lines: list[str], index: int, line_offset: int) -> tuple[list | None, int]:
    """The items of a block list starting at ``lines[index]``, all at one indent, and
    the index of the line after them; None for the items when they are not plain. (A
    line below them that is indented but not an item is refused by the caller.)"""
    items: list = []
    indent = None
    while index < len(lines):
        item = _FLAT_ITEM.fullmatch(lines[index].rstrip(" "))
        if item is None or indent not in (None, item.group(1)):
            break
        indent = item.group(1)
        value = _flat_item(item.group(2), index + 1 + line_offset)
        if value is None:
            return None, index
        items.append(value)
        index += 1
    return items or None, index  # no items: an empty value, left to YAML


def _flat_item(raw: str, number: int) -> Any:
    """One item of a block list: a plain value, or a one-line mapping of plain words."""
    if not (raw.startswith("{") and raw.endswith("}")):
        return _flat_value(raw)
    mapping = LineDict()
    mapping.line = number
    for pair in raw[1:-1].split(","):
        key, colon, value = (part.strip(" ") for part in pair.partition(": "))
        if not colon or key in mapping or not _flow_word(key) or not _flow_word(value):
            return None
        mapping[key] = value
        mapping.lines[key] = number
    return mapping


def _flow_word(text: str) -> bool:
    """Whether ``text`` is a plain string inside a one-line mapping."""
    if not text or text[0] == "-" or any(char in _FLOW_UNSAFE for char in text):
        return False
    return _plain_tag(text) == _STR_TAG


def _flat_value(raw: str) -> Any:
    """A value's text as YAML would read it, or None where that is not plain."""
    if raw.startswith("[") and raw.endswith("]"):
        return _flat_list(raw[1:-1])
    if not raw or raw[0] in _INDICATORS or ": " in raw or raw.endswith(":") or " #" in raw:
        return None
    tag = _plain_tag(raw)
    if tag == _STR_TAG:
        return raw
    if tag == _TIMESTAMP_TAG and ISO_DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return raw  # kept as text for parse_date() to report, as _construct_timestamp
    return None


def _flat_list(inner: str) -> list[str] | None:
    """A one-line flow list of plain words, such as ``[行政处罚, 公示]``."""
    if not inner.strip():
        return []
    items = [item.strip(" ") for item in inner.split(",")]
    return items if all(_flow_word(item) for item in items) else None


def _plain_tag(text: str) -> str:
    """The type YAML gives an unquoted scalar (str, int, bool, timestamp …)."""
    if text[0] not in _TYPED_STARTS and not _ANY_TYPED:
        return _STR_TAG  # what most values, starting with a Chinese character, are
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))


def load_packaged_yaml(text: str) -> Any:
    """Parse a YAML data file shipped with zfxxgk (known good: no line numbers needed)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_text(path: Path, problems: Problems) -> str | None:
    """Read a UTF-8 text file; a missing or undecodable file is reported, not raised."""
    try:
        with open(path, "rb", buffering=0) as file:  # unbuffered: one read of the whole
            data = file.readall()
    except FileNotFoundError:
        problems.error(path, None, "文件不存在")
        return None
    except OSError as exc:
        problems.error(path, None, f"无法读取文件：{exc.strerror or exc}")
        return None
    try:
        # Not the utf-8-sig codec, which decodes in Python: a third slower.
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(path, line, "文件不是 UTF-8 编码，请用 UTF-8 编码另存后重试")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, path: Path, problems: Problems, line_offset: int = 0) -> Any:
    """Parse YAML text; on a syntax error report the line and return None."""
    if _Loader is not _PyLoader:
        fast = _Loader(text)
        fast.line_offset = line_offset
        try:
            return fast.get_single_data()
        except yaml.YAMLError:
            pass  # parsed again below, for the message
        finally:
            fast.dispose()
    try:
        loader = _PyLoader(text)
    except yaml.reader.ReaderError as exc:  # checked before parsing: a control character
        line = text[: exc.position].count("\n") + 1 + line_offset
        problems.error(path, line, _control_character(exc.character) + "，请删除该字符后重试")
        return None
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # For an unclosed bracket or quote the problem shows only further down; the line
        # that opened it is the one to fix.
        if exc.context_mark and str(exc.context).startswith(_OPENERS):
            mark = exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problems.error(path, line, f"YAML 格式有误：{_yaml_reason(exc)}")
        return None
    except yaml.YAMLError as exc:
        problems.error(path, None, f"YAML 格式有误：{exc}")
        return None
    finally:
        loader.dispose()


def _control_character(code: int) -> str:
    return f"含有不能使用的控制字符 U+{code:04X}（多见于从其他软件复制粘贴的文字）"


_OPENERS = ("while parsing a flow", "while scanning a quoted scalar")
_YAML_HINTS = (
    ("mapping values are not allowed here", "此处不能出现冒号“:”，含冒号的值请用引号括起来"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("found character '\\t' that cannot start any token", "不能用 Tab 缩进，请改用空格"),
    ("found character", "含有不能作为开头的字符（如 @、`、%），请用引号把整个值括起来"),
    ("found undefined alias", "引用了未定义的别名（* 开头的值请用引号括起来）"),
    ("expected ',' or ']'", "方括号“[ ]”未闭合或缺少逗号"),
    ("expected ',' or '}'", "花括号“{ }”未闭合或缺少逗号"),
    ("found unexpected end of stream", "引号未闭合"),
    ("while scanning a quoted scalar", "引号未闭合"),
    ("expected <block end>", "缩进不一致或缺少引号"),
    ("did not find expected", "缩进不一致或缺少引号"),
)


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    reasons = [exc.problem or "", exc.context or ""]
    for english, chinese in _YAML_HINTS:
        if any(reason.startswith(english) for reason in reasons):
            return chinese
    return f"无法解析（{exc.problem or exc.context}）"


def load_yaml_file(path: Path, problems: Problems) -> LineDict | None:
    """Load a YAML file that must hold a mapping (like _unit.yaml)."""
    text = read_text(path, problems)
    if text is None:
        return None
    data = parse_yaml(text, path, problems)
    if data is None and not text.strip():
        problems.error(path, 1, "文件为空")
        return None
    if data is None:
        return None
    if not isinstance(data, LineDict):
        problems.error(path, 1, "内容应为“键: 值”形式的映射")
        return None
    return data


@dataclass
class MarkdownSource:
    """A Markdown file split into its front matter (头信息) and body (正文)."""

    path: Path
    meta: LineDict
    body: str
    body_line: int  # line of the file where the body starts
    digest: str = ""  # of the whole file, so that unchanged documents can skip re-rendering
    meta_digest: str = ""  # of the front matter alone: what the file says besides its body


def load_markdown(path: Path, problems: Problems) -> MarkdownSource | None:
    """Read a Markdown file with optional ``---`` fenced YAML front matter."""
    text = read_text(path, problems)
    if text is None:
        return None
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        _warn_control_character(text, 1, path, problems)
        return MarkdownSource(path, LineDict(), text, 1, digest)
    for index in range(1, len(lines)):
        if lines[index].strip() in (FRONT_MATTER_FENCE, "..."):
            break
    else:
        problems.error(path, 1, "头信息缺少结束行“---”")
        return None
    meta_text = "\n".join(lines[1:index])
    meta = flat_mapping(meta_text, line_offset=1)
    if meta is None and meta_text.strip():
        meta = parse_yaml(meta_text, path, problems, line_offset=1)
        if meta is None:
            return None
    if meta is None:
        meta = LineDict()
    if not isinstance(meta, LineDict):
        problems.error(path, 2, "头信息应为“键: 值”形式的映射")
        return None
    body = "\n".join(lines[index + 1 :])
    _warn_control_character(body, index + 2, path, problems)
    meta_digest = hashlib.blake2b(meta_text.encode("utf-8"), digest_size=16).hexdigest()
    return MarkdownSource(path, meta, body, index + 2, digest, meta_digest)


def _warn_control_character(body: str, body_line: int, path: Path, problems: Problems) -> None:
    """A body may hold a control character (Word's line break U+000B, say): browsers show
    nothing or a box for it, and HTML checkers flag the page. The first one is named."""
    found = _CONTROL_CHARACTER.search(body)
    if found is None:
        return
    line = body_line + body.count("\n", 0, found.start())
    message = "，网页上显示为空白或方框，请删除该字符"
    problems.warn(path, line, "正文" + _control_character(ord(found.group())) + message)


def normalise_keys(
    data: LineDict, aliases: Mapping[str, str], path: Path, problems: Problems
) -> LineDict:
    """Map Chinese keys and English aliases onto canonical names; report unknown keys.

    ``aliases`` maps every accepted spelling to its canonical key.
    """
    result = LineDict()
    result.line = data.line
    for key, value in data.items():
        line = data.line_of(key)
        canonical = aliases.get(str(key).strip())
        if canonical is None:
            problems.error(path, line, f"未知的键“{key}”{_suggest(str(key), aliases)}")
            continue
        if canonical in result:
            problems.error(path, line, f"“{key}”与前面的键含义相同，重复填写")
            continue
        result[canonical] = value
        result.lines[canonical] = line
    return result


def _suggest(key: str, aliases: Mapping[str, str]) -> str:
    close = difflib.get_close_matches(key, list(aliases), n=1, cutoff=0.5)
    return f"，是否应为“{close[0]}”？" if close else ""


def parse_date(value: Any, path: Path, line: int, problems: Problems, label: str) -> dt.date | None:
    """Accept a YAML date or an ISO ``YYYY-MM-DD`` string; report anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problems.error(path, line, f"{label}“{text}”不是实际存在的日期")
            return None
    problems.error(path, line, f"{label}“{text}”格式有误，应写成 YYYY-MM-DD，如 2025-03-05")
    return None


def text_value(value: Any) -> str:
    """A scalar from YAML as text (numbers such as 邮政编码 arrive as int)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
