"""The worker thread of ``backends/offload.py`` pauses the cyclic collector while it works and freezes what is
alive afterwards; garbage that is alive at that moment must not be frozen with it (frozen, it is never freed)."""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import threading
import time
import weakref

import pytest

from meetdesk.backends import offload, sliced_json
from meetdesk.backends.offload import off_loop, sliced


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.mark.asyncio
async def test_garbage_alive_when_a_job_starts_is_not_frozen_for_good() -> None:
    gc.collect()  # no automatic collection between making the garbage and the job
    node = _Node()
    garbage = weakref.ref(node)
    del node
    await off_loop(lambda: None)
    gc.collect()
    assert garbage() is None, "a garbage cycle alive when the job started was frozen for good"


def _spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


@pytest.mark.asyncio
async def test_a_job_holds_back_a_busy_event_loop_for_one_slice_at_most() -> None:
    """While the event loop's thread is busy — Python work broken by calls that let go of the GIL, as a socket
    read or a repaint are — a job advances by one slice at most: before, each time the loop's thread let go of the
    GIL the job took it for up to a switch interval, and the loop's turn took several times its own work."""
    progress = [0.0]  # the worker's CPU time at its latest item
    running, stop = threading.Event(), threading.Event()

    def job() -> int:
        running.set()
        done = 0
        for _ in sliced(itertools.count()):
            progress[0] = time.thread_time()
            done += 1
            if stop.is_set():
                return done
            _spin(0.00002)
        return done

    task = asyncio.ensure_future(off_loop(job))
    while not running.is_set():
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.02)  # the job is in its stride
    before = progress[0]
    for _ in range(100):  # one long turn of the loop: 30 ms of its own work, 100 times letting go of the GIL
        _spin(0.0003)
        time.sleep(0.0003)
    advanced = progress[0] - before
    stop.set()
    assert await task > 0
    assert advanced < offload.SLICE_S + 0.005, f"the job ran {advanced * 1000:.0f} ms during one turn of the loop"


@pytest.mark.asyncio
async def test_a_long_job_gives_the_loop_turns_and_runs_in_short_slices() -> None:
    answer = json.dumps({"roomDTO": [{"id": i, "name": f"Room {i}", "tags": ["a", "b"]} for i in range(20_000)]})
    value = await off_loop(lambda: sliced_json.loads(answer))
    assert value == json.loads(answer)
    assert offload.last_job["turns"] >= 5
    assert offload.last_job["longest_slice_cpu_s"] < offload.SLICE_S + 0.005


def test_outside_a_job_sliced_is_the_items_themselves() -> None:
    items = [1, 2, 3]
    assert sliced(items) is items
