"""``zfxxgk init``: a new site with site.yaml and one unit's four mandated parts.

Writes only into a folder that has no site yet: an editor's files are never overwritten.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator import standard
from generator.config import CONFIG_FILE

SITE_YAML = """\
# 站点配置。修改后重新运行 zfxxgk build 生效。
site_name: {unit}            # 站点名称，显示在每页页眉
base_url: /                  # 网站发布后的地址，如 https://www.example.gov.cn/ 或 /xxgk/
column_root: zfxxgk          # 政府信息公开专栏所在路径
page_size: 20                # 列表每页条数
# index_pattern: "{{code}}/{{year}}-{{serial:05d}}"   # 索引号格式（默认 统一社会信用代码/年份-5位流水号）
footer:                      # 页脚信息（均可不填）
  host: {unit}               # 主办单位
  contact: ""                # 联系方式
  site_code: ""              # 网站标识码
  icp: ""                    # ICP备案号
  police_record: ""          # 公安机关备案号
  conac_id: ""               # 党政机关网站标识编号
  # conac_image: conac.png   # 党政机关网站标识图片，放在 themes/default/static/ 中
"""

UNIT_YAML = """\
名称: {unit}
统一社会信用代码: "000000000000000000"   # 请改为本机关的统一社会信用代码（18位），用于生成索引号
层级: {level}                 # 政府 / 部门 / 乡镇
公开工作机构:                  # 条例第十二条：指南应列明政府信息公开工作机构的以下信息
  名称: ""
  办公地址: ""
  办公时间: ""
  联系电话: ""
  传真号码: ""
  电子邮箱: ""
"""

GUIDE_MD = """\
---
标题: {unit}政府信息公开指南
更新日期: {today}
信息分类: 请说明本机关主动公开的政府信息分为哪些类别。
编排体系: 请说明政府信息的编排方式，如按栏目分类、各栏目内按发布日期排列。
获取方式:
  主动公开: 请说明公众获取主动公开信息的途径。
  依申请公开: 请说明申请的提出方式（当面、邮寄、网络、传真等）和办理流程。
---
## 答复期限

（请填写依申请公开的答复期限等内容。）

## 救济途径

（请填写救济途径。）
"""


class ScaffoldError(Exception):
    """The target folder already holds a site, or cannot be written."""


def init_site(directory: Path, unit: str, level: str) -> list[Path]:
    """Create the skeleton; return every path created."""
    if (directory / CONFIG_FILE).exists() or (directory / "content").exists():
        raise ScaffoldError(
            f"{directory} 中已有站点（site.yaml 或 content/），为避免覆盖，未做任何修改"
        )
    if not unit or "/" in unit or unit.startswith("."):
        raise ScaffoldError(f"机关名称“{unit}”不能用作文件夹名")
    unit_dir = directory / "content" / unit
    files = {
        directory / CONFIG_FILE: SITE_YAML.format(unit=unit),
        unit_dir / "_unit.yaml": UNIT_YAML.format(unit=unit, level=level),
        unit_dir / f"{standard.GUIDE.name}.md": GUIDE_MD.format(unit=unit, today=dt.date.today()),
    }
    if not (directory / ".gitignore").exists():
        # What a build makes is never content: keep it out of the editors' repository.
        files[directory / ".gitignore"] = "output/\n.zfxxgk-cache/\n"
    folders = [unit_dir / standard.RULES.name, unit_dir / standard.REPORTS.name]
    folders += [
        unit_dir / standard.STATUTORY.name / category.name
        for category in standard.DEFAULT_CATEGORIES
        if level in category.levels
    ]
    created: list[Path] = []
    try:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ".gitkeep").touch()
            created.append(folder)
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            created.append(path)
    except OSError as exc:
        raise ScaffoldError(f"无法写入 {exc.filename}：{exc.strerror}") from exc
    return created
