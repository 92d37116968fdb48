"""The join-link composer driven like a coordinator would, against the real simulators over loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from shiboken6 import delete as shiboken_delete
from shiboken6 import isValid as shiboken_valid

from meetdesk.backends.plugnmeet.client import decode_jwt_claims
from meetdesk.domain.models import Profile
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import MemoryKeyring, SecretStore
from meetdesk.services.session import Session
from meetdesk.simulators.host import SimulatorDefinition, SimulatorHost, build_simulator
from meetdesk.ui.composer import JoinLinkComposer
from meetdesk.ui.composer.design_panel import DesignPanel
from meetdesk.ui.composer.link_panel import COPIED_TEXT, COPY_TEXT, format_validity
from tests.ui.widget_cleanup import delete_kept_widgets, keep  # noqa: F401 (autouse fixture)

#: the offscreen platform's note when a shown top-level window's size hints change — not a problem of ours
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


# -- helpers ------------------------------------------------------------------------------------

def _store(tmp_path: Path) -> ProfileStore:
    store = ProfileStore(tmp_path / "profiles.json")
    store.load()
    return store


@pytest.fixture
def plugnmeet() -> Iterator[tuple[SimulatorDefinition, SimulatorHost]]:
    definition = build_simulator("plugnmeet", seed=False)
    definition.state.add_room("design-review", "Design review")
    with SimulatorHost.for_definition(definition) as host:
        yield definition, host


async def _connected(tmp_path: Path, kind: str, definition: SimulatorDefinition, host: SimulatorHost,
                     name: str) -> Session:
    store = _store(tmp_path)
    session = Session(store, SecretStore(backend=MemoryKeyring()))
    profile = Profile(name, kind, host.base_url, fields=dict(definition.fields), ca_file=host.ca_file)
    await session.add_profile(profile, definition.secret)
    await session.connect(name)
    return session


def _composer(qtbot: QtBot, session: Session, width: int = 460) -> JoinLinkComposer:
    composer = JoinLinkComposer(session, session.store)
    keep(composer)
    composer.resize(width, 900)
    composer.show()
    return composer


def _participant_edit(composer: JoinLinkComposer, key: str) -> QLineEdit:
    form = composer.participant_form()
    assert form is not None
    widget = form.widget(key)
    assert isinstance(widget, QLineEdit)
    return widget


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def _join_token_calls(definition: SimulatorDefinition) -> int:
    return sum(1 for r in definition.state.requests if r.path.endswith("getJoinToken"))


async def _create(composer: JoinLinkComposer) -> None:
    task = composer.create_link()
    assert task is not None, "the composer refused the input: " + composer.link_panel.error.text()
    await task


# -- design parts on their own -----------------------------------------------------------------

def test_invalid_hex_gets_an_inline_error_and_no_design(qtbot: QtBot, tmp_path: Path) -> None:
    panel = DesignPanel(_store(tmp_path))
    keep(panel)
    panel.editor.color_field("primary_color").set_text("#12345G")
    panel.editor.color_field("secondary_color").set_text("24aef7")
    assert panel.validated() is None
    assert "hex colour" in panel.editor.error("primary_color")
    assert panel.editor.error("secondary_color") == ""
    # fixing it clears the error at once and the design is normalised
    panel.editor.color_field("primary_color").set_text("#004d90")
    assert panel.editor.error("primary_color") == ""
    assert panel.validated() == {"primary_color": "#004D90", "secondary_color": "#24AEF7"}


def test_url_fields_must_be_https(qtbot: QtBot, tmp_path: Path) -> None:
    panel = DesignPanel(_store(tmp_path))
    keep(panel)
    panel.editor.url_field("custom_logo").setText("http://example.org/logo.png")
    assert panel.validated() is None
    assert "https://" in panel.editor.error("custom_logo")
    panel.editor.url_field("custom_logo").setText("https://example.org/logo.png")
    assert panel.validated() == {"custom_logo": "https://example.org/logo.png"}


def test_contrast_warning_for_a_bad_pair_only(qtbot: QtBot, tmp_path: Path) -> None:
    panel = DesignPanel(_store(tmp_path))
    keep(panel)
    panel.show()
    editor = panel.editor
    editor.color_field("primary_btn_text_color").set_text("#777777")
    editor.color_field("primary_btn_bg_color").set_text("#888888")
    warnings = panel.contrast.warnings()
    assert len(warnings) == 1 and "1.3:1" in warnings[0] and "needs 4.5:1" in warnings[0]
    assert panel.contrast.summary.isVisible() and "hard to read" in panel.contrast.summary.text()

    editor.color_field("primary_btn_text_color").set_text("#FFFFFF")
    editor.color_field("primary_btn_bg_color").set_text("#004D90")
    assert panel.contrast.warnings() == []
    [check] = panel.contrast.checks()
    assert check.ok and "readable" in panel.contrast.summary.text()


def test_button_text_is_checked_against_the_primary_colour_it_falls_back_to(qtbot: QtBot, tmp_path: Path) -> None:
    panel = DesignPanel(_store(tmp_path))
    keep(panel)
    panel.editor.color_field("primary_color").set_text("#888888")
    panel.editor.color_field("primary_btn_text_color").set_text("#777777")
    button = [c for c in panel.contrast.checks() if c.background_key == "primary_btn_bg_color"]
    assert len(button) == 1 and not button[0].ok and button[0].background == "#888888"


def test_colour_dialog_opens_without_blocking_and_fills_the_hex_field(qtbot: QtBot, tmp_path: Path) -> None:
    panel = DesignPanel(_store(tmp_path))
    keep(panel)
    panel.show()
    field = panel.editor.color_field("header_bg_color")
    qtbot.mouseClick(field.swatch, Qt.MouseButton.LeftButton)  # returns at once: open(), not exec()
    dialog = field.dialog()
    assert dialog is not None and dialog.isVisible()
    dialog.setCurrentColor(QColor("#123456"))
    dialog.accept()
    assert field.text() == "#123456"
    assert panel.preview.palette_colors()["header_bg_color"] == "#123456"


def test_legacy_keys_only_behind_the_switch(qtbot: QtBot, tmp_path: Path) -> None:
    panel = DesignPanel(_store(tmp_path))
    keep(panel)
    panel.show()
    editor = panel.editor
    assert not editor.legacy_group.isVisible()
    editor.legacy_switch.setChecked(True)
    assert editor.legacy_group.isVisible()
    editor.color_field("left_side_bg_color").set_text("#101010")
    editor.choice_field("column_camera_position").setCurrentIndex(
        editor.choice_field("column_camera_position").findData("top"))
    assert editor.design() == {"left_side_bg_color": "#101010", "column_camera_position": "top"}
    editor.legacy_switch.setChecked(False)
    assert editor.design() == {}  # kept in the fields, but not sent
    editor.set_design({"primary_color": "#000000", "column_camera_width": "small"})
    assert editor.legacy_enabled()  # a design with legacy keys turns the switch on


def _answer_prompt(panel: DesignPanel, text: str) -> None:
    prompt = panel.presets.prompt()
    assert prompt is not None and prompt.isVisible()
    prompt.setTextValue(text)
    prompt.accept()


def _presets_on_disk(tmp_path: Path) -> dict[str, Any]:
    presets = json.loads((tmp_path / "profiles.json").read_text(encoding="utf-8"))["presets"]
    assert isinstance(presets, dict)
    return presets


def _confirm(qtbot: QtBot, action: str) -> None:
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.objectName() == "confirmBox" and w.isVisible())
    button = next(b for b in box.buttons() if b.text() == action)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_presets_save_apply_rename_delete_persist_in_the_profile_file(qtbot: QtBot, tmp_path: Path) -> None:
    store = _store(tmp_path)
    panel = DesignPanel(store)
    keep(panel)
    panel.show()
    editor, bar = panel.editor, panel.presets
    editor.color_field("primary_color").set_text("#004d90")
    editor.color_field("header_bg_color").set_text("#F0E6D2")
    editor.url_field("custom_logo").setText("https://acme.example/logo.svg")

    qtbot.mouseClick(bar.save_button, Qt.MouseButton.LeftButton)
    _answer_prompt(panel, "  ACME brand ")
    expected = {"primary_color": "#004D90", "header_bg_color": "#F0E6D2", "custom_logo": "https://acme.example/logo.svg"}
    assert _presets_on_disk(tmp_path) == {"ACME brand": expected}
    assert bar.selected() == "ACME brand"

    editor.clear()
    assert editor.design() == {}
    qtbot.mouseClick(bar.apply_button, Qt.MouseButton.LeftButton)
    assert editor.design() == expected

    qtbot.mouseClick(bar.rename_button, Qt.MouseButton.LeftButton)
    _answer_prompt(panel, "ACME 2025")
    assert _presets_on_disk(tmp_path) == {"ACME 2025": expected}
    # a fresh store reads the same from disk
    assert _store(tmp_path).presets() == {"ACME 2025": expected}

    qtbot.mouseClick(bar.delete_button, Qt.MouseButton.LeftButton)
    assert _presets_on_disk(tmp_path) == {"ACME 2025": expected}  # nothing gone before the answer
    _confirm(qtbot, "Delete")
    assert _presets_on_disk(tmp_path) == {}
    assert bar.selected() is None and not bar.apply_button.isEnabled()


def test_preset_with_an_invalid_design_is_not_saved(qtbot: QtBot, tmp_path: Path) -> None:
    panel = DesignPanel(_store(tmp_path))
    keep(panel)
    panel.editor.color_field("primary_color").set_text("blue-ish")
    qtbot.mouseClick(panel.presets.save_button, Qt.MouseButton.LeftButton)
    assert panel.presets.prompt() is None
    assert "red" in panel.presets.message.text()
    assert "hex colour" in panel.editor.error("primary_color")
    assert not (tmp_path / "profiles.json").exists()


def test_validity_text() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2025, 3, 4, 13, 33, tzinfo=UTC)
    text = format_validity(now + timedelta(minutes=59), now)
    local = (now + timedelta(minutes=59)).astimezone().strftime("%H:%M")
    assert text == f"Valid until {local} (in 59 min)."
    assert format_validity(now - timedelta(minutes=1), now).startswith("Expired at")


# -- end to end with the plugNmeet simulator ---------------------------------------------------

class _Browser(QObject):
    """Stands in for the desktop's web browser (QDesktopServices URL handler)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.opened.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))


@pytest.mark.asyncio
async def test_link_from_the_plugnmeet_simulator_carries_the_exact_design(
        qtbot: QtBot, tmp_path: Path, plugnmeet: tuple[SimulatorDefinition, SimulatorHost]) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    assert composer.design_section.isVisible() and composer.design_section.title() == "Design (server default)"
    composer.select("Campus", "design-review")
    assert composer.room_id() == "design-review"

    _type(qtbot, _participant_edit(composer, "display_name"), "Ana Lima")
    assert _participant_edit(composer, "user_id").placeholderText().startswith("Automatic: ana-lima-")
    form = composer.participant_form()
    assert form is not None
    moderator = form.widget("moderator")
    assert isinstance(moderator, QCheckBox)
    assert "language" not in [s.key for s in form.specs]  # plugNmeet's own "Interface language" stands in
    options = composer.options_form()
    assert options is not None
    options.set_values({"preferred_lang": "de-DE", "lock_chat": "yes", "lock_webcam": "no"})

    editor = composer.design.editor
    editor.color_field("primary_color").set_text("#004d90")
    editor.color_field("header_bg_color").set_text("F0E6D2")
    editor.color_field("primary_btn_text_color").set_text("#FFFFFF")
    editor.url_field("custom_logo").setText("https://acme.example/logo.svg")

    assert composer.design_section.title() == "Design (4 settings)"  # folded, but says a design is set
    assert not composer.preview_pane.isVisible()
    composer.design_section.set_expanded(True)
    assert composer.preview_pane.isVisible()  # pinned below the form while the design is edited
    assert composer.design.preview.palette_colors()["header_bg_color"] == "#F0E6D2"
    assert composer.contrast_summary.text().startswith("All 4 colour pairs are readable")

    await _create(composer)
    link = composer.link()
    assert link is not None
    assert composer.link_panel.edit.text() == link.url

    expected = ('{"primary_color":"#004D90","primary_btn_text_color":"#FFFFFF",'
                '"header_bg_color":"#F0E6D2","custom_logo":"https://acme.example/logo.svg"}')
    query = parse_qs(urlsplit(link.url).query)
    assert query["custom_design"] == [expected]
    assert f"custom_design={quote(expected, safe='')}" in link.url  # URL-encoded compact JSON
    claims = decode_jwt_claims(query["access_token"][0])
    assert claims["name"] == "Ana Lima" and claims["room_id"] == "design-review"
    assert str(claims["user_id"]).startswith("ana-lima-") and "is_admin" not in claims
    pending = definition.state.pending[("design-review", str(claims["user_id"]))]
    assert pending.metadata["preferred_lang"] == "de-DE"
    assert pending.metadata["lock_settings"]["lock_chat"] is True
    assert pending.metadata["lock_settings"]["lock_webcam"] is False

    validity = composer.link_panel.validity.text()
    assert "Valid until" in validity and "(in 10 min)" in validity and "one join" in validity

    browser = _Browser()
    slot_name: Any = "open_url"  # PySide6 wants the name as str at run time, its stubs say bytes
    QDesktopServices.setUrlHandler("http", browser, slot_name)
    try:
        qtbot.mouseClick(composer.link_panel.open_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("http")
    assert browser.opened == [link.url]

    qtbot.mouseClick(composer.link_panel.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == link.url
    assert composer.link_panel.copy_button.text() == COPIED_TEXT
    qtbot.waitUntil(lambda: composer.link_panel.copy_button.text() == COPY_TEXT, timeout=4000)
    await session.aclose()


@pytest.mark.asyncio
async def test_moderator_and_no_design_gives_a_plain_link(
        qtbot: QtBot, tmp_path: Path, plugnmeet: tuple[SimulatorDefinition, SimulatorHost]) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.select("Campus", "design-review")
    composer.set_participant(display_name="Bo Chen", user_id="bo-chen", moderator=True)
    await _create(composer)
    link = composer.link()
    assert link is not None
    assert "custom_design" not in link.url
    claims = decode_jwt_claims(parse_qs(urlsplit(link.url).query)["access_token"][0])
    assert claims["user_id"] == "bo-chen" and claims["is_admin"] is True
    assert "as moderator" in composer.link_panel.validity.text()
    await session.aclose()


@pytest.mark.asyncio
async def test_invalid_input_shows_inline_errors_clears_the_old_link_and_asks_nothing(
        qtbot: QtBot, tmp_path: Path, plugnmeet: tuple[SimulatorDefinition, SimulatorHost]) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.select("Campus", "design-review")
    composer.set_participant(display_name="Ana Lima")
    await _create(composer)
    assert composer.link() is not None
    calls = _join_token_calls(definition)

    editor = composer.design.editor
    editor.color_field("footer_bg_color").set_text("#GGG")
    composer.set_participant(avatar_url="http://pics.example/ana.jpg")
    assert composer.create_link() is None
    assert composer.link() is None and composer.link_panel.edit.text() == ""
    assert not composer.link_panel.copy_button.isEnabled()
    assert "marked in red" in composer.link_panel.error.text()
    assert "hex colour" in editor.error("footer_bg_color")
    form = composer.participant_form()
    assert form is not None and "https://" in form.error("avatar_url")
    assert _join_token_calls(definition) == calls  # nothing was asked of the server

    # the name is required, and the room must be given
    editor.color_field("footer_bg_color").set_text("")
    composer.set_participant(avatar_url="https://pics.example/ana.jpg")
    _participant_edit(composer, "display_name").clear()
    composer.room_picker.set_text("")
    assert composer.create_link() is None
    assert form.error("display_name") and composer.room_error.text() == "Choose a room or type its ID."
    assert _join_token_calls(definition) == calls
    await session.aclose()


@pytest.mark.asyncio
async def test_server_refusals_land_next_to_the_field_or_under_the_button(
        qtbot: QtBot, tmp_path: Path, plugnmeet: tuple[SimulatorDefinition, SimulatorHost]) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.select("Campus", "design-review")
    composer.set_participant(display_name="Ana Lima", user_id="user_ana")  # the server reserves "user_"
    await _create(composer)
    form = composer.participant_form()
    assert form is not None
    assert composer.link() is None
    assert "user_" in form.error("user_id")

    composer.set_participant(user_id="")
    composer.room_picker.set_text("no-such-room")
    await _create(composer)
    assert composer.link() is None
    assert composer.link_panel.error.isVisible() and composer.link_panel.error.text()
    assert form.error("user_id") == ""
    await session.aclose()


@pytest.mark.asyncio
async def test_editing_after_the_link_marks_it_outdated(
        qtbot: QtBot, tmp_path: Path, plugnmeet: tuple[SimulatorDefinition, SimulatorHost]) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.select("Campus", "design-review")
    composer.set_participant(display_name="Ana Lima")
    await _create(composer)
    assert "form changed" not in composer.link_panel.validity.text()
    composer.design.editor.color_field("primary_color").set_text("#000000")
    assert "form changed" in composer.link_panel.validity.text()
    await session.aclose()


@pytest.mark.asyncio
async def test_profiles_and_rooms_follow_the_session(
        qtbot: QtBot, tmp_path: Path, plugnmeet: tuple[SimulatorDefinition, SimulatorHost]) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    assert composer.profile_combo.count() == 1
    assert composer.room_picker.has_room("design-review")

    definition.state.add_room("late-room", "Late room")
    await session.refresh("Campus")
    assert composer.room_picker.has_room("late-room")

    await session.disconnect("Campus")
    assert composer.profile_combo.count() == 0
    assert not composer.create_button.isEnabled()
    composer.select("Campus", "late-room")
    assert "not connected" in composer.profile_hint.text()
    await session.connect("Campus")  # the wanted selection is applied once it is connected
    assert composer.profile_name() == "Campus" and composer.room_id() == "late-room"
    composer.select("Campus", None)  # choosing the profile alone keeps the room
    assert composer.room_id() == "late-room"
    await session.aclose()


@pytest.mark.asyncio
async def test_fits_a_narrow_dock(
        qtbot: QtBot, tmp_path: Path, plugnmeet: tuple[SimulatorDefinition, SimulatorHost]) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session, width=420)
    composer.options_section.set_expanded(True)
    composer.design.editor.legacy_switch.setChecked(True)
    QApplication.processEvents()
    content = composer.scroll_area.widget()
    assert content is not None
    assert content.minimumSizeHint().width() <= composer.scroll_area.viewport().width()
    assert content.width() <= composer.scroll_area.viewport().width()
    await session.aclose()


# -- the OpenMeetings back ends ------------------------------------------------------------------

@pytest.mark.asyncio
async def test_openmeetings_profile_shows_its_options_and_no_design(qtbot: QtBot, tmp_path: Path) -> None:
    definition = build_simulator("openmeetings", seed=True)
    with SimulatorHost.for_definition(definition) as host:
        session = await _connected(tmp_path, "openmeetings", definition, host, "OM")
        composer = _composer(qtbot, session)
        assert composer.profile_name() == "OM"
        assert not composer.design_section.isVisible() and not composer.preview_pane.isVisible()
        options = composer.options_form()
        assert options is not None
        assert {s.key for s in options.specs} >= {"allow_same_url_multiple_times", "language"}
        room = session.connection("OM").rooms[0]
        composer.select("OM", room.id)
        composer.set_participant(display_name="Ana Lima", email="ana@example.org")
        reuse = options.widget("allow_same_url_multiple_times")
        assert isinstance(reuse, QCheckBox)
        reuse.setChecked(True)
        await _create(composer)
        link = composer.link()
        assert link is not None and "/hash?" in link.url and "secure=" in link.url
        assert not link.single_use and "again" in composer.link_panel.validity.text()
        await session.aclose()


@pytest.mark.asyncio
async def test_legacy_openmeetings_passes_moderator_and_audio_video_test(qtbot: QtBot, tmp_path: Path) -> None:
    definition = build_simulator("openmeetings-axis", seed=True)
    with SimulatorHost.for_definition(definition) as host:
        session = await _connected(tmp_path, "openmeetings-axis", definition, host, "Old OM")
        composer = _composer(qtbot, session)
        assert not composer.design_section.isVisible()
        room_id = str(min(definition.state.rooms))
        composer.select("Old OM", room_id)
        composer.set_participant(display_name="Ana Lima", moderator=True)
        options = composer.options_form()
        assert options is not None
        options.set_values({"show_audio_video_test": True})
        await _create(composer)
        link = composer.link()
        assert link is not None and "secureHash=" in link.url
        secure_hash = parse_qs(urlsplit(link.url).query)["secureHash"][0]
        login = definition.state.soap_logins[secure_hash]
        assert login.moderator and login.show_audio_video_test and login.room_id == int(room_id)

        # a room id that is not a number is the provider's ValidationError(field="room_id"): inline
        composer.room_picker.set_text("lobby")
        await _create(composer)
        assert composer.link() is None and "numbers" in composer.room_error.text()
        await session.aclose()


def test_buttons_have_names(qtbot: QtBot, tmp_path: Path) -> None:
    session = Session(_store(tmp_path), SecretStore(backend=MemoryKeyring()))
    composer = JoinLinkComposer(session, session.store)
    keep(composer)
    # nothing connected: the composer says why it cannot make a link, and does not try
    assert composer.profile_combo.count() == 0 and not composer.create_button.isEnabled()
    assert "No connected profile" in composer.profile_hint.text()
    for button in composer.findChildren(QPushButton):
        assert button.text().strip(), button.objectName()
    for combo in composer.findChildren(QComboBox):
        assert combo.accessibleName() or combo.objectName()


@pytest.mark.asyncio
async def test_a_closed_composer_ignores_later_session_events(
        qtbot: QtBot, tmp_path: Path, plugnmeet: tuple[SimulatorDefinition, SimulatorHost]) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = JoinLinkComposer(session, session.store)
    shiboken_delete(composer)  # as when the dock is closed for good
    assert not shiboken_valid(composer)
    await session.refresh("Campus")  # data_changed and status events reach no dead widget
    await session.disconnect("Campus")
    await session.aclose()


def test_unfolding_a_section_scrolls_it_into_view(qtbot: QtBot, tmp_path: Path) -> None:
    session = Session(_store(tmp_path), SecretStore(backend=MemoryKeyring()))
    composer = keep(JoinLinkComposer(session, session.store))
    composer.resize(420, 600)
    composer.show()
    bar = composer.scroll_area.verticalScrollBar()
    assert bar.value() == 0 and not composer.design_section.is_expanded()
    qtbot.mouseClick(composer.design_section.header, Qt.MouseButton.LeftButton)
    assert composer.design_section.is_expanded() and composer.preview_pane.isVisible()
    qtbot.waitUntil(lambda: bar.value() > 0)
    assert bar.value() == min(bar.maximum(), composer.design_section.y())
