"""Annual reports: every cell read by its national label, rendered in the national layout."""

import re
from html.parser import HTMLParser

from generator.build import build
from generator.errors import Problems
from generator.report import national_format, normalise_label, parse_report, table3_rows
from generator.source import parse_yaml

# One application from a natural person, received this year and granted: the sums hold.
ONE_APPLICATION = {"new_received", "granted", "results_total"}


def report_yaml(year: int = 2025, skip: str = "", variant: bool = False) -> str:
    """A complete report in the editor's format, numbers that add up."""
    lines = [f"年度: {year}", f"发布日期: {year + 1}-01-20", "一、总体情况: 总体情况正文。"]
    lines.append("二、主动公开政府信息情况:")
    for band in national_format()["table_2"]["bands"]:
        for row in band["rows"]:
            cells = ", ".join(f"{column}: 1" for column in band["columns"][1:])
            lines.append(f"  {row}: {{{cells}}}")
    lines.append("三、收到和处理政府信息公开申请情况:")
    for row in table3_rows():
        label = row.label.replace("1.", "1、") if variant else row.label
        indent = "  " * (row.depth + 1)
        if row.label == skip:
            continue
        values = "[1, 0, 0, 0, 0, 0, 1]" if row.key in ONE_APPLICATION else "[0, 0, 0, 0, 0, 0, 0]"
        lines.append(f"{indent}{label}:" + ("" if row.key is None else f" {values}"))
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况:",
        "  行政复议: [1, 0, 0, 0, 1]",
        "  行政诉讼:",
        "    未经复议直接起诉: [0, 0, 0, 0, 0]",
        "    复议后起诉: [0, 0, 0, 0, 0]",
        "五、存在的主要问题及改进情况: 问题正文。",
        "六、其他需要报告的事项: 无。",
    ]
    return "\n".join(lines) + "\n"


def parse(text: str, tmp_path):
    problems = Problems()
    data = parse_yaml(text, tmp_path / "2025.yaml", problems)
    return parse_report(tmp_path / "2025.yaml", data, problems), problems


def test_every_cell_is_read(tmp_path):
    data, problems = parse(report_yaml(), tmp_path)
    assert problems.errors == []
    assert data.table2["行政规范性文件"]["现行有效件数"] == 1
    assert data.table3["granted"] == [1, 0, 0, 0, 0, 0, 1]
    assert data.table3["state_secret"] == [0] * 7
    assert data.table4["复议后起诉"] == [0, 0, 0, 0, 0]
    assert data.prose["五、存在的主要问题及改进情况"] == "问题正文。"


def test_typographic_variants_of_labels_are_accepted(tmp_path):
    assert normalise_label('3、危及"三安全一稳定"') == normalise_label("3.危及“三安全一稳定”")
    data, problems = parse(report_yaml(variant=True), tmp_path)
    assert problems.errors == []
    assert data.table3["not_held"] == [0] * 7
    assert data.table3["results_total"] == [1, 0, 0, 0, 0, 0, 1]


def test_an_omitted_cell_is_an_error_naming_it_unless_zero_fill(tmp_path):
    text = report_yaml(skip="2.重复申请")
    _, problems = parse(text, tmp_path)
    assert [p.message.split("；")[0] for p in problems.errors] == ["缺少表三“2.重复申请”"]
    data, problems = parse("未填视为0: true\n" + text, tmp_path)
    assert problems.errors == [] and data.table3["duplicate"] == [0] * 7


def test_bad_numbers_are_errors_with_their_line(tmp_path):
    text = report_yaml().replace("行政复议: [1, 0, 0, 0, 1]", "行政复议: [1, 0, -2, 0, 1]")
    text = text.replace("行政许可: {本年处理决定数量: 1}", "行政许可: {本年处理决定数量: 1.5}")
    _, problems = parse(text, tmp_path)
    messages = {p.message for p in problems.errors}
    assert "表四“行政复议”第 3 列应为不小于 0 的整数，实际为“-2”" in messages
    assert "表二 行政许可“本年处理决定数量”应为不小于 0 的整数，实际为“1.5”" in messages
    assert all(p.line for p in problems.errors)


class _Cells(HTMLParser):
    """Collects the text of th/td cells of each report table."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[tuple[str, dict, str]]] = []
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "report-table") in attrs:
            self.tables.append([])
        elif tag in ("th", "td") and self.tables:
            self.cell = [tag, dict(attrs), ""]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.tables[-1].append(tuple(self.cell))
            self.cell = None


def test_report_page_reproduces_the_national_format_cell_by_cell(small_site):
    small_site.write("content/测试县人民政府/政府信息公开工作年度报告/2025.yaml", report_yaml())
    out = build(small_site.root).output_dir
    page = (out / "zfxxgk/csxrmzf/zfxxgknb/2025/index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2 id=\"s\d\">(.*?)</h2>", page)
    assert headings == [s["title"] for s in national_format()["sections"]]
    parser = _Cells()
    parser.feed(page)
    table2, table3, table4 = parser.tables
    spec = national_format()
    labels2 = [text for tag, _, text in table2 if tag == "th"]
    expected2 = []
    for band in spec["table_2"]["bands"]:
        expected2 += [band["caption"], *band["columns"], *band["rows"]]
    assert labels2 == expected2
    labels3 = [text for tag, _, text in table3 if tag == "th"]
    expected3 = [
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    expected3 += [row.label for row in table3_rows()]
    assert labels3 == expected3
    spans = {text: attrs for tag, attrs, text in table3 if tag == "th"}
    assert spans["三、本年度办理结果"] == {"rowspan": "22", "scope": "rowgroup"}
    assert spans["（三）不予公开"]["rowspan"] == "8"
    assert spans["法人或其他组织"] == {"colspan": "5", "scope": "colgroup"}
    assert sum(1 for tag, _, _ in table3 if tag == "td") == 1 + 7 * sum(
        1 for r in table3_rows() if r.key
    )
    labels4 = [text for tag, _, text in table4 if tag == "th"]
    t4 = spec["table_4"]["column_groups"]
    expected4 = ["行政复议", "行政诉讼", *t4[0]["columns"], "未经复议直接起诉", "复议后起诉"]
    expected4 += t4[1]["column_groups"][0]["columns"] + t4[1]["column_groups"][1]["columns"]
    assert labels4 == expected4
    assert [text for tag, _, text in table4 if tag == "td"] == ["1", "0", "0", "0", "1"] + [
        "0"
    ] * 10
