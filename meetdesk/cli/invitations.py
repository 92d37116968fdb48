"""``links`` (personal links for a whole list) and ``invitation`` (the invitation text and its calendar file)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

from meetdesk.backends.base import Capability, Provider
from meetdesk.cli.common import find_meeting
from meetdesk.cli.context import Context
from meetdesk.cli.input import checked_design, parse_pairs
from meetdesk.domain.errors import ConfigError, UnsupportedOperationError, ValidationError
from meetdesk.domain.models import JoinRequest, Meeting
from meetdesk.services.bulk_links import (
    BulkLinks,
    LinkResult,
    check_rows,
    export_csv,
    meeting_window,
    parse_participants,
    problem_results,
)
from meetdesk.services.calendar_file import Attendee, meeting_calendar, write_calendar
from meetdesk.services.invitation_store import FILE_NAME, InvitationStore, PlannedMeeting
from meetdesk.services.invitations import render_for_meeting
from meetdesk.services.session import Connection, Session


def _store(ctx: Context) -> InvitationStore:
    return InvitationStore(ctx.store.path.with_name(FILE_NAME))


def _read_list(ctx: Context, path: str, what: str = "participant list", field: str = "csv") -> str:
    if path == "-":
        return ctx.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"There is no {what} at {path}.", field=field) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"The {what} {path} could not be read ({type(exc).__name__}).",
                              field=field, hint="Save it as a UTF-8 text file.") from None


async def _target(session: Session, conn: Connection, cls: type[Provider],
                  args: argparse.Namespace) -> tuple[str, Meeting | None]:
    """(room id, meeting) for the list: the meeting's room on room-based back ends."""
    if args.room is not None:
        if Capability.MEETING_JOIN_LINK in cls.capabilities and Capability.LIST_ROOMS not in cls.capabilities:
            raise UnsupportedOperationError(f"{cls.display_name} join links belong to a meeting, not a room.",
                                            hint="Give the meeting with --meeting ID (see: meetdesk meetings).")
        return args.room, None
    if Capability.LIST_MEETINGS not in cls.capabilities:
        raise UnsupportedOperationError(f"{cls.display_name} has no scheduled meetings.",
                                        hint="Give the room with --room ID instead.")
    meeting = await find_meeting(session, conn, args.meeting)
    if not meeting.room_id and Capability.MEETING_JOIN_LINK not in cls.capabilities:
        raise ValidationError(f"The meeting “{meeting.title}” has no room to join.", field="meeting")
    return meeting.room_id, meeting


def result_json(result: LinkResult) -> dict[str, Any]:
    link = result.link
    return {"line": result.row.line, "name": result.row.name, "email": result.row.email,
            "role": result.row.role.value if result.row.name else "", "ok": result.ok,
            "link": link.url if link else None,
            "valid_until": link.expires_at.isoformat() if link and link.expires_at else None,
            "single_use": link.single_use if link else None, "error": result.error or None}


def _write_out(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"The links could not be written to {path}: {exc.strerror or exc}.") from None


async def cmd_links(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.JOIN_LINK, "join links")
    design = parse_pairs(args.design, flag="--design")
    if design and Capability.CUSTOM_DESIGN not in cls.capabilities:
        raise UnsupportedOperationError(f"{cls.display_name} does not support a custom design for participants.")
    design = checked_design(cls, design)
    rows, problems = parse_participants(_read_list(ctx, args.csv))
    check_rows(rows, problems)
    for problem in problems:
        ctx.out.warn(problem.sentence())
    session, conn, cls = await ctx.connect(args.name, Capability.JOIN_LINK, "join links")
    room_id, meeting = await _target(session, conn, cls, args)
    policy = cls.link_policy
    if policy.made_at_join_time:
        ctx.out.warn(f"{policy.summary} These links are for joining now.")
    job = BulkLinks(session.provider(args.name), room_id=room_id, meeting=meeting, design=design)
    results = await job.run(rows)
    for result in results:
        if not result.ok:
            ctx.out.warn(f"Line {result.row.line} ({result.row.name}): {result.error}")
    if meeting is not None:
        _store(ctx).plan(PlannedMeeting(profile=args.name, room_id=room_id, title=meeting.title,
                                        start=meeting.start, end=meeting.end, meeting_id=meeting.id,
                                        invitees=tuple(r.row.invitee() for r in results)))
    everything = results + problem_results(problems)
    text = export_csv(everything)
    if args.out:
        _write_out(args.out, text)
    made = sum(1 for r in results if r.ok)
    failed = len(everything) - made
    summary = f"{made} of {len(everything)} links made" + (f", {failed} failed" if failed else "") + "."
    if args.out:
        ctx.out.result([result_json(r) for r in everything], f"{summary} Written to {args.out}.")
    else:
        ctx.out.result([result_json(r) for r in everything], text)
        if not ctx.out.json_mode:
            ctx.out.stderr.write(summary + "\n")
    return 1 if failed else 0


async def cmd_invitation(ctx: Context, args: argparse.Namespace) -> int:
    ctx.store.get(args.name)  # an unknown profile is reported before anything else
    if args.save_template:
        _store(ctx).set_template(args.name, _read_list(ctx, args.save_template, "template", "template"))
        if not args.meeting:
            ctx.out.result({"template": _store(ctx).template(args.name)}, f"Saved the invitation template of "
                                                                            f"“{args.name}”.")
            return 0
    if not args.meeting:
        raise ValidationError("Give the meeting with --meeting ID.", field="meeting",
                              hint=f"See the meetings with: meetdesk meetings {shlex.quote(args.name)}")
    session, conn, _cls = await ctx.connect(args.name, Capability.LIST_MEETINGS, "scheduled meetings")
    meeting = await find_meeting(session, conn, args.meeting)
    store = _store(ctx)
    link = None
    if args.for_name:
        request = JoinRequest(room_id=meeting.room_id, meeting_id=meeting.id, display_name=args.for_name,
                              email=args.email or "")
        provider = session.provider(args.name)
        link = await provider.invitation_link(request, *meeting_window(meeting))
    organiser = args.organiser or meeting.owner
    text = render_for_meeting(store.template(args.name), meeting, link=link, organiser=organiser)
    if args.ics:
        plan = next((p for p in store.planned() if p.profile == args.name and p.meeting_id == meeting.id), None)
        invitees = plan.invitees if plan else ()
        attendees = [Attendee(i.name, i.email, i.moderator) for i in invitees]
        if args.email and not any(a.email == args.email for a in attendees):
            attendees.append(Attendee(args.for_name or "", args.email))
        if not args.organiser_email:
            ctx.out.warn("The calendar file names no organiser; give one with --organiser-email.")
        data = meeting_calendar(meeting, url=link.url if link else "", description=text.plain,
                                organiser_name=organiser, organiser_email=args.organiser_email or "",
                                attendees=attendees)
        write_calendar(Path(args.ics), data)
    payload = {"subject": text.subject, "text": text.plain, "html": text.html, "link": link.url if link else None,
               "ics": args.ics or None}
    ctx.out.result(payload, text.plain)
    return 0
