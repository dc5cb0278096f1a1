"""The Pagefind index of a built folder (站内搜索), for ``build`` and ``serve``.

Why Pagefind's extended build, 1.5.2 exactly: it segments Chinese (CJK) at index time and,
from the 1.5 line, splits a Chinese query into words too (issue #7 measured 1.4 returning
every page for an organ name). It is driven through its Python API, which talks to the
``pagefind_extended --service`` binary over a pipe.

Only pages whose template marks a region with ``data-pagefind-body`` are indexed (documents,
rules, the guide, annual reports); lists and page furniture are not. The bundle is written to
a scratch folder, then swapped into place, so a reader never meets half an index.

Kept apart from :mod:`generator.search` because loading Pagefind's client (and asyncio)
costs a build that makes no index about a tenth of a second.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from pagefind.service import PagefindService

from generator.errors import SearchError
from generator.render import OutputFile
from generator.searchterms import with_hints
from generator.urls import BUNDLE

BODY_MARK = b"data-pagefind-body"
IN_FLIGHT = 64  # pages handed to the binary and not yet acknowledged
# Pagefind's ready-made interfaces: not shipped, our own script replaces them (their inline
# styles break the site's Content-Security-Policy).
_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


def is_indexed_page(file: OutputFile) -> bool:
    """Content pages only: the templates mark their indexed region with data-pagefind-body."""
    return file.data is not None and file.path.endswith(".html") and BODY_MARK in file.data


class SearchIndexer:
    """One Pagefind index, fed page by page from the build's thread.

    The Python API is asynchronous; it runs on an event loop in a thread of its own so that
    rendering goes on while the binary indexes (the requests are pipelined, not awaited one
    by one). ``close()`` must always be called.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._pending: deque[Future] = deque()
        self._service: Any = None
        self._index: Any = None
        self._call(self._open())

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _open(self) -> None:
        try:
            service = await _PromptService().launch()
        except (FileNotFoundError, OSError) as exc:
            raise SearchError(
                f"找不到或无法启动 Pagefind 搜索索引程序（{exc}）；请重新安装：pip install -e .，"
                "或用 --no-search 跳过搜索索引"
            ) from exc
        self._service = service
        self._index = await service.create_index({"keep_index_url": True})

    def add(self, url: str, html: bytes) -> None:
        """Queue one page; ``url`` is its path under the site root (``zfxxgk/…/index.html``)."""
        content = with_hints(html.decode("utf-8"))
        coroutine = self._index.add_html_file(content=content, url="/" + url)
        self._pending.append(asyncio.run_coroutine_threadsafe(coroutine, self._loop))
        if len(self._pending) > IN_FLIGHT:  # keep memory flat when the binary is slower
            self._settle(self._pending.popleft())

    @staticmethod
    def _settle(future: Future) -> None:
        try:
            future.result()
        except Exception as exc:  # the service reports its own errors as plain Exception
            raise SearchError(f"建立搜索索引失败：{exc}") from exc

    def bundle(self) -> list[OutputFile]:
        """Wait for every queued page, then the bundle files under ``pagefind/``."""
        while self._pending:
            self._settle(self._pending.popleft())
        scratch = Path(tempfile.mkdtemp(prefix="zfxxgk-pagefind-"))
        try:
            self._call(self._index.write_files(output_path=str(scratch)))
            return [
                OutputFile(BUNDLE + file.relative_to(scratch).as_posix(), data=file.read_bytes())
                for file in sorted(scratch.rglob("*"))
                if file.is_file() and not file.name.startswith(_UNUSED)
            ]
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def close(self) -> None:
        if self._service is not None:
            # Closing must not hide the build's own outcome.
            with contextlib.suppress(Exception):
                self._call(self._service.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()


def index_folder(folder: Path) -> float:
    """Index the content pages of a built folder and put the bundle in ``folder/pagefind``.

    ``serve`` uses this after a rebuild: its preview folder is complete on disk even when
    only some units were rendered. The new bundle is written beside the old one and swapped
    in, so the search page never reads half a bundle. Returns the seconds it took.
    """
    started = time.perf_counter()
    indexer = SearchIndexer()
    try:
        for page in sorted(folder.rglob("*.html")):
            data = page.read_bytes()
            if BODY_MARK in data:
                indexer.add(page.relative_to(folder).as_posix(), data)
        files = indexer.bundle()
    finally:
        indexer.close()
    fresh = folder / ".pagefind-new"
    old = folder / ".pagefind-old"
    for stale in (fresh, old):
        shutil.rmtree(stale, ignore_errors=True)
    for file in files:
        target = fresh / file.path.removeprefix(BUNDLE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data or b"")
    live = folder / BUNDLE.rstrip("/")
    if live.exists():
        os.replace(live, old)
    os.replace(fresh, live)
    shutil.rmtree(old, ignore_errors=True)
    return time.perf_counter() - started


class PreviewIndex:
    """Keeps ``serve``'s search index current, indexing only when search is used.

    A rebuild marks the index stale (:meth:`request`); the next request for the bundle
    (``/pagefind/…``, fetched by the search page) re-indexes the preview folder first. So
    editing never pays for indexing: on the 10,000-document benchmark a full index takes
    minutes of CPU, which would slow every rebuild if it ran after each save.
    """

    def __init__(self, folder: Path, log: Callable[[str], None] | None = None):
        self.folder = folder
        self.log = log
        self.seconds: float | None = None  # of the last re-index
        self._stale = True
        self._lock = threading.Lock()

    def request(self) -> None:
        self._stale = True

    def ensure_current(self) -> None:
        """Re-index now if a rebuild happened since the last index (one at a time)."""
        with self._lock:
            if not self._stale:
                return
            self._stale = False
            try:
                self.seconds = index_folder(self.folder)
            except (SearchError, OSError) as exc:
                self._stale = True
                if self.log:
                    self.log(f"站内搜索索引未能更新：{exc}")
                return
            if self.log:
                self.log(f"已更新站内搜索索引，用时 {self.seconds:.1f} 秒")


class _PromptService(PagefindService):
    """Pagefind 1.5.2's service reader, without its pause between responses.

    The stock reader sleeps 0.1 s before reading each response, so 10,000 pages would take
    over 16 minutes whatever the binary's speed (measured: 200 pages 20.8 s). This reader
    hands each response to its waiting request as soon as it arrives; the protocol (base64
    JSON messages, each ended by a comma) is the one the stock reader implements.
    """

    async def _wait_for_responses(self) -> None:
        stdout = self._backend.stdout
        while True:
            raw = await stdout.readuntil(b",")
            message = json.loads(base64.b64decode(raw[:-1]))
            if not message:
                continue
            payload = message.get("payload") or {}
            number = message.get("message_id")
            if number is None and payload.get("original_message"):
                number = json.loads(payload["original_message"]).get("message_id")
            future = self._responses.get(number)
            if future is None or future.done():
                continue
            if payload.get("type") == "Error":
                future.set_exception(Exception(payload.get("message", "")))
            else:
                future.set_result(payload)
