"""The table header's side of the Rooms and Meetings tabs: sensible default widths and order, a column chooser
(right-click the header), and the user's widths, order and hidden columns remembered by column *key* — back ends
add columns of their own, so Qt's positional ``saveState`` would restore the wrong ones.

The important columns (those with a ``minimum``) share the viewport: in a narrow window they give up width, down
to their minimum, so all of them stay in view without scrolling; a column the user sized keeps the user's width."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from meetdesk.ui.table_models import RowTableModel

#: rows measured for a column's first width
SIZE_SAMPLE_ROWS = 100
#: default widths are for a font in which this text is REFERENCE_ADVANCE pixels wide (9 pt DejaVu Sans, what
#: Qt falls back to); a larger desktop font widens them in proportion
REFERENCE_TEXT, REFERENCE_ADVANCE = "Wed 30 Sep 23:59 scheduled", 175


@dataclass(frozen=True)
class ColumnDefault:
    """``width`` when there is room; an important column has a ``minimum`` it may shrink to (elided) so that
    every important column fits a narrow window; 0: it keeps ``width`` and may be scrolled to."""

    width: int
    hidden: bool = False
    minimum: int = 0


def fitted_widths(preferred: Mapping[str, int], minimum: Mapping[str, int], room: int) -> dict[str, int]:
    """``preferred`` widths when they fit ``room``; otherwise each gives up the same share of what it can spare
    (its preferred width less its minimum), never going below its minimum."""
    want = sum(preferred.values())
    if want <= room:
        return dict(preferred)
    spare = sum(preferred[k] - min(minimum[k], preferred[k]) for k in preferred)
    share = min(1.0, (want - room) / spare) if spare > 0 else 1.0
    # rounded up, what each gives up: the columns together never pass the room's edge by a rounding pixel
    return {k: max(min(minimum[k], w), w - math.ceil((w - min(minimum[k], w)) * share))
            for k, w in preferred.items()}


class ColumnLayout(QObject):
    """Keeps ``table``'s columns laid out as the user left them; ``state()`` / ``restore()`` for the ui state."""

    MIN_WIDTH = 48

    def __init__(self, table: QTableView, model: RowTableModel[Any], defaults: Mapping[str, ColumnDefault],
                 order: tuple[str, ...] = ()) -> None:
        super().__init__(table)
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
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self.fit()
        return False

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
                width = saved.get("width") or (self._scaled(default.width) if default else self._content_width(column))
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
        self.fit()

    def fit(self) -> None:
        """Share the viewport's width among the important columns the user has not sized (see the module)."""
        header, keys = self.header(), self._keys
        if not keys or self.table.viewport().width() <= 0:
            return
        preferred: dict[str, int] = {}
        minimum: dict[str, int] = {}
        important = []
        for column, key in enumerate(keys):
            default = self.defaults.get(key)
            if default is None or not default.minimum or header.isSectionHidden(column):
                continue
            important.append(column)
            if "width" not in self._saved.get(key, {}):  # the user's width stays; the others share the rest
                preferred[key], minimum[key] = self._scaled(default.width), self._scaled(default.minimum)
        if not preferred:
            return
        last = max(header.visualIndex(c) for c in important)
        # what stands left of the last important column and keeps its width: user-sized or other columns
        kept = sum(header.sectionSize(c) for c in range(len(keys))
                   if not header.isSectionHidden(c) and header.visualIndex(c) <= last and keys[c] not in preferred)
        self._applying = True
        try:
            for key, width in fitted_widths(preferred, minimum, self.table.viewport().width() - kept).items():
                column = keys.index(key)
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._applying = False

    def least_width(self) -> int:
        """The width the important columns need at their narrowest (a user-sized one at the user's width)."""
        header, keys = self.header(), self.model.column_keys()
        total = 0
        for column, key in enumerate(keys):
            default = self.defaults.get(key)
            if default is None or not default.minimum or header.isSectionHidden(column):
                continue
            saved = self._saved.get(key, {}).get("width")
            total += int(saved) if isinstance(saved, int) else self._scaled(default.minimum)
        return total

    def _scaled(self, width: int) -> int:
        """``width`` for the table's font (see REFERENCE_TEXT); never narrower than given."""
        advance = self.table.fontMetrics().horizontalAdvance(REFERENCE_TEXT)
        return max(width, math.ceil(width * advance / REFERENCE_ADVANCE))

    def _content_width(self, column: int) -> int:
        # measured on the first rows: resizeColumnToContents reads thousands of cells (seconds at 100,000 rows)
        model, metrics = self.table.model(), self.table.fontMetrics()
        rows = range(min(model.rowCount(), SIZE_SAMPLE_ROWS))
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        widest = max([metrics.horizontalAdvance(title) + 24,
                      *(metrics.horizontalAdvance(str(model.index(r, column).data() or "")) for r in rows)])
        return min(max(widest + 20, 70), 220)

    # the user's changes ------------------------------------------------------------------------
    def _key(self, column: int) -> str | None:
        keys = self.model.column_keys()
        return keys[column] if 0 <= column < len(keys) else None

    def _resized(self, column: int, _old: int, new: int) -> None:
        key = self._key(column)
        if self._applying or key is None or new <= 0:
            return  # 0: the section was hidden, its width is kept
        header = self.header()
        last = max((header.visualIndex(c) for c in range(header.count()) if not header.isSectionHidden(c)),
                   default=-1)
        if header.stretchLastSection() and header.visualIndex(column) == last:
            return  # the last column follows the window's width; that is not the user's choice
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
            self._applying = True  # a first width, not the user's choice
            try:
                self.header().resizeSection(column, self._scaled(default.width) if default
                                            else self._content_width(column))
            finally:
                self._applying = False
        self.fit()

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
