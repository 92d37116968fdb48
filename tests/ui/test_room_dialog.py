"""The room dialog: provider-driven options, saving in the background, errors inline, input never lost."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QSpinBox
from pytestqt.qtbot import QtBot

from meetdesk.domain.errors import ServerError, ValidationError
from meetdesk.services.session import Session
from meetdesk.ui.room_dialog import RoomDialog
from tests.ui.conftest import OFFSCREEN_NOTE, until
from tests.ui.fake_backend import connect_fake, qt_hygiene  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)



def _spin(dialog: RoomDialog, key: str) -> QSpinBox:
    widget = dialog.options.form.widget(key)
    assert isinstance(widget, QSpinBox)
    return widget


@pytest.mark.asyncio
async def test_create_form_is_built_from_room_fields(qtbot: QtBot, session: Session,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    dialog = RoomDialog(session)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.profile_combo is not None and dialog.profile_combo.currentData() == "Office"
    assert dialog.id_edit.isVisible() and not dialog.id_edit.isReadOnly()
    assert _spin(dialog, "capacity").value() == 10  # the spec's default
    assert _spin(dialog, "max_minutes").text() == "server default (no limit)"
    assert isinstance(dialog.options.form.widget("recording"), QCheckBox)
    groups = [g.title() for g in dialog.options.form.findChildren(QGroupBox)]
    assert groups == ["Features"]
    assert "Fake Meet" in dialog.options.heading.text()


@pytest.mark.asyncio
async def test_create_saves_and_returns_the_room(qtbot: QtBot, session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch, seeded=False)
    dialog = RoomDialog(session)
    qtbot.addWidget(dialog)
    saved: list[object] = []
    dialog.saved.connect(saved.append)
    dialog.open()
    qtbot.keyClicks(dialog.name_edit, "Design review")
    qtbot.keyClicks(dialog.id_edit, "design")
    _spin(dialog, "capacity").setValue(42)
    layout = dialog.options.form.widget("layout")
    assert isinstance(layout, QComboBox)
    layout.setCurrentIndex(layout.findData("speaker"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: bool(saved), what="the room to be saved")
    assert dialog.result() == RoomDialog.DialogCode.Accepted
    room = state.rooms["design"]
    assert room.name == "Design review"
    assert room.options["capacity"] == 42 and room.options["layout"] == "speaker"
    assert "max_minutes" not in room.options  # an optional number left alone is not sent as its minimum
    assert [r.id for r in session.connection("Office").rooms] == ["design"]


@pytest.mark.asyncio
async def test_missing_name_is_shown_inline_and_nothing_is_sent(qtbot: QtBot, session: Session,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch, seeded=False)
    dialog = RoomDialog(session)
    qtbot.addWidget(dialog)
    dialog.open()
    _spin(dialog, "capacity").setValue(33)
    dialog.save()
    assert dialog.name_error.text() == "Give the room a name."
    assert not dialog.name_error.isHidden()
    assert dialog.isVisible() and state.calls == []
    assert _spin(dialog, "capacity").value() == 33


@pytest.mark.asyncio
async def test_failed_save_keeps_input_and_shows_field_error_inline(qtbot: QtBot, session: Session,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch, seeded=False)
    dialog = RoomDialog(session)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.name_edit, "Town hall")
    qtbot.keyClicks(dialog.id_edit, "town-hall")
    _spin(dialog, "capacity").setValue(400)
    state.fail_next = ValidationError("This server allows at most 300 participants.", field="capacity")
    dialog.save()
    await until(lambda: bool(dialog.options.form.error("capacity")), what="the inline error")
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.options.form.error("capacity") == "This server allows at most 300 participants."
    assert dialog.name_edit.text() == "Town hall" and dialog.id_edit.text() == "town-hall"
    assert _spin(dialog, "capacity").value() == 400
    assert dialog.banner.isHidden()
    await until(lambda: dialog.save_button.isEnabled(), what="save to be possible again")

    # the next attempt works and the error goes away
    _spin(dialog, "capacity").setValue(300)
    dialog.save()
    await until(lambda: dialog.result() == RoomDialog.DialogCode.Accepted, what="the second save")
    assert state.rooms["town-hall"].options["capacity"] == 300


@pytest.mark.asyncio
async def test_errors_for_name_id_and_others(qtbot: QtBot, session: Session,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    dialog = RoomDialog(session)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.name_edit, "Dup")
    qtbot.keyClicks(dialog.id_edit, "r1")  # exists in the seed: the provider says so with field="room_id"
    dialog.save()
    await until(lambda: not dialog.id_error.isHidden(), what="the id error")
    assert "exists already" in dialog.id_error.text()

    state.fail_next = ServerError("The server is busy.", hint="Try again in a minute.")
    dialog.id_edit.setText("r9")
    dialog.save()
    await until(lambda: not dialog.banner.isHidden(), what="the banner")
    assert dialog.banner.text() == "The room was not saved. The server is busy. Try again in a minute."
    assert dialog.id_error.isHidden()  # the previous, now stale, error is gone
    assert dialog.name_edit.text() == "Dup" and dialog.isVisible()

    dialog.name_edit.setText("x" * 41)
    dialog.save()
    await until(lambda: not dialog.name_error.isHidden(), what="the name error")
    assert "at most 40 characters" in dialog.name_error.text()


@pytest.mark.asyncio
async def test_edit_prefills_from_room_options(qtbot: QtBot, session: Session,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    room = next(r for r in session.connection("Office").rooms if r.id == "r2")
    dialog = RoomDialog(session, room=room)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.profile_combo is None
    assert dialog.name_edit.text() == "All hands"
    assert dialog.id_edit.text() == "r2" and dialog.id_edit.isReadOnly()
    assert _spin(dialog, "capacity").value() == 500
    assert dialog.options.form.values()["welcome"] == "Welcome to All hands"
    dialog.name_edit.setText("All hands (Q3)")
    dialog.save()
    await until(lambda: dialog.result() == RoomDialog.DialogCode.Accepted, what="the edit to be saved")
    assert state.rooms["r2"].name == "All hands (Q3)"
    assert state.calls == ["update_room"]


@pytest.mark.asyncio
async def test_no_server_that_can_create_rooms(qtbot: QtBot, session: Session) -> None:
    dialog = RoomDialog(session)
    qtbot.addWidget(dialog)
    dialog.open()
    assert not dialog.save_button.isEnabled()
    assert "Connect one in the Connections panel" in dialog.banner.text()
