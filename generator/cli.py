"""The ``zfxxgk`` command line: build, check, serve, report, init, publish, verify.

Exit codes: 0 success, 1 content errors (or a failed write), 2 wrong usage.
Messages are in Chinese; content errors are listed with file:line, never as a traceback.

Each command imports the stages it needs when it runs: a build that finds nothing changed
answers in a fraction of the time it takes to load Jinja, Markdown and the checker.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.build import Builder, BuildResult, load
from generator.errors import BuildError, OutputError, Problem, Problems
from generator.standard import LEVELS
from generator.timings import PHASES

if TYPE_CHECKING:
    from generator.publish import Target

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
RSYNC_ENV = "ZFXXGK_RSYNC_OPTIONS"  # extra rsync options for publish, e.g. --bwlimit=500


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exits with 2 as well
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zfxxgk", description="政府信息公开专栏静态网站生成工具")
    parser.add_argument("--version", action="version", version=f"zfxxgk {__version__}")
    parser.add_argument(
        "-C", "--root", type=Path, default=Path("."), help="站点根目录（默认为当前目录）"
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="命令", parser_class=_Parser
    )

    build_cmd = commands.add_parser("build", help="检查内容并生成网站到 output/")
    build_cmd.add_argument(
        "--force", action="store_true", help="有错误时仍然生成（不建议用于正式发布）"
    )
    build_cmd.add_argument("--clean", action="store_true", help="不使用缓存，重新生成全部页面")
    build_cmd.add_argument(
        "--no-search", action="store_true", help="不建立站内搜索索引（快速生成时使用）"
    )
    build_cmd.add_argument(
        "--units",
        type=_unit_list,
        metavar="机关,机关",
        help="只生成这些机关（content/ 下的文件夹名，逗号分隔）的页面和全站公共页面，其他机关的文件保持不变",
    )
    build_cmd.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="并行生成的进程数（默认为处理器核数）"
    )
    build_cmd.add_argument(
        "--quiet",
        action="store_true",
        help="不显示进度和警告汇总，结束时输出一行 JSON 统计（便于脚本调用）",
    )
    build_cmd.add_argument(
        "--watch",
        action="store_true",
        help="生成后继续监视内容、模板和 site.yaml，保存后自动更新 output/（按 Ctrl+C 停止）",
    )
    build_cmd.add_argument(
        "--timings",
        action="store_true",
        help="列出各阶段用时（盘点文件、读取内容、合规检查、生成页面、搜索索引等）",
    )

    serve_cmd = commands.add_parser("serve", help="本地预览：生成网站并在修改保存后自动刷新")
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）"
    )
    serve_cmd.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve_cmd.add_argument("--open", action="store_true", help="启动后自动打开浏览器")
    serve_cmd.add_argument(
        "--no-search", action="store_true", help="不建立站内搜索索引（修改后不更新搜索结果）"
    )

    check_cmd = commands.add_parser("check", help="检查内容是否符合政府信息公开的规定")
    check_cmd.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="输出格式：text（默认）或 json（每行一个 JSON 对象）",
    )
    check_cmd.add_argument("--strict", action="store_true", help="有警告时也以退出码 1 结束")
    check_cmd.add_argument(
        "--fix", action="store_true", help="为缺少索引号的文档自动补齐索引号（只改这一项）"
    )
    check_cmd.add_argument(
        "--external", action="store_true", help="同时检查外部链接能否访问（需联网）"
    )
    check_cmd.add_argument("--list-rules", action="store_true", help="列出全部检查规则及编号")

    report_cmd = commands.add_parser(
        "report", help="年度报告：report new <机关> <年份> 生成填报模板"
    )
    report_sub = report_cmd.add_subparsers(
        dest="report_command", required=True, metavar="子命令", parser_class=_Parser
    )
    new_cmd = report_sub.add_parser("new", help="生成某机关某年度的年度报告模板（含全部单元格）")
    new_cmd.add_argument("unit", help="机关文件夹名或网址名（slug）")
    new_cmd.add_argument("year", type=int, help="报告年度，如 2025")

    _add_publish_commands(commands)

    init_cmd = commands.add_parser("init", help="新建站点：生成 site.yaml 和四个部分的内容骨架")
    init_cmd.add_argument("directory", type=Path, help="新站点所在的文件夹")
    init_cmd.add_argument("--unit", default="本机关", help="机关全称，如 某某县人民政府")
    init_cmd.add_argument("--level", default="政府", choices=LEVELS, help="机关层级")
    return parser


def run() -> None:
    """The ``zfxxgk`` command: :func:`main`, then leave without taking the interpreter down.

    The objects of a large site sit in reference cycles, so at exit Python would walk
    and free them one by one: about 0.3 s at 10,000 documents after the work is done,
    a fifth of a one-document build. The operating system takes the memory back at once.
    Every command closes its files, worker pools and subprocesses before main() returns;
    only the standard streams are left to flush.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1  # a closed pipe: the output did not all arrive
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "build":
            return _build(
                root,
                force=args.force,
                clean=args.clean,
                units=args.units,
                jobs=args.jobs,
                quiet=args.quiet,
                search=not args.no_search,
                watch=args.watch,
                timings=args.timings,
            )
        if args.command == "check":
            return _check(root, args)
        if args.command == "serve":
            return _serve(root, args.host, args.port, args.open, not args.no_search)
        if args.command == "report":
            return _report_new(root, args.unit, args.year)
        if args.command == "init":
            return _init(args.directory.resolve(), args.unit, args.level)
        if args.command in ("publish", "verify"):
            return _publish_or_verify(root, args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_USAGE


def _unit_list(text: str) -> set[str]:
    names = {name.strip() for name in text.replace("，", ",").split(",") if name.strip()}
    if not names:
        raise argparse.ArgumentTypeError("请给出至少一个机关文件夹名")
    return names


def _build(
    root: Path,
    force: bool = False,
    clean: bool = False,
    units: set[str] | None = None,
    jobs: int = 0,
    quiet: bool = False,
    search: bool = True,
    watch: bool = False,
    timings: bool = False,
    lock: bool = True,
) -> int:
    """``zfxxgk build``; ``lock=False`` when the caller holds the site's lock already."""
    if units:
        missing = sorted(name for name in units if not (root / "content" / name).is_dir())
        if missing:
            print(f"用法错误：content/ 下没有机关文件夹“{'”“'.join(missing)}”", file=sys.stderr)
            return EXIT_USAGE
        if watch:
            print("用法错误：--watch 不能与 --units 同时使用", file=sys.stderr)
            return EXIT_USAGE
    builder = Builder(root, jobs=jobs or None, search=search, keep_files=watch)
    progress = None if quiet or not sys.stderr.isatty() else _Progress()
    try:
        with _site_lock(root, lock):
            result = builder.run(force=force, progress=progress, units=units, clean=clean)
    except BuildError as exc:
        _report_failure(exc, root, quiet)
        return _keep_building(builder, root, force, quiet, timings) if watch else EXIT_ERRORS
    except (OutputError, OSError) as exc:
        _report_write_failure(exc)
        return _keep_building(builder, root, force, quiet, timings) if watch else EXIT_ERRORS
    finally:
        if progress:
            progress.done()
    _report_result(result, root, quiet, timings)
    return _keep_building(builder, root, force, quiet, timings) if watch else EXIT_OK


def _site_lock(root: Path, lock: bool = True) -> contextlib.AbstractContextManager:
    """The site's lock (generator.sitelock), saying so if another command holds it.
    No lock for a folder that is no site: the command says so without writing there."""
    if not lock or not (root / "site.yaml").is_file():
        return contextlib.nullcontext()
    from generator.sitelock import exclusive

    def waiting() -> None:
        print("另一个 zfxxgk 命令正在生成或发布本网站，等待其完成……", file=sys.stderr, flush=True)

    return exclusive(root, waiting)


def _report_failure(exc: BuildError, root: Path, quiet: bool) -> None:
    _print_problems(exc.problems.errors, root)
    if not quiet:
        _summarise_warnings(exc.problems)
    print(
        f"发现 {len(exc.problems.errors)} 个错误，未生成网站；output/ 保持原样。",
        file=sys.stderr,
    )


def _report_write_failure(exc: BaseException) -> None:
    print(f"错误：写入输出文件夹失败：{_os_reason(exc)}；output/ 保持原样。", file=sys.stderr)


def _report_result(result: BuildResult, root: Path, quiet: bool, timings: bool = False) -> None:
    _print_problems(result.problems.errors, root)
    if quiet:
        print(json.dumps(_summary(result), ensure_ascii=False), flush=True)
    else:
        _summarise_warnings(result.problems)
        print(_summary_line(result), flush=True)
        if timings:
            print(_timings_line(result), flush=True)
    if result.problems.errors:
        print(
            f"注意：有 {len(result.problems.errors)} 个错误（已按 --force 强制生成）。",
            file=sys.stderr,
        )


def _keep_building(
    builder: Builder, root: Path, force: bool, quiet: bool, timings: bool = False
) -> int:
    """``build --watch``: build again after every pause in saving, until Ctrl+C.

    A run that finds errors leaves output/ as it is and the watch goes on. Ctrl+C (or
    SIGTERM from a service manager) lets a run that has begun finish, so output/ and the
    build cache are never left half-way.
    """
    from generator.watch import ChangeQueue, start_watching, stop_watching

    builder.jobs = 1  # a process forked beside the observer's thread could inherit its locks
    with _site_lock(root):
        builder.prepare()
    queue = ChangeQueue()
    observer = start_watching(root, queue.put)
    handlers = {sig: signal.signal(sig, lambda *_: queue.close()) for sig in _STOP_SIGNALS}
    if not quiet:
        print("正在监视 content/、themes/ 和 site.yaml，保存后自动更新 output/；按 Ctrl+C 停止。")
    try:
        # First, with a new snapshot, what was saved while the first build ran.
        _build_again(builder, root, force, quiet, None, timings)
        while (changed := queue.take()) is not None:
            _build_again(builder, root, force, quiet, changed, timings)
    finally:
        stop_watching(observer)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    if not quiet:
        print("已停止监视。")
    return EXIT_OK


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _build_again(
    builder: Builder,
    root: Path,
    force: bool,
    quiet: bool,
    changed: list[Path] | None,
    timings: bool = False,
) -> None:
    from generator.watch import changed_names

    stamp = time.strftime("%H:%M:%S")
    names = changed_names(changed or [], root) or "内容"
    try:
        with _site_lock(root):
            result = builder.run(force=force, told=changed)
    except BuildError as exc:
        print(f"[{stamp}] {names} 已变化：", file=sys.stderr)
        _report_failure(exc, root, quiet)
        return
    except (OutputError, OSError) as exc:
        _report_write_failure(exc)
        return
    if result.unchanged:
        return  # saved without a change, or a file of no concern to the site
    if not quiet:
        print(f"[{stamp}] {names} 已变化：", end="")
    _report_result(result, root, quiet, timings)


def _summary_line(result: BuildResult) -> str:
    counts = f"{result.units} 个机关、{result.documents} 篇文档"
    took = f"用时 {result.seconds:.2f} 秒"
    if result.unchanged:
        return f"内容和模板均未变化，网站无需更新（{counts}，共 {result.files} 个文件），{took}。"
    if result.full:
        return (
            f"已生成 {counts}：{result.pages} 个页面，共 {result.files} 个文件，{took}。"
            f"输出位置：{result.output_dir}"
        )
    return (
        f"已更新 {counts}的网站：重新生成 {result.pages} 个页面，写入 {result.written} 个文件、"
        f"删除 {result.removed} 个，共 {result.files} 个文件，{took}。输出位置：{result.output_dir}"
    )


def _summary(result: BuildResult) -> dict[str, object]:
    """The --quiet line: stable English keys for scripts."""
    return {
        "units": result.units,
        "documents": result.documents,
        "pages": result.pages,
        "files": result.files,
        "written": result.written,
        "removed": result.removed,
        "full": result.full,
        "unchanged": result.unchanged,
        "warnings": len(result.problems.warnings),
        "seconds": round(result.seconds, 3),
        "phases": {name: round(seconds, 3) for name, seconds in result.phases.items()},
    }


def _timings_line(result: BuildResult) -> str:
    """``--timings``: the phases that ran, in the order a build goes through them."""
    spent = [
        f"{label} {result.phases[name]:.2f} 秒"
        for name, label in PHASES.items()
        if name in result.phases
    ]
    return "各阶段用时：" + "，".join(spent) + "。"


class _Progress:
    """A one-line progress bar on the terminal, shown once a build has run a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.started < 1 and not self.shown:
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "█" * filled + "·" * (width - filled)
        print(f"\r正在生成 [{bar}] {done}/{total}", end="", file=sys.stderr, flush=True)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _check(root: Path, args: argparse.Namespace) -> int:
    from generator.check import check_site
    from generator.fix import assign_index_numbers

    if args.list_rules:
        return _list_rules()
    problems = Problems()
    jobs = os.cpu_count() or 1
    try:
        config, site = load(root, problems, jobs)
    except BuildError:
        _report(problems, root, args.format)
        return EXIT_ERRORS
    if args.fix:
        for item in assign_index_numbers(site, config):
            print(f"{item.path.relative_to(root).as_posix()}: 已补齐索引号 {item.index_no}")
        problems = Problems()
        config, site = load(root, problems, jobs)
    check_site(site, config, problems, external=args.external, jobs=jobs)
    _report(problems, root, args.format)
    if args.format == "text":
        if not problems:
            print(f"检查通过：{len(site.units)} 个机关、{len(site.documents)} 篇文档，未发现问题。")
        else:
            print(f"检查完成：{len(problems.errors)} 个错误，{len(problems.warnings)} 个警告。")
    failed = problems.errors or (args.strict and problems.warnings)
    return EXIT_ERRORS if failed else EXIT_OK


def _list_rules() -> int:
    from generator.check import CALENDAR_RULE_ID, RULES

    print("编号\t默认级别\t检查内容\t依据")
    for rule in RULES:
        print(f"{rule.id}\t{rule.severity}\t{rule.title}\t{rule.basis or '—'}")
    print(f"{CALENDAR_RULE_ID}\t错误\t工作日日历覆盖所涉年份\t条例第二十六条")
    return EXIT_OK


def _report(problems: Problems, root: Path, fmt: str) -> None:
    if fmt == "json":
        for problem in problems.items:
            print(json.dumps(problem.as_json(root), ensure_ascii=False))
        return
    _print_problems(problems.items, root)


def _serve(root: Path, host: str, port: int, open_browser: bool, search: bool = True) -> int:
    from generator.serve import DevServer  # watchdog and the HTTP server only when serving

    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"警告：--host {host} 会让局域网内的其他电脑也能访问本机预览，仅供临时展示，请勿在公共网络中使用。",
            file=sys.stderr,
        )
    _interrupt_on_termination()
    try:
        server = DevServer(root, host, port, search=search)
    except OSError as exc:
        print(
            f"错误：无法在 {host}:{port} 启动预览服务（{exc.strerror or exc}）；可用 --port 换一个端口。",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    try:  # however it stops, the preview's folder (a copy of the whole site) is removed
        first = server.start()
        if not first.ok:
            print(
                "注意：内容有错误，预览页面上会显示错误提示；修改保存后自动重新生成。",
                file=sys.stderr,
            )
            for problem in first.problems.errors:
                print("  " + problem.format(root), file=sys.stderr)
        print(
            f"预览地址：{server.url}（已生成 {first.pages} 个页面，用时 {first.milliseconds:.0f} 毫秒；按 Ctrl+C 停止）",
            flush=True,
        )
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("预览已停止。")
    finally:
        server.stop()
    return EXIT_OK


def _interrupt_on_termination() -> None:
    """A service manager's SIGTERM, or the SIGHUP of a closed terminal, stops ``serve`` as
    Ctrl+C does: killed outright, it left its folder behind in the system's temporary
    folder, a copy of the whole site each time. A signal the caller ignores (``nohup``
    ignores SIGHUP) stays ignored."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)  # no SIGHUP on Windows
        if number is not None and signal.getsignal(number) != signal.SIG_IGN:
            signal.signal(number, interrupt)


def _report_new(root: Path, unit_name: str, year: int) -> int:
    from generator.report_template import ReportExists, write_report_template

    problems = Problems()
    try:
        _, site = load(root, problems)
    except BuildError:
        _print_problems(problems.errors, root)
        return EXIT_ERRORS
    unit = next((u for u in site.units if unit_name in (u.key, u.slug, u.name)), None)
    if unit is None:
        names = "、".join(u.key for u in site.units)
        print(f"错误：找不到机关“{unit_name}”；现有机关：{names}", file=sys.stderr)
        return EXIT_USAGE
    if not 2021 <= year <= 2100:
        print(f"错误：年度 {year} 不在 2021 年（现行格式施行）以后的合理范围内", file=sys.stderr)
        return EXIT_USAGE
    try:
        path = write_report_template(unit, year)
    except ReportExists as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_ERRORS
    print(
        f"已生成 {path.relative_to(root).as_posix()}：请把每个 ~ 改为数字后运行 zfxxgk check 核对。"
    )
    return EXIT_OK


def _init(directory: Path, unit: str, level: str) -> int:
    from generator.scaffold import ScaffoldError, init_site

    try:
        created = init_site(directory, unit, level)
    except ScaffoldError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_ERRORS
    print(f"已在 {directory} 新建站点（{len(created)} 个文件和文件夹）。")
    print(
        f"下一步：编辑 site.yaml 和 content/{unit}/_unit.yaml，然后运行：cd {directory} && zfxxgk build"
    )
    return EXIT_OK


# -- publish / verify (generator/publish.py) -----------------------------------------------


def _add_publish_commands(commands: argparse._SubParsersAction) -> None:
    publish_cmd = commands.add_parser(
        "publish", help="检查并生成网站，再发布到网站服务器的文件夹（本机路径或 用户@主机:/路径）"
    )
    publish_cmd.add_argument("target", help="发布目标：本机文件夹，或 用户@主机:/路径（经 SSH）")
    publish_cmd.add_argument(
        "--keep", type=int, default=5, help="保留最近几个版本，供回退使用（默认 5，至少 2）"
    )
    publish_cmd.add_argument(
        "--rollback", action="store_true", help="不生成，把网站切换回上一个版本"
    )
    publish_cmd.add_argument(
        "--dry-run", action="store_true", help="只生成并列出将新增、修改、删除的文件，不发布"
    )
    verify_cmd = commands.add_parser(
        "verify", help="核对服务器上正在提供服务的网站与发布清单是否一致（发现缺失或被篡改的文件）"
    )
    verify_cmd.add_argument("target", help="发布目标：本机文件夹，或 用户@主机:/路径")


def _publish_or_verify(root: Path, args: argparse.Namespace) -> int:
    from generator import publish  # only when publishing

    target = publish.parse_target(args.target, shlex.split(os.environ.get(RSYNC_ENV, "")))
    try:
        if args.command == "verify":
            return _verify(target)
        if args.rollback:
            old, new = publish.rollback(target)
            print(f"已回退：{target.label}/current 由 {old} 切换为 {new}。")
            return EXIT_OK
        return _publish(root, target, args.keep, args.dry_run)
    except publish.PublishError as exc:
        print(f"错误：{exc}", file=sys.stderr)
    except OSError as exc:
        print(f"错误：{_os_reason(exc)}；服务器上的网站未改变。", file=sys.stderr)
    except KeyboardInterrupt:
        print(
            "已中断：发布未完成，已删除未完成的版本；正在提供服务的网站未改变。",
            file=sys.stderr,
        )
    return EXIT_ERRORS


def _publish(root: Path, target: Target, keep: int, dry_run: bool) -> int:
    from generator import publish

    if keep < 2:
        print("用法错误：--keep 至少为 2（当前版本和可回退的上一个版本）", file=sys.stderr)
        return EXIT_USAGE
    publish.inspect(target, write=False)  # a wrong target fails before the build
    with _site_lock(root):  # output/ stays as built until it is uploaded
        status = _build(root, force=False, lock=False)
        if status != EXIT_OK:
            print("未发布：服务器上的网站未改变。", file=sys.stderr)
            return status
        if dry_run:
            return _dry_run(root / "output", target)
        done = publish.publish(root / "output", target, keep=keep)
    changes = done.changes
    print(
        f"已发布版本 {done.release} 到 {target.label}：新增 {len(changes.added)} 个、"
        f"修改 {len(changes.changed)} 个、删除 {len(changes.removed)} 个文件，"
        f"{changes.same} 个未变文件以硬链接复用。current 已切换"
        + (f"（上一版本 {done.previous}，可用 --rollback 回退）" if done.previous else "")
        + f"；共保留 {done.kept} 个版本。"
    )
    return EXIT_OK


def _dry_run(output: Path, target: Target) -> int:
    from generator import publish

    state, live, new = publish.plan(output, target)
    changes = publish.compare(live, new)
    for label, paths in (
        ("新增", changes.added),
        ("修改", changes.changed),
        ("删除", changes.removed),
    ):
        for path in paths:
            print(f"{label}\t{path}")
    where = f"当前版本 {state.current} " if state.current else "服务器上尚无网站"
    print(
        f"试运行（未发布）：与{where}相比，将新增 {len(changes.added)} 个、修改 {len(changes.changed)} 个、"
        f"删除 {len(changes.removed)} 个文件，{changes.same} 个不变。"
    )
    return EXIT_OK


def _verify(target: Target) -> int:
    from generator import publish

    release, found = publish.verify(target)
    for label, paths in (
        ("缺失", found.missing),
        ("被修改", found.altered),
        ("清单外的文件", found.unexpected),
    ):
        for path in paths:
            print(f"{label}：{path}", file=sys.stderr)
    if found:
        print(
            f"核对未通过：{target.label}/current（版本 {release}）与发布清单不一致——"
            f"缺失 {len(found.missing)} 个、被修改 {len(found.altered)} 个、清单外 {len(found.unexpected)} 个文件。"
            "请检查服务器是否被篡改，并重新发布。",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    print(f"核对通过：{target.label}/current（版本 {release}）与发布清单完全一致。")
    return EXIT_OK


def _print_problems(problems: Iterable[Problem], root: Path) -> None:
    for problem in problems:
        print(problem.format(root), file=sys.stderr)


def _summarise_warnings(problems: Problems) -> None:
    """A build lists its errors but only counts its warnings, by rule."""
    counts = Counter(p.rule or "content" for p in problems.warnings)
    if not counts:
        return
    detail = "，".join(f"{rule} {count} 个" for rule, count in counts.most_common())
    print(
        f"另有 {len(problems.warnings)} 个警告（{detail}）；运行 zfxxgk check 查看详情。",
        file=sys.stderr,
    )


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        where = f"（{exc.filename}）" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return str(exc)
