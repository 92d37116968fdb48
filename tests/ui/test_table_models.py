"""Rooms/meetings/recordings table models and the search proxy."""

from __future__ import annotations

import time
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from meetdesk.backends.base import Column
from meetdesk.domain.models import Meeting, Participant, Recording, Room
from meetdesk.ui import local_time
from meetdesk.ui.table_models import (
    ROW_ROLE,
    SORT_ROLE,
    MeetingsModel,
    RecordingsModel,
    RoomsModel,
    SearchProxy,
)
from tests.ui import fake_backend
from tests.ui.fake_backend import qt_hygiene  # noqa: F401 - autouse fixture

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
T0 = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)


def _room(i: str, name: str, *, count: int | None = None, created: datetime | None = None, profile: str = "p1",
          **kw: object) -> Room:
    return Room(id=i, name=name, profile=profile, kind="fake", participant_count=count, created=created,
                **kw)  # type: ignore[arg-type]


def _proxy(model: RoomsModel | MeetingsModel | RecordingsModel) -> SearchProxy:
    proxy = SearchProxy()
    proxy.setSourceModel(model)
    return proxy


def _column(proxy: SearchProxy, key: str) -> list[str]:
    model = proxy.sourceModel()
    assert isinstance(model, RoomsModel | MeetingsModel | RecordingsModel)
    col = model.column_of(key)
    return [proxy.index(r, col).data() for r in range(proxy.rowCount())]


def test_rooms_fixed_columns_and_profile(qtbot: QtBot) -> None:
    model = RoomsModel(tz=BERLIN)
    model.set_rooms([_room("a", "Alpha", count=3, created=T0, profile="Office"),
                     _room("b", "Beta", profile="Campus")], columns=[])
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Profile", "Name", "ID", "Status", "Participants", "Created"]
    assert model.text(0, "profile") == "Office"
    assert model.text(1, "profile") == "Campus"
    assert model.text(0, "created") == "Mon 01 Jul 2024, 14:00 CEST"
    assert model.text(1, "created") == ""
    assert model.index(0, 0).data(ROW_ROLE).id == "a"


def test_numbers_sort_as_numbers_not_text(qtbot: QtBot) -> None:
    model = RoomsModel(tz=UTC)
    model.set_rooms([_room("a", "A", count=9), _room("b", "B", count=120), _room("c", "C", count=15),
                     _room("d", "D", count=None)], columns=[])
    proxy = _proxy(model)
    proxy.sort(model.column_of("participants"), Qt.SortOrder.AscendingOrder)
    # as text "120" < "15" < "9"; as numbers 9 < 15 < 120, unknown first
    assert _column(proxy, "participants") == ["", "9", "15", "120"]
    proxy.sort(model.column_of("participants"), Qt.SortOrder.DescendingOrder)
    assert _column(proxy, "participants")[:3] == ["120", "15", "9"]


def test_datetimes_sort_chronologically_not_alphabetically(qtbot: QtBot) -> None:
    model = RoomsModel(tz=UTC)
    # alphabetically "Fri…" < "Mon…" < "Wed…", chronologically Mon 1 < Wed 3 < Fri 12
    model.set_rooms([_room("fri", "F", created=T0 + timedelta(days=11)), _room("mon", "M", created=T0),
                     _room("wed", "W", created=T0 + timedelta(days=2))], columns=[])
    proxy = _proxy(model)
    proxy.sort(model.column_of("created"), Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(ROW_ROLE).id for r in range(3)] == ["mon", "wed", "fri"]
    assert isinstance(proxy.index(0, model.column_of("created")).data(SORT_ROLE), float)


def test_extra_columns_union_of_kinds_and_numeric_sort(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_backend.register(monkeypatch)
    model = RoomsModel(tz=UTC)
    rooms = [_room("a", "A", extra={"capacity": 100, "region": "eu"}),
             _room("b", "B", extra={"capacity": 25, "region": "us"}),
             _room("c", "C", extra={"capacity": 5})]
    model.set_rooms(rooms)  # columns from the kinds present: the fake provider's room_columns
    assert model.column_keys()[-2:] == ["extra:capacity", "extra:region"]
    proxy = _proxy(model)
    proxy.sort(model.column_of("extra:capacity"), Qt.SortOrder.AscendingOrder)
    assert _column(proxy, "extra:capacity") == ["5", "25", "100"]
    col = model.column_of("extra:capacity")
    assert model.index(0, col).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_provider_columns_repeating_fixed_ones_are_not_shown_twice(qtbot: QtBot) -> None:
    model = MeetingsModel(tz=UTC)
    meeting = Meeting(id="1", title="T", start=T0, end=T0 + timedelta(hours=1), owner="ann", extra={"owner": "ann"})
    model.set_meetings([meeting], columns=[Column("owner", "Owner"), Column("room", "Room"), Column("seats", "Seats")])
    keys = model.column_keys()
    assert keys.count("owner") == 1 and "extra:owner" not in keys and "extra:room" not in keys
    assert "extra:seats" in keys


def test_local_only_and_past_rooms_are_labelled(qtbot: QtBot) -> None:
    model = RoomsModel(tz=UTC)
    model.set_rooms([_room("a", "Mine", local_only=True), _room("b", "Old", past=True, status="ended")],
                    columns=[])
    status = model.column_of("status")
    assert "created from meetdesk" in model.text(0, "status")
    tip = model.index(0, status).data(Qt.ItemDataRole.ToolTipRole)
    assert "this server cannot list rooms" in tip
    assert model.text(1, "status") == "ended"
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole).italic()


def test_participants_tooltip_lists_names(qtbot: QtBot) -> None:
    model = RoomsModel(tz=UTC)
    people = (Participant("1", "Ann", "moderator"), Participant("2", "Bob"))
    model.set_rooms([_room("a", "A", count=2, participants=people)], columns=[])
    tip = model.index(0, model.column_of("participants")).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Ann (moderator)\nBob"


def test_search_is_case_insensitive_over_all_columns_and_words(qtbot: QtBot) -> None:
    model = RoomsModel(tz=UTC)
    model.set_rooms([_room("x1", "Weekly Team Call", profile="Office"),
                     _room("x2", "Board", profile="Campus"),
                     _room("zz-team", "Other", profile="Office")], columns=[])
    proxy = _proxy(model)
    proxy.set_search("TEAM")
    assert sorted(_column(proxy, "id")) == ["x1", "zz-team"]  # name in one row, id in the other
    proxy.set_search("campus")
    assert _column(proxy, "id") == ["x2"]
    proxy.set_search("office call")  # every word, any column
    assert _column(proxy, "id") == ["x1"]
    proxy.set_search("a.c")  # typed text is literal, not a pattern
    assert proxy.rowCount() == 0
    proxy.set_search("")
    assert proxy.rowCount() == 3


def test_meetings_show_local_time_with_zone(qtbot: QtBot) -> None:
    model = MeetingsModel(tz=BERLIN)
    start = datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
    model.set_meetings([Meeting(id="1", title="Standup", start=start, end=start + timedelta(minutes=15),
                                profile="Office", room_name="Team", owner="ann", timezone="America/New_York")],
                       columns=[])
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == \
        ["Title", "Start", "End", "Room", "Owner", "Profile"]
    assert model.text(0, "start") == "Mon 15 Jan 2024, 10:30 CET"  # another year: said
    assert model.text(0, "end") == "10:45 CET"  # the same day: the date is in the Start column
    tip = model.index(0, model.column_of("start")).data(Qt.ItemDataRole.ToolTipRole)
    assert "Scheduled in America/New_York: Mon 15 Jan 2024, 04:30 EST" in tip
    header_tip = model.headerData(model.column_of("start"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "Europe/Berlin" in header_tip
    model.set_meetings([Meeting(id="2", title="Retreat", start=start, end=start + timedelta(days=1), profile="Office")],
                       columns=[])
    assert model.text(0, "end") == "Tue 16 Jan 2024, 10:30 CET"  # another day: said in full


def test_default_zone_is_the_users(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert local_time.local_zone_name() == "Asia/Tokyo"
        model = MeetingsModel()
        start = datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
        model.set_meetings([Meeting(id="1", title="T", start=start, end=start + timedelta(hours=1))], columns=[])
        assert model.text(0, "start") == "Mon 15 Jan 2024, 18:30 JST"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_recordings_sizes_and_durations(qtbot: QtBot) -> None:
    model = RecordingsModel(tz=UTC)
    model.set_recordings([Recording(id="1", room_id="r", name="Small", size_bytes=900, duration_s=59),
                          Recording(id="2", room_id="r", name="Big", size_bytes=3 * 1024**3, duration_s=3725),
                          Recording(id="3", room_id="r", name="Mid", size_bytes=5 * 1024**2)])
    assert model.text(0, "size") == "900 bytes"
    assert model.text(1, "size") == "3.0 GB"
    assert model.text(1, "duration") == "1:02:05"
    assert model.text(0, "duration") == "0:59"
    assert model.text(2, "duration") == "—"  # not reported (plugNmeet's RecordingInfo has no duration)
    proxy = _proxy(model)
    proxy.sort(model.column_of("size"), Qt.SortOrder.DescendingOrder)
    assert _column(proxy, "name") == ["Big", "Mid", "Small"]


def test_thousands_of_rows_reset_and_filter_quickly(qtbot: QtBot) -> None:
    model = RoomsModel(tz=UTC)
    rooms = [_room(f"id{i}", f"Room {i}", count=i % 50, created=T0 + timedelta(minutes=i), profile=f"p{i % 4}")
             for i in range(5000)]
    started = time.perf_counter()
    model.set_rooms(rooms, columns=[])
    proxy = _proxy(model)
    proxy.sort(model.column_of("created"), Qt.SortOrder.DescendingOrder)
    proxy.set_search("room 4999")
    elapsed = time.perf_counter() - started
    assert proxy.rowCount() == 1
    assert elapsed < 2.0, f"5000 rooms took {elapsed:.2f}s"


def test_sorting_keeps_the_selection_and_survives_new_data(qtbot: QtBot) -> None:
    model = RoomsModel(tz=UTC)
    rooms = [_room("five", "Five", count=5), _room("one", "One", count=1), _room("three", "Three", count=3)]
    model.set_rooms(rooms, columns=[])
    proxy = _proxy(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    column = model.column_of("participants")
    view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, "id") == ["one", "three", "five"]
    view.selectRow(2)
    view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    selected = view.selectionModel().selectedRows()
    assert [proxy.data(i, ROW_ROLE).id for i in selected] == ["five"]
    assert selected[0].row() == 0
    model.set_rooms([*rooms, _room("four", "Four", count=4)], columns=[])  # a refresh keeps the order
    assert _column(proxy, "id") == ["five", "four", "three", "one"]


def test_compact_dates_leave_out_this_year() -> None:
    from meetdesk.ui import local_time

    now = datetime.now(BERLIN).replace(hour=9, minute=5)
    assert local_time.format_compact(now, BERLIN) == f"{now:%a %d %b}, 09:05 {now.tzname()}"
    earlier = now - timedelta(days=400)
    assert str(earlier.year) in local_time.format_compact(earlier, BERLIN)
