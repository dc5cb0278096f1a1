"""``zfxxgk serve``: a local preview that rebuilds and reloads as the editor saves.

Three parts, each on its own thread: a watchdog observer that collects changed paths
(:mod:`generator.watch`), a rebuild loop that takes them in batches and brings the
preview folder up to date through the incremental engine, and an HTTP server that serves
that folder and tells open pages to reload over server-sent events. Broken content never
stops the server: the last good site stays, and every page shows the problems in an
overlay until they are fixed.
"""

from __future__ import annotations

import gc
import json
import mimetypes
import os
import posixpath
import re
import shutil
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from generator.errors import Problems
from generator.incremental import IncrementalBuild
from generator.render import ASSETS
from generator.searchindex import PreviewIndex
from generator.urls import BUNDLE
from generator.watch import ChangeQueue, changed_names, start_watching, stop_watching

EVENTS_PATH = "/__zfxxgk/events"
SCRIPT_PATH = "/__zfxxgk/live.js"
SHOWN_PATH = "/__zfxxgk/shown"  # a page updated in place says so here
SCRIPT_TAG = f'<script src="{SCRIPT_PATH}"></script>'.encode()
LIVE_JS = (Path(__file__).parent / "static" / "live.js").read_bytes()
EVENTS_KEPT = 32  # events an open page can fall behind by before it reloads to be safe
RELOAD_WAIT = 0.5  # seconds the rest of a rebuild waits for the edited page to reload
LISTED_PATHS = 500  # a reload naming more pages than this reloads every page
NO_STORE = "no-store"
IMMUTABLE = "max-age=31536000, immutable"
# A theme file in a page: src="../../assets/style.css" (the name without query or fragment).
_ASSET_LINK = re.compile(rb'((?:src|href)="(?:\.\./)*' + ASSETS.encode() + rb'([^"?#]+))"')
TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


@dataclass
class Rebuild:
    """One rebuild: what changed, what it did, and how long it took."""

    changed: list[Path]
    ok: bool
    pages: int = 0
    written: int = 0
    removed: int = 0
    milliseconds: float = 0.0
    problems: Problems = field(default_factory=Problems)


class LivePreview:
    """The incremental engine (:mod:`generator.incremental`) kept in memory for ``serve``,
    and what open pages are told after each rebuild."""

    def __init__(self, root: Path, folder: Path, jobs: int = 1, search: PreviewIndex | None = None):
        self.root = root.resolve()
        self.folder = folder
        self.engine = IncrementalBuild(self.root, folder, jobs)
        self.search = search  # told of each good rebuild; re-indexes when search is used
        self.problems: list[str] = []  # of the last failed rebuild; empty when good
        self.generation = 0
        self.events: deque[Event] = deque(maxlen=EVENTS_KEPT)
        self.changed = threading.Condition()
        self.open_pages: Counter[str] = Counter()  # output paths of the pages open in browsers
        self.awaited: set[str] = set()  # edited pages told to reload, until one shows it
        self.reloaded = threading.Event()  # set when one of them shows the edit

    def rebuild(self, changed: list[Path]) -> Rebuild:
        outcome = self.engine.rebuild(changed, first=self._first_written)
        # Forking for parallel rendering is for the first build only: once the server's
        # threads run, a forked child could inherit a lock held by one of them.
        self.engine.jobs = 1
        result = Rebuild(
            changed=changed,
            ok=outcome.ok,
            pages=outcome.pages,
            written=len(outcome.written),
            removed=len(outcome.removed),
            milliseconds=outcome.milliseconds,
            problems=outcome.problems,
        )
        if outcome.ok:
            if self.search is not None and (outcome.written or outcome.removed):
                shards = self.engine.shards(outcome.site, outcome.config)
                self.search.request(outcome.written + outcome.removed, shards)
            first = set(outcome.first)
            paths = [p for p in outcome.written + outcome.removed if p not in first]
            self._announce(changed, paths)
        else:
            problems = [p.format(self.root) for p in outcome.problems.errors]
            self._publish(Event("problems", problems), problems)
        return result

    def _first_written(self, paths: list[str]) -> None:
        """The edited document's own page is written: reload it before the lists are."""
        if self.search is not None:
            self.search.request(paths)  # a search made from the reloaded page must see the edit
        if self.problems:
            return
        with self.changed:
            self.awaited = {path for path in paths if self.open_pages[path]}
            self.reloaded.clear()
        self._publish(Event("reload", _listed(paths)))
        if self.awaited:
            # Let the browser load the page before the lists are rendered: on two cores
            # the rest of the rebuild would otherwise slow the reload it waits for.
            self.reloaded.wait(RELOAD_WAIT)
            self.awaited = set()

    def page_opened(self, path: str, change: int) -> None:
        """Count a page's event stream in (1) or out (-1). A page opens its stream once
        it has loaded, so an awaited page opening one is back on screen."""
        with self.changed:
            self.open_pages[path] += change
            if change > 0:
                self._shown(path)

    def page_updated(self, path: str) -> None:
        """A page has put the edit in place without reloading (live.js) and shows it."""
        with self.changed:
            self._shown(path)

    def _shown(self, path: str) -> None:
        if path in self.awaited:
            self.reloaded.set()

    def _announce(self, changed: list[Path], paths: list[str]) -> None:
        """Tell open pages what to do after a good rebuild."""
        if self.problems:
            self._publish(Event("reload", None))  # clears the overlay of the last problems
        elif not paths:
            return  # nothing an open page shows has changed
        elif _only_styles(changed):
            self._publish(Event("css", None))
        else:
            self._publish(Event("reload", _listed(paths)))

    def _publish(self, event: Event, problems: list[str] | None = None) -> None:
        with self.changed:
            self.problems = problems or []
            self.generation += 1
            self.events.append(replace(event, generation=self.generation))
            self.changed.notify_all()

    def wait(self, generation: int, timeout: float) -> tuple[int, list[Event], list[str]]:
        """Block until an event after ``generation`` (or the timeout); return the newest
        generation, the events after ``generation`` and the current problems.

        A page that fell further behind than the events kept is told to reload.
        """
        with self.changed:
            self.changed.wait_for(lambda: self.generation != generation, timeout)
            events = [e for e in self.events if e.generation > generation]
            if events and events[0].generation > generation + 1 and generation >= 0:
                events = [Event("reload", None, self.generation)]
            return self.generation, events, list(self.problems)


@dataclass(frozen=True)
class Event:
    """What open pages are told: ``reload`` (the pages at ``data`` — output paths — or
    every page when None), ``css`` (swap stylesheets) or ``problems`` (``data``: the
    messages for the overlay)."""

    name: str
    data: list[str] | None
    generation: int = 0

    def encode(self) -> bytes:
        payload = json.dumps(self.data, ensure_ascii=False)
        return f"event: {self.name}\ndata: {payload}\n\n".encode()


def _listed(paths: list[str]) -> list[str] | None:
    """The pages a reload names: None (every page) when a shared file such as a
    stylesheet or script changed, or when the list would be long."""
    if len(paths) > LISTED_PATHS or any(p.startswith(ASSETS) for p in paths):
        return None
    return sorted(paths)


def _only_styles(changed: list[Path]) -> bool:
    files = [path for path in changed if not path.is_dir()]
    return bool(files) and all(path.suffix == ".css" for path in files)


class DevServer:
    """Watches, rebuilds and serves one site until stopped."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        log: Callable[[str], None] = print,
        search: bool = True,
    ):
        self.root = root
        self.log = log
        self.folder = Path(tempfile.mkdtemp(prefix="zfxxgk-serve-"))
        self.search = PreviewIndex(self.folder, log, os.cpu_count() or 1) if search else None
        self.preview = LivePreview(root, self.folder, os.cpu_count() or 1, self.search)
        self.queue = ChangeQueue()
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self.httpd.daemon_threads = True
        self.observer = None
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> Rebuild:
        first = self.preview.rebuild([])
        # What the first build leaves in memory (parsed files, memos) lives as long as the
        # server: keep the garbage collector from walking it again on every rebuild.
        gc.collect()
        gc.freeze()
        self.observer = start_watching(self.root, self.queue.put)
        for target in (self.httpd.serve_forever, self._rebuild_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)
        return first

    @property
    def stopping(self) -> bool:
        return self.queue.closed

    def stop(self) -> None:
        self.queue.close()
        with self.preview.changed:
            self.preview.changed.notify_all()
        if self.observer is not None:
            stop_watching(self.observer)
        if self.threads:  # shutdown() waits for serve_forever(), forever if it never ran
            self.httpd.shutdown()
        self.httpd.server_close()
        # A rebuild under way ends first, and its worker processes with it: left behind,
        # they would wait for work for ever, holding the terminal's output open.
        for thread in self.threads:
            thread.join(timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _rebuild_loop(self) -> None:
        while (changed := self.queue.take()) is not None:
            self._report(self.preview.rebuild(changed))

    def _report(self, rebuild: Rebuild) -> None:
        names = changed_names(rebuild.changed, self.root)
        stamp = time.strftime("%H:%M:%S")
        if rebuild.ok:
            self.log(
                f"[{stamp}] {names} 已变化：重新生成 {rebuild.pages} 个页面，"
                f"更新 {rebuild.written} 个文件、删除 {rebuild.removed} 个，用时 {rebuild.milliseconds:.0f} 毫秒"
            )
        else:
            self.log(
                f"[{stamp}] {names} 已变化：发现 {len(rebuild.problems.errors)} 个错误，"
                "网站未更新（浏览器页面上显示错误提示）"
            )
            for problem in rebuild.problems.errors:
                self.log("  " + problem.format(self.root))


def _handler_for(server: DevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_PreviewHandler):
        dev = server

    return Handler


class _PreviewHandler(BaseHTTPRequestHandler):
    """Serves the preview folder, the live-reload script and the event stream."""

    dev: DevServer
    server_version = "zfxxgk-serve"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        pass  # one line per rebuild is what the editor wants to see, not one per request

    def do_HEAD(self) -> None:  # noqa: N802 (stdlib API)
        self._serve(head=True)

    def do_GET(self) -> None:  # noqa: N802 (stdlib API)
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._events()
            return
        if path == SHOWN_PATH:
            self.dev.preview.page_updated(self._page())
            self._send(HTTPStatus.NO_CONTENT, "text/plain; charset=utf-8", b"", head)
            return
        if path == SCRIPT_PATH:
            self._send(HTTPStatus.OK, "application/javascript; charset=utf-8", LIVE_JS, head)
            return
        if path.startswith("/" + BUNDLE) and self.dev.search is not None:
            self.dev.search.ensure_current()  # the search page asks: index the edits first
        target = self._resolve(path)
        if target is None:
            self._not_found(head)
            return
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            target = target / "index.html"
            if not target.is_file():
                self._not_found(head)
                return
        # A theme file asked for by its version (see _versioned) never changes.
        in_assets = self.dev.folder.resolve() / ASSETS.rstrip("/") in target.parents
        versioned = in_assets and "v=" in urlsplit(self.path).query
        self._send_file(HTTPStatus.OK, target, head, IMMUTABLE if versioned else NO_STORE)

    def _resolve(self, path: str) -> Path | None:
        """The file for a URL path, never outside the preview folder."""
        parts = [p for p in posixpath.normpath(unquote(path)).split("/") if p not in ("", ".")]
        if ".." in parts or any("\\" in p or "\0" in p for p in parts):
            return None
        root = self.dev.folder.resolve()
        target = root.joinpath(*parts).resolve() if parts else root
        if target != root and root not in target.parents:
            return None
        return target if target.exists() else None

    def _not_found(self, head: bool) -> None:
        page = self.dev.folder / "404.html"
        if page.is_file():
            self._send_file(HTTPStatus.NOT_FOUND, page, head)
        else:
            self._send(
                HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", "页面未找到".encode(), head
            )

    def _send_file(
        self, status: HTTPStatus, target: Path, head: bool, cache: str = "no-store"
    ) -> None:
        try:
            data = target.read_bytes()
        except OSError:
            self._send(
                HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", "页面未找到".encode(), head
            )
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = _inject(_versioned(data, self.dev.folder))
        if kind.startswith(TEXT_TYPES):
            kind += "; charset=utf-8"
        self._send(status, kind, data, head, cache)

    def _send(
        self, status: HTTPStatus, kind: str, data: bytes, head: bool, cache: str = NO_STORE
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _page(self) -> str:
        """The page a live.js request speaks for: its output path ("a/b/index.html")."""
        return parse_qs(urlsplit(self.path).query).get("page", [""])[0]

    def _events(self) -> None:
        preview = self.dev.preview
        page = self._page()
        preview.page_opened(page, 1)
        try:
            self._stream_events(preview)
        finally:
            preview.page_opened(page, -1)

    def _stream_events(self, preview: LivePreview) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        generation, _, problems = preview.wait(-1, 0)
        try:
            self.wfile.write(b"retry: 500\n\n")
            if problems:
                self.wfile.write(Event("problems", problems).encode())
            self.wfile.flush()
            while not self.dev.stopping:
                newer, events, _ = preview.wait(generation, 15)
                if newer == generation:
                    self.wfile.write(b": keep-alive\n\n")  # also finds closed connections
                generation = newer
                for event in events:
                    self.wfile.write(event.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def _versioned(html: bytes, folder: Path) -> bytes:
    """Name each theme file a served page uses by its version (its modification time),
    so that the browser keeps it across reloads and asks again only when it changed: a
    reload then fetches the page alone, not its scripts and stylesheets too."""

    def version(match: re.Match) -> bytes:
        try:
            stamp = (folder / ASSETS / match.group(2).decode()).stat().st_mtime_ns
        except (OSError, UnicodeDecodeError):
            return match.group(0)
        return match.group(1) + b"?v=" + str(stamp).encode() + b'"'

    return _ASSET_LINK.sub(version, html)


def _inject(html: bytes) -> bytes:
    """Add the live-reload script to a served page (never to the built site)."""
    marker = b"</body>"
    index = html.rfind(marker)
    if index == -1:
        return html + SCRIPT_TAG
    return html[:index] + SCRIPT_TAG + html[index:]
