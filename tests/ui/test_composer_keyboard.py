"""The composer from the keyboard, and what it remembers between links: tab order, Enter, the hex fields, the
role reset, and a refresh that does not make a fresh link look outdated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QWidget
from pytestqt.qtbot import QtBot

from meetdesk.simulators.host import SimulatorDefinition, SimulatorHost, build_simulator
from meetdesk.ui.composer import JoinLinkComposer
from meetdesk.ui.focus_order import visual_focus_chain
from tests.ui.test_composer import _composer, _connected, _participant_edit, _type
from tests.ui.widget_cleanup import delete_kept_widgets, keep  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
Sim = tuple[SimulatorDefinition, SimulatorHost]


@pytest.fixture
def plugnmeet() -> Iterator[Sim]:
    definition = build_simulator("plugnmeet", seed=False)
    definition.state.add_room("design-review", "Design review")
    with SimulatorHost.for_definition(definition) as host:
        yield definition, host


def _moderator(composer: JoinLinkComposer) -> QCheckBox:
    form = composer.participant_form()
    assert form is not None
    box = form.widget("moderator")
    assert isinstance(box, QCheckBox)
    return box


def _tab_walk(start: QWidget, steps: int) -> list[QWidget]:
    """Where Qt's focus chain goes from ``start``, as Tab would (skipping what cannot take focus now)."""
    out: list[QWidget] = []
    widget = start
    while len(out) < steps:
        widget = widget.nextInFocusChain()
        if widget is start:
            break
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            out.append(widget)
    return out


@pytest.mark.asyncio
async def test_tab_order_follows_the_visual_order(qtbot: QtBot, tmp_path: Path, plugnmeet: Sim) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.options_section.set_expanded(True)
    composer.design_section.set_expanded(True)
    QApplication.processEvents()
    visible = [w for w in visual_focus_chain(composer) if w.isVisible() and w.isEnabled()]
    # the visual chain is top to bottom on screen
    ys = [w.mapTo(composer, w.rect().topLeft()).y() for w in visible
          if composer.scroll_area.widget().isAncestorOf(w)]
    assert ys == sorted(ys)
    # and Tab follows it: from the Room header through the profile, the room, the name, ... down to the Create button
    walk = _tab_walk(visible[0], len(visible) - 1)
    assert walk == visible[1:]
    names = [w.objectName() for w in walk]
    assert names.index("roomEdit") < names.index("field_display_name") < names.index("field_moderator") \
        < names.index("hex_primary_color") < names.index("createLink")
    await session.aclose()


@pytest.mark.asyncio
async def test_tab_from_a_hex_field_goes_to_the_next_hex_field(qtbot: QtBot, tmp_path: Path, plugnmeet: Sim) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.design_section.set_expanded(True)
    QApplication.processEvents()
    editor = composer.design.editor
    first = editor.color_field("primary_color")
    second = editor.color_field("secondary_color")
    composer.activateWindow()
    first.edit.setFocus()
    qtbot.keyClicks(first.edit, "#004D90")
    qtbot.keyClick(first.edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is second.edit
    qtbot.keyClicks(QApplication.focusWidget(), "#24AEF7")
    assert first.text() == "#004D90" and second.text() == "#24AEF7"  # nothing typed is lost in a swatch
    # the palette is still one key away
    qtbot.keyClick(second.edit, Qt.Key.Key_F4)
    assert second.dialog() is not None
    second.dialog().reject()
    await session.aclose()


@pytest.mark.asyncio
async def test_enter_in_name_creates_the_link(qtbot: QtBot, tmp_path: Path, plugnmeet: Sim) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.select("Campus", "design-review")
    name = _participant_edit(composer, "display_name")
    _type(qtbot, name, "Ana Lima")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert composer._task is not None
    await composer._task
    link = composer.link()
    assert link is not None and link.url
    await session.aclose()


@pytest.mark.asyncio
async def test_role_resets_for_another_room_or_person(qtbot: QtBot, tmp_path: Path, plugnmeet: Sim) -> None:
    definition, host = plugnmeet
    definition.state.add_room("board", "Board")
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.select("Campus", "design-review")
    composer.set_participant(display_name="Ana Lima")
    _moderator(composer).setChecked(True)
    composer.select("Campus", "board")  # another room (as the Rooms tab does on a click)
    assert not _moderator(composer).isChecked()

    # a moderator link for Ana; then Bob is typed: Bob starts as a participant
    _moderator(composer).setChecked(True)
    task = composer.create_link()
    assert task is not None
    await task
    assert composer.link() is not None
    _type(qtbot, _participant_edit(composer, "display_name"), "Bob")
    assert not _moderator(composer).isChecked()
    _moderator(composer).setChecked(True)  # ticked again for Bob on purpose: it stays
    qtbot.keyClicks(_participant_edit(composer, "display_name"), " Brown")
    assert _moderator(composer).isChecked()
    # typing a room id character by character is not "another room" at every key
    composer.room_picker.set_text("")
    _moderator(composer).setChecked(True)
    for end in range(1, len("some-room") + 1):  # as typed (without the suggestion popup offscreen can't show)
        composer.room_picker.set_text("some-room"[:end])
    assert _moderator(composer).isChecked()
    await session.aclose()


@pytest.mark.asyncio
async def test_refresh_does_not_mark_a_fresh_link_outdated(qtbot: QtBot, tmp_path: Path, plugnmeet: Sim) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.select("Campus", "design-review")
    composer.set_participant(display_name="Ana Lima")
    task = composer.create_link()
    assert task is not None
    await task
    await session.refresh("Campus")  # what F5 does
    QApplication.processEvents()
    assert "form changed" not in composer.link_panel.validity.text()
    # a real change still says so, and changing it back makes the link current again
    _type(qtbot, _participant_edit(composer, "display_name"), "Ana Lim")
    assert "form changed" in composer.link_panel.validity.text()
    await session.aclose()


@pytest.mark.asyncio
async def test_preview_shows_the_chosen_rooms_name(qtbot: QtBot, tmp_path: Path, plugnmeet: Sim) -> None:
    definition, host = plugnmeet
    session = await _connected(tmp_path, "plugnmeet", definition, host, "Campus")
    composer = _composer(qtbot, session)
    composer.select("Campus", "design-review")
    assert composer.design.preview.title() == "Design review"
    composer.room_picker.set_text("typed-id")
    assert composer.design.preview.title() == "typed-id"
    await session.aclose()
