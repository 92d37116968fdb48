"""``recordings``: a profile's recordings."""

from __future__ import annotations

import argparse

from meetdesk.backends.base import Capability
from meetdesk.cli.context import Context
from meetdesk.cli.output import (
    recording_json,
    recordings_table,
)


async def cmd_recordings(ctx: Context, args: argparse.Namespace) -> int:
    session, _conn, _cls = await ctx.connect(args.name, Capability.RECORDINGS, "recordings")
    recordings = await session.list_recordings(args.name, args.room or None)
    text = recordings_table(recordings) if recordings else f"No recordings on “{args.name}”."
    ctx.out.result([recording_json(r) for r in recordings], text)
    return 0
