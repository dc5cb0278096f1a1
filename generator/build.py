"""The build pipeline: config → content → links → check → render → output.

This module only wires the stages together; each stage lives in its own module.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.check import check_site
from generator.config import SiteConfig, load_config
from generator.content import load_site
from generator.errors import BuildError, Problems
from generator.links import link_interpretations
from generator.model import Site
from generator.output import Stream, WriteStats, write_site
from generator.render import SiteRenderer, ThemeError


@dataclass
class BuildResult:
    """What a build did: counts for the summary line, and the warnings to show."""

    config: SiteConfig
    site: Site
    stats: WriteStats
    problems: Problems
    seconds: float


def load(root: Path, problems: Problems) -> tuple[SiteConfig, Site]:
    """Read and link a site; raises BuildError if the config itself is unusable."""
    config = load_config(root, problems)
    if config is None:
        raise BuildError(problems)
    site = load_site(config, problems)
    link_interpretations(site, problems)
    return config, site


def build(
    root: Path,
    force: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the site at ``root`` into ``root/output``.

    Content errors raise BuildError before anything is written, unless ``force`` is set;
    the previous output/ is then left as it was. Units are rendered by ``jobs`` processes
    (default: one per core).
    """
    started = time.perf_counter()
    problems = Problems()
    config, site = load(root, problems)
    check_site(site, config, problems)
    if problems.errors and not force:
        raise BuildError(problems)
    renderer = SiteRenderer(site, config)
    try:
        stats = write_site(
            render_streams(renderer, site),
            config.output_dir,
            jobs=jobs or os.cpu_count() or 1,
            collect=renderer.take_broken_links,
            progress=progress,
        )
    except ThemeError as exc:
        problems.items.append(exc.problem)
        raise BuildError(problems) from exc
    for broken in stats.collected:
        for source, href in broken:
            problems.warn(source, None, f"正文链接“{href}”指向的文件或文档不存在")
    return BuildResult(config, site, stats, problems, time.perf_counter() - started)


def render_streams(renderer: SiteRenderer, site: Site) -> list[Stream]:
    """The site-wide pages, then one stream per unit, largest first so that parallel
    workers finish together."""
    units = sorted(site.units, key=lambda unit: -len(unit.documents))
    return [renderer.site_files, *(functools.partial(renderer.unit_files, u) for u in units)]
