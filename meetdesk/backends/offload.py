"""Running CPU-heavy reading (large JSON bodies, long row lists) off the event loop's thread.

The work is pure Python bytecode, so the interpreter hands the GIL back to the event loop every few
milliseconds — every millisecond while a job runs, so the loop never waits longer for it. All of it runs on ONE
worker thread, one job after the other: pure Python gains nothing from more threads (they take turns at the
GIL), and with several the event loop's thread waited for its turn behind each of them (gaps of 100 ms and more
while OpenMeetings' three room lists were read at once).

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
import json
import json.scanner
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

R = TypeVar("R")

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


def _paused_call(func: Callable[[], R]) -> R:
    _pause()
    try:
        return func()
    finally:
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
        return await loop.run_in_executor(_worker, _paused_call, func)
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


class _PythonDecoder(json.JSONDecoder):
    """The standard decoder with the pure-Python scanner: slower, but it yields the GIL while it works
    (the C scanner holds it for the whole body)."""

    def __init__(self) -> None:
        super().__init__()
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]


def decode_json_yielding(text: str) -> object:
    """Decode JSON in a way that lets other threads run meanwhile (call it via :func:`off_loop`)."""
    return _PythonDecoder().decode(text)
