"""Watching the inputs: the change queue, and ``zfxxgk build --watch`` as a process."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_buildcache import clean_copy_bytes, edit_as_an_editor, edit_sequences, site_bytes
from test_incremental import make_site

from generator.build import Builder, build
from generator.watch import ChangeQueue

NOTICE = "content/测试县人民政府/法定主动公开内容/行政规范性文件/春耕通知.md"


def test_a_burst_of_saves_is_one_batch_and_close_ends_the_wait(tmp_path):
    changes = ChangeQueue(quiet=0.1)
    taken: list = []
    taker = threading.Thread(target=lambda: taken.append(changes.take()))
    taker.start()
    for name in ("b.md", "a.md", "b.md"):
        changes.put(tmp_path / name)
        time.sleep(0.02)
    taker.join(timeout=5)
    assert taken == [[tmp_path / "a.md", tmp_path / "b.md"]]
    threading.Timer(0.05, changes.close).start()
    assert changes.take() is None


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edit_sequences(max_size=6))
def test_watched_runs_after_any_edits_equal_a_clean_build(tmp_path_factory, edits):
    """What ``build --watch`` does, in process: runs told only of the edited paths, the
    engine kept in memory; then a plain build finds nothing to do."""
    temp = tmp_path_factory.mktemp("watch")
    root = temp / "site"
    tree = make_site(root)
    builder = Builder(root, jobs=1, search=False, keep_files=True)
    builder.run()
    builder.prepare()
    for step, (edit, unit) in enumerate(edits):
        builder.run(told=edit_as_an_editor(tree, edit, unit, step, builder.run))
    assert site_bytes(root / "output") == clean_copy_bytes(root, temp)
    assert build(root, search=False).unchanged


class Watch:
    """A ``zfxxgk build --watch --quiet`` process and the lines it prints."""

    def __init__(self, root: Path, *options: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--watch", "--no-search", *options],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        for name in ("stdout", "stderr"):
            stream = getattr(self.process, name)
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def next_build(self) -> dict:
        """The JSON line of the next good build (stderr lines before it are skipped)."""
        return json.loads(self.wait_for("stdout", "{"))

    def wait_for(self, stream: str, start: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            name, line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            if name == stream and line.startswith(start):
                return line

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


@pytest.mark.server
def test_build_watch_updates_output_on_save_and_waits_out_errors(small_site, tmp_path):
    root = small_site.root
    watch = Watch(root, "--quiet")
    try:
        first = watch.next_build()
        assert first["full"] and first["pages"] > 10
        notice = root / NOTICE  # saved at once: the watch catches up with what the first
        # build did not see before it waits for file events

        notice.write_text(notice.read_text(encoding="utf-8") + "\n春耕期间加强值班。\n", "utf-8")
        edited = watch.next_build()
        assert not edited["full"] and 1 <= edited["written"] < first["files"]
        assert any("春耕期间加强值班" in p.read_text("utf-8") for p in _pages(root))

        good = notice.read_text(encoding="utf-8")
        notice.write_text(good.replace("标题:", "标题: [", 1), encoding="utf-8")
        message = watch.wait_for("stderr", NOTICE)
        assert ": 错误：YAML 格式有误" in message
        watch.wait_for("stderr", "发现 1 个错误")

        notice.write_text(good + "\n另行通知。\n", encoding="utf-8")
        assert watch.next_build()["written"] >= 1
        assert watch.stop() == 0
    finally:
        if watch.process.poll() is None:
            watch.process.kill()
    assert "Traceback" not in "".join(line for _, line in list(watch.lines.queue))
    # What the watch stored is the state a plain build finds: nothing left to do, and the
    # same files a clean build of the content writes.
    assert _plain_build(root)["unchanged"]
    assert site_bytes(root / "output") == clean_copy_bytes(root, tmp_path)


@pytest.mark.server
def test_a_watch_stopped_before_any_save_leaves_nothing_to_do(small_site):
    root = small_site.root
    assert not _plain_build(root)["unchanged"]
    watch = Watch(root)
    try:
        watch.wait_for("stdout", "正在监视")
        assert watch.stop() == 0
    finally:
        if watch.process.poll() is None:
            watch.process.kill()
    watch.wait_for("stdout", "已停止监视")
    assert _plain_build(root)["unchanged"]


def _plain_build(root: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--quiet", "--no-search"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def _pages(root: Path) -> list[Path]:
    return list((root / "output").rglob("*.html"))
