"""Relative links between pages: every link of a built page goes through relative()."""

import posixpath

import pytest

from generator.urls import relative, root_prefix


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
    page = posixpath.join("/", from_url)
    assert posixpath.normpath(posixpath.join(page, root_prefix(from_url) + inside)) == (
        posixpath.normpath(posixpath.join(page, relative(from_url, inside)))
    )
