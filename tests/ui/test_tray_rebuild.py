"""The tray menu is filled again whenever what it shows changes; its submenus (one per upcoming meeting,
"Reminders") are children of the menu, which ``QMenu.clear()`` leaves alive: before, every refill (three per F5
until the menu was refilled only on change) kept another set of menus, actions and the meetings their actions
hold, for as long as meetdesk ran."""

from __future__ import annotations

import gc
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from meetdesk.services.invitation_store import InvitationStore
from meetdesk.services.session import Session
from meetdesk.ui.tray import TrayController
from tests.ui.fake_backend import qt_hygiene  # noqa: F401 - autouse fixture


def _menus_and_actions(menu: QMenu) -> tuple[int, int]:
    return len(menu.findChildren(QMenu)), len(menu.findChildren(QAction))


def test_rebuilding_the_tray_menu_keeps_no_old_submenus(qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    store = InvitationStore(tmp_path / "invitations.json")
    tray = TrayController(session, store, QIcon(), parent)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    first = _menus_and_actions(tray.menu)
    for _ in range(5):
        tray.rebuild()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert _menus_and_actions(tray.menu) == first
    gc.collect()
    gone = [m for m in gc.get_objects() if isinstance(m, QMenu) and not shiboken6.isValid(m)]
    assert not gone, f"{len(gone)} wrappers of deleted menus kept"
    assert tray.menu.actions()[0].text() == "Next 24 hours"
    tray.timer.stop()
