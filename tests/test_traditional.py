"""繁體 copy under zh-hant/: converted text, untouched links and protected strings, and a
简/繁 switch that lands on the same page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from generator.build import build
from generator.config import load_config
from generator.errors import Problems

DOC = "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/cgtz/index.html"


@pytest.fixture
def traditional_site(small_site):
    text = (small_site.root / "site.yaml").read_text(encoding="utf-8")
    small_site.write(
        "site.yaml", text + "traditional: true\ntraditional_protect: [测试县人民政府办公室]\n"
    )
    build(small_site.root, search=False)
    return small_site.root / "output"


def _switch(html: str) -> str:
    return re.search(r'<a class="script-switch" data-zh-switch href="([^"]*)"', html).group(1)


def test_copy_converts_text_only(traditional_site):
    simplified = (traditional_site / DOC).read_text(encoding="utf-8")
    copy = (traditional_site / "zh-hant" / DOC).read_text(encoding="utf-8")
    assert '<html lang="zh-Hant-TW">' in copy
    assert "關於做好春耕生產工作的通知" in copy
    assert "测政办〔2025〕1号" in copy  # 发文字号 kept as written
    assert "测试县人民政府办公室" in copy  # traditional_protect
    assert "測試縣人民政府" in copy  # other names are converted
    # Every link and path is the same as in the simplified page, except the switch.
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', simplified)
    copied = re.findall(r'(?:href|src)="([^"]*)"', copy)
    assert [h for h in hrefs if "zh-hant" not in h] == [h for h in copied if h != _switch(copy)]


def test_switch_lands_on_the_same_page(traditional_site):
    base = "https://x.example/"
    for page in (DOC, "zfxxgk/index.html", "search/index.html"):
        simplified = (traditional_site / page).read_text(encoding="utf-8")
        there = urljoin(base + page, _switch(simplified))
        assert there == base + "zh-hant/" + page
        copy = (traditional_site / "zh-hant" / page).read_text(encoding="utf-8")
        back = urljoin(base + "zh-hant/" + page, _switch(copy))
        assert back == base + page
        assert ">简体</a>" in copy and ">繁體</a>" in simplified


def test_variant_and_protect_list_are_checked(tree):
    tree.write("site.yaml", "site_name: 测试\ntraditional: true\ntraditional_variant: cn\n")
    problems = Problems()
    load_config(tree.root, problems)
    assert any("traditional_variant 应为 tw 或 hk" in p.message for p in problems.errors)


def test_hong_kong_variant(small_site):
    text = (small_site.root / "site.yaml").read_text(encoding="utf-8")
    small_site.write("site.yaml", text + "traditional: true\ntraditional_variant: hk\n")
    build(small_site.root, search=False)
    copy = (small_site.root / "output/zh-hant" / DOC).read_text(encoding="utf-8")
    assert '<html lang="zh-Hant-HK">' in copy


@pytest.mark.browser
def test_switch_in_chromium(traditional_site, chromium):
    page = chromium.new_page()
    page.goto(Path(traditional_site / DOC).as_uri())
    page.click("a.script-switch")
    assert page.url == (traditional_site / "zh-hant" / DOC).as_uri()
    assert "關於做好春耕生產工作的通知" in page.title()
    page.click("a.script-switch")
    assert page.url == (traditional_site / DOC).as_uri()


@pytest.mark.browser
def test_search_on_the_traditional_copy(small_site, chromium):
    """The copy's search page searches the 繁體 pages and knows the 繁體 spelling of a 文号."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import quote

    text = (small_site.root / "site.yaml").read_text(encoding="utf-8")
    small_site.write("site.yaml", text + "traditional: true\n")
    build(small_site.root)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

    handler = functools.partial(Quiet, directory=str(small_site.root / "output"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/zh-hant/"
    try:
        page = chromium.new_page()
        for query, expected in (
            ("測政辦〔2024〕1號", "xzgfxwj/jbf/index.html"),
            ("春耕", "xzgfxwj/cgtz/index.html"),
        ):
            page.goto(base + "search/index.html?q=" + quote(query))
            page.wait_for_selector(".search-form[data-ready]")
            page.wait_for_function(
                "() => { const s = document.querySelector('.search-status').textContent;"
                " return s && !s.startsWith('正在'); }"
            )
            first = page.eval_on_selector(".search-result h2 a", "a => a.href")
            assert first.startswith(base) and first.endswith(expected), (query, first)
    finally:
        httpd.shutdown()
        httpd.server_close()
