"""Work spread over forked processes: every result comes back, workers collect in bulk."""

import gc
import os
import subprocess
import sys
import time

import pytest

from generator.collector import BATCH_THRESHOLD
from generator.forked import ForkedCall, can_fork, forked_map

pytestmark = pytest.mark.skipif(not can_fork(), reason="fork is not available here")


def test_every_result_comes_back_from_the_workers():
    site = {n: f"机关{n}" for n in range(50)}  # inherited, not sent
    assert sorted(forked_map(lambda n: site[n], 50, 2)) == sorted(site.values())


def test_the_parent_works_meanwhile_while_the_workers_run(tmp_path):
    """The check runs its other rules while workers scan files: ``meanwhile`` runs in
    the parent once the workers have started, not after their results are in."""
    started = tmp_path / "父进程已开始"
    parent = os.getpid()

    def work(n: int) -> bool:  # waits (at most 10 s) for the parent's sign
        deadline = time.monotonic() + 10
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return started.exists() and os.getpid() != parent

    calls = []

    def meanwhile() -> None:
        calls.append(os.getpid())
        started.touch()

    assert list(forked_map(work, 4, 2, meanwhile)) == [True] * 4
    assert calls == [parent]


def test_workers_collect_garbage_in_larger_batches_than_the_parent():
    before = gc.get_threshold()
    seen = set(forked_map(lambda n: gc.get_threshold()[0], 8, 2))
    assert seen == {BATCH_THRESHOLD} and gc.get_threshold() == before
    assert gc.isenabled()


def test_a_forked_call_answers_while_the_caller_goes_on():
    site = {"机关": list(range(1000))}
    with ForkedCall(lambda: sum(site["机关"])) as call:
        assert call.result() == sum(range(1000))
        assert call.ready()


def test_a_forked_call_that_fails_answers_none():
    def fail() -> None:
        raise OSError("读不到")

    with ForkedCall(fail) as call:
        assert call.result() is None


def test_leaving_a_forked_call_early_ends_its_child(tmp_path):
    """A child with a large answer blocks writing it until the caller reads: leaving the
    block without reading must still end it (run apart, so that a hang fails by time)."""
    script = (
        "import os\n"
        "from generator.forked import ForkedCall\n"
        "with ForkedCall(lambda: b'x' * 10_000_000) as call:\n"
        "    pass\n"
        "try:\n"
        "    os.waitpid(-1, os.WNOHANG)\n"
        "except ChildProcessError:\n"
        "    print('reaped')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert run.stdout.strip() == "reaped"


def test_a_forked_call_that_cannot_fork_raises_and_leaves_no_pipe_open(monkeypatch):
    def no_process() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    before = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "fork", no_process)
    with pytest.raises(OSError):
        ForkedCall(lambda: 1)
    assert len(os.listdir("/proc/self/fd")) == before
