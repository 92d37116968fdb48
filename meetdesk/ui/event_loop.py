"""The window's asyncio loop: qasync's, with timers that are let go of when they are cancelled.

qasync (0.28) runs every ``call_later`` / ``call_at`` on a Qt timer and keeps the handle until that timer fires —
also when the handle was cancelled long before. Every HTTP call sets its deadline that way (``asyncio.timeout``,
60 s by default, cancelled when the answer is in): one F5 of OpenMeetings asks for 2,000 user counts, so 2,000 Qt
timers, handles and contexts stayed alive for a minute after each refresh, ~25 MiB of heap at 100,000 rooms (and
pinned the memory the refresh's large answers had used). Here a cancelled handle stops its Qt timer at once.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any

import qasync
from PySide6.QtCore import QObject, QTimerEvent


class _Timers(QObject):
    """One Qt timer per pending callback; a cancelled one is stopped and forgotten right away."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[int, ReleasingHandle] = {}
        self.stopped = False

    def add(self, handle: ReleasingHandle, delay: float) -> ReleasingHandle:
        timer_id = self.startTimer(int(max(0.0, delay) * 1000))
        self.pending[timer_id] = handle
        handle.release = lambda: self.forget(timer_id)
        return handle

    def forget(self, timer_id: int) -> None:
        if self.pending.pop(timer_id, None) is not None:
            self.killTimer(timer_id)

    def timerEvent(self, event: QTimerEvent) -> None:
        timer_id = event.timerId()
        self.killTimer(timer_id)
        handle = self.pending.pop(timer_id, None)
        if handle is None or self.stopped:
            return
        handle.release = None
        if not handle.cancelled():
            handle._run()

    def stop(self) -> None:
        self.stopped = True
        for timer_id in list(self.pending):
            self.forget(timer_id)


class ReleasingHandle(asyncio.Handle):
    """A handle that stops its Qt timer when it is cancelled."""

    __slots__ = ("release",)

    def __init__(self, callback: Callable[..., object], args: tuple[Any, ...], loop: asyncio.AbstractEventLoop,
                 context: contextvars.Context | None = None) -> None:
        super().__init__(callback, args, loop, context=context)
        self.release: Callable[[], None] | None = None

    def cancel(self) -> None:
        super().cancel()
        release, self.release = self.release, None
        if release is not None:
            release()


class EventLoop(qasync.QEventLoop):
    """qasync's loop whose timers are released when cancelled (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._releasing_timers = _Timers()

    def call_later(self, delay: float, callback: Callable[..., object], *args: Any,
                   context: contextvars.Context | None = None) -> asyncio.Handle:
        if asyncio.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with call_later")
        if not callable(callback):
            raise TypeError(f"callback must be callable: {type(callback).__name__}")
        return self._releasing_timers.add(ReleasingHandle(callback, args, self, context=context), delay)

    def close(self) -> None:
        self._releasing_timers.stop()
        super().close()

    def pending_timers(self) -> int:
        """How many callbacks wait for their timer (for tests)."""
        return len(self._releasing_timers.pending)
