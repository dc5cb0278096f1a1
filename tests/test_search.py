"""站内搜索: the index, the exact-match map, and recall in a real Chromium (issue #7)."""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import wait_for

from generator import searchindex
from generator.build import build
from generator.config import load_config
from generator.errors import Problems
from generator.search import Shards, normalise_number

REPO = Path(__file__).resolve().parent.parent
U = "zfxxgk/"

# (query, pages that must be found, pages any one of which may come first).
# The first list's first page is the expected first result unless the third is given.
QUERIES: list[tuple[str, list[str], list[str]]] = [
    # two characters
    (
        "低保",
        [
            "slxrmzf/fdzdgknr/shjz/tg2026ncxdbhtkryjzgybz/",
            "mzj/fdzdgknr/shjz/2025ndsjdcxdbhtkryjzzjffqk/",
        ],
        [],
    ),
    (
        "预案",
        [
            "slxrmzf/fdzdgknr/yjgl/tfsjztyjya/",
            "jyj/fdzdgknr/yjgl/xyaqtfsjyjya/",
            "mzj/fdzdgknr/yjgl/mzfwjgtfsjyjya/",
            "scjgj/fdzdgknr/yjgl/spaqsgyjczya/",
            "qxz/fdzdgknr/yjgl/qxz2025nfxyjya/",
            "sqz/fdzdgknr/yjgl/sqzslfmhyjya/",
        ],
        ["*"],
    ),
    (
        "养老",
        [
            "mzj/fdzdgknr/ghjh/sww-ylfwtxjsgh/",
            "mzj/fdzdgknr/zfcg/2025njjylsmfwxmcjjggg/",
            "mzj/fdzdgknr/jdjc/2025nyljgfwzlhaqjcqktb/",
        ],
        ["*"],
    ),
    (
        "决算",
        [
            "czj/fdzdgknr/czyjs/2024nxjczjsgk/",
            "mzj/fdzdgknr/czyjs/2024nbmjs/",
            "sqz/fdzdgknr/czyjs/sqz2024nbmjs/",
        ],
        ["*"],
    ),
    ("防汛", ["qxz/fdzdgknr/yjgl/qxz2025nfxyjya/"], []),
    ("津贴", ["mzj/fdzdgknr/msbz/2025ndgljtffgzdtz/"], []),
    # three characters
    (
        "宅基地",
        ["qxz/fdzdgknr/xzxk/2025n1z10ynccmzjdspjggs/", "sqz/fdzdgknr/xzxk/nccmzjdspbszn/"],
        ["*"],
    ),
    (
        "裁量权",
        [
            "scjgj/fdzdgknr/xzgfxwj/xzcfclqsygz/",
            "scjgj/fdzdgknr/xzgfxwj/2023nxzcfclqsygz/",
            "scjgj/fdzdgknr/zcjd/xzcfclqsygzjd/",
        ],
        ["*"],
    ),
    ("双随机", ["scjgj/fdzdgknr/ghjh/2025ndssjygkccgzjh/"], []),
    ("残疾人", ["mzj/fdzdgknr/xzgfxwj/kncjrlxbtssxz/"], []),
    ("防灭火", ["sqz/fdzdgknr/yjgl/sqzslfmhyjya/"], []),
    ("经营权", ["sqz/fdzdgknr/nynczc/gfnctdjyqlzdssyj/"], []),
    # four characters
    ("高龄津贴", ["mzj/fdzdgknr/msbz/2025ndgljtffgzdtz/"], []),
    (
        "临时救助",
        [
            "mzj/fdzdgknr/xzgfxwj/lsjzssxz/",
            "mzj/fdzdgknr/zcjd/lsjzssxzjd/",
            "sqz/fdzdgknr/shjz/2025ndsjdlsjzspqkgs/",
        ],
        ["*"],
    ),
    (
        "招生入学",
        [
            "jyj/fdzdgknr/xzgfxwj/ywjyjdxxzsrxglbf/",
            "jyj/fdzdgknr/xzgfxwj/2024nywjyjdxxzsrxgzssbf/",
            "jyj/fdzdgknr/zcjd/ywjyjdxxzsrxglbfjd/",
        ],
        ["*"],
    ),
    ("校外培训", ["jyj/fdzdgknr/xzgfxwj/xwpxjgglbf/"], []),
    ("学生资助", ["jyj/fdzdgknr/msbz/2025nxszzzc/"], []),
    (
        "部门预算",
        [
            "slxrmzf/fdzdgknr/czyjs/xrmzfbgs2025nbmys/",
            "jyj/fdzdgknr/czyjs/2025nbmys/",
            "scjgj/fdzdgknr/czyjs/2026nbmys/",
            "qxz/fdzdgknr/czyjs/qxz2025nbmys/",
        ],
        ["*"],
    ),
    (
        "政府采购",
        ["slxrmzf/fdzdgknr/zfcg/2025nzfjzcgmljxebz/", "czj/fdzdgknr/zfcg/2025ndejdzfcgyxgk/"],
        ["*"],
    ),
    ("统计公报", ["slxrmzf/fdzdgknr/tjxx/2024ngmjjhshfztjgb/"], []),
    ("征收土地", ["slxrmzf/fdzdgknr/tdzs/2025nd3pczstdygg/"], []),
    ("一网通办", ["slxrmzf/fdzdgknr/ggfw/zwfwywtbsxqddz/"], []),
    (
        "食品安全",
        [
            "scjgj/fdzdgknr/jdjc/2025nd2qspaqjdcjxxgg/",
            "scjgj/fdzdgknr/yjgl/spaqsgyjczya/",
            "jyj/fdzdgknr/jdjc/2024nqjxqxyspaqzxjcqktb/",
        ],
        ["*"],
    ),
    ("耕地地力", ["qxz/fdzdgknr/nynczc/2025ngddlbhbtffqkgs/"], []),
    (
        "一事一议",
        ["qxz/fdzdgknr/czcl/2025nflcysyyczclfags/", "sqz/fdzdgknr/czcl/2024ndysyyczjbxmssqkgg/"],
        ["*"],
    ),
    ("代理记账", ["czj/fdzdgknr/xzxk/2025n1z9ydljzxkbljg/"], []),
    (
        "专项资金",
        [
            "czj/fdzdgknr/xzgfxwj/xjczzxzjglbf/",
            "czj/fdzdgknr/zcjd/xjczzxzjglbfjd/",
            "czj/fdzdgknr/xzgfxwj/2023nwjyzxzjsyglssxz/",
        ],
        ["*"],
    ),
    (
        "应急预案",
        [
            "slxrmzf/fdzdgknr/yjgl/tfsjztyjya/",
            "jyj/fdzdgknr/yjgl/xyaqtfsjyjya/",
            "mzj/fdzdgknr/yjgl/mzfwjgtfsjyjya/",
            "qxz/fdzdgknr/yjgl/qxz2025nfxyjya/",
            "sqz/fdzdgknr/yjgl/sqzslfmhyjya/",
        ],
        ["*"],
    ),
    # names of organs
    ("示例县教育局", ["jyj/zfxxgkzn/"], ["jyj/"]),
    ("青溪镇人民政府", ["qxz/zfxxgkzn/"], ["qxz/"]),
    ("残疾人联合会", ["mzj/fdzdgknr/xzgfxwj/kncjrlxbtssxz/"], []),
    ("人力资源和社会保障局", ["czj/fdzdgknr/xzgfxwj/2023nwjyzxzjsyglssxz/"], []),
    # 发文字号, spelt as readers type them
    ("示政规〔2023〕2号", ["slxrmzf/fdzdgknr/xzgfxwj/2023ncxjmzdshbzssbf/"], []),
    ("示政办发[2025]27号", ["slxrmzf/fdzdgknr/ggfw/zwfwywtbsxqddz/"], []),
    ("示市监处罚（2025）41号", ["scjgj/fdzdgknr/xzcf/xscgbzqspaxzcfjdxx/"], []),
    ("石政〔2024〕8 号", ["sqz/fdzdgknr/nynczc/gfnctdjyqlzdssyj/"], []),
    ("示民【2025】5号", ["mzj/fdzdgknr/xzgfxwj/lsjzssxz/"], []),
    ("示教 (2023) 9号", ["jyj/zfxxgkzd/bmsczd/"], []),
    # 索引号
    ("11999900MB0000005Q/2025-00009", ["scjgj/fdzdgknr/xzxk/2025ndsjdspjyxkbljg/"], []),
    ("11999900mb0000006w/2025-00006", ["qxz/fdzdgknr/nynczc/2025ngddlbhbtffqkgs/"], []),
    (
        "１１９９９９００ＭＢ００００００７３／２０２５－００００５",
        ["sqz/fdzdgknr/shjz/2025ndsjdlsjzspqkgs/"],
        [],
    ),
]
NUMBER_QUERIES = 9  # the last ones: every 发文字号 and 索引号 must come first


def test_normalise_number_folds_brackets_width_spaces():
    same = {
        normalise_number(v)
        for v in (
            "示政发〔2025〕17号",
            "示政发[2025]17号",
            "示政发（2025）17号",
            "示政发 ［2025］ 17",
            "示政发【2025】17号",
        )
    }
    assert same == {"示政发[2025]17"}
    assert normalise_number("１１９９ｍｂ／２０２５－０１") == "1199MB/2025-01"


def test_build_writes_index_exact_map_and_marks_content_pages_only(small_site):
    build(small_site.root)
    out = small_site.root / "output"
    manifest = json.loads((out / "pagefind/shards.json").read_bytes())
    assert manifest == {"bundles": ["0/"], "shards": 1}
    assert (out / "pagefind/0/pagefind.js").is_file()
    assert not (out / "pagefind/0/pagefind-ui.js").exists()  # we ship our own UI
    exact = json.loads((out / "search/exact.json").read_text(encoding="utf-8"))
    hit = exact["pages"][exact["keys"][normalise_number("测政办〔2024〕1号")][0]]
    assert hit["url"] == "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/jbf/index.html"
    document = (out / "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/cgtz/index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in document
    assert 'data-pagefind-filter="有效性">有效<' in document
    listing = (out / "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in listing
    assert 'action="../../../../search/index.html"' in listing  # a plain GET form, relative
    search = (out / "search/index.html").read_text(encoding="utf-8")
    assert '<script type="module" src="../assets/search.js"></script>' in search


def test_search_settings_are_checked(tree):
    tree.write("site.yaml", "site_name: 测试\nsearch_shard_pages: 0\nsearch_recent_pages: -1\n")
    problems = Problems()
    load_config(tree.root, problems)
    found = {(p.line, p.message) for p in problems.errors}
    assert found == {
        (2, "search_shard_pages 应为正整数"),
        (3, "search_recent_pages 应为 0 或正整数"),
    }
    tree.write("site.yaml", "site_name: 测试\nsearch_recent_pages: 100\n")
    config = load_config(tree.root, Problems())
    assert config is not None and config.search_recent_pages == 100


def test_no_search_skips_the_index(small_site):
    build(small_site.root, search=False)
    assert not (small_site.root / "output/pagefind").exists()
    assert (small_site.root / "output/search/index.html").is_file()


def test_a_large_site_is_indexed_in_shards_and_an_edit_redoes_one(tmp_path):
    """A province-scale index is split by unit; an edit indexes only its unit's shard."""
    root = _example_copy(tmp_path, shard_pages=40)
    build(root)
    bundle = root / "output/pagefind"
    shards = json.loads((bundle / "shards.json").read_bytes())["bundles"]
    assert len(shards) > 2
    counts = [_entry(bundle / s)["page_count"] for s in shards]
    assert all(counts) and sum(counts) == _indexed_pages(root / "output")
    before = {s: _files(bundle / s) for s in shards}
    doc = root / "content/示例县民政局/法定主动公开内容/民生保障/2025年度高龄津贴发放工作的通知.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n油菜籽收购另行通知。\n", encoding="utf-8")
    build(root)
    redone = [s for s in shards if _files(bundle / s) != before[s]]
    assert len(redone) == 1
    assert "recent" not in _manifest(root)  # unless the site asks for it
    assert _indexed(bundle / redone[0], "油菜籽")
    assert [_entry(bundle / s)["page_count"] for s in shards] == counts


EDITED = "content/示例县民政局/法定主动公开内容/民生保障/2025年度高龄津贴发放工作的通知.md"
EDITED_PAGE = U + "mzj/fdzdgknr/msbz/2025ndgljtffgzdtz/index.html"
REMOVED = (
    "content/石桥镇人民政府/法定主动公开内容/筹资筹劳/2024年度一事一议财政奖补项目实施情况公告.md"
)
THIRD = "content/示例县教育局/政府信息公开指南.md"


def _append(root: Path, source: str, text: str) -> None:
    path = root / source
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_edits_on_a_large_site_go_to_the_recent_bundle_until_it_is_full(tmp_path, monkeypatch):
    """An edit indexes the edited page with a small sample, not its whole shard; the
    shards' copies of edited and removed pages are named for the search page to hide.
    Past the limit, their shards are indexed again and the recent bundle goes."""
    monkeypatch.setattr(searchindex, "RECENT_SAMPLE", 5)
    root = _example_copy(tmp_path, shard_pages=40, recent_pages=2)
    build(root)
    bundle = root / "output/pagefind"
    shards = _manifest(root)["bundles"]
    before = {s: _files(bundle / s) for s in shards}
    old_copies = {url: page_id for s in shards for url, page_id in _pages(bundle / s).items()}

    _append(root, EDITED, "油菜籽收购另行通知。")
    build(root)
    recent = _manifest(root)["recent"]
    assert {s: _files(bundle / s) for s in shards} == before  # no shard indexed again
    assert recent["stale"] == [EDITED_PAGE]
    assert _indexed(bundle / "recent", "油菜籽")
    sample = {u: i for u, i in _pages(bundle / "recent").items() if "recent-sample" in u}
    assert len(sample) == 5
    assert set(recent["hidden"]) == {old_copies["/" + EDITED_PAGE], *sample.values()}

    removed_page = U + "sqz/fdzdgknr/czcl/2024ndysyyczjbxmssqkgg/index.html"
    assert "/" + removed_page in old_copies
    (root / REMOVED).unlink()
    build(root)
    recent = _manifest(root)["recent"]
    assert recent["stale"] == sorted([EDITED_PAGE, removed_page])
    assert old_copies["/" + removed_page] in recent["hidden"]
    assert "/" + removed_page not in _pages(bundle / "recent")

    _append(root, THIRD, "本指南自发布之日起施行。")  # a third page: past the limit
    build(root)
    manifest = _manifest(root)
    assert "recent" not in manifest and not (bundle / "recent").exists()
    now = {url for s in manifest["bundles"] for url in _pages(bundle / s)}
    assert "/" + EDITED_PAGE in now and "/" + removed_page not in now
    assert any(_indexed(bundle / s, "油菜籽") for s in manifest["bundles"])


def test_a_page_whose_index_entry_is_unchanged_is_not_hidden_by_its_own_id(tmp_path, monkeypatch):
    """Told that a page changed when its indexed text did not (a list link beside it, say),
    the recent bundle would hold a copy with the same page id as the shard's, and hiding
    the one would hide both: the shard is indexed again instead."""
    monkeypatch.setattr(searchindex, "RECENT_SAMPLE", 5)
    root = _example_copy(tmp_path, shard_pages=40)
    build(root)
    output = root / "output"
    paths = [p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()]
    shards = Shards.for_pages(paths, U, 40, recent=10)
    searchindex.index_folder(output, shards, [EDITED_PAGE])
    assert "recent" not in _manifest(root)
    assert not (output / "pagefind/recent").exists()
    bundles = [output / "pagefind" / s for s in _manifest(root)["bundles"]]
    holding = [bundle for bundle in bundles if "/" + EDITED_PAGE in _pages(bundle)]
    assert len(holding) == 1  # its shard, indexed again


def _manifest(root: Path) -> dict:
    return json.loads((root / "output/pagefind/shards.json").read_bytes())


def _pages(bundle: Path) -> dict[str, str]:
    """URL → Pagefind page id (its fragment file's name) of every page of a bundle."""
    import gzip

    pages = {}
    for fragment in (bundle / "fragment").iterdir():
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8")
        url = json.loads(text.removeprefix("pagefind_dcd"))["url"]
        pages[url] = fragment.name.removesuffix(".pf_fragment")
    return pages


def _example_copy(folder: Path, shard_pages: int | None = None, recent_pages: int = 0) -> Path:
    shutil.copy(REPO / "site.yaml", folder / "site.yaml")
    shutil.copytree(REPO / "content", folder / "content")
    with open(folder / "site.yaml", "a", encoding="utf-8") as file:
        if shard_pages is not None:
            file.write(f"search_shard_pages: {shard_pages}\n")
        if recent_pages:
            file.write(f"search_recent_pages: {recent_pages}\n")
    return folder


def _entry(bundle: Path) -> dict:
    return json.loads((bundle / "pagefind-entry.json").read_bytes())["languages"]["zh-cn"]


def _files(bundle: Path) -> dict[str, bytes]:
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*.pf_*")}


def _indexed_pages(output: Path) -> int:
    return sum(b"data-pagefind-body" in p.read_bytes() for p in output.rglob("*.html"))


# -- in Chromium, over HTTP ---------------------------------------------------------------


@pytest.fixture(scope="module")
def example_site(request, tmp_path_factory):
    """The example site built and served: with its one index, or (parameter: pages per
    shard) split into shards that the search page merges, as a province-scale site is."""
    shard_pages = getattr(request, "param", None)
    root = _example_copy(tmp_path_factory.mktemp("example"), shard_pages)
    build(root)
    manifest = json.loads((root / "output/pagefind/shards.json").read_bytes())
    assert (len(manifest["bundles"]) > 2) == (shard_pages is not None)
    with _http(root / "output") as base:
        yield base


@contextlib.contextmanager
def _http(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on a free local port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def _results(page) -> list[str]:
    page.wait_for_function(
        "() => { const s = document.querySelector('.search-status').textContent;"
        " return s && !s.startsWith('正在'); }"
    )
    hrefs = page.eval_on_selector_all(".search-result h2 a", "links => links.map(a => a.href)")
    return hrefs


def _search(page, base: str, query: str) -> list[str]:
    page.goto(base + "search/index.html?q=" + quote(query))
    page.wait_for_selector(".search-form[data-ready]")
    return _results(page)


@pytest.mark.browser
@pytest.mark.parametrize("example_site", [None, 40], ids=["one-index", "shards"], indirect=True)
def test_search_box_on_a_page_leads_to_the_document(example_site, chromium):
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "favicon" not in (m.location or {}).get("url", "")
            and errors.append(m.text)
        ),
    )
    page.goto(example_site + "zfxxgk/mzj/index.html")
    page.fill("#site-search-q", "高龄津贴")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".search-form[data-ready]")
    hrefs = _results(page)
    assert hrefs[0] == example_site + U + "mzj/fdzdgknr/msbz/2025ndgljtffgzdtz/index.html"
    item = page.locator(".search-result").first
    assert "发布日期：2025-" in item.inner_text()
    assert page.locator(".search-result mark").count() >= 1  # highlighted excerpt
    # Filters narrow the results; the choice is kept in the address.
    page.fill("#search-q", "预案")
    page.press("#search-q", "Enter")
    found = {h.removeprefix(example_site + U).removesuffix("index.html") for h in _results(page)}
    assert set(QUERIES[1][1]) <= found  # from every shard, when the index is split
    page.select_option("select[data-filter='机关']", "示例县教育局")
    page.wait_for_function("location.search.includes('%E6%9C%BA%E5%85%B3')")
    hrefs = _results(page)
    assert hrefs and all("/zfxxgk/jyj/" in h for h in hrefs)
    # An exact 发文字号 typed in another spelling goes straight to its document.
    page.fill("#search-q", "示政规（2023）2号")
    page.press("#search-q", "Enter")
    hrefs = _results(page)
    assert hrefs[0].endswith("xzgfxwj/2023ncxjmzdshbzssbf/index.html")
    page.click(".search-result h2 a >> nth=0")
    page.wait_for_load_state()
    assert "示例县城乡居民最低生活保障实施办法" in page.title()
    assert not errors, errors


@pytest.mark.browser
def test_search_with_a_recent_bundle_answers_as_after_a_clean_build(
    tmp_path, chromium, monkeypatch
):
    """After an edit and a removal indexed through the recent bundle, the search page
    finds every page a clean build's index finds, each once, never the old text of the
    edited page nor the removed page, and shows the same filter counts: the shards' stale
    copies and the sample are hidden. (An edited page may also turn up for a query whose
    word its small index lacks: Pagefind then matches words that begin like it.)"""
    monkeypatch.setattr(searchindex, "RECENT_SAMPLE", 5)
    edited = _example_copy(_folder(tmp_path / "edited"), shard_pages=40, recent_pages=10)
    build(edited)
    path = edited / EDITED
    text = path.read_text(encoding="utf-8").replace("尊老敬老传统美德", "孝亲敬老社会风尚")
    path.write_text(text + "\n油菜籽收购另行通知。\n", encoding="utf-8")
    (edited / REMOVED).unlink()
    build(edited)
    assert len(_manifest(edited)["recent"]["hidden"]) == 7  # two stale copies, the sample
    clean = _example_copy(_folder(tmp_path / "clean"), shard_pages=40)
    shutil.rmtree(clean / "content")
    shutil.copytree(edited / "content", clean / "content")
    build(clean)
    assert "recent" not in _manifest(clean)

    page = chromium.new_page()
    # In quotes, Pagefind matches the phrase only; without, it also takes words that
    # begin alike when an index lacks the word, which differs with how pages are split.
    queries = ('"高龄津贴"', '"一事一议"', '"预案"', "油菜籽", "传统美德")
    answers = {}
    for name, root in (("edited", edited), ("clean", clean)):
        with _http(root / "output") as base:
            found = {}
            for query in queries:
                hrefs = [h.removeprefix(base) for h in _search(page, base, query)]
                assert len(hrefs) == len(set(hrefs)), (name, query, hrefs)  # each page once
                found[query] = set(hrefs)
            options = page.eval_on_selector_all(
                "select[data-filter] option", "options => options.map(o => o.textContent)"
            )
            answers[name] = (found, options)
    (found, options), (clean_found, clean_options) = answers["edited"], answers["clean"]
    for query in queries[:3]:
        assert found[query] == clean_found[query], query
    assert options == clean_options
    assert EDITED_PAGE in found["油菜籽"] and EDITED_PAGE not in found["传统美德"]
    assert not any("2024ndysyyczjbxmssqkgg" in href for href in found['"一事一议"'])


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.browser
def test_recall_of_government_queries(example_site, chromium):
    """Issue #7's target: every expected page found, right page first for ≥ 90% of
    queries, every 发文字号 and 索引号 first. The figures are printed for the note."""
    page = chromium.new_page()
    found = first = 0
    missing: list[str] = []
    wrong_first: list[str] = []
    expected_total = 0
    for number, (query, expected, firsts) in enumerate(QUERIES):
        hrefs = [
            h.removeprefix(example_site + U).removesuffix("index.html")
            for h in _search(page, example_site, query)
        ]
        expected_total += len(expected)
        lost = [e for e in expected if e not in hrefs]
        found += len(expected) - len(lost)
        missing += [f"{query} → {e}" for e in lost]
        top = hrefs[0] if hrefs else ""
        if firsts == ["*"]:
            ok = top in expected
        elif firsts:
            ok = any(top.startswith(f) for f in firsts)
        else:
            ok = top == expected[0]
        first += ok
        if not ok:
            wrong_first.append(f"{query} → {top or '（无结果）'}")
        if number >= len(QUERIES) - NUMBER_QUERIES:
            assert ok, f"发文字号/索引号 {query} 不是第一条：{top}"
    share = first / len(QUERIES)
    print(
        f"\nrecall: {len(QUERIES)} queries, expected pages found {found}/{expected_total}, "
        f"right page first {first}/{len(QUERIES)} ({share:.0%})"
    )
    for line in missing:
        print("  missing:", line)
    for line in wrong_first:
        print("  first:", line)
    assert len(QUERIES) >= 30
    assert not missing
    assert share >= 0.9


@pytest.mark.server
def test_serve_reindexes_after_an_edit_when_search_is_used(small_site):
    import urllib.request

    from generator.serve import DevServer

    dev = DevServer(small_site.root, port=0, log=lambda line: None)
    try:
        assert dev.start().ok
        bundle = dev.folder / "pagefind"
        assert not bundle.exists()  # editing never waits for the index
        urllib.request.urlopen(dev.url + "pagefind/shards.json", timeout=60).read()
        first = dev.search.seconds
        doc = small_site.root / "content/测试县人民政府/法定主动公开内容/行政规范性文件/春耕通知.md"
        doc.write_text(
            doc.read_text(encoding="utf-8").replace("现将有关事项", "现将油菜籽收购有关事项"),
            encoding="utf-8",
        )
        wait_for(
            lambda: (
                "油菜籽"
                in _page_text(dev.folder / "zfxxgk/csxrmzf/fdzdgknr/xzgfxwj/cgtz/index.html")
            )
        )
        assert not _indexed(bundle, "油菜籽")
        urllib.request.urlopen(dev.url + "pagefind/shards.json", timeout=60).read()
        assert _indexed(bundle, "油菜籽")
        print(f"\nserve re-index, small site: {dev.search.seconds:.2f} s (first {first:.2f} s)")
    finally:
        dev.stop()


def _page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _indexed(bundle: Path, word: str) -> bool:
    import gzip

    for fragment in bundle.rglob("fragment/*"):
        try:
            text = gzip.decompress(fragment.read_bytes()).decode("utf-8", "replace")
            if word in text.replace("\u200b", ""):  # Pagefind marks word breaks so
                return True
        except OSError:
            continue
    return False
