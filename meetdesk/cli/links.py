"""``link``: one participant's join link."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from meetdesk.backends.base import Capability, Provider
from meetdesk.cli.common import find_meeting, raw_options
from meetdesk.cli.context import Context
from meetdesk.cli.input import (
    checked_design,
    parse_cli_options,
    parse_pairs,
)
from meetdesk.cli.output import (
    link_json,
    pairs,
)
from meetdesk.domain.errors import UnsupportedOperationError, ValidationError
from meetdesk.domain.models import JoinRequest
from meetdesk.services.designs import contrast_warnings, load_preset
from meetdesk.services.qr import save_qr
from meetdesk.services.session import Connection, Session

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


async def _link_target(session: Session, conn: Connection, cls: type[Provider],
                       args: argparse.Namespace) -> tuple[str, str]:
    """(room id, meeting id) for the request: a meeting's link on back ends whose links belong to meetings,
    else the meeting's room."""
    meeting_links = Capability.MEETING_JOIN_LINK in cls.capabilities
    if args.room is not None:
        if meeting_links and Capability.LIST_ROOMS not in cls.capabilities:
            raise UnsupportedOperationError(f"{cls.display_name} join links belong to a meeting, not a room.",
                                            hint="Give the meeting with --meeting ID (see: meetdesk meetings).")
        return args.room, ""
    if meeting_links:
        return "", args.meeting
    if Capability.LIST_MEETINGS not in cls.capabilities:
        raise UnsupportedOperationError(f"{cls.display_name} has no scheduled meetings.",
                                        hint="Give the room with --room ID instead.")
    meeting = await find_meeting(session, conn, args.meeting)
    if not meeting.room_id:
        raise ValidationError(f"The meeting “{meeting.title}” has no room to join.", field="meeting")
    return meeting.room_id, meeting.id


async def cmd_link(ctx: Context, args: argparse.Namespace) -> int:
    cls = ctx.profile_class(args.name, Capability.JOIN_LINK, "join links")
    options = parse_cli_options(cls.join_fields, raw_options(ctx, args, cls.join_fields))
    design: dict[str, str] = load_preset(ctx.store, args.preset) if args.preset else {}
    design = {**design, **parse_pairs(args.design, flag="--design")}
    if design and Capability.CUSTOM_DESIGN not in cls.capabilities:
        raise UnsupportedOperationError(f"{cls.display_name} does not support a custom design for participants.")
    design = checked_design(cls, design)
    if not args.display_name.strip():
        raise ValidationError("Give the participant's name with --name.", field="name")
    _refuse_ignored_participant_flags(cls, args)
    for warning in contrast_warnings(design):
        ctx.out.warn(warning)
    session, conn, cls = await ctx.connect(args.name, Capability.JOIN_LINK, "join links")
    room_id, meeting_id = await _link_target(session, conn, cls, args)
    request = JoinRequest(room_id=room_id, meeting_id=meeting_id,
                          display_name=args.display_name.strip(), user_id=args.user_id or "",
                          moderator=args.moderator, hidden=args.hidden, language=args.language or "",
                          avatar_url=args.avatar_url or "", email=args.email or "", options=options, design=design)
    link = await session.join_link(args.name, request)
    if getattr(args, "qr", None):
        save_qr(link.url, Path(args.qr))
    rows: list[tuple[str, Any]] = [("Link", link.url), ("Room", link.room_id), ("For", link.display_name),
                                   ("Role", link.role.value), ("Expires", link.expires_at),
                                   ("Single use", True if link.single_use else None), ("Note", link.note)]
    # the URL alone on stdout's first line, so `meetdesk link … | head -1` gives it
    ctx.out.result(link_json(link, args.name), link.url + "\n" + pairs(rows[1:]))
    return 0
