"""meetdesk benchmark: ``python -m benchmarks.run [--quick] [--json]``.

Measures, on this machine, what a coordinator waits for:

* ``startup``: ``python -m meetdesk --demo`` from process start to the first painted main window (median of runs);
* ``connect_all``: the demo session connecting every back end and loading its rooms and meetings;
* ``refresh_all``: one F5 — every connected profile refreshed concurrently;
* ``join_link``: one plugNmeet join link (signed API call, JWT, custom_design encoding) against the simulator;
* ``table_load`` / ``table_sort`` / ``table_search``: 20,000 rooms put into the Rooms table model, sorted by
  creation time, filtered by a two-word search.

It is a benchmark, not a test: it asserts nothing and prints numbers (milliseconds, median and p90).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 2), "p90_ms": round(p90, 2), "runs": len(ordered)}


def _time_ms(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


async def _atime_ms(fn: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await fn()
    return (time.perf_counter() - started) * 1000


def bench_startup(runs: int) -> dict[str, float]:
    samples = []
    env = {**os.environ, "MEETDESK_EXIT_AFTER_PAINT": "1", "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-m", "meetdesk", "--demo"], env=env, capture_output=True, text=True,
                             timeout=120, check=True).stdout
        painted = [line for line in out.splitlines() if line.startswith("painted ")]
        samples.append(float(painted[0].split()[1]))
    return _summary(samples)


async def bench_session(runs: int) -> dict[str, dict[str, float]]:
    from meetdesk.domain.models import JoinRequest
    from meetdesk.services.demo import DemoEnvironment

    connect, refresh, links = [], [], []
    with DemoEnvironment() as env:
        for _ in range(runs):
            session = await env.open_session()
            connect.append(await _atime_ms(session.connect_all))
            for _ in range(3):
                refresh.append(await _atime_ms(session.refresh))
            pnm = next(n for n, c in session.connections.items() if c.profile.kind == "plugnmeet")
            room = session.connection(pnm).rooms[0].id
            request = JoinRequest(room_id=room, display_name="Ada Lovelace",
                                  design={"primary_color": "#004D90", "header_bg_color": "#FFFFFF"})
            for _ in range(10):
                links.append(await _atime_ms(lambda s=session, p=pnm, r=request: s.join_link(p, r)))
            await session.aclose()
    return {"connect_all": _summary(connect), "refresh_all": _summary(refresh), "join_link": _summary(links)}


def bench_tables(rows: int, runs: int) -> dict[str, dict[str, float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from meetdesk.domain.models import Room
    from meetdesk.ui.table_models import RoomsModel, SearchProxy

    app = QApplication.instance() or QApplication([])
    now = datetime.now(UTC)
    words = ["Board", "Seminar", "Lecture", "Standup", "Review", "Workshop", "Clinic", "Office hours"]
    rooms = [Room(id=f"room-{i}", name=f"{words[i % len(words)]} {i}", profile=f"Server {i % 4}", kind="plugnmeet",
                  running=i % 3 == 0, participant_count=i % 50, created=now - timedelta(minutes=i))
             for i in range(rows)]
    load, sort, search = [], [], []
    for _ in range(runs):
        model = RoomsModel()
        proxy = SearchProxy()
        proxy.setSourceModel(model)
        # each step ends by reading through the proxy, so lazy filtering or mapping is counted too
        load.append(_time_ms(lambda m=model, p=proxy: (m.set_rooms(rooms), p.rowCount(), p.index(0, 0).data())))
        col = model.column_of("created")
        sort.append(_time_ms(lambda p=proxy, c=col: (p.sort(c, Qt.SortOrder.DescendingOrder), p.rowCount(),
                                                     p.index(0, 0).data())))
        search.append(_time_ms(lambda p=proxy: (p.set_search("seminar server 2"), p.rowCount(),
                                                p.index(0, 0).data())))
        assert 0 < proxy.rowCount() < rows
    del app
    return {f"table_load_{rows}": _summary(load), f"table_sort_{rows}": _summary(sort),
            f"table_search_{rows}": _summary(search)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (for a smoke check)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    runs = 2 if args.quick else 5
    results: dict[str, Any] = {"machine": {"python": sys.version.split()[0], "cpus": os.cpu_count()}}
    results.update(bench_tables(20_000, runs))
    results.update(asyncio.run(bench_session(runs)))
    results["startup_demo_to_painted"] = bench_startup(runs)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, value in results.items():
            if name == "machine":
                print(f"{'machine':28} python {value['python']}, {value['cpus']} CPUs")
                continue
            median, p90, runs = value["median_ms"], value["p90_ms"], value["runs"]
            print(f"{name:28} median {median:9.2f} ms   p90 {p90:9.2f} ms   ({runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
