"""What a refresh changed in a block of table rows that keeps its rows in place.

Most refreshes bring a server's rows back as they were, or with a few values changed (a user count, a status):
the same rows, by key, in the same order. Laying the table out again for that repaints the whole view — 12–15 ms
of the UI thread for a screenful of rows, spent between one server's answer and the next one's (on F5 three
servers answer within a few milliseconds of each other, and each paint held back the answers behind it).
:func:`changed_cells` finds which cells of such a refresh differ, so the model can report just those cells
(``dataChanged``) and the view repaints them alone; a refresh that changed nothing repaints nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QAbstractItemModel

from meetdesk.ui.row_blocks import TableColumn, sort_keys

R = TypeVar("R")

#: a longer block is laid out again as a whole: comparing it row by row would hold the UI thread (larger
#: refreshes are made ready off the UI thread anyway, see ``ui/row_blocks.py``)
IN_PLACE_ROWS = 2000

#: more changed cells than this are reported as one range (a signal per cell costs the view its own bookkeeping)
REPORTED_CELLS = 200

#: (place in the block or row in the view, first column, last column): adjacent cells of a row whose text changed
CellRun = tuple[int, int, int]


def plan_in_place(old: Mapping[str, Sequence[R]], new: Mapping[str, Sequence[R]], columns: Sequence[TableColumn[R]],
                  *, row_key: Callable[[R], Hashable], sort_column: int, alike: Callable[[R, R], bool],
                  searching: bool) -> dict[str, list[CellRun]] | None:
    """Per block named in ``old``, :func:`changed_cells` from its ``old`` rows to its ``new`` ones (``alike``: whether
    two rows look the same); None when a block must be laid out again — also when a row changed while a search is on
    (it might match now, or not)."""
    plans: dict[str, list[CellRun]] = {}
    for name, rows in old.items():
        runs = changed_cells(rows, new[name], columns, row_key=row_key, sort_column=sort_column, same_look=alike)
        if runs is None or (runs and searching):
            return None
        plans[name] = runs
    return plans


def changed_cells(old: Sequence[R], new: Sequence[R], columns: Sequence[TableColumn[R]], *,
                  row_key: Callable[[R], Hashable], sort_column: int,
                  same_look: Callable[[R, R], bool]) -> list[CellRun] | None:
    """The runs of cells whose text differs between ``old`` and ``new``, when ``new`` holds the same rows (equal
    keys, same order) and no change moves a row in the sort by ``sort_column`` (-1: unsorted); else None — the
    block must be laid out again. A row whose look (``same_look``: font, …) changed counts as changed whole."""
    if len(old) != len(new) or len(new) > IN_PLACE_ROWS:
        return None
    sort = columns[sort_column] if 0 <= sort_column < len(columns) else None
    runs: list[CellRun] = []
    for place, (before, after) in enumerate(zip(old, new, strict=True)):
        if before is after or before == after:
            continue
        if row_key(before) != row_key(after):
            return None
        if sort is not None and sort_keys([before], sort) != sort_keys([after], sort):
            return None
        if not same_look(before, after):
            runs.append((place, 0, len(columns) - 1))
            continue
        runs += _runs(place, [c.text(before) != c.text(after) for c in columns])
    return runs


def _runs(place: int, differs: list[bool]) -> list[CellRun]:
    out: list[CellRun] = []
    start = -1
    for column, changed in enumerate([*differs, False]):
        if changed and start < 0:
            start = column
        elif not changed and start >= 0:
            out.append((place, start, column - 1))
            start = -1
    return out


def take_rows(rows: list[R], start: int, new: Sequence[R], runs: Sequence[CellRun], columns: Sequence[TableColumn[R]],
              cells: Sequence[dict[int, str]], keys: Sequence[list[Any] | None], hay: list[str | None]) -> int:
    """Put ``new`` in ``rows`` from ``start`` on, and make the caches of the rows that changed (``runs``) forget
    them: their shown texts, sort keys (computed again at once) and search texts. Returns the first changed row
    (``len(rows)`` when none), where the search index is to be completed again."""
    rows[start:start + len(new)] = new
    first = len(rows)
    for i in sorted({start + place for place, _first, _last in runs}):
        first = min(first, i)
        row = rows[i]
        for column_cells in cells:
            column_cells.pop(i, None)
        for column, column_keys in zip(columns, keys, strict=True):
            if column_keys is not None:
                column_keys[i] = sort_keys([row], column)[0]
        hay[i] = None
    return first


def report_cells(model: QAbstractItemModel, runs: Sequence[CellRun]) -> None:
    """``dataChanged`` for each run of cells (rows of the view): the view repaints those cells alone."""
    if len(runs) > REPORTED_CELLS:
        rows = [row for row, _c0, _c1 in runs]
        model.dataChanged.emit(model.index(min(rows), 0), model.index(max(rows), model.columnCount() - 1))
        return
    for row, c0, c1 in runs:
        model.dataChanged.emit(model.index(row, c0), model.index(row, c1))
