"""Screenshots of every page type of the example site (页面截图), for review without a server.

    python -m bench.screens [--out screens/] [--page-size 3] [--readme]

builds the example site (the repository's content/ and site.yaml) in a temporary folder,
serves it on 127.0.0.1 with the Content-Security-Policy the published pages must meet, and
writes <type>-desktop.png (1280 px wide) and <type>-phone.png (360 px wide) for each page
type into the output folder (--readme: only the top of a document page, as docs/images/
holds it for the README). The accessibility tests (tests/test_a11y.py) use the same
build and server, so that what reviewers see is what was tested.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator import standard
from generator.build import build, load
from generator.errors import BuildError, Problems

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# The policy the published pages must satisfy (the project's house rules): no inline script or
# style, nothing from other hosts.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

# Page types in the order a reader meets them (key, 中文名).
PAGE_TYPES = (
    ("home", "政府信息公开首页"),
    ("unit", "机关专栏首页"),
    ("guide", "政府信息公开指南"),
    ("rules", "政府信息公开制度列表"),
    ("rule", "制度页面"),
    ("statutory", "法定主动公开内容"),
    ("category", "栏目列表第1页"),
    ("category-page-2", "栏目列表第2页"),
    ("document", "文件（有效）"),
    ("document-repealed", "文件（废止或失效）"),
    ("catalogue", "政府信息公开目录"),
    ("catalogue-page-2", "政府信息公开目录第2页"),
    ("reports", "年度报告列表"),
    ("report", "年度报告"),
    ("search", "站内搜索"),
    ("404", "404 页面"),
)


@dataclass(frozen=True)
class ExampleSite:
    """The built example site and where each page type lives (path relative to the root)."""

    root: Path
    output: Path
    url: str  # http://127.0.0.1:port/
    pages: dict[str, str]

    def page_url(self, kind: str) -> str:
        return self.url + self.pages[kind]


class _Handler(SimpleHTTPRequestHandler):
    """Static files with the production CSP; 404s get the site's own 404 page."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (base signature)
        pass


@contextmanager
def serve(directory: Path) -> Iterator[ThreadingHTTPServer]:
    """Serve ``directory`` on a free loopback port in a background thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def prepare_example(root: Path, port: int, page_size: int | None = None) -> None:
    """Copy the example site to ``root``, published at the local server's address.

    base_url is the server's, so that the 404 page's absolute links resolve; a smaller
    page_size gives a 栏目 a second page.
    """
    shutil.copytree(REPO / "content", root / "content")
    text = (REPO / "site.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^base_url:.*$", f"base_url: http://127.0.0.1:{port}/", text)
    if page_size is not None:
        text = re.sub(r"(?m)^page_size:.*$", f"page_size: {page_size}", text)
    (root / "site.yaml").write_text(text, encoding="utf-8")


def page_types(output: Path, site) -> dict[str, str]:
    """One page of each type, from the unit with the most documents."""
    unit = max(site.units, key=lambda u: len(u.documents))
    category = max(unit.categories, key=lambda c: len(c.documents))
    documents = unit.documents
    pages = {
        "home": site.home_url,
        "unit": unit.url,
        "guide": unit.part_urls[standard.GUIDE.name],
        "rules": unit.part_urls[standard.RULES.name],
        "rule": unit.rules[0].url if unit.rules else "",
        "statutory": unit.part_urls[standard.STATUTORY.name],
        "category": category.url,
        "category-page-2": category.url + "page/2/",
        "document": next(
            (d.url for d in [*category.documents, *documents] if d.validity == "有效"), ""
        ),
        "document-repealed": next((d.url for d in documents if d.validity != "有效"), ""),
        "catalogue": unit.part_urls[standard.CATALOGUE.name],
        "catalogue-page-2": unit.part_urls[standard.CATALOGUE.name] + "page/2/",
        "reports": unit.part_urls[standard.REPORTS.name],
        "report": unit.reports[-1].url if unit.reports else "",
        "search": "search/",
    }
    found = {kind: url + "index.html" for kind, url in pages.items()}
    found["404"] = "404.html"
    return {
        kind: path
        for kind, _ in PAGE_TYPES
        if (path := found.get(kind)) and (output / path).is_file()
    }


def build_example(root: Path, port: int, page_size: int | None = None) -> ExampleSite:
    """Build the example site into ``root/output`` for a server listening on ``port``."""
    prepare_example(root, port, page_size)
    output = build(root).output_dir
    _, site = load(root, Problems())
    return ExampleSite(root, output, f"http://127.0.0.1:{port}/", page_types(output, site))


def take_screenshots(site: ExampleSite, out: Path) -> list[Path]:
    """Full-page PNGs of every page type at desktop and phone width."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_page(viewport=viewport)
            for kind in site.pages:
                page.goto(site.page_url(kind))
                page.wait_for_load_state("load")
                path = out / f"{kind}-{name}.png"
                page.screenshot(path=str(path), full_page=True)
                written.append(path)
            page.close()
        browser.close()
    return written


def readme_images(site: ExampleSite, out: Path) -> list[Path]:
    """The top of a document page at desktop and phone width, as the README shows them."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, viewport, scale in (("desktop", DESKTOP, 1), ("phone", PHONE, 2)):
            page = browser.new_page(viewport=viewport, device_scale_factor=scale)
            page.goto(site.page_url("document"))
            page.wait_for_load_state("load")
            path = out / f"document-{name}.png"
            page.screenshot(path=str(path))
            written.append(path)
            page.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.screens", description="生成示例站点各类页面的桌面和手机宽度截图"
    )
    parser.add_argument("--out", type=Path, default=Path("screens"), help="截图保存位置")
    parser.add_argument(
        "--page-size", type=int, default=None, help="列表每页条数（如 3，使栏目列表也有第2页）"
    )
    parser.add_argument(
        "--readme", action="store_true", help="只生成 README 所用的文件页面截图（首屏）"
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"找不到 Chromium（{CHROMIUM}），请先安装：apt-get install chromium", file=sys.stderr)
        return 1
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("缺少 Playwright，请运行 pip install -e '.[test]'", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp) / "output") as server:
        try:
            site = build_example(Path(tmp), server.server_port, args.page_size)
        except BuildError as exc:
            for problem in exc.problems.items:
                print(problem.format(Path(tmp)), file=sys.stderr)
            print(f"示例站点生成失败：{exc}", file=sys.stderr)
            return 1
        shoot = readme_images if args.readme else take_screenshots
        written = shoot(site, args.out)
    for path in written:
        print(path)
    print(f"已生成 {len(written)} 张截图，保存在 {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
