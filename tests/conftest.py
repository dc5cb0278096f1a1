"""Small content trees built in tmp_path, shared by the tests."""

from __future__ import annotations

import os
import shutil
import signal
import textwrap
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As the machine's own check starts it: without the background-networking switches Chromium
# keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_tool(tool: str | None, name: str) -> str:
    """A tool the test needs: a failure in CI (ZFXXGK_REQUIRE_BROWSER=1, set by .ci/run),
    a skip on a developer's machine without it."""
    if tool is None:
        if os.environ.get("ZFXXGK_REQUIRE_BROWSER"):
            pytest.fail(f"{name} is not installed (bash .ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return tool


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser), one per test
    module: builds fork worker processes, best done with no Playwright threads about."""
    executable = require_tool(CHROMIUM, "chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool(None, "playwright")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


SITE_YAML = """\
site_name: 测试县人民政府
base_url: https://www.test.example/
page_size: 2
footer:
  host: 测试县人民政府办公室
  site_code: "9999000009"
  icp: 测ICP备00000009号-1
"""

UNIT_YAML = """\
名称: 测试县人民政府
统一社会信用代码: 11999900MB0000009X
层级: 政府
公开工作机构:
  名称: 测试县人民政府办公室
  办公地址: 测试县人民路1号
  办公时间: 工作日 8:30—17:30
  联系电话: 0123-5550001
  传真号码: 0123-5550002
  电子邮箱: xxgk@test.example
"""

GUIDE_MD = """\
---
更新日期: 2025-01-10
信息分类: 分为机构职能、政策文件等类别。
编排体系: 按栏目编排。
获取方式:
  主动公开: 通过本网站查阅。
  依申请公开: 可通过当面、邮寄、网络提出申请。
---
## 救济途径

可依法申请行政复议。
"""


def wait_for(condition, timeout: float = 30.0) -> None:
    """Poll ``condition()`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def document(
    title: str = "关于做好春耕生产工作的通知",
    index_no: str = "11999900MB0000009X/2025-00001",
    written: str = "2025-03-03",
    published: str = "2025-03-05",
    extra: str = "",
    body: str = "为做好今年春耕生产工作，现将有关事项通知如下。",
) -> str:
    return (
        f"---\n标题: {title}\n索引号: {index_no}\n发文字号: 测政办〔{written[:4]}〕1号\n"
        f"成文日期: {written}\n发布日期: {published}\n{extra}---\n{body}\n"
    )


class SiteTree:
    """A site folder in tmp_path that tests fill file by file."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def unit(self, folder: str = "测试县人民政府", unit_yaml: str = UNIT_YAML) -> str:
        self.write(f"content/{folder}/_unit.yaml", unit_yaml)
        self.write(f"content/{folder}/政府信息公开指南.md", GUIDE_MD)
        self.write(
            f"content/{folder}/政府信息公开制度/保密审查制度.md",
            "---\n标题: 保密审查制度\n发布日期: 2024-06-01\n---\n第一条　为规范保密审查……\n",
        )
        (self.root / f"content/{folder}/政府信息公开工作年度报告").mkdir(
            parents=True, exist_ok=True
        )
        return f"content/{folder}"

    def doc(self, category: str, name: str, text: str, folder: str = "测试县人民政府") -> Path:
        return self.write(f"content/{folder}/法定主动公开内容/{category}/{name}.md", text)


@pytest.fixture
def tree(tmp_path: Path) -> SiteTree:
    site = SiteTree(tmp_path / "site")
    site.write("site.yaml", SITE_YAML)
    return site


@pytest.fixture
def small_site(tree: SiteTree) -> SiteTree:
    """A valid site: one unit, three documents in two 栏目, one 解读 pair, one attachment."""
    tree.unit()
    tree.write(
        "content/测试县人民政府/法定主动公开内容/行政规范性文件/附件/名单.csv",
        "序号,名称\n1,示例\n",
    )
    tree.doc(
        "行政规范性文件",
        "春耕通知",
        document(
            extra="有效性: 有效\n附件:\n  - {文件: 附件/名单.csv, 名称: 春耕物资名单}\n解读: [../政策解读/春耕通知解读.md]\n"
        ),
    )
    tree.doc(
        "行政规范性文件",
        "旧办法",
        document(
            "测试县旧办法",
            "11999900MB0000009X/2024-00001",
            "2024-01-02",
            "2024-01-05",
            "有效性: 废止\n废止日期: 2025-03-05\n废止依据: 测政办〔2025〕1号\n",
        ),
    )
    tree.doc(
        "政策解读",
        "春耕通知解读",
        document(
            "《关于做好春耕生产工作的通知》解读",
            "11999900MB0000009X/2025-00002",
            body="一图读懂。参见[通知原文](../行政规范性文件/春耕通知.md)。",
        ),
    )
    return tree


def as_from_a_terminal() -> None:
    """``preexec_fn`` for a command a test stops as a terminal or a service manager would:
    Ctrl+C, SIGHUP and SIGTERM at their defaults, whatever the test runner inherited (a
    job started in the background of a script ignores Ctrl+C, one under nohup SIGHUP)."""
    for name in ("SIGINT", "SIGHUP", "SIGTERM"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
