"""Only the F5 half of ``benchmarks.refresh`` (the same measure: ``f5_ms``, ``f5_details_ms``, ``round_trip_ms``),
for checking that row by hand without waiting for the 20,000-room stall half.

``python -m benchmarks.f5 [RUNS]`` prints one JSON object, with ``ratio`` = ``f5_ms`` / ``round_trip_ms``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

import qasync
from PySide6.QtWidgets import QApplication

from benchmarks.refresh import LATENCY_MS, _round_trip, _session, _window
from benchmarks.simulators import simulators


async def measure(runs: int) -> dict[str, Any]:
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
        out: dict[str, Any] = {"latency_ms": LATENCY_MS, "f5_ms": statistics.median(f5),
                               "f5_details_ms": statistics.median(f5_details), "f5_runs_ms": [round(v) for v in f5],
                               "round_trip_ms": await _round_trip(infos, runs)}
        out["ratio"] = out["f5_ms"] / out["round_trip_ms"]
        await window.shutdown()
        window.close()
        await session.aclose()
    return out


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(measure(runs))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
