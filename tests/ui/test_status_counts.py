"""Honest counts: the Connections message and the tabs' summaries add up with what is connected, and a connected
server without rows says why — against the real demo simulators."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from pytestqt.qtbot import QtBot

from meetdesk.backends.base import Capability
from meetdesk.services.demo import DemoEnvironment
from meetdesk.services.session import ConnectionState, Session
from meetdesk.ui.main_window import MainWindow
from meetdesk.ui.tasks import activity
from tests.ui.conftest import OFFSCREEN_NOTE, until

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)


@pytest_asyncio.fixture
async def demo() -> AsyncIterator[tuple[DemoEnvironment, Session]]:
    env = DemoEnvironment().start()
    session = await env.open_session()
    try:
        yield env, session
    finally:
        await activity().cancel_all()
        await session.aclose()
        env.stop()


@pytest.mark.asyncio
async def test_counts_add_up_with_three_servers_one_without_rooms(
        qtbot: QtBot, demo: tuple[DemoEnvironment, Session]) -> None:
    _env, session = demo
    window = MainWindow(session, demo=True)
    qtbot.addWidget(window)
    messages: list[str] = []
    window.connections.message.connect(messages.append)
    # one server is connected before "Connect all" runs: the message still counts every profile
    first = next(iter(session.connections))
    await session.connect(first)
    task = window.connections.connect_all()
    assert task is not None
    await task
    total = len(session.connections)
    assert all(c.state is ConnectionState.CONNECTED for c in session.connections.values())
    assert messages[-1] == f"Connected {total} of {total} servers."

    rooms_tab = window.rooms_tab
    await until(lambda: "connected servers" in rooms_tab.summary.text(), what="the rooms summary")
    text = rooms_tab.summary.text()
    rooms = sum(len(c.rooms) for c in session.connections.values())
    assert text.startswith(f"{rooms} rooms from {total} connected servers")
    roomless = [c.profile.name for c in session.connections.values() if not c.rooms]
    assert roomless, "the demo's legacy OpenMeetings server lists no rooms"
    for name in roomless:  # each says why, in words of its own
        assert f"“{name}” has none: it cannot list" in text
    # servers without a calendar share one sentence instead of one each
    meetings_tab = window.meetings_tab
    await until(lambda: "connected servers" in meetings_tab.summary.text(), what="the meetings summary")
    calendarless = [f"“{c.profile.name}”" for c in session.connections.values()
                    if not c.meetings and not c.refresh_error and
                    Capability.LIST_MEETINGS not in c.capabilities]
    assert len(calendarless) > 2
    assert (f"{', '.join(calendarless[:-1])} and {calendarless[-1]} have none: they have no calendar meetdesk "
            "can read") in meetings_tab.summary.text()
