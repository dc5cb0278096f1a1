"""Markdown bodies as the pages show them."""

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.markup import MarkupRenderer, self_contained


def _render(tmp_path: Path, text: str) -> str:
    renderer = MarkupRenderer({}, tmp_path)
    return renderer.render(text, tmp_path / "文件.md", "dw/wj/").html


def test_toc_marker_becomes_a_table_of_contents(tmp_path):
    html = _render(tmp_path, "[TOC]\n\n## 一、总体要求\n\n正文。\n\n## 二、主要任务\n\n正文。\n")
    assert '<div class="toc">' in html
    assert 'href="#一总体要求"' in html and 'href="#二主要任务"' in html
    assert "[TOC]" not in html


def test_headings_get_ids_without_a_toc_marker(tmp_path):
    html = _render(tmp_path, "## 一、总体要求\n\n正文。\n")
    assert '<h2 id="一总体要求">一、总体要求</h2>' in html
    assert 'class="toc"' not in html


def test_an_escaped_toc_marker_stays_text(tmp_path):
    html = _render(tmp_path, "\\[TOC]\n\n## 标题\n")
    assert "<p>[TOC]</p>" in html
    assert 'class="toc"' not in html


def test_a_marker_split_by_control_characters_is_still_a_marker(tmp_path):
    # Markdown drops STX and ETX from the source before anything else.
    html = _render(tmp_path, "[TO\x02C]\n\n## 标题\n")
    assert '<div class="toc">' in html


_FRAGMENTS = [
    "通知全文",
    "abc",
    "[链接](其他.md)",
    "![图](图.png)",
    "[引用][1]\n\n[1]: https://example.org/\n",
    "[短引用]\n\n[短引用]: https://example.org/a\n",
    "<https://example.org/x>",
    "<someone@example.org>",
    "<span>行内</span>",
    "&amp;",
    "&#x4E2D;",
    "**加粗**",
    "_强调_",
    "*斜体*",
    "`代码`",
    "\\*",
    "行末两空格  \n下一行",
    "制表\t\n下一行",
    "回车  \r\n下一行",
    "脚注[^1]\n\n[^1]: 脚注内容\n",
    "| 列一 | 列二 |\n|:---|---:|\n| `1` | **2** |\n",
    "- 列表 *项*\n- 二\n",
    "```\n[不是链接](x)\n```\n",
    "\n\n",
    " ",
    "\x02",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=8))
def test_only_the_inline_patterns_that_can_match_are_tried(fragments):
    """Trying only the patterns whose characters are in the body gives the same HTML as
    trying every pattern, whatever the body holds."""
    text = "".join(fragments)
    content = Path("/nonexistent/content")
    fast = MarkupRenderer({}, content)
    every = MarkupRenderer({}, content)
    every._converter.patterns.select = lambda text: every._converter.patterns.patterns  # noqa: SLF001
    source = content / "单位" / "文件.md"
    assert fast.render(text, source, "dw/wj/").html == every.render(text, source, "dw/wj/").html


def test_inline_patterns_are_filtered_by_the_characters_they_need(tmp_path):
    patterns = MarkupRenderer({}, tmp_path)._converter.patterns  # noqa: SLF001
    assert len(patterns.select("只有中文的正文。")) == 0
    assert 0 < len(patterns.select("一个[链接](x)")) < len(patterns.patterns)


def test_a_fenced_block_is_code_and_markdown_is_set_up_without_pygments(tmp_path):
    # Pygments is installed here (pytest needs it); setting Markdown up must not load it.
    script = (
        "import sys; from pathlib import Path; from generator.markup import MarkupRenderer\n"
        "r = MarkupRenderer({}, Path('.'))\n"
        "print(r.render('```python\\nx = 1 < 2\\n```\\n', Path('a.md'), 'a/').html)\n"
        "print('pygments' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    html, loaded = run.stdout.rsplit("\n", 2)[:2]
    assert '<pre><code class="language-python">x = 1 &lt; 2' in html
    assert loaded == "False"
    assert html.strip() == _render(tmp_path, "```python\nx = 1 < 2\n```\n").strip()


def test_a_body_without_links_or_html_is_self_contained():
    assert self_contained(
        "为做好今年春耕生产工作，现将有关事项通知如下。\n\n## 一、要求\n\n**务必**落实。"
    )
    assert not self_contained("详见[附件](附件.csv)。")
    assert not self_contained("![图](图.png)")
    assert not self_contained("脚注[^1]。\n\n[^1]: 说明")
    assert not self_contained("<https://www.gov.cn/>")
