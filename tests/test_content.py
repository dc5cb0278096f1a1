"""Each kind of bad input is reported in Chinese with file:line; good input loads."""

from pathlib import Path

from conftest import UNIT_YAML, document

from generator.config import load_config
from generator.content import derive_summary, load_site
from generator.errors import Problems


def load(root: Path):
    problems = Problems()
    config = load_config(root, problems)
    site = load_site(config, problems)
    return site, problems


def messages(problems: Problems, root: Path) -> list[str]:
    return [p.format(root) for p in problems.items]


def test_valid_site_loads_with_urls_from_pinyin(small_site):
    site, problems = load(small_site.root)
    assert problems.errors == []
    unit = site.units[0]
    assert unit.url == "zfxxgk/csxrmzf/"
    assert unit.part_urls["法定主动公开内容"] == "zfxxgk/csxrmzf/fdzdgknr/"
    assert [c.name for c in unit.categories] == ["行政规范性文件", "政策解读"]  # 条例 order
    docs = unit.categories[0].documents
    assert [d.title for d in docs] == ["关于做好春耕生产工作的通知", "测试县旧办法"]  # newest first
    assert docs[0].url == "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/cgtz/"
    assert docs[0].attachments[0].url.endswith("cgtz/md.csv")
    assert docs[0].genre == "行政规范性文件"


def test_malformed_yaml_names_the_line(tree):
    tree.unit()
    path = tree.doc(
        "行政规范性文件",
        "坏文件",
        "---\n标题: 通知\n成文日期: [2025-01-01\n发布日期: 2025-01-02\n---\n正文\n",
    )
    _, problems = load(tree.root)
    found = [p for p in problems.errors if p.path == path]
    assert found and found[0].line in (3, 4)
    assert "YAML 格式有误" in found[0].message


def test_unknown_key_is_an_error_with_its_line_and_a_suggestion(tree):
    tree.unit()
    path = tree.doc("行政规范性文件", "通知", document(extra="发文单位: 测试县\n有效型: 有效\n"))
    _, problems = load(tree.root)
    text = messages(problems, tree.root)
    assert any(
        m.startswith(f"{path.relative_to(tree.root).as_posix()}:7: 错误：未知的键“发文单位”")
        for m in text
    ), text
    assert any("未知的键“有效型”，是否应为“有效性”" in m for m in text)


def test_impossible_and_badly_written_dates_are_errors(tree):
    tree.unit()
    tree.doc("行政规范性文件", "甲", document(written="2025-02-30"))
    tree.doc("行政规范性文件", "乙", document(published="2025年3月5日", index_no="X/2025-00009"))
    _, problems = load(tree.root)
    text = " ".join(messages(problems, tree.root))
    assert "甲.md:5: 错误：成文日期“2025-02-30”不是实际存在的日期" in text
    assert "乙.md:6: 错误：发布日期“2025年3月5日”格式有误，应写成 YYYY-MM-DD" in text


def test_missing_unit_yaml_is_an_error(tree):
    tree.write("content/某某局/政府信息公开指南.md", "指南")
    _, problems = load(tree.root)
    assert any(
        "缺少 _unit.yaml" in p.message and p.path.name == "_unit.yaml" for p in problems.errors
    )


def test_document_outside_a_category_is_an_error(tree):
    folder = tree.unit()
    loose = tree.write(f"{folder}/法定主动公开内容/散落的文件.md", document())
    stray = tree.write(f"{folder}/另一个文件.md", document())
    _, problems = load(tree.root)
    paths = {p.path for p in problems.errors}
    assert loose in paths and stray in paths
    assert any("文档必须放在栏目文件夹中" in p.message for p in problems.errors)


def test_missing_attachment_is_an_error_with_line(tree):
    tree.unit()
    path = tree.doc("行政规范性文件", "通知", document(extra="附件:\n  - 附件/不存在.pdf\n"))
    _, problems = load(tree.root)
    [error] = [p for p in problems.errors if p.path == path]
    assert error.line == 7 and "附件文件“附件/不存在.pdf”不存在" in error.message


def test_attachment_outside_content_is_refused(tree):
    tree.unit()
    tree.write("secret.txt", "内部资料")
    tree.doc("行政规范性文件", "通知", document(extra="附件: ../../../../secret.txt\n"))
    _, problems = load(tree.root)
    assert any("不在 content 文件夹内" in p.message for p in problems.errors)


def test_attachment_leading_outside_content_by_a_link_or_a_similar_name_is_refused(tree):
    """Symlinks are followed before the check, and a folder whose name begins like
    content's (content备份) is not inside it."""
    tree.unit()
    tree.write("secret.txt", "内部资料")
    tree.write("content备份/旧.txt", "旧资料")
    folder = tree.root / "content" / "测试县人民政府" / "法定主动公开内容" / "行政规范性文件"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "附件.txt").symlink_to(tree.root / "secret.txt")
    extra = "附件:\n  - 附件.txt\n  - ../../../../content备份/旧.txt\n"
    tree.doc("行政规范性文件", "通知", document(extra=extra))
    _, problems = load(tree.root)
    refused = [p.message for p in problems.errors if "不在 content 文件夹内" in p.message]
    assert len(refused) == 2


def test_bad_level_and_missing_code_in_unit_yaml(tree):
    tree.unit(
        unit_yaml=UNIT_YAML.replace("层级: 政府", "层级: 县里").replace(
            "统一社会信用代码: 11999900MB0000009X\n", ""
        )
    )
    _, problems = load(tree.root)
    text = " ".join(messages(problems, tree.root))
    assert "_unit.yaml:2: 错误：层级“县里”" in text
    assert "缺少统一社会信用代码" in text


def test_duplicate_yaml_key_is_an_error(tree):
    tree.unit()
    path = tree.doc("行政规范性文件", "通知", document(extra="标题: 又一个标题\n"))
    _, problems = load(tree.root)
    assert any(p.path == path and "重复" in p.message for p in problems.errors)


def test_colliding_names_get_distinct_urls_and_a_warning(tree):
    tree.unit()
    tree.doc("行政规范性文件", "教育局通知", document(index_no="A/2025-00001"))
    tree.doc("行政规范性文件", "交易局通知", document(index_no="A/2025-00002"))
    site, problems = load(tree.root)
    urls = [d.url for d in site.documents]
    assert len(set(urls)) == 2
    assert any("已改用" in p.message for p in problems.warnings)


def test_slug_override_and_title_change_keep_url(tree):
    tree.unit()
    path = tree.doc("行政规范性文件", "通知", document(extra="slug: spring-notice\n"))
    site, _ = load(tree.root)
    before = site.documents[0].url
    path.write_text(
        path.read_text(encoding="utf-8").replace("春耕生产", "春耕备耕"), encoding="utf-8"
    )
    site, _ = load(tree.root)
    assert site.documents[0].url == before == "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/spring-notice/"


def test_english_aliases_are_accepted(tree):
    tree.unit()
    tree.doc(
        "行政规范性文件",
        "英文键",
        "---\ntitle: 通知\nindex_no: A/2025-00003\nwritten_date: 2025-01-02\npublish_date: 2025-01-03\nvalidity: 失效\n---\n正文\n",
    )
    site, problems = load(tree.root)
    assert problems.errors == []
    assert site.documents[0].validity == "失效"


def test_summary_is_derived_from_the_body_when_missing():
    assert (
        derive_summary("# 标题\n\n为做好**春耕**工作，[详见](x.md)通知如下。\n")
        == "为做好春耕工作，详见通知如下。"
    )
    assert derive_summary("甲" * 200).endswith("……")
