"""ASCII URL segments (slugs) from Chinese names, the way real government sites name paths.

Real 政府信息公开 columns use the pinyin initials of a Chinese name (法定主动公开内容 →
``fdzdgknr``; see spec rules.md §4 "Pinyin-initial URL paths"). A slug is derived from
the *file or folder name*, never from a title, so that editing a title keeps the URL.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.collector import collector_paused

if TYPE_CHECKING:
    from pypinyin.core import Pinyin

VALID_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# Names that the site's own structure uses inside a folder.
RESERVED = frozenset({"page", "index", "assets", "static"})


# Initials already worked out, by name: the same kind of memo as a functools cache, which
# the build cache also saves and gives back (:func:`known_initials`, :func:`learn_initials`),
# so that a build whose names are all known never loads pypinyin (0.3–0.7 s).
_INITIALS: dict[str, str] = {}


def known_initials() -> dict[str, str]:
    return dict(_INITIALS)


def learn_initials(known: dict[str, str]) -> None:
    _INITIALS.update(known)


def pinyin_initials(name: str) -> str:
    """法定主动公开内容 → fdzdgknr; ASCII letters and digits are kept, the rest dropped."""
    slug = _INITIALS.get(name)
    if slug is None:
        slug = _INITIALS[name] = _initials(name)
    return slug


def _initials(name: str) -> str:
    name = unicodedata.normalize("NFKC", name)
    parts = [part for word in _pinyin().seg(name) for part in _word(word)]
    slug = _NON_SLUG.sub("-", "".join(parts).lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)


@functools.cache
def _pinyin() -> Pinyin:
    """The converter pypinyin's lazy_pinyin() makes on every call, made once.

    Imported here: its dictionaries take a third of a second to load, which a build
    that finds nothing changed never needs. They make some 200,000 lists and dicts, and
    with the collector on, its collections during the import took a fifth of that time.
    """
    with collector_paused():
        from pypinyin.converter import UltimateConverter
        from pypinyin.core import Pinyin

    return Pinyin(UltimateConverter(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False))


@functools.lru_cache(maxsize=8192)
def _word(word: str) -> tuple[str, ...]:
    """The initials of one word of a name, as lazy_pinyin() gives them for the whole name.

    lazy_pinyin() cuts a name into words, then reads each word on its own (a polyphone
    is read by the word it is in: 银行 yh, 行政 xz); given the words as a list, it reads
    them the same way without cutting again (its documented way to bring one's own
    segmentation). Names repeat words (关于, 通知, 工作), and reading them is four fifths
    of the cost: 146 -> 29 µs a name, the same initials for every name tests/test_slugs.py
    tries.
    """
    from pypinyin import Style

    return tuple(_pinyin().lazy_pinyin([word], style=Style.FIRST_LETTER, errors=_keep))


def _keep(text: str) -> list[str]:
    """What has no pinyin (letters, digits, symbols) is kept as it is."""
    return [text]


def short_hash(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


@dataclass(frozen=True)
class SlugRequest:
    """A sibling asking for a URL segment: its source name and its optional ``slug:`` override."""

    name: str
    override: str | None = None


@dataclass(frozen=True)
class SlugCollision:
    """Two sibling names that wanted the same segment; ``loser`` was given ``assigned``."""

    wanted: str
    winner: str
    loser: str
    assigned: str


def assign_slugs(
    requests: Iterable[SlugRequest], taken: Iterable[str] = ()
) -> tuple[dict[str, str], list[SlugCollision]]:
    """Give each sibling a unique slug, deterministically.

    Overrides are served first, then derived slugs in code-point order of the name. A later
    name whose slug is taken gets ``<slug>-<hash of its name>``: the suffix depends only on
    the name itself, so the result does not depend on directory listing order.
    Returns name → slug and the collisions to warn about.
    """
    owners: dict[str, str] = {slug: "" for slug in taken}
    result: dict[str, str] = {}
    collisions: list[SlugCollision] = []
    ordered = sorted(requests, key=lambda r: (r.override is None, r.name))
    for request in ordered:
        wanted = request.override or pinyin_initials(request.name) or f"x{short_hash(request.name)}"
        slug = wanted
        if slug in owners or slug in RESERVED:
            slug = f"{wanted}-{short_hash(request.name)}"
            collisions.append(SlugCollision(wanted, owners.get(wanted, ""), request.name, slug))
        owners[slug] = request.name
        result[request.name] = slug
    return result, collisions
