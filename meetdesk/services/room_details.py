"""What a connection does around its calls, without holding the window: rows stamped with their profile a chunk
at a time, the per-room details a back end fetches after the rooms are shown (OpenMeetings' user counts), and a
provider closed without letting its failure out.

The details are awaited in the refresh's own task, after the rooms were shown: a task of its own outlived the
caller, and under a loop that was not running (pytest-qt processing events) httpcore's pool was left with a
request that never got a connection (every later call then waited for its deadline).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any, TypeVar

from meetdesk.backends.base import Provider
from meetdesk.domain.errors import MeetdeskError
from meetdesk.domain.models import Meeting, Room

log = logging.getLogger("meetdesk.services.session")
T = TypeVar("T")

#: rows stamped between two returns to the event loop (20,000 in one go held the window for ~130 ms)
STAMP_CHUNK = 2000


async def _stamped(items: list[T], **changes: Any) -> list[T]:
    out: list[T] = []
    for start in range(0, len(items), STAMP_CHUNK):
        if start:
            await asyncio.sleep(0)
        out += [replace(i, **changes) for i in items[start:start + STAMP_CHUNK]]  # type: ignore[type-var]
    return out


async def stamped(profile: str, kind: str, rooms: list[Room], past: list[Room], meetings: list[Meeting]
                  ) -> tuple[list[Room], list[Room], list[Meeting]]:
    """The rows a refresh brought, with their profile and kind (past rooms marked past), giving the event loop
    a turn every :data:`STAMP_CHUNK` rows."""
    return (await _stamped(rooms, profile=profile, kind=kind),
            await _stamped(past, past=True, profile=profile, kind=kind),
            await _stamped(meetings, profile=profile, kind=kind))


async def completed_rooms(provider: Provider, rooms: list[Room], profile: str) -> list[Room] | None:
    """``provider.complete_rooms(rooms)``; None when there is nothing to add or it failed (logged: the rooms
    are shown already, the refresh succeeded)."""
    try:
        return await provider.complete_rooms(rooms)
    except MeetdeskError as exc:
        log.warning("details of the rooms of %s: %s", profile, exc.user_text())
    except Exception as exc:  # extra details are never an error of the refresh
        log.warning("details of the rooms of %s: %s", profile, type(exc).__name__)
    return None


async def close_quietly(provider: Provider) -> None:
    try:
        await asyncio.wait_for(provider.aclose(), 3)
    except Exception as exc:
        log.debug("closing %r failed: %s", provider, type(exc).__name__)
