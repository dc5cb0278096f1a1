"""Where a site's themes are: its chosen theme under ``themes/``, then the default one.

Kept apart from :mod:`generator.render` (Jinja and the page views) because the build
record needs the theme folders to notice template edits, without loading Jinja.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.config import SiteConfig


def default_theme_dir() -> Path:
    """The default theme: packaged in a wheel, or at the repository root in a checkout."""
    package = Path(__file__).resolve().parent
    packaged = package / "_default_theme"
    return packaged if packaged.is_dir() else package.parent / "themes" / "default"


def theme_dirs(config: SiteConfig) -> list[Path]:
    """Theme folders in lookup order: the site's chosen theme, then the default."""
    dirs = []
    chosen = config.themes_dir / config.theme
    if chosen.is_dir():
        dirs.append(chosen)
    default = default_theme_dir()
    if default.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(default)
    return dirs
