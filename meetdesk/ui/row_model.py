"""A read-only table of domain objects that sorts and filters itself; fast at 100,000 rows.

* Cell texts are computed when a cell is first shown and then cached; nothing is formatted up front.
* Rows come in blocks (one per server profile): a refresh of one server replaces its block only, and the caches
  of the other blocks are kept.
* Sorting is Python's stable sort over one column's cached keys; filtering scans a case-folded text per row (the
  search index, built in idle time after a load, or on the first search). Either ends in ONE layout change, which
  keeps the view's selection and current row on the same rows (by position in O(1), or by row key after new data).
* Storage is compact, for 100,000 rows: row numbers (sort order, shown rows, ranks) in arrays rather than lists
  of Python ints (8 bytes a row instead of 36); the search texts in UTF-8, held as one-byte strs (each
  byte read as Latin-1): one character past Latin-1 in a name ("–") made the whole text two bytes a character.
  A word in the same form matches exactly where it did (UTF-8 matches only at character boundaries), and str's
  search stays the fast one (``in`` on bytes is about twice as slow).
* A refresh that brings a block's rows back in place (same rows, a few values changed) reports the changed cells
  only: see ``ui/row_changes.py``. Views see the model through ``ui/search_proxy.py``.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFont

from meetdesk.backends.base import Column
from meetdesk.backends.offload import free_later
from meetdesk.ui.row_blocks import (
    Places,
    PreparedBlock,
    TableColumn,
    find_place,
    index_rows,
    packed,
    position,
    ranks,
    search_texts,
    shown_place,
    sort_keys,
)
from meetdesk.ui.row_changes import CellRun, plan_in_place, report_cells, take_rows

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex
#: row numbers: an array of machine integers (8 bytes a row; a list of Python ints is 36)
Rows: TypeAlias = "array[int] | list[int]"

#: rows looked up by searching the view before the ranks of every row are made (then bisection)
SCANS_BEFORE_RANKS = 8

#: the value a column sorts by: numbers for numbers and datetimes, folded text otherwise
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: the row's domain object (Room, Meeting, Recording)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
#: all of a row's texts in one folded string; the search filters on it
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3

_DISPLAY, _ROW, _SORT = int(Qt.ItemDataRole.DisplayRole.value), int(ROW_ROLE), int(SORT_ROLE)
_ALIGN, _FONT = int(Qt.ItemDataRole.TextAlignmentRole.value), int(Qt.ItemDataRole.FontRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ANSWERED = frozenset({_DISPLAY, _ROW, _SORT, _ALIGN, _FONT, _TOOLTIP, int(SEARCH_ROLE)})
_HEADER_ROLES = frozenset({_DISPLAY, _TOOLTIP, _ALIGN})
_HORIZONTAL = Qt.Orientation.Horizontal
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
#: how long one idle-time slice of building the search index may take (the UI's budget is 50 ms)
INDEX_SLICE_S = 0.012
#: rows per step of building the search index (a step at 100k rows with a date column takes ~5 ms)
INDEX_CHUNK = 500


def _shape(columns: Sequence[TableColumn[Any]]) -> list[tuple[str, str, bool, bool]]:
    return [(c.key, c.header, c.numeric, c.sort is None) for c in columns]


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows in named blocks; ``rowCount``/``data`` are about the shown rows (sorted, filtered)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []                       # every row, block after block
        self._blocks: dict[str, tuple[int, int]] = {}  # block name → [start, end) in _rows
        self._sources: dict[str, Sequence[R]] = {}      # block name → the sequence it was given as
        self._columns: list[TableColumn[R]] = []
        self._cells: list[dict[int, str]] = []           # per column: row → its text, once shown
        self._keys: list[list[Any] | None] = []          # per column, per row: sort keys once sorted by it
        self._hay: list[str | None] = []                 # per row: the search text, case-folded, see _packed
        self._hay_next = 0                               # rows before this have their search text
        self._order: Rows = array("q")                   # every row, in sort order
        self._view: Rows = array("q")                    # the shown rows, in sort order
        self._rank: Rows | None = None                   # row → its place in _order; lazy
        self._scans = 0                                  # rows looked up without _rank since the last sort
        self._places: dict[str, Places] = {}             # per block: row key → place in the block; lazy
        self._words: list[str] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._indexer = QTimer(self)
        self._indexer.setSingleShot(True)
        self._indexer.setInterval(0)
        self._indexer.timeout.connect(self._index_slice)

    # what subclasses say -------------------------------------------------------------------------
    def row_key(self, row: R) -> Hashable:
        """What identifies a row across refreshes (selection follows it)."""
        return (getattr(row, "profile", ""), getattr(row, "id", id(row)))

    # filling ---------------------------------------------------------------------------------
    def _reset(self, rows: Iterable[R], columns: Sequence[TableColumn[R]]) -> None:
        """Show ``rows`` (one block) with ``columns``."""
        self._set_blocks({"": list(rows)}, columns, replace_all=True)

    def _set_blocks(self, blocks: Mapping[str, Sequence[R]], columns: Sequence[TableColumn[R]], *,
                    replace_all: bool, prepared: Mapping[str, PreparedBlock[R]] | None = None) -> None:
        """Replace the given blocks (and, with ``replace_all``, drop the others); one layout change.

        A block given as the very sequence it was given as last time is unchanged and keeps its caches. What
        ``prepared`` holds for a block (see ``ui/row_blocks.py``) is taken instead of being computed here."""
        same_columns = _shape(columns) == _shape(self._columns)
        prepared = prepared or {}
        if not self._rows and not self.persistentIndexList():
            self.beginResetModel()
            self._store_blocks(blocks, columns, replace_all=replace_all, keep_caches=same_columns, prepared=prepared)
            self._arrange()
            self.endResetModel()
        elif not same_columns:
            # the columns themselves change: a reset (the view re-reads the header), the selection restored by key
            self.beginResetModel()
            self._store_blocks(blocks, columns, replace_all=replace_all, keep_caches=False, prepared=prepared)
            self._arrange()
            self.endResetModel()
        elif not (self.UPDATE_IN_PLACE and not prepared and self._update_in_place(blocks, columns, replace_all)):
            old_spans, old_rows, old_sources = self._blocks, self._rows, self._sources

            def change() -> None:
                last = self._order
                self._store_blocks(blocks, columns, replace_all=replace_all, keep_caches=True, prepared=prepared)
                self._arrange(last if self._blocks == old_spans else None)  # same places: the last order fits

            def moved(i: int) -> int:
                """Where old row ``i`` is now: a kept block's rows moved with it, the others are found by key."""
                for name, (s, e) in old_spans.items():
                    if s <= i < e:
                        kept = name not in blocks or blocks[name] is old_sources.get(name)
                        if kept and name in self._blocks:
                            return self._blocks[name][0] + i - s
                        break
                return self._row_of_key(self.row_key(old_rows[i]))

            self._relayout(change, moved)
        self._start_indexing()

    def _update_in_place(self, blocks: Mapping[str, Sequence[R]], columns: Sequence[TableColumn[R]],
                         replace_all: bool) -> bool:
        """Take ``blocks`` with no layout change, reporting changed cells only (``ui/row_changes.py``); or False."""
        if not set(blocks) <= set(self._blocks) or (replace_all and set(blocks) != set(self._blocks)):
            return False
        old = {n: self._rows[slice(*self._blocks[n])] for n, rows in blocks.items() if rows is not self._sources.get(n)}
        plans = plan_in_place(old, blocks, columns, row_key=self.row_key, sort_column=self._sort_column,
                              alike=lambda a, b: self._row_font(a) == self._row_font(b), searching=bool(self._words))
        if plans is None:
            return False
        self._columns = list(columns)  # the same shape: the caches stay right
        changed: list[CellRun] = []
        for name, runs in plans.items():
            s = self._blocks[name][0]
            first = take_rows(self._rows, s, blocks[name], runs, self._columns, self._cells, self._keys, self._hay)
            self._hay_next, self._sources[name] = min(self._hay_next, first), blocks[name]
            changed += [(self._view_row_of(s + place), c0, c1) for place, c0, c1 in runs]  # nothing is hidden
        report_cells(self, changed)
        return True

    def _rows_with(self, blocks: Mapping[str, Sequence[R]], replace_all: bool) -> list[R]:
        """Every row there will be once ``blocks`` are in (for column decisions that look at all values)."""
        rows: list[R] = []
        if not replace_all:
            for name, (s, e) in self._blocks.items():
                if name not in blocks:
                    rows += self._rows[s:e]
        for block in blocks.values():
            rows += block
        return rows

    def block_rows(self, name: str) -> Sequence[R]:
        """The sequence block ``name`` was given as (the same object while the block is unchanged)."""
        return self._sources.get(name, ())

    def _store_blocks(self, blocks: Mapping[str, Sequence[R]], columns: Sequence[TableColumn[R]], *,
                      replace_all: bool, keep_caches: bool, prepared: Mapping[str, PreparedBlock[R]]) -> None:
        names = [n for n in self._blocks if not replace_all or n in blocks]
        names += [n for n in blocks if n not in self._blocks]
        fresh = {n: rows for n, rows in blocks.items() if not (keep_caches and rows is self._sources.get(n))}
        ncols = len(columns)
        if keep_caches:
            old_keys = self._keys
        else:  # new columns: a column's keys are had cheaply only when every block brings them ready
            ready = all(n in fresh and n in prepared for n in names)
            old_keys = [[] if ready and all(prepared[n].keys_for(c) is not None for n in names) else None
                        for c in columns]
        rows: list[R] = []
        hay: list[str | None] = []
        keys: list[list[Any] | None] = [[] if k is not None else None for k in old_keys]
        spans: dict[str, tuple[int, int]] = {}
        places: dict[str, Places] = {}
        for name in names:
            start = len(rows)
            ready_block = prepared.get(name)
            if name in fresh:
                new = ready_block.rows if ready_block is not None else list(fresh[name])
                rows += new
                ready_hay = ready_block.hay_for(columns) if ready_block is not None else None
                hay += ready_hay if ready_hay is not None else [None] * len(new)
                for c, key_list in enumerate(keys):
                    if key_list is not None:
                        ready_keys = ready_block.keys_for(columns[c]) if ready_block is not None else None
                        key_list += ready_keys if ready_keys is not None else sort_keys(new, columns[c])
                if ready_block is not None:
                    places[name] = ready_block.places
            else:
                s, e = self._blocks[name]
                rows += self._rows[s:e]
                hay += self._hay[s:e] if keep_caches else [None] * (e - s)
                for c, key_list in enumerate(keys):
                    old_key_list = old_keys[c]
                    if key_list is not None and old_key_list is not None:
                        key_list += old_key_list[s:e]
                if name in self._places:
                    places[name] = self._places[name]
            spans[name] = (start, len(rows))
        self._sources = {n: blocks[n] if n in blocks else self._sources.get(n, ()) for n in names}
        free_later(self._rows, self._hay, *(k for k in self._keys if k))  # rows replaced: freed off the loop
        self._rows, self._blocks, self._columns = rows, spans, list(columns)
        self._cells = [{} for _ in range(ncols)]  # only shown cells were cached: cheap to make again
        self._keys = keys
        self._hay = hay
        self._hay_next = 0  # kept blocks may have moved; the idle pass skips rows that have their text
        self._places = places

    # ordering and filtering --------------------------------------------------------------------
    def _arrange(self, last: Rows | None = None) -> None:
        """Recompute the sort order and the shown rows from the current column, order and words. ``last``, the
        order before new rows took the same places, is where sorting starts: nearly sorted still, it takes one
        pass instead of n·log n comparisons (100,000 rows after F5: ~5 ms, not ~40); rows with equal keys come in
        the last order instead of the list's."""
        n = len(self._rows)
        if 0 <= self._sort_column < len(self._columns):
            keys = self._column_keys(self._sort_column)
            descending = self._sort_order == Qt.SortOrder.DescendingOrder
            start = last if last is not None and len(last) == n else range(n)
            self._order = array("q", sorted(start, key=keys.__getitem__, reverse=descending))  # stable
        else:
            self._order = array("q", range(n))
        self._rank, self._scans = None, 0
        self._filter()

    def _filter(self, within: Rows | None = None) -> None:
        shown = self._order if within is None else within
        if self._words:
            self._complete_index()
            hay = self._hay
            for word in self._words:  # word by word: each pass scans only what the previous one kept
                needle = packed(word)
                shown = array("q", [i for i in shown if needle in hay[i]])  # type: ignore[operator]
        self._view = shown

    def _column_keys(self, column: int) -> list[Any]:
        keys = self._keys[column]
        if keys is None:
            keys = self._keys[column] = sort_keys(self._rows, self._columns[column])
        return keys

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        if not 0 <= column < len(self._columns) or not self._rows:
            return
        self._relayout(self._arrange)

    def sort_column_key(self) -> str:
        """The key of the column the rows are sorted by ("" when unsorted)."""
        return self._columns[self._sort_column].key if 0 <= self._sort_column < len(self._columns) else ""

    def sorted_column_keys(self) -> list[str]:
        """The columns whose sort keys the model keeps (the sorted one, and those sorted by before)."""
        kept = {c.key for c, k in zip(self._columns, self._keys, strict=True) if k is not None}
        return sorted(kept | {self.sort_column_key()} - {""})

    def set_search(self, text: str) -> None:
        """Show only rows containing every whitespace-separated word of ``text`` (any column, any case)."""
        words = [w.casefold() for w in text.split()]
        if words == self._words:
            return
        # typing on narrows: when every earlier word is inside a new one, only the rows shown now can match
        narrowing = bool(self._words) and all(any(old in new for new in words) for old in self._words)
        self._words = words
        self._relayout(lambda: self._filter(within=self._view if narrowing else None))

    def search_text(self) -> str:
        return " ".join(self._words)

    def _relayout(self, change: Callable[[], object], moved: Callable[[int], int] | None = None) -> None:
        """Apply ``change`` as one layout change; persistent indexes (selection, current row) follow their rows
        (``moved`` tells where a row went when ``change`` moves rows; -1: gone)."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()  # after the signal: proxies and views have registered theirs
        view = self._view
        before = [view[p.row()] if 0 <= p.row() < len(view) else -1 for p in persistent]
        change()
        if persistent:
            now = [moved(i) if i >= 0 else -1 for i in before] if moved is not None else before
            places = {i: self._view_row_of(i) for i in set(now) if i >= 0}  # a row's cells: one search
            after = [places.get(i, -1) for i in now]
            self.changePersistentIndexList(
                persistent, [self.index(r, p.column()) if r >= 0 else QModelIndex()
                             for p, r in zip(persistent, after, strict=True)])
        self.layoutChanged.emit()

    def _view_row_of(self, i: int) -> int:
        """Where row ``i`` is shown (-1: hidden): searched for, the first few after a sort (the selection after a
        refresh: the ranks of 100,000 rows took ~35 ms to make), then by bisection over the ranks."""
        if self._rank is None:
            if self._scans < SCANS_BEFORE_RANKS:
                self._scans += 1
                return position(self._view, i)
            self._rank = ranks(self._order, len(self._rows))
        return shown_place(self._view, self._rank, i)

    def _row_of_key(self, key: Hashable) -> int:
        """The row whose ``row_key`` is ``key`` (-1: none), by a per-block index (made once per block's rows)."""
        first = key[0] if isinstance(key, tuple) and key else None  # blocks are usually named as keys begin
        for name in sorted(self._blocks, key=lambda n: n != first):
            s, e = self._blocks[name]
            places = self._places.get(name)
            if places is None:
                places = self._places[name] = index_rows(self._rows[s:e], self.row_key)
            place = find_place(places, key)
            if place >= 0:
                return s + place
        return -1

    def _view_row_of_key(self, key: Hashable) -> int:
        i = self._row_of_key(key)
        return self._view_row_of(i) if i >= 0 else -1

    def view_row_of(self, key: Hashable) -> int:
        """The shown row whose ``row_key`` is ``key``; -1 if it is not shown."""
        return self._view_row_of_key(key)

    # the search index ------------------------------------------------------------------------
    def _row_hay(self, i: int) -> str:
        return self._hays(i, i + 1)[0]

    def _hays(self, start: int, end: int) -> list[str]:
        """The search texts of rows ``start``…``end``."""
        return search_texts(self._rows[start:end], self._columns)

    def _start_indexing(self) -> None:
        if self._hay_next < len(self._rows):
            self._indexer.start()

    def _index_slice(self) -> None:
        """Build the search index for a slice of rows, then yield to the event loop."""
        deadline = time.perf_counter() + INDEX_SLICE_S
        hay, n = self._hay, len(self._rows)
        i = self._hay_next
        while i < n and time.perf_counter() < deadline:
            while i < n and hay[i] is not None:
                i += 1
            end = i
            while end < n and end - i < INDEX_CHUNK and hay[end] is None:
                end += 1
            if end > i:
                hay[i:end] = self._hays(i, end)
            i = end
        self._hay_next = i
        self._start_indexing()

    def _complete_index(self) -> None:
        hay, n = self._hay, len(self._rows)
        i = self._hay_next
        while i < n:
            if hay[i] is not None:
                i += 1
                continue
            end = i
            while end < n and hay[end] is None:
                end += 1
            hay[i:end] = self._hays(i, end)
            i = end
        self._hay_next = n

    def index_complete(self) -> bool:
        """True when every row's search text is built (searching then scans only)."""
        return self._hay_next >= len(self._rows)

    # access ----------------------------------------------------------------------------------
    def row(self, index: int) -> R:
        """The shown row ``index``."""
        return self._rows[self._view[index]]

    def rows(self) -> list[R]:
        """The shown rows, in order."""
        return [self._rows[i] for i in self._view]

    def all_rows(self) -> list[R]:
        """Every row, shown or not, block after block."""
        return list(self._rows)

    def total(self) -> int:
        return len(self._rows)

    def block_sizes(self) -> dict[str, int]:
        """Rows per block."""
        return {name: end - start for name, (start, end) in self._blocks.items()}

    def block_names(self) -> list[str]:
        """The blocks that hold rows."""
        return [name for name, (s, e) in self._blocks.items() if e > s]

    def column_keys(self) -> list[str]:
        return [c.key for c in self._columns]

    def column_of(self, key: str) -> int:
        """The column number of ``key``, -1 if there is none."""
        return next((i for i, c in enumerate(self._columns) if c.key == key), -1)

    def text(self, row: int, key: str) -> str:
        return self._cell(self._view[row], self.column_of(key))

    def haystack(self, row: int) -> str:
        """Every cell's text of the shown ``row``, case-folded, for searching."""
        i = self._view[row]
        text = self._hay[i]
        if text is None:
            text = self._hay[i] = self._row_hay(i)
        return text.encode("latin-1").decode()

    def _cell(self, i: int, c: int) -> str:
        cells = self._cells[c]
        text = cells.get(i)
        if text is None:
            text = cells[i] = self._columns[c].text(self._rows[i])
        return text

    # QAbstractTableModel ---------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # a painted cell asks for ~10 roles: the ones not answered leave first, roles compared as plain ints
        if role not in _ANSWERED or not index.isValid():
            return None
        i, c = self._view[index.row()], index.column()
        if role == _DISPLAY:
            return self._cell(i, c)
        if role == _ROW:
            return self._rows[i]
        if role == _ALIGN:
            return _RIGHT if self._columns[c].numeric else _LEFT
        if role == _FONT:
            return self._row_font(self._rows[i])
        if role == _TOOLTIP:
            column = self._columns[c]
            if column.tooltip is not None:
                return column.tooltip(self._rows[i]) or None
            text = self._cell(i, c)
            return text if len(text) > 30 else None
        if role == _SORT:
            return self._column_keys(c)[i]
        return self.haystack(index.row())  # SEARCH_ROLE

    def _row_font(self, row: R) -> QFont | None:
        return None

    #: a block's rows back in place: report changed cells only (right when no cell's text depends on the clock)
    UPDATE_IN_PLACE: ClassVar[bool] = False
    #: other names of fixed columns, so a provider column repeating one is not shown twice
    ALIASES: ClassVar[tuple[str, ...]] = ()

    def _fixed_columns(self) -> list[TableColumn[R]]:
        return []

    def _new_columns(self, columns: Iterable[Column]) -> list[Column]:
        """``columns`` without those repeating a fixed column (same key, label or alias)."""
        fixed = self._fixed_columns()
        shown = {n.casefold() for n in (*self.ALIASES, *(c.key for c in fixed), *(c.header for c in fixed))}
        return [c for c in columns if c.key.casefold() not in shown and c.label.casefold() not in shown]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # asked ~1,000 times a paint (every role, both headers): plain ints first, as in data()
        if role not in _HEADER_ROLES or orientation != _HORIZONTAL or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == _DISPLAY:
            return column.header
        if role == _TOOLTIP:
            return column.header_tip or None
        return _RIGHT if column.numeric else _LEFT
