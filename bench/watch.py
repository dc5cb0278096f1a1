"""Save-to-output latency of ``zfxxgk build --watch`` (监视模式下单篇修改的更新耗时).

    python -m bench.watch SITE [--repeat 5]

Starts ``zfxxgk build --watch --quiet --no-search`` on a site made by bench/make_site.py
(built once first if it has no output), then ``--repeat`` times appends a sentence to
the same document as bench/run.py's one-document rebuild and takes the time from just
before the write until the watch prints the line of the build that followed: by then the
pages are written and the build cache stored. Each change is looked for in the output,
so a rebuild that skipped it cannot pass for fast. Prints each run, the median, and the
watch process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import export
from bench.run import append_sentence, change_marker, output_contains, zfxxgk_env

PAUSE = 0.5  # seconds between two saves: each is its own rebuild, as an editor saves
SETTLE = 3.0  # seconds after the first build before the first save: the watch gets ready


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="由 bench.make_site 生成的站点")
    parser.add_argument("--repeat", type=int, default=5, help="修改次数（默认 5）")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    _, documents = export.read_site(site)
    target = documents[len(documents) // 2].source  # as bench/run.py edits
    watch = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--watch", "--quiet", "--no-search"],
        cwd=site,
        stdout=subprocess.PIPE,
        text=True,
        env=zfxxgk_env(),
    )
    try:
        first = json.loads(watch.stdout.readline())
        print(f"首次构建/first build: {first['seconds']:.2f} s", file=sys.stderr)
        time.sleep(SETTLE)
        times = [_one_change(watch, site, target, number) for number in range(1, args.repeat + 1)]
    finally:
        peak = _peak_rss(watch.pid)
        watch.terminate()
        watch.wait(timeout=60)
    print(
        f"中位数/median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}), "
        f"峰值内存/peak RSS {peak / 1e6:.0f} MB"
    )
    return 0


def _one_change(watch: subprocess.Popen, site: Path, target: Path, number: int) -> float:
    time.sleep(PAUSE)
    started = time.perf_counter()
    append_sentence(target, number)
    line = watch.stdout.readline()
    took = time.perf_counter() - started
    if not line:
        raise SystemExit("zfxxgk build --watch 意外退出")
    build = json.loads(line)
    if not output_contains(site / "output", change_marker(number)):
        raise SystemExit(f"第 {number} 次修改未出现在 output/ 中")
    print(
        f"  #{number}: {took * 1000:.0f} ms (build {build['seconds'] * 1000:.0f} ms, "
        f"written {build['written']})",
        file=sys.stderr,
    )
    return took


def _peak_rss(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in bytes; 0 where /proc has none."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
