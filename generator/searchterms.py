"""检索提示 (search hints): extra phrases given to the search indexer with each page.

Pagefind 1.5.2 segments a page and a query independently and matches the query's words as
a phrase; the browser often cuts a short query differently from how the indexer cut the page
(issue #7 measured 低保, 公积金, 营商环境; on the example site 预案 → 预/案 against the page's
应急预案). Until Pagefind 1.6 (same cut on both sides) reaches PyPI, each content page is
indexed with a hidden block listing every short run of its title and keywords in every
possible cut, so that whatever cut the browser makes is found. The published page is not
changed; the search script never takes an excerpt from the block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_KEYWORDS = re.compile(r'<meta name="Keywords" content="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_BODY_OPEN = re.compile(r"<[^>]*\bdata-pagefind-body\b[^>]*>")
HINT_MARK = "检索提示"  # starts the hint block; the search script keeps it out of excerpts


def _splits(term: str) -> Iterator[list[str]]:
    """Every way to cut ``term`` into consecutive pieces (a 4-character term has 8)."""
    if len(term) <= 1:
        yield [term]
        return
    for cut in range(1, len(term)):
        for rest in _splits(term[cut:]):
            yield [term[:cut], *rest]
    yield [term]


def key_terms(text: str) -> list[str]:
    """Phrases that let any split of a 2–4-character term of ``text`` find the page.

    Pagefind 1.5.2 segments a page and a query independently and matches the query's words
    as a phrase; the browser often cuts a short query differently from how the indexer cut
    the page (issue #7: 低保, 公积金, 营商环境; here 预案 → 预/案 against 应急预案). Giving
    every 2-, 3- and 4-character run of the title every possible cut, as its own phrase,
    means the query's cut is always there, until Pagefind 1.6 (same cut on both sides)
    reaches PyPI.
    """
    seen: dict[str, None] = {}
    for run in _HAN_RUN.findall(text):
        for size in (2, 3, 4):
            for start in range(len(run) - size + 1):
                for pieces in _splits(run[start : start + size]):
                    seen.setdefault(" ".join(pieces), None)
    return list(seen)


def with_hints(html: str) -> str:
    """The page as given to Pagefind, with a hidden, weighted block of key-term phrases
    (see key_terms) of its title and keywords at the end of its indexed region. Only the
    index sees it: the published page is unchanged."""
    opening = _BODY_OPEN.search(html)
    if opening is None:
        return html
    title = _H1.search(html)
    text = " ".join([_TAG.sub("", title.group(1)) if title else "", *_KEYWORDS.findall(html)])
    terms = key_terms(text)
    if not terms:
        return html
    block = f'<div data-pagefind-weight="2">{HINT_MARK}：{"；".join(terms)}。</div>'
    end = _region_end(html, opening)
    return html[:end] + block + html[end:]


def _region_end(html: str, opening: re.Match) -> int:
    """Where the element that opens with ``opening`` closes (our templates nest plainly)."""
    tag = re.match(r"<(\w+)", opening.group()).group(1)
    depth, position = 1, opening.end()
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>")
    for match in pattern.finditer(html, position):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.start()
    return opening.end()
