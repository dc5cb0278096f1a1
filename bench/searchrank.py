"""Where given pages rank on the search page of two built sites (搜索结果排序对比).

    python -m bench.searchrank FOLDER_A FOLDER_B --page PATH [--page PATH …] QUERY [QUERY …]

Serves each output folder over HTTP on a local port, searches each query on its search
page in Debian's Chromium (through Playwright, as the browser tests do) and prints, for
each folder, the result count line and the position of every ``--page`` (a path under
the site root, ``zfxxgk/…/index.html``) among the results shown (the first 20), or ``-``.

Made to weigh ``search_recent_pages``: build a site, edit pages with the setting on, copy
output/, index the copy afresh, and compare the two folders on the edited pages.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

WAIT_MS = 120_000  # a large site's index shards take a while to load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs=2, help="两个已生成的 output/ 文件夹")
    parser.add_argument("queries", nargs="+", help="检索词")
    parser.add_argument("--page", action="append", default=[], help="关注的页面路径")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("需要 Chromium（apt-get install chromium）", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        for query in args.queries:
            for folder in args.folders:
                with _served(folder) as base:
                    status, hrefs = _search(page, base, query)
                places = [str(hrefs.index(p) + 1) if p in hrefs else "-" for p in args.page]
                print(f"{query}\t{folder}\t{status}\t{' '.join(places)}")
        browser.close()
    return 0


def _search(page, base: str, query: str) -> tuple[str, list[str]]:
    page.goto(base + "search/index.html?q=" + quote(query))
    page.wait_for_selector(".search-form[data-ready]", timeout=WAIT_MS)
    page.wait_for_function(
        "() => { const s = document.querySelector('.search-status').textContent;"
        " return s && !s.startsWith('正在'); }",
        timeout=WAIT_MS,
    )
    hrefs = page.eval_on_selector_all(".search-result h2 a", "links => links.map(a => a.href)")
    return page.inner_text(".search-status"), [h.removeprefix(base) for h in hrefs]


@contextlib.contextmanager
def _served(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        pass


if __name__ == "__main__":
    sys.exit(main())
