"""The add/edit profile dialog against a real plugNmeet simulator over loopback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from meetdesk.domain.models import Profile
from meetdesk.services.session import ConnectionState, Session
from meetdesk.ui.profile_dialog import ProfileDialog, http_warning
from tests.ui.conftest import OFFSCREEN_NOTE, next_emission, until

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)


def line(dialog: ProfileDialog, key: str) -> QLineEdit:
    widget = dialog.form.widget(key)
    edit = widget if isinstance(widget, QLineEdit) else widget.findChild(QLineEdit)  # CA file: a path edit
    assert isinstance(edit, QLineEdit)
    return edit


def type_into(qtbot: QtBot, dialog: ProfileDialog, values: dict[str, str]) -> None:
    for key, text in values.items():
        edit = line(dialog, key)
        edit.clear()
        qtbot.keyClicks(edit, text)


def open_dialog(qtbot: QtBot, session: Session, profile: Profile | None = None) -> ProfileDialog:
    dialog = ProfileDialog(session, None, profile=profile)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def plugnmeet_values(host: Any, name: str = "Company plugNmeet", secret: str | None = None) -> dict[str, str]:
    definition = host.definition
    return {"name": name, "base_url": host.base_url, "api_key": definition.fields["api_key"],
            "api_secret": secret if secret is not None else definition.secret}


@pytest.mark.asyncio
async def test_add_profile_test_connection_then_save(qtbot: QtBot, session: Session, plugnmeet_server: Any) -> None:
    dialog = open_dialog(qtbot, session)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    assert line(dialog, "api_secret").echoMode() is QLineEdit.EchoMode.Password
    type_into(qtbot, dialog, plugnmeet_values(plugnmeet_server))

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    # the click returned at once; the test runs in the background and the button cancels it meanwhile
    assert dialog.testing() and dialog.test_button.text() == "Cancel test"
    await until(lambda: not dialog.testing(), what="connection test")
    assert dialog.test_result.text() == "✔ Connected — plugNmeet"
    assert session.store.names() == []  # testing saves nothing

    saved = next_emission(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    name, connect = await saved
    assert (name, connect) == ("Company plugNmeet", True)
    profile = session.store.get(name)
    assert profile.kind == "plugnmeet"
    assert profile.base_url == plugnmeet_server.base_url
    assert profile.fields == {"api_key": "plugnmeet"}
    assert await session.secrets.get(name) == plugnmeet_server.definition.secret
    assert plugnmeet_server.definition.secret not in session.store.path.read_text()
    assert not isValid(dialog) or not dialog.isVisible()


@pytest.mark.asyncio
async def test_wrong_secret_is_reported_inline(qtbot: QtBot, session: Session, plugnmeet_server: Any) -> None:
    dialog = open_dialog(qtbot, session)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    type_into(qtbot, dialog, plugnmeet_values(plugnmeet_server, secret="not-the-secret"))
    dialog.test_connection()
    await until(lambda: not dialog.testing(), what="connection test")
    text = dialog.test_result.text()
    assert text.startswith("✘ ")
    assert "not-the-secret" not in text
    assert "API" in text or "secret" in text.lower() or "refused" in text.lower()
    assert dialog.isVisible()


@pytest.mark.asyncio
async def test_unreachable_server_is_reported_inline(qtbot: QtBot, session: Session) -> None:
    dialog = open_dialog(qtbot, session)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    type_into(qtbot, dialog, {"name": "Nowhere", "base_url": "http://127.0.0.1:9", "api_key": "k",
                              "api_secret": "secret-123"})
    dialog.test_connection()
    await until(lambda: not dialog.testing(), timeout=30, what="connection test")
    assert dialog.test_result.text().startswith("✘ ")
    assert "Could not connect to Nowhere." in dialog.test_result.text()


def test_missing_and_invalid_fields_are_shown_inline(qtbot: QtBot, session: Session) -> None:
    dialog = open_dialog(qtbot, session)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    type_into(qtbot, dialog, {"base_url": "meet.example.org"})
    dialog.save()
    assert dialog.form.error("name") == "Profile name is required."
    assert "http:// or https://" in dialog.form.error("base_url")
    assert dialog.form.error("api_key") == "API key is required."
    assert dialog.form.error("api_secret") == "API secret is required."
    assert line(dialog, "base_url").text() == "meet.example.org"  # what was typed stays
    assert session.store.names() == []


def test_plain_http_to_a_remote_host_warns_and_needs_consent(qtbot: QtBot, session: Session) -> None:
    dialog = open_dialog(qtbot, session)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    type_into(qtbot, dialog, {"name": "Plain", "base_url": "http://meet.example.org", "api_key": "k",
                              "api_secret": "secret-123"})
    assert dialog.http_warning.isVisibleTo(dialog)
    assert "unencrypted" in dialog.http_warning.text()
    dialog.save()
    assert dialog.form.error("allow_http") == "Tick this to save a plain http:// address, or change it to https://."
    assert session.store.names() == []

    allow = dialog.form.widget("allow_http")
    assert isinstance(allow, QCheckBox)
    allow.setChecked(True)
    assert "To use it anyway" not in dialog.http_warning.text()

    type_into(qtbot, dialog, {"base_url": "http://127.0.0.1:8080"})
    assert not dialog.http_warning.isVisibleTo(dialog)
    assert http_warning("http://10.0.0.5/") and not http_warning("https://meet.example.org")
    assert not http_warning("http://localhost:8080")


@pytest.mark.asyncio
async def test_duplicate_name_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot, session: Session, plugnmeet_server: Any
) -> None:
    await session.add_profile(Profile("Taken", "plugnmeet", plugnmeet_server.base_url, {"api_key": "a"}),
                              "secret-123")
    dialog = open_dialog(qtbot, session)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    values = plugnmeet_values(plugnmeet_server, name="Taken")
    type_into(qtbot, dialog, values)
    dialog.save()
    assert dialog.form.error("name") == "A profile named “Taken” already exists."
    assert dialog.isVisible()
    assert {k: line(dialog, k).text() for k in values} == values


@pytest.mark.asyncio
async def test_a_refusal_from_the_session_is_shown_at_its_field(
    qtbot: QtBot, session: Session, plugnmeet_server: Any
) -> None:
    dialog = open_dialog(qtbot, session)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    long_name = "N" * 81  # only the profile store knows the length limit
    type_into(qtbot, dialog, plugnmeet_values(plugnmeet_server, name=long_name))
    dialog.save()
    await until(lambda: dialog.save_button.isEnabled(), what="save to finish")
    assert dialog.form.error("name") == "A profile name can be at most 80 characters long."
    assert dialog.isVisible()
    assert line(dialog, "name").text() == long_name
    assert line(dialog, "api_secret").text() == plugnmeet_server.definition.secret


@pytest.mark.asyncio
async def test_edit_keeps_the_saved_secret_when_left_empty(
    qtbot: QtBot, session: Session, plugnmeet_server: Any
) -> None:
    secret = plugnmeet_server.definition.secret
    await session.add_profile(Profile("Old name", "plugnmeet", plugnmeet_server.base_url,
                                      {"api_key": "plugnmeet"}), secret)
    dialog = open_dialog(qtbot, session, session.store.get("Old name"))
    assert not dialog.kind_combo.isEnabled()
    assert line(dialog, "name").text() == "Old name"
    assert line(dialog, "api_key").text() == "plugnmeet"
    assert line(dialog, "api_secret").text() == ""
    assert "keep the saved" in line(dialog, "api_secret").placeholderText()

    dialog.test_connection()  # uses the saved secret
    await until(lambda: not dialog.testing(), what="connection test")
    assert dialog.test_result.text() == "✔ Connected — plugNmeet"

    type_into(qtbot, dialog, {"name": "New name"})
    saved = next_emission(dialog.saved)
    dialog.save()
    assert await saved == ("New name", False)  # it was not connected, so it is not connected now either
    assert session.store.names() == ["New name"]
    assert await session.secrets.get("New name") == secret
    assert await session.secrets.get("Old name") is None
    assert session.connection("New name").state is ConnectionState.DISCONNECTED
    assert json.loads(session.store.path.read_text())["profiles"][0]["name"] == "New name"


@pytest.mark.asyncio
async def test_the_deadline_per_call_is_set_in_the_dialog(qtbot: QtBot, session: Session,
                                                          plugnmeet_server: Any) -> None:
    from PySide6.QtWidgets import QSpinBox

    dialog = open_dialog(qtbot, session)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
    type_into(qtbot, dialog, plugnmeet_values(plugnmeet_server, name="Slow"))
    spin = dialog.form.widget("deadline_s")
    assert isinstance(spin, QSpinBox) and spin.value() == 60
    spin.setValue(15)
    dialog.save()
    await until(lambda: "Slow" in session.store.names(), what="the saved profile")
    assert session.store.get("Slow").deadline_s == 15.0


@pytest.mark.asyncio
async def test_a_late_test_result_never_appears_next_to_another_address(qtbot: QtBot, session: Session) -> None:
    from meetdesk.simulators.faults import Faults
    from meetdesk.simulators.host import SimulatorHost, build_simulator

    definition = build_simulator("plugnmeet", seed=False)
    with SimulatorHost.for_definition(definition, faults=Faults(latency_ms=1500)) as slow:
        dialog = open_dialog(qtbot, session)
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
        type_into(qtbot, dialog, plugnmeet_values(slow, secret="wrong-secret"))
        dialog.test_connection()
        assert dialog.testing() and slow.base_url in dialog.test_result.text()
        type_into(qtbot, dialog, {"base_url": "https://meet.example.org"})  # the user moves on
        assert not dialog.testing() and dialog.test_result.text() == ""
        await asyncio.sleep(2.0)  # the old server would have answered by now
        assert dialog.test_result.text() == ""
        assert dialog.test_button.text() == "Test connection"


@pytest.mark.asyncio
async def test_testing_the_connection_can_be_cancelled(qtbot: QtBot, session: Session) -> None:
    from meetdesk.simulators.faults import Faults
    from meetdesk.simulators.host import SimulatorHost, build_simulator

    definition = build_simulator("plugnmeet", seed=False)
    with SimulatorHost.for_definition(definition, faults=Faults(latency_ms=1500)) as slow:
        dialog = open_dialog(qtbot, session)
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("plugnmeet"))
        type_into(qtbot, dialog, plugnmeet_values(slow))
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert dialog.test_button.text() == "Cancel test" and dialog.test_button.isEnabled()
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert not dialog.testing() and dialog.test_result.text() == "Test cancelled."
        await asyncio.sleep(2.0)
        assert dialog.test_result.text() == "Test cancelled."
        assert dialog.test_button.text() == "Test connection"
