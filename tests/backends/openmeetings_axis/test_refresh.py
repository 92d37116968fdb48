"""A legacy OpenMeetings refresh: one round trip before the rooms are shown, the session id kept across refreshes,
one fresh sign-in when the server has forgotten it (SessiondataDao.clearSessionTable after 30 idle minutes)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from meetdesk.backends.openmeetings_axis.client import OpenMeetingsAxisProvider
from meetdesk.backends.openmeetings_axis.simulator.app import ADMIN_PASSWORD, build
from meetdesk.backends.openmeetings_axis.simulator.state import LEVEL_USER
from meetdesk.backends.rows import collect_skipped
from meetdesk.simulators.faults import Faults
from meetdesk.simulators.host import SimulatorHost
from tests.backends.conftest import Clock
from tests.backends.openmeetings_axis.test_client import (
    GET_SESSION,
    LOGIN,
    PersistSpy,
    count,
    profile_for,
    state_of,
)

GET_ROOMS = ("RoomService", "getRooms")
COUNTERS = ("RoomService", "getRoomCounters")


@pytest_asyncio.fixture
async def admin(server: SimulatorHost) -> AsyncIterator[OpenMeetingsAxisProvider]:
    provider = OpenMeetingsAxisProvider(profile_for(server), ADMIN_PASSWORD, persist=PersistSpy())
    await provider.connect()
    yield provider
    await provider.aclose()


@pytest.mark.asyncio
async def test_rooms_come_in_one_call_and_their_counters_after(server: SimulatorHost,
                                                               admin: OpenMeetingsAxisProvider) -> None:
    state = state_of(server)
    del state.calls[:]
    rooms = await admin.list_rooms()
    assert state.calls == [GET_ROOMS]  # the rooms are shown after one round trip
    assert [r.id for r in rooms] == [str(i) for i in sorted(state.rooms)]
    assert {r.participant_count for r in rooms} == {None}
    completed = await admin.complete_rooms(rooms)
    assert state.calls == [GET_ROOMS, COUNTERS]
    assert completed is not None and [r.id for r in completed] == [r.id for r in rooms]
    by_id = {r.id: r for r in completed}
    assert by_id["1"].participant_count == 0
    assert {r.participant_count for r in completed} == {len(state.rooms[int(r.id)].present) for r in completed}


@pytest.mark.asyncio
async def test_the_session_id_is_kept_across_refreshes(server: SimulatorHost, admin: OpenMeetingsAxisProvider) -> None:
    for _ in range(3):
        await admin.complete_rooms(await admin.list_rooms())
    assert count(server, GET_SESSION) == 1 and count(server, LOGIN) == 1
    assert count(server, GET_ROOMS) == 3


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["cleanup job", "30 idle minutes"])
async def test_a_forgotten_session_is_replaced_once_and_the_servers_rooms_listed(
        server: SimulatorHost, clock: Clock, admin: OpenMeetingsAxisProvider, how: str) -> None:
    state = state_of(server)
    before = [r.id for r in await admin.list_rooms()]
    if how == "cleanup job":
        state.expire_sessions()
    else:
        clock.now += 31 * 60
    # 3.0.x ConferenceService.getRooms: checkSession of a forgotten SID is 0, not admin → null → the
    # RoomSearchResult constructor throws: a fault, exactly as for an account without rights
    rooms = await admin.list_rooms()
    assert [r.id for r in rooms] == before and not any(r.local_only for r in rooms)
    assert count(server, GET_SESSION) == 2 and count(server, LOGIN) == 2  # exactly one new sign-in
    assert count(server, GET_ROOMS) == 3
    await admin.list_rooms()
    assert count(server, GET_SESSION) == 2 and count(server, GET_ROOMS) == 4


@pytest.mark.asyncio
async def test_a_refusal_on_a_fresh_session_is_not_retried(server: SimulatorHost) -> None:
    # a web-service account is below the admin level getRooms needs: the rooms meetdesk remembers, at once
    provider = OpenMeetingsAxisProvider(profile_for(server, "soap"), "soap-gateway-1", persist=PersistSpy())
    try:
        await provider.connect()
        assert await provider.list_rooms() == []
        assert await provider.list_rooms() == []
    finally:
        await provider.aclose()
    assert count(server, GET_SESSION) == 1 and count(server, GET_ROOMS) == 2


@pytest.mark.asyncio
async def test_rights_taken_away_fall_back_after_one_new_sign_in(server: SimulatorHost,
                                                                 admin: OpenMeetingsAxisProvider) -> None:
    assert await admin.list_rooms()
    state_of(server).users[1].level = LEVEL_USER
    assert await admin.list_rooms() == []  # nothing remembered: the server refused on a fresh session too
    assert count(server, GET_SESSION) == 2 and count(server, GET_ROOMS) == 3


@pytest.mark.asyncio
async def test_failed_counters_leave_the_rooms_and_say_so(server: SimulatorHost) -> None:
    faults = Faults(path_prefix="/openmeetings/services/RoomService/getRoomCounters", error_rate=1.0,
                    error_status=500)
    with SimulatorHost.for_definition(build(), faults=faults) as host:
        provider = OpenMeetingsAxisProvider(profile_for(host), ADMIN_PASSWORD)
        try:
            rooms = await provider.list_rooms()
            with collect_skipped() as warnings:
                completed = await provider.complete_rooms(rooms)
        finally:
            await provider.aclose()
    assert completed is None or completed == rooms
    assert len(warnings) == 1 and "how many people" in warnings[0] and "Legacy OM" in warnings[0], warnings
