"""Running CPU-heavy reading (large JSON bodies, long row lists) off the event loop's thread.

All of it runs on ONE worker thread, one job after the other: pure Python gains nothing from more threads (they
take turns at the GIL), and with several the event loop's thread waited for its turn behind each of them (gaps
of 100 ms and more while OpenMeetings' three room lists were read at once).

A job works in slices of :data:`SLICE_S` and waits between two for the event loop to have had a turn
(:func:`sliced`, :func:`give_turn`). Without that the two threads took turns at the GIL for the whole job, and
every time the event loop's thread let go of it — a socket read, each call Qt makes into Python while it paints
— it waited up to a switch interval to get it back: a repaint of a table took 30–50 ms instead of 2 while a job
ran (``benchmarks.refresh``' stall; the reason is CPython's GIL hand-over, not the work itself). Now a job holds
back the window for one slice at most, whatever the event loop does meanwhile.

The cyclic garbage collector is paused meanwhile, and what survives is frozen afterwards: a full collection
over millions of fresh objects would otherwise stop every thread — the event loop included — for 100 ms and
more. Frozen garbage is never freed, so the young generations are collected before a job is handed over (cheap:
they hold at most a few thousand objects, ~1 ms); what can still be frozen for good is a cycle that dies while a
job runs — meetdesk's rows and answers have none (``tests/backends/test_offload.py``).

A large answer leaves much freed memory behind. On glibc the process keeps it unless told (see
:func:`tune_allocator` and :func:`release_freed_memory`): both run only there, elsewhere they do nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

R = TypeVar("R")
T = TypeVar("T")

_lock = threading.Lock()
_paused = 0
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meetdesk-offload")
#: how long the event loop's thread waits for the GIL while the worker runs (Python's default: 5 ms)
SWITCH_INTERVAL_S = 0.001
_default_interval = sys.getswitchinterval()
#: freed memory is handed back to the system this long after the last job (later jobs postpone it)
RELEASE_AFTER_S = 1.0
#: glibc's mallopt parameter, and the size from which blocks get pages of their own (glibc's default start value)
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024
_libc: ctypes.CDLL | None = None
_tuned = False
_release: asyncio.Handle | None = None
#: how long a job runs before it lets the event loop have a turn
SLICE_S = 0.003
#: the clock is read every this many items of :func:`sliced`
ITEMS_PER_LOOK = 32
#: the longest a job waits for the event loop's turn; a loop that does not turn (it is closing, or waits for this
#: very job) does not hold the job back
TURN_TIMEOUT_S = 0.5


class _Slices(threading.local):
    """The job running on this thread: its event loop and when its slice ends (0: no job here)."""

    loop: asyncio.AbstractEventLoop | None = None
    ends = 0.0
    #: the longest the job ran without the loop having had a turn, in seconds of the worker's own CPU
    longest_cpu_s = 0.0
    cpu_from = 0.0


_slices = _Slices()
_turn = threading.Event()
#: what the last finished job did: the longest slice in CPU seconds and how many turns it gave (tests, benchmarks)
last_job: dict[str, float] = {"longest_slice_cpu_s": 0.0, "turns": 0}


def give_turn() -> None:
    """In a job on the worker: once its slice is used up, wait until the event loop has had a turn (it runs
    what was waiting meanwhile, alone), then go on with a new slice. Anywhere else: nothing."""
    here = _slices
    if not here.ends or time.perf_counter() < here.ends:
        return
    cpu = time.thread_time()
    here.longest_cpu_s = max(here.longest_cpu_s, cpu - here.cpu_from)
    _turn.clear()
    try:
        here.loop.call_soon_threadsafe(_turn.set)  # type: ignore[union-attr]
    except RuntimeError:  # the loop is closed: nobody to make way for
        here.ends = 0.0
        return
    if not _turn.wait(TURN_TIMEOUT_S):
        here.ends = 0.0
        return
    last_job["turns"] += 1
    here.cpu_from = time.thread_time()
    here.ends = time.perf_counter() + SLICE_S


def sliced(items: Iterable[T]) -> Iterable[T]:
    """``items``, with :func:`give_turn` between them in a job on the worker (elsewhere ``items`` as they are):
    a job's loops go through this."""
    return _sliced(items) if _slices.ends else items


def _sliced(items: Iterable[T]) -> Iterator[T]:
    for i, item in enumerate(items):
        if not i % ITEMS_PER_LOOK:
            give_turn()
        yield item


#: objects freed at a time by :func:`free_later` between two looks at the clock
FREE_CHUNK = 1_000
#: fewer objects than this are freed where they are dropped (cheaper than a job: a table of meetings, a small block)
FREE_OFF_LOOP_MIN = 2_000
_freeing: set[asyncio.Task[None]] = set()


def free_later(*collections: Iterable[object]) -> None:
    """Free the items of ``collections`` on the worker thread, a slice at a time, instead of here: the caller is
    about to drop its last references to them (the rows a table replaced: 100,000 of them took the event loop's
    thread ~15 ms to free). With fewer than :data:`FREE_OFF_LOOP_MIN` items, or without a running event loop,
    nothing is done (they are freed where they are dropped).
    The collections themselves are not changed: their items are held until the worker lets go of them."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    held: list[object] = []
    for items in collections:
        held.extend(items)
    if len(held) >= FREE_OFF_LOOP_MIN:
        task = loop.create_task(off_loop(lambda: _let_go(held)))
        _freeing.add(task)
        task.add_done_callback(_freeing.discard)


def _let_go(held: list[object]) -> None:
    while held:
        del held[-FREE_CHUNK:]
        give_turn()


def _pause() -> None:
    global _paused
    with _lock:
        _paused += 1
        if _paused == 1:
            gc.disable()
            sys.setswitchinterval(min(SWITCH_INTERVAL_S, _default_interval))


def _resume() -> None:
    global _paused
    with _lock:
        _paused -= 1
        if _paused == 0:
            # The fresh objects would make the next full collection — on whichever thread allocates next, often
            # the event loop's — traverse them all (100 ms and more for a large answer). Freezing moves what is
            # alive now out of the collector's sight; reference counting still frees it when it is dropped.
            gc.freeze()
            gc.enable()
            sys.setswitchinterval(_default_interval)


def _paused_call(func: Callable[[], R], loop: asyncio.AbstractEventLoop) -> R:
    _pause()
    here = _slices
    here.loop, here.longest_cpu_s, here.cpu_from = loop, 0.0, time.thread_time()
    here.ends = time.perf_counter() + SLICE_S
    last_job["turns"] = 0
    try:
        return func()
    finally:
        here.longest_cpu_s = max(here.longest_cpu_s, time.thread_time() - here.cpu_from)
        last_job["longest_slice_cpu_s"] = here.longest_cpu_s
        here.loop, here.ends = None, 0.0
        _resume()


async def off_loop(func: Callable[[], R]) -> R:
    """``func()`` on the worker thread, with the garbage collector paused while it runs; freed memory is handed
    back to the system a little after the last such job (:func:`release_freed_memory`)."""
    global _release
    tune_allocator()
    if not _paused and gc.isenabled():
        # young garbage cycles (asyncio, httpx) alive now would be frozen with the job's result and kept for
        # good. Collected here, on the event loop's thread: a Qt object among them must be deleted on its own
        # thread. Not while a job runs (the young generations hold its fresh objects), nor with the collector
        # off (a command line run: they hold everything since start-up).
        gc.collect(1)
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_worker, _paused_call, func, loop)
    finally:
        if _release is not None:
            _release.cancel()
        _release = loop.call_later(RELEASE_AFTER_S, _worker.submit, release_freed_memory)


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None)  # the C library this process runs on
            if hasattr(libc, "gnu_get_libc_version") and hasattr(libc, "malloc_trim"):
                _libc = libc
        except OSError:
            pass
    return _libc


def tune_allocator() -> None:
    """Give every block from :data:`MMAP_THRESHOLD` on pages of its own (glibc; elsewhere nothing).

    glibc raises that threshold to the size of the largest such block freed so far: once the first large answer
    (megabytes of body text) was freed, every smaller block — the key tables of 100,000 decoded rows, the lists
    of a table — came from the heap, which a few long-lived blocks in between keep from shrinking (~20 MiB after
    100,000 OpenMeetings rooms, more after each F5). A fixed threshold keeps large blocks out of the heap."""
    global _tuned
    libc = _glibc()
    if not _tuned and libc is not None:
        _tuned = True
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def release_freed_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere nothing). Runs on the
    worker thread: the event loop's thread does not wait for it (ctypes lets go of the GIL meanwhile)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
