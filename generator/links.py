"""Cross references between pages: 解读 ↔ 文件, and source path → page URL.

Runs after ``content`` has assigned every URL; fills in ``Document.interpretations`` and
``Document.interprets`` so that both pages of a pair link to each other.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.errors import Problems
from generator.model import Document, Link, Site, Unit

_EXTERNAL = ("http://", "https://")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # an address with one is not a path


def normal(path: Path) -> Path:
    """An absolute, normalised path; cheaper than resolve() and enough to compare sources."""
    return Path(os.path.normpath(os.path.abspath(path)))


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, symlinks followed, lies inside ``folder``: nothing from outside
    content/ is ever published. (By the resolved paths' text: ``parents`` made a path
    object for each folder above, for each link and attachment of a unit.)"""
    return os.path.realpath(path).startswith(os.path.join(os.path.realpath(folder), ""))


def local_target(folder: Path, href: str) -> Path | None:
    """The file a relative link in a body points at, or None for anchors and outside URLs.

    Links are relative to the folder of the source file, as an editor sees them on disk.
    """
    if not href or href.startswith(("#", "/", "//")) or SCHEME.match(href):
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


@dataclass
class LinkMemo:
    """What linking learnt, for the next rebuild: how each reference resolved, every
    document by source (kept in step unit by unit), and the documents given links."""

    resolved: dict[tuple[str, str], str] = field(default_factory=dict)  # by text, as below
    # By the path's text: a path read back from the build cache computes its hash from
    # its parts on first use, five times the cost of its text's (10,000 per build).
    by_source: dict[str, Document] = field(default_factory=dict)
    units: dict[str, tuple[Unit, list[Document]]] = field(default_factory=dict)
    linked: list[Document] | None = None  # None: not linked yet, every document is reset


def link_interpretations(site: Site, problems: Problems, memo: LinkMemo | None = None) -> None:
    """Resolve each document's 解读 references and link the pair both ways.

    Starts from empty links, so that documents reused from an earlier load are linked
    afresh. With ``memo`` (serve, the build engine) a rebuild looks only at the units
    loaded afresh and the documents that carry links, not at every document of the site.
    """
    memo = memo if memo is not None else LinkMemo()
    citing = _update_units(site, memo)
    for document in site.documents if memo.linked is None else memo.linked:
        document.interpretations = []
        document.interprets = []
    linked: list[Document] = []
    for document in citing:
        for raw, line in document.interpretation_refs:
            if raw.startswith(_EXTERNAL):
                document.interpretations.append(Link("政策解读", raw, external=True))
                linked.append(document)
                continue
            source = str(document.source)
            key = (source, raw)
            path = memo.resolved.get(key)
            if path is None:
                # As normal() would make it, from text: sources are absolute already.
                path = os.path.normpath(os.path.join(os.path.dirname(source), raw))
                memo.resolved[key] = path
            target = memo.by_source.get(path)
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
            linked += (document, target)
    memo.linked = list({id(doc): doc for doc in linked}.values())


def _update_units(site: Site, memo: LinkMemo) -> list[Document]:
    """Bring ``memo.by_source`` in step with the site's units; return the documents that
    cite a 解读, in site order."""
    current = {unit.key: unit for unit in site.units}
    for key, (unit, _) in list(memo.units.items()):
        if current.get(key) is not unit:
            for document in unit.documents:
                memo.by_source.pop(str(document.source), None)
            del memo.units[key]
    citing: list[Document] = []
    for key, unit in current.items():
        if key not in memo.units:
            memo.by_source.update((str(doc.source), doc) for doc in unit.documents)
            memo.units[key] = (unit, [doc for doc in unit.documents if doc.interpretation_refs])
        citing += memo.units[key][1]
    return citing
