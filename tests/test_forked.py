"""Work spread over forked processes: every result comes back, workers collect in bulk."""

import gc

import pytest

from generator.collector import BATCH_THRESHOLD
from generator.forked import can_fork, forked_map

pytestmark = pytest.mark.skipif(not can_fork(), reason="fork is not available here")


def test_every_result_comes_back_from_the_workers():
    site = {n: f"机关{n}" for n in range(50)}  # inherited, not sent
    assert sorted(forked_map(lambda n: site[n], 50, 2)) == sorted(site.values())


def test_workers_collect_garbage_in_larger_batches_than_the_parent():
    before = gc.get_threshold()
    seen = set(forked_map(lambda n: gc.get_threshold()[0], 8, 2))
    assert seen == {BATCH_THRESHOLD} and gc.get_threshold() == before
    assert gc.isenabled()
