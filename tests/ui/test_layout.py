"""The window at 1280×720 and 1024×680 on the demo servers: the important columns are in view, the toolbars fit,
the column chooser's choices are remembered, and the composer keeps room for its form."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton
from pytestqt.qtbot import QtBot

from meetdesk.services.demo import DemoEnvironment
from meetdesk.services.session import Session
from meetdesk.ui.main_window import MainWindow
from meetdesk.ui.tasks import activity
from tests.ui.conftest import OFFSCREEN_NOTE, until
from tests.ui.scaled_probe import IMPORTANT, out_of_view

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE, "This plugin does not support raise()")


@pytest_asyncio.fixture
async def demo() -> AsyncIterator[Session]:
    env = DemoEnvironment().start()
    session = await env.open_session()
    try:
        yield session
    finally:
        await activity().cancel_all()
        await session.aclose()
        env.stop()


async def _window(qtbot: QtBot, session: Session, width: int, height: int) -> MainWindow:
    window = MainWindow(session, demo=True)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    task = window.connections.connect_all()
    assert task is not None
    await task
    await until(lambda: window.rooms_tab.model.rowCount() > 0, what="rooms")
    QApplication.processEvents()
    return window


def _toolbar_overflows(toolbar: QToolBar) -> bool:
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    return extension is not None and extension.isVisible()


def _toolbar_slack(toolbar: QToolBar) -> float:
    """The share of the toolbar's width its buttons leave free: a desktop font one step larger (9 → 10 pt, about
    11 % wider text) must still fit."""
    return 1 - toolbar.sizeHint().width() / toolbar.width()


ROOM_COLUMNS, MEETING_COLUMNS = IMPORTANT["rooms"], IMPORTANT["meetings"]


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(1280, 720), (1280, 780), (1024, 680)])
async def test_the_important_columns_are_in_view_with_both_panels_open(qtbot: QtBot, demo: Session,
                                                                       size: tuple[int, int]) -> None:
    window = await _window(qtbot, demo, *size)
    assert window.connections_dock.isVisible() and window.composer_dock.isVisible()
    assert not window.composer_dock.isFloating()
    assert out_of_view(window.rooms_tab, ROOM_COLUMNS) == []
    window.tabs.setCurrentWidget(window.meetings_tab)
    await until(lambda: window.meetings_tab.model.rowCount() > 0, what="meetings")
    QApplication.processEvents()
    assert out_of_view(window.meetings_tab, MEETING_COLUMNS) == []
    # the profile names all begin with "Demo ": the narrow column leaves that out, the tooltip keeps it
    tab = window.meetings_tab
    index = tab.proxy.index(0, tab.model.column_of("profile"))
    assert tab.profile_delegate.displayText(index.data(), None) == index.data().removeprefix("Demo ")


@pytest.mark.asyncio
async def test_a_column_the_user_widened_keeps_its_width_the_others_give_way(qtbot: QtBot, demo: Session) -> None:
    window = await _window(qtbot, demo, 1024, 680)
    tab = window.rooms_tab
    header = tab.table.horizontalHeader()
    header.resizeSection(tab.model.column_of("name"), 150)
    window.resize(1000, 680)
    QApplication.processEvents()
    assert header.sectionSize(tab.model.column_of("name")) == 150
    assert out_of_view(tab, ROOM_COLUMNS) == []
    assert tab.columns.state()["columns"] == {"name": {"width": 150}}  # fitted widths are not saved as choices


@pytest.mark.asyncio
async def test_1024x680_toolbars_fit_and_the_composer_keeps_its_form(qtbot: QtBot, demo: Session) -> None:
    window = await _window(qtbot, demo, 1024, 680)
    assert window.connections_dock.isVisible() and window.composer_dock.isVisible()
    assert not _toolbar_overflows(window.rooms_tab.toolbar)
    assert _toolbar_slack(window.rooms_tab.toolbar) >= 0.12
    window.tabs.setCurrentWidget(window.meetings_tab)
    QApplication.processEvents()
    tab = window.meetings_tab
    assert not _toolbar_overflows(tab.toolbar)
    assert _toolbar_slack(tab.toolbar) >= 0.12, _toolbar_slack(tab.toolbar)
    # every action is a visible button: Invite…, Live…, Copy link and Refresh too
    for action in (tab.new_action, tab.edit_action, tab.cancel_action, tab.invite_action, tab.link_action,
                   tab.live_action, tab.refresh_action):
        buttons = [w for w in action.associatedObjects() if isinstance(w, QToolButton) and w.isVisible()]
        assert buttons, action.text()

    composer = window.composer
    composer.select("Demo plugNmeet", None)
    composer.design_section.set_expanded(True)
    QApplication.processEvents()
    content = composer.scroll_area.widget()
    assert content is not None and content.minimumSizeHint().width() <= composer.scroll_area.viewport().width()
    form, preview = composer.scroll_area.height(), composer.preview_pane.height()
    assert composer.splitter.orientation() == Qt.Orientation.Vertical
    assert preview <= form / 1.5, (form, preview)  # the form keeps most of the dock

    window.composer_in_window()
    QApplication.processEvents()
    assert window.composer_dock.isFloating()
    assert composer.splitter.orientation() == Qt.Orientation.Horizontal  # preview beside the form


@pytest.mark.asyncio
async def test_column_chooser_and_remembered_widths(qtbot: QtBot, demo: Session) -> None:
    window = await _window(qtbot, demo, 1280, 720)
    tab = window.rooms_tab
    menu = tab.columns.menu()
    assert [a.text() for a in menu.actions()][:5] == ["Profile", "Name", "Status", "Participants", "ID"]
    created = next(a for a in menu.actions() if a.objectName() == "column_created")
    assert not created.isChecked()  # hidden by default, one click away
    next(a for a in menu.actions() if a.objectName() == "column_id").trigger()
    assert tab.columns.is_hidden("id")
    created.trigger()
    assert not tab.columns.is_hidden("created")
    header = tab.table.horizontalHeader()
    header.resizeSection(tab.model.column_of("name"), 260)
    header.moveSection(header.visualIndex(tab.model.column_of("status")), 0)
    window.save_ui_state()

    again = MainWindow(demo, demo=True)
    qtbot.addWidget(again)
    again.rooms_tab.refresh_view()
    columns = again.rooms_tab.columns
    assert columns.is_hidden("id") and not columns.is_hidden("created")
    head = again.rooms_tab.table.horizontalHeader()
    model = again.rooms_tab.model
    assert head.sectionSize(model.column_of("name")) == 260
    assert head.logicalIndex(0) == model.column_of("status")
    # and back to the defaults
    next(a for a in columns.menu().actions() if a.objectName() == "resetColumns").trigger()
    assert not columns.is_hidden("id") and columns.is_hidden("created")
