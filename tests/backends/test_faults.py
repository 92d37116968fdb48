"""Every registered back end against a hostile server (meetdesk/simulators/faults.py): a dripping answer, a
black hole, deeply nested and huge bodies, a redirect with credentials in its query, a lost DELETE answer and
an unreadable row. Parametrised over the registry, so a back end added later is tested the same way."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from meetdesk.backends.base import Capability, Provider, available_kinds, create_provider, provider_class
from meetdesk.backends.rows import collect_skipped
from meetdesk.domain.errors import MeetdeskError, ProtocolError, UnreachableError
from meetdesk.domain.models import Profile
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import MemoryKeyring, SecretStore
from meetdesk.services.session import Session
from meetdesk.simulators.host import SimulatorDefinition, SimulatorHost, build_simulator

KINDS = available_kinds()
DEADLINE_S = 2.0


@dataclass
class Server:
    kind: str
    host: SimulatorHost
    definition: SimulatorDefinition
    deadline_s: float = DEADLINE_S

    def profile(self, name: str = "Hostile") -> Profile:
        cls = provider_class(self.kind)
        return Profile(name=name, kind=self.kind, base_url=cls.normalize_base_url(self.host.base_url),
                       fields=dict(self.definition.fields), ca_file=self.host.ca_file, deadline_s=self.deadline_s)

    def provider(self) -> Provider:
        return create_provider(self.profile(), self.definition.secret)


@pytest.fixture(params=KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    definition = build_simulator(request.param, seed=True)
    with SimulatorHost.for_definition(definition) as host:
        yield Server(request.param, host, definition)


async def _first_call(server: Server) -> object:
    """Connect a fresh provider and (where the server lists them) read its rooms."""
    provider = server.provider()
    try:
        await provider.connect()
        if Capability.LIST_ROOMS in provider.capabilities:
            return await provider.list_rooms()
        return None
    finally:
        await provider.aclose()


async def _hostile(server: Server, mode: str, timeout: float = 30) -> MeetdeskError:
    """The first call under fault ``mode``: the error it ends in (a back end that never asks the server is
    skipped; one that reports success under a hostile server fails)."""
    server.host.faults.mode = mode
    try:
        result = await asyncio.wait_for(_first_call(server), timeout)
    except MeetdeskError as exc:
        return exc
    if not server.host.faults.injected.get(mode):
        pytest.skip(f"{server.kind} makes no request to its server when connecting")
    raise AssertionError(f"{server.kind} under {mode!r}: reported success ({result!r})")


def test_registry_has_the_three_original_back_ends() -> None:
    assert {"plugnmeet", "openmeetings", "openmeetings-axis"} <= set(KINDS)


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["drip", "black_hole"])
async def test_a_slow_server_is_given_up_on_after_the_profile_deadline(server: Server, mode: str) -> None:
    server.host.faults.drip_interval_s = 0.3
    started = time.monotonic()
    error = await _hostile(server, mode)
    elapsed = time.monotonic() - started
    assert isinstance(error, UnreachableError), error
    assert elapsed < DEADLINE_S + 2.5, f"{server.kind} {mode}: gave up after {elapsed:.1f} s"
    assert "within 2 seconds" in error.message or "in time" in error.message


@pytest.mark.asyncio
async def test_deeply_nested_answer_is_a_protocol_error(server: Server) -> None:
    error = await _hostile(server, "nested")
    assert isinstance(error, ProtocolError | UnreachableError) or "unexpected" in error.message, error


@pytest.mark.asyncio
async def test_huge_answer_is_refused_with_a_clear_error(server: Server) -> None:
    server.host.faults.huge_mb = 40
    server.deadline_s = 30.0  # the cap is in bytes; 32 MB took a busy machine more than the usual 2 s deadline
    error = await _hostile(server, "huge", timeout=60)
    assert isinstance(error, ProtocolError) and "larger than 32 MB" in error.message, error


@pytest.mark.asyncio
async def test_redirect_with_credentials_never_reaches_the_error(server: Server) -> None:
    err = await _hostile(server, "redirect")
    shown = " ".join(filter(None, [err.message, err.detail, err.hint, str(err)]))
    for secret in ("hunter2", "SID=abc", server.definition.secret):
        assert secret not in shown, f"{server.kind}: {secret!r} in {shown!r}"


@pytest_asyncio.fixture
async def session(server: Server, tmp_path: Path) -> AsyncIterator[Session]:
    store = ProfileStore(tmp_path / "profiles.json")
    store.load()
    session = Session(store, SecretStore(MemoryKeyring()))
    await session.add_profile(server.profile(), server.definition.secret)
    await session.connect("Hostile")
    yield session
    await session.aclose()


@pytest.mark.asyncio
async def test_lost_answer_to_a_delete_is_checked_not_reported_as_failure(server: Server, session: Session) -> None:
    cls = provider_class(server.kind)
    remove = Capability.DELETE_ROOM if Capability.DELETE_ROOM in cls.capabilities else Capability.END_ROOM
    if remove not in cls.capabilities or Capability.LOCAL_ROOM_LIST in cls.capabilities:
        pytest.skip(f"{server.kind} cannot delete or end rooms on the server")
    rooms = session.connection("Hostile").rooms
    assert rooms, f"{server.kind}: the seeded simulator has no room"
    target = rooms[0].id
    server.host.faults.mode, server.host.faults.times = "lose_answer", 1
    call = session.delete_room if remove is Capability.DELETE_ROOM else session.end_room
    await call("Hostile", target)  # the room went: success, not "dropped"
    assert server.host.faults.injected["lose_answer"] == 1
    # gone, or (plugNmeet, which ends a room after answering, pkg/models/room_end.go) shown as ending
    assert all(r.status == "ending…" for r in session.connection("Hostile").rooms if r.id == target)


def _server_list(server: Server, session: Session) -> tuple[str, Callable[[], Awaitable[list[Any]]]]:
    """What the back end lists from its server: rooms, else meetings (skip when it only lists what it remembers)."""
    caps = provider_class(server.kind).capabilities
    provider = session.provider("Hostile")
    if Capability.LIST_ROOMS in caps and Capability.LOCAL_ROOM_LIST not in caps:
        return "room", provider.list_rooms
    if Capability.LIST_MEETINGS in caps:  # (LOCAL_MEETING_LIST back ends list from the server when it lets them)
        start, end = session.meeting_window()
        return "meeting", lambda: provider.list_meetings(start, end)
    pytest.skip(f"{server.kind} lists nothing from its server")


@pytest.mark.asyncio
async def test_one_unreadable_row_is_skipped_and_named_the_rest_shown(server: Server, session: Session) -> None:
    what, listing = _server_list(server, session)
    before = {r.id for r in await listing()}
    if not before:
        pytest.skip(f"{server.kind}: the seeded simulator lists no {what} in the session's window")
    server.host.faults.mode = "bad_row"
    with collect_skipped() as skipped:
        rows = await listing()
    assert {r.id for r in rows} == before
    assert skipped and re.search(rf"skipped \d+ unreadable {what}s? in the answer", skipped[0]), skipped


@pytest.mark.asyncio
async def test_a_broken_answer_fails_the_refresh_and_keeps_the_last_data_stale(server: Server,
                                                                             session: Session) -> None:
    conn = session.connection("Hostile")
    _server_list(server, session)  # skips a back end that lists nothing from its server
    before = list(conn.rooms)
    server.host.faults.mode = "nested"
    with pytest.raises(MeetdeskError):
        await session.refresh("Hostile")
    assert conn.stale and conn.refresh_failure is not None
    assert conn.rooms == before


def test_a_server_date_out_of_range_is_a_protocol_error_naming_the_field() -> None:
    from meetdesk.backends.openmeetings.client import OpenMeetingsProvider

    om = OpenMeetingsProvider(Profile("O", "openmeetings", "https://om.example.org/openmeetings", {"user": "u"}), "s")
    dto = {"id": 7, "title": "Ancient", "start": "0001-01-01T00:00:00-0500", "end": "0001-01-01T01:00:00-0500"}
    with pytest.raises(ProtocolError) as caught:
        om._meeting_from_dto(dto, "the calendar")
    assert "appointment 7: start '0001-01-01T00:00:00-0500' out of range" in (caught.value.detail or "")


@pytest.mark.asyncio
async def test_disconnect_cancels_a_connection_attempt_at_any_moment(server: Server, tmp_path: Path) -> None:
    from meetdesk.services.session import ConnectionState

    store = ProfileStore(tmp_path / "profiles.json")
    store.load()
    session = Session(store, SecretStore(MemoryKeyring()))
    await session.add_profile(server.profile(), server.definition.secret)
    server.host.faults.mode = "black_hole"
    attempt = asyncio.create_task(session.connect("Hostile"))
    for _ in range(1000):  # the secret is read on a worker thread first (a fixed sleep raced a busy machine)
        if session.connection("Hostile").state is ConnectionState.CONNECTING and server.host.faults.injected.get(
                "black_hole"):
            break
        await asyncio.sleep(0.01)
    assert session.connection("Hostile").state is ConnectionState.CONNECTING
    started = time.monotonic()
    await session.disconnect("Hostile")
    assert time.monotonic() - started < 1.0 and attempt.done()
    assert session.connection("Hostile").state is ConnectionState.DISCONNECTED
    with pytest.raises(asyncio.CancelledError):
        await attempt
    await session.aclose()


@pytest.mark.asyncio
async def test_lost_answer_to_a_cancel_is_checked_not_reported_as_failure(server: Server, session: Session) -> None:
    if Capability.CANCEL_MEETING not in provider_class(server.kind).capabilities:
        pytest.skip(f"{server.kind} cannot cancel meetings")
    meetings = session.connection("Hostile").meetings
    if not meetings:
        pytest.skip(f"{server.kind}: the seeded simulator has no meeting in the session's window")
    target = meetings[0].id
    # the answer lost is the one to the removal itself (a DELETE where the back end sends one)
    server.host.faults.mode, server.host.faults.times = "lose_answer", 1
    server.host.faults.method = "DELETE"
    try:
        await session.cancel_meeting("Hostile", target)
    except MeetdeskError as exc:
        if not server.host.faults.injected.get("lose_answer"):
            pytest.skip(f"{server.kind}: cancelling {target} failed before the removal was sent: {exc}")
        raise
    if not server.host.faults.injected.get("lose_answer"):
        pytest.skip(f"{server.kind} cancels without a DELETE")
    assert server.host.faults.injected["lose_answer"] == 1
    assert target not in {m.id for m in session.connection("Hostile").meetings}
