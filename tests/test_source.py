"""Reading editors' files: flat front matter read without YAML as YAML reads it, and
control characters reported with their lines."""

from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.errors import WARNING, Problems
from generator.source import (
    LineDict,
    flat_mapping,
    load_markdown,
    load_yaml_file,
    parse_yaml,
    read_text,
)

_EXAMPLE_CONTENT = Path(__file__).resolve().parent.parent / "content"

_KEYS = [
    "标题", "发布日期", "title", "date", "a b", "a  b", "标题 ", " 标题", "标\u3000题", "yes", "No",
    "2024", "1.5", "~", "null", "-a", "- a", "?a", "[x]", "{x}", "&a", "*a", "!a", "'q'", '"q"',
    "a#b", "a,b", "<<", "=", "%a", "@a", "`a", "键" * 1001,
]  # fmt: skip
_SEPARATORS = [": ", ":", ":  ", " : ", ":\t", ": \u3000"]
_VALUES = [
    "示例县人民政府", "2023年第三季度", "11999900MB0000019D/2023-00022", "农业、林业\\水利",
    "2024-01-05", "2024-02-30", "2024-1-5", "2024-01-05 10:00", "20240105", "yes", "No", "off",
    "~", "null", "Null", "1", "1.5", "0x1F", "1_000", ".inf", "+1", "-1", "-", "- a", "a - b",
    "[a, b]", "[甲, 乙]", "[]", "[ ]", "[a,,b]", "[a, b,]", "[a, [b]]", "[a: b]", "[yes, 1]",
    "[-a]", "[- a]", "[a, - b]", "[ 甲 ,  乙 ]", "[a b, c]", "[2024-01-05]", "#", " #", "a #b", "a#b", ": ", ":",
    "a: b", "a:", "a:b", "'单引号'", '"双引号"', "'", '"', "|", ">", "&x", "*x", "!tag", "%",
    "@", "`", "<<", "=", "?", "?x", ",", "{a: b}", "\u3000", "\xa0", "\ufeff", "\x85",
    "\u2028", "\x7f", "\x1b", "\t", " ", "  ", "（全角：冒号）", "“引号”", "a'b", 'a"b', "a\\nb",
]  # fmt: skip
_PREFIXES = ["", "", "", " ", "  ", "- ", "# ", "#"]

# Lines most of which the fast reading takes (a usual key, one value), among lines built
# from every kind of piece; a front matter is read fast only if all its lines are plain.
_plain_line = st.tuples(st.sampled_from(_KEYS[:5]), st.sampled_from(_VALUES)).map(": ".join)
_any_line = st.tuples(
    st.sampled_from(_PREFIXES),
    st.sampled_from(_KEYS),
    st.sampled_from(_SEPARATORS),
    st.lists(st.sampled_from(_VALUES), max_size=3),
).map(lambda parts: parts[0] + parts[1] + parts[2] + "".join(parts[3]))
_blank_line = st.sampled_from(["", " ", "  ", "\u3000", "---", "..."])
# A key with a list of items below it, as attachments are written: "  - {文件: …, 名称: …}".
_pair = st.tuples(
    st.sampled_from(["文件", "名称", *_KEYS]),
    st.sampled_from([": ", ": ", ":", " : ", ":  "]),
    st.sampled_from(["附件/明细表.csv", "有关情况明细表", *_VALUES]),
).map("".join)
_item = st.one_of(
    st.lists(_pair, max_size=3).map(", ".join).map(lambda inner: "{" + inner + "}"),
    st.lists(_pair, max_size=3).map(",".join).map(lambda inner: "{ " + inner + " }"),
    st.sampled_from(["附件/说明.pdf", "{文件: a.pdf, 名称: 甲", "文件: a.pdf}", *_VALUES]),
)
_item_line = st.tuples(
    st.sampled_from(["  ", "  ", "    ", " ", "", "\t", "\u3000"]),
    st.sampled_from(["- ", "- ", "-  ", "-", "- - ", "? "]),
    _item,
).map("".join)
_list_block = st.tuples(
    st.sampled_from(["附件", "附件", *_KEYS[:5]]),
    st.sampled_from([":", ":", ": ", ": []"]),
    st.lists(st.one_of(_item_line, _item_line, _item_line, _blank_line, _plain_line), max_size=3),
).map(lambda parts: "\n".join([parts[0] + parts[1], *parts[2]]))
_front_matter = st.lists(
    st.one_of(_plain_line, _plain_line, _plain_line, _any_line, _blank_line, _list_block),
    max_size=6,
).map("\n".join)
# Front matters with attachments, most of them usual ones, some with awkward pieces.
_usual_item = st.tuples(
    st.sampled_from(["附件/明细表.csv", "附件/说明.pdf", "附件/a b.xlsx", *_VALUES[:16]]),
    st.sampled_from(["有关情况明细表", "说明（一）", *_VALUES]),
).map(lambda file_and_name: f"{{文件: {file_and_name[0]}, 名称: {file_and_name[1]}}}")
_attachment_line = st.tuples(
    st.sampled_from(["  ", "  ", "  ", "    ", " ", ""]),
    st.sampled_from(["- ", "- ", "- ", "-  ", "-"]),
    st.one_of(_usual_item, _usual_item, _usual_item, _item),
).map("".join)
_with_attachments = st.tuples(
    st.lists(_plain_line, max_size=2),
    st.sampled_from(["附件:", "附件:", "附件: ", "附件 :", "附件:  "]),
    st.lists(_attachment_line, min_size=1, max_size=3),
    st.lists(st.one_of(_plain_line, _plain_line, _attachment_line, _blank_line), max_size=2),
).map(lambda parts: "\n".join([*parts[0], parts[1], *parts[2], *parts[3]]))


def _shape(value: Any) -> Any:
    """A value with its Python types and, for mappings, the line of each key."""
    if isinstance(value, LineDict):
        items = [(k, _shape(v), value.lines.get(k)) for k, v in value.items()]
        return ("mapping", value.line, items)
    if isinstance(value, list):
        return ("list", [_shape(item) for item in value])
    return (type(value).__name__, value)


def _read_fast(text: str) -> LineDict:
    """``text`` read by the fast reading, which must take it and agree with YAML."""
    fast = flat_mapping(text, line_offset=1)
    assert fast is not None
    assert _shape(fast) == _shape(parse_yaml(text, Path("x.md"), Problems(), line_offset=1))
    return fast


def _same_as_yaml(text: str) -> bool:
    """False where the fast reading and YAML's differ; True where they agree or the fast
    reading declines."""
    fast = flat_mapping(text, line_offset=1)
    if fast is None:
        return True
    problems = Problems()
    loaded = parse_yaml(text, Path("文件.md"), problems, line_offset=1)
    return not problems.items and _shape(fast) == _shape(loaded)


@settings(max_examples=4000, deadline=None)
@given(_front_matter)
@example("标题: 示例\n关键词: [甲, 乙]\n成文日期: 2024-01-05")
@example("\n\n标题: 示例\n\n发布日期: 2024-02-30\n")
@example("标题: a\n 续行")
@example("标题: a\n标题: b")
def test_a_flat_front_matter_reads_as_yaml_reads_it(text: str) -> None:
    assert _same_as_yaml(text)


@settings(max_examples=3000, deadline=None)
@given(_with_attachments)
@example("附件:\n  - {文件: a.pdf, 名称: 甲}\n  - {文件: b.pdf, 名称: 乙}")
@example("附件:\n  - a.pdf\n    - b.pdf")
@example("附件:\n - a.pdf\n标题: 甲\n - b.pdf")
@example("附件:\n  - {文件: a.pdf, 名称: - a}")
@example("附件:\n  - a.pdf\n  \n  - b.pdf\n    续")
def test_attachments_read_as_yaml_reads_them(text: str) -> None:
    assert _same_as_yaml(text)


def test_the_usual_front_matter_takes_the_fast_reading() -> None:
    text = (
        "标题: 示例县教育局2025年部门预算公开\n"
        "索引号: 11999900MB0000002B/2025-00002\n"
        "主题分类: 财政、金融、审计\\预算\n"
        "成文日期: 2025-02-18\n"
        "发布日期: 2025-02-30\n"
        "关键词: [部门预算, 2025年]\n"
    )
    fast = _read_fast(text)
    assert fast.line == 2 and fast.lines["关键词"] == 7
    assert fast["发布日期"] == "2025-02-30"  # an impossible date stays text, for its message


def test_attachments_take_the_fast_reading() -> None:
    text = (
        "标题: 示例县2025年部门预算\n"
        "附件:\n"
        "  - {文件: 附件/预算表.xlsx, 名称: 2025年部门预算表}\n"
        "  - 附件/说明.pdf\n"
        "发布日期: 2025-02-18\n"
    )
    fast = _read_fast(text)
    assert fast["附件"][0] == {"文件": "附件/预算表.xlsx", "名称": "2025年部门预算表"}
    assert fast["附件"][0].line == 4 and fast.lines["发布日期"] == 6


def test_what_is_not_plain_is_left_to_yaml() -> None:
    for text in (
        "附件:\n  - 文件: a.pdf\n    名称: 甲",  # a mapping over several lines
        "附件:\n  - {文件: https://x.example/a.pdf}",  # a colon in a value
        "附件:\n  - a.pdf\n   - b.pdf",  # items at two indents
        "附件:\n  - {文件: a.pdf, 成文日期: 2024-01-05}",  # a date inside a mapping
        "标题: '引号'",  # quoted
        "标题: 甲 # 注释",  # comment
        "标题: 甲\n标题: 乙",  # a duplicate key: YAML reports it
        "标题:",  # null
        "有效: yes",  # a boolean
        "标题: 甲\n  续行",  # a folded continuation line
    ):
        assert flat_mapping(text) is None, text


def test_the_example_sites_front_matter_reads_the_same_either_way() -> None:
    fast = 0
    files = sorted(_EXAMPLE_CONTENT.rglob("*.md"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        meta = text.split("\n---\n", 1)[0].removeprefix("---\n")
        assert _same_as_yaml(meta), path
        fast += flat_mapping(meta, line_offset=1) is not None
    assert fast >= 0.8 * len(files)


def test_a_document_with_a_bad_value_still_gets_yaml_s_message(tmp_path: Path) -> None:
    path = tmp_path / "文件.md"
    path.write_text("---\n标题: 甲\n内容概述: 甲: 乙\n---\n正文\n", encoding="utf-8")
    problems = Problems()
    assert load_markdown(path, problems) is None
    assert [(p.line, "冒号" in p.message) for p in problems.errors] == [(3, True)]


def test_a_control_character_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "文件.md"  # U+000B: the line break Word puts into copied text
    path.write_text("---\n标题: 甲\n内容概述: 关于\x0b印发\n---\n正文\n", encoding="utf-8")
    problems = Problems()
    assert load_markdown(path, problems) is None
    assert [(p.line, "U+000B" in p.message) for p in problems.errors] == [(3, True)]
    data = tmp_path / "_unit.yaml"
    data.write_text("名称: 甲\n\n简称: \x1b乙\n", encoding="utf-8")
    assert load_yaml_file(data, problems) is None
    assert [(p.line, "U+001B" in p.message) for p in problems.errors[1:]] == [(3, True)]


def test_a_control_character_in_a_body_is_a_warning_with_its_line(tmp_path: Path) -> None:
    with_meta = tmp_path / "甲.md"
    with_meta.write_text("---\n标题: 甲\n---\n第一段\n\n第二段\x0c续\n", encoding="utf-8")
    bare = tmp_path / "乙.md"
    bare.write_text("第一段\n第二\x1b段\n", encoding="utf-8")
    problems = Problems()
    assert load_markdown(with_meta, problems) is not None
    assert load_markdown(bare, problems) is not None
    found = [(p.path.name, p.line, p.severity, "U+" in p.message) for p in problems.items]
    assert found == [("甲.md", 6, WARNING, True), ("乙.md", 2, WARNING, True)]


def test_files_saved_by_windows_editors_read_as_plain_text(tmp_path: Path) -> None:
    saved = tmp_path / "记事本.md"
    saved.write_bytes("\ufeff标题: 示例\r\n\r\n正文。\r旧式行尾\n".encode())
    assert read_text(saved, Problems()) == "标题: 示例\n\n正文。\n旧式行尾\n"
    doubled = tmp_path / "两个BOM.md"
    doubled.write_bytes("\ufeff\ufeff正文".encode())
    assert read_text(doubled, Problems()) == "\ufeff正文"  # only the first is a BOM


def test_unreadable_files_are_reported_with_their_line(tmp_path: Path) -> None:
    problems = Problems()
    gbk = tmp_path / "国标编码.md"
    gbk.write_bytes("标题: 示例\n".encode() + "第二行：示例县\n".encode("gb18030"))
    assert read_text(gbk, problems) is None
    assert read_text(tmp_path / "没有的文件.md", problems) is None
    assert read_text(tmp_path, problems) is None
    found = [(p.path, p.line, p.message) for p in problems.items]
    assert found[0] == (gbk, 2, "文件不是 UTF-8 编码，请用 UTF-8 编码另存后重试")
    assert found[1][2] == "文件不存在"
    assert found[2][2].startswith("无法读取文件：")
