"""Cross references between pages: 解读 ↔ 文件, and source path → page URL.

Runs after ``content`` has assigned every URL; fills in ``Document.interpretations`` and
``Document.interprets`` so that both pages of a pair link to each other.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.errors import Problems
from generator.model import Link, Site, Unit

_EXTERNAL = ("http://", "https://")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def normal(path: Path) -> Path:
    """An absolute, normalised path; cheaper than resolve() and enough to compare sources."""
    return Path(os.path.normpath(os.path.abspath(path)))


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, symlinks followed, lies inside ``folder``: nothing from outside
    content/ is ever published."""
    return folder.resolve() in path.resolve().parents


def local_target(folder: Path, href: str) -> Path | None:
    """The file a relative link in a body points at, or None for anchors and outside URLs.

    Links are relative to the folder of the source file, as an editor sees them on disk.
    """
    if not href or href.startswith(("#", "/", "//")) or _SCHEME.match(href):
        return None
    return normal(folder / unquote(urlsplit(href).path))


def unit_page_index(unit: Unit) -> dict[Path, str]:
    """Every Markdown source of a unit that became a page, with its URL. Source paths are
    absolute and normalised already (they are listed from the resolved site root)."""
    pages: dict[Path, str] = {}
    if unit.guide:
        pages[unit.guide.source] = unit.guide.url
    for rule in unit.rules:
        pages[rule.source] = rule.url
    for document in unit.documents:
        pages[document.source] = document.url
    return pages


def link_interpretations(
    site: Site, problems: Problems, memo: dict[tuple[Path, str], Path] | None = None
) -> None:
    """Resolve each document's 解读 references and link the pair both ways.

    Starts from empty links, so that documents reused from an earlier load are linked
    afresh; ``memo`` keeps how each reference resolved, for the next rebuild.
    """
    memo = memo if memo is not None else {}
    by_source = {doc.source: doc for doc in site.documents}
    for document in site.documents:
        document.interpretations = []
        document.interprets = []
    for document in site.documents:
        for raw, line in document.interpretation_refs:
            if raw.startswith(_EXTERNAL):
                document.interpretations.append(Link("政策解读", raw, external=True))
                continue
            key = (document.source, raw)
            path = memo.get(key)
            if path is None:
                path = memo[key] = normal(document.source.parent / raw)
            target = by_source.get(path)
            if target is None:
                problems.error(
                    document.source,
                    line,
                    f"解读“{raw}”找不到对应的文档（路径相对于本文档所在文件夹，应指向某栏目中的 .md 文件）",
                )
                continue
            if target is document:
                problems.error(document.source, line, "解读不能指向文档本身")
                continue
            document.interpretations.append(Link(target.title, target.url))
            target.interprets.append(Link(document.title, document.url))
