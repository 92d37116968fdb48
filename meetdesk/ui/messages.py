"""Showing errors and confirmations without a modal ``exec()`` (which would break the qasync loop)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from meetdesk.domain.errors import MeetdeskError

log = logging.getLogger("meetdesk.ui")


def error_text(exc: BaseException) -> str:
    if isinstance(exc, MeetdeskError):
        return exc.user_text()
    return "Something went wrong inside meetdesk. The details are in the log."


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> QMessageBox:
    """Open a non-modal error box; returns it (tests can find and close it)."""
    text = exc if isinstance(exc, str) else error_text(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    if isinstance(exc, MeetdeskError) and exc.detail:
        box.setDetailedText(exc.detail)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def confirm(parent: QWidget | None, title: str, text: str, action: str, on_yes: Callable[[], None],
            *, destructive: bool = True) -> QMessageBox:
    """Ask before doing something; ``on_yes`` runs only when the user picks ``action``."""
    box = QMessageBox(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("confirmBox")
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole if destructive
                        else QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished(_result: int) -> None:
        if box.clickedButton() is yes:
            on_yes()

    box.finished.connect(finished)
    box.open()
    return box



def refresh_outcome(names: list[str], errors: dict[str, str]) -> str:
    """The status line after refreshing the servers ``names``; ``errors`` holds the refreshes that failed.
    A server whose refresh failed is never counted as refreshed."""
    failed = [n for n in names if n in errors]
    if not failed:
        return f"Refreshed {len(names)} server{'s' if len(names) != 1 else ''}."
    quoted = [f"“{n}”" for n in failed]
    which = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" and {quoted[-1]}"
    first = errors[failed[0]]
    text = f"Refresh of {which} failed: {first}" if len(failed) == 1 else \
        f"Refresh of {which} failed ({quoted[0]}: {first})"
    rest = len(names) - len(failed)
    if rest:
        text += " — the other server was refreshed." if rest == 1 else f" — the other {rest} servers were refreshed."
    return text
