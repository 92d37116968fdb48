"""``meetings`` and ``meeting create | update | cancel``."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from meetdesk.backends.base import Capability, Provider
from meetdesk.cli.common import find_meeting, raw_options, stamp
from meetdesk.cli.context import Context
from meetdesk.cli.input import (
    parse_cli_options,
    parse_timezone,
    parse_when,
)
from meetdesk.cli.output import (
    hidden_keys,
    meeting_json,
    meetings_table,
    option_rows,
    pairs,
)
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import Meeting, MeetingDraft
from meetdesk.domain.times import ends_after


def meeting_text(meeting: Meeting, cls: type[Provider]) -> str:
    rows: list[tuple[str, Any]] = [("Meeting", meeting.title), ("ID", meeting.id), ("Profile", meeting.profile),
                                   ("Start", meeting.start), ("End", meeting.end),
                                   ("Time zone", meeting.timezone),
                                   ("Room", meeting.room_name or meeting.room_id), ("Location", meeting.location),
                                   ("Owner", meeting.owner), ("Description", meeting.description)]
    rows += [(c.label, meeting.extra.get(c.key)) for c in cls.meeting_columns]
    rows += option_rows(meeting.options, cls.meeting_fields)
    return pairs(rows)


def _show_meeting(ctx: Context, meeting: Meeting, cls: type[Provider], heading: str) -> None:
    ctx.out.result(meeting_json(meeting, hidden_keys(cls.meeting_fields)), f"{heading}\n{meeting_text(meeting, cls)}")


async def cmd_meetings(ctx: Context, args: argparse.Namespace) -> int:
    session, conn, cls = await ctx.connect(args.name, Capability.LIST_MEETINGS, "scheduled meetings", load=False)
    default_start, default_end = session.meeting_window()
    start = parse_when(args.start, flag="--from") if args.start else default_start
    end = parse_when(args.end, flag="--to", end_of_day=True) if args.end else default_end
    if not ends_after(start, end):
        raise ValidationError("--to must be later than --from.", field="to")
    # the meetings of the period only, no rooms (a failure raises its error: never "No meetings")
    provider = session.provider(args.name)
    meetings = stamp(await ctx.read(conn.profile.name, "meetings", lambda: provider.list_meetings(start, end)), conn)
    meetings.sort(key=lambda m: m.start)
    text = (meetings_table(meetings, cls.meeting_columns) if meetings
            else f"No meetings on “{args.name}” between {start:%Y-%m-%d %H:%M} and {end:%Y-%m-%d %H:%M}.")
    if provider.meetings_local_only:
        ctx.out.warn(f"“{args.name}” would not list its meetings: these are only the meetings created here "
                     "with meetdesk.")
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
    if start is not None and end is not None and not ends_after(start, end):
        raise ValidationError("The meeting must end after it starts.", field="end")
    return start, end, zone_name


async def cmd_meeting_create(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.CREATE_MEETING, "scheduling meetings")
    options = parse_cli_options(cls.meeting_fields, raw_options(ctx, args, cls.meeting_fields))
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


async def cmd_meeting_update(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.UPDATE_MEETING, "editing meetings")
    raw = raw_options(ctx, args, cls.meeting_fields)
    _draft_times(args, None, partial=True)  # refuse unreadable dates before connecting
    session, conn, cls = await ctx.connect(args.name, Capability.UPDATE_MEETING, "editing meetings")
    current = await find_meeting(session, conn, args.meeting_id)
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
