"""BigBlueButton and Jitsi in the window's screens: Rooms tab rows, the composer's Design section built from the
provider's declared design fields, and the recordings dialog's state filter and publish button."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from meetdesk.domain.models import JoinRequest, Profile, RoomDraft
from meetdesk.services.session import Session
from meetdesk.simulators.host import SimulatorHost, build_simulator
from meetdesk.ui.composer import JoinLinkComposer
from meetdesk.ui.composer.link_panel import LinkPanel
from meetdesk.ui.recordings_dialog import RecordingsDialog
from meetdesk.ui.room_dialog import RoomDialog
from meetdesk.ui.rooms_tab import RoomsTab
from meetdesk.ui.table_models import ROW_ROLE
from tests.ui.conftest import OFFSCREEN_NOTE, until
from tests.ui.widget_cleanup import delete_kept_widgets, keep  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)


@pytest.fixture
def hosts() -> Iterator[dict[str, SimulatorHost]]:
    started = {kind: SimulatorHost.for_definition(build_simulator(kind, seed=True)).start()
               for kind in ("bigbluebutton", "plugnmeet", "jitsi")}
    yield started
    for host in started.values():
        host.stop()


async def connect(session: Session, kind: str, host: SimulatorHost, name: str) -> str:
    definition = host.definition
    assert definition is not None
    await session.add_profile(Profile(name, kind, host.base_url, fields=dict(definition.fields)), definition.secret)
    await session.connect(name)
    return name


@pytest.mark.asyncio
async def test_rooms_tab_shows_bbb_meetings_with_people(qtbot: QtBot, session: Session,
                                                        hosts: dict[str, SimulatorHost]) -> None:
    await connect(session, "bigbluebutton", hosts["bigbluebutton"], "Campus BBB")
    tab = RoomsTab(session)
    keep(tab)
    tab.resize(1000, 400)
    tab.show()
    await until(lambda: tab.proxy.rowCount() == 3, what="the BBB meetings")
    rows = {tab.proxy.index(r, 0).data(ROW_ROLE).id: r for r in range(tab.proxy.rowCount())}
    headers = [tab.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.proxy.columnCount())]
    assert {"Moderators", "Recording", "Started"} <= set(map(str, headers))
    biology = tab.proxy.index(rows["biology-101"], 0).data(ROW_ROLE)
    assert biology.participant_count == 4 and biology.extra["moderators"] == 1


@pytest.mark.asyncio
async def test_composer_design_section_follows_the_back_end(qtbot: QtBot, session: Session,
                                                            hosts: dict[str, SimulatorHost]) -> None:
    await connect(session, "bigbluebutton", hosts["bigbluebutton"], "Campus BBB")
    await connect(session, "plugnmeet", hosts["plugnmeet"], "Campus plugNmeet")
    await connect(session, "jitsi", hosts["jitsi"], "Team Jitsi")
    composer = JoinLinkComposer(session, session.store)
    keep(composer)
    composer.resize(460, 900)
    composer.show()
    composer.select("Campus BBB", "biology-101")
    declared = composer.design.declared
    assert declared is not None and composer.design_section.isVisible()
    assert [s.key for s in declared.form.specs] == ["userdata-bbb_custom_style_url", "userdata-bbb_custom_style"]
    assert not composer.design.editor.isVisibleTo(composer) and not composer.preview_pane.isVisible()
    composer.design_section.set_expanded(True)
    assert not composer.preview_pane.isVisible()  # plugNmeet's picture does not apply
    declared.form.set_values({"userdata-bbb_custom_style_url": "http://cdn.example/brand.css"})
    form = composer.participant_form()
    assert form is not None
    form.set_values({"display_name": "Ada Brenner", "moderator": True})
    assert composer.create_link() is None
    assert "https://" in declared.form.error("userdata-bbb_custom_style_url")
    declared.form.set_values({"userdata-bbb_custom_style_url": "https://cdn.example/brand.css",
                              "userdata-bbb_custom_style": ":root{--color-primary:#0F70D7}"})
    assert composer.design_section.title() == "Design (2 settings)"
    assert "cdn.example" in declared.summary.text() and "1 rule" in declared.summary.text()
    task = composer.create_link()
    assert task is not None
    await task
    link = composer.link()
    assert link is not None, composer.link_panel.error.text()
    query = parse_qs(urlsplit(link.url).query)
    assert query["role"] == ["MODERATOR"] and query["userdata-bbb_custom_style"] == [":root{--color-primary:#0F70D7}"]

    composer.select("Campus plugNmeet", None)
    assert composer.design.declared is None and composer.design.editor.isVisibleTo(composer)
    composer.select("Team Jitsi", None)
    assert not composer.design_section.isVisible()


@pytest.mark.asyncio
async def test_recordings_dialog_filters_by_state_and_publishes(qtbot: QtBot, session: Session,
                                                                hosts: dict[str, SimulatorHost]) -> None:
    name = await connect(session, "bigbluebutton", hosts["bigbluebutton"], "Campus BBB")
    dialog = RecordingsDialog(session, name)
    keep(dialog)
    dialog.show()
    await until(lambda: dialog.model.rowCount() == 3, what="the recordings")
    assert dialog.state_combo.isVisible() and dialog.publish_button.isVisible()
    assert dialog.model.column_of("state") >= 0
    dialog.state_combo.setCurrentIndex(dialog.state_combo.findData("unpublished"))
    await until(lambda: dialog.model.rowCount() == 1 and not dialog._loading, what="the unpublished one")
    dialog.table.selectRow(0)
    assert dialog.publish_button.text() == "Publish" and dialog.publish_button.isEnabled()
    dialog.publish_button.click()
    await until(lambda: "published" in dialog.status.text() and dialog.model.rowCount() == 0,
                what="the recording to leave the unpublished list")
    dialog.state_combo.setCurrentIndex(dialog.state_combo.findData("published"))
    await until(lambda: dialog.model.rowCount() == 3 and not dialog._loading, what="all published")


@pytest.mark.asyncio
async def test_the_room_id_hint_says_what_each_back_end_does_with_an_empty_id(
        qtbot: QtBot, session: Session, hosts: dict[str, SimulatorHost]) -> None:
    for kind, name in (("bigbluebutton", "Campus BBB"), ("jitsi", "Team Jitsi"), ("plugnmeet", "Office")):
        await connect(session, kind, hosts[kind], name)
    dialog = RoomDialog(session)
    keep(dialog)
    dialog.open()
    combo = dialog.profile_combo
    assert combo is not None
    hint = dialog.findChild(QLabel, "hint_room_id")
    assert hint is not None
    for name in ("Campus BBB", "Team Jitsi", "Office"):
        combo.setCurrentIndex(combo.findData(name))
        text = hint.text()
        assert "server choose" not in text and "meetdesk makes one from the name" in text, (name, text)
        assert dialog.id_edit.isEnabled()
    # and it is true: an empty id on BigBlueButton becomes one made from the name
    room = await session.create_room("Campus BBB", RoomDraft(name="Weekly team call"))
    assert room.id.startswith("weekly-team-call-"), room.id


@pytest.mark.asyncio
async def test_open_in_browser_says_it_joins_you_as_the_person_the_link_is_for(
        qtbot: QtBot, session: Session, hosts: dict[str, SimulatorHost]) -> None:
    await connect(session, "bigbluebutton", hosts["bigbluebutton"], "Campus BBB")
    link = await session.join_link("Campus BBB", JoinRequest(room_id="biology-101", display_name="Ana Lima"))
    panel = LinkPanel()
    keep(panel)
    panel.show()
    assert panel.open_note.isHidden()
    panel.show_link(link)
    note = panel.open_note.text()
    assert panel.open_note.isVisible() and "joins you as “Ana Lima” (participant)" in note, note
    assert "personal" in note and note in panel.open_button.toolTip()
    panel.clear()
    assert panel.open_note.isHidden() and "Ana Lima" not in panel.open_button.toolTip()
