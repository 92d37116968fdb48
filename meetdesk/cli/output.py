"""What the CLI prints: JSON shapes of the domain objects, aligned tables, messages and errors."""

from __future__ import annotations

import enum
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from meetdesk.backends.base import Capability, Column, Provider
from meetdesk.domain.errors import MeetdeskError
from meetdesk.domain.fields import FieldKind, FieldSpec
from meetdesk.domain.models import Meeting, Profile, Room, ServerInfo
from meetdesk.domain.people import format_participants

if TYPE_CHECKING:
    from meetdesk.domain.joining import JoinLink
    from meetdesk.domain.recordings import Recording

# JSON shapes ---------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Datetimes as ISO 8601 (with offset), enums by value, tuples and sets as lists."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def hidden_keys(specs: Iterable[FieldSpec]) -> frozenset[str]:
    """Option keys whose values are secrets (a meeting password): shown as set or not, never printed."""
    return frozenset(s.key for s in specs if s.kind is FieldKind.SECRET)


def _options(options: Mapping[str, Any], hidden: Collection[str]) -> dict[str, Any]:
    return {k: (HIDDEN if k in hidden and v else v) for k, v in jsonable(options).items()}


HIDDEN = "(set)"


def room_json(room: Room, hidden: Collection[str] = ()) -> dict[str, Any]:
    return {
        "id": room.id,
        "name": room.name,
        "profile": room.profile,
        "kind": room.kind,
        "status": room.status,
        "running": room.running,
        "participants": room.participant_count,
        "created": jsonable(room.created),
        "past": room.past,
        "local_only": room.local_only,
        "participant_list": [
            {"id": p.id, "name": p.name, "role": p.role, "joined_at": jsonable(p.joined_at)} for p in room.participants
        ],
        "options": _options(room.options, hidden),
        "extra": jsonable(room.extra),
    }


def meeting_json(meeting: Meeting, hidden: Collection[str] = ()) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "start": jsonable(meeting.start),
        "end": jsonable(meeting.end),
        "room": meeting.room_id,
        "room_name": meeting.room_name,
        "profile": meeting.profile,
        "kind": meeting.kind,
        "owner": meeting.owner,
        "location": meeting.location,
        "description": meeting.description,
        "timezone": meeting.timezone,
        "options": _options(meeting.options, hidden),
        "extra": jsonable(meeting.extra),
        "local_only": meeting.local_only,
    }


def link_json(link: JoinLink, profile: str) -> dict[str, Any]:
    return {
        "url": link.url,
        "room": link.room_id,
        "profile": profile,
        "display_name": link.display_name,
        "role": link.role.value,
        "expires_at": jsonable(link.expires_at),
        "single_use": link.single_use,
        "note": link.note,
    }


def recording_json(rec: Recording) -> dict[str, Any]:
    return {
        "id": rec.id,
        "room": rec.room_id,
        "name": rec.name,
        "profile": rec.profile,
        "created": jsonable(rec.created),
        "size_bytes": rec.size_bytes,
        "duration_s": rec.duration_s,
        "extra": jsonable(rec.extra),
    }


def profile_json(profile: Profile, *, secret_stored: bool | None = None) -> dict[str, Any]:
    out = jsonable(profile.to_json())
    out["secret_stored"] = secret_stored
    return dict(out)


def server_json(info: ServerInfo) -> dict[str, Any]:
    return {"product": info.product, "version": info.version, "user": info.user, "extra": jsonable(info.extra)}


def field_json(spec: FieldSpec) -> dict[str, Any]:
    return {
        "key": spec.key,
        "label": spec.label,
        "kind": spec.kind.value,
        "required": spec.required,
        "default": jsonable(spec.default),
        "help": spec.help,
        "choices": [value for value, _ in spec.choices],
        "secret": spec.is_secret,
    }


def capability_names(caps: Capability) -> list[str]:
    return [c.name.lower() for c in Capability if c.value and c in caps and c.name]


def provider_json(cls: type[Provider]) -> dict[str, Any]:
    return {
        "kind": cls.kind,
        "name": cls.display_name,
        "description": cls.description,
        "url_label": cls.url_label,
        "connection_fields": [field_json(f) for f in cls.connection_fields],
        "capabilities": capability_names(cls.capabilities),
        "room_options": [field_json(f) for f in cls.room_fields],
        "meeting_options": [field_json(f) for f in cls.meeting_fields],
        "account_options": [field_json(f) for f in cls.account_fields],
        "join_options": [field_json(f) for f in cls.join_fields],
        "design_keys": [field_json(f) for f in cls.design_fields],
        "recording_states": [value for value, _label in cls.recording_states],
    }


def error_json(exc: MeetdeskError) -> dict[str, Any]:
    return {"error": {"type": type(exc).__name__, "message": exc.message, "hint": exc.hint,
                      "exit_code": exc.exit_code}}


# human output --------------------------------------------------------------------------------------


def when(value: datetime | None) -> str:
    """A time as the coordinator's computer shows it, to the minute."""
    return value.astimezone().strftime("%a %Y-%m-%d %H:%M") if value else ""


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    return " ".join(str(value).split())  # a table cell is one line


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Columns aligned with two spaces; a column empty in every row is left out."""
    text_rows = [[cell(v) for v in row] for row in rows]
    keep = [i for i in range(len(headers)) if not text_rows or any(row[i] for row in text_rows)]
    shown = [[row[i] for i in keep] for row in [list(headers), *text_rows]]
    widths = [max(len(row[j]) for row in shown) for j in range(len(keep))]
    lines = []
    for n, row in enumerate(shown):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("─" * w for w in widths))
    return "\n".join(lines)


def pairs(rows: Sequence[tuple[str, Any]]) -> str:
    """``Label:  value`` lines with the values aligned; empty values and repeated lines are left out."""
    shown: list[tuple[str, str]] = []
    for label, value in rows:
        text = cell(value)
        if text and (label, text) not in shown:
            shown.append((label, text))
    width = max((len(k) for k, _ in shown), default=0) + 1
    return "\n".join(f"{(k + ':').ljust(width)}  {v}" for k, v in shown)


def _extra_columns(columns: Sequence[Column], standard: Sequence[str]) -> list[Column]:
    # a provider column repeating a standard one (its own "Room") would only add noise
    return [c for c in columns if c.label.upper() not in standard]


def rooms_table(rooms: Sequence[Room], columns: Sequence[Column]) -> str:
    standard = ["ID", "NAME", "STATUS", "PEOPLE", "CREATED"]
    columns = _extra_columns(columns, standard)
    headers = [*standard, *[c.label.upper() for c in columns]]
    rows = [[r.id, r.name, r.status or ("past" if r.past else ""), r.participant_count, r.created,
             *[r.extra.get(c.key) for c in columns]] for r in rooms]
    return table(headers, rows)


def meetings_table(meetings: Sequence[Meeting], columns: Sequence[Column]) -> str:
    standard = ["ID", "TITLE", "START", "END", "ROOM"]
    columns = _extra_columns(columns, standard)
    headers = [*standard, *[c.label.upper() for c in columns]]
    rows = [[m.id, m.title, m.start, m.end, m.room_name or m.room_id, *[m.extra.get(c.key) for c in columns]]
            for m in meetings]
    return table(headers, rows)


def recordings_table(recordings: Sequence[Recording]) -> str:
    def size(n: int | None) -> str:
        return "" if n is None else f"{n / 1_000_000:.1f} MB"

    def duration(s: float | None) -> str:
        return "" if s is None else f"{int(s) // 60} min"

    rows = [[r.id, r.room_id, r.name, r.created, size(r.size_bytes), duration(r.duration_s)] for r in recordings]
    headers = ["ID", "ROOM", "NAME", "CREATED", "SIZE", "LENGTH"]
    if any(r.extra.get("state") for r in recordings):
        headers.append("STATE")
        for row, r in zip(rows, recordings, strict=True):
            row.append(r.extra.get("state", ""))
    return table(headers, rows)


def option_rows(options: Mapping[str, Any], specs: Sequence[FieldSpec]) -> list[tuple[str, Any]]:
    """Option values labelled as the forms label them; a label used twice gets its group to tell them apart."""
    by_key = {s.key: s for s in specs}
    labels = [s.label for s in specs]
    rows: list[tuple[str, Any]] = []
    for key, value in options.items():
        spec = by_key.get(key)
        if spec is None:
            rows.append((key, value))
            continue
        label = f"{spec.label} ({spec.group.lower()})" if labels.count(spec.label) > 1 and spec.group else spec.label
        if spec.kind is FieldKind.PARTICIPANTS and isinstance(value, list):
            value = format_participants(value)
        rows.append((label, HIDDEN if spec.kind is FieldKind.SECRET and value else value))
    return rows


def field_line(spec: FieldSpec) -> str:
    notes = [spec.kind.value]
    if spec.required:
        notes.append("required")
    if spec.choices:
        notes.append("one of " + "|".join(v for v, _ in spec.choices))
    if spec.default not in (None, ""):
        notes.append(f"default {cell(spec.default)}")
    text = f"{spec.key}  {spec.label} ({', '.join(notes)})"
    return text + (f" — {spec.help}" if spec.help else "")


def provider_text(cls: type[Provider], *, options: bool = True) -> str:
    """A back end's abilities and connection fields; with ``options`` also its room, meeting and join options."""
    lines = [f"{cls.kind} — {cls.display_name}"]
    if cls.description:
        lines.append(f"  {cls.description}")
    lines.append(f"  can: {', '.join(n.replace('_', ' ') for n in capability_names(cls.capabilities)) or 'nothing'}")
    lines.append(f"  --url: {cls.url_label}")
    if options and cls.recording_states:
        lines.append(f"  recording states (recordings --state): {', '.join(v for v, _ in cls.recording_states)}, any")
    groups = [("connection", cls.connection_fields, "--field")]
    if options:
        groups += [("account options", cls.account_fields, "--option")]
        groups += [("room options", cls.room_fields, "--option"), ("meeting options", cls.meeting_fields, "--option"),
                   ("join options", cls.join_fields, "--option"), ("design", cls.design_fields, "--design")]
    for title, specs, flag in groups:
        if not specs:
            continue
        lines.append(f"  {title} ({flag} KEY=VALUE):")
        for spec in specs:
            if spec.is_secret:
                lines.append(f"    {spec.label} — secret: --secret-stdin or the prompt, kept in the keyring")
            else:
                lines.append(f"    {field_line(spec)}")
    return "\n".join(lines)


# the printer ---------------------------------------------------------------------------------------


@dataclass
class Output:
    """Prints a command's result as JSON or as text, and warnings and errors on stderr."""

    json_mode: bool
    stdout: TextIO
    stderr: TextIO
    warnings: list[str] = field(default_factory=list)

    def result(self, data: Any, text: str) -> None:
        if self.json_mode:
            self.stdout.write(json.dumps(jsonable(data), indent=2, ensure_ascii=False) + "\n")
        elif text:
            self.stdout.write(text.rstrip("\n") + "\n")
        self.stdout.flush()

    def warn(self, text: str) -> None:
        if text in self.warnings:
            return
        self.warnings.append(text)
        self.stderr.write(f"Warning: {text}\n")
        self.stderr.flush()

    def error(self, exc: MeetdeskError) -> None:
        self.stderr.write(f"Error: {exc.message}\n")
        if exc.hint:
            self.stderr.write(f"{exc.hint}\n")
        self.stderr.flush()
        if self.json_mode:
            self.stdout.write(json.dumps(error_json(exc), indent=2, ensure_ascii=False) + "\n")
            self.stdout.flush()
