"""The memory of the real large demo: ``meetdesk --demo --seed-rooms N`` once the rooms are shown, and after F5.

``python -m benchmarks.memory_demo [ROOMS] [F5S]`` (default 100000 and 3) runs meetdesk's real ``main()`` in this
process (offscreen, a throwaway config dir; the demo servers in their own processes, real HTTP and parsing, every
demo back end connected, the composer built), waits until every profile is connected, the Rooms tab shows the
``ROOMS`` rooms (and the rest), the details that follow a refresh are in and nothing runs any more, and prints one
JSON object:

* ``rss_mib`` — the process's resident memory then (VmRSS), ``peak_mib`` — its peak so far (VmHWM);
* ``rss_after_f5_mib`` — the resident memory after each of ``F5S`` refreshes (``window.refresh_all()``, awaited,
  then idle again); ``peak_after_f5_mib`` — the peak after the last;
* ``rows`` — the rows the Rooms tab shows, ``ready_s`` — seconds from the first paint until it was idle.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from typing import Any

ROOMS = 100_000
F5S = 3
#: the longest wait for the window to be idle (each time)
TIMEOUT_S = 90.0
#: how long nothing must run (no operation, no task but the window's own) before memory is read
SETTLE_S = 1.0


def status_mib(field: str) -> float:
    """``field`` (VmRSS, VmHWM) of /proc/self/status in MiB (0 where there is no /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _name(task: asyncio.Task[Any]) -> str:
    return str(getattr(task.get_coro(), "__name__", ""))


def _rooms_tab(window: Any) -> Any:
    return window.rooms_tab


def run(argv: list[str], rooms: int, f5s: int, probe: Any = None) -> dict[str, Any]:
    """``probe(window, label)``, when given, is called at each idle point (for diagnosis)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    from meetdesk.ui import startup
    from meetdesk.ui.main_window import MainWindow

    result: dict[str, Any] = {}

    def busy(window: MainWindow) -> bool:
        """Whether anything still runs: an operation, a task other than the window's own and this benchmark's,
        or the Rooms tab's search index being built in idle time."""
        from meetdesk.ui.tasks import activity

        mine = {"run_attached", "measure"}
        others = [t for t in asyncio.all_tasks() if not t.done() and _name(t) not in mine]
        tab = _rooms_tab(window)
        return bool(activity().count or others or not tab.model.index_complete())

    async def idle(window: MainWindow, want: int) -> None:
        """Until every profile is connected, the Rooms tab shows at least ``want`` rows and nothing has run for
        :data:`SETTLE_S`."""
        quiet_since, started = None, time.perf_counter()
        while True:
            conns = window.session.connections.values()
            ready = (bool(conns) and all(c.state.name == "CONNECTED" for c in conns)
                     and _rooms_tab(window).proxy.rowCount() >= want and not busy(window))
            now = time.perf_counter()
            if not ready:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= SETTLE_S:
                return
            if now - started > TIMEOUT_S:
                from meetdesk.ui.tasks import activity

                states = {n: c.state.name for n, c in window.session.connections.items()}
                tasks = [_name(t) for t in asyncio.all_tasks() if not t.done()]
                raise TimeoutError(f"not idle after {TIMEOUT_S:.0f} s: {states}, "
                                   f"{_rooms_tab(window).proxy.rowCount()} rows, operations {activity().count}, "
                                   f"tasks {tasks}, index complete: {_rooms_tab(window).model.index_complete()}")
            await asyncio.sleep(0.05)

    async def measure(window: MainWindow) -> None:
        try:
            while not (window.is_attached and type(window.composer).__name__ == "JoinLinkComposer"):
                await asyncio.sleep(0.05)
            await idle(window, rooms)
            result["ready_s"] = round(time.perf_counter() - painted[0], 1)
            result["rows"] = _rooms_tab(window).proxy.rowCount()
            result["rss_mib"], result["peak_mib"] = status_mib("VmRSS"), status_mib("VmHWM")
            if probe is not None:
                probe(window, "shown")
            after = result["rss_after_f5_mib"] = []
            for _ in range(f5s):
                task = window.refresh_all()
                if task is not None:
                    await task
                await idle(window, rooms)
                after.append(status_mib("VmRSS"))
                if probe is not None:
                    probe(window, f"F5 {len(after)}")
            result["peak_after_f5_mib"] = status_mib("VmHWM")
        except Exception as exc:
            result["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            window.close()

    painted = [0.0]

    class FirstPaint(QObject):
        def __init__(self, window: MainWindow) -> None:
            super().__init__(window)
            self.window = window
            window.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if watched is self.window and event.type() == QEvent.Type.Paint and not painted[0]:
                painted[0] = time.perf_counter()
                self.window.removeEventFilter(self)
            return False

    original_paint_first = startup.paint_first
    original_composer_steps = MainWindow.composer_steps

    def paint_first(app: Any, window: MainWindow, modules: Any, **options: Any) -> bool:
        FirstPaint(window)
        return original_paint_first(app, window, modules, **options)

    def composer_steps(self: MainWindow) -> Any:
        yield from original_composer_steps(self)
        # in the qasync loop now: watch from a task of its own
        QTimer.singleShot(0, lambda: asyncio.ensure_future(measure(self)))

    startup.paint_first = paint_first
    MainWindow.composer_steps = composer_steps  # type: ignore[method-assign]
    from meetdesk.__main__ import main as meetdesk_main

    result["exit_code"] = meetdesk_main(argv)
    return result


def main() -> int:
    rooms = int(sys.argv[1]) if len(sys.argv) > 1 else ROOMS
    f5s = int(sys.argv[2]) if len(sys.argv) > 2 else F5S
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["MEETDESK_CONFIG_DIR"] = tempfile.mkdtemp(prefix="meetdesk-memory-")
    os.environ["MEETDESK_LOG_FILE"] = ""
    os.environ.pop("MEETDESK_EXIT_AFTER_PAINT", None)
    result = run(["--demo", "--seed-rooms", str(rooms)], rooms, f5s)
    print(json.dumps(result), flush=True)
    return 0 if "error" not in result and result.get("exit_code") == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
