"""Each checker rule trips on content that breaks it and stays quiet on content that does not."""

import json
import os

import pytest
from conftest import UNIT_YAML, document

from generator.build import load
from generator.check import RULES, check_site
from generator.cli import main
from generator.errors import Problems
from generator.incremental import IncrementalBuild

DOCS = "content/测试县人民政府/法定主动公开内容"


def findings(root, rule_id=None, external=False):
    problems = Problems()
    config, site = load(root, problems)
    check_site(site, config, problems, external=external)
    return [p for p in problems.items if rule_id is None or p.rule == rule_id]


def test_clean_site_has_no_catalogue_or_timeliness_findings(small_site):
    noisy = ("structure.categories",)  # the small site has only two 栏目
    assert [p.format() for p in findings(small_site.root) if p.rule not in noisy] == []


def test_missing_parts_are_reported(tree):
    tree.write("content/某局/_unit.yaml", UNIT_YAML.replace("层级: 政府", "层级: 部门"))
    messages = " ".join(p.message for p in findings(tree.root, "structure.parts"))
    assert "缺少政府信息公开指南" in messages
    assert "政府信息公开制度中还没有任何制度" in messages
    assert "缺少“政府信息公开工作年度报告”文件夹" in messages


def test_uncovered_article_item_is_named_and_can_be_declared_not_applicable(small_site):
    messages = [p.message for p in findings(small_site.root, "structure.categories")]
    assert any(
        m.startswith(
            "《条例》第二十条第（七）项（财政预算、决算信息）缺少对应栏目（如“财政预决算”）"
        )
        for m in messages
    )
    assert any(m.startswith("《条例》第二十一条（") for m in messages)  # a county government
    assert not any("第二十条第（一）项" in m for m in messages)  # covered by 行政规范性文件
    (small_site.root / DOCS / "财政预决算").mkdir()
    unit = small_site.root / "content/测试县人民政府/_unit.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8") + "不适用: [第二十条第（八）项]\n", encoding="utf-8"
    )
    messages = [p.message for p in findings(small_site.root, "structure.categories")]
    assert any(
        m.startswith("《条例》第二十条第（七）项（财政预算、决算信息）栏目尚无信息")
        for m in messages
    )
    assert not any("第二十条第（八）项" in m for m in messages)


def test_not_applicable_must_name_a_real_item(small_site):
    unit = small_site.root / "content/测试县人民政府/_unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8") + "不适用: [第八项]\n", encoding="utf-8")
    problems = Problems()
    load(small_site.root, problems)
    assert any("“第八项”不是《条例》的条款项" in p.message for p in problems.errors)


def test_guide_fields_and_plausible_contact(tree):
    bad_contact = UNIT_YAML.replace("0123-5550002", "传真待定").replace(
        "xxgk@test.example", "xxgk-at-test"
    )
    tree.unit(unit_yaml=bad_contact)
    tree.write(
        "content/测试县人民政府/政府信息公开指南.md", "---\n更新日期: 2025-01-10\n---\n正文\n"
    )
    messages = " ".join(p.message for p in findings(tree.root, "guide.fields"))
    assert "指南缺少政府信息的分类" in messages
    assert "指南缺少依申请公开的渠道" in messages
    assert "传真号码“传真待定”不像有效的电话号码" in messages
    assert "电子邮箱“xxgk-at-test”格式不正确" in messages
    assert "联系电话" not in messages


@pytest.mark.parametrize(
    ("index_no", "written", "rule", "expected"),
    [
        ("", "2025-03-03", "catalogue.index-present", "缺少索引号"),
        ("11999900MB0000009X-2025-1", "2025-03-03", "catalogue.index-format", "格式不正确"),
        (
            "11999900MB0000008X/2025-00007",
            "2025-03-03",
            "catalogue.index-format",
            "与本机关统一社会信用代码",
        ),
        (
            "11999900MB0000009X/2024-00007",
            "2025-03-03",
            "catalogue.index-year",
            "年份 2024 与成文日期",
        ),
    ],
)
def test_index_number_rules(small_site, index_no, written, rule, expected):
    text = document("新文件", index_no, written, "2025-03-05").replace("索引号: \n", "")
    small_site.doc("行政规范性文件", "新文件", text)
    found = findings(small_site.root, rule)
    assert len(found) == 1 and expected in found[0].message, [p.message for p in found]


def test_custom_index_pattern_from_site_yaml(small_site):
    config = small_site.root / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'index_pattern: "{code}-{year}-{serial:04d}"\n',
        encoding="utf-8",
    )
    small_site.doc("行政规范性文件", "新文件", document("新文件", "11999900MB0000009X-2025-0003"))
    flagged = {p.path.stem for p in findings(small_site.root, "catalogue.index-format")}
    assert "新文件" not in flagged and "春耕通知" in flagged


def test_doc_no_format_with_a_suggestion(small_site):
    small_site.doc(
        "行政规范性文件",
        "括号",
        document("括号", "11999900MB0000009X/2025-00003").replace(
            "测政办〔2025〕1号", "测政办[2025]3号"
        ),
    )
    [found] = findings(small_site.root, "catalogue.doc-no")
    assert "应为“测政办〔2025〕3号”" in found.message


def test_repealed_document_without_date_or_basis(small_site):
    small_site.doc(
        "行政规范性文件",
        "废",
        document("废", "11999900MB0000009X/2025-00003", extra="有效性: 废止\n"),
    )
    [found] = findings(small_site.root, "catalogue.repeal-info")
    assert "应写明废止日期或废止依据" in found.message


def test_publication_after_twenty_working_days_across_spring_festival(small_site):
    # After 2025-01-20: 01-21…24 (4), Sunday 01-26 worked (5), 01-27 (6), 01-28…02-04 off,
    # 02-05…07 (9), Saturday 02-08 worked (10), 02-10…14 (15), 02-17…21 (20): the 20th
    # working day is 2025-02-21 (counted by hand from the State Council's holiday notice).
    small_site.doc(
        "行政规范性文件",
        "准时",
        document("准时", "11999900MB0000009X/2025-00003", "2025-01-20", "2025-02-21"),
    )
    small_site.doc(
        "行政规范性文件",
        "迟了",
        document("迟了", "11999900MB0000009X/2025-00004", "2025-01-20", "2025-02-24"),
    )
    found = findings(small_site.root, "timeliness.publish")
    assert [p.path.stem for p in found] == ["迟了"]
    assert "21 个工作日" in found[0].message and found[0].basis == "条例第二十六条"


def test_interpretation_later_than_three_working_days(small_site):
    reading = small_site.root / DOCS / "政策解读/春耕通知解读.md"
    reading.write_text(
        reading.read_text(encoding="utf-8").replace("发布日期: 2025-03-05", "发布日期: 2025-03-11"),
        encoding="utf-8",
    )
    [found] = findings(small_site.root, "timeliness.interpretation")
    assert found.path == reading and "4 个工作日" in found.message


def test_unknown_calendar_year_is_an_error_never_a_guess(small_site):
    small_site.doc(
        "行政规范性文件",
        "远",
        document("远", "11999900MB0000009X/2099-00001", "2099-03-02", "2099-03-04"),
    )
    found = findings(small_site.root, "calendar.unknown-year")
    assert len(found) == 1 and "2099" in found[0].message
    config = small_site.root / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "calendar:\n  2099:\n    holidays: [2099-01-01]\n    workdays: []\n",
        encoding="utf-8",
    )
    assert findings(small_site.root, "calendar.unknown-year") == []


def test_personal_numbers_in_body_front_matter_and_attachments(small_site):
    small_site.doc(
        "行政规范性文件",
        "隐私",
        document(
            "隐私",
            "11999900MB0000009X/2025-00003",
            extra="内容概述: 联系人手机13912345678\n",
            body="申请人身份证号11010519491231002X。\n\n办公电话 0123-5550001。",
        ),
    )
    attachment = small_site.root / DOCS / "行政规范性文件/附件/名单.csv"
    attachment.write_text("序号,姓名,卡号\n1,张三,6222020200112345679\n", encoding="utf-8")
    found = findings(small_site.root, "privacy.personal-numbers")
    kinds = sorted((p.path.name, p.line, p.message.split("“")[0]) for p in found)
    assert kinds == [
        ("名单.csv", 2, "疑似银行卡号"),
        ("隐私.md", 7, "疑似手机号码"),
        ("隐私.md", 9, "疑似身份证号码"),
    ]
    assert all(p.severity == "错误" for p in found)
    assert "13912345678" not in found[1].message  # the report itself does not repeat the number


def test_privacy_allowlist(small_site):
    small_site.doc(
        "行政规范性文件",
        "热线",
        document("热线", "11999900MB0000009X/2025-00003", body="咨询热线 13912345678。"),
    )
    config = small_site.root / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'privacy_allowlist: ["13912345678"]\n',
        encoding="utf-8",
    )
    assert findings(small_site.root, "privacy.personal-numbers") == []


def test_files_scanned_in_parallel_give_the_same_findings(small_site, monkeypatch):
    """A cold build scans published files in forked processes: every finding, its line
    and its order are those of a scan in one process, allowlisted numbers left out."""
    from generator import check

    texts = ["备注：无。", "联系人手机13812345678。", "咨询热线 13912345678。", "截止目前无变化。"]
    for n in range(40):
        body = "\n\n".join(
            ["第一段。"] * (n % 3) + [texts[n % 4], f"身份证号11010519491231002X{n}"]
        )
        small_site.doc("行政规范性文件", f"文件{n}", document(f"文件{n}", body=body))
    small_site.doc("行政规范性文件", "文件99", document("文件99", body="见[附表](附表.xlsx)。"))
    config = small_site.root / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'privacy_allowlist: ["13912345678"]\n',
        encoding="utf-8",
    )
    problems = Problems()
    config, site = load(small_site.root, problems)
    scanned = []
    for jobs in (1, 2):
        found = Problems()
        check_site(site, config, found, jobs=jobs)
        scanned.append([(p.path, p.line, p.message, p.rule) for p in found.items])
    assert scanned[1] == scanned[0]  # the site is too small to fork: the same scan twice
    monkeypatch.setattr(check, "PARALLEL_SCAN", 2)
    monkeypatch.setattr(check.TextScan, "run", _not_in_parent(check.TextScan.run))
    found = Problems()
    check_site(site, config, found, jobs=2)
    assert [(p.path, p.line, p.message, p.rule) for p in found.items] == scanned[0]
    rules = {p[3] for p in scanned[0]}
    assert {"privacy.personal-numbers", "wording"} <= rules
    # Findings come in the order of the rules, those of the parallel scan included.
    ids = [rule.id for rule in check.RULES]
    assert rules - {"privacy.personal-numbers", "wording"}  # others to be in order with
    positions = [ids.index(p[3]) for p in scanned[0]]
    assert positions == sorted(positions)
    assert not any("139" in p[2] for p in scanned[0])


def _not_in_parent(run):
    parent = os.getpid()

    def scan_in_worker(self, path, problems):
        assert os.getpid() != parent, f"{path} was scanned in the parent process"
        return run(self, path, problems)

    return scan_in_worker


def test_wording_shipped_and_site_lists(small_site):
    small_site.doc(
        "行政规范性文件",
        "用词",
        document(
            "用词",
            "11999900MB0000009X/2025-00003",
            body="截止目前，中国人民共和国……\n\n请到县工商局办理。",
        ),
    )
    config = small_site.root / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "wording:\n  县工商局: 县市场监督管理局\n",
        encoding="utf-8",
    )
    messages = [p.message for p in findings(small_site.root, "wording")]
    assert any("“中国人民共和国”应为“中华人民共和国”" in m for m in messages)
    assert any("“县工商局”应为“县市场监督管理局”（本站规定）" in m for m in messages)


def test_broken_internal_link(small_site):
    small_site.doc(
        "行政规范性文件",
        "链接",
        document(
            "链接",
            "11999900MB0000009X/2025-00003",
            body="见[附表](附件/没有.xlsx)和[通知](春耕通知.md)。",
        ),
    )
    [found] = findings(small_site.root, "links.internal")
    assert "附件/没有.xlsx" in found.message and found.line == 8


def test_rules_can_be_switched_off_and_regraded(small_site):
    small_site.doc(
        "行政规范性文件",
        "迟了",
        document("迟了", "11999900MB0000009X/2025-00004", "2025-01-20", "2025-03-20"),
    )
    config = small_site.root / "site.yaml"
    base = config.read_text(encoding="utf-8")
    config.write_text(
        base + "checks:\n  timeliness.publish: 错误\n  structure.categories: off\n",
        encoding="utf-8",
    )
    found = findings(small_site.root)
    assert [p.severity for p in found if p.rule == "timeliness.publish"] == ["错误"]
    assert not [p for p in found if p.rule == "structure.categories"]
    config.write_text(base + "checks:\n  no.such-rule: off\n", encoding="utf-8")
    assert any("规则编号“no.such-rule”不存在" in p.message for p in findings(small_site.root))


def test_fix_assigns_next_serial_and_changes_nothing_else(small_site, capsys):
    text = "---\n# 编辑备注：待审\n标题: 补号文件\n发文字号: 测政办〔2025〕9号\n成文日期: 2025-04-01\n发布日期: 2025-04-02\n---\n正文。\n"
    path = small_site.doc("行政规范性文件", "补号", text)
    assert main(["-C", str(small_site.root), "check", "--fix"]) == 0
    assert "已补齐索引号 11999900MB0000009X/2025-00003" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == text.replace(
        "标题: 补号文件\n", "标题: 补号文件\n索引号: 11999900MB0000009X/2025-00003\n"
    )
    untouched = small_site.root / DOCS / "行政规范性文件/春耕通知.md"
    before = untouched.read_bytes()
    main(["-C", str(small_site.root), "check", "--fix"])
    assert untouched.read_bytes() == before


def test_json_output_is_one_object_per_finding(small_site, capsys):
    small_site.doc(
        "行政规范性文件",
        "倒序",
        document("倒序", "11999900MB0000009X/2025-00003", "2025-04-01", "2025-03-01"),
    )
    assert main(["-C", str(small_site.root), "check", "--format", "json"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [row] = [r for r in rows if r["rule"] == "catalogue.date-order"]
    assert row == {
        "rule": "catalogue.date-order",
        "severity": "error",
        "file": "content/测试县人民政府/法定主动公开内容/行政规范性文件/倒序.md",
        "line": 6,
        "message": "发布日期 2025-03-01 早于成文日期 2025-04-01，请核对",
        "basis": "",
    }


def test_strict_fails_on_warnings_and_list_rules(small_site, capsys):
    assert main(["-C", str(small_site.root), "check"]) == 0  # only warnings
    assert main(["-C", str(small_site.root), "check", "--strict"]) == 1
    capsys.readouterr()
    assert main(["check", "--list-rules"]) == 0
    listing = capsys.readouterr().out
    assert all(rule.id in listing for rule in RULES)


def test_external_links_are_checked_only_when_asked(small_site):
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/no-such-page"
        small_site.doc(
            "行政规范性文件",
            "外链",
            document("外链", "11999900MB0000009X/2025-00003", body=f"见[外部]({url})。"),
        )
        assert findings(small_site.root, "links.external") == []
        [found] = findings(small_site.root, "links.external", external=True)
        assert "服务器返回 404" in found.message
    finally:
        server.shutdown()


# The link leads out by "..", or through a symlink inside content/ (followed first).
@pytest.mark.parametrize("href", ["../../../../secret.txt", "资料.txt"])
def test_body_link_to_a_file_outside_content_is_refused_and_never_copied(small_site, href):
    small_site.write("secret.txt", "内部资料")
    folder = small_site.root / "content" / "测试县人民政府" / "法定主动公开内容" / "行政规范性文件"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "资料.txt").symlink_to(small_site.root / "secret.txt")
    small_site.doc(
        "行政规范性文件",
        "外泄",
        document("外泄", "11999900MB0000009X/2025-00003", body=f"见[资料]({href})。"),
    )
    [found] = findings(small_site.root, "links.internal")
    assert "指向 content 文件夹以外的文件" in found.message
    from generator.build import build

    out = build(small_site.root, force=True).output_dir
    assert not [p for p in out.rglob("*") if p.is_file() and p.read_bytes() == "内部资料".encode()]


def test_serve_rebuild_of_one_unit_still_sees_duplicates_in_other_units(small_site, tmp_path):
    # serve checks only the units a save touched; the site-wide rules must still compare
    # the saved unit with every other one, and forget a duplicate once it is fixed.
    config = small_site.root / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "checks:\n  catalogue.index-unique: 警告\n",
        encoding="utf-8",
    )
    small_site.unit("测试县教育局", UNIT_YAML.replace("名称: 测试县人民政府", "名称: 测试县教育局"))
    unique = document("公报", "11999900MB0000009X/2025-00009")
    other = small_site.doc("统计信息", "公报", unique, "测试县教育局")
    preview = IncrementalBuild(small_site.root, tmp_path / "preview")

    def duplicates(changed):
        outcome = preview.rebuild(changed)
        assert outcome.ok, [p.format() for p in outcome.problems.errors]
        return [p.path.name for p in outcome.problems.items if p.rule == "catalogue.index-unique"]

    assert duplicates(None) == []
    other.write_text(document("公报"), encoding="utf-8")  # the number of 春耕通知
    assert duplicates([other]) == ["公报.md"]
    notice = small_site.root / DOCS / "行政规范性文件/春耕通知.md"
    notice.write_text(notice.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    assert duplicates([notice]) == ["公报.md"]
    other.write_text(unique, encoding="utf-8")
    assert duplicates([other]) == []
