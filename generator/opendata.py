"""开放数据: the site-wide 政府信息公开目录 as JSON and CSV, one row per document.

Each unit's catalogue page already offers its own ``catalogue.json`` / ``catalogue.csv``
(render.py); these are the same rows for every unit together, with the 公开主体 in front,
at the column home. Fields are documented in docs/content-format.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.config import SiteConfig
from generator.model import Site
from generator.render import (
    CATALOGUE_COLUMNS,
    OutputFile,
    catalogue_csv,
    catalogue_json,
    catalogue_order,
)

FIELDS = ("公开主体", *CATALOGUE_COLUMNS)


def catalogue_files(renderer: Any, site: Site, config: SiteConfig) -> Iterator[OutputFile]:
    """``<column>/catalogue.json`` and ``catalogue.csv`` (UTF-8 with BOM, for Excel)."""
    rows = []
    for unit in site.units:
        documents = catalogue_order(unit.documents)
        rows += [{"公开主体": unit.name, **renderer.catalogue_row(doc)} for doc in documents]
    head = {"站点": config.site_name, "条目数": len(rows), "字段": list(FIELDS)}
    yield OutputFile(site.home_url + "catalogue.json", data=catalogue_json(head, rows))
    yield OutputFile(site.home_url + "catalogue.csv", data=catalogue_csv(rows, FIELDS))
