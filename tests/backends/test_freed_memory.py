"""What a large answer freed goes back to the system (glibc: a fixed mmap threshold and ``malloc_trim`` a moment
after the worker's last job), instead of staying in the process's heap for good."""

from __future__ import annotations

import asyncio
import sys

import pytest

from meetdesk.backends import offload

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or offload._glibc() is None,
                                reason="glibc only (elsewhere the allocator is left as it is)")

MIB = 1024 * 1024


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _answer_and_rows() -> list[bytearray]:
    """What reading a large answer does to the heap: a body of megabytes, freed (which, untuned, makes glibc serve
    every smaller block from the heap from then on), then ~60 MiB of blocks of 200 kB and a small one that
    outlives them all (so the heap cannot simply shrink from its top)."""
    body = bytearray(16 * MIB)
    body[::4096] = b"x" * len(body[::4096])
    del body
    rows = [bytearray(b"r" * 200_000) for _ in range(300)]
    return [*rows, bytearray(b"k" * 2000)]


@pytest.mark.asyncio
async def test_memory_freed_after_a_large_answer_goes_back_to_the_system() -> None:
    await offload.off_loop(lambda: None)  # the allocator is tuned on the first job
    before = _rss_mib()
    blocks = await offload.off_loop(_answer_and_rows)
    grown = _rss_mib() - before
    survivor = blocks.pop()
    del blocks
    await asyncio.sleep(offload.RELEASE_AFTER_S + 0.5)  # the release runs a moment after the last job
    assert grown > 50, grown  # the rows were really there
    assert _rss_mib() - before < 15, (grown, _rss_mib() - before)
    assert len(survivor) == 2000
