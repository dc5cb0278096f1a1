"""The ``zfxxgk`` command line: build, check, init.

Exit codes: 0 success, 1 content errors (or a failed write), 2 wrong usage.
Messages are in Chinese; content errors are listed with file:line, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from generator import __version__
from generator.build import build, load
from generator.check import CALENDAR_RULE_ID, RULES, check_site
from generator.errors import BuildError, Problem, Problems
from generator.fix import assign_index_numbers
from generator.output import OutputError
from generator.report_template import ReportExists, write_report_template
from generator.scaffold import ScaffoldError, init_site
from generator.standard import LEVELS

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


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
    build_cmd.add_argument(
        "--no-search", action="store_true", help="不建立站内搜索索引（快速生成时使用）"
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

    init_cmd = commands.add_parser("init", help="新建站点：生成 site.yaml 和四个部分的内容骨架")
    init_cmd.add_argument("directory", type=Path, help="新站点所在的文件夹")
    init_cmd.add_argument("--unit", default="本机关", help="机关全称，如 某某县人民政府")
    init_cmd.add_argument("--level", default="政府", choices=LEVELS, help="机关层级")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "build":
            return _build(root, args.force, not args.no_search)
        if args.command == "check":
            return _check(root, args)
        if args.command == "serve":
            return _serve(root, args.host, args.port, args.open, not args.no_search)
        if args.command == "report":
            return _report_new(root, args.unit, args.year)
        if args.command == "init":
            return _init(args.directory.resolve(), args.unit, args.level)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_USAGE


def _build(root: Path, force: bool, search: bool = True) -> int:
    try:
        result = build(root, force=force, search=search)
    except BuildError as exc:
        _print_problems(exc.problems.errors, root)
        _summarise_warnings(exc.problems)
        print(
            f"发现 {len(exc.problems.errors)} 个错误，未生成网站；output/ 保持原样。",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    except (OutputError, OSError) as exc:
        print(f"错误：写入输出文件夹失败：{_os_reason(exc)}；output/ 保持原样。", file=sys.stderr)
        return EXIT_ERRORS
    _print_problems(result.problems.errors, root)
    _summarise_warnings(result.problems)
    stats = result.stats
    print(
        f"已生成 {len(result.site.units)} 个机关、{len(result.site.documents)} 篇文档："
        f"{stats.pages} 个页面，共 {stats.files} 个文件，用时 {result.seconds:.2f} 秒。"
        f"输出位置：{result.config.output_dir}"
    )
    if result.problems.errors:
        print(
            f"注意：有 {len(result.problems.errors)} 个错误（已按 --force 强制生成）。",
            file=sys.stderr,
        )
    return EXIT_OK


def _check(root: Path, args: argparse.Namespace) -> int:
    if args.list_rules:
        return _list_rules()
    problems = Problems()
    try:
        config, site = load(root, problems)
    except BuildError:
        _report(problems, root, args.format)
        return EXIT_ERRORS
    if args.fix:
        for item in assign_index_numbers(site, config):
            print(f"{item.path.relative_to(root).as_posix()}: 已补齐索引号 {item.index_no}")
        problems = Problems()
        config, site = load(root, problems)
    check_site(site, config, problems, external=args.external)
    _report(problems, root, args.format)
    if args.format == "text":
        if not problems:
            print(f"检查通过：{len(site.units)} 个机关、{len(site.documents)} 篇文档，未发现问题。")
        else:
            print(f"检查完成：{len(problems.errors)} 个错误，{len(problems.warnings)} 个警告。")
    failed = problems.errors or (args.strict and problems.warnings)
    return EXIT_ERRORS if failed else EXIT_OK


def _list_rules() -> int:
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
    try:
        server = DevServer(root, host, port, search=search)
    except OSError as exc:
        print(
            f"错误：无法在 {host}:{port} 启动预览服务（{exc.strerror or exc}）；可用 --port 换一个端口。",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    first = server.start()
    if not first.ok:
        print(
            "注意：内容有错误，预览页面上会显示错误提示；修改保存后自动重新生成。", file=sys.stderr
        )
        for problem in first.problems.errors:
            print("  " + problem.format(root), file=sys.stderr)
    print(
        f"预览地址：{server.url}（已生成 {first.pages} 个页面，用时 {first.milliseconds:.0f} 毫秒；按 Ctrl+C 停止）"
    )
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("预览已停止。")
    finally:
        server.stop()
    return EXIT_OK


def _report_new(root: Path, unit_name: str, year: int) -> int:
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
