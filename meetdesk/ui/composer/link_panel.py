"""The produced join link: read-only field, Copy (with feedback), Open in browser, how long it works and whether
it is single-use, what the back end's links are before one is made, and the link's QR code (saveable)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from meetdesk.domain.errors import MeetdeskError
from meetdesk.domain.models import JoinLink, LinkPolicy, Role
from meetdesk.services.qr import qr_png, save_qr
from meetdesk.ui.forms import WrapLabel
from meetdesk.ui.theme import set_tone

COPY_TEXT = "Copy"
COPIED_TEXT = "Copied ✓"
COPIED_MS = 2000
QR_SIZE = 132
POLICY_STYLE = "color: palette(placeholder-text);"


OPEN_TIP = "Open the link in your web browser"


def open_note(link: JoinLink) -> str:
    """What “Open in browser” does with a personal link: the coordinator joins as that participant."""
    if not link.display_name.strip():
        return ""
    who = "moderator" if link.role is Role.MODERATOR else "participant"
    used_up = " and uses it up (single use)" if link.single_use else ""
    return (f"This link is personal: opening it joins you as “{link.display_name}” ({who}){used_up}. "
            "To look in yourself, make a link with your own name.")


def _duration(seconds: float) -> str:
    minutes = max(0, round(seconds / 60))
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{hours // 24} days"


def format_validity(expires_at: datetime | None, now: datetime | None = None) -> str:
    """"valid until 14:32 (in 59 min)", in the computer's local time zone."""
    if expires_at is None:
        return ""
    now = now or datetime.now(UTC)
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    local = expires_at.astimezone()
    same_day = local.date() == now.astimezone().date()
    when = local.strftime("%H:%M") if same_day else local.strftime("%a %d %b, %H:%M")
    left = (expires_at - now).total_seconds()
    if left <= 0:
        return f"Expired at {when} — create a new link."
    return f"Valid until {when} (in {_duration(left)})."


class LinkPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._link: JoinLink | None = None
        self._stale = False
        self._policy: LinkPolicy | None = None
        self._save_dialog: QFileDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        self.error = QLabel(self)
        self.error.setObjectName("linkError")
        set_tone(self.error, "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

        self.edit = QLineEdit(self)
        self.edit.setObjectName("linkField")
        self.edit.setReadOnly(True)
        self.edit.setPlaceholderText("The join link appears here")
        self.edit.setAccessibleName("Join link")
        layout.addWidget(self.edit)

        row = QHBoxLayout()
        self.copy_button = QPushButton(COPY_TEXT, self)
        self.copy_button.setObjectName("copyLink")
        self.copy_button.setToolTip("Copy the link to the clipboard")
        self.open_button = QPushButton("Open in browser", self)
        self.open_button.setObjectName("openLink")
        self.open_button.setToolTip(OPEN_TIP)
        row.addWidget(self.copy_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout.addLayout(row)
        # the link is made for one person: opening it here joins the coordinator under that person's name
        self.open_note = WrapLabel(self)
        self.open_note.setObjectName("openLinkNote")
        self.open_note.setStyleSheet(POLICY_STYLE)
        self.open_note.hide()
        layout.addWidget(self.open_note)

        self.policy_note = WrapLabel(self)
        self.policy_note.setObjectName("linkPolicy")
        self.policy_note.setStyleSheet(POLICY_STYLE)
        self.policy_note.hide()
        layout.addWidget(self.policy_note)

        details = QHBoxLayout()
        details.setSpacing(8)
        self.qr = QLabel(self)
        self.qr.setObjectName("linkQr")
        self.qr.setFixedSize(QR_SIZE, QR_SIZE)
        self.qr.setScaledContents(True)
        self.qr.setAccessibleName("QR code of the join link")
        self.qr.setToolTip("Scan to open the link on a phone")
        details.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        side = QVBoxLayout()
        self.validity = WrapLabel(self)
        self.validity.setObjectName("linkValidity")
        side.addWidget(self.validity)
        self.save_qr_button = QPushButton("Save QR code…", self)
        self.save_qr_button.setObjectName("saveQr")
        self.save_qr_button.setToolTip("Save the QR code as a PNG or SVG picture")
        side.addWidget(self.save_qr_button, 0, Qt.AlignmentFlag.AlignLeft)
        side.addStretch(1)
        details.addLayout(side, 1)
        self.details = QWidget(self)
        self.details.setLayout(details)
        details.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.details)

        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.timeout.connect(lambda: self.copy_button.setText(COPY_TEXT))
        self._tick = QTimer(self)
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(self._update_validity)

        self.copy_button.clicked.connect(self.copy)
        self.open_button.clicked.connect(self.open_in_browser)
        self.save_qr_button.clicked.connect(self.choose_qr_file)
        self.clear()

    # state -------------------------------------------------------------------------------------
    def link(self) -> JoinLink | None:
        return self._link

    def clear(self) -> None:
        self._link = None
        self._stale = False
        self.edit.clear()
        self.validity.clear()
        self.details.hide()
        self.qr.clear()
        self.policy_note.setVisible(bool(self._policy is not None and self._policy.summary))
        self._tick.stop()
        self.copy_button.setEnabled(False)
        self.open_button.setEnabled(False)
        self.open_button.setToolTip(OPEN_TIP)
        self.open_note.clear()
        self.open_note.hide()
        self.copy_button.setText(COPY_TEXT)

    def show_link(self, link: JoinLink) -> None:
        self.clear_error()
        self._link = link
        self._stale = False
        self.edit.setText(link.url)
        self.edit.setCursorPosition(0)
        self.edit.setToolTip(link.url)
        self.copy_button.setEnabled(True)
        self.open_button.setEnabled(True)
        note = open_note(link)
        self.open_button.setToolTip(f"{OPEN_TIP}\n{note}" if note else OPEN_TIP)
        self.open_note.setText(note)
        self.open_note.setVisible(bool(note))
        self.policy_note.hide()  # the link's own facts below say it now
        pixmap = QPixmap()
        pixmap.loadFromData(qr_png(link.url, scale=4))
        self.qr.setPixmap(pixmap)
        self.details.show()
        self._update_validity()
        self._tick.start()

    def set_policy(self, policy: LinkPolicy | None) -> None:
        """Say what this back end's links are before one is made (plugNmeet: made at join time)."""
        self._policy = policy
        self.policy_note.setText(policy.summary if policy is not None else "")
        self.policy_note.setVisible(bool(policy is not None and policy.summary))

    def mark_stale(self) -> None:
        """The form changed after the link was made: the link still works but lacks the changes."""
        if self._link is not None and not self._stale:
            self._stale = True
            self._update_validity()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def _update_validity(self) -> None:
        link = self._link
        if link is None:
            return
        who = "moderator" if link.role is Role.MODERATOR else "participant"
        parts = [f"Link for {link.display_name} as {who}."]
        if link.expires_at is not None:
            parts.append(format_validity(link.expires_at))
        else:
            parts.append("Works until: no end date of its own.")
        parts.append("Single use: it works for one join only." if link.single_use
                     else "Reusable: it works again and again.")
        if link.note:
            parts.append(link.note)
        if self._stale:
            parts.append("The form changed since — create the link again to include the changes.")
        self.validity.setText(" ".join(parts))
        set_tone(self.validity, "warning" if self._stale else None, bold=False)
        self.validity.show()

    # actions -----------------------------------------------------------------------------------
    def copy(self) -> None:
        if self._link is None:
            return
        QGuiApplication.clipboard().setText(self._link.url)
        self.copy_button.setText(COPIED_TEXT)
        self._copied_timer.start(COPIED_MS)

    def choose_qr_file(self) -> None:
        if self._link is None:
            return
        dialog = QFileDialog(self, "Save QR code")
        dialog.setObjectName("saveQrDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["PNG picture (*.png)", "SVG picture (*.svg)"])
        dialog.setDefaultSuffix("png")
        dialog.selectFile(f"join-link-{self._link.display_name}.png".replace(" ", "-"))
        dialog.fileSelected.connect(self.save_qr_to)
        self._save_dialog = dialog
        dialog.open()

    def save_qr_to(self, path: str) -> bool:
        if self._link is None or not path:
            return False
        try:
            save_qr(self._link.url, Path(path))
        except MeetdeskError as exc:
            self.show_error(exc.user_text())
            return False
        self.clear_error()
        return True

    def open_in_browser(self) -> None:
        if self._link is None:
            return
        if not QDesktopServices.openUrl(QUrl(self._link.url)):
            self.show_error("No web browser could be opened. Copy the link and paste it into your browser.")
