"""What a connection does around its calls, without holding the window: rows stamped with their profile a chunk
at a time, the per-room details a back end fetches after the rooms are shown (OpenMeetings' user counts: a second round
of calls kept off the critical path of F5; what could not be had is a warning, the rooms stay), and a provider
closed without letting its failure out.

The details are awaited in the refresh's own task, after the rooms were shown: a task of its own outlived the
caller, and under a loop that was not running (pytest-qt processing events) httpcore's pool was left with a
request that never got a connection (every later call then waited for its deadline).
"""

from __future__ import annotations

import asyncio
import logging
import operator
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from meetdesk.backends.base import Provider
from meetdesk.backends.offload import off_loop
from meetdesk.backends.rows import as_protocol_error, collect_skipped
from meetdesk.domain.errors import MeetdeskError
from meetdesk.domain.models import Meeting, Room

log = logging.getLogger("meetdesk.services.session")
T = TypeVar("T")

#: more rows than this are stamped off the event loop's thread (2,000 take it ~20 ms)
STAMP_ON_LOOP = 500


async def _stamped(items: list[T], **changes: Any) -> list[T]:
    def stamp() -> list[T]:
        return [replace(i, **changes) for i in items]  # type: ignore[type-var]

    return stamp() if len(items) <= STAMP_ON_LOOP else await off_loop(stamp)


async def stamped(profile: str, kind: str, rooms: list[Room], past: list[Room], meetings: list[Meeting],
                  shown: tuple[list[Room], list[Room]] = ([], [])) -> tuple[list[Room], list[Room], list[Meeting]]:
    """The rows a refresh brought, with their profile and kind (past rooms marked past), giving the event loop
    no more than :data:`STAMP_ON_LOOP` rows to stamp. A room equal to one of ``shown`` (the rooms and the past
    rooms shown now) is that one (:func:`kept`)."""
    rooms, past = (await _stamped(rooms, profile=profile, kind=kind),
                   await _stamped(past, past=True, profile=profile, kind=kind))
    return (await _kept(rooms, shown[0]), await _kept(past, shown[1]),
            await _stamped(meetings, profile=profile, kind=kind))


def kept(arrived: list[Room], shown: list[Room]) -> list[Room]:
    """``arrived`` with each room equal to the one of the same id in ``shown`` replaced by that one: the copy is
    freed at once and the rooms that live on stay where they were in memory; ``shown`` itself when every room is. (A refresh replacing every room left
    Python's small-object arenas pinned by a few survivors each: +20–60 MiB per F5 at 100,000 rooms,
    ``python -m benchmarks.memory_demo``.)"""
    if not shown:
        return arrived
    before = {room.id: room for room in shown}
    out = []
    for room in arrived:
        same = before.get(room.id)
        out.append(same if same is not None and same == room else room)
    return shown if unchanged(out, shown) else out


def unchanged(rooms: list[Room], shown: list[Room]) -> bool:
    """Whether ``rooms`` are the very rooms ``shown``, in the same order: then ``shown`` stays, the same list, and
    the table sees that nothing changed (it makes nothing new for 100,000 rows)."""
    return len(rooms) == len(shown) and all(map(operator.is_, rooms, shown))


async def _kept(arrived: list[Room], shown: list[Room]) -> list[Room]:
    if not shown or len(arrived) <= STAMP_ON_LOOP:
        return kept(arrived, shown)
    return await off_loop(lambda: kept(arrived, shown))


async def completed_rooms(provider: Provider, rooms: list[Room], profile: str
                          ) -> tuple[list[Room] | None, list[str]]:
    """``provider.complete_rooms(rooms)`` (None when there is nothing to add or it failed) and the sentences for
    the user about what could not be added. The rooms are shown already: a failure here is a warning, not a failed
    refresh — but never silent."""
    with collect_skipped() as warnings:
        try:
            return await provider.complete_rooms(rooms), warnings
        except MeetdeskError as exc:
            reason = exc.user_text()
        except Exception as exc:  # extra details are never an error of the refresh
            log.warning("details of the rooms of %s failed unexpectedly", profile, exc_info=exc)
            reason = as_protocol_error(exc, profile, "the room details").user_text()
    return None, [*warnings, f"{profile}: the rooms are shown without their details (such as who is in them): "
                             f"{reason}"]


class ShownRooms(Protocol):
    """A connection whose rooms were just shown (services.session.Connection)."""

    rooms: list[Room]
    provider: Provider | None
    details_warnings: list[str]


async def add_details(conn: ShownRooms, provider: Provider, profile: str, *, warn: Callable[[str], None],
                      changed: Callable[[], None]) -> None:
    """Complete the rooms ``conn`` shows with their details; ``warn`` each sentence about what could not be added,
    ``changed`` when the rooms were replaced. Nothing when a newer refresh or a disconnect came first."""
    shown = conn.rooms
    if not shown:
        return
    completed, warnings = await completed_rooms(provider, shown, profile)
    if conn.rooms is not shown or conn.provider is not provider:
        return
    conn.details_warnings = warnings
    for warning in warnings:
        warn(warning)
    if completed is not None and not unchanged(completed, shown):  # the counts shown were still right: no event
        conn.rooms = completed
        changed()


async def close_quietly(provider: Provider) -> None:
    try:
        await asyncio.wait_for(provider.aclose(), 3)
    except Exception as exc:
        log.debug("closing %r failed: %s", provider, type(exc).__name__)
