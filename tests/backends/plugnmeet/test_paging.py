"""plugNmeet's paged lists (``from``/``limit``, 100 a page): after the first page says how many there are, the
other pages are asked for at once — a long history costs two round trips on F5, not one per page.

The round trips are counted by cause (:mod:`tests.held_requests`: the simulator answers nothing until the test
lets the waiting requests through), not by timing them against a latency, which a loaded machine stretched."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from meetdesk.backends.base import create_provider
from meetdesk.backends.plugnmeet.client import MAX_PAGES, PAGE_SIZE, PlugNmeetProvider
from meetdesk.backends.plugnmeet.simulator.app import build
from meetdesk.backends.plugnmeet.simulator.state import PastRoom, PlugNmeetState
from meetdesk.domain.models import Profile
from meetdesk.simulators.host import SimulatorHost
from tests.held_requests import HeldRequests

PAST_ROOMS = "room/fetchPastRooms"


@pytest.fixture
def sim() -> Iterator[tuple[SimulatorHost, HeldRequests]]:
    definition = build(seed=True)
    held = HeldRequests(definition.app, lambda path: path.endswith(PAST_ROOMS))
    with SimulatorHost.for_definition(replace(definition, app=held)) as host:
        yield host, held


def _provider(host: SimulatorHost) -> PlugNmeetProvider:
    assert host.definition is not None
    provider = create_provider(Profile("Paged", "plugnmeet", host.base_url, dict(host.definition.fields)),
                               host.definition.secret)
    assert isinstance(provider, PlugNmeetProvider)
    return provider


def _add_past_rooms(host: SimulatorHost, count: int) -> set[str]:
    assert host.definition is not None
    state: PlugNmeetState = host.definition.state
    now = time.time()
    with state.lock:
        for i in range(count):
            state.past_rooms.append(PastRoom(f"archive-{i:04d}", f"Archive {i}", f"RM_{i}", i % 7, "",
                                             now - 86400 - i * 60, now - 86400 - i * 60 + 30))
        return {p.room_id for p in state.past_rooms}


@pytest.mark.asyncio
async def test_a_long_history_takes_two_round_trips(sim: tuple[SimulatorHost, HeldRequests]) -> None:
    host, held = sim
    expected = _add_past_rooms(host, 3 * PAGE_SIZE + 17)
    provider = _provider(host)
    try:
        past = await held.run(provider.list_past_rooms(), sizes=[1, 3])  # the first page, then the other three
    finally:
        await provider.aclose()
    assert {r.id for r in past} == expected and len(past) == len(expected)  # every page, none twice
    assert [len(wave) for wave in held.waves] == [1, 3], held.waves
    created = [r.created for r in past]
    assert created == sorted(created, reverse=True)  # the pages in order (the server sorts by creation)


@pytest.mark.asyncio
async def test_a_history_longer_than_the_page_limit_stops_there(sim: tuple[SimulatorHost, HeldRequests]) -> None:
    host, held = sim
    _add_past_rooms(host, MAX_PAGES * PAGE_SIZE + 50)
    provider = _provider(host)
    try:
        past = await held.run(provider.list_past_rooms(), sizes=[1, MAX_PAGES - 1])
    finally:
        await provider.aclose()
    assert [len(wave) for wave in held.waves] == [1, MAX_PAGES - 1], held.waves
    assert len(past) == MAX_PAGES * PAGE_SIZE - 3  # the three running rooms are on the server's list, not here
