"""ASCII URL segments (slugs) from Chinese names, the way real government sites name paths.

Real 政府信息公开 columns use the pinyin initials of a Chinese name (法定主动公开内容 →
``fdzdgknr``; see spec rules.md §4 "Pinyin-initial URL paths"). A slug is derived from
the *file or folder name*, never from a title, so that editing a title keeps the URL.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

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
    # Imported here: its dictionaries take a third of a second to load, which a build
    # that finds nothing changed never needs.
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda s: [s])
    slug = _NON_SLUG.sub("-", "".join(parts).lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)


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
