"""Fixed costs on this machine that no build of a site can avoid (构建耗时的下限).

    python -m bench.floor SITE [--repeat 7]

On a site made by bench/make_site.py and built once, measures what every one-document
``zfxxgk build`` from a fresh process pays before it does any work of its own, and what
a cold build pays only to put its files on disk:

- starting the interpreter (``python -c pass``);
- importing the pipeline (Jinja, Markdown, YAML and our modules), as a rebuild must;
- stamping every input file (size and modification time: how a build knows what changed);
- reading the build record;
- checking that every output file is still there;
- creating the site's output files: as many page folders and files as output/ holds,
  of its median size, written into a scratch folder beside the site (same disk).

Each figure is the quickest of ``--repeat`` runs. The first five make the least a
one-document rebuild can take (see :func:`one_document_floor`); the last is the least a
cold build spends on the disk, whichever generator writes the same number of files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import generator.build
from bench.run import zfxxgk_env
from generator import buildstate

SAMPLE = 2000  # files written per round to time file creation


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="已生成过一次的站点（bench.make_site）")
    parser.add_argument("--repeat", type=int, default=7, help="计时次数（默认 7）")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    output = site / "output"
    if buildstate.read_stored(site, output) is None:
        print(f"请先在 {site} 运行一次 zfxxgk build", file=sys.stderr)
        return 1
    repeat = max(1, args.repeat)
    start = _quickest(repeat, lambda: _python("pass"))
    imports = _quickest(repeat, lambda: _python("import generator.buildcache")) - start
    inputs = len(buildstate.snapshot(site))
    stamping = _quickest(repeat, lambda: buildstate.snapshot(site))
    stored = buildstate.read_stored(site, output, check_outputs=False)
    record = _quickest(repeat, lambda: buildstate.read_stored(site, output, check_outputs=False))
    present = _quickest(repeat, lambda: buildstate.all_present(output, stored.paths))
    files = [path for path in output.rglob("*") if path.is_file()]
    size = int(statistics.median(path.stat().st_size for path in files))
    per_file = min(_create_files(site, size) for _ in range(repeat)) / SAMPLE
    costs = (start, imports, stamping, record, present)
    rows = [
        ("启动解释器 interpreter start", start),
        ("载入生成程序 import the pipeline", imports),
        (f"盘点 {inputs} 个输入文件 stamp the inputs", stamping),
        ("读取构建记录 read the record", record),
        (f"核对 {len(files)} 个输出文件 check the output files", present),
        (
            "单篇重建的下限 least a one-document rebuild takes",
            one_document_floor(buildstate.record_size(site), *costs),
        ),
        (
            f"创建 {len(files)} 个输出文件（每个 {size} 字节，{per_file * 1e6:.0f} µs）"
            " create the output files",
            per_file * len(files),
        ),
    ]
    for label, seconds in rows:
        print(f"{seconds * 1000:9.0f} ms  {label}")
    return 0


def one_document_floor(
    record_size: int, start: float, imports: float, stamping: float, record: float, present: float
) -> float:
    """The fixed costs of a one-document rebuild, laid out as ``Builder._survey`` runs
    them: in turn on a small site; from a record of SURVEY_ASIDE bytes on, the inputs are
    stamped by a forked child while the build reads the record, checks the output files
    and loads the pipeline."""
    if record_size < generator.build.SURVEY_ASIDE:
        return start + imports + stamping + record + present
    return start + max(record + present + imports, stamping)


def _quickest(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def _python(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, env=zfxxgk_env())


def _create_files(site: Path, size: int) -> float:
    """Seconds to write SAMPLE pages as a build does: a folder each, then its index.html
    (removing them afterwards is not counted)."""
    scratch = site / f".floor-{os.getpid()}"
    data = b"x" * size
    try:
        scratch.mkdir()
        started = time.perf_counter()
        for number in range(SAMPLE):
            folder = scratch / str(number)
            folder.mkdir()
            (folder / "index.html").write_bytes(data)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
