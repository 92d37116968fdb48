"""``recordings`` and ``recording delete | publish | unpublish | update | url``: a profile's recordings."""

from __future__ import annotations

import argparse

from meetdesk.backends.base import Capability
from meetdesk.cli.context import Context
from meetdesk.cli.input import parse_pairs
from meetdesk.cli.output import (
    recording_json,
    recordings_table,
)
from meetdesk.domain.errors import UnsupportedOperationError, ValidationError


async def cmd_recordings(ctx: Context, args: argparse.Namespace) -> int:
    states = frozenset(s.strip() for s in (args.state or "").split(",") if s.strip())
    if states:
        cls = ctx.profile_class(args.name, Capability.RECORDINGS, "recordings")
        known = {value for value, _ in cls.recording_states}
        if not known:
            raise UnsupportedOperationError(f"{cls.display_name} recordings have no states to filter by.")
        unknown = sorted(states - known - {"any"})
        if unknown:
            raise ValidationError(f"“{unknown[0]}” is not a recording state; use {', '.join(sorted(known))} or any.",
                                  field="state")
    session, conn, _cls = await ctx.connect(args.name, Capability.RECORDINGS, "recordings", load=False)
    recordings = await ctx.read(conn.profile.name, "recordings",
                                lambda: session.list_recordings(conn.profile.name, args.room or None, states=states))
    text = recordings_table(recordings) if recordings else f"No recordings on “{args.name}”."
    ctx.out.result([recording_json(r) for r in recordings], text)
    return 0


#: action → (capability, what it is for the error, past tense)
RECORDING_ACTIONS: dict[str, tuple[Capability, str, str]] = {
    "delete": (Capability.DELETE_RECORDING, "deleting recordings", "deleted"),
    "publish": (Capability.PUBLISH_RECORDING, "publishing recordings", "published"),
    "unpublish": (Capability.PUBLISH_RECORDING, "publishing recordings", "unpublished"),
    "update": (Capability.UPDATE_RECORDING, "changing recordings", "updated"),
    "url": (Capability.RECORDING_DOWNLOAD, "recording links", ""),
}


async def cmd_recording_action(ctx: Context, args: argparse.Namespace) -> int:
    need, what, done = RECORDING_ACTIONS[args.action]
    meta = parse_pairs(getattr(args, "meta", None), flag="--meta")
    if args.action == "update" and not meta:
        raise ValidationError("Give at least one --meta NAME=VALUE (an empty value removes the name).", field="meta")
    session, _conn, _cls = await ctx.connect(args.name, need, what)
    if args.action == "url":
        url = await session.recording_download_url(args.name, args.recording_id)
        ctx.out.result({"profile": args.name, "recording": args.recording_id, "url": url}, url)
        return 0
    if args.action == "delete":
        await session.delete_recording(args.name, args.recording_id)
    elif args.action == "update":
        await session.provider(args.name).update_recording(args.recording_id, meta)
    else:
        await session.provider(args.name).publish_recording(args.recording_id, args.action == "publish")
    ctx.out.result({"profile": args.name, "recording": args.recording_id, "action": args.action, "done": True},
                   f"Recording “{args.recording_id}” on “{args.name}” {done}.")
    return 0
