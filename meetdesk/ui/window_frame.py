"""What the main window paints first, before the session, the tables and the panels are built.

Everything here imports only PySide6: the first paint must not wait for asyncio, httpx, the domain models or
the back ends (issue 12). :class:`TablePreview` shows a tab's table with its header while the real tab is
being built right after the first paint; :func:`preview_columns` must name the columns the real tab shows
before any server is connected (``tests/ui/test_startup_frame.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItemModel
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

#: (label, width) of the columns each tab shows before a server is connected, in their default order
PREVIEW_COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    "rooms": (("Profile", 110), ("Name", 190), ("Status", 85), ("Participants", 95), ("ID", 110)),
    "meetings": (("Title", 170), ("Start", 125), ("End", 74), ("Room", 130), ("Owner", 80), ("Profile", 100),
                 ("Status", 70)),
}

if TYPE_CHECKING:  # touching QKeySequence.StandardKey creates its Python enum: not for the first paint
    Shortcut: TypeAlias = str | QKeySequence.StandardKey


#: each tab's toolbar ("|": a separator), as the real tab builds it
PREVIEW_ACTIONS: dict[str, tuple[str, ...]] = {
    "rooms": ("New…", "Edit…", "Delete", "|", "End", "Open", "Close", "|", "Recordings…"),
    "meetings": ("New…", "Edit…", "Cancel…", "Invite…", "Copy link", "Live…"),
}


def preview_columns(noun: str) -> list[str]:
    return [label for label, _width in PREVIEW_COLUMNS[noun]]


class TablePreview(QWidget):
    """A tab's toolbar, search field and table header, disabled, until the real tab replaces it."""

    def __init__(self, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{noun}Preview")
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setMovable(False)
        for text in PREVIEW_ACTIONS[noun]:
            if text == "|":
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(text).setEnabled(False)
        search = QLineEdit(self)
        search.setPlaceholderText(f"Search {noun}…")
        search.setEnabled(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(search, 1)
        self.table = QTableView(self)
        columns = PREVIEW_COLUMNS[noun]
        model = QStandardItemModel(0, len(columns), self.table)
        model.setHorizontalHeaderLabels([label for label, _width in columns])
        self.table.setModel(model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, (_label, width) in enumerate(columns):
            self.table.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.addWidget(self.toolbar)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)


def stand_in(parent: QWidget, min_width: int) -> QWidget:
    """Holds a dock at its panel's width, so nothing jumps when the panel arrives."""
    widget = QWidget(parent)
    widget.setMinimumWidth(min_width)
    return widget


def add_dock(window: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    window.addDockWidget(area, dock)
    return dock


def replace_tab(tabs: QTabWidget, index: int, widget: QWidget, label: str) -> None:
    """Put ``widget`` in place of the page at ``index`` (deleted later), the current tab staying current."""
    current, old = tabs.currentIndex(), tabs.widget(index)
    tabs.removeTab(index)
    tabs.insertTab(index, widget, label)
    tabs.setCurrentIndex(current)
    if old is not None:
        old.deleteLater()


def float_dock(window: QMainWindow, dock: QDockWidget) -> None:
    """``dock`` as a window of its own, as large as the screen comfortably allows."""
    dock.show()
    dock.setFloating(True)
    screen = window.screen().availableGeometry() if window.screen() is not None else None
    width = min(980, screen.width() - 40) if screen is not None else 980
    height = min(760, screen.height() - 60) if screen is not None else 760
    dock.resize(width, height)
    dock.raise_()


def build_status_bar(window: QMainWindow, text: str) -> tuple[QProgressBar, QLabel, QLabel]:
    """The busy indicator (shown while starting and while anything runs), the status line, and the keyring
    warning (hidden until there is one)."""
    bar = window.statusBar()
    bar.setObjectName("statusBar")
    busy = QProgressBar(window)
    busy.setObjectName("busyIndicator")
    busy.setRange(0, 0)
    busy.setFixedWidth(110)
    busy.setMaximumHeight(14)
    busy.setTextVisible(False)
    busy.setAccessibleName("Working")
    status = QLabel(text, window)
    status.setObjectName("statusLabel")
    status.setTextFormat(Qt.TextFormat.PlainText)
    keyring = QLabel(window)
    keyring.setObjectName("keyringWarning")
    keyring.hide()
    bar.addWidget(busy)
    bar.addWidget(status, 1)
    bar.addPermanentWidget(keyring)
    return busy, status, keyring


class ActionFactory:
    """Menu actions whose key shortcuts are assigned later: the first ``setShortcut`` makes PySide6 create
    about a hundred Python enums (~50 ms), which the first paint does not need (menus are closed then)."""

    def __init__(self, owner: QWidget) -> None:
        self.owner = owner
        self.pending: list[tuple[QAction, Shortcut]] = []

    def __call__(self, text: str, shortcut: Shortcut | None, slot: Callable[[], object], tip: str = "",
                 name: str = "") -> QAction:
        action = QAction(text, self.owner)
        if shortcut is not None:
            self.pending.append((action, shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def assign_shortcuts(self) -> None:
        for action, shortcut in self.pending:
            action.setShortcut(QKeySequence(shortcut))
        self.pending.clear()
