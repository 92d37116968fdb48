"""After the first paint: how long the event loop is ever busy until the window is built and connected.

``python -m benchmarks.startup_stall [--demo]`` runs ``meetdesk`` in this process (offscreen, a throwaway config
dir) and prints one JSON object:

* ``stall_ms`` — the longest gap between two ticks of a 5 ms timer, from the first paint until the window is
  attached, its composer built and every profile connected (``connected_ms`` after the paint);
  ``stall_cpu_ms`` — the most CPU time the UI thread itself used between two ticks (on a loaded machine a gap
  may be mostly waiting for a core); ``gaps_over_50ms`` — [ms after the paint, gap, UI thread's CPU ms];
* ``modules_at_paint`` — how many modules were imported when the window was first painted, and
  ``heavy_at_paint`` — which of :data:`HEAVY` (what the first paint must not wait for) already were;
* ``steps_ms`` — how long each step of :meth:`MainWindow.attach_steps` and :meth:`MainWindow.composer_steps`
  took.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

#: modules the first paint must not import (``tests/ui/test_startup_frame.py`` asserts it)
HEAVY = ("asyncio", "qasync", "httpx", "keyring", "filelock", "platformdirs", "ssl", "concurrent.futures",
         "meetdesk.domain.models", "meetdesk.backends.base", "meetdesk.services.session",
         "meetdesk.services.profile_store", "meetdesk.services.demo", "meetdesk.simulators.host", "uvicorn",
         "meetdesk.ui.rooms_tab", "meetdesk.ui.meetings_tab", "meetdesk.ui.connections_panel", "meetdesk.ui.tray",
         "meetdesk.ui.composer")
TICK_MS = 5
TIMEOUT_S = 90.0


def run(argv: list[str]) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer

    from meetdesk.ui import startup
    from meetdesk.ui.main_window import MainWindow

    result: dict[str, Any] = {"steps_ms": {}}

    class Watcher(QObject):
        def __init__(self, window: MainWindow) -> None:
            super().__init__(window)
            self.window = window
            self.painted_at = 0.0
            self.last = 0.0
            self.longest = 0.0
            self.last_cpu = 0.0
            self.longest_cpu = 0.0
            self.timer = QTimer(self)
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(TICK_MS)
            self.timer.timeout.connect(self.tick)
            window.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if watched is self.window and event.type() == QEvent.Type.Paint and not self.painted_at:
                modules = set(sys.modules)
                result["modules_at_paint"] = len(modules)
                result["heavy_at_paint"] = sorted(m for m in HEAVY if m in modules)
                self.painted_at = self.last = time.perf_counter()
                self.last_cpu = time.thread_time()
                self.timer.start()
            return False

        def tick(self) -> None:
            now, cpu = time.perf_counter(), time.thread_time()
            gap, busy = now - self.last, cpu - self.last_cpu
            if gap > 0.05:
                result.setdefault("gaps_over_50ms", []).append(
                    [round((self.last - self.painted_at) * 1000), round(gap * 1000), round(busy * 1000)])
            self.longest = max(self.longest, gap)
            self.longest_cpu = max(self.longest_cpu, busy)
            self.last, self.last_cpu = now, cpu
            window = self.window
            done = window.is_attached and type(window.composer).__name__ == "JoinLinkComposer" and all(
                conn.state.name == "CONNECTED" for conn in window.session.connections.values())
            if done and window.demo and not window.session.connections:
                done = False  # the demo's profiles are added once its servers run
            timed_out = now - self.painted_at > TIMEOUT_S
            if done or timed_out:
                self.timer.stop()
                result["stall_ms"] = round(self.longest * 1000, 1)
                result["stall_cpu_ms"] = round(self.longest_cpu * 1000, 1)
                result["connected_ms"] = round((now - self.painted_at) * 1000)
                result["timed_out"] = timed_out
                result["profiles"] = len(window.session.connections) if window.is_attached else 0
                QTimer.singleShot(0, window.close)

    original_paint_first = startup.paint_first
    original_steps = MainWindow.attach_steps
    original_composer_steps = MainWindow.composer_steps

    def paint_first(app: Any, window: MainWindow, modules: Any, on_painted: Any = None) -> bool:
        Watcher(window)
        return original_paint_first(app, window, modules, on_painted)

    def attach_steps(self: MainWindow, session: Any) -> Iterator[str]:
        return timed(original_steps(self, session), "icon, bridge, auto-refresh")

    def composer_steps(self: MainWindow) -> Iterator[str]:
        return timed(original_composer_steps(self), "the composer's design panel")

    def timed(steps: Iterator[str], label: str) -> Iterator[str]:
        while True:
            started = time.perf_counter()
            try:
                following = next(steps)
            except StopIteration:
                result["steps_ms"][label] = round((time.perf_counter() - started) * 1000, 1)
                return
            result["steps_ms"][label] = round((time.perf_counter() - started) * 1000, 1)
            result.setdefault("steps_at", []).append(label)
            label = following
            yield following

    startup.paint_first = paint_first
    MainWindow.attach_steps = attach_steps  # type: ignore[method-assign]
    MainWindow.composer_steps = composer_steps  # type: ignore[method-assign]
    from meetdesk.__main__ import main as meetdesk_main

    result["exit_code"] = meetdesk_main(argv)
    return result


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["MEETDESK_CONFIG_DIR"] = tempfile.mkdtemp(prefix="meetdesk-stall-")
    os.environ["MEETDESK_LOG_FILE"] = ""
    os.environ.pop("MEETDESK_EXIT_AFTER_PAINT", None)
    print(json.dumps(run(sys.argv[1:])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
