"""Plain prose is given the HTML that Python-Markdown would give it, without Markdown."""

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.converter import sanitise
from generator.links import normal
from generator.markup import MarkupRenderer
from generator.prose import heading_id, linked, prose_html

_CONTENT = Path("/nonexistent/content")
_SOURCE = _CONTENT / "单位" / "文件.md"

# Pieces of bodies: plain text, the white space Chinese editors type, bold words, and
# everything near the edge of what the fast path takes (list and rule starts, headings,
# stray asterisks, characters the sanitiser treats specially).
_PIECES = [
    "第一条", "为规范管理", "abc", "2025年", "1", "1.", "12.", "１．", "（一）",
    "。", "，", "：", "《办法》", "“引号”", "!", "?", ",", ".", "-", "=", "+", "#", "##",
    "###### ", "####### ", "# ", "## 标题", "## 标题 ##", "#标题", "*", "**", "***",
    "**人事科**", "**《办法》**", "** 空格 **", "**a**b", "x**加粗**y", "**多\n行**",
    " ", "  ", "\u3000", "\u3000\u3000", "\xa0", "\x85", "\x7f", "\u2028", "\ufeff",
    "\t", "\n", "\n", "\n", "\n\n", "\n\n\n", "a_b", "&", "<", ">", "|", "~", "`", "[", "]",
    "\n1. 第一项", "\n2. 第二项", "\n3.  第三项", "\n10. 第十项", "\n01. ", "\n1.", "\n1.5亿元",
    "\n1. **加粗**：说明", "\n1. 1. ", "\n1. # ", "\n1. - ", "\n1. \u3000", "\n1.\u3000",
    "\n| 序号 | 名称 |", "\n|---|---|", "\n|:--|--:|", "\n|:-:|", "\n| 1 | **甲** |", "|", "||",
    "\n|", " | ", ":", "\n| \"乙\" |", "\n|\u3000| 丙 |",
    "\n- 甲", "\n- 乙", "\n+ 丙", "\n- ", "\n---", "\n- - -", "\n-5℃", "\n===", "\n+++", "\n*",
    "[附件](附件/名单.xlsx)", "[办法](../政策/办法.md)", "[失效](无此文件.pdf)", "见[第一条](#第一条)",
    "[网站](https://www.gov.cn/a_b?x=1#y)", "[根](/zfxxgk/index.html)", "[协议](//host/x)",
    "[邮件](mailto:a@b.c)", "[ 空格 ](办法.md)", "[a](x y)", "[甲](", "](x)", "![图](a.png)",
    "[**粗**](x)", "[甲][乙]", "(", ")", "!",
]  # fmt: skip


def _markdown(text: str) -> str:
    renderer = MarkupRenderer({}, _CONTENT, allow_raw_html=True)
    return renderer._render_markdown(text, _SOURCE, "dw/wj/").html  # noqa: SLF001


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
@example(["## 标题", "\n", "正文", "\n", "## 标题"])  # the second heading's id is made unique
@example(["\u3000\u3000", "第一条", "\n", "\u3000\u3000", "第二条"])
@example(["**人事科**", "：", "负责", "\n\n", "x**加粗**y"])
@example(["| 序号 | 名称 |", "\n|:--|--:|", "\n| 1 | **甲** |", "\n| 2 |", "\n\n", "正文"])
@example(["| 一 | 二 | 三 | 四 |", "\n|---|---|---|---|", "\n| 1 | 2 | 3 | 4 | 5 |"])
@example(["| 甲 |", "\n|---|", "\n乙"])  # one column: a table only if every row has a pipe
@example(["\n- 甲", "\n\n", "\n+ 丙", "\n1. 第一项", "\n\n", "\n- 乙"])
@example(["\n1. 第一项", "\n2. 第二项", "\n\n", "\n3.  第三项", "\n2. 第二项", "\n\n", "正文"])
@example(["**", "见", "[办法](../政策/办法.md)", "**", "\n- ", "[附件](附件/名单.xlsx)"])
def test_prose_gets_the_html_markdown_gives_it(pieces):
    """Whenever the fast path takes a body, its HTML is Markdown's, character for
    character, and the sanitiser has nothing to change in it."""
    text = "".join(pieces)
    html = prose_html(text)
    if html is None:
        return
    html = linked(html, lambda address: address)  # no page or file here: links stay
    assert html == _markdown(text)
    assert sanitise(html) == html


# Bodies with links, for a renderer that knows one page and one file beside the body.
_LINKED_PIECES = [
    "见", "第一条", "。", "**加粗**", " ", "\u3000", "\n", "\n\n", "\n1. ", "\n- ", "## 标题\n",
    "[办法](../政策/办法.md)", "[办法](../政策/办法.md#第二条)", "[名单](附件/名单.xlsx)",
    "[名单](附件/%E5%90%8D%E5%8D%95.xlsx)", "[缺失](附件/无此文件.pdf)", "[本文](文件.md)",
    "[网站](https://www.gov.cn/zhengce/)", "[锚点](#第一条)", "[根](/zfxxgk/)", "[上级](../)",
    "[文件夹](附件/)", "[大写](附件/名单.XLSX)", "[点](./附件/名单.xlsx)",
    "[脚本](javascript:void)", "[邮件](mailto:a@b.c)", "[协议](//host/x)", "[电话](tel:12345)",
]  # fmt: skip


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory):
    content = tmp_path_factory.mktemp("site") / "content"
    (content / "单位/附件").mkdir(parents=True)
    (content / "单位/附件/名单.xlsx").write_bytes(b"xlsx")
    (content / "政策").mkdir()
    (content / "政策/办法.md").write_text("---\n标题: 办法\n---\n", encoding="utf-8")
    pages = {normal(content / "政策/办法.md"): "zfxxgk/dw/zc/bf/"}
    return content, content / "单位/文件.md", pages


@settings(max_examples=1500, deadline=None)
@given(pieces=st.lists(st.sampled_from(_LINKED_PIECES), max_size=10))
@example(pieces=["见", "[办法](../政策/办法.md)", "和", "[名单](附件/名单.xlsx)"])
def test_links_in_prose_lead_where_markdown_links_lead(linked_site, pieces):
    """A link the fast path takes goes to the same page or copied file as Markdown's,
    and a link to nothing is reported the same (its address left as written)."""
    content, source, pages = linked_site
    text = "".join(pieces)
    if prose_html(text) is None:
        return
    fast = MarkupRenderer(pages, content).render(text, source, "zfxxgk/dw/wj/")
    slow = MarkupRenderer(pages, content)._render_markdown(text, source, "zfxxgk/dw/wj/")  # noqa: SLF001
    assert (fast.html, fast.assets, fast.broken_links) == (
        slow.html,
        slow.assets,
        slow.broken_links,
    )


def test_a_body_with_links_takes_the_fast_path(linked_site):
    content, source, pages = linked_site
    body = "根据[办法](../政策/办法.md)，现将[名单](附件/名单.xlsx)公布如下。"
    assert prose_html(body) is not None
    rendered = MarkupRenderer(pages, content).render(body, source, "zfxxgk/dw/wj/")
    assert '<a href="../zc/bf/index.html">办法</a>' in rendered.html
    assert '<a href="md.xlsx">名单</a>' in rendered.html
    assert rendered.assets == [(content / "单位/附件/名单.xlsx", "zfxxgk/dw/wj/md.xlsx")]


def test_plain_prose_takes_the_fast_path():
    body = (
        "## 一、总体要求\n\n\u3000\u3000**各科室**：请认真贯彻执行。\n第二行\n\n## 一、总体要求\n"
    )
    assert prose_html(body) == (
        '<h2 id="一总体要求">一、总体要求</h2>\n'
        "<p><strong>各科室</strong>：请认真贯彻执行。\n第二行</p>\n"
        '<h2 id="一总体要求_1">一、总体要求</h2>'
    )


def test_lists_and_tables_take_the_fast_path_too():
    for body in (
        "1. 第一项\n2. 第二项\n\n3. 第三项",
        "- 甲\n+ 乙",
        "| 序号 | 名称 |\n|---|:-:|\n| 1 | **甲** |",
    ):
        assert prose_html(body) is not None, body


def test_a_table_box_is_named_by_its_first_three_headings():
    """Screen readers announce the scroll box round a table by this name (表格：…)."""
    four = "| 序号 | **名称** | 金额 | 备注 |\n|---|---|---|---|\n| 1 | 甲 | 2 | 无 |"
    assert 'aria-label="表格：序号、名称、金额"' in prose_html(four)
    assert 'aria-label="表格"' in prose_html("|  |  |\n|---|---|\n| 1 | 2 |")


def test_markdown_beyond_prose_is_left_to_markdown():
    for body in (
        "1. 第一项\n继续上一项",
        "1. - 子项",
        "- 甲\n  继续",
        "* 星号项",
        "| 列 | 列 |\n|---|---|\n| `1` | 2 |",
        "前文\n| 列 | 列 |",
        "见![图](图.png)",
        '[附件](附件.pdf "标题")',
        "[甲][乙]",
        "见[附件]",
        "[协议](mailto:a@b.c)",
        "| [甲](a.md) | 乙 |\n|---|---|",
        "## [标题](a.md)",
        "[**粗**](a.md)",
        "    缩进的代码",
        "标题\n===",
        "> 引用",
        "*斜体*",
        "行末两空格  \n下一行",
        "A&B",
    ):
        assert prose_html(body) is None, body


def test_a_blank_body_has_no_html():
    assert prose_html(" \n\u3000\n") == ""


def test_prose_finds_headings_as_markdown_does():
    """The heading rule prose keeps its own copy of (so as not to load Markdown) is still
    the one of the Markdown installed."""
    from markdown.blockprocessors import HashHeaderProcessor

    from generator.prose import _HEADING  # noqa: PLC2701

    assert (_HEADING.pattern, _HEADING.flags) == (
        HashHeaderProcessor.RE.pattern,
        HashHeaderProcessor.RE.flags,
    )


_TITLE_PIECES = ["第一条", "总则", "a", "B", "1", "_1", "_2", "a_1", "-", "--", " ", "\u3000",
                 "（一）", "“", "。", "!", "_", "é", "Ⅱ", "①"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    titles=st.lists(st.lists(st.sampled_from(_TITLE_PIECES), max_size=5), max_size=6),
    taken=st.sets(st.sampled_from(["a", "a_1", "a_2", "1", "_1", "第一条", "第一条_1"])),
)
def test_heading_ids_are_those_of_the_toc_extension(titles, taken):
    from markdown.extensions.toc import slugify_unicode, unique

    ours, theirs = set(taken), set(taken)
    for pieces in titles:
        title = "".join(pieces)
        expected = unique(slugify_unicode(title, "-"), theirs)
        assert heading_id(title, ours) == expected
    assert ours == theirs
