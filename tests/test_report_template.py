"""``zfxxgk report new``: every cell written, derived figures filled, nothing overwritten."""

from test_report import report_yaml

from generator.build import load
from generator.cli import main
from generator.errors import Problems
from generator.report import table3_rows

REPORTS = "content/测试县人民政府/政府信息公开工作年度报告"


def test_template_has_every_cell_and_prefills_what_can_be_derived(small_site, capsys):
    last_year = report_yaml(2024).replace(
        "四、结转下年度继续办理: [0, 0, 0, 0, 0, 0, 0]",
        "四、结转下年度继续办理: [1, 0, 0, 0, 0, 0, 1]",
    )
    last_year = last_year.replace(
        "一、本年新收政府信息公开申请数量: [1, 0, 0, 0, 0, 0, 1]",
        "一、本年新收政府信息公开申请数量: [2, 0, 0, 0, 0, 0, 2]",
    )
    small_site.write(f"{REPORTS}/2024.yaml", last_year)
    assert main(["-C", str(small_site.root), "report", "new", "测试县人民政府", "2025"]) == 0
    text = (small_site.root / REPORTS / "2025.yaml").read_text(encoding="utf-8")
    assert "行政规范性文件: {本年制发件数: 1, 本年废止件数: 1, 现行有效件数: 1}" in text
    assert "二、上年结转政府信息公开申请数量: [1, 0, 0, 0, 0, 0, 1]" in text
    for row in table3_rows():
        assert f"{row.label}:" in text
    # Until the editor fills them in, the blank cells are errors that name each cell.
    problems = Problems()
    load(small_site.root, problems)
    missing = [p for p in problems.errors if p.path.name == "2025.yaml"]
    leaves = sum(1 for row in table3_rows() if row.key)
    assert len(missing) == 4 + (leaves - 1) * 7 + 15
    assert all(p.message.startswith("缺少") and p.line for p in missing)


def test_existing_report_is_not_overwritten(small_site, capsys):
    path = small_site.write(f"{REPORTS}/2025.yaml", report_yaml())
    before = path.read_bytes()
    assert main(["-C", str(small_site.root), "report", "new", "csxrmzf", "2025"]) == 1
    assert "为避免覆盖" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_unknown_unit(small_site, capsys):
    assert main(["-C", str(small_site.root), "report", "new", "没有的局", "2025"]) == 2
    assert "找不到机关“没有的局”" in capsys.readouterr().err
