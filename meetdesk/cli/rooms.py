"""``rooms`` and ``room create | update | delete | end | open | close``."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from meetdesk.backends.base import Capability, Provider
from meetdesk.cli.actions import ROOM_ACTION_HELP
from meetdesk.cli.common import raw_options
from meetdesk.cli.context import Context
from meetdesk.cli.input import (
    parse_cli_options,
)
from meetdesk.cli.output import (
    hidden_keys,
    option_rows,
    pairs,
    room_json,
    rooms_table,
)
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import Room
from meetdesk.services.room_details import stamped


def room_text(room: Room, cls: type[Provider]) -> str:
    rows: list[tuple[str, Any]] = [("Room", room.name), ("ID", room.id), ("Profile", room.profile),
                                   ("Status", room.status), ("Running", room.running),
                                   ("Participants", room.participant_count), ("Created", room.created)]
    rows += [(c.label, room.extra.get(c.key)) for c in cls.room_columns]
    rows += option_rows(room.options, cls.room_fields)
    return pairs(rows)


def _show_room(ctx: Context, room: Room, cls: type[Provider], heading: str) -> None:
    ctx.out.result(room_json(room, hidden_keys(cls.room_fields)), f"{heading}\n{room_text(room, cls)}")


async def _no_rooms() -> list[Room]:
    return []


async def cmd_rooms(ctx: Context, args: argparse.Namespace) -> int:
    need = Capability.LIST_ROOMS | (Capability.PAST_ROOMS if args.past else Capability.NONE)
    session, conn, cls = await ctx.connect(args.name, need, "listing past rooms" if args.past else "listing rooms",
                                           load=False)
    provider = session.provider(args.name)
    # only the lists printed: the past rooms with --past, no meetings (a failure raises: never "No rooms")
    rooms, past = await ctx.read(conn.profile.name, "rooms", lambda: asyncio.gather(
        provider.list_rooms(), provider.list_past_rooms() if args.past else _no_rooms()))
    rooms, past, _ = await stamped(conn.profile.name, conn.profile.kind, rooms, past, [])
    # details the window fetches after showing the rooms (OpenMeetings' user counts): here before printing
    completed = await ctx.read(conn.profile.name, "details of the rooms", lambda: provider.complete_rooms(rooms)) \
        if rooms else None
    if completed is not None:
        rooms = completed
    shown = rooms + past
    text = rooms_table(shown, cls.room_columns) if shown else f"No rooms on “{args.name}”."
    if Capability.LOCAL_ROOM_LIST in cls.capabilities or any(r.local_only for r in shown):
        text += f"\n({cls.display_name} cannot list rooms: these are the rooms meetdesk created or remembers.)"
    ctx.out.result([room_json(r, hidden_keys(cls.room_fields)) for r in shown], text)
    return 0


async def cmd_room_create(ctx: Context, args: argparse.Namespace) -> int:
    from meetdesk.domain.drafts import RoomDraft  # not for `meetdesk rooms`, which this module serves too

    cls = ctx.profile_class(args.name, Capability.CREATE_ROOM, "creating rooms")
    options = parse_cli_options(cls.room_fields, raw_options(ctx, args, cls.room_fields))
    if not args.room_name.strip():
        raise ValidationError("Give the room a name.", field="name")
    session, _conn, cls = await ctx.connect(args.name, Capability.CREATE_ROOM, "creating rooms")
    room = await session.create_room(args.name, RoomDraft(name=args.room_name.strip(), room_id=args.id or None,
                                                          options=options))
    _show_room(ctx, room, cls, f"Created room “{room.name}”.")
    return 0


async def cmd_room_update(ctx: Context, args: argparse.Namespace) -> int:
    from meetdesk.domain.drafts import RoomDraft  # not for `meetdesk rooms`, which this module serves too

    raw = raw_options(ctx, args, ctx.profile_class(args.name, Capability.UPDATE_ROOM, "editing rooms").room_fields)
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
    "delete": (Capability.DELETE_ROOM, ROOM_ACTION_HELP["delete"], "deleted"),
    "end": (Capability.END_ROOM, ROOM_ACTION_HELP["end"], "ended"),
    "open": (Capability.OPEN_CLOSE_ROOM, ROOM_ACTION_HELP["open"], "opened"),
    "close": (Capability.OPEN_CLOSE_ROOM, ROOM_ACTION_HELP["close"], "closed"),
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
