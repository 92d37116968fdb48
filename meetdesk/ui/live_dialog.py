"""A running meeting, live: start it, see who is online, lock, mute everyone, extend, end, invite someone.

Opened from the Meetings tab for back ends with ``Capability.LIVE_CONTROL``. Every call runs in the
background; the dialog refreshes itself every few seconds while the meeting runs, and a failed action leaves
what was typed in the invitation form in place.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from meetdesk.domain.models import LiveInvitee, LiveStatus, Meeting
from meetdesk.services.session import Session
from meetdesk.ui import local_time
from meetdesk.ui.messages import confirm, error_text
from meetdesk.ui.tab_widgets import Banner
from meetdesk.ui.tasks import AsyncOp

log = logging.getLogger("meetdesk.ui.live_dialog")

REFRESH_MS = 8000
COLUMNS = ("Name", "Number", "Role", "State", "Muted", "Hand")


def _yes(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class LiveDialog(QDialog):
    """Live control of ``meeting`` on its profile. Open it with ``open()``."""

    def __init__(self, session: Session, meeting: Meeting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.meeting = meeting
        self.status: LiveStatus | None = None
        self._busy = False
        self.setObjectName("liveDialog")
        self.setWindowTitle(f"Live — {meeting.title}")
        self.setMinimumWidth(640)

        self.banner = Banner(self)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("liveState")
        self.state_label.setWordWrap(True)
        font = self.state_label.font()
        font.setBold(True)
        self.state_label.setFont(font)

        details = QGridLayout()
        details.setHorizontalSpacing(8)
        self._copy_values: dict[str, QLabel] = {}
        for row, (key, label) in enumerate((("guest_link", "Guest link"), ("guest_password", "Guest password"),
                                            ("chair_link", "Chair link"), ("chair_password", "Chair password"))):
            details.addWidget(QLabel(label, self), row, 0)
            value = QLabel("—", self)
            value.setObjectName(f"{key}Value")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setMinimumWidth(120)
            details.addWidget(value, row, 1)
            button = QToolButton(self)
            button.setObjectName(f"{key}Copy")
            button.setText("Copy")
            button.setToolTip(f"Copy the {label.lower()} to the clipboard")
            button.clicked.connect(lambda _checked=False, k=key: self.copy(k))
            details.addWidget(button, row, 2)
            self._copy_values[key] = value
        details.setColumnStretch(1, 1)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("liveParticipants")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.online_label = QLabel(self)
        self.online_label.setObjectName("liveOnline")

        controls = QHBoxLayout()
        self.start_button = self._button("Start meeting", "startButton", self.start,
                                         "Open the meeting now so people can join and it can be controlled.")
        self.refresh_button = self._button("Refresh", "refreshButton", self.refresh, "Ask the server again.")
        self.lock_button = self._button("Lock", "lockButton", lambda: self._toggle("lock", True),
                                        "Nobody else can join until it is unlocked.")
        self.unlock_button = self._button("Unlock", "unlockButton", lambda: self._toggle("lock", False),
                                          "Let people join again.")
        self.mute_button = self._button("Mute all", "muteButton", lambda: self._toggle("mute", True),
                                        "Mute everyone except the chair; they may unmute themselves.")
        self.unmute_button = self._button("Unmute all", "unmuteButton", lambda: self._toggle("mute", False),
                                          "Unmute everyone.")
        for control in (self.start_button, self.refresh_button, self.lock_button, self.unlock_button,
                        self.mute_button, self.unmute_button):
            controls.addWidget(control)
        controls.addStretch(1)

        more = QHBoxLayout()
        self.extend_minutes = QSpinBox(self)
        self.extend_minutes.setObjectName("extendMinutes")
        self.extend_minutes.setRange(5, 240)
        self.extend_minutes.setSingleStep(5)
        self.extend_minutes.setValue(15)
        self.extend_minutes.setSuffix(" min")
        self.extend_button = self._button("Extend by", "extendButton", self.extend, "Make the meeting longer.")
        self.end_button = self._button("End meeting", "endButton", self.end, "End the meeting for everyone.")
        more.addWidget(self.extend_button)
        more.addWidget(self.extend_minutes)
        more.addStretch(1)
        more.addWidget(self.end_button)

        self.invite_box = QGroupBox("Invite into the meeting", self)
        form = QFormLayout(self.invite_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.invite_name = QLineEdit(self.invite_box)
        self.invite_name.setObjectName("inviteName")
        self.invite_name.setPlaceholderText("e.g. Bob Li")
        self.invite_phone = QLineEdit(self.invite_box)
        self.invite_phone.setObjectName("invitePhone")
        self.invite_phone.setPlaceholderText("phone number to call, e.g. +8613800000000")
        self.invite_sip = QLineEdit(self.invite_box)
        self.invite_sip.setObjectName("inviteSip")
        self.invite_sip.setPlaceholderText("SIP number of a meeting app or terminal")
        self.invite_email = QLineEdit(self.invite_box)
        self.invite_email.setObjectName("inviteEmail")
        self.invite_email.setPlaceholderText("optional — for the notification")
        self.invite_terminal = QCheckBox("Meeting-room terminal (called by its SIP number with the meeting "
                                         "password)", self.invite_box)
        self.invite_terminal.setObjectName("inviteTerminal")
        self.invite_button = QPushButton("Invite", self.invite_box)
        self.invite_button.setObjectName("inviteButton")
        self.invite_button.clicked.connect(self.invite)
        form.addRow("Name", self.invite_name)
        form.addRow("Phone", self.invite_phone)
        form.addRow("SIP number", self.invite_sip)
        form.addRow("E-mail", self.invite_email)
        form.addRow("", self.invite_terminal)
        form.addRow("", self.invite_button)

        self.progress = QLabel(self)
        self.progress.setObjectName("liveProgress")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.state_label)
        layout.addLayout(details)
        layout.addLayout(controls)
        layout.addLayout(more)
        layout.addWidget(self.online_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.invite_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._auto_refresh)
        self.finished.connect(lambda _r: self.timer.stop())
        self._show_status()
        self.refresh()

    def _button(self, text: str, name: str, slot: Callable[[], None], tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # state -----------------------------------------------------------------------------------
    @property
    def profile(self) -> str:
        return self.meeting.profile

    def _show_status(self) -> None:
        status = self.status
        running = bool(status and status.running)
        if status is None:
            self.state_label.setText(f"{self.meeting.title} — asking {self.profile}…")
        else:
            end = local_time.format_datetime(status.end) if status.end else ""
            words = {True: f"Running until {end}", False: f"Not running ({status.state or 'unknown'})"}
            locked = " · locked" if status.locked else ""
            self.state_label.setText(f"{status.title or self.meeting.title} — {words[running]}{locked} · "
                                     f"meeting ID {status.meeting_id}")
            for key, value in self._copy_values.items():
                value.setText(str(status.extra.get(key) or "—"))
        people = status.participants if status else ()
        self.online_label.setText(f"{len(people)} online" if running else "Nobody is online: the meeting is not "
                                  "running. Start it to let people in and to control it.")
        self.table.setRowCount(len(people))
        for row, person in enumerate(people):
            cells = (person.name, person.number, person.role, person.state, _yes(person.muted),
                     _yes(person.hand_raised))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        ended = bool(status and status.state == "ended")
        self.start_button.setEnabled(not self._busy and status is not None and not running and not ended)
        for button in (self.lock_button, self.unlock_button, self.mute_button, self.unmute_button,
                       self.extend_button, self.end_button, self.invite_button):
            button.setEnabled(not self._busy and running)
        self.refresh_button.setEnabled(not self._busy)
        if running and not self.timer.isActive():
            self.timer.start()
        elif not running:
            self.timer.stop()

    def _run(self, label: str, call: Callable[[], Awaitable[Any]], done: str = "",
             after: Callable[[], None] | None = None) -> None:
        if self._busy:
            return
        self._busy = True
        self.progress.setText(label)
        self.banner.clear()
        self._show_status()

        def ok(_result: object) -> None:
            self.progress.setText(done)
            if after is not None:
                after()
            self.refresh(quiet=True)

        def failed(exc: BaseException) -> None:
            self.progress.setText("")
            self.banner.show_message(error_text(exc), "error")

        def finish() -> None:
            self._busy = False
            self._show_status()

        AsyncOp(self, call).with_progress(label).success(ok).failure(failed).finally_(finish).run()

    # actions ---------------------------------------------------------------------------------
    def refresh(self, quiet: bool = False) -> None:
        if self._busy:
            return
        self._busy = True
        if not quiet:
            self.progress.setText("Asking the server…")

        def got(status: LiveStatus) -> None:  # runs after finish(): AsyncOp calls finally_ before success
            self.status = status
            if not quiet:
                self.progress.setText("")
            self._show_status()

        def failed(exc: BaseException) -> None:
            self.progress.setText("")
            self.banner.show_message(f"Could not read the meeting's state. {error_text(exc)}", "error")

        def finish() -> None:
            self._busy = False
            self._show_status()

        AsyncOp(self, lambda: self.session.live_status(self.profile, self.meeting.id)) \
            .success(got).failure(failed).finally_(finish).run()

    def _auto_refresh(self) -> None:
        if self.isVisible() and not self._busy:
            self.refresh(quiet=True)

    def start(self) -> None:
        self._run("Starting the meeting…", lambda: self.session.start_meeting(self.profile, self.meeting.id),
                  "Meeting started.")

    def _toggle(self, what: str, on: bool) -> None:
        profile, meeting_id = self.profile, self.meeting.id
        if what == "lock":
            self._run("Locking…" if on else "Unlocking…",
                      lambda: self.session.set_lock(profile, meeting_id, on),
                      "Meeting locked: nobody else can join." if on else "Meeting unlocked.")
        else:
            self._run("Muting everyone…" if on else "Unmuting everyone…",
                      lambda: self.session.mute_all(profile, meeting_id, on),
                      "Everyone but the chair is muted." if on else "Everyone is unmuted.")

    def extend(self) -> None:
        minutes = self.extend_minutes.value()
        self._run(f"Extending by {minutes} minutes…",
                  lambda: self.session.extend_meeting(self.profile, self.meeting.id, minutes),
                  f"Meeting extended by {minutes} minutes.")

    def end(self) -> None:
        title = self.meeting.title

        def end_now() -> None:
            self._run("Ending the meeting…", lambda: self.session.end_meeting(self.profile, self.meeting.id),
                      "Meeting ended.")

        box = confirm(self, "End meeting", f"End “{title}” for everyone now? People in it are disconnected.",
                      "End meeting", end_now)
        box.setObjectName("endConfirm")

    def invite(self) -> None:
        invitee = LiveInvitee(name=self.invite_name.text().strip(), phone=self.invite_phone.text().strip(),
                          sip=self.invite_sip.text().strip(), email=self.invite_email.text().strip(),
                          terminal=self.invite_terminal.isChecked())
        who = invitee.name or invitee.sip or invitee.phone or "the participant"

        def clear() -> None:  # only after success: a failed invitation keeps what was typed
            for edit in (self.invite_name, self.invite_phone, self.invite_sip, self.invite_email):
                edit.clear()

        self._run(f"Inviting {who}…", lambda: self.session.invite(self.profile, self.meeting.id, invitee),
                  f"Calling {who}…", after=clear)

    def copy(self, key: str) -> None:
        value = str(self.status.extra.get(key) or "") if self.status else ""
        if not value:
            return
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(value)
        self.progress.setText("Copied.")
