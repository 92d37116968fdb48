"""``live start | status | lock | unlock | mute | unmute | extend | end`` and ``invite``: running meetings, on
back ends with live control."""

from __future__ import annotations

import argparse
from typing import Any

from meetdesk.backends.base import Capability
from meetdesk.cli.actions import LIVE_ACTIONS
from meetdesk.cli.context import Context
from meetdesk.cli.output import jsonable, pairs, table
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import LiveInvitee, LiveStatus

WHAT = "controlling running meetings"

def live_json(status: LiveStatus, profile: str) -> dict[str, Any]:
    def person(p: Any) -> dict[str, Any]:
        return {"id": p.id, "name": p.name, "number": p.number, "role": p.role, "state": p.state,
                "muted": p.muted, "video": p.video, "hand_raised": p.hand_raised}

    return {"profile": profile, "meeting": status.meeting_id, "title": status.title, "running": status.running,
            "state": status.state, "end": jsonable(status.end), "locked": status.locked,
            "all_muted": status.all_muted, "participants": [person(p) for p in status.participants],
            "invited": [person(p) for p in status.invited], "extra": jsonable(status.extra)}


def live_text(status: LiveStatus) -> str:
    extra = status.extra
    head = pairs([("Meeting", status.title), ("ID", status.meeting_id), ("State", status.state),
                  ("Ends", status.end), ("Locked", status.locked), ("Dial-in number", extra.get("access_number")),
                  ("Guest password", extra.get("guest_password")), ("Chair password", extra.get("chair_password"))])
    if not status.running:
        return head + "\nNot running: nobody is online."
    if not status.participants:
        return head + "\nNobody is online."

    def yes(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    rows = [[p.name, p.number, p.role, p.state, yes(p.muted), yes(p.hand_raised)] for p in status.participants]
    return (f"{head}\n\n{len(status.participants)} online:\n"
            + table(["NAME", "NUMBER", "ROLE", "STATE", "MUTED", "HAND"], rows))


async def cmd_live(ctx: Context, args: argparse.Namespace) -> int:
    action = args.action
    minutes = 0
    if action == "extend":
        minutes = args.minutes
        if minutes is None or not 1 <= minutes <= 1440:
            raise ValidationError("Give --minutes from 1 to 1440.", field="minutes")
    session, _conn, cls = await ctx.connect(args.name, Capability.LIVE_CONTROL, WHAT)
    name, meeting = args.name, args.meeting_id
    if action == "status":
        status = await session.live_status(name, meeting)
        ctx.out.result(live_json(status, name), live_text(status))
        return 0
    if action == "start":
        await session.start_meeting(name, meeting)
    elif action in ("lock", "unlock"):
        await session.set_lock(name, meeting, action == "lock")
    elif action in ("mute", "unmute"):
        await session.mute_all(name, meeting, action == "mute")
    elif action == "extend":
        await session.extend_meeting(name, meeting, minutes)
    elif action == "end":
        await session.end_meeting(name, meeting)
    done = LIVE_ACTIONS[action][1]
    by = f" by {minutes} minutes" if action == "extend" else ""
    ctx.out.result({"profile": name, "meeting": meeting, "action": action, "done": True, "minutes": minutes or None},
                   f"Meeting “{meeting}” on “{name}” {done}{by} ({cls.display_name}).")
    return 0


async def cmd_invite(ctx: Context, args: argparse.Namespace) -> int:
    display = (args.display_name or "").strip()
    phone, sip, email = (args.phone or "").strip(), (args.sip or "").strip(), (args.email or "").strip()
    if args.terminal and not (sip or phone):
        raise ValidationError("Give the terminal's number with --sip.", field="sip")
    if not args.terminal:
        if not display:
            raise ValidationError("Give the person's name with --name.", field="name")
        if not (phone or sip or email):
            raise ValidationError("Give --phone, --sip or --email to reach the person.", field="phone")
    session, _conn, _cls = await ctx.connect(args.name, Capability.LIVE_CONTROL, WHAT)
    invitee = LiveInvitee(name=display, phone=phone, email=email, sip=sip, terminal=args.terminal)
    await session.invite(args.name, args.meeting_id, invitee)
    who = display or sip or phone
    what = "Calling terminal" if args.terminal else "Inviting"
    ctx.out.result({"profile": args.name, "meeting": args.meeting_id, "action": "invite", "done": True,
                    "name": display, "phone": phone, "sip": sip, "email": email, "terminal": args.terminal},
                   f"{what} {who} into meeting “{args.meeting_id}” on “{args.name}”.")
    return 0
