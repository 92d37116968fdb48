"""Table models for rooms, meetings and recordings, and the search proxy in front of them.

Each model keeps plain rows (domain objects) and computes every cell's text and sort key once per
reset, so views with thousands of rows stay fast: ``data()`` is a list lookup, sorting compares
native numbers and strings inside Qt, and the search filter reads one precomputed string per row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from meetdesk.backends.base import Column, provider_class
from meetdesk.domain.models import Meeting, Recording, Room
from meetdesk.ui import local_time

log = logging.getLogger("meetdesk.ui.table_models")

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex

#: the value Qt's proxy sorts by: numbers for numbers and datetimes, folded text otherwise
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: the row's domain object (Room, Meeting, Recording)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
#: all of a row's texts in one folded string; the search proxy filters on it
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3

LOCAL_ONLY_NOTE = "created from meetdesk — this server cannot list rooms"
LOCAL_MEETING_NOTE = "Created here with meetdesk: its server does not list meetings, so meetdesk remembers it."
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


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


class RowTableModel(QAbstractTableModel, Generic[R]):
    """A read-only table of domain objects with precomputed cells."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._columns: list[TableColumn[R]] = []
        self._texts: list[list[str]] = []
        self._sort_keys: list[list[Any]] = []
        self._haystacks: list[str] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # filling ---------------------------------------------------------------------------------
    def _reset(self, rows: Iterable[R], columns: Sequence[TableColumn[R]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._columns = list(columns)
        self._texts = [[c.text(r) for c in self._columns] for r in self._rows]
        self._sort_keys = [
            [c.sort(r) if c.sort is not None else t.casefold() for c, t in zip(self._columns, texts, strict=True)]
            for r, texts in zip(self._rows, self._texts, strict=True)
        ]
        self._haystacks = ["\x1f".join(texts).casefold() for texts in self._texts]
        if 0 <= self._sort_column < len(self._columns):
            self._reorder(self._permutation())
        self.endResetModel()

    # sorting ---------------------------------------------------------------------------------
    # Sorting happens here, with Python's list sort over the precomputed keys, instead of in the proxy:
    # the proxy would ask data() for a sort key on every comparison, which is slow for thousands of rows.
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        if not 0 <= column < len(self._columns) or not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        permutation = self._permutation()
        self._reorder(permutation)
        new_row = {old: new for new, old in enumerate(permutation)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(persistent, [self.index(new_row[i.row()], i.column()) for i in persistent])
        self.layoutChanged.emit()

    def _permutation(self) -> list[int]:
        column, keys = self._sort_column, self._sort_keys
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        return sorted(range(len(self._rows)), key=lambda i: keys[i][column], reverse=descending)  # stable

    def _reorder(self, permutation: list[int]) -> None:
        self._rows = [self._rows[i] for i in permutation]
        self._texts = [self._texts[i] for i in permutation]
        self._sort_keys = [self._sort_keys[i] for i in permutation]
        self._haystacks = [self._haystacks[i] for i in permutation]

    # access ----------------------------------------------------------------------------------
    def row(self, index: int) -> R:
        return self._rows[index]

    def rows(self) -> list[R]:
        return list(self._rows)

    def column_keys(self) -> list[str]:
        return [c.key for c in self._columns]

    def column_of(self, key: str) -> int:
        """The column number of ``key``, -1 if there is none."""
        return next((i for i, c in enumerate(self._columns) if c.key == key), -1)

    def text(self, row: int, key: str) -> str:
        return self._texts[row][self.column_of(key)]

    def haystack(self, row: int) -> str:
        """Every cell's text of ``row``, case-folded, for searching."""
        return self._haystacks[row]

    # QAbstractTableModel ---------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[r][c]
        if role == SORT_ROLE:
            return self._sort_keys[r][c]
        if role == SEARCH_ROLE:
            return self._haystacks[r]
        if role == ROW_ROLE:
            return self._rows[r]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self._columns[c].numeric else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            column = self._columns[c]
            if column.tooltip is not None:
                return column.tooltip(self._rows[r]) or None
            text = self._texts[r][c]
            return text if len(text) > 30 else None
        if role == Qt.ItemDataRole.FontRole:
            return self._row_font(self._rows[r])
        return None

    def _row_font(self, row: R) -> QFont | None:
        return None

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
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        return None


# value helpers ---------------------------------------------------------------------------------
def _number_text(value: int | float | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _number_key(value: int | float | None) -> float:
    return float("-inf") if value is None else float(value)


def _value_text(value: Any, tz: tzinfo | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return local_time.format_datetime(value, tz)
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def extra_columns(columns: Iterable[Column], rows: Sequence[Any], tz: tzinfo | None) -> list[TableColumn[Any]]:
    """Table columns for provider columns read from ``row.extra[key]``.

    A column whose values are all numbers (or datetimes) sorts numerically; others sort as text.
    """
    out: list[TableColumn[Any]] = []
    for column in columns:
        values = [r.extra.get(column.key) for r in rows]
        present = [v for v in values if v is not None]
        numeric = bool(present) and all(_is_number(v) for v in present)
        dated = bool(present) and all(isinstance(v, datetime) for v in present)

        def text(row: Any, key: str = column.key) -> str:
            return _value_text(row.extra.get(key), tz)

        sort: Callable[[Any], Any] | None = None
        if numeric:
            def sort(row: Any, key: str = column.key) -> float:
                return _number_key(row.extra.get(key))
        elif dated:
            def sort(row: Any, key: str = column.key) -> float:
                return local_time.sort_key(row.extra.get(key))
        out.append(TableColumn(f"extra:{column.key}", column.label, text, sort=sort, numeric=numeric))
    return out


def provider_columns(kinds: Iterable[str], attribute: str) -> list[Column]:
    """The union of ``attribute`` (``room_columns`` / ``meeting_columns``) of ``kinds``, first label wins."""
    seen: dict[str, Column] = {}
    for kind in sorted(set(kinds)):
        if not kind:
            continue
        try:
            cls = provider_class(kind)
        except Exception as exc:  # a back end under construction must not break the table
            log.debug("no columns for kind %s: %s", kind, exc)
            continue
        for column in getattr(cls, attribute):
            seen.setdefault(column.key, column)
    return list(seen.values())


def _zone_tip(tz: tzinfo | None) -> str:
    name = str(tz) if tz is not None else local_time.local_zone_name()
    return f"Shown in your time zone ({name})."


def _datetime_tooltip(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{local_time.format_datetime(value)}\n{local_time.format_datetime(value, local_time.zone('UTC'))}"


# rooms -----------------------------------------------------------------------------------------
def room_status(room: Room) -> str:
    status = room.status or ("ended" if room.past else "running" if room.running
                             else "not running" if room.running is False else "")
    if room.local_only:
        return f"{status} · created from meetdesk" if status else "created from meetdesk"
    return status


def _room_status_tip(room: Room) -> str:
    if room.local_only:
        return f"This room was {LOCAL_ONLY_NOTE}; meetdesk remembers it."
    if room.past:
        return "This room has ended."
    return ""


def _participants_tip(room: Room) -> str:
    names = [p.name + (f" ({p.role})" if p.role else "") for p in room.participants[:25]]
    if len(room.participants) > 25:
        names.append(f"… and {len(room.participants) - 25} more")
    return "\n".join(names)


class RoomsModel(RowTableModel[Room]):
    FIXED: ClassVar[tuple[str, ...]] = ("profile", "name", "id", "status", "participants", "created")
    ALIASES = ("room_id", "Room ID", "title", "running")

    def __init__(self, parent: QObject | None = None, *, tz: tzinfo | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._reset([], self._fixed_columns())

    def _fixed_columns(self) -> list[TableColumn[Room]]:
        tz = self._tz
        return [
            TableColumn("profile", "Profile", lambda r: r.profile,
                        header_tip="The connection (server profile) the room belongs to."),
            TableColumn("name", "Name", lambda r: r.name),
            TableColumn("id", "ID", lambda r: r.id),
            TableColumn("status", "Status", room_status, tooltip=_room_status_tip),
            TableColumn("participants", "Participants", lambda r: _number_text(r.participant_count),
                        sort=lambda r: _number_key(r.participant_count), tooltip=_participants_tip, numeric=True),
            TableColumn("created", "Created", lambda r: local_time.format_datetime(r.created, tz),
                        sort=lambda r: local_time.sort_key(r.created),
                        tooltip=lambda r: _datetime_tooltip(r.created), header_tip=_zone_tip(tz)),
        ]

    def set_rooms(self, rooms: Sequence[Room], columns: Sequence[Column] | None = None) -> None:
        """Show ``rooms``; extra columns are the given ones or those of the rooms' kinds."""
        if columns is None:
            columns = provider_columns((r.kind for r in rooms), "room_columns")
        self._reset(rooms, [*self._fixed_columns(), *extra_columns(self._new_columns(columns), rooms, self._tz)])

    def _row_font(self, row: Room) -> QFont | None:
        if row.local_only or row.past:
            font = QFont()
            font.setItalic(True)
            return font
        return None


# meetings --------------------------------------------------------------------------------------
def _meeting_room(meeting: Meeting) -> str:
    return meeting.room_name or meeting.room_id


def _meeting_time_tip(meeting: Meeting, value: datetime) -> str:
    tip = _datetime_tooltip(value)
    if meeting.timezone:
        shown = local_time.zone(meeting.timezone)
        if shown is not None:
            tip += f"\nScheduled in {meeting.timezone}: {local_time.format_datetime(value, shown)}"
    return tip


def _end_text(meeting: Meeting, tz: tzinfo | None) -> str:
    """The end's time alone when it is on the start's day (the date is in the Start column already)."""
    if local_time.same_day(meeting.start, meeting.end, tz):
        return local_time.format_time(meeting.end, tz)
    return local_time.format_compact(meeting.end, tz)


class MeetingsModel(RowTableModel[Meeting]):
    FIXED: ClassVar[tuple[str, ...]] = ("title", "start", "end", "room", "owner", "profile")
    ALIASES = ("room_name", "room_id", "Room ID", "name")

    def __init__(self, parent: QObject | None = None, *, tz: tzinfo | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._reset([], self._fixed_columns())

    def _fixed_columns(self) -> list[TableColumn[Meeting]]:
        tz = self._tz
        return [
            TableColumn("title", "Title", lambda m: m.title,
                        tooltip=lambda m: "\n\n".join(t for t in (m.title, m.description, LOCAL_MEETING_NOTE
                                                                    if m.local_only else "") if t)),
            TableColumn("start", "Start", lambda m: local_time.format_compact(m.start, tz),
                        sort=lambda m: local_time.sort_key(m.start),
                        tooltip=lambda m: _meeting_time_tip(m, m.start), header_tip=_zone_tip(tz)),
            TableColumn("end", "End", lambda m: _end_text(m, tz),
                        sort=lambda m: local_time.sort_key(m.end),
                        tooltip=lambda m: _meeting_time_tip(m, m.end), header_tip=_zone_tip(tz)),
            TableColumn("room", "Room", _meeting_room,
                        tooltip=lambda m: f"{m.room_name} (ID {m.room_id})" if m.room_name and m.room_id else ""),
            TableColumn("owner", "Owner", lambda m: m.owner),
            TableColumn("profile", "Profile", lambda m: m.profile,
                        header_tip="The connection (server profile) the meeting belongs to."),
        ]

    def set_meetings(self, meetings: Sequence[Meeting], columns: Sequence[Column] | None = None) -> None:
        if columns is None:
            columns = provider_columns((m.kind for m in meetings), "meeting_columns")
        extra = extra_columns(self._new_columns(columns), meetings, self._tz)
        self._reset(meetings, [*self._fixed_columns(), *extra])

    def _row_font(self, row: Meeting) -> QFont | None:
        if row.local_only:  # remembered by meetdesk, not listed by the server
            font = QFont()
            font.setItalic(True)
            return font
        return None


# recordings ------------------------------------------------------------------------------------
def _size_text(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return ""  # pragma: no cover - the loop always returns


def _duration_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class RecordingsModel(RowTableModel[Recording]):
    FIXED: ClassVar[tuple[str, ...]] = ("name", "room", "created", "duration", "size", "id", "profile")

    def __init__(self, parent: QObject | None = None, *, tz: tzinfo | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._reset([], self._fixed_columns())

    def _fixed_columns(self) -> list[TableColumn[Recording]]:
        tz = self._tz
        return [
            TableColumn("name", "Name", lambda r: r.name or r.id),
            TableColumn("room", "Room", lambda r: str(r.extra.get("room_name") or r.room_id),
                        tooltip=lambda r: f"Room ID: {r.room_id}" if r.room_id else ""),
            TableColumn("created", "Recorded", lambda r: local_time.format_datetime(r.created, tz),
                        sort=lambda r: local_time.sort_key(r.created),
                        tooltip=lambda r: _datetime_tooltip(r.created), header_tip=_zone_tip(tz)),
            TableColumn("duration", "Duration", lambda r: _duration_text(r.duration_s) or "—",
                        sort=lambda r: _number_key(r.duration_s), numeric=True,
                        tooltip=lambda r: "" if r.duration_s is not None else "The server does not report it."),
            TableColumn("size", "Size", lambda r: _size_text(r.size_bytes),
                        sort=lambda r: _number_key(r.size_bytes), numeric=True),
            TableColumn("id", "ID", lambda r: r.id),
            TableColumn("profile", "Profile", lambda r: r.profile),
        ]

    def set_recordings(self, recordings: Sequence[Recording]) -> None:
        columns = self._fixed_columns()
        if any(r.extra.get("state") for r in recordings):  # back ends with a publishing workflow (BigBlueButton)
            columns.insert(2, TableColumn("state", "State", lambda r: str(r.extra.get("state") or "")))
        self._reset(recordings, columns)


# search ----------------------------------------------------------------------------------------
class SearchProxy(QSortFilterProxyModel):
    """Keeps rows whose text contains the search words (any case, any column).

    Sorting is left to a :class:`RowTableModel` source (fast); the proxy keeps its order. Other sources are
    sorted by the proxy by :data:`SORT_ROLE`.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterKeyColumn(0)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)
        self._words: list[str] = []

    def set_search(self, text: str) -> None:
        """Keep rows containing every whitespace-separated word of ``text``, in any column."""
        words = [w.casefold() for w in text.split()]
        if words == self._words:
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        source = self.sourceModel()
        if isinstance(source, RowTableModel):
            # the precomputed text, without a trip through QVariant and a regular expression per row
            haystack = source.haystack(source_row)
        else:
            haystack = str(source.index(source_row, 0, source_parent).data(SEARCH_ROLE) or "").casefold()
        return all(word in haystack for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, RowTableModel):
            source.sort(column, order)
        else:
            super().sort(column, order)

    def search_text(self) -> str:
        return " ".join(self._words)

    def source_row(self, proxy_row: int) -> int:
        return self.mapToSource(self.index(proxy_row, 0)).row()
