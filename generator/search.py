"""站内搜索 (site search): the search page and our own exact-match map of 发文字号 and
索引号. The Pagefind index itself is made by :mod:`generator.searchindex`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.config import SiteConfig
from generator.model import Site
from generator.render import OutputFile
from generator.traditional import PREFIX as TRADITIONAL_PREFIX

SEARCH_URL = "search/"
EXACT_MAP = "search/exact.json"
# Brackets editors and readers use for the year of a 发文字号: 〔〕 is right (GB/T 9704-2012
# 7.2.4), but [] ［］ () （） 【】 〖〗 are all typed. NFKC folds the full-width ones first.
_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "〖": "[", "〗": "]"})
_BRACKETS_ASCII = str.maketrans({"(": "[", ")": "]"})


def normalise_number(text: str) -> str:
    """A 发文字号 or 索引号 in the one spelling the exact-match map is keyed by.

    Full and half width (NFKC), every bracket pair as ``[]``, no spaces, upper case, and no
    trailing 号 (or 號): ``示政发（2025） 17 号`` and ``示政发〔2025〕17号`` are the same key. The
    search page's script applies the same steps to what the reader types.
    """
    value = unicodedata.normalize("NFKC", text).translate(_BRACKETS).translate(_BRACKETS_ASCII)
    value = re.sub(r"\s+", "", value).upper()
    return value.removesuffix("号").removesuffix("號")


def exact_map(site: Site, extra_keys: dict[str, str] | None = None) -> bytes:
    """``search/exact.json``: normalised 发文字号 and 索引号 → the pages that carry them.

    The search script looks a query up here before asking Pagefind, because Pagefind's
    segmenter ranks a 发文字号 poorly (issue #7: 2 of 5 first). ``extra_keys`` adds other
    spellings (e.g. the 繁體 one) of a key.
    """
    pages: list[dict[str, str]] = []
    keys: dict[str, list[int]] = {}

    def add(key: str, number: int) -> None:
        slot = keys.setdefault(normalise_number(key), [])
        if number not in slot:
            slot.append(number)

    for unit in site.units:
        items = [*unit.documents, *unit.rules]
        for item in items:
            numbers = [item.doc_no, getattr(item, "index_no", "")]
            numbers = [n for n in numbers if n]
            if not numbers:
                continue
            pages.append(
                {
                    "url": item.url + "index.html",
                    "title": item.title,
                    "doc_no": item.doc_no,
                    "date": item.publish_date.isoformat(),
                }
            )
            for number in numbers:
                add(number, len(pages) - 1)
                if extra_keys and number in extra_keys:
                    add(extra_keys[number], len(pages) - 1)
    data = {"pages": pages, "keys": keys}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def search_files(renderer: Any) -> Iterator[OutputFile]:
    """The search page (written with or without the index)."""
    yield renderer.page("search.html", SEARCH_URL, "站内搜索", [], "站内搜索")


def exact_file(site: Site, config: SiteConfig) -> OutputFile:
    """The exact-match map: 发文字号 and 索引号 typed in the search box go straight to their page."""
    return OutputFile(EXACT_MAP, data=exact_map(site, traditional_keys(site, config)))


def traditional_keys(site: Site, config: SiteConfig) -> dict[str, str]:
    """The 繁體 spelling of each 发文字号 (e.g. 示政辦〔2025〕3號), typed on zh-hant pages."""
    if not config.traditional:
        return {}
    from generator.traditional import converter  # OpenCC only when the copy is wanted

    convert = converter(config.traditional_variant)
    numbers = {n for d in site.documents for n in (d.doc_no,) if n}
    numbers |= {r.doc_no for u in site.units for r in u.rules if r.doc_no}
    return {n: convert(n) for n in numbers if convert(n) != n}


@dataclass(frozen=True)
class Shards:
    """How a site's pages are split between Pagefind indexes (分片), so that no single
    index has to hold a province-scale site.

    Pagefind builds an index in memory, about 0.37 MB a page, and cannot update one: at
    10,000 documents one index took 3.9 GB and, after any edit, the whole site again
    (about two minutes); at 100,000 it would not fit in memory at all. With one index per
    ``size`` pages, only the indexes holding changed pages are made again, each in bounded
    memory, and the search page merges them (Pagefind's ``mergeIndex``).

    A page's shard is chosen by a digest of its path (its 繁體 copy goes with it), so that
    adding a page never moves another, and each shard is a sample of the whole site: a
    word is about as common in every shard, which keeps Pagefind's per-index word
    weights, and so the merged ranking, close to one index's. (Shards by unit put an
    organ's own subject in one shard, where the word is commonest and weighs least: on
    the example site the right page came first for 78% of the recall queries, against
    98% with one index.) ``home`` is the column's URL prefix (``zfxxgk/``); the count
    follows the number of HTML pages under it, so a clean build and an incremental one
    always agree on it. A shard that no content page falls in has no bundle.
    """

    count: int
    home: str
    # Edited pages an update may index in the recent bundle (see Recent) before their
    # shards are indexed again; 0: always index the shards (site.yaml search_recent_pages).
    recent: int = 0

    @classmethod
    def for_pages(cls, paths: Iterable[str], home: str, size: int, recent: int = 0) -> Shards:
        """The split for a site whose output files are ``paths`` (HTML pages count)."""
        pages = sum(1 for path in paths if path.endswith(".html") and _unit_part(path, home))
        return cls(max(1, math.ceil(pages / size)), home, recent)

    def of(self, path: str) -> int:
        """The shard of the page at ``path`` (relative to the site root)."""
        if self.count == 1:
            return 0
        key = path.removeprefix(TRADITIONAL_PREFIX).encode("utf-8")
        digest = hashlib.blake2b(key, digest_size=4).digest()
        return int.from_bytes(digest, "big") % self.count

    def manifest(self, bundles: Iterable[int], recent: Recent | None = None) -> bytes:
        """``pagefind/shards.json``: the bundles the search page loads and merges, and the
        recent bundle with what it replaces, if there is one."""
        data: dict[str, Any] = {
            "bundles": [f"{number}/" for number in sorted(bundles)],
            "shards": self.count,
        }
        if recent is not None:
            data["recent"] = dataclasses.asdict(recent)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def bundles_in(self, manifest: bytes) -> set[int] | None:
        """The shards a manifest lists, or None if it was written for another split."""
        try:
            data = json.loads(manifest)
            if data["shards"] != self.count:
                return None
            return {int(bundle.rstrip("/")) for bundle in data["bundles"]}
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


RECENT_BUNDLE = "recent/"


@dataclass(frozen=True)
class Recent:
    """The recent bundle (最近更新索引): pages edited or removed since their shard was
    indexed, so that an edit costs an index of a few hundred pages, not of a shard.

    Pagefind cannot take a page out of an index. So the edited pages are indexed anew in a
    small bundle of their own, and the search page drops from its results the pages listed
    in ``hidden``: the shards' copies of the pages in ``stale`` (edited or removed), and the
    sample of unchanged pages indexed beside the edited ones so that the small bundle
    weighs words as a shard does (Pagefind weighs a word by how rare it is in each index:
    alone in an index of three pages, an edited page would sink to the bottom of every
    result list). ``uncount`` is what the hidden pages add to each filter's counts, by
    language (a page's 繁體 copy is in another language's index). Results are told apart
    by Pagefind's page id, the name of its fragment file.

    The sample cannot make a word as rare as in a shard: a word only the edited page has
    is one in a hundred pages here, one in thousands there, and weighs less. So an edited
    page ranks lower than it will once its shard is indexed again (on the synthetic
    10,000-document site, 4th of 23 results → past the 20th). Hence off by default: a
    site chooses quick updates (site.yaml ``search_recent_pages``) over exact ranking.
    """

    stale: list[str]  # paths of pages whose copies in the shards are out of date
    hidden: list[str]  # Pagefind page ids the search page leaves out
    uncount: dict[str, dict[str, dict[str, int]]]  # language → filter → value → pages
    bundle: str = RECENT_BUNDLE

    @classmethod
    def in_manifest(cls, manifest: bytes) -> Recent | None:
        """The recent bundle a manifest lists, or None."""
        try:
            data = json.loads(manifest)["recent"]
            return cls(list(data["stale"]), list(data["hidden"]), dict(data["uncount"]))
        except (ValueError, KeyError, TypeError):
            return None


def _unit_part(path: str, home: str) -> str:
    """The unit folder of a page path (its 繁體 copy counts as the same unit), or ""."""
    path = path.removeprefix(TRADITIONAL_PREFIX)
    if not path.startswith(home):
        return ""
    unit, _, rest = path[len(home) :].partition("/")
    return unit if rest else ""
