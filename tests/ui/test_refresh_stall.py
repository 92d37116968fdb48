"""A refresh that brings a server's 20,000 rooms never holds the Rooms tab's event loop: what a block of rows
needs before it is shown (row keys, sort keys, search texts, the kinds of its extra values) is made on a worker
thread, and the UI thread only swaps it in (``ui/row_blocks.py``, ``TableTab._load_off_thread``).

The bounds are on what the UI thread does, not on wall-clock time: per-row work counted, and the CPU time of
its longest step (``time.thread_time``: a loaded machine does not stretch it the way it stretches wall time).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Room
from meetdesk.services.session import Session
from meetdesk.ui.rooms_tab import RoomsTab
from meetdesk.ui.table_models import ROW_ROLE, RoomsModel
from meetdesk.ui.table_tab import TableTab
from tests.ui.conftest import OFFSCREEN_NOTE, until
from tests.ui.fake_backend import connect_fake, qt_hygiene  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)

ROOMS = 20_000
#: the longest UI-thread step allowed (CPU). Making 20,000 rooms ready on the UI thread took 50-70 ms of CPU
#: here; swapping a ready block in takes ~5 ms.
STEP_CPU_S = 0.025
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _rooms(count: int, people: int) -> dict[str, Room]:
    return {f"r{i}": Room(id=f"r{i}", name=f"Room {i}", status="open", participant_count=people,
                          created=T0 + timedelta(minutes=i), extra={"capacity": 10 + i % 40, "region": "eu"})
            for i in range(count)}


def _on_ui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@pytest.mark.asyncio
async def test_twenty_thousand_rooms_arrive_without_a_long_step_on_the_ui_thread(
        qtbot: QtBot, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[tuple[float, str]] = []

    def measured(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return func(*args, **kwargs)
            finally:
                if _on_ui_thread():
                    steps.append((time.thread_time() - started, name))
        return step

    # the tab's slots are connected when it is made: measured from the start
    monkeypatch.setattr(TableTab, "_refresh_pending", measured("load", TableTab._refresh_pending))
    monkeypatch.setattr(RoomsModel, "set_room_blocks", measured("rows in", RoomsModel.set_room_blocks))
    state = await connect_fake(session, monkeypatch, "Office", seeded=False)
    state.rooms = _rooms(ROOMS, people=0)
    tab = RoomsTab(session)
    qtbot.addWidget(tab)
    tab.resize(1000, 500)
    tab.show()
    await session.refresh("Office")
    await until(lambda: tab.model.total() == ROOMS, what="the first 20,000 rooms shown")
    tab.table.selectRow(7)  # a coordinator has a room selected while F5 brings new data
    chosen = tab.proxy.index(7, 0).data(ROW_ROLE)

    keys_on_ui = 0
    row_key = RoomsModel.row_key

    def counted_row_key(model: RoomsModel, row: Room) -> tuple[str, str]:
        nonlocal keys_on_ui
        keys_on_ui += _on_ui_thread()
        return row_key(model, row)

    monkeypatch.setattr(RoomsModel, "row_key", counted_row_key)
    steps.clear()
    state.rooms = _rooms(ROOMS, people=3)
    await session.refresh("Office")
    await until(lambda: tab.model.total() == ROOMS and tab.model.row(0).participant_count == 3,
                what="the refreshed rooms shown")

    assert keys_on_ui < 100, f"{keys_on_ui} row keys made on the UI thread (one per selected cell is enough)"
    longest, what = max(steps)
    assert longest < STEP_CPU_S, f"the UI thread spent {longest * 1000:.0f} ms in one step ({what})"
    selected = tab.table.selectionModel().selectedRows()
    assert [tab.proxy.data(i, ROW_ROLE).id for i in selected] == [chosen.id]  # the selection followed its room
    assert tab.summary.text().startswith(f"{ROOMS} rooms")


@pytest.mark.asyncio
async def test_a_search_typed_before_the_rows_arrive_applies_to_them(
        qtbot: QtBot, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch, "Office", seeded=False)
    tab = RoomsTab(session)
    qtbot.addWidget(tab)
    tab.search.setText("room 1234")
    state.rooms = _rooms(ROOMS, people=0)
    await session.refresh("Office")
    await until(lambda: tab.model.total() == ROOMS, what="the rooms shown")
    shown = sorted(tab.proxy.data(tab.proxy.index(r, 0), ROW_ROLE).name for r in range(tab.proxy.rowCount()))
    expected = sorted(f"Room {i}" for i in range(ROOMS) if "1234" in str(i))  # each word in any column
    assert shown == expected
    assert tab.summary.text().startswith(f"{len(expected)} of {ROOMS} rooms shown")


@pytest.mark.asyncio
async def test_a_newer_load_wins_over_rows_still_being_made_ready(
        qtbot: QtBot, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch, "Office", seeded=False)
    tab = RoomsTab(session)
    qtbot.addWidget(tab)
    state.rooms = _rooms(ROOMS, people=0)
    await session.refresh("Office")
    tab._refresh_pending()  # the refresh's rooms are being made ready on the worker thread …
    assert tab.model.total() < ROOMS
    state.rooms = _rooms(3, people=1)
    await session.refresh("Office")
    tab.refresh_view()  # … when a full load (another filter, say) takes the newest rooms at once
    assert tab.model.total() == 3
    await until(lambda: not tab.loading(), what="the stale rows dropped")
    assert tab.model.total() == 3 and {r.participant_count for r in tab.model.all_rows()} == {1}
