"""The Meetings tab: local times with zone, the range shown, cancel with confirmation, the editor."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Meeting, Profile
from meetdesk.services.session import Session
from meetdesk.ui import local_time
from meetdesk.ui.meeting_dialog import MeetingDialog
from meetdesk.ui.meetings_tab import EMPTY_NOT_CONNECTED, MeetingsTab, meeting_over
from meetdesk.ui.table_models import ROW_ROLE
from tests.ui.conftest import OFFSCREEN_NOTE, until
from tests.ui.fake_backend import connect_fake, qt_hygiene  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)



@pytest.fixture
def lisbon(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The user's computer is in Lisbon."""
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def make_tab(qtbot: QtBot, session: Session) -> MeetingsTab:
    tab = MeetingsTab(session)
    qtbot.addWidget(tab)
    tab.resize(1000, 500)
    tab.show()
    return tab


def titles(tab: MeetingsTab) -> list[str]:
    return [tab.proxy.index(r, 0).data(ROW_ROLE).title for r in range(tab.proxy.rowCount())]


def select(tab: MeetingsTab, title: str) -> Meeting:
    for r in range(tab.proxy.rowCount()):
        meeting: Meeting = tab.proxy.index(r, 0).data(ROW_ROLE)
        if meeting.title == title:
            tab.table.selectRow(r)
            return meeting
    raise AssertionError(f"no meeting {title!r} in {titles(tab)}")


def confirm_box(tab: MeetingsTab) -> QMessageBox:
    boxes = [b for b in tab.findChildren(QMessageBox, "confirmBox") if b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def click(box: QMessageBox, text: str) -> None:
    next(b for b in box.buttons() if b.text().replace("&", "") == text).click()


@pytest.mark.asyncio
async def test_empty_state(qtbot: QtBot, session: Session) -> None:
    tab = make_tab(qtbot, session)
    assert tab.overlay.isVisible() and tab.overlay.text() == EMPTY_NOT_CONNECTED
    assert not tab.new_action.isEnabled()


@pytest.mark.asyncio
async def test_meetings_in_local_time_with_zone_and_range_stated(qtbot: QtBot, session: Session,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 lisbon: None) -> None:
    await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    assert titles(tab) == ["Planning", "Review"]  # by start time
    planning = select(tab, "Planning")
    start_text = tab.model.text(tab.proxy.mapToSource(tab.proxy.index(0, 0)).row(), "start")
    lisbon_start = planning.start.astimezone(local_time.zone("Europe/Lisbon"))
    assert start_text == local_time.format_short(lisbon_start)  # the year only when it is not this one
    assert not start_text.endswith((" WET", " WEST"))  # the zone is said once, above the table
    assert tab.model.index(0, tab.model.column_of("start")).data(Qt.ItemDataRole.ToolTipRole) \
        .splitlines()[0] == local_time.format_datetime(lisbon_start)  # and in the cell's tooltip
    begin, end = session.meeting_window()
    assert tab.range_label.text().startswith(f"Meetings from {local_time.format_datetime(begin)} to "
                                             f"{local_time.format_datetime(end)}")
    assert "(Europe/Lisbon)" in tab.range_label.text()
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    assert headers == ["Title", "Start", "End", "Room", "Owner", "Profile", "Status", "Seats"]


@pytest.mark.asyncio
async def test_sorting_by_start_is_chronological(qtbot: QtBot, session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    now = datetime.now(UTC)
    # "Fri…" sorts before "Mon…" as text; the table must sort by time
    for i, days in enumerate((1, 4, 9)):
        state.meetings[f"x{i}"] = Meeting(id=f"x{i}", title=f"M{days}", start=now + timedelta(days=days),
                                          end=now + timedelta(days=days, hours=1))
    await session.refresh()
    tab = make_tab(qtbot, session)
    tab.table.sortByColumn(tab.model.column_of("start"), Qt.SortOrder.DescendingOrder)
    assert titles(tab)[:3] == ["M9", "M4", "Review"]
    tab.search.setText("m4")
    assert titles(tab) == ["M4"]


@pytest.mark.asyncio
async def test_cancel_asks_and_keep_does_nothing(qtbot: QtBot, session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    select(tab, "Review")
    tab.cancel_action.trigger()
    box = confirm_box(tab)
    assert box.text().startswith("Cancel “Review” on ")
    click(box, "Keep meeting")
    await until(lambda: not box.isVisible(), what="the box to close")
    assert "cancel_meeting" not in state.calls

    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    click(confirm_box(tab), "Cancel meeting")
    await until(lambda: titles(tab) == ["Planning"], what="the meeting to go")
    assert "m2" not in state.meetings
    assert "Meeting “Review” cancelled." in tab.summary.text()


@pytest.mark.asyncio
async def test_new_meeting_appears_selected(qtbot: QtBot, session: Session,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    tab.new_action.trigger()
    dialog = tab.dialog
    assert isinstance(dialog, MeetingDialog)
    dialog.title_edit.setText("Retro")
    dialog.save()
    await until(lambda: "Retro" in titles(tab), what="the new meeting")
    selected = tab.selected_meeting()
    assert selected is not None and selected.title == "Retro"


@pytest.mark.asyncio
async def test_enter_edits_the_selected_meeting(qtbot: QtBot, session: Session,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    select(tab, "Planning")
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = tab.dialog
    assert isinstance(dialog, MeetingDialog) and dialog.meeting is not None and dialog.meeting.id == "m1"


@pytest.fixture
def openmeetings() -> Iterator[Any]:
    from meetdesk.simulators.host import SimulatorHost, build_simulator

    definition = build_simulator("openmeetings", seed=True, failed_login_delay=0)
    with SimulatorHost.for_definition(definition) as host:
        yield host


@pytest.mark.asyncio
async def test_schedule_and_cancel_against_the_openmeetings_simulator(qtbot: QtBot, session: Session,
                                                                      openmeetings: Any, lisbon: None) -> None:
    definition = openmeetings.definition
    await session.add_profile(Profile("OM", "openmeetings", openmeetings.base_url, fields=dict(definition.fields)),
                              definition.secret)
    await session.connect("OM")
    tab = make_tab(qtbot, session)
    seeded = len(session.connection("OM").meetings)
    assert seeded and tab.proxy.rowCount() == seeded

    tab.new_action.trigger()
    dialog = tab.dialog
    assert isinstance(dialog, MeetingDialog)
    dialog.title_edit.setText("Parents' evening")
    dialog.set_zone("Asia/Tokyo")
    start = (datetime.now(UTC) + timedelta(days=3)).astimezone(local_time.zone("Asia/Tokyo"))
    start = start.replace(hour=18, minute=0, second=0, microsecond=0)
    dialog.start_edit.setDateTime(QDateTime(start.date(), start.time(), QTimeZone.utc()))
    dialog.save()
    await until(lambda: "Parents' evening" in titles(tab), timeout=20, what="the appointment in the table")
    meeting = select(tab, "Parents' evening")
    assert meeting.start == start  # 18:00 in Tokyo, whatever zone the server works in
    shown = start.astimezone(local_time.zone("Europe/Lisbon"))
    row = tab.proxy.mapToSource(tab.table.selectionModel().selectedRows()[0]).row()
    assert tab.model.text(row, "start") == local_time.format_short(shown)

    tab.cancel_action.trigger()
    click(confirm_box(tab), "Cancel meeting")
    await until(lambda: "Parents' evening" not in titles(tab), timeout=20, what="the cancellation")
    assert tab.proxy.rowCount() == seeded


@pytest.mark.asyncio
async def test_day_week_custom_and_today_against_the_openmeetings_simulator(
        qtbot: QtBot, session: Session, openmeetings: Any, lisbon: None) -> None:
    from datetime import date

    from meetdesk.ui.meeting_range import CUSTOM, DAY, WEEK

    definition = openmeetings.definition
    await session.add_profile(Profile("OM", "openmeetings", openmeetings.base_url, fields=dict(definition.fields)),
                              definition.secret)
    await session.connect("OM")
    tab = make_tab(qtbot, session)
    bar = tab.range_bar
    zone = local_time.local_zone()

    def loaded_within() -> bool:
        start, end = session.meeting_window()
        meetings = session.connection("OM").meetings
        return all(m.end > start and m.start < end for m in meetings)

    bar.set_period(DAY)
    start, end = session.meeting_window()
    today = date.today()
    assert start == datetime.combine(today, datetime.min.time(), zone) and end - start == timedelta(days=1)
    await until(lambda: not session.connection("OM").refresh_error and loaded_within(), what="one day's meetings")
    assert all(m.start.astimezone(zone).date() <= today for m in session.connection("OM").meetings)
    assert f"Meetings from {local_time.format_datetime(start)}" in tab.range_label.text()

    bar.next.click()
    assert session.meeting_window()[0] == start + timedelta(days=1)
    bar.today.click()
    assert session.meeting_window()[0] == start

    bar.set_period(WEEK)
    week_start, week_end = session.meeting_window()
    assert week_start.weekday() == 0 and week_end - week_start == timedelta(days=7)
    assert week_start <= start < week_end

    bar.set_period(CUSTOM)
    assert bar.first.isVisible() and bar.last.isVisible()
    bar.last.setDate(bar.first.date().addDays(-3))  # an end before the start is corrected, not accepted
    assert bar.last.date() == bar.first.date()
    custom_start, custom_end = session.meeting_window()
    assert custom_end - custom_start == timedelta(days=1)
    await until(lambda: loaded_within(), what="the custom range's meetings")
    await session.aclose()


def test_a_meeting_is_over_when_its_server_says_ended_or_its_end_is_past() -> None:
    now = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    hour = timedelta(hours=1)
    past = Meeting("1", "Done", now - 2 * hour, now - hour)
    assert "over" in meeting_over(past, now)
    assert meeting_over(Meeting("2", "Later", now + hour, now + 2 * hour), now) == ""
    assert "has ended" in meeting_over(Meeting("3", "Ended early", now - hour, now + hour, extra={"state": "ended"}),
                                       now)
    # a running meeting that overruns, and a recurring series whose first date is past, can still be changed
    assert meeting_over(Meeting("4", "Overrun", now - 2 * hour, now - hour, extra={"state": "running"}), now) == ""
    assert meeting_over(Meeting("5", "Weekly", now - 2 * hour, now - hour, extra={"recurring": True}), now) == ""
