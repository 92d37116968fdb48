"""The main window: Connections dock on the left, Rooms and Meetings tabs in the middle, Join-link dock on the right."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QWidget,
)
from shiboken6 import isValid

from meetdesk import APP_NAME
from meetdesk.domain.models import Meeting
from meetdesk.services.invitation_store import FILE_NAME, InvitationStore
from meetdesk.services.reminders import Upcoming
from meetdesk.services.session import Session
from meetdesk.ui import theme
from meetdesk.ui.auto_refresh import INTERVALS, AutoRefresh
from meetdesk.ui.connections_panel import ConnectionsPanel
from meetdesk.ui.dock_layout import composer_crowds, default_size, fit_docks
from meetdesk.ui.icons import app_icon
from meetdesk.ui.messages import refresh_outcome, show_error
from meetdesk.ui.session_bridge import SessionBridge, bridge_for
from meetdesk.ui.tasks import AsyncOp, activity
from meetdesk.ui.theme import set_tone
from meetdesk.ui.tray import TrayController
from meetdesk.ui.ui_state import decode_bytes, encode_bytes, load_ui_state, save_ui_state
from meetdesk.ui.window_parts import about_box, optional_widget

log = logging.getLogger("meetdesk.ui.main_window")

STATE_VERSION = 1
DEFAULT_AUTO_REFRESH = 60


class MainWindow(QMainWindow):
    """Signals:
    closed: the user closed the window (its state is saved); the owner then awaits :meth:`shutdown`.
    built: what ``defer_composer`` left out is built now (see :meth:`ensure_built`).

    With ``defer_composer`` (the application's start-up) the window paints first and builds the join-link
    composer right after its first paint: importing and building it is a third of the time to the first paint.
    """

    closed = Signal()
    built = Signal()

    def __init__(self, session: Session, *, demo: bool = False, defer_composer: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.demo = demo
        self.bridge: SessionBridge = bridge_for(session)
        self._last_message = "Ready."
        self._refresh_task: asyncio.Task[None] | None = None
        self._shutdown_done = False
        self._about: QMessageBox | None = None
        self.color_scheme = theme.SYSTEM
        self.auto_refresh = AutoRefresh(session, self)
        self.auto_refresh.paused.connect(lambda reason: self.show_status(reason or "Auto-refresh running again."))
        self.setObjectName("mainWindow")
        # Qt appends the application's display name to a title that does not end with it ("… — meetdesk"):
        # in demo mode the display name says so too, and the title is that name alone
        title = f"{APP_NAME} (demo)" if demo else APP_NAME
        QGuiApplication.setApplicationDisplayName(title)
        self.setWindowTitle(title)
        self.setWindowIcon(app_icon())
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        # centre: Rooms and Meetings ---------------------------------------------------------------
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.rooms_tab = optional_widget("meetdesk.ui.rooms_tab", "RoomsTab", (session, self.tabs),
                                          "The rooms view is not available in this build.")
        self.meetings_tab = optional_widget("meetdesk.ui.meetings_tab", "MeetingsTab", (session, self.tabs),
                                             "The meetings view is not available in this build.")
        self.tabs.addTab(self.rooms_tab, "&Rooms")
        self.tabs.addTab(self.meetings_tab, "&Meetings")
        self.setCentralWidget(self.tabs)

        # left: Connections -----------------------------------------------------------------------
        self.connections = ConnectionsPanel(session, self)
        self.connections_dock = self._dock("Connections", "connectionsDock", self.connections,
                                           Qt.DockWidgetArea.LeftDockWidgetArea)

        # right: Join link ------------------------------------------------------------------------
        self._composer_pending = defer_composer
        self.composer: QWidget = self._composer_stand_in() if defer_composer else self._make_composer()
        self.composer_dock = self._dock("Join link", "composerDock", self.composer,
                                        Qt.DockWidgetArea.RightDockWidgetArea)

        self._build_status_bar()
        self._build_menus()

        self.connections.message.connect(self.show_status)
        if not defer_composer:
            self._wire_composer()
        self._connect_invitations()
        self.bridge.warning.connect(self._session_warning)
        activity().changed.connect(self._activity_changed)
        self._update_keyring_warning()
        self._activity_changed(activity().count, "")

        self.resize(default_size(self))
        self._fit_on_show = self._default_layout = not self.restore_ui_state()
        if demo:
            self.show_status("Demo mode: the servers run inside meetdesk on this computer; nothing real is changed.")

    # construction ------------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.busy = QProgressBar(self)
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(110)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName("Working")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.keyring_label = QLabel(self)
        self.keyring_label.setObjectName("keyringWarning")
        set_tone(self.keyring_label, "warning")
        self.keyring_label.hide()
        bar.addWidget(self.busy)
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.keyring_label)

    def _action(self, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: Callable[[], object],
                tip: str = "", name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.new_profile_action = self._action("&New profile…", "Ctrl+N", self.connections.add_profile,
                                               "Add a server connection", "newProfileAction")
        self.connect_all_action = self._action("&Connect all", None, self.connections.connect_all,
                                               "Connect every profile that is not connected", "connectAllAction")
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close, "Close meetdesk", "quitAction")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.new_profile_action)
        file_menu.addAction(self.connect_all_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        view_menu = menu.addMenu("&View")
        self.refresh_action = self._action("&Refresh", "F5", self.refresh_all,
                                           "Reload rooms and meetings from every connected server", "refreshAction")
        self.find_action = self._action("&Find…", "Ctrl+F", self.focus_search,
                                        "Search the rooms or meetings shown", "findAction")
        self.composer_action = self._action("&Join-link composer", "Ctrl+L", self.show_composer,
                                            "Show the join-link composer", "composerAction")
        self.rooms_action = self._action("R&ooms", "Ctrl+1", lambda: self.tabs.setCurrentWidget(self.rooms_tab))
        self.meetings_action = self._action("&Meetings", "Ctrl+2",
                                            lambda: self.tabs.setCurrentWidget(self.meetings_tab))
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.find_action)
        view_menu.addSeparator()
        view_menu.addAction(self.rooms_action)
        view_menu.addAction(self.meetings_action)
        view_menu.addSeparator()
        view_menu.addAction(self.composer_action)
        self.composer_window_action = self._action("Join-link composer in its own &window", "Ctrl+Shift+L",
                                                   self.composer_in_window,
                                                   "Give the composer a window of its own, preview beside the form",
                                                   "composerWindowAction")
        view_menu.addAction(self.composer_window_action)
        self._build_auto_refresh_menu(view_menu.addMenu("&Auto-refresh"))
        self._build_scheme_menu(view_menu.addMenu("Colour &scheme"))
        panels = view_menu.addMenu("&Panels")
        panels.addAction(self.connections_dock.toggleViewAction())
        panels.addAction(self.composer_dock.toggleViewAction())

        help_menu = menu.addMenu("&Help")
        self.about_action = self._action(f"&About {APP_NAME}", None, self.show_about, name="aboutAction")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)

    def _build_scheme_menu(self, menu: QMenu) -> None:
        """System (follow the desktop), Light or Dark; remembered with the window layout."""
        group = QActionGroup(self)
        self.scheme_actions: dict[str, QAction] = {}
        for scheme, text in ((theme.SYSTEM, "Follow the &desktop"), (theme.LIGHT, "&Light"), (theme.DARK, "&Dark")):
            action = QAction(text, self)
            action.setCheckable(True)
            action.setObjectName(f"scheme_{scheme}")
            action.triggered.connect(lambda _checked=False, s=scheme: self.set_color_scheme(s))
            group.addAction(action)
            menu.addAction(action)
            self.scheme_actions[scheme] = action
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._desktop_scheme_changed)

    def _build_auto_refresh_menu(self, menu: QMenu) -> None:
        group = QActionGroup(self)
        self.auto_refresh_actions: dict[int, QAction] = {}
        for seconds, text in INTERVALS:
            action = QAction(text, self)
            action.setCheckable(True)
            action.setObjectName(f"autoRefresh_{seconds}")
            action.triggered.connect(lambda _checked=False, s=seconds: self.set_auto_refresh(s))
            group.addAction(action)
            menu.addAction(action)
            self.auto_refresh_actions[seconds] = action

    def set_auto_refresh(self, seconds: int) -> None:
        """Refresh every connected server every ``seconds`` (0: only on F5); backs off while one fails."""
        seconds = seconds if seconds in self.auto_refresh_actions else DEFAULT_AUTO_REFRESH
        self.auto_refresh_actions[seconds].setChecked(True)
        self.auto_refresh.set_interval(seconds)

    def set_color_scheme(self, scheme: str) -> None:
        self.color_scheme = scheme if scheme in theme.SCHEMES else theme.SYSTEM
        self.scheme_actions[self.color_scheme].setChecked(True)
        theme.apply_scheme(self.color_scheme)
        self.connections.reload()  # its rich text carries colours of its own

    def _desktop_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if isValid(self) and self.color_scheme == theme.SYSTEM:
            theme.apply_scheme(theme.SYSTEM)
            self.connections.reload()

    def _composer_stand_in(self) -> QWidget:
        stand_in = QWidget(self)  # holds the dock at a composer's width, so nothing jumps when it arrives
        stand_in.setMinimumWidth(320)
        return stand_in

    def _make_composer(self) -> QWidget:
        return optional_widget("meetdesk.ui.composer", "JoinLinkComposer", (self.session, self.session.store, self),
                               "The join-link composer is not available in this build.")

    def _wire_composer(self) -> None:
        """Selecting a room in the Rooms tab points the composer at it, "Invite…" in the Meetings tab fills it
        (when the widgets are the real ones)."""
        signal = getattr(self.rooms_tab, "room_selected", None)
        if signal is not None and hasattr(self.composer, "select"):
            signal.connect(self._room_selected)
        signal = getattr(self.meetings_tab, "invite_requested", None)
        if signal is not None and hasattr(self.composer, "invite"):
            signal.connect(self.invite)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._composer_pending:  # the first paint is on its way to the screen: the rest follows
            QTimer.singleShot(0, self.ensure_built)

    def ensure_built(self) -> None:
        """Build the join-link composer if start-up deferred it (idempotent); emits ``built`` when it did."""
        if not self._composer_pending or not isValid(self):
            return
        self._composer_pending = False
        pending, self.composer = self.composer, self._make_composer()
        self.composer_dock.setWidget(self.composer)
        pending.deleteLater()
        self._wire_composer()
        if self._default_layout and self.isVisible():
            self.fit_docks()  # now with the composer's comfortable width
        self.built.emit()

    def _connect_invitations(self) -> None:
        """"Invite…" in the Meetings tab fills the composer; the tray lists the day's meetings and reminds."""
        self._quitting = False
        self.invitation_store = InvitationStore(self.session.store.path.with_name(FILE_NAME))
        self.tray = TrayController(self.session, self.invitation_store, app_icon(), self)
        self.tray.open_requested.connect(self._open_upcoming)
        self.tray.show_window_requested.connect(self._show_from_tray)
        self.tray.quit_requested.connect(self.quit_from_tray)
        self.tray.message.connect(self.show_status)
        for warning in self.invitation_store.warnings:
            self.show_status(warning)

    def invite(self, meeting: Meeting) -> None:
        self.ensure_built()
        self.composer.invite(meeting)  # type: ignore[attr-defined]
        self.show_composer()

    def _show_from_tray(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def _open_upcoming(self, item: Upcoming) -> None:
        self._show_from_tray()
        if item.meeting is not None and hasattr(self.composer, "invite"):
            self.invite(item.meeting)
        else:
            self._composer_select(item.profile, item.room_id)
            self.show_composer()

    def quit_from_tray(self) -> None:
        self._quitting = True
        self.close()

    # status bar --------------------------------------------------------------------------------
    def show_status(self, text: str) -> None:
        """Set the status line; while something runs the running operation is shown and this comes back after."""
        self._last_message = text
        if activity().count == 0:
            self.status_label.setText(text)
        self.status_label.setToolTip(text)

    def status_text(self) -> str:
        return self.status_label.text()

    def _activity_changed(self, count: int, label: str) -> None:
        if not isValid(self):
            return
        self.busy.setVisible(count > 0)
        self.status_label.setText(label if count > 0 and label else self._last_message)

    def _update_keyring_warning(self) -> None:
        warning = self.session.secrets.warning
        self.keyring_label.setVisible(bool(warning))
        if warning:
            self.keyring_label.setText("⚠ No system keyring: passwords are kept for this run only")
            self.keyring_label.setToolTip(warning)

    def _session_warning(self, text: str) -> None:
        self._update_keyring_warning()
        if self.session.secrets.warning == text:
            self.show_status(text)
            return
        self.show_warning(text)

    def show_warning(self, text: str) -> QMessageBox:
        """A non-modal warning box (used for start-up problems such as an unreadable profile file)."""
        self.show_status(text)
        return show_error(self, APP_NAME, text)

    # actions -----------------------------------------------------------------------------------
    def refresh_all(self) -> asyncio.Task[None] | None:
        names = [n for n, c in self.session.connections.items() if c.provider is not None]
        if not names:
            self.show_status("Nothing to refresh: no server is connected yet.")
            return None
        if self._refresh_task is not None and not self._refresh_task.done():
            return self._refresh_task

        def done(_result: None) -> None:
            conns = self.session.connections
            self.show_status(refresh_outcome(names, {n: str(conns[n].refresh_error) for n in names
                                                     if n in conns and conns[n].refresh_error}))

        self._refresh_task = (AsyncOp(self, lambda: self.session.refresh(raise_errors=False))
                              .with_progress("Refreshing…")
                              .success(done)
                              .run())
        return self._refresh_task

    def focus_search(self) -> None:
        tab = self.tabs.currentWidget()
        focus = getattr(tab, "focus_search", None)
        if callable(focus):
            focus()

    def show_composer(self) -> None:
        self.ensure_built()
        if not self.composer_dock.isVisible() and not self.composer_dock.isFloating() and composer_crowds(self):
            self.composer_in_window()  # a dock would squeeze the tables (small screen, large scale)
            return
        self.composer_dock.show()
        self.composer_dock.raise_()
        self.composer.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def composer_in_window(self) -> None:
        """Float the composer dock as a window with room for the form and the preview side by side."""
        self.ensure_built()
        dock = self.composer_dock
        dock.show()
        dock.setFloating(True)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        width = min(980, screen.width() - 40) if screen is not None else 980
        height = min(760, screen.height() - 60) if screen is not None else 760
        dock.resize(width, height)
        dock.raise_()

    def _room_selected(self, profile: str, room_id: str) -> None:
        if profile:  # an empty selection leaves the composer as it is
            self._composer_select(profile, room_id or None)

    def _composer_select(self, profile: str, room_id: str | None) -> None:
        self.ensure_built()
        select = getattr(self.composer, "select", None)
        if callable(select):
            try:
                select(profile, room_id)
            except Exception:
                log.exception("composer could not select %s", profile)

    def show_about(self) -> QMessageBox:
        if self._about is not None and isValid(self._about):
            self._about.raise_()
            return self._about
        self._about = about_box(self, self.session)
        return self._about

    def fit_docks(self, width: int | None = None) -> None:
        """Dock widths that leave the tables room for their important columns (see :mod:`dock_layout`)."""
        fit_docks(self, width or self.width())

    # state -------------------------------------------------------------------------------------
    def ui_state(self) -> dict[str, Any]:
        return {
            "geometry": encode_bytes(self.saveGeometry()),
            "window_state": encode_bytes(self.saveState(STATE_VERSION)),
            "tab": self.tabs.currentIndex(),
            "color_scheme": self.color_scheme,
            "auto_refresh": int(self.auto_refresh.interval_s),
            **{f"{name}_columns": tab.columns.state() for name, tab in self._tables().items()},
        }

    def _tables(self) -> dict[str, Any]:
        """The tabs with a column layout (a placeholder label has none)."""
        return {name: tab for name, tab in (("rooms", self.rooms_tab), ("meetings", self.meetings_tab))
                if hasattr(tab, "columns")}

    def save_ui_state(self) -> bool:
        return save_ui_state(self.ui_state())

    def restore_ui_state(self) -> bool:
        state = load_ui_state()
        geometry = decode_bytes(state.get("geometry"))
        window_state = decode_bytes(state.get("window_state"))
        restored = False
        if geometry is not None:
            restored = self.restoreGeometry(geometry)
        if window_state is not None:
            restored = self.restoreState(window_state, STATE_VERSION) and restored
        for name, tab in self._tables().items():
            tab.columns.restore(state.get(f"{name}_columns"))
        interval = state.get("auto_refresh")
        self.set_auto_refresh(interval if isinstance(interval, int) else DEFAULT_AUTO_REFRESH)
        scheme = state.get("color_scheme")
        self.set_color_scheme(scheme if isinstance(scheme, str) else theme.SYSTEM)
        tab = state.get("tab")
        if isinstance(tab, int) and 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)
        return restored

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_on_show:  # the first time, at the size the screen allowed: docks that leave the tables room
            self._fit_on_show = False
            self.fit_docks()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_ui_state()
        if not self._quitting and self.tray.keeps_running():
            event.ignore()
            self.hide()
            self.tray.icon.showMessage("meetdesk keeps running", "Reminders still come; quit from the tray menu.",
                                       self.tray.icon.MessageIcon.Information, 5000)
            return
        self.tray.hide()
        event.accept()
        super().closeEvent(event)
        self.closed.emit()

    async def shutdown(self) -> None:
        """Cancel what is in flight and close every connection (idempotent)."""
        if self._shutdown_done:
            return
        self._shutdown_done = True
        await self.auto_refresh.stop()
        await activity().cancel_all()
        await self.session.aclose()
        self.bridge.detach()
        log.info("main window shut down")

