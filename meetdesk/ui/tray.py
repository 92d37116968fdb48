"""The tray icon: the next 24 hours of meetings from every profile, a reminder some minutes before each with
"Copy links" and "Open", and the setting to keep meetdesk running in the tray when the window closes.

The logic (what is upcoming, which reminder is due) is :mod:`meetdesk.services.reminders`; this module only shows
it. Where the desktop has no tray (``QSystemTrayIcon.isSystemTrayAvailable()`` is False) nothing is shown and
closing the window quits as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from meetdesk.domain.errors import MeetdeskError
from meetdesk.services.bulk_links import LinkResult, links_text
from meetdesk.services.invitation_store import InvitationStore, Invitee
from meetdesk.services.invitations import render_for_meeting
from meetdesk.services.reminders import ReminderSchedule, Upcoming, fresh_links, upcoming
from meetdesk.services.session import Session
from meetdesk.ui.session_bridge import bridge_for
from meetdesk.ui.tasks import AsyncOp

log = logging.getLogger("meetdesk.ui.tray")

REMINDER_CHOICES = (5, 10, 15, 30, 60)
CHECK_MS = 30_000
MESSAGE_MS = 20_000


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class TrayController(QObject):
    """Signals: ``open_requested(Upcoming)`` — show the window and the composer for it; ``quit_requested``;
    ``reminded(Upcoming)`` — a reminder was shown; ``message(str)`` — a line for the status bar."""

    open_requested = Signal(object)
    quit_requested = Signal()
    show_window_requested = Signal()
    reminded = Signal(object)
    message = Signal(str)

    def __init__(self, session: Session, store: InvitationStore, icon: QIcon, parent: QWidget,
                 *, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.session, self.store = session, store
        self.now = now or (lambda: datetime.now(UTC))
        self.available = tray_available()
        self.schedule = ReminderSchedule(store.tray.reminder_minutes, self.now)
        self.items: list[Upcoming] = []
        self._labels: list[str] = []  # the menu's entries for ``items``
        self.last_reminder: Upcoming | None = None
        self.menu = QMenu(parent)
        self.menu.setObjectName("trayMenu")
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setToolTip("meetdesk")
        self.icon.setContextMenu(self.menu)
        self.icon.messageClicked.connect(self._message_clicked)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        bridge_for(session).data_changed.connect(self._data_changed)
        self.rebuild()
        if self.available:
            self.icon.show()
        self.timer.start()

    # the menu ------------------------------------------------------------------------------------
    def _data_changed(self, _profile: str) -> None:
        # F5 brings one event per server, each before the next server's answer is read: the menu is filled again
        # only when what it shows changed (clearing and refilling it took ~2 ms of every event)
        items = self._upcoming()
        if items != self.items or [self._label(i) for i in items] != self._labels:
            self._fill(items)

    def rebuild(self) -> None:
        self._fill(self._upcoming())

    def _upcoming(self) -> list[Upcoming]:
        return [self._with_members(i) for i in upcoming(self.session.meetings(), self.store.planned(), self.now())]

    def _fill(self, items: list[Upcoming]) -> None:
        self.items, self._labels = items, [self._label(i) for i in items]
        # submenus are the menu's children, which clear() leaves alive: one more set per refill
        for sub in self.menu.findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly):
            sub.deleteLater()
        self.menu.clear()
        header = self.menu.addAction("Next 24 hours")
        header.setEnabled(False)
        if not self.items:
            self.menu.addAction("No meetings in the next 24 hours").setEnabled(False)
        for item, label in zip(self.items, self._labels, strict=True):
            self._add_item(item, label)
        self.menu.addSeparator()
        self.menu.addAction("Show meetdesk", self.show_window_requested.emit)
        self._add_settings()
        self.menu.addSeparator()
        self.menu.addAction("Quit meetdesk", self.quit_requested.emit)
        count = len(self.items)
        self.icon.setToolTip(f"meetdesk — {count} meeting{'s' if count != 1 else ''} in the next 24 hours")

    def _with_members(self, item: Upcoming) -> Upcoming:
        """A meeting without a remembered list gets the back end's own invitees (OpenMeetings members)."""
        conn = self.session.connections.get(item.profile)
        if item.invitees or item.meeting is None or conn is None or conn.provider is None:
            return item
        people = conn.provider.meeting_invitees(item.meeting.id)
        return replace(item, invitees=tuple(Invitee(p.name, str(p.extra.get("email") or ""),
                                                    p.role == "moderator", p.id) for p in people))

    def _label(self, item: Upcoming) -> str:
        now = self.now()
        start = item.start.astimezone()
        day = "" if start.date() == now.astimezone().date() else start.strftime("%a ")
        state = " (running)" if item.running(now) else ""
        people = f", {len(item.invitees)} invitees" if item.invitees else ""
        return f"{day}{start:%H:%M} {item.title}{state} — {item.profile}{people}"

    def _add_item(self, item: Upcoming, label: str) -> None:
        sub = QMenu(label, self.menu)  # made here, not by addMenu: once deleted, its wrapper goes too
        self.menu.addMenu(sub)
        sub.setObjectName("trayMeeting")
        sub.addAction("Open", lambda: self.open_requested.emit(item))
        copy = sub.addAction("Copy links" if item.invitees else "Copy invitation", lambda: self.copy_links(item))
        copy.setToolTip("Make fresh personal links for the invitees and copy them" if item.invitees
                        else "Copy the invitation text")

    def _add_settings(self) -> None:
        settings = QMenu("Reminders", self.menu)
        self.menu.addMenu(settings)
        group = QActionGroup(settings)
        for minutes in REMINDER_CHOICES:
            action = settings.addAction(f"{minutes} minutes before")
            action.setCheckable(True)
            action.setChecked(minutes == self.schedule.minutes_before)
            action.triggered.connect(lambda _checked=False, m=minutes: self.set_reminder_minutes(m))
            group.addAction(action)
        self.keep_action = QAction("Keep running in the tray when the window closes", self.menu)
        self.keep_action.setObjectName("keepInTray")
        self.keep_action.setCheckable(True)
        self.keep_action.setChecked(self.store.tray.keep_in_tray)
        self.keep_action.setEnabled(self.available)
        if not self.available:
            self.keep_action.setToolTip("This desktop shows no tray icons, so closing the window quits meetdesk.")
        self.keep_action.toggled.connect(self.set_keep_in_tray)
        self.menu.addAction(self.keep_action)

    # settings ------------------------------------------------------------------------------------
    def _save(self, *, reminder_minutes: int | None = None, keep_in_tray: bool | None = None) -> None:
        try:
            self.store.set_tray(reminder_minutes=reminder_minutes, keep_in_tray=keep_in_tray)
        except MeetdeskError as exc:
            self.message.emit(exc.user_text())

    def set_reminder_minutes(self, minutes: int) -> None:
        self.schedule.minutes_before = minutes
        self._save(reminder_minutes=minutes)

    def set_keep_in_tray(self, keep: bool) -> None:
        self._save(keep_in_tray=keep)

    def keeps_running(self) -> bool:
        """Closing the window hides it (True) instead of quitting."""
        return self.available and self.store.tray.keep_in_tray

    # reminders -----------------------------------------------------------------------------------
    def check(self) -> list[Upcoming]:
        self.rebuild()
        due = self.schedule.due(self.items)
        for item in due:
            self.remind(item)
        return due

    def remind(self, item: Upcoming) -> None:
        self.last_reminder = item
        minutes = max(0, round((item.start - self.now()).total_seconds() / 60))
        what = (f"Copy links makes fresh links for {len(item.invitees)} invitees."
                if item.invitees else "Open it in meetdesk to send links.")
        text = f"Starts in {minutes} min ({item.start.astimezone():%H:%M}) on {item.profile}. {what}"
        if self.available:
            self.icon.showMessage(f"Soon: {item.title}", text, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)
        self.message.emit(f"Reminder: “{item.title}” {text[0].lower()}{text[1:]}")
        self.reminded.emit(item)

    def _message_clicked(self) -> None:
        if self.last_reminder is not None:
            self.open_requested.emit(self.last_reminder)

    def copy_links(self, item: Upcoming) -> asyncio.Task[None] | None:
        """Fresh personal links for the invitees (made now, so plugNmeet's short-lived tokens still work) on the
        clipboard; without invitees, the invitation text."""
        conn = self.session.connections.get(item.profile)
        if not item.invitees:
            if item.meeting is None:
                return None
            text = render_for_meeting(self.store.template(item.profile), item.meeting)
            QGuiApplication.clipboard().setText(text.plain)
            self.message.emit(f"Copied the invitation for “{item.title}”.")
            return None
        if conn is None or conn.provider is None:
            self.message.emit(f"Connect “{item.profile}” to make the links for “{item.title}”.")
            return None
        provider = conn.provider

        def copied(results: list[LinkResult]) -> None:
            QGuiApplication.clipboard().setText(links_text(results))
            failed = [r for r in results if not r.ok]
            note = f"; {len(failed)} failed: {failed[0].error}" if failed else ""
            self.message.emit(f"Copied {len(results) - len(failed)} fresh links for “{item.title}”{note}")

        return AsyncOp(self.parent_widget(), lambda: fresh_links(provider, item)) \
            .with_progress(f"Making links for “{item.title}”…").error_title("The links were not made") \
            .success(copied).run()

    def parent_widget(self) -> QWidget:
        parent = self.parent()
        assert isinstance(parent, QWidget)
        return parent

    def hide(self) -> None:
        self.timer.stop()
        self.icon.hide()
