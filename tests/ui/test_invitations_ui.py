"""The issue's "done when" in the demo window: Invite… on an OpenMeetings meeting, a 20-person list made into 20
working personal links, the .ics, Copy invitation, and the reminder in the tray (a fake clock) — plus the
composer's QR code and link facts, and plugNmeet's made-at-join-time note."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest
import pytest_asyncio
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Meeting
from meetdesk.services.demo import DemoEnvironment
from meetdesk.services.invitation_store import InvitationStore
from meetdesk.ui.app import build_main_window
from meetdesk.ui.bulk_links_dialog import BulkLinksDialog
from meetdesk.ui.main_window import MainWindow
from tests.ui.conftest import OFFSCREEN_NOTE, until

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)
SHOTS = Path("/work/shots/invitations")
PEOPLE = [(f"Guest{i:02d} Person", f"guest{i:02d}@example.org") for i in range(20)]


def shoot(widget: QWidget, name: str) -> None:
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        widget.grab().save(str(SHOTS / name))


@pytest_asyncio.fixture
async def demo(qtbot: QtBot) -> AsyncIterator[tuple[MainWindow, DemoEnvironment]]:
    env = DemoEnvironment(kinds=["openmeetings", "plugnmeet"]).start()
    try:
        session = await env.open_session()
        window = build_main_window(session, demo=True)
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        task = window.connections.connect_all()
        assert task is not None
        await task
        yield window, env
        await window.shutdown()
    finally:
        env.stop()


def om_state(env: DemoEnvironment) -> Any:
    return next(s.host.definition.state for s in env.servers if s.kind == "openmeetings")


def webinar(window: MainWindow) -> Meeting:
    return next(m for m in window.session.meetings() if m.title == "Partner webinar")


def ca_context(env: DemoEnvironment) -> ssl.SSLContext:
    server = next(s for s in env.servers if s.kind == "openmeetings")
    return ssl.create_default_context(cafile=server.host.ca_file)


async def invite(window: MainWindow) -> Meeting:
    meeting = webinar(window)
    tab: Any = window.meetings_tab
    window.tabs.setCurrentWidget(tab)
    assert tab.select_key((meeting.profile, meeting.id))
    assert tab.invite_action.isEnabled()
    tab.invite_action.trigger()
    assert window.composer.invitation.meeting() == meeting  # type: ignore[attr-defined]
    return meeting


@pytest.mark.asyncio
async def test_invite_a_meeting_link_qr_invitation_and_ics(demo: tuple[MainWindow, DemoEnvironment],
                                                           tmp_path: Path) -> None:
    window, env = demo
    meeting = await invite(window)
    composer: Any = window.composer
    assert composer.profile_name() == meeting.profile and composer.room_id() == meeting.room_id
    form = composer.participant_form()
    name_edit, mail_edit = form.widget("display_name"), form.widget("email")
    assert isinstance(name_edit, QLineEdit) and isinstance(mail_edit, QLineEdit)
    name_edit.setText("Ada Lovelace")
    mail_edit.setText("ada@example.org")
    await composer.create_link()
    link = composer.link()
    assert link is not None and "hash?invitation=" in link.url  # made for the meeting's time
    panel = composer.link_panel
    assert not panel.qr.pixmap().isNull() and panel.details.isVisible()
    assert "Valid until" in panel.validity.text() and "Reusable" in panel.validity.text()
    assert panel.save_qr_to(str(tmp_path / "qr.svg")) and (tmp_path / "qr.svg").read_text().count("<svg") == 1
    composer.scroll_area.ensureWidgetVisible(composer.invitation_section)
    shoot(window, "composer-qr-1280x720.png")
    window.resize(1024, 680)
    shoot(window, "composer-qr-1024x680.png")
    window.resize(1280, 720)
    # Copy invitation: plain text and HTML
    bar = composer.invitation
    assert bar.copy_invitation()
    mime = QGuiApplication.clipboard().mimeData()
    assert "Partner webinar" in mime.text() and link.url in mime.text()
    assert mime.hasHtml() and "<a href=" in mime.html()
    assert bar.invitation().mailto().startswith("mailto:?subject=Partner%20webinar&body=")
    # Save .ics
    bar.organiser.setText("coordinator@example.org")
    assert bar.save_ics(str(tmp_path / "webinar.ics"))
    [event] = icalendar.Calendar.from_ical((tmp_path / "webinar.ics").read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.start and str(event["url"]) == link.url
    assert str(event["organizer"]) == "mailto:coordinator@example.org"
    # the link admits Ada at the meeting's time
    om_state(env).invitation_book.now = lambda: meeting.start
    async with httpx.AsyncClient(verify=ca_context(env)) as client:
        assert "Welcome, Ada Lovelace." in (await client.get(link.url)).text


@pytest.mark.asyncio
async def test_twenty_personal_links_then_the_reminder_in_the_tray(demo: tuple[MainWindow, DemoEnvironment],
                                                                   tmp_path: Path) -> None:
    window, env = demo
    meeting = await invite(window)
    composer: Any = window.composer
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,email,role\n" + "".join(f"{n},{e},attendee\n" for n, e in PEOPLE)
                        + "Nobody Role,x@example.org,boss\n", encoding="utf-8")
    dialog = composer.invitation.open_bulk_dialog()
    assert isinstance(dialog, BulkLinksDialog)
    assert dialog.import_csv(str(csv_file))
    dialog.resize(1024, 680)
    original = dialog._progress

    def progress(done: int, total: int, result: Any) -> None:
        original(done, total, result)
        if done == 8:
            shoot(dialog, "bulk-dialog-mid-run.png")
            assert dialog.cancel_button.isEnabled() and not dialog.make_button.isEnabled()

    dialog._progress = progress  # type: ignore[method-assign]
    await dialog.make_links()
    assert dialog.progress.value() == 20
    made = [r for r in dialog.results if r.ok]
    assert len(made) == 20 and len(dialog.results) == 21
    assert "boss" in next(r.error for r in dialog.results if not r.ok)
    assert "20 links made, 1 rows failed" in dialog.status.text()
    shoot(dialog, "bulk-dialog-done.png")
    assert dialog.export_to(str(tmp_path / "links.csv"))
    assert (tmp_path / "links.csv").read_text(encoding="utf-8").count("hash?invitation=") == 20
    om_state(env).invitation_book.now = lambda: meeting.start
    async with httpx.AsyncClient(verify=ca_context(env)) as client:
        for (name, _mail), result in zip(PEOPLE, made, strict=True):
            assert f"Welcome, {name}." in (await client.get(result.link.url)).text
    dialog.close()

    # the tray: the next 24 hours, then the reminder 15 minutes before, with a fake clock
    tray = window.tray
    tray.rebuild()
    item = next(i for i in tray.items if i.title == "Partner webinar")
    assert len(item.invitees) == 20
    labels = [a.text() for a in tray.menu.actions()]
    assert labels[0] == "Next 24 hours" and any("Partner webinar" in t and "20 invitees" in t for t in labels)
    clock = [meeting.start - timedelta(minutes=20)]
    tray.now = tray.schedule.now = lambda: clock[0]
    assert tray.check() == []
    clock[0] = meeting.start - timedelta(minutes=14)
    reminded: list[Any] = []
    tray.reminded.connect(reminded.append)
    assert [i.title for i in tray.check()] == ["Partner webinar"] and reminded
    assert "Reminder: “Partner webinar” starts in 14 min" in window.status_text()
    assert tray.check() == []  # once
    menu = tray.menu
    menu.resize(menu.sizeHint())
    shoot(menu, "tray-menu.png")
    QGuiApplication.clipboard().clear()
    task = tray.copy_links(item)
    assert task is not None
    await task
    copied = QGuiApplication.clipboard().text().splitlines()
    assert len(copied) == 20 and copied[0].startswith("Guest00 Person: ")


@pytest.mark.asyncio
async def test_cancel_stops_the_list_and_keep_in_tray_is_remembered(demo: tuple[MainWindow, DemoEnvironment]) -> None:
    window, _env = demo
    await invite(window)
    dialog = window.composer.invitation.open_bulk_dialog()  # type: ignore[attr-defined]
    assert isinstance(dialog, BulkLinksDialog)
    dialog.list_edit.setPlainText("".join(f"{n},{e}\n" for n, e in PEOPLE))
    original = dialog._progress

    def progress(done: int, total: int, result: Any) -> None:
        original(done, total, result)
        if done == 3:
            dialog.cancel()

    dialog._progress = progress  # type: ignore[method-assign]
    await dialog.make_links()
    assert len(dialog.results) == 3 and "Cancelled" in dialog.status.text()
    dialog.close()
    tray = window.tray
    assert not tray.store.tray.keep_in_tray  # off by default
    tray.keep_action.setEnabled(True)
    tray.keep_action.setChecked(True)
    assert InvitationStore(tray.store.path).tray.keep_in_tray
    tray.available = True  # as on a desktop with a tray: closing hides the window instead of quitting
    window.close()
    assert window.isHidden() and not window._quitting
    window.quit_from_tray()
    await until(lambda: window.isHidden())


@pytest.mark.asyncio
async def test_plugnmeet_composer_says_links_are_made_at_join_time(
        demo: tuple[MainWindow, DemoEnvironment]) -> None:
    window, env = demo
    composer: Any = window.composer
    name = next(s.profile.name for s in env.servers if s.kind == "plugnmeet")
    composer.select(name, None)
    assert composer.link_panel.policy_note.isVisibleTo(composer)
    assert "made at join time" in composer.link_panel.policy_note.text()
    shoot(window, "composer-plugnmeet-policy.png")


@pytest.mark.asyncio
async def test_template_dialog_keeps_a_wrong_template_and_saves_a_good_one(
        demo: tuple[MainWindow, DemoEnvironment]) -> None:
    window, _env = demo
    await invite(window)
    bar: Any = window.composer.invitation  # type: ignore[attr-defined]
    dialog = bar.edit_template()
    dialog.edit.setPlainText("Hello {name}")
    assert not dialog.save() and dialog.isVisible() and "name" in dialog.error.text()
    assert dialog.edit.toPlainText() == "Hello {name}"  # nothing the user typed is lost
    dialog.edit.setPlainText("Join {title} at {start}")
    assert dialog.save() and not dialog.isVisible()
    assert bar.invitation().plain.startswith("Join Partner webinar at ")
