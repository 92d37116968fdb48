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
from dataclasses import fields, replace
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from meetdesk.backends.base import Provider
from meetdesk.backends.offload import off_loop, sliced
from meetdesk.backends.rows import as_protocol_error, collect_skipped
from meetdesk.domain.errors import MeetdeskError
from meetdesk.domain.models import Meeting, Room

log = logging.getLogger("meetdesk.services.session")
T = TypeVar("T")

#: more rows than this are stamped off the event loop's thread (2,000 take it ~20 ms)
STAMP_ON_LOOP = 500


def _stamp_keeping(arrived: list[T], shown: list[T], changes: dict[str, Any]) -> list[T]:
    """``arrived`` with ``changes`` made (a copy of each row), except that a row which would then equal the row of
    the same id in ``shown`` is that row: no copy is made for it at all. ``shown`` itself when every row is."""
    if not arrived:
        return arrived
    before: dict[Any, T] = {row.id: row for row in shown}  # type: ignore[attr-defined]
    names = [f.name for f in fields(arrived[0]) if f.name not in changes]  # type: ignore[arg-type]
    rest, stamp, wanted = attrgetter(*names), attrgetter(*changes) if changes else None, tuple(changes.values())
    out: list[T] = []
    for row in sliced(arrived):
        same = before.get(row.id)  # type: ignore[attr-defined]
        if same is not None and (stamp is None or _as_tuple(stamp(same)) == wanted) and rest(same) == rest(row):
            out.append(same)
        else:
            out.append(replace(row, **changes) if changes else row)  # type: ignore[type-var]
    return shown if unchanged(out, shown) else out


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)  # attrgetter of one name gives the value itself


async def _stamp(arrived: list[T], shown: list[T], **changes: Any) -> list[T]:
    if len(arrived) <= STAMP_ON_LOOP:
        return _stamp_keeping(arrived, shown, changes)
    return await off_loop(lambda: _stamp_keeping(arrived, shown, changes))


async def stamped(profile: str, kind: str, rooms: list[Room], past: list[Room], meetings: list[Meeting],
                  shown: tuple[list[Room], list[Room], list[Meeting]] = ([], [], [])
                  ) -> tuple[list[Room], list[Room], list[Meeting]]:
    """The rows a refresh brought, with their profile and kind (past rooms marked past), giving the event loop
    no more than :data:`STAMP_ON_LOOP` rows to stamp. A row that would be equal to one of ``shown`` (the rooms,
    past rooms and meetings shown now) is that one, and no copy of it is made; the list shown stays when every
    row does. (A refresh replacing every room left Python's small-object arenas pinned by a few survivors each:
    +20–60 MiB per F5 at 100,000 rooms, ``python -m benchmarks.memory_demo``; the copies made and dropped again
    were ~13 MiB of them.)"""
    return (await _stamp(rooms, shown[0], profile=profile, kind=kind),
            await _stamp(past, shown[1], past=True, profile=profile, kind=kind),
            await _stamp(meetings, shown[2], profile=profile, kind=kind))


def kept(arrived: list[Room], shown: list[Room]) -> list[Room]:
    """``arrived`` with each room equal to the one of the same id in ``shown`` replaced by that one: the copy is
    freed at once and the rooms that live on stay where they were in memory; ``shown`` itself when every room
    is."""
    return _stamp_keeping(arrived, shown, {})


def unchanged(rows: list[T], shown: list[T]) -> bool:
    """Whether ``rows`` are the very rows ``shown``, in the same order: then ``shown`` stays, the same list, and
    the table sees that nothing changed (it makes nothing new for 100,000 rows)."""
    return len(rows) == len(shown) and all(map(operator.is_, rows, shown))


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
