"""Time to render one unit's pages, in memory (单个机关页面的渲染耗时).

    python -m bench.pages SITE [--unit FOLDER] [--repeat 7]

Loads the site, renders every page of one unit (the first, or ``--unit``) once to warm
up, then ``--repeat`` times more with nothing remembered from the last time, and prints
the quickest run per page. Nothing is written: this is what templates, bodies and page
fingerprints cost, the larger part of a cold build, and what a change to a theme
template makes quicker or slower. Compare two versions of the code on the same site,
run after run, as the host's noise is larger than most single changes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from generator.build import load
from generator.errors import BuildError, Problems
from generator.render import RenderState, SiteRenderer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="站点根目录")
    parser.add_argument("--unit", help="机关文件夹名称（默认第一个机关）")
    parser.add_argument("--repeat", type=int, default=7, help="计时次数（默认 7）")
    args = parser.parse_args(argv)
    try:
        config, site = load(args.site.resolve(), Problems())
    except BuildError as exc:
        print("\n".join(p.format() for p in exc.problems.errors), file=sys.stderr)
        return 1
    units = [u for u in site.units if args.unit in (None, u.key)]
    if not units:
        print(f"没有名为“{args.unit}”的机关文件夹", file=sys.stderr)
        return 1
    unit = units[0]
    renderer = SiteRenderer(site, config, RenderState(markup={}))
    pages = sum(f.path.endswith(".html") for f in renderer.unit_files(unit))
    best = float("inf")
    for _ in range(args.repeat):
        renderer.state.pages = {}  # render every page again
        renderer.state.markup.clear()
        renderer.fragments.clear()
        started = time.perf_counter()
        for _file in renderer.unit_files(unit):
            pass
        best = min(best, time.perf_counter() - started)
    print(
        f"{unit.key}: {pages} 个页面，最快一次 {best * 1000:.1f} ms，"
        f"每页 {best * 1e6 / max(pages, 1):.0f} µs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
