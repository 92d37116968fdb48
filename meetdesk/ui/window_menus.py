"""The main window's menu bar (File, View, Help). The first paint shows the menus' titles (:func:`add_menus`);
their items are added right after it (:func:`fill_menus`, ~4 ms), before the session exists; the actions that
need the session are enabled when the window is attached to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtGui import QAction

from meetdesk import APP_NAME
from meetdesk.ui import theme
from meetdesk.ui.window_frame import ActionFactory

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from meetdesk.ui.main_window import MainWindow

T = TypeVar("T")

#: the auto-refresh choices offered, in seconds (0: off)
INTERVALS: tuple[tuple[int, str], ...] = ((0, "Off"), (30, "Every 30 seconds"), (60, "Every minute"),
                                          (300, "Every 5 minutes"), (900, "Every 15 minutes"))


def add_menus(window: MainWindow) -> tuple[QMenu, QMenu, QMenu]:
    """File, View and Help, empty: what the first paint shows of the menu bar."""
    menu = window.menuBar()
    return menu.addMenu("&File"), menu.addMenu("&View"), menu.addMenu("&Help")


def fill_menus(window: MainWindow, menus: tuple[QMenu, QMenu, QMenu], act: ActionFactory) -> list[QAction]:
    """The items of the menus :func:`add_menus` made; returns the actions that need the session (disabled until
    it is attached)."""
    file_menu, view_menu, help_menu = menus
    window.new_profile_action = act("&New profile…", "Ctrl+N", lambda: window.connections.add_profile(),
                                    "Add a server connection", "newProfileAction")
    window.connect_all_action = act("&Connect all", None, lambda: window.connections.connect_all(),
                                    "Connect every profile that is not connected", "connectAllAction")
    window.quit_action = act("&Quit", "Ctrl+Q", window.close, "Close meetdesk", "quitAction")
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    file_menu.addAction(window.new_profile_action)
    file_menu.addAction(window.connect_all_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)

    window.refresh_action = act("&Refresh", "F5", window.refresh_all,
                                "Reload rooms and meetings from every connected server", "refreshAction")
    window.find_action = act("&Find…", "Ctrl+F", window.focus_search, "Search the rooms or meetings shown",
                             "findAction")
    window.composer_action = act("&Join-link composer", "Ctrl+L", window.show_composer,
                                 "Show the join-link composer", "composerAction")
    window.rooms_action = act("R&ooms", "Ctrl+1", lambda: window.tabs.setCurrentIndex(0))
    window.meetings_action = act("&Meetings", "Ctrl+2", lambda: window.tabs.setCurrentIndex(1))
    view_menu.addAction(window.refresh_action)
    view_menu.addAction(window.find_action)
    view_menu.addSeparator()
    view_menu.addAction(window.rooms_action)
    view_menu.addAction(window.meetings_action)
    view_menu.addSeparator()
    view_menu.addAction(window.composer_action)
    window.composer_window_action = act("Join-link composer in its own &window", "Ctrl+Shift+L",
                                        window.composer_in_window,
                                        "Give the composer a window of its own, preview beside the form",
                                        "composerWindowAction")
    view_menu.addAction(window.composer_window_action)
    build_auto_refresh_menu(window, view_menu.addMenu("&Auto-refresh"))
    build_scheme_menu(window, view_menu.addMenu("Colour &scheme"))
    panels = view_menu.addMenu("&Panels")
    panels.addAction(window.connections_dock.toggleViewAction())
    panels.addAction(window.composer_dock.toggleViewAction())

    window.about_action = act(f"&About {APP_NAME}", None, window.show_about, name="aboutAction")
    window.about_action.setMenuRole(QAction.MenuRole.AboutRole)
    help_menu.addAction(window.about_action)
    return [window.new_profile_action, window.connect_all_action, window.refresh_action, window.composer_action,
            window.composer_window_action, window.about_action, *window.auto_refresh_actions.values()]


def _choices(window: MainWindow, menu: QMenu, choices: Iterable[tuple[T, str]], name: str,
             choose: Callable[[T], object]) -> dict[T, QAction]:
    """One checkable action per choice, exclusive, each named ``{name}_{value}``."""
    from PySide6.QtGui import QActionGroup

    group = QActionGroup(window)
    actions: dict[T, QAction] = {}
    for value, text in choices:
        action = QAction(text, window)
        action.setCheckable(True)
        action.setObjectName(f"{name}_{value}")
        action.triggered.connect(lambda _checked=False, v=value: choose(v))
        group.addAction(action)
        menu.addAction(action)
        actions[value] = action
    return actions


def build_scheme_menu(window: MainWindow, menu: QMenu) -> None:
    """System (follow the desktop), Light or Dark; remembered with the window layout."""
    window.scheme_actions = _choices(
        window, menu, ((theme.SYSTEM, "Follow the &desktop"), (theme.LIGHT, "&Light"), (theme.DARK, "&Dark")),
        "scheme", lambda scheme: window.set_color_scheme(scheme))


def build_auto_refresh_menu(window: MainWindow, menu: QMenu) -> None:
    window.auto_refresh_actions = _choices(window, menu, INTERVALS, "autoRefresh",
                                         lambda seconds: window.set_auto_refresh(seconds))
