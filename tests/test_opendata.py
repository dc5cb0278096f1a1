"""开放数据: the site-wide catalogue, one row per document, JSON and CSV with BOM."""

from __future__ import annotations

import csv
import io
import json

from generator.build import build


def test_site_wide_catalogue_json_and_csv(small_site):
    small_site.unit("测试县教育局", UNIT_B)
    small_site.doc(
        "工作动态",
        "开学",
        "---\n标题: 秋季开学工作通知\n索引号: 11999900MB0000008Y/2025-00001\n成文日期: 2025-08-20\n发布日期: 2025-08-21\n---\n正文。\n",
        folder="测试县教育局",
    )
    build(small_site.root, force=True, search=False)
    out = small_site.root / "output/zfxxgk"
    data = json.loads((out / "catalogue.json").read_text(encoding="utf-8"))
    assert data["条目数"] == 4 == len(data["目录"])
    assert data["字段"][0] == "公开主体" and data["字段"][-1] == "网址"
    units = {row["公开主体"] for row in data["目录"]}
    assert units == {"测试县人民政府", "测试县教育局"}
    # One document a line, as in the CSV: a change to one shows as one changed line.
    lines = (out / "catalogue.json").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line.removesuffix(",")) for line in lines[1:-1]] == data["目录"]
    unit_data = json.loads((out / "csxjyj/zfxxgkml/catalogue.json").read_text(encoding="utf-8"))
    assert unit_data["机关"] == "测试县教育局" and unit_data["条目数"] == 1
    raw = (out / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese text correctly
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 4
    assert rows[0]["网址"].startswith("https://www.test.example/zfxxgk/")
    assert {r["索引号"] for r in rows} == {r["索引号"] for r in data["目录"]}


UNIT_B = """\
名称: 测试县教育局
统一社会信用代码: 11999900MB0000008Y
层级: 部门
"""


def test_a_catalogue_without_documents_is_valid_json():
    from generator.render import catalogue_json

    assert json.loads(catalogue_json({"机关": "测试县档案馆", "条目数": 0}, [])) == {
        "机关": "测试县档案馆",
        "条目数": 0,
        "目录": [],
    }
