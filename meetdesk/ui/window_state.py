"""The main window's base: its saved layout (geometry, docks, tab, columns) and preferences (colour scheme,
auto-refresh), and docking the panels once the first paint is done (:meth:`LayoutWindow.place_docks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from meetdesk.ui import theme
from meetdesk.ui import window_frame as frame
from meetdesk.ui.dock_layout import fit_docks
from meetdesk.ui.ui_state import decode_bytes, encode_bytes, load_ui_state, save_ui_state

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QLabel

    from meetdesk.ui.auto_refresh import AutoRefresh
    from meetdesk.ui.connections_panel import ConnectionsPanel

STATE_VERSION = 1
DEFAULT_AUTO_REFRESH = 60


class LayoutWindow(QMainWindow):
    """What :class:`~meetdesk.ui.main_window.MainWindow` saves and restores. Until :meth:`place_docks` the docks
    are not in the layout (the first paint shows their places): their saved layout is restored then."""

    tabs: QTabWidget
    rooms_tab: QWidget
    meetings_tab: QWidget
    connections_dock: QDockWidget
    composer_dock: QDockWidget
    composer: QWidget
    status_label: QLabel
    is_attached: bool
    color_scheme: str
    scheme_actions: dict[str, QAction]  # empty until the menus get their items (finish_frame)
    auto_refresh_actions: dict[int, QAction]
    auto_refresh: AutoRefresh
    connections: ConnectionsPanel
    _saved_state: dict[str, Any]
    _docks_placed: bool = False
    _geometry_restored: bool = False
    _fit_on_show: bool = True
    _default_layout: bool = True

    def place_docks(self) -> None:
        """Dock the Connections panel and the composer where the first paint kept their places, in the saved
        layout or one that leaves the tables room (idempotent)."""
        if self._docks_placed:
            return
        from PySide6.QtCore import Qt

        self.finish_frame()
        self._docks_placed = True
        frame.dock_in(self, self.tabs, self.connections_dock, self.composer_dock)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        window_state = decode_bytes(self._saved_state.get("window_state"))
        if window_state is not None:
            docks_restored = self.restoreState(window_state, STATE_VERSION)
            self._default_layout = not (self._geometry_restored and docks_restored)
        else:
            self._default_layout = not self._geometry_restored
        self._fit_on_show = self._default_layout
        if self._fit_on_show and self.isVisible():
            self._fit_on_show = False
            # the layout takes in the docks just added first, else it drops the sizes fit_docks asks for
            QCoreApplication.sendPostedEvents(self, QEvent.Type.LayoutRequest)
            self.fit_docks()

    def finish_frame(self) -> None:
        """Made by :class:`~meetdesk.ui.main_window.MainWindow`: the docks and the menus' items."""

    def set_auto_refresh(self, seconds: int) -> None:
        """Refresh every connected server every ``seconds`` (0: only on F5); backs off while one fails."""
        seconds = seconds if seconds in self.auto_refresh_actions else DEFAULT_AUTO_REFRESH
        self.auto_refresh_actions[seconds].setChecked(True)
        if self.is_attached:
            self.auto_refresh.set_interval(seconds)

    def set_color_scheme(self, scheme: str) -> None:
        self.color_scheme = scheme if scheme in theme.SCHEMES else theme.SYSTEM
        if self.color_scheme in self.scheme_actions:  # else checked when the menus get their items
            self.scheme_actions[self.color_scheme].setChecked(True)
        theme.apply_scheme(self.color_scheme)
        if self.is_attached:
            self.connections.reload()  # its rich text carries colours of its own

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
        """The saved layout: geometry, docks, tab, colour scheme, then (when attached) columns and auto-refresh."""
        state = load_ui_state()
        restored = self._restore_frame_state(state)
        if self.is_attached:
            self._restore_content_state(state)
        return restored

    def _restore_frame_state(self, state: dict[str, Any]) -> bool:
        geometry = decode_bytes(state.get("geometry"))
        window_state = decode_bytes(state.get("window_state")) if self._docks_placed else None
        restored = False
        if geometry is not None:
            restored = self.restoreGeometry(geometry)
        if window_state is not None:
            restored = self.restoreState(window_state, STATE_VERSION) and restored
        scheme = state.get("color_scheme")
        scheme = scheme if isinstance(scheme, str) and scheme in theme.SCHEMES else theme.SYSTEM
        if scheme == theme.SYSTEM and not self.is_attached:  # the platform's palette: applied once attached
            self.color_scheme = scheme
            if scheme in self.scheme_actions:
                self.scheme_actions[scheme].setChecked(True)
        else:
            self.set_color_scheme(scheme)
        tab = state.get("tab")
        if isinstance(tab, int) and 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)
        return restored

    def _restore_content_state(self, state: dict[str, Any]) -> None:
        for name, tab in self._tables().items():
            tab.columns.restore(state.get(f"{name}_columns"))
        interval = state.get("auto_refresh")
        self.set_auto_refresh(interval if isinstance(interval, int) else DEFAULT_AUTO_REFRESH)
