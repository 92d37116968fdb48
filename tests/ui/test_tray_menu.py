"""The tray menu follows the session's meetings, without filling itself again on every refresh."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from meetdesk.services.invitation_store import InvitationStore
from meetdesk.services.session import Session
from meetdesk.ui.tray import TrayController
from tests.ui.conftest import OFFSCREEN_NOTE
from tests.ui.fake_backend import connect_fake, qt_hygiene  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)


@pytest.mark.asyncio
async def test_the_menu_is_filled_again_only_when_what_it_shows_changed(
        qtbot: QtBot, session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """F5 sends one data event per server, each before the next server's answer is read; refilling the menu
    took ~2 ms of every one."""
    parent = QWidget()
    qtbot.addWidget(parent)
    state = await connect_fake(session, monkeypatch)
    tray = TrayController(session, InvitationStore(tmp_path / "invitations.json"), parent.windowIcon(), parent)
    fills: list[int] = []
    monkeypatch.setattr(tray.menu, "clear", lambda: fills.append(1))  # the menu is cleared before it is filled
    assert [i.title for i in tray.items] == ["Planning"]
    await session.refresh()  # the same meetings come back
    assert fills == [] and [i.title for i in tray.items] == ["Planning"]
    state.meetings["m1"] = replace(state.meetings["m1"], title="Planning (moved)")
    await session.refresh()
    assert fills == [1] and [i.title for i in tray.items] == ["Planning (moved)"]
    assert any("Planning (moved)" in a.text() for a in tray.menu.actions())
    tray.hide()
