"""F5 against simulators in their own processes, in the real window on the real event loop (qasync):

* ``f5_ms``: one refresh of three back ends (plugNmeet, OpenMeetings, OpenMeetings Axis) whose every answer takes
  ``LATENCY_MS``, until every back end's new rooms and meetings are in the session (its data event);
  ``f5_details_ms``: until the refresh is over, OpenMeetings' per-room user counts included (they come after the
  rooms are shown, one call per room); ``round_trip_ms``: one bare httpx request to the same simulators (the
  slowest of them);
* ``stall_ms``: the longest the event loop did not answer while F5 brings 20,000 rooms (a 5 ms timer's longest
  gap); ``idle_stall_ms``: the same timer's longest gap while the window idles. The 20,000 rooms are on the
  OpenMeetings server (spread over its three public room lists): 20,000 plugNmeet rooms are a 55 MB answer,
  which the answer size cap (32 MB, ``backends/http.py``) refuses.

``python -m benchmarks.refresh RUNS`` prints one JSON object (run by ``benchmarks.run``); ``benchmarks.f5`` and
``benchmarks.f5_stall`` run one half each."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"

import httpx
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.cpu_wait import GcTime, ThreadClock, between, load_average
from benchmarks.simulators import simulators
from meetdesk.ui.event_loop import EventLoop

LATENCY_MS = 300
STALL_ROOMS = 20_000
STALL_KIND = "openmeetings"
TICK_MS = 5


class GapMeter:
    """A 5 ms timer; the longest time between two of its ticks is the longest the loop was busy. ``worst``
    tells what that gap was made of (the UI thread's CPU, its wait for a CPU, GC; see ``cpu_wait.py``)."""

    def __init__(self, gc_time: GcTime | None = None) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.clock = ThreadClock(gc_time)
        self.last = self.clock.mark()
        self.longest = 0.0
        self.worst: dict[str, float | None] = {}

    def _tick(self) -> None:
        now = self.clock.mark()
        if now.wall - self.last.wall > self.longest:
            self.longest = now.wall - self.last.wall
            self.worst = between(self.last, now)
        self.last = now

    def start(self) -> None:
        self.last, self.longest, self.worst = self.clock.mark(), 0.0, {}
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        return self.longest * 1000


async def _session(infos: dict[str, dict[str, Any]]) -> Any:
    from meetdesk.backends.base import provider_class
    from meetdesk.domain.models import Profile
    from meetdesk.services.memory_keyring import MemoryKeyring
    from meetdesk.services.profile_store import ProfileStore
    from meetdesk.services.secret_store import SecretStore
    from meetdesk.services.session import Session

    store = ProfileStore(Path(tempfile.mkdtemp(prefix="meetdesk-bench-")) / "profiles.json")
    store.load()
    session = Session(store, SecretStore(backend=MemoryKeyring()))
    for kind, info in infos.items():
        profile = Profile(name=provider_class(kind).display_name or kind, kind=kind, base_url=info["base_url"],
                          fields=dict(info["fields"]), ca_file=info.get("ca_file"))
        await session.add_profile(profile, info["secret"])
    return session


async def _round_trip(infos: dict[str, dict[str, Any]], runs: int) -> float:
    """The slowest simulator's median time for one bare request (a warm connection, as the session has)."""
    slowest = 0.0
    for info in infos.values():
        async with httpx.AsyncClient(verify=info.get("ca_file") or True) as client:
            samples = []
            for _ in range(runs + 1):
                started = time.perf_counter()
                await client.get(info["base_url"])
                samples.append((time.perf_counter() - started) * 1000)
        slowest = max(slowest, statistics.median(samples[1:]))
    return slowest


async def _window(session: Any) -> Any:
    from meetdesk.ui.main_window import MainWindow

    window = MainWindow(session)
    window.resize(1280, 720)
    window.show()
    await session.connect_all()
    await asyncio.sleep(0.5)  # the tables take what arrived
    return window


async def measure_f5(runs: int) -> dict[str, Any]:
    """The F5 half: ``f5_ms``, ``f5_details_ms``, ``f5_runs_ms`` and ``round_trip_ms``."""
    from meetdesk.services.session import SessionEvent

    with simulators(latency_ms=LATENCY_MS) as infos:
        session = await _session(infos)
        window = await _window(session)
        f5, f5_details = [], []
        shown: dict[str, float] = {}
        session.subscribe(lambda event, name: shown.setdefault(name, time.perf_counter())
                          if event is SessionEvent.DATA else None)
        for _ in range(runs):
            shown.clear()
            started = time.perf_counter()
            await session.refresh()
            f5_details.append((time.perf_counter() - started) * 1000)
            f5.append((max(shown.values()) - started) * 1000)
        out: dict[str, Any] = {"f5_ms": statistics.median(f5), "f5_details_ms": statistics.median(f5_details),
                               "f5_runs_ms": [round(v) for v in f5],
                               "round_trip_ms": await _round_trip(infos, runs)}
        await window.shutdown()
        window.close()
        await session.aclose()
    return out


async def measure(runs: int) -> dict[str, Any]:
    return {"latency_ms": LATENCY_MS, **await measure_f5(runs), **await measure_stall(runs)}


async def measure_stall(runs: int) -> dict[str, Any]:
    """The stall half: ``stall_ms``, ``stall_worst_ms``, ``idle_stall_ms`` and ``rooms_shown``; per run, what
    its longest gap was made of (``stall_gaps``) and the load average after it."""
    out: dict[str, Any] = {}
    with simulators(latency_ms=LATENCY_MS, seed_rooms={STALL_KIND: STALL_ROOMS}) as infos, GcTime() as gc_time:
        session = await _session(infos)
        window = await _window(session)
        meter = GapMeter(gc_time)
        idle, stalls, gaps = [], [], []
        for _ in range(runs):
            meter.start()
            await asyncio.sleep(1.0)
            idle.append(meter.stop())
            meter.start()
            await session.refresh()
            await asyncio.sleep(0.5)  # the window takes in what arrived
            stalls.append(meter.stop())
            gaps.append({**meter.worst, "load_average": load_average()})
        out["stall_gaps"] = gaps
        out["full_collections"] = gc_time.full_collections
        out["rooms_shown"] = window.rooms_tab.proxy.rowCount()
        out["idle_stall_ms"] = statistics.median(idle)
        out["stall_ms"] = statistics.median(stalls)
        out["stall_worst_ms"] = max(stalls)
        out["stall_runs_ms"] = [round(v) for v in stalls]
        await window.shutdown()
        window.close()
        await session.aclose()
    return out


def run_on_qt_loop(measure_runs: Callable[[int], Awaitable[dict[str, Any]]], default_runs: int) -> int:
    """``python -m benchmarks.<name> [RUNS]``: run ``measure_runs(RUNS)`` on a qasync loop, print its JSON."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else default_runs
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as meetdesk's own bootstrap: closing the window must not stop the loop
    loop = EventLoop(app)  # the loop meetdesk runs on
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(measure_runs(runs))
    print(json.dumps(result))
    return 0


def main() -> int:
    return run_on_qt_loop(measure, 3)


if __name__ == "__main__":
    sys.exit(main())
