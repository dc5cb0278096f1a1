"""``zfxxgk serve``: HTTP behaviour, live-reload events, and the editor's loop in a real browser."""

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import as_from_a_terminal, document

from generator import serve
from generator.serve import DevServer

pytestmark = pytest.mark.server
DOC = "content/测试县人民政府/法定主动公开内容/行政规范性文件/春耕通知.md"
DOC_URL = "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/cgtz/"


@pytest.fixture
def server(small_site):
    dev = DevServer(small_site.root, port=0, log=lambda line: None)
    first = dev.start()
    assert first.ok, [p.format() for p in first.problems.items]
    yield dev
    dev.stop()


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return (
                response.status,
                response.headers["Content-Type"],
                response.read().decode("utf-8"),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode("utf-8")


class EventStream:
    """Reads the server-sent events on a thread, so that tests can wait for the next one."""

    def __init__(self, url: str):
        self.events: queue.Queue = queue.Queue()
        self.response = urllib.request.urlopen(url + "__zfxxgk/events", timeout=30)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        name = None
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: ") and name:
                    self.events.put((name, line[6:]))
                    name = None
        except (OSError, ValueError):
            pass

    def next(self, timeout: float = 10.0) -> tuple[str, str]:
        return self.events.get(timeout=timeout)


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_serves_pages_with_live_script_and_charset(server):
    status, kind, body = fetch(server.url + DOC_URL)
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert '<script src="/__zfxxgk/live.js"></script></body>' in body
    status, kind, _ = fetch(server.url + "assets/style.css")
    assert (status, kind) == (200, "text/css; charset=utf-8")
    # the script is only added on the fly: the built files have none
    assert "live.js" not in (server.folder / DOC_URL / "index.html").read_text(encoding="utf-8")


def test_theme_files_are_kept_by_the_browser_until_they_change(server, small_site):
    """A reload fetches the page alone: its scripts and stylesheets are named by version."""
    import re

    def style_link() -> str:
        return re.search(r'href="([^"]*assets/style\.css\?v=\d+)"', fetch(server.url + DOC_URL)[2])[
            1
        ]

    first = style_link()
    url = urllib.parse.urljoin(server.url + DOC_URL, first)
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.headers["Cache-Control"] == "max-age=31536000, immutable"
    with urllib.request.urlopen(server.url + "assets/style.css", timeout=5) as response:
        assert response.headers["Cache-Control"] == "no-store"  # unversioned: never kept
    theme = small_site.root / "themes/default/static"
    theme.mkdir(parents=True)
    stream = EventStream(server.url)
    write(theme / "style.css", "body { color: #000; }\n")
    assert stream.next()[0] == "css"
    assert style_link() != first


def test_binds_loopback_by_default(server):
    assert server.httpd.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/passwd",
        "%2e%2e/%2e%2e/etc/passwd",
        "..%2f..%2fetc/passwd",
        "zfxxgk/../../../etc/passwd",
    ],
)
def test_nothing_outside_the_site_is_served(server, path):
    import http.client

    host, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", "/" + path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    assert response.status == 404 and "root:" not in body


def test_change_pushes_reload_and_new_text(server, small_site):
    stream = EventStream(server.url)
    path = small_site.root / DOC
    write(
        path,
        path.read_text(encoding="utf-8").replace(
            "现将有关事项通知如下", "现将春耕备耕事项通知如下"
        ),
    )
    assert stream.next()[0] == "reload"
    assert "现将春耕备耕事项通知如下" in fetch(server.url + DOC_URL)[2]


def test_edited_page_reloads_first_and_other_pages_stay(server, small_site):
    """The page being edited is told to reload as soon as it is written; the pages that
    list it follow once the rebuild is done; pages the edit does not touch never reload."""
    stream = EventStream(server.url)
    path = small_site.root / DOC
    write(path, path.read_text(encoding="utf-8").replace("标题: 关于", "标题: 关于进一步"))
    first, later = stream.next(), stream.next()
    assert first == ("reload", json.dumps([DOC_URL + "index.html"]))
    assert later[0] == "reload"
    listed = json.loads(later[1])
    assert "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/index.html" in listed  # the 栏目 list
    assert DOC_URL + "index.html" not in listed  # already reloaded
    assert "zfxxgk/csxrmzf/zfxxgkzn/index.html" not in listed  # the guide did not change


def test_broken_yaml_keeps_last_good_site_and_reports_problems(server, small_site):
    stream = EventStream(server.url)
    path = small_site.root / DOC
    good = path.read_text(encoding="utf-8")
    write(path, good.replace("标题: 关于", "标题: [关于"))
    name, data = stream.next()
    assert name == "problems" and "春耕通知.md:2: 错误：YAML 格式有误" in data
    assert fetch(server.url + DOC_URL)[0] == 200  # the last good page is still served
    write(path, good)
    assert stream.next()[0] == "reload"


def test_deleted_document_disappears(server, small_site):
    stream = EventStream(server.url)
    (small_site.root / "content/测试县人民政府/法定主动公开内容/行政规范性文件/旧办法.md").unlink()
    assert stream.next()[0] == "reload"
    status, _, body = fetch(server.url + "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/jbf/")
    assert status == 404 and "页面未找到" in body


def test_stylesheet_change_swaps_css_without_reload(server, small_site):
    theme = small_site.root / "themes/default/static"
    theme.mkdir(parents=True)
    stream = EventStream(server.url)
    write(theme / "style.css", "body { color: #000; }\n")
    assert stream.next()[0] == "css"
    assert fetch(server.url + "assets/style.css")[2] == "body { color: #000; }\n"


def test_only_content_themes_and_site_yaml_are_watched(server, small_site):
    """output/, .git and the build cache of a large site hold tens of thousands of
    folders; watching them would let a build beside the preview overflow the kernel's
    event queue (watchdog then rescans the whole tree, again and again)."""
    watches = {(e.watch.path, e.watch.is_recursive) for e in server.observer.emitters}
    root = str(small_site.root)
    assert watches == {(root, False), (root + "/content", True)}
    rebuilds = []
    server.log = rebuilds.append
    for name in ("output/zfxxgk/x.html", ".git/objects/ab/cd", ".zfxxgk-cache/state.pickle"):
        target = small_site.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x", encoding="utf-8")
    time.sleep(0.5)
    assert rebuilds == []


def test_burst_of_saves_is_one_rebuild(server, small_site):
    rebuilds = []
    server.log = rebuilds.append
    stream = EventStream(server.url)
    for number in range(5):
        small_site.doc(
            "行政规范性文件",
            f"批量{number}",
            document(f"批量{number}", f"11999900MB0000009X/2025-{number + 10:05d}"),
        )
    assert stream.next()[0] == "reload"
    time.sleep(0.5)
    assert len(rebuilds) == 1, rebuilds
    # one rebuild: its new pages, then the lists (no third event from a second rebuild)
    assert stream.next()[0] == "reload"
    assert stream.events.empty()


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_stopped_preview_leaves_no_copy_of_the_site_behind(small_site, tmp_path, stop):
    """Stopped by a service manager, a closed terminal or Ctrl+C, ``zfxxgk serve`` removes
    its folder in the system's temporary folder, and says it stopped."""
    server, temporary = _serve_in_a_process(small_site.root, tmp_path)
    try:
        assert [p.name[:13] for p in temporary.iterdir()] == ["zfxxgk-serve-"]
        server.send_signal(getattr(signal, stop))
        out, err = server.communicate(timeout=30)
    finally:
        server.kill()
    assert "预览已停止" in out and "Traceback" not in err
    assert list(temporary.iterdir()) == []


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
def test_a_preview_started_with_nohup_outlives_its_terminal(small_site, tmp_path):
    def ignore_hangups() -> None:  # as nohup does
        as_from_a_terminal()
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    server, temporary = _serve_in_a_process(small_site.root, tmp_path, ignore_hangups)
    try:
        server.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert server.poll() is None
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
    finally:
        server.kill()
    assert "预览已停止" in out and list(temporary.iterdir()) == []


def _serve_in_a_process(
    root: Path, tmp_path: Path, preexec=as_from_a_terminal
) -> tuple[subprocess.Popen, Path]:
    """``zfxxgk serve`` started as an editor would, once it says where the preview is, and
    the temporary folder it was given."""
    temporary = tmp_path / "temp"
    temporary.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(_free_port()), "--no-search"],
        cwd=root,
        env={**os.environ, "TMPDIR": str(temporary)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec,
    )
    assert "预览地址" in server.stdout.readline()
    return server, temporary


# -- in a real browser ------------------------------------------------------------------


@pytest.mark.browser
def test_editor_loop_in_chromium(server, small_site, chromium):
    page = chromium.new_page()
    page.goto(server.url + DOC_URL)
    page.wait_for_function("document.readyState === 'complete'")
    time.sleep(0.3)  # let the event stream connect
    path = small_site.root / DOC
    good = path.read_text(encoding="utf-8")

    write(path, good.replace("现将有关事项通知如下", "现将修改后的事项通知如下"))
    page.locator(".body p", has_text="现将修改后的事项通知如下").wait_for(timeout=10_000)

    write(path, good.replace("标题: 关于", "标题: [关于"))
    overlay = page.locator("#zfxxgk-problems")
    overlay.wait_for(timeout=10_000)
    assert "YAML 格式有误" in overlay.inner_text()

    write(path, good)
    overlay.wait_for(state="detached", timeout=10_000)
    page.locator(".body p", has_text="现将有关事项通知如下").wait_for(timeout=10_000)

    repealed = small_site.root / "content/测试县人民政府/法定主动公开内容/行政规范性文件/旧办法.md"
    page.goto(server.url + "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/jbf/")
    page.wait_for_function("document.readyState === 'complete'")
    time.sleep(0.3)
    repealed.unlink()
    # The open page reloads by itself and lands on the 404 page.
    page.locator("h1", has_text="页面未找到").wait_for(timeout=10_000)
    assert page.goto(server.url + "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/jbf/").status == 404


@pytest.mark.browser
def test_edited_text_is_put_in_place_and_a_new_title_reloads(
    server, small_site, chromium, monkeypatch
):
    """A body edit replaces the page's <main> without a reload: the reader keeps the
    scroll position, and the rebuild goes on as soon as the page shows the edit. A new
    title changes the page's head too, so that page is reloaded."""
    rebuilds = []
    server.log = rebuilds.append
    # Long enough that a rebuild which waited for it cannot be taken for one that did not,
    # however slow the host (a bound of 400 ms failed under load).
    monkeypatch.setattr(serve, "RELOAD_WAIT", 30.0)
    page = chromium.new_page(viewport={"width": 800, "height": 300})
    page.goto(server.url + DOC_URL)
    page.wait_for_function("document.readyState === 'complete'")
    time.sleep(0.3)  # let the event stream connect
    page.evaluate("window.scrollTo(0, 200); window.sameDocument = true")
    path = small_site.root / DOC
    good = path.read_text(encoding="utf-8")

    write(path, good.replace("现将有关事项通知如下", "现将修改后的事项通知如下"))
    page.locator(".body p", has_text="现将修改后的事项通知如下").wait_for(timeout=10_000)
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("window.scrollY") == 200
    # Told by the page that it shows the edit, the rebuild goes on without waiting out
    # RELOAD_WAIT.
    deadline = time.monotonic() + 15
    while not rebuilds and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(rebuilds) == 1, rebuilds
    assert int(re.search(r"用时 (\d+) 毫秒", rebuilds[0])[1]) < 15_000, rebuilds

    write(path, good.replace("标题: 关于", "标题: 关于进一步"))
    page.wait_for_function("document.title.includes('关于进一步')", timeout=10_000)
    assert page.evaluate("window.sameDocument") is None


# -- save-to-reload latency (a benchmark figure, printed, not asserted) -------------------

REPO = Path(__file__).resolve().parent.parent


def _site_of(kind: str, root: Path) -> Path:
    if kind == "example":
        shutil.copy(REPO / "site.yaml", root / "site.yaml")
        shutil.copytree(REPO / "content", root / "content")
    else:
        from bench.make_site import make_site

        make_site(root, documents=int(kind), seed=1)
    return root


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SHOWN_SIGNAL = """
document.addEventListener("zfxxgk:updated", function () {
  requestAnimationFrame(function () { setTimeout(function () { console.log("zfxxgk:shown"); }); });
});
"""


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["example", "10000"])
def test_save_to_reload_latency(tmp_path, chromium, kind, capsys):
    """Runs ``zfxxgk serve`` as its own process, as an editor does, and times from the
    save on disk to the new text on screen in Chromium: body edits on three documents
    (put in place by live.js), and title edits (the page reloads)."""
    from generator.build import load
    from generator.errors import Problems

    root = _site_of(kind, tmp_path)
    _, site = load(root, Problems())
    count = len(site.documents)
    documents = [site.documents[count * share // 4] for share in (1, 2, 3)]
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    body, title = [], []
    try:
        ready = server.stdout.readline()
        assert "预览地址" in ready, ready
        first_build = time.perf_counter() - started
        page = chromium.new_page()
        # Timed to the first frame after live.js has put the new text in place, told by
        # the page itself: a locator's polling would add its back-off to the figure.
        page.add_init_script(SHOWN_SIGNAL)
        for document in documents:
            body += _time_saves(page, port, document, _body_edits, "shown", pause=0.3)
        # A new title also redoes the site-wide lists (about 1 s at 10,000 documents):
        # each save waits for the last rebuild to end, as an editor's would.
        title += _time_saves(page, port, documents[-1], _title_edits, "load", pause=2.0)
    finally:
        server.terminate()
        server.wait(timeout=10)
    with capsys.disabled():
        print(
            f"\n[benchmark] serve, {count} documents: first build {first_build:.1f} s; "
            f"save-to-reload {_spread(body)} over {len(body)} body edits of 3 documents; "
            f"{_spread(title)} over {len(title)} title edits (full reload)"
        )


def _time_saves(page, port: int, document, edits, signal: str, pause: float) -> list[float]:
    page.goto(f"http://127.0.0.1:{port}/{document.url}")
    time.sleep(0.5)  # the event stream connects once the page has loaded
    text = document.source.read_text(encoding="utf-8")
    timings = []
    for attempt, (edited, marker) in enumerate(edits(text)):
        started = time.perf_counter()
        if signal == "shown":
            waiting = page.expect_console_message(
                lambda m: m.text == "zfxxgk:shown", timeout=60_000
            )
        else:
            waiting = page.expect_event("load", timeout=60_000)
        with waiting:
            document.source.write_text(edited, encoding="utf-8")
        timings.append((time.perf_counter() - started) * 1000)
        assert page.get_by_text(marker).count() >= 1, (attempt, marker)
        time.sleep(pause)
    return timings


def _body_edits(text: str):
    for attempt in range(3):
        marker = f"延迟测量第{attempt}次"
        yield text + f"\n{marker}。\n", marker


def _title_edits(text: str):
    for attempt in range(3):
        marker = f"（测量{attempt}）"
        yield re.sub(r"^(标题: .*)$", rf"\g<1>{marker}", text, count=1, flags=re.M), marker


def _spread(timings: list[float]) -> str:
    ordered = sorted(timings)
    return (
        f"median {ordered[len(ordered) // 2]:.0f} ms (min {ordered[0]:.0f}, max {ordered[-1]:.0f})"
    )
