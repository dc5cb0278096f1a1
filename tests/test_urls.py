"""Relative links between pages: every link of a built page goes through relative()."""

import posixpath

import pytest

from generator.urls import relative


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
