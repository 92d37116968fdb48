"""Where a long wait of the UI thread went: its own CPU, waiting for a CPU, or a garbage collection.

A stall measured in wall-clock time on a shared 2-CPU machine is the window's own work plus the time the
thread was ready to run but the operating system ran other processes (other benchmarks, the simulators).
Linux counts the second per thread (``/proc/self/task/TID/schedstat``: time on a CPU, time waiting in the run
queue); ``gc.callbacks`` tell the time spent in garbage collections, on whichever thread. Elsewhere the run-queue
figure is missing (None) and the CPU one comes from ``time.thread_time``.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from dataclasses import dataclass
from typing import Any


def _schedstat(tid: int) -> tuple[float, float] | None:
    """(on a CPU, waiting for one) in seconds, for thread ``tid``; None where Linux does not say."""
    try:
        with open(f"/proc/self/task/{tid}/schedstat", encoding="ascii") as stat:
            on_cpu, waiting, _slices = stat.read().split()
    except (OSError, ValueError):
        return None
    return int(on_cpu) / 1e9, int(waiting) / 1e9


@dataclass(frozen=True)
class Mark:
    wall: float
    cpu: float
    waiting: float | None
    gc_s: float
    #: the whole process's CPU time (every thread)
    process_cpu: float


class GcTime:
    """The time spent in garbage collections since it was installed (any thread), and the longest full one."""

    def __init__(self) -> None:
        self.total = 0.0
        self.full_collections = 0
        self._started: dict[int, float] = {}

    def install(self) -> GcTime:
        gc.callbacks.append(self._callback)
        return self

    def __enter__(self) -> GcTime:
        return self.install()

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        now, thread = time.perf_counter(), threading.get_ident()
        if phase == "start":
            self._started[thread] = now
        elif thread in self._started:
            self.total += now - self._started.pop(thread)
            self.full_collections += info["generation"] == 2


class ThreadClock:
    """Marks of the calling thread: wall time, its CPU time, its time waiting for a CPU, and time in GC."""

    def __init__(self, gc_time: GcTime | None = None) -> None:
        self.tid = threading.get_native_id()
        self.gc_time = gc_time

    def mark(self) -> Mark:
        sched = _schedstat(self.tid)
        cpu = sched[0] if sched is not None else time.thread_time()
        return Mark(time.perf_counter(), cpu, None if sched is None else sched[1],
                    self.gc_time.total if self.gc_time is not None else 0.0, time.process_time())


def between(start: Mark, end: Mark) -> dict[str, float | None]:
    """What the thread did from ``start`` to ``end``, in ms: ``ms`` (wall), ``cpu_ms`` (its own CPU),
    ``waiting_for_cpu_ms`` (ready, but the system ran something else), ``gc_ms`` (collections on any thread),
    ``others_cpu_ms`` (the CPU of the process's other threads: the offload worker; while it runs, the UI thread
    may be waiting for the GIL)."""
    waiting = None if start.waiting is None or end.waiting is None else round((end.waiting - start.waiting) * 1000)
    return {"ms": round((end.wall - start.wall) * 1000), "cpu_ms": round((end.cpu - start.cpu) * 1000),
            "waiting_for_cpu_ms": waiting, "gc_ms": round((end.gc_s - start.gc_s) * 1000),
            "others_cpu_ms": round(((end.process_cpu - start.process_cpu) - (end.cpu - start.cpu)) * 1000)}


def cpu_pressure() -> float | None:
    """The share (%) of the last 60 s in which some task waited for a CPU (Linux PSI); None elsewhere."""
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as pressure:
            some = pressure.readline().split()
    except OSError:
        return None
    return next((float(field[6:]) for field in some if field.startswith("avg60=")), None)


def load_average() -> float | None:
    """The system's 1-minute load average (runnable processes; above the CPU count, they queue)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None
