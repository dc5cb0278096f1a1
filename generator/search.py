"""站内搜索 (site search): the search page and our own exact-match map of 发文字号 and
索引号. The Pagefind index itself is made by :mod:`generator.searchindex`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from generator.config import SiteConfig
from generator.model import Site
from generator.render import OutputFile

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
