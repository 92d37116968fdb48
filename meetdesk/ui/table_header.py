"""The table header's side of the Rooms and Meetings tabs: sensible default widths and order, a column chooser
(right-click the header), and the user's widths, order and hidden columns remembered by column *key* — back ends
add columns of their own, so Qt's positional ``saveState`` would restore the wrong ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from meetdesk.ui.table_models import RowTableModel


@dataclass(frozen=True)
class ColumnDefault:
    width: int
    hidden: bool = False


class ColumnLayout:
    """Keeps ``table``'s columns laid out as the user left them; ``state()`` / ``restore()`` for the ui state."""

    MIN_WIDTH = 48

    def __init__(self, table: QTableView, model: RowTableModel[Any], defaults: Mapping[str, ColumnDefault],
                 order: tuple[str, ...] = ()) -> None:
        self.table = table
        self.model = model
        self.defaults = dict(defaults)
        self.order = order
        #: key → {"width": int, "hidden": bool}; "order": [keys] — what the user chose
        self._saved: dict[str, dict[str, Any]] = {}
        self._saved_order: list[str] = []
        self._keys: list[str] = []
        self._applying = False
        header = self.header()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.show_menu)
        header.setToolTip("Drag to reorder; right-click to choose the columns.")
        header.sectionResized.connect(self._resized)
        header.sectionMoved.connect(lambda *_: self._remember_order())

    def header(self) -> QHeaderView:
        return self.table.horizontalHeader()

    # applying ----------------------------------------------------------------------------------
    def apply(self, *, force: bool = False) -> None:
        """Lay the columns out when the set of columns changed (or ``force``): saved choice, else the default."""
        keys = self.model.column_keys()
        if keys == self._keys and not force:
            return
        self._keys = keys
        header = self.header()
        self._applying = True
        try:
            for column, key in enumerate(keys):
                saved = self._saved.get(key, {})
                default = self.defaults.get(key)
                width = saved.get("width") or (default.width if default else self._content_width(column))
                header.resizeSection(column, max(int(width), self.MIN_WIDTH))
                header.setSectionHidden(column, bool(saved.get("hidden", default.hidden if default else False)))
            wanted = [k for k in (self._saved_order or list(self.order)) if k in keys]
            wanted += [k for k in keys if k not in wanted]
            for visual, key in enumerate(wanted):
                current = header.visualIndex(keys.index(key))
                if current != visual:
                    header.moveSection(current, visual)
        finally:
            self._applying = False

    def _content_width(self, column: int) -> int:
        self.table.resizeColumnToContents(column)
        return min(max(self.header().sectionSize(column) + 12, 70), 220)

    # the user's changes ------------------------------------------------------------------------
    def _key(self, column: int) -> str | None:
        keys = self.model.column_keys()
        return keys[column] if 0 <= column < len(keys) else None

    def _resized(self, column: int, _old: int, new: int) -> None:
        key = self._key(column)
        if self._applying or key is None or new <= 0:
            return  # 0: the section was hidden, its width is kept
        self._saved.setdefault(key, {})["width"] = new

    def _remember_order(self) -> None:
        if self._applying:
            return
        header = self.header()
        keys = self.model.column_keys()
        self._saved_order = [keys[header.logicalIndex(v)] for v in range(header.count())]

    def set_hidden(self, key: str, hidden: bool) -> None:
        column = self.model.column_of(key)
        if column < 0:
            return
        self._saved.setdefault(key, {})["hidden"] = hidden
        self.header().setSectionHidden(column, hidden)
        if not hidden and self.header().sectionSize(column) < self.MIN_WIDTH:
            default = self.defaults.get(key)
            self.header().resizeSection(column, default.width if default else self._content_width(column))

    def is_hidden(self, key: str) -> bool:
        column = self.model.column_of(key)
        return column < 0 or self.header().isSectionHidden(column)

    def reset(self) -> None:
        self._saved.clear()
        self._saved_order = []
        self.apply(force=True)

    # the chooser -------------------------------------------------------------------------------
    def menu(self) -> QMenu:
        menu = QMenu(self.table)
        menu.setObjectName("columnChooser")
        header = self.header()
        keys = self.model.column_keys()
        visible = sum(1 for c in range(len(keys)) if not header.isSectionHidden(c))
        for visual in range(header.count()):
            column = header.logicalIndex(visual)
            key = keys[column]
            action = QAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)), menu)
            action.setObjectName(f"column_{key}")
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(not (action.isChecked() and visible == 1))  # one column always stays
            action.toggled.connect(lambda on, k=key: self.set_hidden(k, not on))
            menu.addAction(action)
        menu.addSeparator()
        reset = QAction("Reset columns", menu)
        reset.setObjectName("resetColumns")
        reset.triggered.connect(self.reset)
        menu.addAction(reset)
        return menu

    def show_menu(self, pos: QPoint) -> None:
        menu = self.menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.header().mapToGlobal(pos))

    # persistence -------------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {"columns": {k: dict(v) for k, v in self._saved.items()}, "order": list(self._saved_order)}

    def restore(self, state: object) -> None:
        if not isinstance(state, dict):
            return
        columns = state.get("columns")
        order = state.get("order")
        if isinstance(columns, dict):
            self._saved = {}
            for key, value in columns.items():
                if isinstance(value, dict):
                    width, hidden = value.get("width"), value.get("hidden")
                    self._saved[str(key)] = {**({"width": width} if isinstance(width, int) else {}),
                                             **({"hidden": hidden} if isinstance(hidden, bool) else {})}
        if isinstance(order, list):
            self._saved_order = [str(k) for k in order]
        self.apply(force=True)
