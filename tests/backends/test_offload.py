"""The worker thread of ``backends/offload.py`` pauses the cyclic collector while it works and freezes what is
alive afterwards; garbage that is alive at that moment must not be frozen with it (frozen, it is never freed)."""

from __future__ import annotations

import gc
import weakref

import pytest

from meetdesk.backends.offload import off_loop


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
