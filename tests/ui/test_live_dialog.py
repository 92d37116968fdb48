"""The live dialog and the meeting editor against the real Huawei Cloud Meeting simulator (TLS, loopback):
start a meeting, see who is online, invite, lock, mute, extend, end — from the Meetings tab."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Meeting, Profile
from meetdesk.services.session import Session
from meetdesk.simulators.host import SimulatorHost, build_simulator
from meetdesk.ui.live_dialog import LiveDialog
from meetdesk.ui.meeting_dialog import MeetingDialog
from meetdesk.ui.meetings_tab import MeetingsTab
from meetdesk.ui.table_models import ROW_ROLE
from tests.ui.conftest import OFFSCREEN_NOTE, next_emission, until
from tests.ui.fake_backend import qt_hygiene  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)
SHOTS = Path("/work/shots/huawei")
SIZES = ((1280, 720), (1024, 680))


@pytest.fixture
def huawei() -> Iterator[tuple[SimulatorHost, Any]]:
    definition = build_simulator("huawei")
    with SimulatorHost.for_definition(definition, tls=True) as host:
        yield host, definition


async def connected(session: Session, server: tuple[SimulatorHost, Any]) -> Any:
    host, definition = server
    profile = Profile("Huawei", "huawei", host.base_url, fields=dict(definition.fields), ca_file=host.ca_file)
    await session.add_profile(profile, definition.secret)
    await session.connect("Huawei")
    return definition.state


def shoot(widget: QWidget, name: str) -> None:
    if SHOTS.is_dir():
        for width, height in SIZES:
            widget.resize(width, height)
            widget.grab().save(str(SHOTS / f"{name}-{width}x{height}.png"))


def select(tab: MeetingsTab, title: str) -> Meeting:
    for row in range(tab.proxy.rowCount()):
        meeting: Meeting = tab.proxy.index(row, 0).data(ROW_ROLE)
        if meeting.title == title:
            tab.table.selectRow(row)
            return meeting
    raise AssertionError(f"no meeting {title!r}")


@pytest.mark.asyncio
async def test_live_dialog_on_a_running_meeting(qtbot: QtBot, session: Session,
                                                huawei: tuple[SimulatorHost, Any]) -> None:
    state = await connected(session, huawei)
    tab = MeetingsTab(session)
    qtbot.addWidget(tab)
    tab.resize(1100, 500)
    tab.show()
    await until(lambda: tab.proxy.rowCount() == 4, what="Huawei meetings")
    meeting = select(tab, "Regional coordinators' sync")
    assert tab.live_action.isEnabled()
    tab.open_live()
    dialog = tab.dialog
    assert isinstance(dialog, LiveDialog)
    await until(lambda: dialog.table.rowCount() == 3, what="who is online")
    assert dialog.online_label.text() == "3 online"
    assert {dialog.table.item(r, 0).text() for r in range(3)} == {"Mei Chen", "Li Wei", "Ana Souza"}
    stored = state.conferences[meeting.id]
    assert dialog._copy_values["guest_password"].text() == stored.guest_pwd
    assert not dialog.start_button.isEnabled() and dialog.invite_button.isEnabled()
    shoot(dialog, "live-dialog")

    dialog.invite_name.setText("Bob Li")
    dialog.invite_phone.setText("+8613800000000")
    dialog.invite_button.click()
    await until(lambda: dialog.table.rowCount() == 4 and not dialog._busy, what="Bob to be called")
    assert dialog.invite_name.text() == ""
    dialog.lock_button.click()
    await until(lambda: stored.locked and not dialog._busy, what="lock")
    dialog.mute_button.click()
    await until(lambda: stored.muted and not dialog._busy, what="mute")
    dialog.extend_button.click()
    await until(lambda: stored.length == 75 and not dialog._busy, what="extend")

    dialog.end_button.click()
    box = dialog.findChild(QMessageBox, "endConfirm")
    assert box is not None
    next(b for b in box.buttons() if b.text() == "End meeting").click()
    await until(lambda: stored.state == "Destroyed" and not dialog._busy, what="end")
    await until(lambda: not dialog.end_button.isEnabled(), what="controls off")
    dialog.close()


@pytest.mark.asyncio
async def test_start_a_scheduled_meeting_and_keep_a_failed_invitation(qtbot: QtBot, session: Session,
                                                                       huawei: tuple[SimulatorHost, Any]) -> None:
    state = await connected(session, huawei)
    meeting = next(m for m in session.meetings() if m.title == "Budget review")
    dialog = LiveDialog(session, meeting)
    qtbot.addWidget(dialog)
    dialog.show()
    await until(lambda: dialog.status is not None and not dialog._busy, what="status")
    assert "Not running" in dialog.state_label.text() and dialog.start_button.isEnabled()
    assert not dialog.invite_button.isEnabled()
    dialog.start_button.click()
    await until(lambda: state.conferences[meeting.id].state == "Created", what="started")
    await until(lambda: dialog.invite_button.isEnabled(), what="controls on")
    dialog.invite_name.setText("Eve")
    dialog.invite_email.setText("eve@example.org")  # no number: Huawei cannot call her
    dialog.invite_button.click()
    await until(lambda: dialog.banner.text() != "" and not dialog._busy, what="the error")
    assert "phone or SIP number" in dialog.banner.text()
    assert dialog.invite_name.text() == "Eve" and dialog.invite_email.text() == "eve@example.org"
    dialog.close()


@pytest.mark.asyncio
async def test_meeting_editor_for_huawei(qtbot: QtBot, session: Session, huawei: tuple[SimulatorHost, Any]) -> None:
    state = await connected(session, huawei)
    dialog = MeetingDialog(session, profile="Huawei")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.setText("Partner briefing")
    dialog.set_zone("Asia/Shanghai")
    start = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).replace(hour=16, minute=0, second=0,
                                                                                  microsecond=0)
    dialog.set_times(start, start + timedelta(minutes=45))
    labels = [dialog.room_combo.itemText(i) for i in range(dialog.room_combo.count())]
    assert any("Board room (cloud)" in label for label in labels)
    assert dialog.options.heading.text() == "Meeting options (Huawei Cloud Meeting)"
    assert not dialog.location_edit.isVisibleTo(dialog) and not dialog.description_edit.isVisibleTo(dialog)
    dialog.room_combo.setCurrentIndex(next(i for i, label in enumerate(labels) if "Board room" in label))
    shoot(dialog, "meeting-editor")
    dialog.resize(700, 640)
    saved = next_emission(dialog.saved)
    dialog.save_button.click()
    (meeting,) = await saved
    stored = state.conferences[meeting.id]
    assert stored.time_zone_id == "56" and stored.vmr is not None and stored.subject == "Partner briefing"
    assert meeting.timezone == "Asia/Shanghai" and meeting.start == start and stored.length == 45


@pytest.mark.asyncio
async def test_composer_makes_the_meetings_guest_or_chair_link(qtbot: QtBot, session: Session,
                                                               huawei: tuple[SimulatorHost, Any]) -> None:
    from PySide6.QtWidgets import QCheckBox, QLineEdit

    from meetdesk.ui.composer.composer import JoinLinkComposer

    state = await connected(session, huawei)
    meeting = next(m for m in session.meetings() if m.title == "Budget review")  # a meeting without a cloud room
    composer = JoinLinkComposer(session, session.store)
    qtbot.addWidget(composer)
    composer.resize(460, 900)
    composer.show()
    composer.invite(meeting)
    form = composer.participant_form()
    assert form is not None
    name = form.widget("display_name")
    assert isinstance(name, QLineEdit)
    name.setText("Li Wei")
    stored = state.conferences[meeting.id]
    for moderator, key in ((False, stored.guest_uri_key), (True, stored.chair_uri_key)):
        box = form.widget("moderator")
        assert isinstance(box, QCheckBox)
        box.setChecked(moderator)
        task = composer.create_link()
        assert task is not None, composer.link_panel.error.text()
        await task
        assert composer.link_panel.edit.text().endswith(key)


@pytest.mark.asyncio
async def test_an_ended_huawei_meeting_offers_no_edit_or_cancel_and_says_why(
        qtbot: QtBot, session: Session, huawei: tuple[SimulatorHost, Any]) -> None:
    await connected(session, huawei)
    tab = MeetingsTab(session)
    qtbot.addWidget(tab)
    tab.resize(1100, 500)
    tab.show()
    await until(lambda: tab.proxy.rowCount() == 4, what="Huawei meetings")
    ended = select(tab, "Morning stand-up")
    assert ended.extra["state"] == "ended"
    for action in (tab.edit_action, tab.cancel_action):
        assert not action.isEnabled()
        assert "has ended" in action.toolTip(), action.toolTip()
    assert tab.live_action.isEnabled()  # its record (who was there) can still be read
    tab.delete_selected()
    assert tab.findChild(QMessageBox) is None  # no confirmation for a cancel that cannot happen
    select(tab, "Budget review")  # a scheduled one still can
    assert tab.edit_action.isEnabled() and tab.cancel_action.isEnabled()
    assert "has ended" not in tab.cancel_action.toolTip()
