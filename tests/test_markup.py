"""Markdown bodies as the pages show them."""

from pathlib import Path

from generator.markup import MarkupRenderer


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
