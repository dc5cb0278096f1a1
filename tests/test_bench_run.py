"""The benchmark runner: exports other tools can read, honest tables, real measurements.

No other generator needs to be installed: the exports are checked by parsing what the
tools would parse, and one test runs the real ``zfxxgk build`` through the runner.
"""

import os
import re
import signal
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(REPO))

from bench import export, measure, run  # noqa: E402
from bench.make_site import make_site  # noqa: E402
from bench.measure import Measure, run_build  # noqa: E402
from bench.table import (  # noqa: E402
    FAILED,
    NOT_INSTALLED,
    STALE,
    Scenario,
    SizeResult,
    format_report,
    format_size,
    ratio,
)

DOCUMENTS = 20


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench-run") / "site"
    make_site(root, DOCUMENTS, seed=1)
    return root


@pytest.fixture(scope="module")
def read(site):
    return export.read_site(site)


def front_matter(text: str) -> tuple[dict, str]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, text[:200]
    return yaml.safe_load(match.group(1)), text[match.end() :]


def test_every_document_is_read_with_its_metadata_and_body(site, read):
    units, documents = read
    assert len(documents) == DOCUMENTS
    assert len(units) == 3
    assert len({doc.slug for doc in documents}) == DOCUMENTS
    for doc in documents:
        assert doc.title and doc.index_no and re.fullmatch(r"\d{4}-\d\d-\d\d", doc.published)
        assert doc.body.strip() and doc.source.read_text(encoding="utf-8").endswith(doc.body)
    assert any(doc.doc_no for doc in documents)


def test_quoted_front_matter_values_are_read_as_yaml_would():
    plain = export._fields("标题: 关于a的通知\n发布日期: 2025-01-02\n关键词: [x, y]")
    assert plain == {"标题": "关于a的通知", "发布日期": "2025-01-02"}
    quoted = export._fields('标题: "关于“a: b”的通知"\n发布日期: 2025-01-02')
    assert quoted == {"标题": "关于“a: b”的通知", "发布日期": "2025-01-02"}


def test_pelican_project_has_title_date_category_and_our_body(read, tmp_path):
    units, documents = read
    project = export.export_pelican(units, documents, tmp_path / "pelican")
    names = {unit.name for unit in units}
    for doc in documents:
        text = project.files[doc.source].read_text(encoding="utf-8")
        head, body = text.split("\n\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        assert meta["Title"] == doc.title
        assert meta["Date"] == doc.published
        assert meta["Category"] in names and meta["Category"] == doc.unit.name
        assert meta["Slug"] == doc.slug
        assert all(re.fullmatch(r"[A-Z][a-z]+", key) for key in meta)  # Markdown meta keys
        assert body == doc.body
    settings: dict = {}
    exec(compile((project.root / "pelicanconf.py").read_text(), "pelicanconf.py", "exec"), settings)
    assert settings["DEFAULT_PAGINATION"] is False
    assert settings["LOAD_CONTENT_CACHE"] is True and settings["CACHE_CONTENT"] is True
    assert settings["FEED_ALL_ATOM"] is None and settings["CATEGORY_FEED_ATOM"] is None
    templates = project.root / "theme" / "templates"
    assert (templates / "article.html").is_file() and (templates / "category.html").is_file()
    assert "索引号" in (templates / "article.html").read_text(encoding="utf-8")


def test_mkdocs_project_loads_with_a_minimal_theme_and_no_nav(read, tmp_path):
    units, documents = read
    project = export.export_mkdocs(units, documents, tmp_path / "mkdocs")
    config = yaml.safe_load((project.root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "nav" not in config and config["plugins"] == []
    assert config["theme"] == {"name": None, "custom_dir": "theme"}
    assert (project.root / "theme" / "main.html").is_file()
    default = yaml.safe_load((project.root / "mkdocs-default.yml").read_text(encoding="utf-8"))
    assert default["theme"]["name"] == "mkdocs" and default["site_dir"] != config["site_dir"]
    for doc in documents:
        meta, body = front_matter(project.files[doc.source].read_text(encoding="utf-8"))
        assert meta["title"] == doc.title and meta["索引号"] == doc.index_no
        assert meta["发布日期"] == doc.published and meta["发文字号"] == doc.doc_no
        assert body == doc.body
    for unit in units:
        meta, _ = front_matter((project.root / "docs" / unit.slug / "index.md").read_text())
        assert meta == {"title": unit.name, "template": "list.html"}


def test_hugo_project_front_matter_and_config_parse(read, tmp_path):
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    units, documents = read
    project = export.export_hugo(units, documents, tmp_path / "hugo")
    config = tomllib.loads((project.root / "hugo.toml").read_text(encoding="utf-8"))
    assert "rss" in config["disableKinds"] and "taxonomy" in config["disableKinds"]
    layouts = project.root / "layouts" / "_default"
    assert (layouts / "single.html").is_file() and (layouts / "list.html").is_file()
    for doc in documents:
        meta, body = front_matter(project.files[doc.source].read_text(encoding="utf-8"))
        assert meta["title"] == doc.title and meta["indexno"] == doc.index_no
        assert str(meta["date"]) == doc.published
        assert body == doc.body
    sections = sorted(p.parent.name for p in (project.root / "content").glob("*/_index.md"))
    assert sections == sorted(unit.slug for unit in units)


def _scenario(tool: str, scenario: str, seconds: list[float], code: int = 0) -> Scenario:
    runs = [Measure(s, code, 50_000_000, 80_000_000, files=10, bytes=2_000_000) for s in seconds]
    return Scenario(tool, scenario, runs, "ok" if code == 0 else "failed")


def _result(rows: list[Scenario], tools: list[str]) -> SizeResult:
    labels = {"zfxxgk": "zfxxgk", "pelican": "Pelican", "hugo": "Hugo", "mkdocs": "MkDocs"}
    return SizeResult(1000, 10, "make_site", tools, labels, rows)


def test_table_shows_medians_and_ratios_of_medians():
    rows = [
        _scenario("zfxxgk", "cold", [2.0, 1.0, 9.0]),  # median 2
        _scenario("zfxxgk", "nochange", [0.5, 0.4, 0.6]),  # median 0.5
        _scenario("pelican", "cold", [6.0, 5.0, 7.0]),  # median 6: 3×
        _scenario("pelican", "nochange", [2.0, 1.0, 3.0]),  # median 2: 4×
        _scenario("hugo", "cold", [1.0, 1.0, 1.0]),  # 0.5×
    ]
    result = _result(rows, ["zfxxgk", "pelican", "hugo"])
    assert ratio(result, "pelican", "cold") == pytest.approx(3.0)
    assert ratio(result, "pelican", "nochange") == pytest.approx(4.0)
    assert ratio(result, "hugo", "cold") == pytest.approx(0.5)
    assert ratio(result, "hugo", "nochange") is None  # not measured
    text = format_size(result)
    assert "| zfxxgk | 冷构建 cold build | 2.00 | 1.00 | 80 | 50 | 10 | 2.0 |" in text
    assert "| Pelican / zfxxgk | 3.00× | 4.00× | — |" in text
    assert "| Hugo / zfxxgk | 0.50× | — | — |" in text


def test_failed_build_is_shown_with_its_exit_code_and_gives_no_ratio():
    rows = [_scenario("zfxxgk", "cold", [1.0], code=0), _scenario("pelican", "cold", [0.1], 2)]
    rows[1].runs[0].log = "CRITICAL: broken theme"
    result = _result(rows, ["zfxxgk", "pelican"])
    assert ratio(result, "pelican", "cold") is None
    text = format_size(result)
    assert f"| Pelican | 冷构建 cold build | {FAILED} (exit 2) |" in text
    assert "CRITICAL: broken theme" in text
    assert "| Pelican / zfxxgk | — | — | — |" in text


def test_rebuild_that_missed_the_change_is_flagged_and_gives_no_ratio():
    rows = [
        _scenario("zfxxgk", "onechange", [1.0]),
        _scenario("pelican", "onechange", [0.1, 0.1]),
    ]
    rows[0].runs[0].change_seen = True
    rows[1].runs[1].change_seen = False
    result = _result(rows, ["zfxxgk", "pelican"])
    assert ratio(result, "pelican", "onechange") is None
    assert f"| Pelican | 改一篇后重建 one-document rebuild | 0.10{STALE} |" in format_size(result)


def _missing_tool() -> run.Tool:
    return run.Tool(
        "pelican",
        "Pelican",
        "pelican",
        "output",
        ("output",),
        lambda: None,  # not installed
        lambda root: [],
        lambda: "?",
    )


def test_missing_tool_is_reported_as_not_installed_not_dropped(tmp_path):
    tool = _missing_tool()
    result = run.run_size(DOCUMENTS, [tool], repeat=1, work=tmp_path, jobs=1)
    assert [row.status for row in result.rows] == ["not installed"] * 3
    report = format_report([result], run.machine_line([tool]), "python -m bench.run")
    assert report.count(f"| Pelican | 冷构建 cold build | {NOT_INSTALLED} |") == 1
    assert f"Pelican {NOT_INSTALLED}" in report
    assert not (tmp_path / f"size-{DOCUMENTS}" / "pelican").exists()  # nothing exported


def test_measure_reports_exit_code_and_peak_memory_of_the_child(tmp_path):
    grow = "b = bytearray(60_000_000); b[::4096] = b'x' * len(b[::4096])"
    ok = run_build([sys.executable, "-c", grow], tmp_path, tmp_path / "ok.log")
    assert ok.exit_code == 0 and ok.seconds > 0
    assert ok.max_rss >= 60_000_000 and ok.max_rss < 400_000_000  # not the runner's memory
    failed = run_build(
        [sys.executable, "-c", "print('boom'); raise SystemExit(3)"], tmp_path, tmp_path / "f.log"
    )
    assert failed.exit_code == 3 and "boom" in failed.log
    missing = run_build(["/nonexistent/tool"], tmp_path, tmp_path / "m.log")
    assert missing.exit_code != 0


def test_runner_measures_the_real_zfxxgk_build(tmp_path):
    tool = run.make_tools()["zfxxgk"]
    result = run.run_size(DOCUMENTS, [tool], repeat=1, work=tmp_path, jobs=1)
    assert [row.scenario for row in result.rows] == ["cold", "nochange", "onechange"]
    for row in result.rows:
        assert row.ok, row
        (measure,) = row.runs
        assert measure.exit_code == 0 and measure.seconds > 0 and measure.max_rss > 0
        assert measure.files > DOCUMENTS and measure.bytes > 0
        assert measure.change_seen is (True if row.scenario == "onechange" else None)
    site = tmp_path / f"size-{DOCUMENTS}" / "site"
    assert "性能测试中第1次修改" in "".join(
        p.read_text(encoding="utf-8") for p in site.glob("content/*/法定主动公开内容/*/*.md")
    )
    assert "性能测试中第1次修改" in "".join(
        p.read_text(encoding="utf-8") for p in (site / "output").rglob("*.html")
    )


# "inputs": stamped in a forked child beside the rest, as on a large site.
@pytest.mark.parametrize("aside", ["none", "inputs"])
def test_floor_adds_up_the_fixed_costs_of_a_built_site(tmp_path, capsys, monkeypatch, aside):
    import generator.build
    from bench import floor

    monkeypatch.setattr(generator.build, "SURVEY_ASIDE", 0 if aside != "none" else 10**12)
    root = tmp_path / "site"
    make_site(root, DOCUMENTS, seed=1)
    assert floor.main([str(root), "--repeat", "1"]) == 1  # not built yet: nothing to read
    assert "zfxxgk build" in capsys.readouterr().err

    generator.build.build(root, jobs=1, search=False)
    assert floor.main([str(root), "--repeat", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    milliseconds = [int(line.split()[0]) for line in lines]
    assert len(lines) == 7 and all(ms >= 0 for ms in milliseconds)
    assert milliseconds[1] > 0  # importing the pipeline is never free
    start, imports, stamping, record, present, least = milliseconds[:6]
    if aside == "none":
        expected = start + imports + stamping + record + present
    else:
        expected = start + max(record + present + imports, stamping)
    assert abs(least - expected) <= 3  # the one-document floor
    outputs = sum(1 for path in (root / "output").rglob("*") if path.is_file())
    assert f"核对 {outputs} 个输出文件" in lines[4] and f"创建 {outputs} 个输出文件" in lines[6]
    assert not list(root.glob(".floor-*"))  # the scratch folder is gone


# A process holding 60 MB and its child holding 40 MB more, which says "ready" and the
# child's number once both are resident (bytearray writes its zeros).
_HOLDER = """\
import os, time
memory = bytearray(60 * 2**20)
done, told = os.pipe()
child = os.fork()
if child == 0:
    more = bytearray(40 * 2**20)
    os.write(told, b"x")
    time.sleep(30)
    os._exit(0)
os.read(done, 1)
print("ready", child, flush=True)
time.sleep(30)
"""


def _resident(pid: int) -> int:
    """A process's resident memory as /proc/PID/status gives it (VmRSS, in kB)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines()
    kilobytes = next(line.split()[1] for line in status if line.startswith("VmRSS:"))
    return int(kilobytes) * 1024


@pytest.mark.skipif(not measure._PROC_CHILDREN, reason="needs Linux's /proc children lists")  # noqa: SLF001
def test_the_process_tree_under_the_wrapper_is_summed_from_proc():
    """What the runner polls: the memory of every process under the wrapper, not the
    wrapper's own (the same sum as psutil's, where psutil is installed)."""
    import subprocess

    wrapper = subprocess.Popen([sys.executable, "-c", _HOLDER], stdout=subprocess.PIPE)
    child = None
    try:
        ready, number = wrapper.stdout.readline().split()
        assert ready == b"ready"
        child = int(number)
        summed = measure._tree_rss(wrapper.pid)  # noqa: SLF001
        expected = _resident(child)
        assert summed > 40 * 2**20 and abs(summed - expected) < 0.05 * expected
        if measure.psutil is not None:
            below = measure.psutil.Process(wrapper.pid).children(recursive=True)
            theirs = sum(process.memory_info().rss for process in below)
            assert abs(summed - theirs) < 0.05 * theirs
    finally:
        if child is not None:
            os.kill(child, signal.SIGKILL)  # not the runner's child: nobody waits for it
        wrapper.kill()
        wrapper.wait()
