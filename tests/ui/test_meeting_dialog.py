"""The meeting editor: times in a chosen zone, validation inline, nothing typed is ever lost."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import QComboBox, QSpinBox
from pytestqt.qtbot import QtBot

from meetdesk.domain.errors import ServerError, ValidationError
from meetdesk.domain.models import Profile
from meetdesk.services.session import Session
from meetdesk.ui.meeting_dialog import MeetingDialog
from tests.ui.conftest import OFFSCREEN_NOTE, until
from tests.ui.fake_backend import KIND, FakeProvider, FakeState, connect_fake, qt_hygiene, register  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")



@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The user's computer is in Berlin."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def qt_wall(year: int, month: int, day: int, hour: int, minute: int = 0) -> QDateTime:
    return QDateTime(QDate(year, month, day), QTime(hour, minute), QTimeZone.utc())


def open_dialog(qtbot: QtBot, session: Session, **kwargs: object) -> MeetingDialog:
    dialog = MeetingDialog(session, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def fill(dialog: MeetingDialog, *, title: str = "Budget 2031", start: QDateTime | None = None) -> None:
    dialog.title_edit.setText(title)
    dialog.location_edit.setText("Room 4.12")
    dialog.description_edit.setPlainText("Numbers for next year.")
    dialog.set_zone("Asia/Tokyo")
    dialog.start_edit.setDateTime(start or qt_wall(2031, 3, 10, 9, 0))
    dialog.end_edit.setDateTime(qt_wall(2031, 3, 10, 10, 30))


def snapshot(dialog: MeetingDialog) -> tuple[object, ...]:
    return (dialog.title_edit.text(), dialog.location_edit.text(), dialog.description_edit.toPlainText(),
            dialog.zone_name(), dialog.start_datetime_naive(), dialog.end_datetime_naive(),
            dialog.room_combo.currentData(), dict(dialog.options.form.values()))


@pytest.mark.asyncio
async def test_zone_defaults_to_the_users_zone(qtbot: QtBot, session: Session, monkeypatch: pytest.MonkeyPatch,
                                               berlin: None) -> None:
    await connect_fake(session, monkeypatch)
    dialog = open_dialog(qtbot, session)
    assert dialog.zone_name() == "Europe/Berlin"
    # a new meeting starts at the next full hour and lasts an hour
    assert dialog.start_datetime_naive().minute == 0
    assert dialog.end_datetime_naive() - dialog.start_datetime_naive() == timedelta(hours=1)
    assert dialog.duration_label.text() == "(1 h)"


@pytest.mark.asyncio
async def test_zone_defaults_to_the_profiles_timezone_field(qtbot: QtBot, session: Session,
                                                            monkeypatch: pytest.MonkeyPatch, berlin: None) -> None:
    register(monkeypatch)
    FakeProvider.states["NY"] = FakeState()
    await session.add_profile(Profile("NY", KIND, "https://ny.example", fields={"timezone": "America/New_York"}),
                              "s3cret")
    await session.connect("NY")
    dialog = open_dialog(qtbot, session)
    assert dialog.zone_name() == "America/New_York"


@pytest.mark.asyncio
async def test_saves_wall_clock_times_in_the_chosen_zone(qtbot: QtBot, session: Session,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch, seeded=False)
    dialog = open_dialog(qtbot, session)
    saved: list[object] = []
    dialog.saved.connect(saved.append)
    fill(dialog)
    assert dialog.duration_label.text() == "(1 h 30 min)"
    dialog.save()
    await until(lambda: bool(saved), what="the meeting to be saved")
    meeting = next(iter(state.meetings.values()))
    assert meeting.title == "Budget 2031" and meeting.location == "Room 4.12"
    assert meeting.description == "Numbers for next year."
    assert meeting.start == datetime(2031, 3, 10, 9, 0, tzinfo=TOKYO)
    assert meeting.start.astimezone(UTC) == datetime(2031, 3, 10, 0, 0, tzinfo=UTC)
    assert meeting.end - meeting.start == timedelta(minutes=90)
    assert meeting.timezone == "Asia/Tokyo"
    assert meeting.options == {"new_room_size": 10, "reminder": "none"}


@pytest.mark.asyncio
async def test_end_before_start_is_an_inline_error_and_nothing_is_lost(qtbot: QtBot, session: Session,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    dialog = open_dialog(qtbot, session)
    fill(dialog)
    dialog.end_edit.setDateTime(qt_wall(2031, 3, 10, 8, 0))
    before = snapshot(dialog)
    dialog.save()
    assert dialog.error("end") == "The meeting must end after it starts."
    assert dialog.isVisible() and state.calls == []
    assert snapshot(dialog) == before
    assert dialog.duration_label.text() == ""  # no negative duration shown


@pytest.mark.asyncio
async def test_missing_title_and_unknown_zone_are_shown_together(qtbot: QtBot, session: Session,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    dialog = open_dialog(qtbot, session)
    fill(dialog, title="   ")
    dialog.zone_combo.setEditText("Mars/Olympus")
    dialog.save()
    assert dialog.error("title") == "Give the meeting a title."
    assert "“Mars/Olympus” is not a time zone" in dialog.error("timezone")
    assert state.calls == []
    assert dialog.zone_name() == "Mars/Olympus" and dialog.location_edit.text() == "Room 4.12"


@pytest.mark.asyncio
async def test_moving_the_start_keeps_the_length(qtbot: QtBot, session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    dialog = open_dialog(qtbot, session)
    fill(dialog)
    dialog.start_edit.setDateTime(qt_wall(2031, 3, 11, 14, 0))
    assert dialog.end_datetime_naive() == datetime(2031, 3, 11, 15, 30)


@pytest.mark.asyncio
async def test_failed_save_stays_open_with_input_and_inline_error(qtbot: QtBot, session: Session,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    dialog = open_dialog(qtbot, session)
    fill(dialog)
    reminder = dialog.options.form.widget("reminder")
    assert isinstance(reminder, QComboBox)
    reminder.setCurrentIndex(reminder.findData("email"))
    before = snapshot(dialog)

    state.fail_next = ValidationError("E-mail reminders need an e-mail address in your account.", field="reminder")
    dialog.save()
    await until(lambda: bool(dialog.error("reminder")), what="the inline error")
    assert dialog.isVisible() and dialog.result() == 0
    assert snapshot(dialog) == before

    state.fail_next = ServerError("The calendar is read-only right now.")
    await until(lambda: dialog.save_button.isEnabled(), what="save to be possible again")
    dialog.save()
    await until(lambda: not dialog.banner.isHidden(), what="the banner")
    assert dialog.banner.text() == "The meeting was not saved. The calendar is read-only right now."
    assert dialog.error("reminder") == ""
    assert snapshot(dialog) == before and set(state.meetings) == {"m1", "m2"}  # only the seeded ones


@pytest.mark.asyncio
async def test_room_choice_new_room_or_existing(qtbot: QtBot, session: Session,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    dialog = open_dialog(qtbot, session)
    items = [dialog.room_combo.itemText(i) for i in range(dialog.room_combo.count())]
    assert items[0] == "New room (created with the meeting)"
    assert "Team call (r1)" in items and "All hands (r2)" in items
    size = dialog.options.form.widget("new_room_size")
    assert isinstance(size, QSpinBox) and size.isEnabled()
    dialog.room_combo.setCurrentIndex(dialog.room_combo.findData("r2"))
    assert not size.isEnabled()  # only applies to a new room
    fill(dialog)
    dialog.save()
    await until(lambda: len(state.meetings) == 3, what="the meeting")
    meeting = next(m for m in state.meetings.values() if m.title == "Budget 2031")
    assert meeting.room_id == "r2" and "new_room_size" not in meeting.options


@pytest.mark.asyncio
async def test_edit_prefills_in_the_meetings_own_zone(qtbot: QtBot, session: Session,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    planning = next(m for m in session.connection("Office").meetings if m.id == "m1")
    dialog = open_dialog(qtbot, session, meeting=planning)
    assert dialog.profile_combo is None
    assert dialog.title_edit.text() == "Planning"
    assert dialog.zone_name() == "Europe/Berlin"
    shown = planning.start.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")).replace(tzinfo=None, second=0,
                                                                                   microsecond=0)
    assert dialog.start_datetime_naive() == shown
    assert dialog.room_combo.currentData() == "r1"
    dialog.title_edit.setText("Planning (moved)")
    dialog.save()
    await until(lambda: state.meetings["m1"].title == "Planning (moved)", what="the update")
    assert state.calls == ["update_meeting"]


@pytest.mark.asyncio
async def test_a_time_the_clocks_skip_is_refused_inline_naming_it(qtbot: QtBot, session: Session,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    dialog = open_dialog(qtbot, session)
    fill(dialog)
    dialog.set_zone("Europe/Berlin")
    dialog.start_edit.setDateTime(qt_wall(2030, 3, 31, 2, 45))
    dialog.end_edit.setDateTime(qt_wall(2030, 3, 31, 3, 15))
    before = snapshot(dialog)
    dialog.save()
    assert "2030-03-31 02:45 does not exist in Europe/Berlin" in dialog.error("start")
    assert dialog.isVisible() and state.calls == [] and snapshot(dialog) == before


@pytest.mark.asyncio
async def test_a_time_that_happens_twice_asks_which_inline(qtbot: QtBot, session: Session,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    dialog = open_dialog(qtbot, session)
    fill(dialog)
    dialog.set_zone("Europe/Berlin")
    dialog.start_edit.setDateTime(qt_wall(2030, 10, 27, 2, 30))
    dialog.end_edit.setDateTime(qt_wall(2030, 10, 27, 4, 0))
    dialog.save()
    text = dialog.error("start")
    assert "happens twice in Europe/Berlin" in text and "CEST" in text and "CET" in text
    assert state.calls == []


@pytest.mark.asyncio
async def test_password_only_while_protected_and_a_past_start_is_flagged(qtbot: QtBot, session: Session) -> None:
    from PySide6.QtWidgets import QCheckBox

    from meetdesk.simulators.host import SimulatorHost, build_simulator

    definition = build_simulator("openmeetings", seed=True)
    with SimulatorHost.for_definition(definition) as host:
        await session.add_profile(Profile("School", "openmeetings", host.base_url, fields=dict(definition.fields)),
                                  definition.secret)
        await session.connect("School")
        dialog = open_dialog(qtbot, session)
        password = dialog.options.form.widget("password")
        protected = dialog.options.form.widget("password_protected")
        assert isinstance(protected, QCheckBox)
        assert not protected.isChecked() and not password.isEnabled()
        protected.setChecked(True)
        assert password.isEnabled()
        protected.setChecked(False)
        assert not password.isEnabled()

        assert dialog.past_warning.isHidden()  # the default start is the next full hour
        yesterday = QDateTime.currentDateTime().addDays(-1)
        dialog.start_edit.setDateTime(QDateTime(yesterday.date(), yesterday.time(), QTimeZone.utc()))
        dialog.set_zone("UTC")
        assert not dialog.past_warning.isHidden() and "in the past" in dialog.past_warning.text()
        dialog.start_edit.setDateTime(qt_wall(2031, 3, 10, 9, 0))
        assert dialog.past_warning.isHidden()
        dialog.reject()
        await session.aclose()
