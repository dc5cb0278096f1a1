"""End-to-end builds: every page is there, every link resolves, errors keep output/ intact."""

import gc
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import document

from generator.build import build
from generator.errors import BuildError
from generator.scaffold import init_site


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def local_links(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return [link for link in parser.links if not urlsplit(link).scheme and not link.startswith("#")]


def assert_all_links_resolve(output: Path) -> int:
    """Walk every href/src of every page (except 404.html, which uses absolute links)."""
    checked = 0
    for page in output.rglob("*.html"):
        if page.name == "404.html":
            continue
        for link in local_links(page):
            path = unquote(urlsplit(link).path)
            target = (page.parent / path).resolve()
            assert target.is_file(), f"{page.relative_to(output)} → {link} is missing"
            assert output.resolve() in target.parents
            checked += 1
    return checked


def html(output: Path, url: str) -> str:
    return (output / url / "index.html").read_text(encoding="utf-8")


def test_small_site_builds_every_page_type(small_site):
    result = build(small_site.root)
    out = result.output_dir
    unit = "zfxxgk/csxrmzf/"
    for url in (
        "",
        "zfxxgk/",
        unit,
        unit + "zfxxgkzn/",
        unit + "zfxxgkzd/",
        unit + "fdzdgknr/",
        unit + "fdzdgknr/xzgfxwj/",
        unit + "fdzdgknr/xzgfxwj/cgtz/",
        unit + "zfxxgkml/",
        unit + "zfxxgknb/",
    ):
        assert (out / url / "index.html").is_file(), url
    assert (out / "404.html").is_file()
    assert (
        (out / unit / "fdzdgknr/xzgfxwj/cgtz/md.csv").read_text(encoding="utf-8").startswith("序号")
    )


def test_every_relative_link_resolves(small_site):
    result = build(small_site.root)
    assert assert_all_links_resolve(result.output_dir) > 50


def test_unit_home_is_named_and_shows_the_four_parts_in_order(small_site):
    out = build(small_site.root).output_dir
    page = html(out, "zfxxgk/csxrmzf/")
    assert "<h1>政府信息公开</h1>" in page
    positions = [
        page.index(f">{name}</a></h2>")
        for name in (
            "政府信息公开指南",
            "政府信息公开制度",
            "法定主动公开内容",
            "政府信息公开工作年度报告",
        )
    ]
    assert positions == sorted(positions)


def test_document_page_shows_its_metadata_and_links(small_site):
    out = build(small_site.root).output_dir
    page = html(out, "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/cgtz/")
    cells = dict(re.findall(r'<th scope="row">([^<]+)</th><td[^>]*>(.*?)</td>', page))
    assert cells["索引号"] == "11999900MB0000009X/2025-00001"
    assert cells["发文字号"] == "测政办〔2025〕1号"
    assert cells["成文日期"] == "2025年03月03日"
    assert cells["发布日期"] == "2025年03月05日"
    assert cells["有效性"] == "有效"
    assert cells["发文机关"] == "测试县人民政府"
    assert '<meta name="ArticleTitle" content="关于做好春耕生产工作的通知">' in page
    assert '<meta name="PubDate" content="2025-03-05 00:00">' in page
    assert '<meta name="SiteIDCode" content="9999000009">' in page
    # attachment with name, type and size; 解读 linked both ways
    assert re.search(
        r'href="md\.csv" download>春耕物资名单</a> <span class="file-info">（CSV，\d+ B）', page
    )
    assert "《关于做好春耕生产工作的通知》解读</a>" in page
    reading = html(out, "zfxxgk/csxrmzf/fdzdgknr/zcjd/cgtzjd/")
    assert '<a href="../../xzgfxwj/cgtz/index.html">关于做好春耕生产工作的通知</a>' in reading
    # the body's link to the source .md became a link to the page
    assert 'href="../../xzgfxwj/cgtz/index.html">通知原文</a>' in reading


def test_repealed_document_carries_a_banner(small_site):
    out = build(small_site.root).output_dir
    page = html(out, "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/jbf/")
    assert "<strong>本文件已废止</strong>（废止日期：2025年03月05日）" in page
    assert "废止依据：测政办〔2025〕1号" in page


def test_category_list_is_paginated_newest_first(small_site):
    small_site.doc(
        "行政规范性文件",
        "第三篇",
        document("第三篇", "11999900MB0000009X/2023-00001", "2023-05-04", "2023-05-06"),
    )
    out = build(small_site.root).output_dir  # page_size is 2 in the test site
    first = html(out, "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/")
    second = html(out, "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/page/2/")
    assert first.index("关于做好春耕生产工作的通知") < first.index("测试县旧办法")
    assert "第三篇" in second and "第三篇" not in first
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_catalogue_json_and_csv(small_site):
    out = build(small_site.root).output_dir
    folder = out / "zfxxgk/csxrmzf/zfxxgkml"
    data = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    assert data["条目数"] == 3
    row = data["目录"][0]
    assert {"索引号", "名称", "内容概述", "生成日期"} <= row.keys()  # 条例第十二条
    assert row["网址"].startswith("https://www.test.example/zfxxgk/csxrmzf/")
    raw = (folder / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert raw.decode("utf-8-sig").splitlines()[0].startswith("索引号,名称,内容概述,生成日期")


def test_content_is_escaped_and_raw_html_sanitised(small_site):
    small_site.doc(
        "行政规范性文件",
        "脚本",
        document(
            '<script>alert("标题")</script>',
            "11999900MB0000009X/2025-00003",
            body='正文<script>alert(1)</script><img src="https://img.test.example/x.png" onerror="alert(2)">',
        ),
    )
    out = build(small_site.root).output_dir
    page = html(out, "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/jb/")
    assert "<script>" not in page
    assert "onerror" not in page
    assert "&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt;" in page


def test_content_error_stops_the_build_and_keeps_previous_output(small_site):
    out = build(small_site.root).output_dir
    marker = out / "zfxxgk/csxrmzf/index.html"
    before = marker.read_bytes()
    small_site.doc(
        "行政规范性文件", "重复", document("重复索引号", "11999900MB0000009X/2025-00001")
    )
    with pytest.raises(BuildError) as caught:
        build(small_site.root)
    assert any(
        "索引号“11999900MB0000009X/2025-00001”与" in p.message for p in caught.value.problems.errors
    )
    assert marker.read_bytes() == before
    assert not list(out.parent.glob(".output.*"))  # no staging folder left behind


def test_init_skeleton_builds_a_valid_empty_column(tmp_path):
    init_site(tmp_path / "new", "某某县人民政府", "政府")
    result = build(tmp_path / "new")
    assert result.problems.errors == []
    out = result.output_dir
    page = html(out, "zfxxgk/mmxrmzf/")
    assert "<h1>政府信息公开</h1>" in page
    assert (out / "zfxxgk/mmxrmzf/fdzdgknr/xzgfxwj/index.html").is_file()
    assert assert_all_links_resolve(out) > 0
    ignored = (tmp_path / "new" / ".gitignore").read_text(encoding="utf-8").split()
    assert ignored == ["output/", ".zfxxgk-cache/"]


def test_base_url_prefix_and_pretty_urls(small_site):
    config = small_site.root / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "base_url: https://www.test.example/", "base_url: /xxgk/\npretty_urls: true"
        ),
        encoding="utf-8",
    )
    out = build(small_site.root).output_dir
    page = html(out, "zfxxgk/csxrmzf/")
    assert 'href="zfxxgkzn/"' in page
    assert 'href="/xxgk/zfxxgk/"' in (out / "404.html").read_text(encoding="utf-8")


def test_units_read_in_parallel_give_the_same_site_and_messages(small_site, tmp_path):
    """A build reads units in worker processes (one per core by default): the pages,
    the warnings and the errors, in their order, are those of a one-process build."""
    from conftest import UNIT_YAML

    name = "测试县教育局"
    small_site.unit(
        name, UNIT_YAML.replace("测试县人民政府", name).replace("层级: 政府", "层级: 部门")
    )
    small_site.doc(
        "统计信息", "公报", document(f"{name}统计公报", "11999900MB0000009X/2025-00091"), name
    )
    one = build(small_site.root, jobs=1, clean=True, search=False)
    pages = {
        p.relative_to(one.output_dir): p.read_bytes()
        for p in one.output_dir.rglob("*")
        if p.is_file()
    }
    two = build(small_site.root, jobs=2, clean=True, search=False)
    assert gc.isenabled()  # paused only while the workers' units are read back
    assert {
        p.relative_to(two.output_dir): p.read_bytes()
        for p in two.output_dir.rglob("*")
        if p.is_file()
    } == pages
    assert [p.format() for p in two.problems.items] == [p.format() for p in one.problems.items]
    assert one.problems.items  # the small site has warnings to compare

    broken = small_site.root / "content" / name / "法定主动公开内容/统计信息/公报.md"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("标题: ", "标题: [", 1), encoding="utf-8"
    )
    (small_site.root / "content/测试县人民政府/_unit.yaml").write_text(
        "名称: [\n", encoding="utf-8"
    )
    messages = []
    for jobs in (1, 2):
        with pytest.raises(BuildError) as failed:
            build(small_site.root, jobs=jobs, clean=True, search=False)
        messages.append([p.format() for p in failed.value.problems.items])
    assert messages[0] == messages[1] and len(messages[0]) >= 2
