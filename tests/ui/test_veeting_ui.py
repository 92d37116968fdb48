"""Veeting in the window, against its simulator: invited participants in the meeting editor, the Meetings tab
when the server will not list meetings, the meeting link, and the account dialog."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from meetdesk.backends.veeting.simulator.app import build
from meetdesk.backends.veeting.simulator.state import VeetingState
from meetdesk.domain.models import Meeting, MeetingDraft, Profile
from meetdesk.services.session import Session
from meetdesk.simulators.host import SimulatorHost
from meetdesk.ui.account_dialog import AccountDialog
from meetdesk.ui.connections_panel import ConnectionsPanel
from meetdesk.ui.meeting_dialog import MeetingDialog
from meetdesk.ui.meetings_tab import MeetingsTab
from meetdesk.ui.participants_edit import ParticipantsEdit
from meetdesk.ui.table_models import ROW_ROLE
from tests.ui.conftest import OFFSCREEN_NOTE, until
from tests.ui.fake_backend import qt_hygiene  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)


@pytest.fixture(params=[False], ids=["no-listing"])
def veeting(request: pytest.FixtureRequest) -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build(natural_endpoints=request.param)) as host:
        yield host


def state_of(host: SimulatorHost) -> VeetingState:
    assert host.definition is not None
    value: VeetingState = host.definition.state
    return value


async def connect(session: Session, host: SimulatorHost, **fields: str) -> None:
    assert host.definition is not None
    profile = Profile("VT", "veeting", host.base_url, fields={**host.definition.fields, **fields})
    await session.add_profile(profile, host.definition.secret)
    await session.connect("VT")


def rows(tab: MeetingsTab) -> list[Meeting]:
    return [tab.proxy.index(r, 0).data(ROW_ROLE) for r in range(tab.proxy.rowCount())]


def people_of(dialog: MeetingDialog) -> ParticipantsEdit:
    widget = dialog.options.form.widget("invited")
    assert isinstance(widget, ParticipantsEdit)
    return widget


def fill_meeting(dialog: MeetingDialog) -> None:
    dialog.title_edit.setText("Budget review")
    start = datetime.now(UTC) + timedelta(days=2)
    zone = QTimeZone.utc()
    dialog.start_edit.setDateTime(QDateTime(QDate(start.year, start.month, start.day), QTime(9, 0), zone))
    dialog.end_edit.setDateTime(QDateTime(QDate(start.year, start.month, start.day), QTime(10, 30), zone))
    people = people_of(dialog)
    people.add_row("Ada Lovelace", "ada@example.org", edit=False)
    people.add_row("", "bob@example.org", edit=False)


@pytest.mark.asyncio
async def test_meetings_created_here_are_labelled_and_linkable(qtbot: QtBot, session: Session,
                                                               veeting: SimulatorHost) -> None:
    await connect(session, veeting)
    tab = MeetingsTab(session)
    qtbot.addWidget(tab)
    tab.resize(1000, 500)
    tab.show()
    await until(lambda: "would not list its meetings" in tab.range_label.text(), what="the local-list note")
    # three meetings exist on the server, but it will not list them: the table does not pretend otherwise
    assert rows(tab) == [] and "No meetings created here" in tab.overlay.text()

    tab.new_meeting()
    dialog = tab.dialog
    assert isinstance(dialog, MeetingDialog)
    fill_meeting(dialog)
    dialog.save()
    await until(lambda: bool(rows(tab)), what="the new meeting in the table")
    [meeting] = rows(tab)
    assert meeting.local_only and meeting.options["invited"] == [
        {"name": "Ada Lovelace", "email": "ada@example.org"}, {"name": "", "email": "bob@example.org"}]
    stored = state_of(veeting).meetings[meeting.id]
    assert [p["email"] for p in stored["invitedParticipants"]] == ["ada@example.org", "bob@example.org"]
    assert "1 meeting created here: their server does not list meetings" in tab.summary.text()
    font = tab.model.index(0, 0).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()

    tab.table.selectRow(0)
    assert tab.link_action.isEnabled()
    tab.copy_link()
    url = f"{veeting.origin}/meeting/{stored['meetingId']}"
    await until(lambda: QGuiApplication.clipboard().text() == url, what="the link on the clipboard")
    assert url in tab.summary.toolTip() and "same meeting link" in tab.summary.toolTip()
    assert tab.summary.text().endswith("Link to “Budget review” copied.")

    # editing keeps the invitees and lets one be removed
    tab.edit_selected()
    editor = tab.dialog
    assert isinstance(editor, MeetingDialog)
    people = people_of(editor)
    assert people.people() == meeting.options["invited"]
    people.table.selectRow(1)
    people.remove_selected()
    editor.save()
    await until(lambda: len(state_of(veeting).meetings[meeting.id]["invitedParticipants"]) == 1,
                what="the update on the server")


@pytest.mark.asyncio
async def test_a_bad_address_is_shown_at_the_field_and_nothing_is_lost(qtbot: QtBot, session: Session,
                                                                       veeting: SimulatorHost) -> None:
    await connect(session, veeting)
    dialog = MeetingDialog(session, profile="VT")
    qtbot.addWidget(dialog)
    fill_meeting(dialog)
    people_of(dialog).add_row("Carol", "carol@", edit=False)
    before = len(state_of(veeting).calls)
    dialog.save()
    assert "“carol@” is not an e-mail address" in dialog.error("invited")
    assert len(people_of(dialog).people()) == 3 and len(state_of(veeting).calls) == before


@pytest.mark.asyncio
async def test_account_dialog_creates_looks_up_and_sets_the_organiser(qtbot: QtBot, session: Session,
                                                                      veeting: SimulatorHost) -> None:
    await connect(session, veeting, user_id="")
    panel = ConnectionsPanel(session)
    qtbot.addWidget(panel)
    panel.select("VT")
    assert panel.accounts_action.isVisible() and panel.accounts_action.isEnabled()
    dialog = panel.open_accounts()
    assert isinstance(dialog, AccountDialog)
    dialog.first_edit.setText("Dora")
    dialog.last_edit.setText("Director")
    dialog.email_edit.setText("dora")
    dialog.create_account()
    assert "not an e-mail address" in dialog.error("admin_email") and dialog.first_edit.text() == "Dora"
    dialog.email_edit.setText("dora@example.org")
    dialog.create_account()
    await until(lambda: dialog.table.rowCount() == 1, what="the new administrator")
    user = dialog.selected_user()
    assert user is not None and user.email == "dora@example.org"
    assert "Created the account" in dialog.banner.text()

    dialog.use_as_organiser()
    await until(lambda: session.connection("VT").profile.fields.get("user_id") == user.id
                and dialog.create_button.isEnabled(), what="the organiser saved in the profile")
    assert "now scheduled for Dora Director" in dialog.banner.text()
    assert session.connection("VT").provider is not None  # reconnected with the organiser
    dialog.create_account()  # the same e-mail again: the server's refusal, in words
    await until(lambda: "already has" in dialog.banner.text() or "already has" in dialog.error("admin_email"),
                what="the conflict message")


@pytest.mark.asyncio
async def test_accounts_are_offered_only_where_the_back_end_has_them(qtbot: QtBot, session: Session,
                                                                     plugnmeet_server: Any) -> None:
    from meetdesk.simulators.host import build_simulator

    definition = build_simulator("plugnmeet", seed=False)
    await session.add_profile(Profile("Campus", "plugnmeet", plugnmeet_server.base_url,
                                      fields=dict(definition.fields)), definition.secret)
    panel = ConnectionsPanel(session)
    qtbot.addWidget(panel)
    panel.select("Campus")
    assert not panel.accounts_action.isVisible() and panel.open_accounts() is None
    QApplication.processEvents()


@pytest.mark.asyncio
async def test_cancel_from_the_tab_on_a_listing_server(qtbot: QtBot, session: Session) -> None:
    from PySide6.QtWidgets import QMessageBox

    with SimulatorHost.for_definition(build()) as host:
        await connect(session, host)
        tab = MeetingsTab(session)
        qtbot.addWidget(tab)
        tab.show()
        await until(lambda: len(rows(tab)) == 3, what="the three seeded meetings")
        assert "would not list" not in tab.range_label.text()
        tab.table.selectRow(0)
        meeting = rows(tab)[0]
        tab.delete_selected()
        box = next(b for b in tab.findChildren(QMessageBox, "confirmBox") if b.isVisible())
        next(b for b in box.buttons() if b.text().replace("&", "") == "Cancel meeting").click()
        await until(lambda: meeting.id not in state_of(host).meetings and len(rows(tab)) == 2,
                    what="the meeting cancelled on the server and gone from the table")
        assert ("DELETE", f"meeting/{meeting.id}") in [c[:2] for c in state_of(host).calls]


@pytest.mark.asyncio
async def test_invite_points_to_copy_link(qtbot: QtBot, session: Session, veeting: SimulatorHost) -> None:
    await connect(session, veeting)
    await session.create_meeting("VT", MeetingDraft(
        "Short", datetime.now(UTC) + timedelta(hours=2), datetime.now(UTC) + timedelta(hours=3)))
    tab = MeetingsTab(session)
    qtbot.addWidget(tab)
    await until(lambda: len(rows(tab)) == 1, what="the meeting")
    tab.table.selectRow(0)
    assert tab.link_action.isEnabled() and not tab.invite_action.isEnabled()
    assert "Copy link" in tab.invite_action.toolTip()
