"""The cyclic garbage collector, kept out of bulk loads.

Reading a site back, from the build cache or from the processes that parsed it, makes
hundreds of thousands of small objects at once. Python's collector counts allocations and
walks the young objects every few hundred of them, and every object again in its full
collections; during such a load it finds nothing to free. At 10,000 documents that was
about a third of restoring the build cache and a tenth of reading the site in parallel;
at 100,000 documents it doubled the time of a one-document build.

Rendering pages makes and drops short-lived objects by the million; the collector's
young-generation walks, every 700 of them by default, took 5-7% of a render worker's time.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the collector off, and turn it back on only if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Young objects between two collections in a batch worker (Python's default is 700):
# a page's worth of them, so that a collection finds mostly garbage, not work in progress.
BATCH_THRESHOLD = 20_000


def collect_for_batch_work() -> None:
    """Set this process's collector for work that makes many short-lived objects and
    ends with the process (the forked workers of a build); cycles are still freed."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(BATCH_THRESHOLD, older, oldest)
