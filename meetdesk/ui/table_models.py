"""Table models for rooms, meetings and recordings: their columns over :class:`RowTableModel`.

The machinery that keeps 100,000 rows fast (lazy cached cells, blocks per server, sorting and filtering in the
model) is in :mod:`meetdesk.ui.row_model`. Times are formatted in a zone resolved once per load, not per row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, ClassVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont

from meetdesk.backends.base import Column, provider_class
from meetdesk.domain.models import Meeting, Recording, Room
from meetdesk.ui import local_time
from meetdesk.ui.row_blocks import PreparedBlock, prepare_block, sort_shape, text_shape
from meetdesk.ui.row_model import ROW_ROLE, SEARCH_ROLE, SORT_ROLE, RowTableModel, TableColumn
from meetdesk.ui.search_proxy import SearchProxy

log = logging.getLogger("meetdesk.ui.table_models")

LOCAL_ONLY_NOTE = "created from meetdesk — this server cannot list rooms"
LOCAL_MEETING_NOTE = "Created here with meetdesk: its server does not list meetings, so meetdesk remembers it."
__all__ = ["ROW_ROLE", "SEARCH_ROLE", "SORT_ROLE", "MeetingsModel", "RecordingsModel", "RoomsModel",
           "RowTableModel", "SearchProxy", "TableColumn"]


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


#: (any value present, all numbers, all datetimes) of one column's ``extra`` values
ValueKind = tuple[bool, bool, bool]


def value_kind(rows: Sequence[Any], key: str) -> ValueKind:
    """What the present ``extra[key]`` values of ``rows`` are; stops at the first that is neither a number
    nor a datetime (a text column is told by its first row, not after 100,000)."""
    numeric = dated = True
    present = False
    for row in rows:
        value = row.extra.get(key)
        if value is None:
            continue
        present = True
        numeric = numeric and _is_number(value)
        dated = dated and isinstance(value, datetime)
        if not numeric and not dated:
            break
    return present, numeric, dated


def combined_kind(kinds: Iterable[ValueKind]) -> ValueKind:
    """The kind of the rows of several blocks together (blocks without a value do not count)."""
    present = [k for k in kinds if k[0]]
    return bool(present), all(k[1] for k in present), all(k[2] for k in present)


def extra_columns(columns: Iterable[Column], rows: Sequence[Any], tz: tzinfo | None,
                  kind_of: Callable[[str], ValueKind] | None = None) -> list[TableColumn[Any]]:
    """Table columns for provider columns read from ``row.extra[key]``.

    A column whose values are all numbers (or datetimes) sorts numerically; others sort as text. ``kind_of``
    tells a column's kind when the caller knows it (per block, cached); otherwise ``rows`` are looked at.
    """
    out: list[TableColumn[Any]] = []
    for column in columns:
        present, numeric, dated = kind_of(column.key) if kind_of else value_kind(rows, column.key)
        numeric, dated = present and numeric, present and dated

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


@dataclass
class PreparedRooms:
    """Blocks of rooms made ready off the UI thread by :meth:`RoomsModel.prepare_job`."""

    blocks: dict[str, Sequence[Room]]
    #: (block, extra key) → the kind of its values
    kinds: dict[tuple[str, str], ValueKind]
    ready: dict[str, PreparedBlock[Room]]


class RoomsModel(RowTableModel[Room]):
    FIXED: ClassVar[tuple[str, ...]] = ("profile", "name", "id", "status", "participants", "created")
    ALIASES = ("room_id", "Room ID", "title", "running")
    UPDATE_IN_PLACE = True  # a room's cells come from the room alone

    def __init__(self, parent: QObject | None = None, *, tz: tzinfo | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._kinds: dict[tuple[str, str], tuple[Sequence[Room], ValueKind]] = {}
        self._reset([], self._fixed_columns())

    def row_key(self, row: Room) -> tuple[str, str]:
        return (row.profile, row.id + ("\x00past" if row.past else ""))

    def _fixed_columns(self) -> list[TableColumn[Room]]:
        tz = self._tz or local_time.local_zone()  # once per load, not per row
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
                        tooltip=lambda r: _datetime_tooltip(r.created), header_tip=_zone_tip(self._tz)),
        ]

    def set_rooms(self, rooms: Sequence[Room], columns: Sequence[Column] | None = None) -> None:
        """Show ``rooms``; extra columns are the given ones or those of the rooms' kinds."""
        self.set_room_blocks({"": rooms}, columns=columns)

    def set_room_blocks(self, blocks: Mapping[str, Sequence[Room]], *, replace_all: bool = True,
                        columns: Sequence[Column] | None = None, kinds: Iterable[str] | None = None,
                        prepared: Mapping[str, PreparedBlock[Room]] | None = None) -> None:
        """Show ``blocks`` (name → rooms, one per server); without ``replace_all`` other blocks stay as they are.
        Extra columns are ``columns``, else those of ``kinds`` (the servers' back ends), else of the rooms' kinds.
        What ``prepared`` holds for a block is taken instead of computed (see :meth:`prepare_job`)."""
        if columns is None:
            if kinds is None:
                kinds = {r.kind for r in self._rows_with(blocks, replace_all)}
            columns = provider_columns(set(kinds), "room_columns")
        tz = self._tz or local_time.local_zone()
        names = [n for n in self._blocks if not replace_all and n not in blocks] + list(blocks)

        def kind_of(key: str) -> ValueKind:  # per block, remembered while the block's list is the same
            return combined_kind(self._block_kind(n, blocks[n] if n in blocks else self.block_rows(n), key)
                                 for n in names)

        extra = extra_columns(self._new_columns(columns), (), tz, kind_of)
        self._set_blocks(blocks, [*self._fixed_columns(), *extra], replace_all=replace_all, prepared=prepared)

    def prepare_job(self, blocks: Mapping[str, Sequence[Room]], *, kinds: Iterable[str]
                    ) -> Callable[[], PreparedRooms]:
        """A function to run on a worker thread that makes ``blocks`` (replacing those blocks, keeping the others)
        ready: the kinds of their extra values, their row keys, sort keys and search texts. Give its result to
        :meth:`set_prepared_blocks` on the UI thread. It touches no Qt object and writes nothing it shares."""
        blocks = dict(blocks)
        provider = self._new_columns(provider_columns(set(kinds), "room_columns"))
        fixed = self._fixed_columns()
        tz = self._tz or local_time.local_zone()
        names = [n for n in self._blocks if n not in blocks] + list(blocks)
        kept = {(n, c.key): self._block_kind(n, self.block_rows(n), c.key)
                for n in names if n not in blocks for c in provider}  # remembered: no rows looked at
        sorted_columns = self.sorted_column_keys()
        row_key = self.row_key
        before = {n: self._prepared_now(n) for n in blocks if n in self._blocks}

        def job() -> PreparedRooms:
            fresh = {(n, c.key): value_kind(rows, c.key) for n, rows in blocks.items() for c in provider}
            every = {**kept, **fresh}
            columns = [*fixed, *extra_columns(provider, (), tz,
                                              lambda key: combined_kind(every[(n, key)] for n in names))]
            ready = {n: prepare_block(rows, row_key, columns, sorted_columns, before.get(n))
                     for n, rows in blocks.items()}
            return PreparedRooms(blocks, fresh, ready)

        return job

    def _prepared_now(self, name: str) -> PreparedBlock[Room]:
        """A copy of what block ``name`` has now (rows, index, sort keys, search texts), for :func:`prepare_block`
        to keep what still fits."""
        s, e = self._blocks[name]
        keys = {sort_shape(c): k[s:e] for c, k in zip(self._columns, self._keys, strict=True) if k is not None}
        return PreparedBlock(self._rows[s:e], self._places.get(name) or {}, keys, self._hay[s:e],
                             text_shape(self._columns))

    def set_prepared_blocks(self, done: PreparedRooms, names: Iterable[str], *, kinds: Iterable[str]) -> None:
        """Show the blocks ``names`` of what :meth:`prepare_job` made ready; the other blocks stay."""
        blocks = {n: done.blocks[n] for n in names if n in done.blocks}
        for (name, key), kind in done.kinds.items():
            if name in blocks:
                self._remember_kind(name, key, blocks[name], kind)
        self.set_room_blocks(blocks, replace_all=False, kinds=kinds, prepared=done.ready)

    def _block_kind(self, name: str, rows: Sequence[Room], key: str) -> ValueKind:
        cached = self._kinds.get((name, key))
        if cached is None or cached[0] is not rows:
            return self._remember_kind(name, key, rows, value_kind(rows, key))
        return cached[1]

    def _remember_kind(self, name: str, key: str, rows: Sequence[Room], kind: ValueKind) -> ValueKind:
        """``kind`` for block ``name``'s column ``key``; when its rows hold no value (yet), the kind its earlier
        rows had: OpenMeetings' user counts come after the rooms, and a column switching between numbers and
        nothing on every refresh reset the whole table twice per refresh (a full repaint each)."""
        before = self._kinds.get((name, key))
        if not kind[0] and before is not None:
            kind = before[1]
        self._kinds[(name, key)] = (rows, kind)
        return kind

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
    """The end's time alone when it is on the start's day (the date is in the Start column already), with the
    weekday within the week after it, else in full."""
    if local_time.same_day(meeting.start, meeting.end, tz):
        return local_time.format_short(meeting.end, tz, "%H:%M")
    if timedelta(0) < meeting.end - meeting.start < timedelta(days=6):
        return local_time.format_short(meeting.end, tz, "%a %H:%M")
    return local_time.format_short(meeting.end, tz)


def meeting_status(meeting: Meeting, now: datetime | None = None) -> str:
    """What the server says of the meeting (Huawei: planned, starting, running, ended), else what its times say:
    planned, now, over, repeats. Short words: the column stays narrow."""
    state = str(meeting.extra.get("state") or "")
    if state:
        return "planned" if state == "scheduled" else state
    now = now or datetime.now(UTC)
    if meeting.end <= now:
        return "repeats" if meeting.extra.get("recurring") else "over"  # a series goes on past its first date
    return "now" if meeting.start <= now else "planned"


def _status_tip(meeting: Meeting) -> str:
    if meeting.extra.get("state"):
        return f"Its server reports it as {meeting.extra['state']}."
    return {"over": "Its time is past.", "now": "Scheduled for now: its time has begun and not ended.",
            "planned": "Scheduled; its time has not begun.",
            "repeats": "A recurring meeting: the series goes on."}.get(meeting_status(meeting), "")


class MeetingsModel(RowTableModel[Meeting]):
    FIXED: ClassVar[tuple[str, ...]] = ("title", "start", "end", "room", "owner", "profile", "status")
    # "state" is the Status column's source; Huawei's "chair" is the Owner column's (scheduserName)
    ALIASES = ("room_name", "room_id", "Room ID", "name", "state", "chair")

    def __init__(self, parent: QObject | None = None, *, tz: tzinfo | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._reset([], self._fixed_columns())

    def _fixed_columns(self) -> list[TableColumn[Meeting]]:
        tz = self._tz or local_time.local_zone()
        return [
            TableColumn("title", "Title", lambda m: m.title,
                        tooltip=lambda m: "\n\n".join(t for t in (m.title, m.description, LOCAL_MEETING_NOTE
                                                                    if m.local_only else "") if t)),
            TableColumn("start", "Start", lambda m: local_time.format_short(m.start, tz),
                        sort=lambda m: local_time.sort_key(m.start),
                        tooltip=lambda m: _meeting_time_tip(m, m.start), header_tip=_zone_tip(self._tz)),
            TableColumn("end", "End", lambda m: _end_text(m, tz),
                        sort=lambda m: local_time.sort_key(m.end),
                        tooltip=lambda m: _meeting_time_tip(m, m.end), header_tip=_zone_tip(self._tz)),
            TableColumn("room", "Room", _meeting_room,
                        tooltip=lambda m: f"{m.room_name} (ID {m.room_id})" if m.room_name and m.room_id else ""),
            TableColumn("owner", "Owner", lambda m: m.owner),
            TableColumn("profile", "Profile", lambda m: m.profile,
                        header_tip="The connection (server profile) the meeting belongs to."),
            TableColumn("status", "Status", meeting_status, tooltip=_status_tip),
        ]

    def set_meetings(self, meetings: Sequence[Meeting], columns: Sequence[Column] | None = None) -> None:
        if columns is None:
            columns = provider_columns((m.kind for m in meetings), "meeting_columns")
        extra = extra_columns(self._new_columns(columns), meetings, self._tz or local_time.local_zone())
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
        tz = self._tz or local_time.local_zone()
        return [
            TableColumn("name", "Name", lambda r: r.name or r.id),
            TableColumn("room", "Room", lambda r: str(r.extra.get("room_name") or r.room_id),
                        tooltip=lambda r: f"Room ID: {r.room_id}" if r.room_id else ""),
            TableColumn("created", "Recorded", lambda r: local_time.format_datetime(r.created, tz),
                        sort=lambda r: local_time.sort_key(r.created),
                        tooltip=lambda r: _datetime_tooltip(r.created), header_tip=_zone_tip(self._tz)),
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
