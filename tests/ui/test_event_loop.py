"""The window's event loop lets go of a cancelled timer at once (qasync alone keeps it until it would have fired:
every HTTP deadline of a refresh, 60 s each — thousands of Qt timers and handles after one F5 at 100,000 rooms)."""

from __future__ import annotations

import asyncio

import qasync
from PySide6.QtWidgets import QApplication

from meetdesk.ui.event_loop import EventLoop


def _waiting(loop: asyncio.AbstractEventLoop) -> int:
    if isinstance(loop, EventLoop):
        return loop.pending_timers()
    return len(loop._timer._SimpleTimer__callbacks)  # type: ignore[attr-defined]  # qasync's own


def _calls_with_deadlines(loop: asyncio.AbstractEventLoop, count: int) -> tuple[int, list[str]]:
    """``count`` calls under a 60 s deadline each (as ``backends/http.py`` does), then a timer that fires; how
    many timers still wait afterwards, and what ran."""
    ran: list[str] = []

    async def answer(n: int) -> int:
        await asyncio.sleep(0)
        return n

    async def calls() -> int:
        for n in range(count):
            async with asyncio.timeout(60):
                await answer(n)
        loop.call_later(0.01, ran.append, "fired")
        cancelled = loop.call_later(0.01, ran.append, "cancelled")
        cancelled.cancel()
        await asyncio.sleep(0.05)
        return _waiting(loop)

    asyncio.set_event_loop(loop)
    try:
        with loop:
            return loop.run_until_complete(calls()), ran
    finally:
        asyncio.set_event_loop(None)


def test_cancelled_deadlines_leave_no_timers_behind() -> None:
    app = QApplication.instance() or QApplication([])
    waiting, ran = _calls_with_deadlines(EventLoop(app), 500)
    assert waiting == 0
    assert ran == ["fired"]


def test_plain_qasync_keeps_them_which_is_why_meetdesk_has_its_own_loop() -> None:
    # if this starts failing, qasync releases cancelled timers itself and ui/event_loop.py can go
    app = QApplication.instance() or QApplication([])
    waiting, _ran = _calls_with_deadlines(qasync.QEventLoop(app), 500)
    assert waiting >= 500
