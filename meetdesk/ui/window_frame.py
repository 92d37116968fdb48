"""What the main window paints first, before the session, the tables and the panels are built.

Everything here imports only PySide6: the first paint must not wait for asyncio, httpx, the domain models or
the back ends (issue 12). :class:`TablePreview` shows a tab's table with its header while the real tab is
being built right after the first paint; :func:`preview_columns` must name the columns the real tab shows
before any server is connected (``tests/ui/test_startup_frame.py`` compares them).

Nothing here touches PySide's ``Qt`` namespace before the first paint: its first use makes PySide create ~90
Python enums (30–40 ms, as long as a fifth of a bare window's start). So the first paint has no docks (adding a
dock takes a ``Qt.DockWidgetArea``): :class:`FrameBody` keeps the docks' places around the tabs, and
:func:`dock_in` puts the real docks there right after the paint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtGui import QAction, QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
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

if TYPE_CHECKING:  # QKeySequence and QDockWidget (with their enums) are not for the first paint
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QDockWidget


    Shortcut: TypeAlias = str | QKeySequence.StandardKey

# Qt::TextAlignmentRole and Qt::AlignLeft | Qt::AlignVCenter as plain ints: the header's alignment without the Qt
# namespace (QStandardItem.setData takes an int role, QHeaderView reads an int alignment)
_TEXT_ALIGNMENT_ROLE, _ALIGN_LEFT_VCENTER = 7, 0x0001 | 0x0080
_PREVIEW_MARGINS = (6, 6, 6, 4)


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
        self.toolbar = QToolBar(self)  # actions without icons show their text, like the real tabs' TextOnly
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
        for column, (label, _width) in enumerate(columns):
            item = QStandardItem(label)
            item.setData(_ALIGN_LEFT_VCENTER, _TEXT_ALIGNMENT_ROLE)
            model.setHorizontalHeaderItem(column, item)
        self.table.setModel(model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self._widths = [width for _label, width in columns]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*_PREVIEW_MARGINS)
        layout.addWidget(self.toolbar)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The columns at their widths, narrowed alike when the table has less room: no scroll bar."""
        left, _top, right, _bottom = _PREVIEW_MARGINS
        room = self.width() - left - right - 2 * self.table.frameWidth() - 2
        total = sum(self._widths)
        scale = min(1.0, room / total) if total and room > 0 else 1.0
        for column, width in enumerate(self._widths):
            self.table.setColumnWidth(column, int(width * scale))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()


_PENDING = "pendingTab"


def pending(parent: QWidget) -> QWidget:
    """A blank page for a tab the first paint does not show (its preview follows: :func:`is_pending`)."""
    widget = QWidget(parent)
    widget.setObjectName(_PENDING)
    return widget


def is_pending(widget: QWidget | None) -> bool:
    return widget is not None and widget.objectName() == _PENDING


def stand_in(parent: QWidget, min_width: int) -> QWidget:
    """Holds a dock at its panel's width, so nothing jumps when the panel arrives."""
    widget = QWidget(parent)
    widget.setMinimumWidth(min_width)
    return widget


def make_dock(window: QMainWindow, title: str, name: str, widget: QWidget) -> QDockWidget:
    """A dock for ``window``, hidden until :func:`dock_in` adds it."""
    from PySide6.QtWidgets import QDockWidget

    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    dock.hide()
    return dock


class FrameBody(QWidget):
    """The first paint's centre: the tabs between two blank panels where the docks will be, titled like them;
    ``widths(window width)`` gives the panels' widths (the docks' widths for that window)."""

    def __init__(self, tabs: QTabWidget, titles: tuple[str, str], widths: Callable[[int], tuple[int, int]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("frameBody")
        self._widths = widths
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(_DOCK_SEPARATOR)
        self.sides = (self._side(titles[0]), self._side(titles[1]))
        layout.addWidget(self.sides[0])
        layout.addWidget(tabs, 1)
        layout.addWidget(self.sides[1])
        self._fit(parent.width() if parent is not None else self.width())

    def _side(self, title: str) -> QWidget:
        side = QWidget(self)
        column = QVBoxLayout(side)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(QLabel(title, side))
        column.addStretch(1)
        return side

    def _fit(self, window_width: int) -> None:
        for side, width in zip(self.sides, self._widths(window_width), strict=True):
            side.setFixedWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        window = self.window()
        self._fit(window.width() if window is not None else self.width())
        super().resizeEvent(event)


#: about the style's dock separator (PM_DockWidgetSeparatorExtent): asking the style makes QStyle's enums
_DOCK_SEPARATOR = 6


def dock_in(window: QMainWindow, tabs: QTabWidget, left: QDockWidget, right: QDockWidget) -> None:
    """The tabs become the central widget (the :class:`FrameBody` goes), ``left`` and ``right`` are added."""
    from PySide6.QtCore import Qt

    body = window.centralWidget()
    if body is not tabs:
        window.takeCentralWidget()
        window.setCentralWidget(tabs)
        if body is not None:
            body.deleteLater()
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, left)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, right)
    left.show()
    right.show()


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
    status = QLabel(text, window)  # plain text: set by dock_in's caller (Qt.TextFormat is not for the first paint)
    status.setObjectName("statusLabel")
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
        from PySide6.QtGui import QKeySequence

        for action, shortcut in self.pending:
            action.setShortcut(QKeySequence(shortcut))
        self.pending.clear()
