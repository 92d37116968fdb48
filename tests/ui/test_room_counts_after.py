"""F5 on OpenMeetings: the Rooms tab shows the rooms after one round trip, each with the user count it had, then
fills in the new counts when they arrive (a second round, off the critical path); counts that fail leave the rooms,
without their counts, and say so."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Profile
from meetdesk.services.session import Session
from meetdesk.ui.main_window import MainWindow
from meetdesk.ui.table_models import ROW_ROLE
from tests.held_requests import HeldRequests
from tests.ui.conftest import OFFSCREEN_NOTE, until

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)

COUNT_PATH = "/openmeetings/services/room/count"


@pytest.fixture
def openmeetings() -> Iterator[tuple[Any, HeldRequests]]:
    """The simulator, and its count requests, which the test can hold until it lets them through: "shown before
    the counts" then does not depend on the window showing the rooms within a latency a busy machine stretches."""
    from meetdesk.simulators.host import SimulatorHost, build_simulator

    definition = build_simulator("openmeetings")
    counts = HeldRequests(definition.app, lambda path: path.startswith(COUNT_PATH), holding=False)
    with SimulatorHost.for_definition(replace(definition, app=counts), tls=definition.tls) as host:
        yield host, counts


def participants(window: MainWindow) -> dict[str, str]:
    tab = window.rooms_tab
    column = next(c for c in range(tab.proxy.columnCount())
                  if tab.proxy.headerData(c, Qt.Orientation.Horizontal) == "Participants")
    return {tab.proxy.index(r, 0).data(ROW_ROLE).id: tab.proxy.index(r, column).data()
            for r in range(tab.proxy.rowCount())}


@pytest.mark.asyncio
async def test_rooms_first_then_their_user_counts(qtbot: QtBot, session: Session,
                                                 openmeetings: tuple[Any, HeldRequests]) -> None:
    host, counts = openmeetings
    definition = host.definition
    await session.add_profile(Profile("OM", "openmeetings", host.base_url, dict(definition.fields),
                                      ca_file=host.ca_file), definition.secret)
    await session.connect("OM")
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    await until(lambda: len(participants(window)) == 7, what="the rooms")
    before = participants(window)
    assert before["2"] == "2"

    room = definition.state.rooms[2]
    room.present.append(max(definition.state.users))  # someone joins room 2 before the next F5
    shown_at = session.connection("OM").refreshed_at
    counts.hold()
    refresh = asyncio.ensure_future(session.refresh("OM"))
    try:
        # the rooms are back (the list answered) while every count is held: each room shows the count it had
        # (the column does not go blank on every F5)
        await until(lambda: session.connection("OM").refreshed_at != shown_at, what="the rooms shown again")
        assert participants(window) == before and not refresh.done()
    finally:
        counts.open()
    await refresh
    await until(lambda: participants(window) == {**before, "2": "3"}, what="the new count filled in")

    host.faults.path_prefix, host.faults.error_rate = COUNT_PATH, 1.0  # every count now fails
    await session.refresh("OM")
    await until(lambda: "how many people" in window.bridge.last_warning, what="a warning about the counts")
    assert set(participants(window)) == set(before)  # the rooms stay
    assert set(participants(window).values()) == {""}  # without the counts they had: nothing stale looks current
    assert session.connection("OM").refresh_error == ""
    await window.shutdown()
