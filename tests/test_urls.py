"""Relative links between pages: every link of a built page goes through relative()."""

import posixpath
from itertools import product

import pytest

from generator.urls import absolute, relative, root_prefix, via_root


@pytest.mark.parametrize(
    ("from_url", "to_url", "pretty", "link"),
    [
        ("szfb/fdzdgknr/zcwj/gfxwj/", "assets/style.css", False, "../../../../assets/style.css"),
        ("szfb/fdzdgknr/zcwj/gfxwj/", "szfb/fdzdgknr/", False, "../../index.html"),
        ("szfb/fdzdgknr/zcwj/gfxwj/", "szfb/fdzdgknr/zcwj/gfxwj/", False, "index.html"),
        ("szfb/fdzdgknr/zcwj/gfxwj/", "szfb/fdzdgknr/zcwj/gfxwj/", True, "./"),
        ("szfb/", "sjj/gkzn/", True, "../sjj/gkzn/"),
        ("", "szfb/", False, "szfb/index.html"),
        ("szfb/", "", False, "../index.html"),
        ("szfb/gkzn/", "szfb/gkzn/ab.csv", False, "ab.csv"),
    ],
)
def test_links_between_pages(from_url, to_url, pretty, link):
    assert relative(from_url, to_url, pretty) == link


@pytest.mark.parametrize("to_url", ["../x/", "/abs/y.css", "a/./b/", "a//b/c.png", "a/../b/"])
def test_unusual_targets_link_as_posixpath_would(to_url):
    start = "szfb/fdzdgknr"
    target = to_url.rstrip("/") or "."
    expected = posixpath.relpath(target, start) + ("/index.html" if to_url.endswith("/") else "")
    assert relative(start + "/", to_url) == expected


@pytest.mark.parametrize("from_url", ["", "szfb/", "szfb/fdzdgknr/zcwj/gfxwj/", "zh-hant/szfb/"])
def test_the_root_prefix_reaches_a_file_as_a_relative_link_does(from_url):
    for to_url in ("assets/style.css", "pagefind/shards.json"):
        assert root_prefix(from_url) + to_url == relative(from_url, to_url)
    inside = "szfb/gkzn/ab.csv"  # by way of the root, where relative() takes a shortcut
    assert _resolved(from_url, root_prefix(from_url) + inside) == (
        _resolved(from_url, relative(from_url, inside))
    )


@pytest.mark.parametrize("pretty", [False, True])
def test_a_link_by_way_of_the_root_is_the_same_from_every_page_at_one_depth(pretty):
    targets = ("", "szfb/", "szfb/gkzn/", "szfb/gkzn/ab.csv", "search/")
    for siblings in ([""], ["szfb/", "sjj/", "search/"], ["szfb/gkzn/", "sjj/gkzn/", "szfb/zcwj/"]):
        links = {via_root(root_prefix(page), to, pretty) for page in siblings for to in targets}
        assert len(links) == len(targets)  # one link a target, whichever page it is on
        for page in siblings:
            for to in targets:
                link = via_root(root_prefix(page), to, pretty)
                assert link and not link.startswith("/")
                assert _resolved(page, link) == _resolved(page, relative(page, to, pretty))


def test_a_link_by_way_of_an_absolute_root_is_absolute():
    root = absolute("https://www.test.example/xxgk/", "")
    assert via_root(root, "szfb/") == "https://www.test.example/xxgk/szfb/index.html"
    assert (
        via_root(root, "assets/a.css", pretty=True) == "https://www.test.example/xxgk/assets/a.css"
    )


def _resolved(page: str, link: str) -> str:
    return posixpath.normpath(posixpath.join("/", page, link))


def test_every_link_in_a_small_tree_is_the_one_posixpath_gives():
    folders = [""] + [
        "/".join(parts) + "/" for depth in (1, 2, 3) for parts in product("ab", repeat=depth)
    ]
    for from_url in folders:
        for to_url in [*folders, "a/b/x.css", "b/x.css", "x.css"]:
            link = posixpath.relpath(to_url.rstrip("/") or ".", from_url.rstrip("/") or ".")
            if to_url == "" or to_url.endswith("/"):
                link = "index.html" if link == "." else link + "/index.html"
            assert relative(from_url, to_url) == link, (from_url, to_url)
