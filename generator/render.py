"""Render the model with the theme's Jinja2 templates into output files.

Yields :class:`OutputFile` objects one at a time, so that a large site is streamed to disk
instead of held in memory. Templates are looked up in the site's ``themes/<theme>/`` first
and in the default theme second, so a site overrides only what it changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from markupsafe import Markup

from generator import standard
from generator.charts import report_charts
from generator.config import SiteConfig
from generator.errors import Problem
from generator.links import unit_page_index
from generator.markup import MarkupRenderer, self_contained
from generator.model import AnnualReport, Category, Document, Rule, Site, Unit
from generator.report import national_format, table3_columns, table3_layout
from generator.themes import default_theme_dir, theme_dirs
from generator.urls import absolute, relative, root_prefix, via_root
from generator.views import CategoryView, UnitView, catalogue_key, fingerprint, unit_view

if TYPE_CHECKING:
    import jinja2

ASSETS = "assets/"
CATALOGUE_FIELDS = (
    ("索引号", "index_no"),
    ("名称", "title"),
    ("内容概述", "summary"),
    ("生成日期", "written_date"),
    ("发文机关", "publisher"),
    ("发文字号", "doc_no"),
    ("发布日期", "publish_date"),
    ("有效性", "validity"),
    ("主题分类", "subject"),
    ("栏目", "category"),
)


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: bytes to write, or a source file to copy."""

    path: str  # relative to output/, POSIX separators
    data: bytes | None = None
    source: Path | None = None
    unchanged: bool = False  # same as in the previous build of this process: not rendered


# A way to get some of a site's files, one at a time: a unit's pages, the site-wide ones.
Stream = Callable[[], Iterable[OutputFile]]


@dataclass
class RenderState:
    """What one build leaves for the next in the same process (``serve``).

    ``pages`` maps an output path to the fingerprint of the context it was rendered from
    (NOT_FINGERPRINTED for a page of a site written afresh: a later build renders it
    again, to write it only if its bytes changed); ``markup`` memoises Markdown bodies.
    A fresh state renders everything.

    ``frames`` tells, for the page of a document rendered for an edit of it, where its
    body sits in the file as written: the bytes before the body, those after it, and a
    digest of both. The next edit of the document's text alone puts the new body between
    them (see SiteRenderer.page), with no template loaded.
    """

    pages: dict[str, str] = field(default_factory=dict)
    frames: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    markup: dict = field(default_factory=dict)
    environment: jinja2.Environment | None = None  # compiled templates, for the same theme chain
    theme: tuple[Path, ...] = ()
    template_cache: Path | None = None  # compiled templates kept on disk between processes
    markup_renderer: tuple[tuple, MarkupRenderer] | None = None  # (settings, renderer)
    # Site-wide data files by group: (digest of their inputs, the paths written).
    data: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # Each unit's catalogue_key, with the unit it was computed for (reused while the
    # same unit object is, as serve reuses unchanged units).
    unit_keys: dict[str, tuple[Unit, str]] = field(default_factory=dict)
    views: dict[str, tuple[Unit, UnitView]] = field(default_factory=dict)  # by the same rule
    unit_pages: dict[str, tuple[Unit, dict[Path, str]]] = field(default_factory=dict)  # same
    view_memo: dict[int, Any] = field(default_factory=dict)  # fingerprints of kept views

    def forget_templates(self) -> None:
        """A theme file may have changed: load the templates again (they are not checked
        against their files on every use, see make_environment)."""
        self.environment = None

    def forget_written(self) -> None:
        """Forget which pages and data files were written (the output folder is rewritten
        from scratch, or was left part-written): nothing may be skipped as unchanged."""
        self.pages.clear()
        self.frames.clear()
        self.data.clear()


# The fingerprint of a page written without one; no context's fingerprint is empty.
NOT_FINGERPRINTED = ""

T = TypeVar("T")


def _kept_for(store: dict[str, tuple[Unit, T]], unit: Unit, make: Callable[[Unit], T]) -> T:
    """``make(unit)``, taken from ``store`` while it is the same unit object as last time
    (``serve`` reuses the units whose folders did not change)."""
    kept = store.get(unit.key)
    if kept is None or kept[0] is not unit:
        kept = store[unit.key] = (unit, make(unit))
    return kept[1]


def theme_digest(config: SiteConfig) -> str:
    """A digest of every template of the theme chain (static files are only copied)."""
    files = []
    for theme in theme_dirs(config):
        for file in sorted((theme / "templates").rglob("*")):
            if file.is_file():
                st = file.stat()
                files.append((str(file), st.st_mtime_ns, st.st_size))
    return _digest_of_files(tuple(files))


@functools.lru_cache(maxsize=16)
def _digest_of_files(files: tuple[tuple[str, int, int], ...]) -> str:
    # Keyed by path, mtime and size: the templates are read again only when one changed.
    digest = hashlib.blake2b(digest_size=16)
    for name, _, _ in files:
        digest.update(name.encode("utf-8"))
        digest.update(Path(name).read_bytes())
    return digest.hexdigest()


class ThemeError(Exception):
    """A template of the theme failed; the build stops and says where."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem

    def __reduce__(self):
        # Raised in a build worker process and re-raised in the parent.
        return (ThemeError, (self.problem,))


def _template_frame(exc: BaseException, name: str) -> tuple[Path, int | None]:
    """The innermost template file and line in a Jinja traceback."""
    where, line = Path(name), None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            where, line = Path(filename), tb.tb_lineno
        tb = tb.tb_next
    return where, line


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


class FragmentCache:
    """Page parts rendered once and reused: ``{% call cached("name", key…) %}…{% endcall %}``.

    A page's header and its unit's navigation come out the same on hundreds of pages;
    rendering them once saves 10-15% of rendering a page (Hugo's partialCached does the
    same). The key names everything the part shows that is not the same for the whole
    build (the settings, the theme, the standard's names); its links go by way of the
    site root (``root_link``), so that they depend on the page's depth (``root``) only.
    One cache per SiteRenderer: no part outlives the content it was made from.
    """

    def __init__(self) -> None:
        self._parts: dict[tuple[Any, ...], str] = {}

    def __call__(self, *key: Any, caller: Callable[[], str]) -> str:
        part = self._parts.get(key)
        if part is None:
            part = self._parts[key] = caller()
        return part

    def clear(self) -> None:
        self._parts.clear()


def make_environment(config: SiteConfig, template_cache: Path | None = None) -> jinja2.Environment:
    """The theme chain's templates; ``template_cache`` spares a new process compiling them
    again (Jinja checks each cached template against its source when it first loads it).

    Templates are not checked against their files again on every use (``auto_reload``):
    that was a stat of six files per page, 8% of rendering one. A process that builds
    again drops the environment when a theme file changes (see RenderState).

    Jinja is imported here, for the first page rendered: a build that renders none (an
    edit of a document's text, see RenderState.frames) spares its 50 ms."""
    import jinja2

    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(d / "templates")) for d in theme_dirs(config)]
    )
    bytecode = None
    if template_cache is not None:
        template_cache.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(template_cache))
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=bytecode,
        autoescape=True,  # everything from content is escaped unless marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        # A plain dict, not an LRU cache behind a lock: a theme has some twenty templates,
        # and a page looks up four to six of them.
        cache_size=-1,
    )
    env.filters["cn_date"] = cn_date
    env.filters["filesize"] = filesize
    return env


def cn_date(value: dt.date | None) -> str:
    """2025-03-05 → 2025年03月05日, as disclosure pages show dates (rules.md §4)."""
    return f"{value.year}年{value.month:02d}月{value.day:02d}日" if value else ""


def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


class PageIndex:
    """Every page by source (for links between bodies), looked up in the part of the unit
    whose folder holds the source, made on first use and kept while the unit object is:
    most builds render no body with a local link, and a one-document build should not
    hash the source paths of 10,000 documents to resolve one link."""

    def __init__(
        self,
        site: Site,
        kept: dict[str, tuple[Unit, dict[Path, str]]],
        elsewhere: Callable[[Path], Unit | None] | None = None,
    ):
        """``elsewhere``: the unit of a source outside ``site``'s units, if any."""
        self._site = site
        self._kept = kept
        self._elsewhere = elsewhere
        self._units: dict[str, Unit] | None = None  # by the text of the unit's folder

    def get(self, source: Path) -> str | None:
        unit = self._unit_holding(source)
        return None if unit is None else _kept_for(self._kept, unit, unit_page_index).get(source)

    def _unit_holding(self, source: Path) -> Unit | None:
        if self._units is None:
            self._units = {str(unit.source.parent): unit for unit in self._site.units}
        for folder in source.parents:
            unit = self._units.get(str(folder))
            if unit is not None:
                return unit
        return self._elsewhere(source) if self._elsewhere is not None else None


class SiteRenderer:
    """Renders every page of one site; one instance per build."""

    def __init__(
        self,
        site: Site,
        config: SiteConfig,
        state: RenderState | None = None,
        only_units: set[str] | None = None,
        partial: bool = False,
        elsewhere: Callable[[Path], Unit | None] | None = None,
        edited: list[Document] | None = None,
        fingerprints: bool = True,
        written: Callable[[str], bytes | None] | None = None,
    ):
        """``only_units``: render the site-wide pages and these units' pages only (serve).
        ``partial``: ``site`` holds only some units, to render without the site-wide
        pages (IncrementalBuild keeps the others as they are); what ``state`` keeps of
        the others stays, and ``elsewhere`` gives the unit of a source outside them, for
        a body that links to its page. ``edited``: the only documents that differ from
        the last render, which was of the same units, views and settings; a page given
        none of them is as last rendered (see :meth:`page`). ``fingerprints=False``:
        every page is rendered, and none fingerprinted (see :meth:`page`). ``written``
        reads a file of the output folder as the last build left it (see RenderState.frames)."""
        self.fingerprints = fingerprints
        self.written = written
        self.elsewhere = elsewhere
        self.edited = None if edited is None else frozenset(id(doc) for doc in edited)
        self.site = site
        self.only_units = only_units
        self.config = config
        self.state = state if state is not None else RenderState()
        self._env: jinja2.Environment | None = None  # see load_templates
        self.markup = self._markup_renderer(site, config)
        self.broken_links: list[tuple[Path, str]] = []
        self.fragments = FragmentCache()
        self._data_key: str | None = None
        self.views = {unit.key: _kept_for(self.state.views, unit, unit_view) for unit in site.units}
        for kept in (self.state.views, self.state.unit_keys, self.state.unit_pages):  # gone units
            for key in () if partial else kept.keys() - self.views.keys():
                del kept[key]
        # Fingerprint work shared by the pages of this build; the entries for unit views
        # still in use are kept from the last build (views are frozen, so still valid).
        current = {id(view) for view in self.views.values()}
        self.memo: dict[int, Any] = {
            key: entry for key, entry in self.state.view_memo.items() if key in current
        }
        self.state.view_memo = self.memo
        self._unit_of = {
            c.url: u.key for u in site.units for c in u.categories
        }  # fingerprint work shared by the pages of this build
        # Everything a page depends on besides its own context: the theme and the settings.
        self.base_key = fingerprint((theme_digest(config), config))

    def data_key(self) -> str:
        """A digest of everything the site-wide data files are made from."""
        if self._data_key is not None:
            return self._data_key
        keys = [
            _kept_for(self.state.unit_keys, unit, lambda u: catalogue_key(u, self.views[u.key]))
            for unit in self.site.units
        ]
        self._data_key = fingerprint((self.config, self.site.home_url, keys))
        return self._data_key

    def unchanged_data(self, group: str) -> list[OutputFile] | None:
        """The files of a data group as unchanged, if their inputs are as last written."""
        known = self.state.data.get(group)
        if known is None or known[0] != self.data_key():
            return None
        return [OutputFile(path, unchanged=True) for path in known[1]]

    def take_broken_links(self) -> list[tuple[Path, str]]:
        """Body links that led nowhere since the last call."""
        broken, self.broken_links = self.broken_links, []
        return broken

    def category_view(self, category: Category) -> CategoryView:
        """The 栏目's view as its unit's view holds it, shared by all its pages."""
        view = self.views[self._unit_of[category.url]]
        return next(c for c in view.categories if c.url == category.url)

    def _markup_renderer(self, site: Site, config: SiteConfig) -> MarkupRenderer:
        """The last build's Markdown instance (costly to set up) while the settings are
        the same, pointed at this build's pages."""
        settings = (config.content_dir, config.pretty_urls, config.allow_raw_html)
        kept = self.state.markup_renderer
        if kept is not None and kept[0] == settings:
            kept[1].pages = self._page_index(site)
            return kept[1]
        renderer = MarkupRenderer(
            self._page_index(site),
            config.content_dir,
            pretty_urls=config.pretty_urls,
            allow_raw_html=config.allow_raw_html,
            memo=self.state.markup,
        )
        self.state.markup_renderer = (settings, renderer)
        return renderer

    def _page_index(self, site: Site) -> PageIndex:
        return PageIndex(site, self.state.unit_pages, self.elsewhere)

    def load_templates(self) -> jinja2.Environment:
        """The theme's templates, loaded for the first page rendered, or before it by a
        caller about to fork the processes that render (so that they inherit them).

        Reuse the compiled templates of the last build while the theme chain is the same
        (and none of its files changed: the engine drops them then)."""
        if self._env is not None:
            return self._env
        config = self.config
        theme = tuple(theme_dirs(config))
        if self.state.environment is None or self.state.theme != theme:
            self.state.environment = make_environment(config, self.state.template_cache)
            self.state.theme = theme
        self._env = self.state.environment
        return self._env

    # -- the whole site -------------------------------------------------------------

    def files(self) -> Iterator[OutputFile]:
        yield from self.site_files()
        for unit in self.site.units:
            if self.only_units is None or unit.key in self.only_units:
                yield from self.unit_files(unit)

    def site_files(self) -> Iterator[OutputFile]:
        """The theme's static files and the pages that belong to no unit."""
        yield from self.static_files()
        yield self.page(
            "home.html",
            self.site.home_url,
            "政府信息公开",
            [],
            standard.COLUMN_NAME,
            # Made from the unit views, which the units' catalogue keys cover; those are
            # stored with the build cache, so a build need not digest every view again.
            made_from=self.data_key(),
            units=tuple(self.views.values()),
        )
        if self.site.home_url:
            yield self.page(
                "redirect.html",
                "",
                "政府信息公开",
                [],
                standard.COLUMN_NAME,
                target=self.site.home_url,
            )
        yield self.not_found_page()

    def static_files(self) -> Iterator[OutputFile]:
        seen: set[str] = set()
        for theme in theme_dirs(self.config):
            static = theme / "static"
            if not static.is_dir():
                continue
            for file in sorted(static.rglob("*")):
                relative_path = file.relative_to(static).as_posix()
                if file.is_file() and relative_path not in seen:
                    seen.add(relative_path)
                    yield OutputFile(ASSETS + relative_path, source=file)

    def unit_files(self, unit: Unit) -> Iterator[OutputFile]:
        base = self.unit_crumbs(unit)
        yield self.page(
            "unit.html",
            unit.url,
            f"{unit.name}政府信息公开",
            base[:1],
            standard.COLUMN_NAME,
            unit=self.views[unit.key],
        )
        yield from self.guide_pages(unit, base)
        yield from self.rule_pages(unit, base)
        yield from self.statutory_pages(unit, base)
        yield from self.catalogue_files(unit, base)
        yield from self.report_pages(unit, base)

    def unit_crumbs(self, unit: Unit) -> list[Crumb]:
        return [Crumb("政府信息公开", self.site.home_url), Crumb(unit.name, unit.url)]

    def edited_document_files(self, unit: Unit, sources: set[Path]) -> Iterator[OutputFile]:
        """The files of the unit's documents whose Markdown is in ``sources``, as
        :meth:`unit_files` makes them: ``serve`` writes these first, so that the page the
        editor is looking at reloads before the lists around it are redone."""
        crumbs = [*self.unit_crumbs(unit), self.statutory_crumb(unit)]
        for category in unit.categories:
            doc_crumbs = [*crumbs, Crumb(category.name, category.url)]
            for document in category.documents:
                if document.source in sources:
                    yield from self.document_files(unit, category, document, doc_crumbs)

    def statutory_crumb(self, unit: Unit) -> Crumb:
        return Crumb(standard.STATUTORY.name, unit.part_urls[standard.STATUTORY.name])

    # -- pages of a unit ----------------------------------------------------------------

    def guide_pages(self, unit: Unit, base: list[Crumb]) -> Iterator[OutputFile]:
        url = unit.part_urls[standard.GUIDE.name]
        guide = unit.guide
        body, assets = self.body(guide.body, guide.source, url) if guide else ("", [])
        title = guide.title if guide else f"{unit.name}{standard.GUIDE.name}"
        yield from assets
        yield self.page(
            "guide.html",
            url,
            title,
            base,
            standard.GUIDE.name,
            unit=self.views[unit.key],
            guide=guide,
            body=body,
            column_type=standard.GUIDE.column_type,
        )

    def rule_pages(self, unit: Unit, base: list[Crumb]) -> Iterator[OutputFile]:
        url = unit.part_urls[standard.RULES.name]
        yield self.page(
            "rules.html",
            url,
            standard.RULES.name,
            base,
            standard.RULES.name,
            unit=self.views[unit.key],
            column_type=standard.RULES.column_type,
        )
        crumbs = [*base, Crumb(standard.RULES.name, url)]
        for rule in unit.rules:
            yield from self.rule_page(unit, rule, crumbs)

    def rule_page(self, unit: Unit, rule: Rule, crumbs: list[Crumb]) -> Iterator[OutputFile]:
        body, assets = self.body(rule.body, rule.source, rule.url)
        yield from assets
        yield self.page(
            "rule.html",
            rule.url,
            rule.title,
            crumbs,
            standard.RULES.name,
            unit=self.views[unit.key],
            rule=rule,
            body=body,
            column_type=standard.RULES.column_type,
            article=self.article_meta(rule.title, rule.publish_date, unit.name),
        )

    def statutory_pages(self, unit: Unit, base: list[Crumb]) -> Iterator[OutputFile]:
        url = unit.part_urls[standard.STATUTORY.name]
        yield self.page(
            "statutory.html",
            url,
            standard.STATUTORY.name,
            base,
            standard.STATUTORY.name,
            unit=self.views[unit.key],
            sections=[(self.category_view(c), c.documents[:5]) for c in unit.categories],
            column_type=standard.STATUTORY.column_type,
        )
        crumbs = [*base, self.statutory_crumb(unit)]
        for category in unit.categories:
            yield from self.category_pages(unit, category, crumbs)

    def category_pages(
        self, unit: Unit, category: Category, crumbs: list[Crumb]
    ) -> Iterator[OutputFile]:
        for number, page_url, docs, pager in self.paginate(category.url, category.documents):
            title = category.name if number == 1 else f"{category.name}（第{number}页）"
            yield self.page(
                "category.html",
                page_url,
                title,
                crumbs,
                category.name,
                unit=self.views[unit.key],
                category=self.category_view(category),
                documents=docs,
                pager=pager,
                column_type=standard.STATUTORY.column_type,
            )
        doc_crumbs = [*crumbs, Crumb(category.name, category.url)]
        for document in category.documents:
            yield from self.document_files(unit, category, document, doc_crumbs)

    def document_files(
        self, unit: Unit, category: Category, document: Document, crumbs: list[Crumb]
    ) -> Iterator[OutputFile]:
        body, assets, late, late_key = None, [], None, ""
        if self_contained(document.body):
            # Its HTML follows from its text, which the file's digest stands for in the
            # page's fingerprint: made only if the page is (a rebuild of a unit
            # fingerprints its hundred pages to write the one that changed).
            late, late_key = functools.partial(self._late_body, document), document.digest
        else:
            body, assets = self.body(document.body, document.source, document.url)
        yield from assets
        yield self.page(
            "document.html",
            document.url,
            document.title,
            crumbs,
            category.name,
            late=late,
            late_key=late_key,
            unit=self.views[unit.key],
            category=self.category_view(category),
            document=document,
            body=body,
            column_type=standard.STATUTORY.column_type,
            article=self.article_meta(
                document.title,
                document.publish_date,
                unit.name,
                document.summary,
                document.keywords,
            ),
        )
        for attachment in document.attachments:
            yield OutputFile(attachment.url, source=attachment.source)

    def catalogue_files(self, unit: Unit, base: list[Crumb]) -> Iterator[OutputFile]:
        url = unit.part_urls[standard.CATALOGUE.name]
        documents = catalogue_order(unit.documents)
        for number, page_url, docs, pager in self.paginate(url, documents):
            title = (
                standard.CATALOGUE.name
                if number == 1
                else f"{standard.CATALOGUE.name}（第{number}页）"
            )
            yield self.page(
                "catalogue.html",
                page_url,
                title,
                base,
                standard.CATALOGUE.name,
                unit=self.views[unit.key],
                documents=docs,
                pager=pager,
                column_type=standard.CATALOGUE.column_type,
                json_url=url + "catalogue.json",
                csv_url=url + "catalogue.csv",
            )
        if self.catalogue_as_rendered():
            yield OutputFile(url + "catalogue.json", unchanged=True)
            yield OutputFile(url + "catalogue.csv", unchanged=True)
            return
        rows = [self.catalogue_row(doc) for doc in documents]
        head = {"机关": unit.name, "统一社会信用代码": unit.code, "条目数": len(rows)}
        yield OutputFile(url + "catalogue.json", data=catalogue_json(head, rows))
        yield OutputFile(url + "catalogue.csv", data=catalogue_csv(rows))

    def catalogue_as_rendered(self) -> bool:
        """Whether the units' catalogue data (views.catalogue_key: every document's title,
        address, 索引号, dates...) and the settings are as last rendered, as they are when
        rendering edited documents only (see __init__): the files made from that data
        alone (目录 data, feeds) are then as written."""
        return self.edited is not None

    def report_pages(self, unit: Unit, base: list[Crumb]) -> Iterator[OutputFile]:
        url = unit.part_urls[standard.REPORTS.name]
        yield self.page(
            "reports.html",
            url,
            standard.REPORTS.name,
            base,
            standard.REPORTS.name,
            unit=self.views[unit.key],
            charts=report_charts(unit.reports),
            column_type=standard.REPORTS.column_type,
        )
        crumbs = [*base, Crumb(standard.REPORTS.name, url)]
        for report in unit.reports:
            yield from self.report_page(unit, report, crumbs)

    def report_page(
        self, unit: Unit, report: AnnualReport, crumbs: list[Crumb]
    ) -> Iterator[OutputFile]:
        prose = {}
        for section, text in report.data.prose.items():
            prose[section], assets = (
                self.body(text, report.source, report.url) if text else ("", [])
            )
            yield from assets
        yield self.page(
            "report.html",
            report.url,
            report.title,
            crumbs,
            standard.REPORTS.name,
            unit=self.views[unit.key],
            report=report,
            prose=prose,
            form=national_format(),
            table3_layout=table3_layout(),
            table3_columns=table3_columns(),
            column_type=standard.REPORTS.column_type,
            article=self.article_meta(report.title, report.publish_date, unit.name),
        )

    def not_found_page(self) -> OutputFile:
        # Served for any missing path, so its links cannot be relative: use base_url.
        html = self.render_template(
            "404.html",
            self.context("", "页面未找到", [], standard.COLUMN_NAME, absolute_links=True),
        )
        return OutputFile("404.html", data=html.encode("utf-8"))

    # -- shared helpers ---------------------------------------------------------------

    def render_template(self, name: str, context: dict[str, Any]) -> str:
        """Render one template; a mistake in a theme becomes a ThemeError with file:line."""
        import jinja2  # loaded by load_templates(): here only to name its errors

        try:
            return self.load_templates().get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            where = Path(exc.filename) if exc.filename else Path(name)
            raise ThemeError(Problem(where, exc.lineno, f"模板语法错误：{exc.message}")) from exc
        except jinja2.TemplateNotFound as exc:
            where, line = _template_frame(exc, name)
            folders = "、".join(str(d / "templates") for d in theme_dirs(self.config))
            message = f"找不到模板“{exc.name}”（已查找：{folders}），请检查文件名"
            raise ThemeError(Problem(where, line, message)) from exc
        except jinja2.UndefinedError as exc:
            where, line = _template_frame(exc, name)
            message = f"模板错误：使用了未定义的变量或属性（{exc.message}）"
            raise ThemeError(Problem(where, line, message)) from exc
        except jinja2.TemplateError as exc:
            where, line = _template_frame(exc, name)
            raise ThemeError(Problem(where, line, f"模板错误：{exc.message or exc}")) from exc

    def page(
        self,
        template: str,
        url: str,
        title: str,
        crumbs: Sequence[Crumb],
        column: str,
        made_from: str | None = None,
        late: Callable[[], dict[str, Any]] | None = None,
        late_key: str = "",
        **extra: Any,
    ) -> OutputFile:
        """Render a page unless it would come out as last written. ``made_from``, when
        given, is a digest of everything in ``extra``, used in its place. ``late`` gives
        more of the page's values, asked only if the page is rendered; ``late_key``, a
        digest of what they follow from, stands for them in the page's fingerprint.

        With ``edited`` documents (see __init__), a page whose ``extra`` holds none of
        them, not even in a list, is not fingerprinted again: a page shows what a
        document gives only if it is given the document. (A unit's 200 pages took 0.03 s
        to fingerprint, for the one or three that show an edited document.)

        Without ``fingerprints`` (a site written afresh, where every page is rendered)
        the page is noted as NOT_FINGERPRINTED: fingerprints were a tenth of the work of
        a cold build, and most pages are never fingerprinted again before the next cold
        build (an edit of a document's text skips the pages not given it, as above).

        A page whose fingerprint differs only by ``late_key`` (a document whose text
        alone changed) is the page as written with a new body, when its frame was noted
        (see RenderState.frames).
        """
        path = url + "index.html"
        edited = self.edited
        if edited is not None and path in self.state.pages and not _holds(extra.values(), edited):
            return OutputFile(path, unchanged=True)
        key = NOT_FINGERPRINTED
        if self.fingerprints:
            given = extra if made_from is None else made_from
            # All but what ``late`` gives: the page around a document's body.
            around = fingerprint(
                (self.base_key, template, url, title, crumbs, column, given), self.memo
            )
            key = f"{around}:{late_key}" if late_key else around
            stored = self.state.pages.get(path, NOT_FINGERPRINTED)
            if stored == key:
                return OutputFile(path, unchanged=True)
            if late is not None and stored.partition(":")[0] == around:
                spliced = self._spliced(path, late)
                if spliced is not None:
                    self.state.pages[path] = key
                    return OutputFile(path, data=spliced)
        if late is not None:
            extra.update(late())
        html = self.render_template(template, self.context(url, title, crumbs, column, **extra))
        data = html.encode("utf-8")
        self.state.pages[path] = key
        self._note_frame(path, data, extra.get("body") if late is not None else None)
        return OutputFile(path, data=data)

    def _spliced(self, path: str, late: Callable[[], dict[str, Any]]) -> bytes | None:
        """The page as written, with the body ``late`` gives in place of the old one;
        None unless the file still holds the frame noted when it was rendered."""
        frame = self.state.frames.get(path)
        if frame is None or self.written is None:
            return None
        written = self.written(path)
        head, tail, check = frame
        if written is None or head + tail > len(written):
            return None
        before, after = written[:head], written[len(written) - tail :]
        if _frame_check(before, after) != check:
            return None  # changed since: by hand, or by another program
        values = late()
        if values.keys() != {"body"}:
            return None
        return before + str(values["body"]).encode("utf-8") + after

    def _note_frame(self, path: str, data: bytes, body: Any) -> None:
        """Note where ``body`` sits in the page just rendered (RenderState.frames): in a
        rebuild for an edit only, whose pages are those most likely edited next, and only
        where the theme puts a body in its page as it is, at one place."""
        self.state.frames.pop(path, None)
        if body is None or self.edited is None or not self._frames_allowed:
            return
        text = str(body).encode("utf-8")
        at = data.find(text)
        if not text or at < 0 or data.find(text, at + 1) >= 0:
            return
        end = at + len(text)
        self.state.frames[path] = (at, len(data) - end, _frame_check(data[:at], data[end:]))

    @functools.cached_property
    def _frames_allowed(self) -> bool:
        """Whether a document's body reaches its page only as it is: in the default theme,
        by ``{{ body }}``; a site's own template that names ``body`` at all (or shows
        ``<body>``) might do more with it, and keeps every page rendered in full."""
        default = default_theme_dir().resolve()
        for theme in theme_dirs(self.config):
            if theme.resolve() == default:
                continue
            for file in (theme / "templates").rglob("*"):
                if file.is_file() and b"body" in file.read_bytes():
                    return False
        return True

    def context(
        self,
        url: str,
        title: str,
        crumbs: Sequence[Crumb],
        column: str,
        absolute_links: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        config = self.config

        def rel(target: str) -> str:
            if absolute_links:
                return absolute(config.base_url, target)
            return relative(url, target, config.pretty_urls)

        extra.setdefault("column_type", "政府信息公开")
        extra.setdefault("article", None)
        extra.setdefault("unit", None)
        root = absolute(config.base_url, "") if absolute_links else root_prefix(url)
        return {
            "config": config,
            "home_url": self.site.home_url,
            "standard": standard,
            "page_url": url,
            "title": title,
            "crumbs": list(crumbs),
            "column_name": column,
            "rel": rel,
            # The site root as a link prefix, for files such as the theme's assets: a page
            # names several, and rel() costs a call through Jinja each time.
            "root": root,
            "root_link": functools.partial(via_root, root, pretty=config.pretty_urls),
            "cached": self.fragments,
            "unit_part_url": _part_url(extra["unit"], url),
            "canonical": absolute(config.base_url, url)
            if config.base_url.startswith("http")
            else "",
            "report_error_url": self.report_error_url(url),
            **extra,
        }

    def report_error_url(self, url: str) -> str:
        """我为政府网站找错: the national error-report form, with this page's address."""
        code = self.config.footer.site_code
        if not code:
            return ""
        page = absolute(self.config.base_url, url)
        return (
            "https://zfwzgl.www.gov.cn/exposure/jiucuo.html"
            f"?site_code={quote(code)}&url={quote(page, safe='')}"
        )

    def article_meta(
        self,
        title: str,
        date: dt.date | None,
        source: str,
        description: str = "",
        keywords: Sequence[str] = (),
    ) -> dict[str, str]:
        """Content-page <meta> tags of the 政府网站网页设计规范 (rules.md §5)."""
        return {
            "ArticleTitle": title,
            "PubDate": f"{date.isoformat()} 00:00" if date else "",
            "ContentSource": source,
            "Description": description,
            "Keywords": ",".join(keywords),
        }

    def body(self, text: str, source: Path, url: str) -> tuple[Markup, list[OutputFile]]:
        """A Markdown body as safe HTML, and the files beside it that it links to."""
        rendered = self.markup.render(text, source, url)
        self.broken_links.extend((source, href) for href in rendered.broken_links)
        assets = [OutputFile(asset_url, source=file) for file, asset_url in rendered.assets]
        return Markup(rendered.html), assets

    def _late_body(self, document: Document) -> dict[str, Any]:
        body, _ = self.body(document.body, document.source, document.url)
        return {"body": body}

    def paginate(
        self, url: str, items: Sequence[Document]
    ) -> Iterator[tuple[int, str, Sequence[Document], dict]]:
        size = self.config.page_size
        count = max(1, -(-len(items) // size))
        for number in range(1, count + 1):
            page_url = url if number == 1 else f"{url}page/{number}/"
            pager = {
                "number": number,
                "count": count,
                "total": len(items),
                "pages": [(n, url if n == 1 else f"{url}page/{n}/") for n in range(1, count + 1)],
            }
            yield number, page_url, items[(number - 1) * size : number * size], pager

    def catalogue_row(self, doc: Document) -> dict[str, str]:
        row = {}
        for label, attribute in CATALOGUE_FIELDS:
            value = getattr(doc, attribute)
            row[label] = value.isoformat() if isinstance(value, dt.date) else str(value)
        row["网址"] = absolute(self.config.base_url, doc.url)
        return row


def _frame_check(before: bytes, after: bytes) -> str:
    digest = hashlib.blake2b(before, digest_size=8)
    digest.update(after)
    return digest.hexdigest()


def _holds(values: Iterable[Any], objects: frozenset[int]) -> bool:
    """Whether one of ``objects`` (ids) is among ``values`` or in a list, tuple or dict
    among them."""
    for value in values:
        if id(value) in objects:
            return True
        if isinstance(value, (list, tuple)) and _holds(value, objects):
            return True
        if isinstance(value, dict) and _holds(value.values(), objects):
            return True
    return False


def _part_url(unit: Unit | None, url: str) -> str:
    """The URL of the unit's part (指南, 制度, …, 目录) whose folder holds the page, or ""."""
    if unit is None or not url.startswith(unit.url) or url == unit.url:
        return ""
    part = unit.url + url[len(unit.url) :].split("/", 1)[0] + "/"
    return part if part in unit.part_urls.values() else ""


def catalogue_json(head: dict[str, Any], rows: list[dict[str, str]]) -> bytes:
    """``head`` and the catalogue's ``rows`` under "目录", one document a line, as in the
    CSV. (Indented JSON is written by the json module's Python code, three times slower
    than its C encoder: a tenth of a second per 10,000 rows.)"""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = ",\n".join(map(encode, rows))
    return f'{encode(head)[:-1]}, "目录": [\n{lines}\n]}}\n'.encode()


def catalogue_order(documents: Sequence[Document]) -> list[Document]:
    """The order of a 政府信息公开目录: newest 发布日期 first, then by 索引号."""
    return sorted(documents, key=lambda d: (-d.publish_date.toordinal(), d.index_no))


CATALOGUE_COLUMNS = (*(label for label, _ in CATALOGUE_FIELDS), "网址")


def catalogue_csv(rows: list[dict[str, str]], fields: Sequence[str] = CATALOGUE_COLUMNS) -> bytes:
    """UTF-8 with BOM, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
