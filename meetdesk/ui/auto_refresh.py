"""Refresh every connected server on its own, at the interval the user chose (View → Auto-refresh).

A server whose refresh fails is asked again later and later (the interval doubled per failure, at most
:data:`MAX_BACKOFF_S`), so a broken server is not hammered; success brings it back to the interval. While the
machine is offline (Qt's network information says so) nothing is asked at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from meetdesk.ui.window_menus import INTERVALS

if TYPE_CHECKING:
    from meetdesk.services.session import Session

__all__ = ["INTERVALS", "AutoRefresh", "network_online"]

log = logging.getLogger("meetdesk.ui.auto_refresh")

MAX_BACKOFF_S = 900.0
TICK_MS = 1000


def network_online() -> bool:
    """False only when Qt knows the machine is offline; True when it cannot tell (no backend on this system)."""
    try:
        from PySide6.QtNetwork import QNetworkInformation
    except ImportError:  # pragma: no cover - QtNetwork ships with PySide6-Essentials
        return True
    info = QNetworkInformation.instance()
    if info is None:
        if not QNetworkInformation.loadDefaultBackend():
            return True
        info = QNetworkInformation.instance()
        if info is None:
            return True
    return info.reachability() is not QNetworkInformation.Reachability.Disconnected


class AutoRefresh(QObject):
    """Signals: paused(str) — why nothing is refreshed right now ("" when running again)."""

    paused = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None, *,
                 online: Callable[[], bool] = network_online, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.session = session
        self.interval_s = 0.0
        self._online = online
        self._clock = clock
        self._due: dict[str, float] = {}
        self._failures: dict[str, int] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        self._paused_reason = ""
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    def set_interval(self, seconds: float) -> None:
        """0 turns it off. The first refresh is one interval from now."""
        self.interval_s = max(0.0, float(seconds))
        self._due.clear()
        self._failures.clear()
        if self.interval_s:
            self._timer.setInterval(min(TICK_MS, max(50, int(self.interval_s * 250))))
            self._timer.start()
        else:
            self._timer.stop()
            self._set_paused("")

    def delay(self, name: str) -> float:
        """Seconds until ``name`` is asked again after its latest result: the interval, doubled per failure."""
        failures = self._failures.get(name, 0)
        return min(self.interval_s * (2 ** failures), max(MAX_BACKOFF_S, self.interval_s)) if failures else \
            self.interval_s

    def failures(self, name: str) -> int:
        return self._failures.get(name, 0)

    def tick(self) -> None:
        if not self.interval_s:
            return
        if not self._online():
            self._set_paused("Auto-refresh paused: this computer is offline.")
            return
        self._set_paused("")
        now = self._clock()
        for name, conn in list(self.session.connections.items()):
            if conn.provider is None or name in self._running:
                continue
            if self.session.refreshing(name):  # F5 (or a change) refreshes it now: the interval starts again
                self._due[name] = now + self.delay(name)
                continue
            due = self._due.setdefault(name, now + self.interval_s)
            if now >= due:
                self._running[name] = asyncio.ensure_future(self._refresh(name))

    async def _refresh(self, name: str) -> None:
        try:
            await self.session.refresh(name, raise_errors=False)
        except Exception:  # a refresh that breaks must not end auto-refresh for good
            log.exception("auto-refresh of %s failed", name)
        finally:
            self._running.pop(name, None)
        conn = self.session.connections.get(name)
        if conn is None:
            return
        self._failures[name] = self._failures.get(name, 0) + 1 if conn.refresh_error else 0
        self._due[name] = self._clock() + self.delay(name)

    def _set_paused(self, reason: str) -> None:
        if reason != self._paused_reason:
            self._paused_reason = reason
            self.paused.emit(reason)

    async def stop(self) -> None:
        if isValid(self._timer):  # the window (and with it the timer) may already be gone when shutdown runs
            self._timer.stop()
        running = list(self._running.values())
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
