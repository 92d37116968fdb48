"""The Connections panel: live status of real connections to the plugNmeet simulator, add / remove / connect."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import Profile
from meetdesk.services.secret_store import SERVICE
from meetdesk.services.session import ConnectionState, Session
from meetdesk.ui.connections_panel import ConnectionsPanel
from meetdesk.ui.profile_dialog import ProfileDialog
from tests.ui.conftest import OFFSCREEN_NOTE, next_emission, until

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)


def make_panel(qtbot: QtBot, session: Session) -> ConnectionsPanel:
    panel = ConnectionsPanel(session)
    qtbot.addWidget(panel)
    panel.resize(300, 500)
    panel.show()
    return panel


async def add_plugnmeet(session: Session, host: Any, name: str = "Office", secret: str | None = None) -> None:
    await session.add_profile(Profile(name, "plugnmeet", host.base_url, dict(host.definition.fields)),
                              secret if secret is not None else host.definition.secret)


def test_empty_state_tells_a_first_time_user_what_to_do(qtbot: QtBot, session: Session) -> None:
    panel = make_panel(qtbot, session)
    assert panel.stack.currentWidget() is panel.empty
    text = panel.empty_label.text()
    assert "No connections yet" in text
    assert "New profile…" in text and "Ctrl+N" in text
    assert "meetdesk --demo" in text
    assert panel.empty_button.isVisible()
    assert not panel.edit_action.isEnabled() and not panel.connect_action.isEnabled()


@pytest.mark.asyncio
async def test_add_through_the_dialog_then_it_connects(qtbot: QtBot, session: Session, plugnmeet_server: Any) -> None:
    panel = make_panel(qtbot, session)
    qtbot.mouseClick(panel.empty_button, Qt.MouseButton.LeftButton)
    dialog = QApplication.activeModalWidget() or panel._dialog
    assert isinstance(dialog, ProfileDialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    for key, text in {"name": "Office", "base_url": plugnmeet_server.base_url, "api_key": "plugnmeet",
                      "api_secret": plugnmeet_server.definition.secret}.items():
        edit = dialog.form.widget(key)
        assert isinstance(edit, QLineEdit)
        qtbot.keyClicks(edit, text)
    dialog.test_connection()
    await until(lambda: dialog.test_result.text().startswith("✔"), what="successful test")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    await until(lambda: panel.status_text("Office") == "connected — plugNmeet", what="connected")
    assert panel.stack.currentWidget() is panel.list_page
    assert panel.selected_name() == "Office"
    assert session.connection("Office").state is ConnectionState.CONNECTED
    assert panel.disconnect_action.isEnabled() and not panel.connect_action.isEnabled()
    assert "connected — plugNmeet" in panel.details.text()
    assert plugnmeet_server.base_url in panel.details.text()


@pytest.mark.asyncio
async def test_wrong_password_shows_wrong_credentials(qtbot: QtBot, session: Session, plugnmeet_server: Any) -> None:
    await add_plugnmeet(session, plugnmeet_server, secret="wrong-secret-123")
    panel = make_panel(qtbot, session)
    assert panel.status_text("Office") == "plugNmeet · not connected"
    messages: list[str] = []
    panel.message.connect(messages.append)
    panel.connect_profile("Office")
    await until(lambda: session.connection("Office").state is ConnectionState.AUTH_FAILED, what="auth failure")
    assert panel.status_text("Office") == "plugNmeet · wrong credentials"
    item = panel.list.item(0)
    assert "wrong credentials:" in item.toolTip()
    assert "wrong-secret-123" not in item.toolTip() + panel.details.text() + " ".join(messages)
    assert messages and messages[-1].startswith("Could not connect to “Office”")
    assert panel.connect_action.isEnabled()  # try again after fixing the password


@pytest.mark.asyncio
async def test_unreachable_server(qtbot: QtBot, session: Session) -> None:
    await session.add_profile(Profile("Gone", "plugnmeet", "http://127.0.0.1:9", {"api_key": "k"}), "secret-123")
    panel = make_panel(qtbot, session)
    panel.connect_profile("Gone")
    await until(lambda: session.connection("Gone").state is ConnectionState.UNREACHABLE, timeout=30,
                what="unreachable")
    assert panel.status_text("Gone") == "plugNmeet · unreachable"


@pytest.mark.asyncio
async def test_a_refresh_that_changes_no_status_leaves_the_list_as_it_is(qtbot: QtBot, session: Session,
                                                                         plugnmeet_server: Any) -> None:
    """Every refresh of every server set a new status dot, which Qt never takes for the same icon: the whole list
    was repainted five times per F5 of three servers (~10 ms of the window's thread)."""
    await add_plugnmeet(session, plugnmeet_server)
    panel = make_panel(qtbot, session)
    await session.connect("Office")
    changes: list[int] = []
    panel.list.model().dataChanged.connect(lambda *_: changes.append(1))
    await session.refresh()
    assert changes == [] and panel.status_text("Office") == "connected — plugNmeet"
    await session.disconnect("Office")
    assert changes and panel.status_text("Office") == "plugNmeet · not connected"
    assert panel.list.item(0).data(Qt.ItemDataRole.DecorationRole) is not None


@pytest.mark.asyncio
async def test_double_click_connects_and_disconnect(qtbot: QtBot, session: Session, plugnmeet_server: Any) -> None:
    await add_plugnmeet(session, plugnmeet_server)
    panel = make_panel(qtbot, session)
    item = panel.list.item(0)
    panel.list.itemDoubleClicked.emit(item)
    await until(lambda: session.connection("Office").state is ConnectionState.CONNECTED, what="connected")
    assert panel.status_text("Office") == "connected — plugNmeet"
    panel.disconnect_action.trigger()
    await until(lambda: session.connection("Office").state is ConnectionState.DISCONNECTED, what="disconnected")
    assert panel.status_text("Office") == "plugNmeet · not connected"


@pytest.mark.asyncio
async def test_missing_password_opens_the_edit_dialog(
    qtbot: QtBot, session: Session, plugnmeet_server: Any
) -> None:
    await add_plugnmeet(session, plugnmeet_server)
    await session.secrets.delete("Office")  # e.g. the keyring was reset
    panel = make_panel(qtbot, session)
    panel.connect_profile("Office")
    await until(lambda: panel._dialog is not None, what="edit dialog")
    assert panel.status_text("Office") == "plugNmeet · password needed"
    dialog = panel._dialog
    assert dialog is not None and dialog.original is not None and dialog.original.name == "Office"
    secret_edit = dialog.form.widget("api_secret")
    assert isinstance(secret_edit, QLineEdit)
    assert "keep the saved" not in secret_edit.placeholderText()  # there is nothing saved to keep

    qtbot.keyClicks(secret_edit, plugnmeet_server.definition.secret)
    dialog.save()
    await until(lambda: session.connection("Office").state is ConnectionState.CONNECTED, what="reconnected")
    assert await session.secrets.get("Office") == plugnmeet_server.definition.secret


@pytest.mark.asyncio
async def test_remove_asks_then_deletes_profile_and_keyring_secret(
    qtbot: QtBot, session: Session, plugnmeet_server: Any
) -> None:
    await add_plugnmeet(session, plugnmeet_server)
    backend = session.secrets._backend
    assert backend is not None and backend.get_password(SERVICE, "Office") is not None
    panel = make_panel(qtbot, session)
    panel.select("Office")

    box = panel.remove_profile("Office")
    assert box.isVisible() and "Remove the connection “Office”?" in box.text()
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    await until(lambda: not box.isVisible(), what="box closed")
    assert session.store.names() == ["Office"]

    box = panel.remove_profile("Office")
    changed = next_emission(panel.bridge.profiles_changed)
    remove = next(b for b in box.buttons() if b.text() == "Remove")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert await changed == ("Office",)
    assert session.store.names() == []
    assert backend.get_password(SERVICE, "Office") is None
    assert panel.names() == []
    assert panel.stack.currentWidget() is panel.empty


def test_context_menu_offers_the_actions(qtbot: QtBot, session: Session) -> None:
    panel = make_panel(qtbot, session)
    texts = [a.text() for a in (panel.add_action, panel.edit_action, panel.remove_action, panel.connect_action,
                                panel.disconnect_action)]
    assert texts == ["&Add…", "&Edit…", "&Remove", "&Connect", "&Disconnect"]
    assert panel.list.contextMenuPolicy() is Qt.ContextMenuPolicy.CustomContextMenu
