"""A build's phases are timed once each, a phase inside another not counted twice."""

from generator import timings
from generator.timings import Timings


def test_a_phase_inside_another_pauses_it(monkeypatch):
    # The clock at each start and end below, in order.
    clock = iter([0.0, 1.0, 3.0, 3.5, 10.0, 11.0])
    monkeypatch.setattr(timings.time, "perf_counter", lambda: next(clock))
    spent = Timings()
    with spent.phase("render"):  # 0.0 .. 11.0
        with spent.phase("index"):  # 1.0 .. 3.0
            pass
        with spent.phase("index"):  # 3.5 .. 10.0
            pass
    assert spent.seconds == {"render": 1.0 + 0.5 + 1.0, "index": 2.0 + 6.5}
    assert sum(spent.seconds.values()) == 11.0  # the phases add up to the whole
