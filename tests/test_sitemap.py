"""sitemap.xml, its index past the URL limit, and robots.txt, all under base_url."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from generator.build import build, load
from generator.errors import Problems
from generator.sitemap import site_pages, sitemap_files

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://www.test.example/"


def test_sitemap_lists_every_page_with_lastmod(small_site):
    build(small_site.root, search=False)
    out = small_site.root / "output"
    root = ET.parse(out / "sitemap.xml").getroot()
    urls = {u.findtext(NS + "loc"): u.findtext(NS + "lastmod") for u in root.findall(NS + "url")}
    pages = {
        BASE + p.relative_to(out).as_posix().removesuffix("index.html")
        for p in out.rglob("index.html")
    }
    pages -= {BASE, BASE + "search/"}  # the redirect to the column, and the search page
    assert set(urls) == pages
    assert urls[BASE + "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/cgtz/"] == "2025-03-05"
    assert urls[BASE + "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/jbf/"] == "2025-03-05"  # 废止日期
    assert all(urls.values())
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_sitemap_index_past_the_limit(small_site):
    problems = Problems()
    config, site = load(small_site.root, problems)
    pages = site_pages(site, config)
    files = {f.path: f.data for f in sitemap_files(pages, config, limit=5)}
    parts = -(-len(pages) // 5)
    assert set(files) == {"sitemap.xml", "robots.txt"} | {
        f"sitemap-{n}.xml" for n in range(1, parts + 1)
    }
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == NS + "sitemapindex"
    locs = [s.findtext(NS + "loc") for s in index.findall(NS + "sitemap")]
    assert locs == [f"{BASE}sitemap-{n}.xml" for n in range(1, parts + 1)]
    counted = sum(len(ET.fromstring(files[f"sitemap-{n}.xml"])) for n in range(1, parts + 1))
    assert counted == len(pages)


def test_relative_base_url_writes_robots_without_sitemap(small_site):
    text = (small_site.root / "site.yaml").read_text(encoding="utf-8")
    small_site.write("site.yaml", text.replace(BASE, "/"))
    build(small_site.root, search=False)
    out = small_site.root / "output"
    assert not (out / "sitemap.xml").exists()
    assert "Sitemap" not in (out / "robots.txt").read_text(encoding="utf-8")
