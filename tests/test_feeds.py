"""Atom feeds: valid per RFC 4287, newest first, absolute URLs under base_url."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from conftest import document

from generator.build import build

A = "{http://www.w3.org/2005/Atom}"
BASE = "https://www.test.example/"


def _feed(path):
    root = ET.parse(path).getroot()
    assert root.tag == A + "feed"
    return root


def _check_rfc4287(feed) -> None:
    """The elements RFC 4287 §4.1.1 and §4.1.2 require, each once."""
    for name in ("id", "title", "updated"):
        assert len(feed.findall(A + name)) == 1, name
    entries = feed.findall(A + "entry")
    if entries and any(e.find(A + "author") is None for e in entries):
        assert feed.find(A + "author/" + A + "name") is not None
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(A + name)) == 1, name
        links = [
            link
            for link in entry.findall(A + "link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(links) == 1
        assert links[0].get("href").startswith(BASE)
        assert entry.findtext(A + "id").startswith(BASE)
        assert entry.findtext(A + "updated").endswith("+08:00")


def test_site_and_unit_feeds_are_valid_atom_newest_first(small_site):
    build(small_site.root, search=False)
    out = small_site.root / "output"
    site_feed = _feed(out / "zfxxgk/atom.xml")
    _check_rfc4287(site_feed)
    assert site_feed.findtext(A + "id") == BASE + "zfxxgk/atom.xml"
    assert site_feed.find(A + "link[@rel='self']").get("href") == BASE + "zfxxgk/atom.xml"
    entries = site_feed.findall(A + "entry")
    assert len(entries) == 3
    dates = [e.findtext(A + "published") for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert entries[-1].findtext(A + "title") == "测试县旧办法"
    assert "测政办〔2024〕1号" in entries[-1].findtext(A + "summary")
    unit_feed = _feed(out / "zfxxgk/csxrmzf/atom.xml")
    _check_rfc4287(unit_feed)
    page = (out / "zfxxgk/csxrmzf/index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="../atom.xml"' in page and 'href="atom.xml"' in page


def test_feed_keeps_fifty_newest(small_site):
    for n in range(55):
        small_site.doc(
            "工作动态",
            f"动态{n:02d}",
            document(
                f"动态第{n:02d}期",
                f"11999900MB0000009X/2025-{n + 10:05d}",
                published=f"2025-04-{n % 28 + 1:02d}",
                written=f"2025-04-{n % 28 + 1:02d}",
            ),
        )
    build(small_site.root, force=True, search=False)
    feed = _feed(small_site.root / "output/zfxxgk/atom.xml")
    entries = feed.findall(A + "entry")
    assert len(entries) == 50
    assert feed.findtext(A + "updated") == entries[0].findtext(A + "updated")


def test_feed_without_absolute_base_url_uses_relative_links(small_site):
    text = (small_site.root / "site.yaml").read_text(encoding="utf-8")
    small_site.write("site.yaml", text.replace(BASE, "/"))
    build(small_site.root, search=False)
    feed = _feed(small_site.root / "output/zfxxgk/atom.xml")
    entry = feed.find(A + "entry")
    assert entry.findtext(A + "id").startswith("urn:uuid:")
    assert entry.find(A + "link").get("href").startswith("csxrmzf/fdzdgknr/")
