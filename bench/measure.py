"""Time one build command and the peak memory of its process tree (构建耗时与内存峰值).

Every build runs under a small wrapper process (``WRAPPER``, a fresh Python without site
packages) that starts the build, waits for it and reports. The wrapper is needed because
Linux counts in a child's peak memory what its parent held when it forked: measured from
the runner itself (which has the site generator imported) every build would show at
least the runner's size. The wrapper is a few MB.

Two memory figures per build, because a parallel build is several processes:

- ``max_rss``: the largest resident set of any single process of the build, from the
  kernel's own accounting (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` in the wrapper covers
  every descendant that was waited for). Exact, never missed; includes the wrapper's few MB.
- ``tree_rss``: the largest sum of the resident sets of all processes of the build at one
  moment, polled every ``POLL`` seconds (``None`` without /proc or psutil). What a small
  server has to hold for a parallel build; pages that forked workers share are counted
  once per process, and a peak shorter than a poll can be missed, so it is never
  reported below ``max_rss``.

The time is taken inside the wrapper, from spawning the build to its exit, so the
wrapper's own start-up is not in it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    import psutil
except ImportError:  # optional: only the tree sum needs it
    psutil = None

POLL = 0.02  # seconds between two samples of the process tree


@dataclass
class Measure:
    """One build: wall-clock seconds, exit code, memory in bytes, output files and bytes."""

    seconds: float
    exit_code: int
    max_rss: int
    tree_rss: int | None
    files: int = 0
    bytes: int = 0
    log: str = ""  # the end of what the command printed, shown when it failed
    change_seen: bool | None = None  # one-document rebuild: is the change in the output?


def _proc_tree_rss(pid: int) -> int:
    """The resident memory of every process under ``pid``, summed (not ``pid``), read from
    /proc: each process's children and its resident pages. 0.15 ms a sample, where
    psutil's walk (which reads every process on the machine to find the children) took
    2 ms of a core: a tenth of one at POLL, taken from the two-core build it measured
    (one-document rebuilds at 10,000 documents, 10 alternated pairs: 0.55 s polled,
    0.52 s not)."""
    total = 0
    pending = _proc_children(pid)
    while pending:
        child = pending.pop()
        try:
            with open(f"/proc/{child}/statm", "rb") as statm:
                total += int(statm.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        pending += _proc_children(child)
    return total


def _proc_children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for thread in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{thread}/children", "rb") as listed:
                children += [int(number) for number in listed.read().split()]
    except OSError:
        pass  # ended meanwhile
    return children


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
# Linux with the children lists (CONFIG_PROC_CHILDREN); elsewhere psutil, if installed.
_PROC_CHILDREN = os.path.exists(f"/proc/self/task/{os.getpid()}/children")


def _tree_rss(wrapper: int) -> int:
    """The resident memory of every process under the wrapper, summed (not the wrapper)."""
    if _PROC_CHILDREN:
        return _proc_tree_rss(wrapper)
    total = 0
    try:
        processes = psutil.Process(wrapper).children(recursive=True)
    except psutil.Error:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


# Runs argv[2:], writes {"seconds", "status", "maxrss_kb"} as JSON to argv[1], exits as
# the build did. Kept to the standard library's smallest modules so that it stays small.
WRAPPER = """\
import json, os, resource, sys, time
started = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status = os.waitpid(pid, 0)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "status": status, "maxrss_kb": usage.ru_maxrss}, out)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_build(command: list[str], cwd: Path, log: Path, env: dict | None = None) -> Measure:
    """Run ``command`` in ``cwd`` to completion, its output going to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    report = log.with_suffix(".json")
    report.unlink(missing_ok=True)
    wrapper = [sys.executable, "-I", "-S", "-c", WRAPPER, str(report), *command]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            wrapper,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        peak = _poll(proc) if psutil is not None or _PROC_CHILDREN else None
        code = proc.wait()
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):  # the command could not even be started
        return Measure(0.0, code or 127, 0, None, log=_tail(log))
    max_rss = int(data["maxrss_kb"]) * 1024  # kilobytes on Linux
    tree = None if peak is None else max(peak, max_rss)
    return Measure(float(data["seconds"]), code, max_rss, tree, log=_tail(log))


def _poll(proc: subprocess.Popen) -> int:
    peak = 0
    while True:
        peak = max(peak, _tree_rss(proc.pid))
        try:
            proc.wait(POLL)
        except subprocess.TimeoutExpired:
            continue
        return peak


def _tail(log: Path, lines: int = 5) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])
