"""What 5,000 OpenMeetings rooms cost in memory once listed: rooms of equal settings share one options dict and
one extra dict (100,000 rooms were ~95 MiB, ~980 bytes a room, before)."""

from __future__ import annotations

import dataclasses
import sys
from collections import defaultdict
from collections.abc import Iterator

import pytest

from meetdesk.backends.base import create_provider
from meetdesk.backends.openmeetings.client import OpenMeetingsProvider
from meetdesk.backends.openmeetings.simulator.app import build
from meetdesk.domain.models import Profile, Room
from meetdesk.simulators.host import SimulatorHost

ROOMS = 5000


@pytest.fixture(scope="module")
def host() -> Iterator[tuple[SimulatorHost, str]]:
    definition = build(seed_rooms=ROOMS)
    with SimulatorHost.for_definition(definition) as running:
        yield running, definition.secret


def held_bytes(roots: list[Room]) -> int:
    """The bytes of every object the rooms reach, each counted once (what sharing saves shows here; unlike
    tracemalloc, other threads' allocations meanwhile do not)."""
    seen: set[int] = set()
    total, todo = 0, list[object](roots)
    while todo:
        obj = todo.pop()
        if id(obj) in seen or obj is None or isinstance(obj, bool):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            todo += [*obj.keys(), *obj.values()]
        elif isinstance(obj, list | tuple):
            todo += obj
        elif isinstance(obj, Room):
            todo += [getattr(obj, f.name) for f in dataclasses.fields(obj)]
    return total


async def _listed(host: tuple[SimulatorHost, str]) -> tuple[list[Room], float]:
    running, secret = host
    profile = Profile(name="OM", kind="openmeetings", base_url=running.base_url, fields={"user": "admin"})
    provider = create_provider(profile, secret)
    assert isinstance(provider, OpenMeetingsProvider)
    try:
        rooms = await provider.list_rooms()
    finally:
        await provider.aclose()
    return rooms, held_bytes(rooms) / len(rooms)


@pytest.mark.asyncio
async def test_listed_rooms_cost_a_few_hundred_bytes_each(host: tuple[SimulatorHost, str]) -> None:
    rooms, per_room = await _listed(host)
    assert len(rooms) >= ROOMS
    print(f"{per_room:.0f} bytes a room")
    # a room's object, id and name are ~300 bytes; with a dict of its own each for options and extra, ~970
    assert per_room < 600, per_room


@pytest.mark.asyncio
async def test_rooms_of_equal_settings_share_them_and_others_keep_their_own(
        host: tuple[SimulatorHost, str]) -> None:
    rooms, _ = await _listed(host)
    for attribute in ("options", "extra"):
        copies: dict[str, set[int]] = defaultdict(set)  # equal values → the dicts holding them
        for room in rooms:
            values = getattr(room, attribute)
            copies[repr(list(values.items()))].add(id(values))
        assert all(len(ids) == 1 for ids in copies.values()), attribute
        assert 1 < len(copies) < len(rooms) / 100, (attribute, len(copies))
    for room in rooms:  # the values are the room's own, shared or not
        assert room.extra["type"].startswith(room.options["type"].title())
        assert room.extra["capacity"] == room.options["capacity"]
