"""What a page shows of the model, as small frozen records, and their fingerprints.

Pages are handed these records rather than the whole model, for two reasons: a template
can only show what it was given, so every input of a page is in its context; and the
fingerprint of that context tells whether the page must be rendered again (a rebuild
skips every page whose fingerprint is unchanged).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator import standard
from generator.model import AnnualReport, Contact, Document, Guide, Rule, Unit


@dataclass(frozen=True)
class CategoryView:
    """A 栏目 as navigation and overviews show it."""

    name: str
    url: str
    slug: str
    article: str
    description: str
    count: int


@dataclass(frozen=True)
class LinkView:
    """A titled link with a date (a rule, a report)."""

    title: str
    url: str
    date: dt.date | None
    year: int = 0


@dataclass(frozen=True)
class UnitView:
    """A unit as every one of its pages shows it: name, links, and its overviews."""

    key: str
    name: str
    url: str
    level: str
    part_urls: dict[str, str]
    contact: Contact
    categories: tuple[CategoryView, ...]
    rules: tuple[LinkView, ...]
    reports: tuple[LinkView, ...]
    guide_updated: dt.date | None
    has_guide: bool
    document_count: int
    not_applicable: tuple[str, ...] = ()  # 条例 items the organ has no function for


def category_view(category) -> CategoryView:
    return CategoryView(
        category.name, category.url, category.slug, category.article, category.description,
        len(category.documents),
    )  # fmt: skip


def unit_view(unit: Unit) -> UnitView:
    guide = unit.guide
    return UnitView(
        key=unit.key,
        name=unit.name,
        url=unit.url,
        level=unit.level,
        part_urls=dict(unit.part_urls),
        contact=unit.contact,
        categories=tuple(category_view(c) for c in unit.categories),
        rules=tuple(LinkView(r.title, r.url, r.publish_date) for r in unit.rules),
        reports=tuple(LinkView(r.title, r.url, r.publish_date, r.year) for r in unit.reports),
        guide_updated=guide.updated if guide else None,
        has_guide=guide is not None,
        document_count=len(unit.documents),
        not_applicable=unit.not_applicable,
    )


def _document_plain(doc: Document, memo: dict[int, Any]) -> tuple:
    """A document as the pages that list it show it: what its front matter says (by
    digest), its summary (which may come from its body), and what the loader and the
    linker added from elsewhere (its URL, unit defaults, attachments, cross links); this
    is much cheaper than walking every field of thousands of documents.

    Its body is left out, as it is of rules and guides: the document's own page is
    given the body apart (SiteRenderer.document_files), so that an edit of the text
    leaves the lists around it as they were, not rendered again."""
    return (
        "Document",
        doc.meta_digest,
        doc.summary,
        doc.url,
        doc.category,
        doc.publisher,
        doc.genre,
        _plain(doc.attachments, memo),
        _plain(doc.interpretations, memo),
        _plain(doc.interprets, memo),
    )


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


# Fields left out of a fingerprint: a body reaches its page as rendered HTML, which is in
# the page's context (or stands there by its digest), and line numbers only matter to
# error messages. Documents are reduced separately (_document_plain).
_SKIPPED = {
    Rule: {"body", "body_line"},
    Guide: {"body", "body_line", "meta_lines"},
    AnnualReport: set(),
}


def catalogue_key(unit: Unit, view: UnitView) -> str:
    """A digest of what a unit gives the site-wide data files (feed, open-data catalogue,
    exact-match map, sitemap): its view and every document's catalogue data, bodies left
    out, so that editing a body does not remake files listing 10,000 documents."""
    documents = [
        (
            d.url, d.title, d.index_no, d.doc_no, d.written_date, d.publish_date, d.validity,
            d.repeal_date, d.repealed_by, d.summary, d.subject, d.publisher, d.category,
            d.genre, tuple(d.keywords),
        )
        for d in unit.documents
    ]  # fmt: skip
    return hashlib.blake2b(repr((view, documents)).encode("utf-8"), digest_size=16).hexdigest()


def fingerprint(value: Any, memo: dict[int, Any] | None = None) -> str:
    """A digest of everything a page is given; equal digests render equal pages.

    ``memo`` (by object id) lets the pages of one build share the work for objects they
    all show, such as their unit's view; it must not outlive those objects.
    """
    plain = _plain(value, memo if memo is not None else {})
    return hashlib.blake2b(repr(plain).encode("utf-8"), digest_size=16).hexdigest()


_ATOMS = (str, int, float, bool, Decimal, type(None))
_LONG_TEXT = 256  # characters


def _plain(value: Any, memo: dict[int, Any]) -> Any:
    """``value`` as plain data for repr(). The memo is looked up before any other test:
    most of what a page is given (its unit's view, crumbs, listed documents) was met on
    an earlier page, and a page's context has some forty values to reduce."""
    if isinstance(value, _ATOMS):
        if isinstance(value, str) and len(value) > _LONG_TEXT:
            # A page's body: repr() of thousands of Chinese characters costs twice as
            # much as digesting them. Bytes stand for nothing else in plain data.
            return (hashlib.blake2b(value.encode("utf-8"), digest_size=16).digest(),)
        return value
    entry = memo.get(id(value))
    if entry is not None:
        return entry[1]
    if isinstance(value, (dt.date, Path)):
        return str(value)
    if dataclasses.is_dataclass(value):
        return _dataclass_digest(value, memo)
    if isinstance(value, dict):
        return tuple([(str(k), _plain(v, memo)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return tuple([_plain(v, memo) for v in value])
    if callable(value):
        return None  # helpers such as rel() depend only on the page URL, which is included
    if isinstance(value, type(standard)):
        return value.__name__
    return repr(value)


def _dataclass_digest(value: Any, memo: dict[int, Any]) -> str:
    """Stand for a record by a short digest, so that pages sharing it (a unit's view, a
    document in several lists) do not repeat its whole text; the memo keeps the object
    alive, so that its id cannot be reused while the memo lives."""
    if isinstance(value, Document):
        plain = _document_plain(value, memo)
    else:
        skipped = _SKIPPED.get(type(value), ())
        plain = (type(value).__name__,) + tuple(
            _plain(getattr(value, name), memo)
            for name in _field_names(type(value))
            if name not in skipped
        )
    digest = hashlib.blake2b(repr(plain).encode("utf-8"), digest_size=12).hexdigest()
    memo[id(value)] = (value, digest)
    return digest
