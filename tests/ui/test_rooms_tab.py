"""The Rooms tab against a real session: the fake back end, then the real simulators over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from meetdesk.domain.errors import UnreachableError
from meetdesk.domain.models import Profile, RoomDraft
from meetdesk.services.session import Session
from meetdesk.ui.recordings_dialog import RecordingsDialog
from meetdesk.ui.room_dialog import RoomDialog
from meetdesk.ui.rooms_tab import EMPTY_NOT_CONNECTED, RoomsTab
from meetdesk.ui.table_models import ROW_ROLE
from tests.ui.conftest import OFFSCREEN_NOTE, until
from tests.ui.fake_backend import connect_fake, qt_hygiene  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)



def make_tab(qtbot: QtBot, session: Session) -> RoomsTab:
    tab = RoomsTab(session)
    qtbot.addWidget(tab)
    tab.resize(1000, 500)
    tab.show()
    return tab


def names(tab: RoomsTab) -> list[str]:
    return [tab.proxy.index(r, 0).data(ROW_ROLE).name for r in range(tab.proxy.rowCount())]


def select(tab: RoomsTab, name: str) -> None:
    for r in range(tab.proxy.rowCount()):
        if tab.proxy.index(r, 0).data(ROW_ROLE).name == name:
            tab.table.selectRow(r)
            tab.table.setCurrentIndex(tab.proxy.index(r, 0))
            return
    raise AssertionError(f"no row {name!r} in {names(tab)}")


def confirm_box(parent: QWidget) -> QMessageBox:
    boxes = [b for b in parent.findChildren(QMessageBox, "confirmBox") if b.isVisible()]
    assert len(boxes) == 1, "exactly one confirmation should be open"
    return boxes[0]


def click(box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    button.click()


@pytest.mark.asyncio
async def test_empty_state_tells_a_first_time_user_what_to_do(qtbot: QtBot, session: Session) -> None:
    tab = make_tab(qtbot, session)
    assert tab.overlay.isVisible()
    assert tab.overlay.text() == EMPTY_NOT_CONNECTED
    assert not tab.new_action.isEnabled()
    assert "Ctrl+N" in tab.overlay.text()


@pytest.mark.asyncio
async def test_rooms_of_every_profile_with_profile_column(qtbot: QtBot, session: Session,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch, "Office")
    await connect_fake(session, monkeypatch, "Campus")
    tab = make_tab(qtbot, session)
    assert tab.proxy.rowCount() == 6 and not tab.overlay.isVisible()
    profile_col = tab.model.column_of("profile")
    profiles = {tab.proxy.index(r, profile_col).data() for r in range(6)}
    assert profiles == {"Office", "Campus"}
    assert "Capacity" in [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    assert tab.summary.text() == "6 rooms from 2 connected servers"

    tab.search.setText("campus hands")
    assert names(tab) == ["All hands"]
    assert tab.summary.text().startswith("1 of 6 rooms")
    tab.search.setText("nothing like this")
    assert tab.overlay.isVisible() and "No rooms match" in tab.overlay.text()


@pytest.mark.asyncio
async def test_past_and_all_filter(qtbot: QtBot, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    assert "Last week's retro" not in names(tab)
    tab.filter.setCurrentIndex(tab.filter.findData("past"))
    assert names(tab) == ["Last week's retro"]
    select(tab, "Last week's retro")
    assert not tab.end_action.isEnabled() and not tab.edit_action.isEnabled()
    assert "already ended" in tab.end_action.toolTip()
    tab.filter.setCurrentIndex(tab.filter.findData("all"))
    assert len(names(tab)) == 4


@pytest.mark.asyncio
async def test_actions_follow_the_providers_capabilities(qtbot: QtBot, session: Session,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    selections: list[tuple[str, str]] = []
    tab.room_selected.connect(lambda p, r: selections.append((p, r)))
    assert not tab.edit_action.isEnabled()  # nothing selected yet
    select(tab, "Team call")
    assert selections[-1] == ("Office", "r1")
    assert tab.edit_action.isEnabled() and tab.delete_action.isEnabled() and tab.end_action.isEnabled()
    # the fake back end cannot open or close rooms
    assert not tab.open_action.isEnabled() and not tab.close_action.isEnabled()
    assert "cannot open rooms" in tab.open_action.toolTip()


@pytest.mark.asyncio
async def test_end_asks_first_and_cancel_does_nothing(qtbot: QtBot, session: Session,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    select(tab, "All hands")
    tab.end_action.trigger()
    box = confirm_box(tab)
    assert "The 120 people in it will be disconnected" in box.text()
    click(box, "Cancel")
    await until(lambda: not box.isVisible(), what="the box to close")
    assert "end_room" not in state.calls and "All hands" in names(tab)

    tab.end_action.trigger()
    click(confirm_box(tab), "End room")
    await until(lambda: "All hands" not in names(tab), what="the room to leave the active list")
    assert state.calls == ["end_room"]
    assert "Room “All hands” ended." in tab.summary.text()
    tab.filter.setCurrentIndex(tab.filter.findData("past"))
    assert "All hands" in names(tab)


@pytest.mark.asyncio
async def test_delete_key_deletes_after_confirmation(qtbot: QtBot, session: Session,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    select(tab, "Board room")
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    box = confirm_box(tab)
    assert "Delete the room “Board room” on Office?" in box.text()
    click(box, "Delete room")
    await until(lambda: "Board room" not in names(tab), what="the room to disappear")
    assert "r3" not in state.rooms


@pytest.mark.asyncio
async def test_enter_on_a_row_edits_it(qtbot: QtBot, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    select(tab, "Team call")
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = tab.dialog
    assert isinstance(dialog, RoomDialog) and dialog.isVisible()
    assert dialog.room is not None and dialog.room.id == "r1"
    assert dialog.name_edit.text() == "Team call"


@pytest.mark.asyncio
async def test_create_through_the_dialog_updates_and_selects_the_row(qtbot: QtBot, session: Session,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    selections: list[tuple[str, str]] = []
    tab.room_selected.connect(lambda p, r: selections.append((p, r)))
    tab.new_action.trigger()
    dialog = tab.dialog
    assert isinstance(dialog, RoomDialog)
    qtbot.keyClicks(dialog.name_edit, "Design review")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: "Design review" in names(tab), what="the new room in the table")
    assert tab.selected_room() is not None and tab.selected_room().name == "Design review"  # type: ignore[union-attr]
    assert selections[-1][0] == "Office"
    assert "Room “Design review” saved on Office." in tab.summary.text()


@pytest.mark.asyncio
async def test_refresh_errors_show_in_a_banner_and_keep_last_data(qtbot: QtBot, session: Session,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)

    async def down() -> list[Any]:
        raise UnreachableError("The server office.example did not answer.")

    monkeypatch.setattr(session.provider("Office"), "list_rooms", down)
    await session.refresh(raise_errors=False)
    await until(lambda: not tab.banner.isHidden(), what="the banner")
    assert "“Office” could not be refreshed: The server office.example did not answer." in tab.banner.text()
    assert len(names(tab)) == 3  # last known data is still shown
    tab.banner.dismiss()
    assert tab.banner.isHidden()


@pytest.mark.asyncio
async def test_recordings_list_copy_link_and_delete(qtbot: QtBot, session: Session,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    state = await connect_fake(session, monkeypatch)
    tab = make_tab(qtbot, session)
    select(tab, "Team call")
    tab.recordings_action.trigger()
    dialog = tab.dialog
    assert isinstance(dialog, RecordingsDialog)
    await until(lambda: dialog.model.rowCount() == 1, what="the room's recordings")
    assert dialog.model.text(0, "name") == "Team call 1"
    # the room's name, not its id (the id is in the tooltip); a duration the server does not report says so
    room = next(r for r in session.connections[dialog.profile()].rooms if r.name == "Team call")
    assert dialog.model.text(0, "room") == "Team call"
    assert dialog.model.index(0, dialog.model.column_of("room")).data(Qt.ItemDataRole.ToolTipRole) \
        == f"Room ID: {room.id}"
    assert dialog.model.text(0, "duration") != ""
    dialog.room_only.setChecked(False)
    await until(lambda: dialog.model.rowCount() == 2, what="all recordings of the server")
    dialog.table.selectRow(dialog.proxy.mapFromSource(dialog.model.index(0, 0)).row())
    recording = dialog.selected()
    assert recording is not None
    dialog.copy_button.click()
    await until(lambda: QGuiApplication.clipboard().text().endswith(f"{recording.id}.mp4"), what="the link")
    dialog.delete_button.click()
    click(confirm_box(dialog), "Delete recording")
    await until(lambda: dialog.model.rowCount() == 1, what="the recording to go")
    assert recording.id not in state.recordings
    assert dialog.status.text().startswith(f"Recording “{recording.name}” deleted. 1 recording of")


# real back ends over loopback HTTP -------------------------------------------------------------
@pytest.fixture
def simulator(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    from meetdesk.simulators.host import SimulatorHost, build_simulator

    kind = request.param
    definition = build_simulator(kind, seed=True)
    with SimulatorHost.for_definition(definition) as host:
        yield kind, host


async def connect_simulator(session: Session, kind: str, host: Any, *, fields: dict[str, str] | None = None,
                            secret: str | None = None) -> str:
    definition = host.definition
    name = f"Sim {kind}"
    await session.add_profile(Profile(name, kind, host.base_url, fields=fields or dict(definition.fields)),
                              secret or definition.secret)
    await session.connect(name)
    return name


@pytest.mark.asyncio
@pytest.mark.parametrize("simulator", ["plugnmeet"], indirect=True)
async def test_plugnmeet_rooms_end_against_the_simulator(qtbot: QtBot, session: Session,
                                                         simulator: tuple[str, Any]) -> None:
    kind, host = simulator
    name = await connect_simulator(session, kind, host)
    tab = make_tab(qtbot, session)
    rooms = session.connection(name).rooms
    assert rooms and tab.proxy.rowCount() == len(rooms)
    target = next(r for r in rooms if r.participant_count)
    select(tab, target.name)
    assert tab.end_action.isEnabled()
    assert not tab.delete_action.isEnabled()  # plugNmeet has no room deletion
    tab.end_action.trigger()
    click(confirm_box(tab), "End room")
    # the server answers first and ends the room afterwards (pkg/models/room_end.go): the refresh right after
    # still lists it, shown as ending, not as a failure
    await until(lambda: any(r.id == target.id and r.status == "ending…" for r in session.connection(name).rooms),
                what="the room shown as ending")
    assert session.connection(name).refresh_error == ""
    row = names(tab).index(target.name)
    assert tab.model.text(row, "status") == "ending…"
    state = host.definition.state
    state.advance(state.end_linger + 1)
    await session.refresh(name)
    await until(lambda: all(r.id != target.id for r in session.connection(name).rooms), what="the room to end")
    await until(lambda: target.name not in names(tab), what="the table to follow")


@pytest.mark.asyncio
@pytest.mark.parametrize("simulator", ["openmeetings"], indirect=True)
async def test_openmeetings_create_edit_delete_against_the_simulator(qtbot: QtBot, session: Session,
                                                                     simulator: tuple[str, Any]) -> None:
    kind, host = simulator
    name = await connect_simulator(session, kind, host)
    tab = make_tab(qtbot, session)
    tab.new_action.trigger()
    dialog = tab.dialog
    assert isinstance(dialog, RoomDialog)
    dialog.profile_combo.setCurrentIndex(dialog.profile_combo.findData(name))  # type: ignore[union-attr]
    qtbot.keyClicks(dialog.name_edit, "Parents' evening")
    dialog.options.form.set_values({"capacity": 40, "public": True})
    dialog.save()
    await until(lambda: "Parents' evening" in names(tab), timeout=20, what="the new room")
    room = tab.selected_room()
    assert room is not None and room.name == "Parents' evening" and room.profile == name

    tab.edit_action.trigger()
    edit = tab.dialog
    assert isinstance(edit, RoomDialog) and edit.room is not None
    assert edit.options.form.values()["capacity"] == 40
    edit.name_edit.setText("Parents' evening (spring)")
    edit.save()
    await until(lambda: "Parents' evening (spring)" in names(tab), timeout=20, what="the renamed room")

    tab.delete_action.trigger()
    click(confirm_box(tab), "Delete room")
    await until(lambda: not any(n.startswith("Parents") for n in names(tab)), timeout=20, what="the deletion")


@pytest.mark.asyncio
@pytest.mark.parametrize("simulator", ["openmeetings-axis"], indirect=True)
async def test_rooms_the_server_cannot_list_are_labelled(qtbot: QtBot, session: Session,
                                                         simulator: tuple[str, Any]) -> None:
    kind, host = simulator
    # a web-service account: RoomService/getRooms needs the admin level, so the server refuses the listing
    name = await connect_simulator(session, kind, host, fields={"user": "soap"}, secret="soap-gateway-1")
    tab = make_tab(qtbot, session)
    assert tab.overlay.isVisible() and "Create one" in tab.overlay.text()
    await session.create_room(name, RoomDraft(name="Exam review"))
    await until(lambda: names(tab) == ["Exam review"], what="the remembered room")
    assert "created from meetdesk" in tab.model.text(0, "status")
    tip = tab.model.index(0, tab.model.column_of("status")).data(Qt.ItemDataRole.ToolTipRole)
    assert "this server cannot list rooms" in tip
    assert "created from meetdesk" in tab.summary.text()



@pytest.mark.asyncio
async def test_settings_the_server_ignored_are_reported_after_create(qtbot: QtBot, session: Session) -> None:
    from PySide6.QtWidgets import QMessageBox

    from meetdesk.simulators.host import SimulatorHost, build_simulator

    # plugNmeet ≥ 2.3 drops `false` for features that default to on; the provider notices and says which
    definition = build_simulator("plugnmeet", seed=False)
    with SimulatorHost.for_definition(definition) as host:
        name = await connect_simulator(session, "plugnmeet", host)
        tab = make_tab(qtbot, session)
        tab.new_action.trigger()
        dialog = tab.dialog
        assert isinstance(dialog, RoomDialog)
        qtbot.keyClicks(dialog.name_edit, "Audio only briefing")
        dialog.options.form.set_values({"allow_webcams": False})
        dialog.save()
        await until(lambda: "Audio only briefing" in names(tab), timeout=20, what="the new room")
        boxes = [w for w in tab.findChildren(QMessageBox) if w.isVisible()]
        assert boxes and "did not apply" in boxes[0].text() and "“Allow webcams”" in boxes[0].text()
        assert name in boxes[0].text()
        boxes[0].close()
