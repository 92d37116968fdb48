"""CLI commands that talk to a server through the session: check, rooms, meetings, links, recordings."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from meetdesk.cli_context import Context
from meetdesk.cli_input import (
    check_option_keys,
    parse_cli_options,
    parse_pairs,
    parse_timezone,
    parse_when,
    secret_options,
)
from meetdesk.cli_local import load_preset, warn_contrast
from meetdesk.cli_output import (
    hidden_keys,
    link_json,
    meeting_json,
    meetings_table,
    option_rows,
    pairs,
    recording_json,
    recordings_table,
    room_json,
    rooms_table,
    server_json,
)
from meetdesk.domain.design import validate_design
from meetdesk.domain.errors import NotFoundError, UnsupportedOperationError, ValidationError
from meetdesk.domain.fields import FieldSpec
from meetdesk.domain.models import JoinRequest, Meeting, MeetingDraft, Room, RoomDraft
from meetdesk.providers.base import Capability, Provider
from meetdesk.services.session import Connection, Session

#: how far ``meeting update`` looks for a meeting outside the session's usual window
SEARCH_PAST = timedelta(days=5 * 366)
SEARCH_AHEAD = timedelta(days=10 * 366)


def room_text(room: Room, cls: type[Provider]) -> str:
    rows: list[tuple[str, Any]] = [("Room", room.name), ("ID", room.id), ("Profile", room.profile),
                                   ("Status", room.status), ("Running", room.running),
                                   ("Participants", room.participant_count), ("Created", room.created)]
    rows += [(c.label, room.extra.get(c.key)) for c in cls.room_columns]
    rows += option_rows(room.options, cls.room_fields)
    return pairs(rows)


def meeting_text(meeting: Meeting, cls: type[Provider]) -> str:
    rows: list[tuple[str, Any]] = [("Meeting", meeting.title), ("ID", meeting.id), ("Profile", meeting.profile),
                                   ("Start", meeting.start), ("End", meeting.end),
                                   ("Time zone", meeting.timezone),
                                   ("Room", meeting.room_name or meeting.room_id), ("Location", meeting.location),
                                   ("Owner", meeting.owner), ("Description", meeting.description)]
    rows += [(c.label, meeting.extra.get(c.key)) for c in cls.meeting_columns]
    rows += option_rows(meeting.options, cls.meeting_fields)
    return pairs(rows)


def _show_room(ctx: Context, room: Room, cls: type[Provider], heading: str) -> None:
    ctx.out.result(room_json(room, hidden_keys(cls.room_fields)), f"{heading}\n{room_text(room, cls)}")


def _show_meeting(ctx: Context, meeting: Meeting, cls: type[Provider], heading: str) -> None:
    ctx.out.result(meeting_json(meeting, hidden_keys(cls.meeting_fields)), f"{heading}\n{meeting_text(meeting, cls)}")


def _raw_options(ctx: Context, args: argparse.Namespace, specs: Sequence[FieldSpec]) -> dict[str, str]:
    """``--option`` pairs with known keys only, secret ones read from stdin or a prompt (never argv)."""
    raw = dict(check_option_keys(specs, parse_pairs(args.option, flag="--option")))
    return secret_options(specs, raw, profile=args.name, stdin=ctx.stdin)


def _stamp(items: list[Any], conn: Connection) -> list[Any]:
    return [replace(i, profile=conn.profile.name, kind=conn.profile.kind) for i in items]


# check ---------------------------------------------------------------------------------------------


async def cmd_check(ctx: Context, args: argparse.Namespace) -> int:
    _session, conn, cls = await ctx.connect(args.name)
    assert conn.server is not None
    caps = cls.capabilities
    data = {
        "profile": conn.profile.name,
        "kind": conn.profile.kind,
        "base_url": conn.profile.base_url,
        "status": conn.state.value,
        "server": server_json(conn.server),
        "rooms": len(conn.rooms) if Capability.LIST_ROOMS in caps else None,
        "meetings": len(conn.meetings) if Capability.LIST_MEETINGS in caps else None,
        "refresh_error": conn.refresh_error or None,
    }
    if conn.refresh_error:
        ctx.out.warn(f"Connected, but loading the data failed: {conn.refresh_error}")
    text = pairs([("Profile", conn.profile.name), ("Server", conn.profile.base_url),
                  ("Status", f"connected — {conn.server.summary()}"), ("Signed in as", conn.server.user),
                  ("Rooms", data["rooms"]), ("Meetings (next two weeks)", data["meetings"])])
    ctx.out.result(data, text)
    return 0


# rooms ---------------------------------------------------------------------------------------------


async def cmd_rooms(ctx: Context, args: argparse.Namespace) -> int:
    need = Capability.LIST_ROOMS | (Capability.PAST_ROOMS if args.past else Capability.NONE)
    session, conn, cls = await ctx.connect(args.name, need, "listing past rooms" if args.past else "listing rooms")
    rooms, past = conn.rooms, conn.past_rooms
    if conn.refresh_error:  # the session kept the error as text: ask again so the real error (and exit code) shows
        provider = session.provider(args.name)
        rooms = _stamp(await provider.list_rooms(), conn)
        if args.past:
            past = [replace(r, past=True) for r in _stamp(await provider.list_past_rooms(), conn)]
    shown = list(rooms) + (list(past) if args.past else [])
    text = rooms_table(shown, cls.room_columns) if shown else f"No rooms on “{args.name}”."
    if Capability.LOCAL_ROOM_LIST in cls.capabilities:
        text += f"\n({cls.display_name} cannot list rooms: these are the rooms meetdesk created or remembers.)"
    ctx.out.result([room_json(r, hidden_keys(cls.room_fields)) for r in shown], text)
    return 0


async def cmd_room_create(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.CREATE_ROOM, "creating rooms")
    options = parse_cli_options(cls.room_fields, _raw_options(ctx, args, cls.room_fields))
    if not args.room_name.strip():
        raise ValidationError("Give the room a name.", field="name")
    session, _conn, cls = await ctx.connect(args.name, Capability.CREATE_ROOM, "creating rooms")
    room = await session.create_room(args.name, RoomDraft(name=args.room_name.strip(), room_id=args.id or None,
                                                          options=options))
    _show_room(ctx, room, cls, f"Created room “{room.name}”.")
    return 0


async def cmd_room_update(ctx: Context, args: argparse.Namespace) -> int:
    raw = _raw_options(ctx, args, ctx.profile_class(args.name, Capability.UPDATE_ROOM, "editing rooms").room_fields)
    session, _conn, cls = await ctx.connect(args.name, Capability.UPDATE_ROOM, "editing rooms")
    current = await session.provider(args.name).get_room(args.room_id)
    options = parse_cli_options(cls.room_fields, raw, current=current.options)
    name = args.room_name.strip() if args.room_name else current.name
    if not name:
        raise ValidationError("Give the room a name.", field="name")
    room = await session.update_room(args.name, args.room_id, RoomDraft(name=name, room_id=args.room_id,
                                                                        options=options))
    _show_room(ctx, room, cls, f"Updated room “{room.name}”.")
    return 0


ROOM_ACTIONS: dict[str, tuple[Capability, str, str]] = {
    "delete": (Capability.DELETE_ROOM, "deleting rooms", "deleted"),
    "end": (Capability.END_ROOM, "ending rooms", "ended"),
    "open": (Capability.OPEN_CLOSE_ROOM, "opening rooms", "opened"),
    "close": (Capability.OPEN_CLOSE_ROOM, "closing rooms", "closed"),
}


async def cmd_room_action(ctx: Context, args: argparse.Namespace) -> int:
    need, what, done = ROOM_ACTIONS[args.action]
    session, conn, cls = await ctx.connect(args.name, need, what)
    call = {"delete": session.delete_room, "end": session.end_room,
            "open": session.open_room, "close": session.close_room}[args.action]
    await call(args.name, args.room_id)
    room: Room | None = None
    if args.action in ("open", "close"):
        room = next((r for r in conn.rooms if r.id == args.room_id), None)
    if room is not None:
        _show_room(ctx, room, cls, f"Room “{room.name}” {done}.")
    else:
        ctx.out.result({"profile": args.name, "room": args.room_id, "action": args.action, "done": True},
                       f"Room “{args.room_id}” on “{args.name}” {done}.")
    return 0


# meetings ------------------------------------------------------------------------------------------


async def cmd_meetings(ctx: Context, args: argparse.Namespace) -> int:
    session, conn, cls = await ctx.connect(args.name, Capability.LIST_MEETINGS, "scheduled meetings")
    default_start, default_end = session.meeting_window()
    start = parse_when(args.start, flag="--from") if args.start else default_start
    end = parse_when(args.end, flag="--to", end_of_day=True) if args.end else default_end
    if end <= start:
        raise ValidationError("--to must be later than --from.", field="to")
    if args.start or args.end or conn.refresh_error:
        meetings = _stamp(await session.provider(args.name).list_meetings(start, end), conn)
    else:
        meetings = list(conn.meetings)
    meetings.sort(key=lambda m: m.start)
    text = (meetings_table(meetings, cls.meeting_columns) if meetings
            else f"No meetings on “{args.name}” between {start:%Y-%m-%d %H:%M} and {end:%Y-%m-%d %H:%M}.")
    ctx.out.result([meeting_json(m, hidden_keys(cls.meeting_fields)) for m in meetings], text)
    return 0


def _draft_times(args: argparse.Namespace, current: Meeting | None,
                 partial: bool = False) -> tuple[datetime | None, datetime | None, str]:
    """Start, end and time zone of a meeting draft; naive times are read in the meeting's time zone.

    ``partial`` only checks what was given (before the current meeting is known).
    """
    zone_name = args.timezone.strip() if args.timezone is not None else (current.timezone if current else "")
    zone = parse_timezone(args.timezone) if args.timezone else None
    if zone is None and current and current.timezone:
        try:
            zone = parse_timezone(current.timezone)
        except ValidationError:
            zone = None  # a zone name only the server knows: naive input is then the computer's local time
    start = parse_when(args.start, flag="--start", zone=zone) if args.start else None
    end = parse_when(args.end, flag="--end", zone=zone) if args.end else None
    if current is not None:
        duration = current.end - current.start
        start = start or current.start
        # moving only the start keeps the length of the meeting
        end = end or (start + duration if args.start else current.end)
    if not partial and (start is None or end is None):
        raise ValidationError("A meeting needs --start and --end.", field="start")
    if start is not None and end is not None and end <= start:
        raise ValidationError("The meeting must end after it starts.", field="end")
    return start, end, zone_name


async def cmd_meeting_create(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.CREATE_MEETING, "scheduling meetings")
    options = parse_cli_options(cls.meeting_fields, _raw_options(ctx, args, cls.meeting_fields))
    start, end, zone = _draft_times(args, None)
    assert start is not None and end is not None
    title = (args.title or "").strip()
    if not title:
        raise ValidationError("Give the meeting a title.", field="title")
    draft = MeetingDraft(title=title, start=start, end=end, room_id=args.room or None,
                         description=args.description or "", location=args.location or "", timezone=zone,
                         options=options)
    session, _conn, cls = await ctx.connect(args.name, Capability.CREATE_MEETING, "scheduling meetings")
    meeting = await session.create_meeting(args.name, draft)
    _show_meeting(ctx, meeting, cls, f"Scheduled “{meeting.title}”.")
    return 0


async def _find_meeting(session: Session, conn: Connection, meeting_id: str) -> Meeting:
    found = next((m for m in conn.meetings if m.id == meeting_id), None)
    if found is None:
        now = datetime.now(UTC)
        wide = await session.provider(conn.profile.name).list_meetings(now - SEARCH_PAST, now + SEARCH_AHEAD)
        found = next((m for m in _stamp(wide, conn) if m.id == meeting_id), None)
    if found is None:
        name = shlex.quote(conn.profile.name)
        raise NotFoundError(f"There is no meeting “{meeting_id}” on “{conn.profile.name}”.",
                            hint=f"List the meetings with: meetdesk meetings {name} --from YYYY-MM-DD --to YYYY-MM-DD")
    return found


async def cmd_meeting_update(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.UPDATE_MEETING, "editing meetings")
    raw = _raw_options(ctx, args, cls.meeting_fields)
    _draft_times(args, None, partial=True)  # refuse unreadable dates before connecting
    session, conn, cls = await ctx.connect(args.name, Capability.UPDATE_MEETING, "editing meetings")
    current = await _find_meeting(session, conn, args.meeting_id)
    options = parse_cli_options(cls.meeting_fields, raw, current=current.options)
    start, end, zone = _draft_times(args, current)
    assert start is not None and end is not None

    def pick(given: str | None, old: str) -> str:
        return old if given is None else given.strip()

    title = pick(args.title, current.title)
    if not title:
        raise ValidationError("Give the meeting a title.", field="title")
    draft = MeetingDraft(title=title, start=start, end=end, room_id=pick(args.room, current.room_id) or None,
                         description=pick(args.description, current.description),
                         location=pick(args.location, current.location), timezone=zone, options=options)
    meeting = await session.update_meeting(args.name, args.meeting_id, draft)
    _show_meeting(ctx, meeting, cls, f"Updated “{meeting.title}”.")
    return 0


async def cmd_meeting_cancel(ctx: Context, args: argparse.Namespace) -> int:
    session, _conn, _cls = await ctx.connect(args.name, Capability.CANCEL_MEETING, "cancelling meetings")
    await session.cancel_meeting(args.name, args.meeting_id)
    ctx.out.result({"profile": args.name, "meeting": args.meeting_id, "action": "cancel", "done": True},
                   f"Meeting “{args.meeting_id}” on “{args.name}” cancelled.")
    return 0


# join links ----------------------------------------------------------------------------------------


async def cmd_link(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.JOIN_LINK, "join links")
    options = parse_cli_options(cls.join_fields, _raw_options(ctx, args, cls.join_fields))
    design: dict[str, str] = load_preset(ctx, args.preset) if args.preset else {}
    design = validate_design({**design, **parse_pairs(args.design, flag="--design")})
    if design and Capability.CUSTOM_DESIGN not in cls.capabilities:
        raise UnsupportedOperationError(f"{cls.display_name} does not support a custom design for participants.")
    if not args.display_name.strip():
        raise ValidationError("Give the participant's name with --name.", field="name")
    _refuse_ignored_participant_flags(cls, args)
    warn_contrast(ctx, design)
    request = JoinRequest(room_id=args.room, display_name=args.display_name.strip(), user_id=args.user_id or "",
                          moderator=args.moderator, hidden=args.hidden, language=args.language or "",
                          avatar_url=args.avatar_url or "", email=args.email or "", options=options, design=design)
    session, _conn, cls = await ctx.connect(args.name, Capability.JOIN_LINK, "join links")
    link = await session.join_link(args.name, request)
    rows: list[tuple[str, Any]] = [("Link", link.url), ("Room", link.room_id), ("For", link.display_name),
                                   ("Role", link.role.value), ("Expires", link.expires_at),
                                   ("Single use", True if link.single_use else None), ("Note", link.note)]
    # the URL alone on stdout's first line, so `meetdesk link … | head -1` gives it
    ctx.out.result(link_json(link, args.name), link.url + "\n" + pairs(rows[1:]))
    return 0


_PARTICIPANT_FLAGS = {"user_id": "--user-id", "moderator": "--moderator", "hidden": "--hidden",
                      "language": "--language", "avatar_url": "--avatar-url", "email": "--email"}


def _refuse_ignored_participant_flags(cls: type[Provider], args: argparse.Namespace) -> None:
    """A flag the back end would silently drop is a usage error, not a link that differs from what was asked."""
    honoured = cls.join_request_fields
    if honoured is None:
        return
    ignored = [flag for key, flag in _PARTICIPANT_FLAGS.items() if getattr(args, key, None) and key not in honoured]
    if ignored:
        raise UnsupportedOperationError(
            f"{cls.display_name} join links cannot use {', '.join(ignored)}.",
            hint=f"Leave {'it' if len(ignored) == 1 else 'them'} out, or see `meetdesk providers {cls.kind}`.")


# recordings ----------------------------------------------------------------------------------------


async def cmd_recordings(ctx: Context, args: argparse.Namespace) -> int:
    session, _conn, _cls = await ctx.connect(args.name, Capability.RECORDINGS, "recordings")
    recordings = await session.list_recordings(args.name, args.room or None)
    text = recordings_table(recordings) if recordings else f"No recordings on “{args.name}”."
    ctx.out.result([recording_json(r) for r in recordings], text)
    return 0
