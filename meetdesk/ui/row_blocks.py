"""One block of table rows made ready off the event loop's thread, so that a server's 20,000 new rooms reach the
table in one cheap swap instead of a stall.

What a block needs before it is shown — its row keys (the selection follows them), the sort keys of the sorted
columns and its search texts — is pure Python over immutable domain objects and the columns' pure functions: no
Qt, nothing shared is written. :func:`prepare_block` computes it on any thread (the tabs run it through
``backends/offload.off_loop``); ``RowTableModel`` takes what it finds in a :class:`PreparedBlock` instead of
computing it on the UI thread, as long as the columns still have the shape it was made for.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from meetdesk.backends.offload import sliced

R = TypeVar("R")

#: where each row of a block is: row key → place, a (server, id) key split in two (see :func:`split_key`)
Places = dict[Hashable, dict[Hashable, int]]
_WHOLE_KEY = object()


def split_key(key: Hashable) -> tuple[Hashable, Hashable]:
    """A (server, id) row key as its two parts: the index then holds the ids the rows have, not 100,000 new
    tuples (~5 MiB); any other key under a head of its own."""
    if isinstance(key, tuple) and len(key) == 2:
        return key[0], key[1]
    return _WHOLE_KEY, key


def index_rows(rows: Sequence[R], row_key: Callable[[R], Hashable]) -> Places:
    places: Places = {}
    for i, r in enumerate(sliced(rows)):
        head, tail = split_key(row_key(r))
        places.setdefault(head, {})[tail] = i
    return places


def find_place(places: Places, key: Hashable) -> int:
    """The place of the row whose key is ``key``; -1 if none."""
    head, tail = split_key(key)
    return places.get(head, {}).get(tail, -1)


def position(rows: Sequence[int], i: int) -> int:
    """Where ``i`` is in ``rows`` (-1: not there). An ``array("q")`` is searched as bytes (a few hundred
    microseconds for 100,000 rows, where ``array.index`` makes a Python int of every row it passes)."""
    if isinstance(rows, array) and rows.typecode == "q":
        data, needle = rows.tobytes(), array("q", [i]).tobytes()
        at = data.find(needle)
        while at >= 0 and at % 8:  # a match across two rows: look on
            at = data.find(needle, at + 1)
        return at // 8 if at >= 0 else -1
    try:
        return rows.index(i)
    except ValueError:
        return -1


def ranks(order: Sequence[int], n: int) -> array[int]:
    """Each of the ``n`` rows' place in ``order``."""
    rank = array("q", bytes(8 * n))
    for place, i in enumerate(order):
        rank[i] = place
    return rank


def shown_place(view: Sequence[int], rank: Sequence[int], i: int) -> int:
    """Where row ``i`` is in ``view`` (-1: not there), by bisection: a view keeps its rows' ranks ascending."""
    place = bisect.bisect_left(view, rank[i], key=rank.__getitem__)
    return place if place < len(view) and view[place] == i else -1


def packed(text: str) -> str:
    """``text`` in UTF-8, each byte one character: one byte a character in memory, whatever the text holds."""
    return text.encode().decode("latin-1")


@dataclass(frozen=True)
class TableColumn(Generic[R]):
    """How one column shows a row.

    Attributes:
        key: stable name (tests and saved header state use it).
        header: the column title.
        text: the cell text.
        sort: the sort key; numbers sort as numbers. Defaults to the folded text.
        tooltip: a longer explanation of the cell; defaults to the text when it is long.
        numeric: right-align the cell.
        header_tip: tooltip of the column header.
    """

    key: str
    header: str
    text: Callable[[R], str]
    sort: Callable[[R], Any] | None = None
    tooltip: Callable[[R], str] | None = None
    numeric: bool = False
    header_tip: str = ""

#: what a column's sort keys depend on: a column of the same key, alignment and kind of sort sorts the same
SortShape = tuple[str, bool, bool]


def sort_shape(column: TableColumn[Any]) -> SortShape:
    return column.key, column.numeric, column.sort is None


def text_shape(columns: Sequence[TableColumn[Any]]) -> tuple[str, ...]:
    """What a row's search text depends on: the columns, in order."""
    return tuple(c.key for c in columns)


def sort_keys(rows: Sequence[R], column: TableColumn[R]) -> list[Any]:
    """The sort key of each row in ``column``: its own sort function, else the folded text."""
    if column.sort is not None:
        return [column.sort(r) for r in sliced(rows)]
    same: dict[str, str] = {}  # equal keys share one string (a server's name on each of its rooms)
    return [same.setdefault(key, key) for key in (column.text(r).casefold() for r in sliced(rows))]


def search_texts(rows: Sequence[R], columns: Sequence[TableColumn[R]]) -> list[str]:
    """Every row's cell texts in one folded string, column by column (far fewer Python steps than row by row)."""
    texts = [[column.text(r) for r in sliced(rows)] for column in columns]
    return [packed("\x1f".join(cells).casefold()) for cells in sliced(zip(*texts, strict=True))]


@dataclass
class PreparedBlock(Generic[R]):
    """A block's rows and what the table derives from them, computed ahead (see :func:`prepare_block`)."""

    rows: list[R]
    #: row key → the row's place in the block
    places: Places
    #: per column shape, each row's sort key
    keys: dict[SortShape, list[Any]] = field(default_factory=dict)
    #: each row's search text, for columns of this shape
    hay: list[str | None] | None = None
    hay_shape: tuple[str, ...] = ()

    def keys_for(self, column: TableColumn[Any]) -> list[Any] | None:
        return self.keys.get(sort_shape(column))

    def hay_for(self, columns: Sequence[TableColumn[Any]]) -> list[str | None] | None:
        return self.hay if self.hay is not None and self.hay_shape == text_shape(columns) else None


def prepare_block(rows: Sequence[R], row_key: Callable[[R], Hashable], columns: Sequence[TableColumn[R]],
                  sorted_columns: Sequence[str], before: PreparedBlock[R] | None = None) -> PreparedBlock[R]:
    """The block's row keys, the sort keys of the columns named in ``sorted_columns`` and the search texts.
    Safe on any thread: it reads ``rows`` and calls the columns' functions, nothing else.

    ``before`` is what the block had (a copy: nothing changes it meanwhile): a row that is still the very object
    at its place keeps its texts and keys, and rows with the same keys in the same order keep their index. A
    refresh that changed a few of 100,000 rooms then makes a few new strings, not 100,000 (each set of them,
    made and dropped on every F5, left Python's small-object arenas pinned by what was allocated meanwhile)."""
    listed = list(rows)
    old = before.rows if before is not None else []
    same_keys = len(listed) == len(old) and all(
        a is b or row_key(a) == row_key(b) for a, b in sliced(zip(listed, old, strict=True)))
    if before is not None and same_keys and (before.places or not listed):  # an index not made yet is made here
        prepared = PreparedBlock(listed, before.places)
    else:
        prepared = PreparedBlock(listed, index_rows(listed, row_key))
    for column in columns:
        if column.key in sorted_columns:
            prepared.keys[sort_shape(column)] = _reused(
                listed, old, before.keys_for(column) if before is not None else None,
                partial(sort_keys, column=column))
    prepared.hay = _reused(listed, old, before.hay_for(columns) if before is not None else None,
                           lambda some: search_texts(some, columns))
    prepared.hay_shape = text_shape(columns)
    return prepared


def _reused(rows: list[R], old_rows: Sequence[R], old_values: Sequence[Any] | None,
            compute: Callable[[list[R]], list[Any]]) -> list[Any]:
    """``compute(rows)``, taking the old value of each row that is the very old row at its place."""
    if old_values is None:
        return compute(rows)
    n = min(len(old_rows), len(old_values))
    out = [old_values[i] if i < n and row is old_rows[i] else None for i, row in enumerate(sliced(rows))]
    todo = [i for i, value in enumerate(sliced(out)) if value is None]
    for i, value in zip(todo, compute([rows[i] for i in todo]), strict=True):
        out[i] = value
    return out
