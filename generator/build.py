"""The build pipeline: config → content → links → check → render → output.

This module only wires the stages together; each stage lives in its own module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from generator.check import check_site
from generator.config import SiteConfig, load_config
from generator.content import load_site
from generator.errors import BuildError, Problems
from generator.find import site_files
from generator.links import link_interpretations
from generator.model import Site
from generator.output import WriteStats, write_site
from generator.render import SiteRenderer, ThemeError
from generator.search import SearchError


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


def build(root: Path, force: bool = False, search: bool = True) -> BuildResult:
    """Build the site at ``root`` into ``root/output``.

    Content errors raise BuildError before anything is written, unless ``force`` is set;
    the previous output/ is then left as it was. ``search=False`` skips the search index.
    """
    started = time.perf_counter()
    problems = Problems()
    config, site = load(root, problems)
    check_site(site, config, problems)
    if problems.errors and not force:
        raise BuildError(problems)
    renderer = SiteRenderer(site, config)
    try:
        stats = write_site(site_files(renderer, site, config, search), config.output_dir)
    except ThemeError as exc:
        problems.items.append(exc.problem)
        raise BuildError(problems) from exc
    except SearchError as exc:
        problems.error(None, None, str(exc))
        raise BuildError(problems) from exc
    for source, href in renderer.broken_links:
        problems.warn(source, None, f"正文链接“{href}”指向的文件或文档不存在")
    return BuildResult(config, site, stats, problems, time.perf_counter() - started)
