"""Export a synthetic site's documents to Pelican, MkDocs and Hugo projects (对照项目).

The benchmark compares ``zfxxgk build`` with the generators a user would pick instead, on
the same documents: each 法定主动公开内容 document of the site becomes one page with its
title, a metadata table (索引号, 发文字号, 发布日期) and its Markdown body, byte for byte as
we wrote it; each unit (机关) becomes one list page of its documents. Front matter is
written in each tool's own format and the templates are as small as each tool allows, so
that the figures measure the tools, not our template choices.

File and folder names in the exports are ASCII (``u0001/d000001.md``): the tools differ in
how they turn Chinese names into URLs, and that is not what is measured. Guides, rules and
annual reports (指南, 制度, 年度报告) are not exported: the other tools have no equivalent, so
zfxxgk builds strictly more pages than they do (see bench/README.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

SITE_NAME = "合成市政府信息公开"
MARKDOWN_EXTENSIONS = ("tables", "footnotes", "sane_lists", "fenced_code", "toc")  # as ours
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT = re.compile(r"\A---\n(.*?)\n---\n?", re.S)


@dataclass(frozen=True)
class Unit:
    """One organ (机关): its folder name in content/, its 名称 and the export slug."""

    folder: str
    name: str
    slug: str


@dataclass(frozen=True)
class Document:
    """What the exports carry of one document: title, three metadata fields and the body."""

    source: Path
    unit: Unit
    slug: str
    title: str
    index_no: str
    doc_no: str
    published: str  # 发布日期, YYYY-MM-DD
    body: str


@dataclass(frozen=True)
class Project:
    """An exported project and where in it each document's source file is."""

    root: Path
    files: dict[Path, Path]  # our source file -> the tool's copy of that document


def read_site(site: Path) -> tuple[list[Unit], list[Document]]:
    """The units and 法定主动公开内容 documents of ``site``, in a fixed (sorted) order."""
    units: list[Unit] = []
    documents: list[Document] = []
    content = site / "content"
    for number, folder in enumerate(sorted(p for p in content.iterdir() if p.is_dir()), 1):
        unit_file = folder / "_unit.yaml"
        if not unit_file.is_file():
            continue
        info = yaml.load(unit_file.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        unit = Unit(folder.name, str(info.get("名称") or folder.name), f"u{number:04d}")
        units.append(unit)
        for source in sorted(folder.glob("法定主动公开内容/*/*.md")):
            documents.append(_read_document(source, unit, len(documents) + 1))
    return units, documents


def _read_document(source: Path, unit: Unit, number: int) -> Document:
    text = source.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    meta = _fields(match.group(1)) if match else {}
    body = text[match.end() :] if match else text
    return Document(
        source=source,
        unit=unit,
        slug=f"d{number:06d}",
        title=str(meta.get("标题", "")),
        index_no=str(meta.get("索引号", "")),
        doc_no=str(meta.get("发文字号", "") or ""),
        published=str(meta.get("发布日期", "")),
        body=body,
    )


_WANTED = ("标题", "索引号", "发文字号", "发布日期")
_YAML_INDICATORS = tuple("\"'[{|>&*!%@`#")


def _fields(front: str) -> dict[str, str]:
    """The four fields the exports carry, read line by line: make_site writes them as plain
    one-line scalars, and a YAML parse of every front matter would double the export time
    at 100,000 documents. Anything fancier goes through the YAML parser."""
    fields: dict[str, str] = {}
    for line in front.splitlines():
        key, sep, value = line.partition(":")
        if not sep or key not in _WANTED:
            continue
        value = value.strip()
        if value.startswith(_YAML_INDICATORS):
            meta = yaml.load(front, Loader=_LOADER) or {}
            return {k: str(meta[k]) for k in _WANTED if meta.get(k) is not None}
        fields[key] = value
    return fields


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _quoted(value: str) -> str:
    """A YAML scalar that stays a string (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


# -- Pelican ------------------------------------------------------------------------------

PELICAN_CONF = f"""\
# Written by bench/export.py: the smallest Pelican site equivalent to ours.
AUTHOR = "合成市"
SITENAME = {_quoted(SITE_NAME)}
SITEURL = ""
RELATIVE_URLS = True
PATH = "content"
THEME = "theme"
THEME_STATIC_PATHS = []
STATIC_PATHS = []
PAGE_PATHS = []
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh_cn"  # docutils knows zh_cn, not zh
DEFAULT_PAGINATION = False
# One page per document and one list page per unit (category); nothing else.
DIRECT_TEMPLATES = []
ARTICLE_URL = ARTICLE_SAVE_AS = "{{category}}/{{slug}}.html"
CATEGORY_URL = CATEGORY_SAVE_AS = "{{slug}}/index.html"
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = AUTHOR_SAVE_AS = ""
CATEGORIES_SAVE_AS = TAGS_SAVE_AS = TAG_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
# Pelican's own cache, so that a rebuild reads only what changed.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "mtime"
MARKDOWN = {{
    "extensions": {list(MARKDOWN_EXTENSIONS)!r},
    "output_format": "html",
}}
"""

PELICAN_ARTICLE = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ article.title }}</title></head>
<body><main>
<h1>{{ article.title }}</h1>
<table>
<tr><th>索引号</th><td>{{ article.indexno }}</td></tr>
<tr><th>发文字号</th><td>{{ article.docno }}</td></tr>
<tr><th>发布日期</th><td>{{ article.date.strftime('%Y-%m-%d') }}</td></tr>
</table>
{{ article.content }}
</main></body></html>
"""

PELICAN_CATEGORY = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ category }}</title></head>
<body><main>
<h1>{{ category }}</h1>
<ul>
{% for article in articles %}<li><a href="../{{ article.url }}">{{ article.title }}</a> {{ article.date.strftime('%Y-%m-%d') }}</li>
{% endfor %}</ul>
</main></body></html>
"""


def export_pelican(units: list[Unit], documents: list[Document], dest: Path) -> Project:
    """A Pelican project: articles with category = unit, feeds and extra pages off."""
    root = _fresh(dest)
    _write(root / "pelicanconf.py", PELICAN_CONF)
    _write(root / "theme" / "templates" / "article.html", PELICAN_ARTICLE)
    _write(root / "theme" / "templates" / "category.html", PELICAN_CATEGORY)
    files: dict[Path, Path] = {}
    for doc in documents:
        # Pelican's Markdown metadata keys are ASCII words; one per line, then a blank line.
        meta = [
            f"Title: {doc.title}",
            f"Date: {doc.published}",
            f"Category: {doc.unit.name}",
            f"Slug: {doc.slug}",
            f"Indexno: {doc.index_no}",
            f"Docno: {doc.doc_no}",
        ]
        path = root / "content" / doc.unit.slug / f"{doc.slug}.md"
        _write(path, "\n".join(meta) + "\n\n" + doc.body)
        files[doc.source] = path
    return Project(root, files)


# -- MkDocs -------------------------------------------------------------------------------

MKDOCS_MAIN = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main>
<h1>{{ page.title }}</h1>
<table>
<tr><th>索引号</th><td>{{ page.meta['索引号'] }}</td></tr>
<tr><th>发文字号</th><td>{{ page.meta['发文字号'] }}</td></tr>
<tr><th>发布日期</th><td>{{ page.meta['发布日期'] }}</td></tr>
</table>
{{ page.content }}
</main></body></html>
"""

MKDOCS_LIST = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main>
<h1>{{ page.title }}</h1>
<ul>
{% for child in page.parent.children %}{% if child.is_page and child != page %}<li><a href="{{ child.url | url }}">{{ child.title }}</a> {{ child.meta['发布日期'] }}</li>
{% endif %}{% endfor %}</ul>
</main></body></html>
"""

# The unit list inside the default theme's page frame (navigation, search box and all).
MKDOCS_DEFAULT_LIST = """\
{% extends "main.html" %}
{% block content %}<h1>{{ page.title }}</h1>
<ul>
{% for child in page.parent.children %}{% if child.is_page and child != page %}<li><a href="{{ child.url | url }}">{{ child.title }}</a> {{ child.meta['发布日期'] }}</li>
{% endif %}{% endfor %}</ul>
{% endblock %}
"""


def _mkdocs_yml(theme: str, site_dir: str) -> str:
    lines = [
        "# Written by bench/export.py. No nav: MkDocs builds a flat one from the files.",
        f"site_name: {_quoted(SITE_NAME)}",
        "docs_dir: docs",
        f"site_dir: {site_dir}",
        "use_directory_urls: false",
        "plugins: []",
        "markdown_extensions:",
        *(f"  - {name}" for name in MARKDOWN_EXTENSIONS),
        "theme:",
        *theme.splitlines(),
    ]
    return "\n".join(lines) + "\n"


MKDOCS_MINIMAL_THEME = "  name: null\n  custom_dir: theme"
MKDOCS_DEFAULT_THEME = "  name: mkdocs\n  custom_dir: theme-default"


def export_mkdocs(units: list[Unit], documents: list[Document], dest: Path) -> Project:
    """An MkDocs project with a minimal custom theme (mkdocs.yml) and, for comparison,
    the default theme with its full navigation on every page (mkdocs-default.yml)."""
    root = _fresh(dest)
    _write(root / "mkdocs.yml", _mkdocs_yml(MKDOCS_MINIMAL_THEME, "site"))
    _write(root / "mkdocs-default.yml", _mkdocs_yml(MKDOCS_DEFAULT_THEME, "site-default"))
    _write(root / "theme" / "main.html", MKDOCS_MAIN)
    _write(root / "theme" / "list.html", MKDOCS_LIST)
    _write(root / "theme-default" / "list.html", MKDOCS_DEFAULT_LIST)
    for unit in units:
        front = f"---\ntitle: {_quoted(unit.name)}\ntemplate: list.html\n---\n"
        _write(root / "docs" / unit.slug / "index.md", front)
    files: dict[Path, Path] = {}
    for doc in documents:
        front = [
            "---",
            f"title: {_quoted(doc.title)}",
            f"索引号: {_quoted(doc.index_no)}",
            f"发文字号: {_quoted(doc.doc_no)}",
            f"发布日期: {_quoted(doc.published)}",
            "---",
        ]
        path = root / "docs" / doc.unit.slug / f"{doc.slug}.md"
        _write(path, "\n".join(front) + "\n" + doc.body)
        files[doc.source] = path
    return Project(root, files)


# -- Hugo ---------------------------------------------------------------------------------

HUGO_CONFIG = f"""\
# Written by bench/export.py: pages and one list per unit (section), nothing else.
baseURL = "/"
title = {_quoted(SITE_NAME)}
languageCode = "zh-CN"
relativeURLs = true
uglyURLs = true
buildFuture = true
disableKinds = ["home", "taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
"""

HUGO_SINGLE = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>
<h1>{{ .Title }}</h1>
<table>
<tr><th>索引号</th><td>{{ .Params.indexno }}</td></tr>
<tr><th>发文字号</th><td>{{ .Params.docno }}</td></tr>
<tr><th>发布日期</th><td>{{ .Date.Format "2006-01-02" }}</td></tr>
</table>
{{ .Content }}
</main></body></html>
"""

HUGO_LIST = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>
</main></body></html>
"""


def export_hugo(units: list[Unit], documents: list[Document], dest: Path) -> Project:
    """A Hugo project: a section per unit, layouts/_default/single.html and list.html."""
    root = _fresh(dest)
    _write(root / "hugo.toml", HUGO_CONFIG)
    _write(root / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    _write(root / "layouts" / "_default" / "list.html", HUGO_LIST)
    for unit in units:
        _write(
            root / "content" / unit.slug / "_index.md", f"---\ntitle: {_quoted(unit.name)}\n---\n"
        )
    files: dict[Path, Path] = {}
    for doc in documents:
        front = [
            "---",
            f"title: {_quoted(doc.title)}",
            f"date: {doc.published}",
            f"indexno: {_quoted(doc.index_no)}",
            f"docno: {_quoted(doc.doc_no)}",
            "---",
        ]
        path = root / "content" / doc.unit.slug / f"{doc.slug}.md"
        _write(path, "\n".join(front) + "\n" + doc.body)
        files[doc.source] = path
    return Project(root, files)


EXPORTERS = {"pelican": export_pelican, "mkdocs": export_mkdocs, "hugo": export_hugo}


def output_size(folder: Path) -> tuple[int, int]:
    """Files and bytes under ``folder`` (0, 0 if it does not exist)."""
    files = size = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            try:
                size += os.stat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
            files += 1
    return files, size
