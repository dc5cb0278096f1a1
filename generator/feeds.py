"""Atom feeds (RFC 4287) of newly published documents: one for the whole site and one per
公开主体, newest 发布日期 first, so that readers and other sites can follow the column.

Feeds are built from the model, not from rendered pages, and are written as ordinary
:class:`OutputFile` objects. With an ``http(s)://`` base_url every id and link is absolute;
otherwise links are relative to the feed (allowed by RFC 4287 §3.1.1, resolved against the
feed's own address) and ids are name-based ``urn:uuid:`` IRIs, stable from build to build.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from generator.config import SiteConfig
from generator.model import Document, Site, Unit
from generator.render import OutputFile
from generator.urls import absolute

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "atom.xml"
FEED_SIZE = 50  # entries per feed: enough for a month of a busy county
EPOCH = dt.date(2000, 1, 1)  # the updated time of a feed with no entry yet (stable output)
CHINA_TIME = "+08:00"  # 发布日期 is a date in Beijing time; Atom wants a full timestamp


def feed_url(url: str) -> str:
    """The feed of a page folder (the column home or a unit's column home)."""
    return url + FEED_FILE


def site_feed_file(site: Site, config: SiteConfig) -> OutputFile:
    """The site-wide feed."""
    units = {unit.key: unit.name for unit in site.units}
    return _feed_file(
        config,
        site.home_url,
        f"{config.site_name}政府信息公开",
        config.site_name,
        site.documents,
        units,
    )


def unit_feed_file(unit: Unit, config: SiteConfig) -> OutputFile:
    """One unit's feed (written with the unit's pages, so only when the unit changed)."""
    return _feed_file(
        config,
        unit.url,
        f"{unit.name}政府信息公开",
        unit.name,
        unit.documents,
        {unit.key: unit.name},
    )


def newest(documents: Sequence[Document], count: int = FEED_SIZE) -> list[Document]:
    """The ``count`` newest by 发布日期 (then 索引号, so equal dates keep a fixed order)."""
    return sorted(documents, key=lambda d: (d.publish_date, d.index_no), reverse=True)[:count]


def _feed_file(
    config: SiteConfig,
    page_url: str,
    title: str,
    author: str,
    documents: Sequence[Document],
    units: dict[str, str],
) -> OutputFile:
    path = feed_url(page_url)
    entries = newest(documents)
    refer = _Refer(config, path)
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    _text(feed, "id", refer.id(path))
    _text(feed, "title", title)
    _text(feed, "updated", _stamp(entries[0].publish_date if entries else EPOCH))
    ET.SubElement(feed, "link", {"rel": "self", "href": refer.link(path)})
    ET.SubElement(
        feed, "link", {"rel": "alternate", "type": "text/html", "href": refer.link(page_url)}
    )
    _text(ET.SubElement(feed, "author"), "name", author)
    _text(feed, "generator", "zfxxgk")
    for document in entries:
        _entry(feed, document, refer, units.get(document.unit_key, author))
    ET.indent(feed, space=" ")
    data = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return OutputFile(
        path, data=('<?xml version="1.0" encoding="utf-8"?>\n' + data + "\n").encode()
    )


def _entry(feed: ET.Element, document: Document, refer: _Refer, unit_name: str) -> None:
    entry = ET.SubElement(feed, "entry")
    _text(entry, "id", refer.id(document.url))
    _text(entry, "title", document.title)
    _text(entry, "updated", _stamp(document.repeal_date or document.publish_date))
    _text(entry, "published", _stamp(document.publish_date))
    ET.SubElement(
        entry, "link", {"rel": "alternate", "type": "text/html", "href": refer.link(document.url)}
    )
    _text(ET.SubElement(entry, "author"), "name", document.publisher or unit_name)
    ET.SubElement(entry, "category", {"term": document.category})
    facts = [
        f"发文字号：{document.doc_no}" if document.doc_no else "",
        f"索引号：{document.index_no}" if document.index_no else "",
    ]
    summary = "；".join(f for f in [document.summary.rstrip("。；"), *facts] if f)
    if summary:
        _text(entry, "summary", summary)


class _Refer:
    """How a feed names pages: absolute under an http(s) base_url, else relative + urn:uuid."""

    def __init__(self, config: SiteConfig, feed_path: str):
        self.config = config
        self.absolute = config.base_url.startswith(("http://", "https://"))
        self.folder = posixpath.dirname(feed_path)

    def link(self, url: str) -> str:
        if self.absolute:
            return absolute(self.config.base_url, url)
        target = posixpath.relpath(url.rstrip("/") or ".", self.folder or ".")
        return target + "/" if url.endswith("/") or not url else target

    def id(self, url: str) -> str:
        if self.absolute:
            return absolute(self.config.base_url, url)
        import uuid  # here: loading it (and platform) took 5 ms of a build that makes no feed

        return uuid.uuid5(uuid.NAMESPACE_URL, f"zfxxgk:{self.config.site_name}:{url}").urn


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00{CHINA_TIME}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element
