"""The command line: exit codes, Chinese messages with file:line, never a traceback."""

import json
import subprocess
import sys

from conftest import document
from test_incremental import tree_bytes

from generator.cli import main
from generator.themes import default_theme_dir

DEFAULT_TEMPLATES = default_theme_dir() / "templates"


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True
    )


def test_build_prints_summary_and_exits_zero(small_site, capsys):
    assert main(["-C", str(small_site.root), "build"]) == 0
    out = capsys.readouterr().out
    assert "已生成 1 个机关、3 篇文档" in out


def test_content_errors_exit_one_with_file_and_line_and_no_traceback(small_site):
    small_site.doc(
        "行政规范性文件", "坏日期", document(written="2025-13-01", index_no="Z/2025-00001")
    )
    small_site.write("content/测试县人民政府/_unit.yaml", "名称: [未闭合\n")
    result = run("build", cwd=small_site.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "content/测试县人民政府/法定主动公开内容/行政规范性文件/坏日期.md:5: 错误：成文日期“2025-13-01”"
        in result.stderr
    )
    assert "content/测试县人民政府/_unit.yaml:1: 错误：YAML 格式有误" in result.stderr
    assert "未生成网站；output/ 保持原样" in result.stderr
    assert not (small_site.root / "output").exists()


def test_missing_site_yaml(tmp_path):
    result = run("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "找不到站点配置文件 site.yaml" in result.stderr


def test_usage_error_exits_two(tmp_path):
    result = run("no-such-command", cwd=tmp_path)
    assert result.returncode == 2
    assert "用法错误" in result.stderr


def test_init_refuses_to_overwrite_an_existing_site(small_site, capsys):
    before = (small_site.root / "site.yaml").read_bytes()
    assert main(["init", str(small_site.root)]) == 1
    assert "为避免覆盖" in capsys.readouterr().err
    assert (small_site.root / "site.yaml").read_bytes() == before


def test_check_reports_and_exits(small_site, capsys):
    assert main(["-C", str(small_site.root), "check"]) == 0
    small_site.doc(
        "行政规范性文件", "倒序", document("倒序", "Q/2025-00001", "2025-04-01", "2025-03-01")
    )
    assert main(["-C", str(small_site.root), "check"]) == 1
    assert "发布日期 2025-03-01 早于成文日期 2025-04-01" in capsys.readouterr().err


def test_unwritable_output_is_a_clear_error(small_site, capsys):
    small_site.root.joinpath("output").write_text("不是文件夹", encoding="utf-8")
    small_site.root.chmod(0o555)
    try:
        code = main(["-C", str(small_site.root), "build"])
    finally:
        small_site.root.chmod(0o755)
    err = capsys.readouterr().err
    if code == 0:  # running as root: permissions are not enforced, nothing to assert
        return
    assert code == 1 and "写入输出文件夹失败" in err and "Traceback" not in err


def test_build_quiet_prints_one_json_line_and_a_second_build_reports_no_change(small_site, capsys):
    assert main(["-C", str(small_site.root), "build", "--quiet"]) == 0
    first = json.loads(capsys.readouterr().out.strip())
    assert first["full"] and first["pages"] > 10 and first["files"] >= first["pages"]
    assert main(["-C", str(small_site.root), "build", "--quiet"]) == 0
    second = json.loads(capsys.readouterr().out.strip())
    assert second["unchanged"] and second["files"] == first["files"]
    assert main(["-C", str(small_site.root), "build"]) == 0
    assert "网站无需更新" in capsys.readouterr().out


def test_build_timings_say_where_the_time_went(small_site, capsys):
    """--timings lists the phases that ran; --quiet gives them to scripts, and each
    phase is counted once, so together they never exceed the whole build."""
    assert main(["-C", str(small_site.root), "build", "--no-search", "--timings"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("各阶段用时：盘点文件 ")
    for label in ("加载程序和缓存", "读取内容", "关联解读", "合规检查", "生成页面", "保存缓存"):
        assert f"，{label} " in line
    assert "搜索索引" not in line  # --no-search
    body = small_site.root / "content/测试县人民政府/法定主动公开内容/行政规范性文件/春耕通知.md"
    body.write_text(body.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert main(["-C", str(small_site.root), "build", "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    phases = summary["phases"]
    assert {"snapshot", "restore", "read", "check", "render", "index", "store"} <= phases.keys()
    assert sum(phases.values()) <= summary["seconds"] + 0.005  # rounding
    assert main(["-C", str(small_site.root), "build", "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out)["phases"].keys() == {"snapshot"}


def test_build_units_names_a_missing_unit_folder(small_site, capsys):
    assert main(["-C", str(small_site.root), "build", "--units", "不存在的局"]) == 2
    assert "不存在的局" in capsys.readouterr().err
    assert not (small_site.root / "output").exists()


def test_the_command_leaves_with_its_output_complete(small_site):
    """The command skips the interpreter's teardown (cli.run); what it printed still
    arrives whole through a pipe, and the exit code is main()'s."""
    result = run("build", "--quiet", "--no-search", cwd=small_site.root)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == 3
    assert run("build", "--quiet", "--no-search", cwd=small_site.root).stdout.endswith("}\n")


def test_a_mistake_in_a_theme_template_is_reported_with_file_and_line(small_site):
    root = small_site.root
    assert main(["-C", str(root), "build", "--no-search"]) == 0
    before = tree_bytes(root / "output")
    template = "themes/default/templates/document.html"
    small_site.write(
        template,
        '{% extends "base.html" %}\n{% block content %}\n<h1>{{ page.title }</h1>\n{% endblock %}\n',
    )
    result = run("build", "--no-search", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{template}:3: 错误：模板语法错误" in result.stderr
    assert tree_bytes(root / "output") == before

    small_site.write(template, '{% extends "基础.html" %}\n')
    result = run("build", "--no-search", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{template}:1: 错误：找不到模板“基础.html”" in result.stderr
    assert tree_bytes(root / "output") == before


def test_a_theme_that_fails_half_way_leaves_output_as_it_was(small_site):
    """A new footer renders on every page until the catalogue page (rendered after the
    documents) fails: none of the pages rendered before it may reach output/."""
    root = small_site.root
    assert main(["-C", str(root), "build", "--no-search"]) == 0
    before = tree_bytes(root / "output")
    footer = (DEFAULT_TEMPLATES / "_footer.html").read_text(encoding="utf-8")
    small_site.write("themes/default/templates/_footer.html", footer + "<p>新页脚</p>\n")
    small_site.write(
        "themes/default/templates/catalogue.html",
        '{% extends "base.html" %}\n{% block content %}{{ missing_field }}{% endblock %}\n',
    )
    result = run("build", "--no-search", cwd=root)
    assert (
        result.returncode == 1
        and "catalogue.html:2: 错误：模板错误：使用了未定义的变量" in result.stderr
    )
    assert tree_bytes(root / "output") == before
    assert not list(root.glob(".output.*"))  # no staging folder left behind
