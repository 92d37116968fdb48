"""``benchmarks/cpu_wait.py`` splits a wait of the UI thread into its own CPU, its wait for a CPU, GC and the
process's other threads."""

from __future__ import annotations

import gc
import threading
import time

from benchmarks.cpu_wait import GcTime, ThreadClock, between


def test_a_busy_stretch_is_counted_as_cpu_and_a_collection_as_gc() -> None:
    garbage = [[i] for i in range(200_000)]  # something for the full collection below to walk
    with GcTime() as gc_time:
        clock = ThreadClock(gc_time)
        start = clock.mark()
        deadline = time.thread_time() + 0.05
        while time.thread_time() < deadline:
            pass
        gc.collect()
        split = between(start, clock.mark())
    assert gc_time.full_collections >= 1
    assert split["cpu_ms"] is not None and split["cpu_ms"] >= 50
    assert split["gc_ms"] is not None and split["gc_ms"] >= 1
    assert split["waiting_for_cpu_ms"] is None or 0 <= split["waiting_for_cpu_ms"] <= split["ms"]
    assert split["ms"] >= split["cpu_ms"] - 5  # CPU time never exceeds the wall time (schedstat's tick aside)
    del garbage


def test_another_thread_busy_meanwhile_is_counted_as_others_cpu() -> None:
    clock = ThreadClock()
    start = clock.mark()

    def busy() -> None:
        deadline = time.thread_time() + 0.05
        while time.thread_time() < deadline:
            pass

    worker = threading.Thread(target=busy)
    worker.start()
    worker.join()
    split = between(start, clock.mark())
    assert split["others_cpu_ms"] is not None and split["others_cpu_ms"] >= 45
    assert split["cpu_ms"] is not None and split["cpu_ms"] < 45  # this thread only waited
