"""The produced join link: read-only field, Copy (with feedback), Open in browser, and how long it is valid."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from meetdesk.domain.models import JoinLink, Role
from meetdesk.ui.theme import set_tone

COPY_TEXT = "Copy"
COPIED_TEXT = "Copied ✓"
COPIED_MS = 2000


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
        self.open_button.setToolTip("Join yourself with this link (it is then used up if it is single-use)")
        row.addWidget(self.copy_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout.addLayout(row)

        self.validity = QLabel(self)
        self.validity.setObjectName("linkValidity")
        self.validity.setWordWrap(True)
        layout.addWidget(self.validity)

        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.timeout.connect(lambda: self.copy_button.setText(COPY_TEXT))
        self._tick = QTimer(self)
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(self._update_validity)

        self.copy_button.clicked.connect(self.copy)
        self.open_button.clicked.connect(self.open_in_browser)
        self.clear()

    # state -------------------------------------------------------------------------------------
    def link(self) -> JoinLink | None:
        return self._link

    def clear(self) -> None:
        self._link = None
        self._stale = False
        self.edit.clear()
        self.validity.clear()
        self.validity.hide()
        self._tick.stop()
        self.copy_button.setEnabled(False)
        self.open_button.setEnabled(False)
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
        self._update_validity()
        self._tick.start()

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
        if link.note:
            parts.append(link.note)
        elif link.single_use:
            parts.append("It works for one join only: send each person their own link.")
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

    def open_in_browser(self) -> None:
        if self._link is None:
            return
        if not QDesktopServices.openUrl(QUrl(self._link.url)):
            self.show_error("No web browser could be opened. Copy the link and paste it into your browser.")
