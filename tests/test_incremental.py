"""An incremental rebuild (as ``serve`` does it) gives exactly the site a clean build gives."""

import re
import tempfile
from pathlib import Path

from conftest import SITE_YAML, UNIT_YAML, SiteTree, document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.serve import LivePreview
from generator.themes import default_theme_dir

UNITS = ("测试县人民政府", "测试县教育局")
EDITS = (
    "body",
    "summary",
    "title",
    "add",
    "delete",
    "unit-name",
    "interpretation-title",
    "interpretation-target",
    "site-name",
    "theme",
    "break-and-fix",
)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def make_site(root: Path) -> SiteTree:
    tree = SiteTree(root)
    tree.write("site.yaml", SITE_YAML)
    for number, unit in enumerate(UNITS):
        level = "政府" if number == 0 else "部门"
        tree.unit(
            unit, UNIT_YAML.replace("测试县人民政府", unit).replace("层级: 政府", f"层级: {level}")
        )
        code = "11999900MB0000009X"
        policy = document(
            f"{unit}办法",
            f"{code}/2025-{number * 10 + 1:05d}",
            extra="解读: [../政策解读/办法解读.md]\n",
        )
        tree.doc("行政规范性文件", "办法", policy, unit)
        reading = document(f"{unit}办法解读", f"{code}/2025-{number * 10 + 2:05d}")
        tree.doc("政策解读", "办法解读", reading, unit)
        tree.doc(
            "统计信息",
            "公报",
            document(f"{unit}统计公报", f"{code}/2025-{number * 10 + 3:05d}"),
            unit,
        )
    return tree


def apply(tree: SiteTree, edit: str, unit: str, step: int) -> list[Path]:
    docs = tree.root / "content" / unit / "法定主动公开内容"
    if edit == "body":
        path = docs / "统计信息/公报.md"
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n第{step}次补充。\n", encoding="utf-8"
        )
        return [path]
    if edit == "summary":  # the first sentence, which the lists show as 内容概述
        path = docs / "统计信息/公报.md"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"为做好.*?工作", f"为做好第{step}批工作", text, count=1)
        path.write_text(text, encoding="utf-8")
        return [path]
    if edit == "title":
        path = docs / "行政规范性文件/办法.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("办法\n", f"办法（修订{step}）\n", 1), encoding="utf-8")
        return [path]
    if edit == "add":
        index = f"11999900MB0000009X/2024-{step + 100:05d}"
        return [
            tree.doc(
                "统计信息",
                f"新增{step}",
                document(f"新增{step}", index, "2024-05-06", "2024-05-08"),
                unit,
            )
        ]
    if edit == "delete":
        existing = sorted((docs / "统计信息").glob("新增*.md"))
        if not existing:
            return []
        existing[0].unlink()
        return [existing[0]]
    if edit == "unit-name":
        path = tree.root / "content" / unit / "_unit.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"名称: {unit}", f"名称: {unit}{step}", 1), encoding="utf-8")
        return [path]
    if edit == "interpretation-title":
        path = docs / "政策解读/办法解读.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("办法解读\n", f"办法解读（{step}）\n", 1), encoding="utf-8")
        return [path]
    if edit == "interpretation-target":  # its own 解读 → the other unit's → none → its own
        path = docs / "行政规范性文件/办法.md"
        other = next(u for u in UNITS if u != unit)
        own, elsewhere = (
            "../政策解读/办法解读.md",
            f"../../../{other}/法定主动公开内容/政策解读/办法解读.md",
        )
        text = path.read_text(encoding="utf-8")
        now = re.search(r"解读: \[([^\]]*)\]\n", text)
        following = {own: elsewhere, elsewhere: None}.get(now.group(1)) if now else own
        text = text.replace(now.group(0), "") if now else text
        end = text.index("---\n", 4)  # the end of the front matter
        line = f"解读: [{following}]\n" if following else ""
        path.write_text(text[:end] + line + text[end:], encoding="utf-8")
        return [path]
    if edit == "site-name":
        path = tree.root / "site.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("site_name: ", f"site_name: 新{step}", 1),
            encoding="utf-8",
        )
        return [path]
    if edit == "theme":  # the site's own footer, over the default theme's
        path = tree.root / "themes/default/templates/_footer.html"
        footer = (default_theme_dir() / "templates/_footer.html").read_text(encoding="utf-8")
        tree.write("themes/default/templates/_footer.html", footer + f"<p>第{step}版页脚</p>\n")
        return [path]
    raise AssertionError(edit)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.sampled_from(UNITS)), min_size=1, max_size=6))
# Each unit's 办法 cites the other's 解读; then one drops it, leaving the other unit's
# 解读 with no links at all although nothing in that unit changed.
@example(edits=[("interpretation-target", u) for u in (UNITS[0], UNITS[1], UNITS[0])])
# ...and the first two steps alone: the first unit's 解读, left with no link by the first
# step, gains one from the other unit at the second, with nothing in its own unit changed.
@example(edits=[("interpretation-target", u) for u in (UNITS[0], UNITS[1])])
# A template edited twice: the second time its theme folder is already in use.
@example(edits=[("theme", UNITS[0]), ("body", UNITS[1]), ("theme", UNITS[0])])
def test_incremental_output_equals_a_clean_build(edits):
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "site"
        tree = make_site(root)
        preview = LivePreview(root, Path(temp) / "preview")
        assert preview.rebuild([]).ok
        for step, (edit, unit) in enumerate(edits):
            if edit == "break-and-fix":
                path = root / "content" / unit / "法定主动公开内容/统计信息/公报.md"
                good = path.read_text(encoding="utf-8")
                path.write_text(good.replace("标题: ", "标题: [", 1), encoding="utf-8")
                assert not preview.rebuild([path]).ok
                path.write_text(good + f"\n修复{step}。\n", encoding="utf-8")
                changed = [path]
            else:
                changed = apply(tree, edit, unit, step)
            rebuild = preview.rebuild(changed)
            assert rebuild.ok, [p.format(root) for p in rebuild.problems.errors]
        clean = build(root, search=False).output_dir  # serve indexes apart
        assert tree_bytes(preview.folder) == tree_bytes(clean)


def test_a_unit_moved_by_a_new_neighbour_is_read_again(tmp_path):
    """A new unit whose initials come first takes an unchanged unit's address: the
    unchanged unit is read again under its new one (its _unit.yaml included)."""
    tree = make_site(tmp_path / "site")
    preview = LivePreview(tree.root, tmp_path / "preview")
    assert preview.rebuild([]).ok
    name = "测试县交易局"  # the initials of 测试县教育局, and before it in code-point order
    tree.unit(name, UNIT_YAML.replace("测试县人民政府", name).replace("层级: 政府", "层级: 部门"))
    added = tree.doc(
        "统计信息", "公报", document(f"{name}统计公报", "11999900MB0000009X/2025-00091"), name
    )
    rebuild = preview.rebuild([tree.root / "content" / name / "_unit.yaml", added])
    assert rebuild.ok, [p.format(tree.root) for p in rebuild.problems.errors]
    clean = build(tree.root, search=False).output_dir
    assert tree_bytes(preview.folder) == tree_bytes(clean)
    assert any(name.startswith("zfxxgk/csxjyj-") for name in tree_bytes(clean))
