"""The OpenMeetings 7.x–9.x REST provider against its simulator over real loopback HTTP, in 8.x and 9.x mode."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from meetdesk.backends.base import Capability, create_provider, provider_class
from meetdesk.backends.openmeetings import wire as omj
from meetdesk.backends.openmeetings.client import PRIVATE_ROOMS_KEY, OpenMeetingsProvider
from meetdesk.backends.openmeetings.simulator.app import build
from meetdesk.backends.openmeetings.simulator.data import OpenMeetingsState
from meetdesk.domain.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    TLSError,
    UnreachableError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind
from meetdesk.domain.models import JoinRequest, MeetingDraft, Profile, Role, RoomDraft
from meetdesk.simulators.host import SimulatorHost
from tests.backends.conftest import Clock

VERSIONS = ["9.1.0", "8.0.0"]
NEW_YORK = ZoneInfo("America/New_York")
#: for tests of transport behaviour that does not differ between 8.x and 9.x
ONLY_9X = pytest.mark.parametrize("shared", ["9.1.0"], indirect=True)


@dataclass
class Server:
    host: SimulatorHost
    state: OpenMeetingsState
    secret: str


class PersistSpy:
    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []

    async def __call__(self, data: dict[str, Any]) -> None:
        self.saved.append({k: list(v) if isinstance(v, list) else v for k, v in data.items()})


@pytest.fixture(scope="module", params=VERSIONS)
def shared(request: pytest.FixtureRequest) -> Iterator[Server]:
    definition = build(version=request.param, failed_login_delay=0.05)
    with SimulatorHost.for_definition(definition) as host:
        yield Server(host, definition.state, definition.secret)


@pytest.fixture
def server(shared: Server) -> Server:
    """One server per version for the module; every test starts from the seed data."""
    shared.state.reset()
    shared.state.sid_ttl = 1800
    shared.host.faults.clear()
    return shared


def make(server: Server, *, user: str = "admin", secret: str | None = None, timezone: str = "America/New_York",
         base_url: str | None = None, ca_file: str | None = None, persist: PersistSpy | None = None,
         data: dict[str, Any] | None = None) -> OpenMeetingsProvider:
    profile = Profile(name="Campus OM", kind="openmeetings", base_url=base_url or server.host.base_url,
                      fields={"user": user, "timezone": timezone}, ca_file=ca_file, data=data or {})
    provider = create_provider(profile, server.secret if secret is None else secret, persist=persist)
    assert isinstance(provider, OpenMeetingsProvider)
    return provider


@pytest_asyncio.fixture
async def om(server: Server) -> AsyncIterator[OpenMeetingsProvider]:
    provider = make(server)
    await provider.connect()
    yield provider
    await provider.aclose()


def entered(page: httpx.Response) -> bool:
    return 'id="room"' in page.text


# class attributes ----------------------------------------------------------------------------------
def test_registry_and_declared_fields() -> None:
    cls = provider_class("openmeetings")
    assert cls is OpenMeetingsProvider
    assert [f.key for f in cls.connection_fields] == ["user", "password", "timezone"]
    secret = cls.secret_field()
    assert secret is not None and secret.key == "password" and secret.is_secret
    assert cls.connection_fields[0].required and not cls.connection_fields[2].required
    for cap in (Capability.LIST_ROOMS, Capability.CREATE_ROOM, Capability.UPDATE_ROOM, Capability.DELETE_ROOM,
                Capability.OPEN_CLOSE_ROOM, Capability.LIST_MEETINGS, Capability.CREATE_MEETING,
                Capability.UPDATE_MEETING, Capability.CANCEL_MEETING, Capability.RECORDINGS, Capability.JOIN_LINK):
        assert cap in cls.capabilities
    assert Capability.END_ROOM not in cls.capabilities
    room_keys = {f.key for f in cls.room_fields}
    assert room_keys == {"type", "capacity", "comment", "public", "moderated", "wait_for_moderator",
                         "allow_user_questions", "audio_only", "allow_recording", "hidden_elements"}
    assert {c.key for c in cls.room_columns} == {"type", "capacity", "public", "moderated", "users_online"}
    assert {c.key for c in cls.meeting_columns} == {"room", "owner"}
    language = next(f for f in cls.join_fields if f.key == "language")
    assert language.kind is FieldKind.CHOICE and ("2", "Deutsch") in language.choices
    assert all(f.label for f in (*cls.room_fields, *cls.meeting_fields, *cls.join_fields))


@pytest.mark.parametrize(("raw", "normalized"), [
    ("https://om.example.org:5443", "https://om.example.org:5443/openmeetings"),
    ("https://om.example.org:5443/", "https://om.example.org:5443/openmeetings"),
    (" https://om.example.org/openmeetings/ ", "https://om.example.org/openmeetings"),
    ("https://om.example.org/openmeetings/services", "https://om.example.org/openmeetings"),
    ("https://om.example.org/om", "https://om.example.org/om"),
])
def test_normalize_base_url(raw: str, normalized: str) -> None:
    assert OpenMeetingsProvider.normalize_base_url(raw) == normalized


# connecting ----------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_connect_reports_version_and_uses_the_versions_login_method(server: Server) -> None:
    provider = make(server)
    try:
        info = await provider.connect()
    finally:
        await provider.aclose()
    assert info.product == "Apache OpenMeetings" and info.version == server.state.version
    assert info.user == "admin" and info.extra["timezone"] == "America/New_York"
    method = "POST" if server.state.version.startswith("9") else "GET"
    assert info.extra["login_method"] == method
    logins = [(m, s) for m, p, s in server.state.requests if p.endswith("/user/login")]
    assert logins == [(method, 200)]  # the right method first time, no 405 detour


@pytest.mark.asyncio
async def test_login_falls_back_when_the_server_answers_405(server: Server) -> None:
    real = server.state.version
    server.state.version = "8.1.0" if real.startswith("9") else "9.0.0"  # the version lies about the login
    provider = make(server)
    try:
        info = await provider.connect()
        await provider.list_rooms()
    finally:
        server.state.version = real
        await provider.aclose()
    statuses = [s for _m, p, s in server.state.requests if p.endswith("/user/login")]
    assert statuses == [405, 200]
    assert info.extra["login_method"] == ("POST" if real.startswith("9") else "GET")


@pytest.mark.asyncio
async def test_wrong_password_is_an_authentication_error(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="meetdesk")
    provider = make(server, secret="Wrong-Secret-77")
    with pytest.raises(AuthenticationError) as caught:
        await provider.connect()
    await provider.aclose()
    assert not isinstance(caught.value, PermissionDeniedError)
    assert "admin" in caught.value.message and caught.value.detail == "error.bad.credentials"
    assert "Wrong-Secret-77" not in str(caught.value) and "Wrong-Secret-77" not in caplog.text
    assert "Wrong-Secret-77" not in repr(provider)


@pytest.mark.asyncio
async def test_9x_login_penalty_is_waited_out() -> None:
    definition = build(version="9.1.0", failed_login_delay=0.6, seed=False)
    with SimulatorHost.for_definition(definition) as host:
        provider = make(Server(host, definition.state, "nope"))
        started = time.monotonic()
        with pytest.raises(AuthenticationError):
            await provider.connect()
        await provider.aclose()
    assert time.monotonic() - started >= 0.6  # the normal 20 s read timeout would also cover 0.6 s; 45 s covers 15


@pytest.mark.asyncio
async def test_user_without_soap_right_is_told_which_right_is_missing(server: Server) -> None:
    provider = make(server, user=server.state.nosoap_login, secret=server.state.nosoap_password)
    with pytest.raises(PermissionDeniedError) as caught:
        await provider.connect()
    await provider.aclose()
    assert "SOAP right" in caught.value.message and server.state.nosoap_login in caught.value.message
    assert caught.value.hint and "administrator" in caught.value.hint


@pytest.mark.asyncio
async def test_account_without_login_right(server: Server) -> None:
    server.state.find_login(server.state.nosoap_login).rights.remove("LOGIN")  # type: ignore[union-attr]
    provider = make(server, user=server.state.nosoap_login, secret=server.state.nosoap_password)
    with pytest.raises(PermissionDeniedError, match="not activated"):
        await provider.connect()
    await provider.aclose()


@pytest.mark.asyncio
async def test_expired_sid_is_renewed_without_the_caller_noticing(server: Server, om: OpenMeetingsProvider,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # a clock the test moves (with a 0.3 s idle timeout, a busy machine expired the renewed SID too)
    clock = Clock(time.monotonic())
    monkeypatch.setattr(server.state, "clock", clock)
    clock.now += server.state.sid_ttl + 1
    rooms = await om.list_rooms()  # a GET after idle expiry
    assert len(rooms) == 7
    server.state.expire_sessions()
    created = await om.create_room(RoomDraft("After expiry"))  # a POST after the server's cleanup job
    assert server.state.rooms[int(created.id)].name == "After expiry"
    assert server.state.login_count() == 3  # connect + one renewal per expiry
    refused = [p for _m, p, s in server.state.requests if s == 500]
    # the three concurrent public-room queries were refused together and share one renewal
    assert sorted(p.rsplit("/", 1)[-1] for p in refused) == ["CONFERENCE", "INTERVIEW", "PRESENTATION", "room"]


@pytest.mark.asyncio
async def test_concurrent_calls_after_expiry_log_in_once(server: Server, om: OpenMeetingsProvider) -> None:
    server.state.expire_sessions()
    now = datetime.now(UTC)
    rooms, meetings, recordings = await asyncio.gather(
        om.list_rooms(), om.list_meetings(now - timedelta(days=3), now + timedelta(days=7)), om.list_recordings("6"))
    assert rooms and meetings and recordings
    assert server.state.login_count() == 2


@pytest.mark.asyncio
async def test_rights_removed_during_the_session(server: Server, om: OpenMeetingsProvider) -> None:
    server.state.find_login("admin").rights.remove("SOAP")  # type: ignore[union-attr]
    before = server.state.login_count()
    with pytest.raises(PermissionDeniedError, match="SOAP"):
        await om.get_room("2")
    assert server.state.login_count() == before + 1  # one renewal attempt, then the truth


@pytest.mark.asyncio
async def test_ca_file_with_tls() -> None:
    definition = build(failed_login_delay=0)
    with SimulatorHost.for_definition(definition, tls=True) as host:
        server = Server(host, definition.state, definition.secret)
        assert host.base_url.startswith("https://") and host.ca_file
        trusted = make(server, ca_file=host.ca_file)
        try:
            info = await trusted.connect()
            assert info.version == "9.1.0"
            link = await trusted.join_link(JoinRequest("5", "Tess Tls"))
            assert link.url.startswith(host.base_url + "/hash?secure=")
        finally:
            await trusted.aclose()
        untrusted = make(server)
        with pytest.raises(TLSError):
            await untrusted.connect()
        await untrusted.aclose()


@ONLY_9X
@pytest.mark.asyncio
async def test_a_server_that_is_not_openmeetings(server: Server) -> None:
    provider = make(server, base_url=server.host.origin + "/nextcloud")
    with pytest.raises(ProtocolError) as caught:
        await provider.connect()
    await provider.aclose()
    assert caught.value.hint and "/openmeetings" in caught.value.hint


@ONLY_9X
@pytest.mark.asyncio
async def test_unreachable_server(server: Server) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = make(server, base_url=f"http://127.0.0.1:{port}/openmeetings")
    with pytest.raises(UnreachableError):
        await provider.connect()
    await provider.aclose()


@ONLY_9X
@pytest.mark.asyncio
async def test_bad_time_zone_is_a_field_error(server: Server) -> None:
    provider = make(server, timezone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError) as caught:
        await provider.connect()
    assert caught.value.field == "timezone"
    assert server.state.requests == []  # refused before anything was sent


@ONLY_9X
@pytest.mark.asyncio
async def test_secrets_stay_out_of_logs(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="meetdesk")
    provider = make(server)
    try:
        await provider.connect()
        link = await provider.join_link(JoinRequest("5", "Log Watcher"))
        await provider.list_rooms()
    finally:
        await provider.aclose()
    secure = parse_qs(urlsplit(link.url).query)["secure"][0]
    sids = list(server.state.sessions)
    assert sids and caplog.text
    for secret in (server.secret, secure, *sids):
        assert secret not in caplog.text
    assert all(r.name.startswith("meetdesk.backends") for r in caplog.records)


# rooms ---------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_list_rooms_merges_public_rooms_of_every_type(om: OpenMeetingsProvider) -> None:
    listed = await om.list_rooms()
    # the user counts (a call per room) are not on the list's critical path: unknown until completed
    assert {r.participant_count for r in listed} == {None} and {r.running for r in listed} == {None}
    rooms = await om.complete_rooms(listed)
    assert rooms is not None
    assert [r.id for r in rooms] == ["1", "2", "3", "4", "5", "6", "7"]  # 8 is private, 9 an appointment room
    by_id = {r.id: r for r in rooms}
    assert {r.options["type"] for r in rooms} == {"CONFERENCE", "PRESENTATION", "INTERVIEW"}
    assert by_id["2"].participant_count == 2 and by_id["2"].status == "in use" and by_id["2"].running
    assert by_id["7"].participant_count == 0 and by_id["7"].status == "open"
    assert by_id["5"].extra == {"type": "Presentation (webinar)", "capacity": 100, "public": "yes",
                                "moderated": "no", "users_online": 1, "closed": False, "appointment": False}
    assert by_id["2"].options["hidden_elements"] == ["MICROPHONE_STATUS"]  # a Jettison scalar, read as a list
    assert by_id["3"].options["hidden_elements"] == ["WHITEBOARD", "MICROPHONE_STATUS"]
    assert by_id["7"].options["hidden_elements"] == []  # omitted by Jettison
    assert all(r.kind == "openmeetings" for r in rooms)


@pytest.mark.asyncio
async def test_get_room_with_participants(om: OpenMeetingsProvider) -> None:
    room = await om.get_room("2")
    assert room.name == "Public Conference Room"
    assert sorted(p.name for p in room.participants) == ["John Doe", "Maria Rossi"]
    john = next(p for p in room.participants if p.name == "John Doe")
    assert john.extra["external_id"] == "10"  # arrived as the number 10
    single = await om.get_room("5")
    assert len(single.participants) == 1 and single.participants[0].name == "Kenji Tanaka"
    with pytest.raises(NotFoundError, match="no room 404"):
        await om.get_room("404")
    with pytest.raises(ValidationError) as caught:
        await om.get_room("lobby")
    assert caught.value.field == "room_id"


@pytest.mark.asyncio
async def test_create_private_room_is_remembered_and_listed(server: Server) -> None:
    spy = PersistSpy()
    provider = make(server, persist=spy)
    try:
        await provider.connect()
        room = await provider.create_room(RoomDraft("2025", options={
            "type": "INTERVIEW", "capacity": 4, "hidden_elements": ["CHAT"], "wait_for_moderator": True}))
        assert room.name == "2025"  # Jettison answered with the number 2025
        stored = server.state.rooms[int(room.id)]
        assert (stored.type, stored.capacity, stored.hidden_elements, stored.wait_moderator, stored.is_public) == (
            "INTERVIEW", 4, ["CHAT"], True, False)
        assert stored.allow_user_questions and stored.allow_recording  # the form's defaults
        assert spy.saved[-1][PRIVATE_ROOMS_KEY] == [room.id]
        assert room.id in [r.id for r in await provider.list_rooms()]
    finally:
        await provider.aclose()


@pytest.mark.asyncio
async def test_public_flag_is_sent_as_is_public(server: Server, om: OpenMeetingsProvider) -> None:
    room = await om.create_room(RoomDraft("Open house", options={"public": True}))
    assert server.state.rooms[int(room.id)].is_public
    assert room.options["public"] is True and room.extra["public"] == "yes"
    assert PRIVATE_ROOMS_KEY not in om.profile.data  # public rooms are listed by the server itself


@pytest.mark.asyncio
async def test_update_room_changes_only_what_was_given(server: Server, om: OpenMeetingsProvider) -> None:
    room = await om.update_room("6", RoomDraft("Daily Stand-up", options={"capacity": 20, "audio_only": True}))
    stored = server.state.rooms[6]
    assert (stored.name, stored.capacity, stored.audio_only) == ("Daily Stand-up", 20, True)
    assert stored.comment == "Daily 15 minutes, cameras on" and stored.moderated and stored.is_public
    assert stored.confno == "4711" and stored.type == "CONFERENCE"
    assert room.options["capacity"] == 20 and room.options["moderated"] is True
    hidden = await om.update_room("2", RoomDraft("Public Conference Room", options={}))
    assert hidden.options["hidden_elements"] == ["MICROPHONE_STATUS"]  # the scalar went back as an array
    assert server.state.rooms[2].hidden_elements == ["MICROPHONE_STATUS"]
    with pytest.raises(NotFoundError):
        await om.update_room("404", RoomDraft("Ghost"))


@pytest.mark.asyncio
async def test_room_input_is_validated_before_sending(server: Server, om: OpenMeetingsProvider) -> None:
    sent = len(server.state.requests)
    with pytest.raises(ValidationError) as caught:
        await om.create_room(RoomDraft("   "))
    assert caught.value.field == "name"
    with pytest.raises(ValidationError) as caught:
        await om.create_room(RoomDraft("Odd", options={"type": "WEBINAR"}))
    assert caught.value.field == "type"
    with pytest.raises(ValidationError) as caught:  # the server numbers rooms itself: an id would be dropped
        await om.create_room(RoomDraft("Board", room_id="board-meeting"))
    assert caught.value.field == "room_id"
    assert len(server.state.requests) == sent


@pytest.mark.asyncio
async def test_delete_room(server: Server) -> None:
    spy = PersistSpy()
    provider = make(server, persist=spy)
    try:
        await provider.connect()
        room = await provider.create_room(RoomDraft("Short-lived"))
        await provider.delete_room(room.id)
        assert int(room.id) not in server.state.rooms
        assert spy.saved[-1][PRIVATE_ROOMS_KEY] == []
        with pytest.raises(NotFoundError):  # the server says SUCCESS "Not found"
            await provider.delete_room(room.id)
        await provider.delete_room("3")
        assert "3" not in [r.id for r in await provider.list_rooms()]
    finally:
        await provider.aclose()


@pytest.mark.asyncio
async def test_remembered_room_deleted_elsewhere_is_forgotten(server: Server) -> None:
    spy = PersistSpy()
    provider = make(server, persist=spy, data={PRIVATE_ROOMS_KEY: ["8", "777"]})
    try:
        await provider.connect()
        ids = [r.id for r in await provider.list_rooms()]
        assert "8" in ids and "777" not in ids
        assert spy.saved[-1][PRIVATE_ROOMS_KEY] == ["8"]
    finally:
        await provider.aclose()


@pytest.mark.asyncio
async def test_open_and_close(server: Server, om: OpenMeetingsProvider) -> None:
    await om.close_room("2")
    assert server.state.rooms[2].closed
    closed = next(r for r in await om.complete_rooms(await om.list_rooms()) or [] if r.id == "2")
    assert closed.status == "closed" and closed.participant_count == 0
    await om.open_room("2")
    assert not server.state.rooms[2].closed
    with pytest.raises(NotFoundError):
        await om.close_room("404")
    with pytest.raises(NotFoundError):
        await om.open_room("404")


# meetings ------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_list_meetings_in_the_profiles_time_zone(server: Server, om: OpenMeetingsProvider) -> None:
    now = datetime.now(UTC)
    meetings = await om.list_meetings(now - timedelta(days=3), now + timedelta(days=6))
    assert len(meetings) == len(server.state.appointments)
    assert [m.start for m in meetings] == sorted(m.start for m in meetings)
    for meeting in meetings:
        stored = server.state.appointments[int(meeting.id)]
        assert meeting.start == stored.start and meeting.end == stored.end  # same instants
        assert meeting.start.tzinfo == NEW_YORK and meeting.timezone == "America/New_York"
        assert meeting.owner == "admin" and meeting.extra["owner"] == "admin"
        assert meeting.room_name == server.state.rooms[stored.room_id].name == meeting.extra["room"]
    naive = await om.list_meetings(datetime(2000, 1, 1), datetime(2000, 1, 2))  # naive: the profile's zone
    assert naive == []


@pytest.mark.asyncio
async def test_calendar_bounds_and_meetings_the_user_only_attends(server: Server, om: OpenMeetingsProvider) -> None:
    # AppointmentDao.getInRange: BETWEEN includes both bounds, and appointments the user is only a member of
    # come from joinedAppointmentsInRange with connectedEvent = true
    from meetdesk.backends.openmeetings.simulator.data import OMAppointment

    state = server.state
    first = min(state.appointments.values(), key=lambda a: a.start)
    before = OMAppointment(900, "Ends where the window starts", first.start - timedelta(hours=1), first.start,
                           owner_id=1, room_id=first.room_id)
    other = OMAppointment(901, "Nadia's planning", first.start + timedelta(minutes=5),
                          first.start + timedelta(minutes=35), owner_id=2, room_id=first.room_id,
                          members=[(990, 2), (991, 1)])
    state.appointments.update({900: before, 901: other})
    raw = httpx.get(
        f"{server.host.base_url}/services/calendar/{first.start.strftime('%Y-%m-%dT%H:%M:%S%z')}/"
        f"{(first.start + timedelta(days=30)).strftime('%Y-%m-%dT%H:%M:%S%z')}",
        params={"sid": server.state.new_session(state.users[1])}).json()["appointmentDTO"]
    assert {a["id"]: a["connectedEvent"] for a in raw if a["id"] in (900, 901)} == {900: False, 901: True}

    meetings = await om.list_meetings(first.start, first.start + timedelta(days=30))
    ids = [m.id for m in meetings]
    assert "900" not in ids  # it only touches the window: meetdesk's windows are half-open
    attended = next(m for m in meetings if m.id == "901")
    assert attended.extra["attending_only"] == "yes" and attended.owner == "nadia.roomuser"
    assert all(m.extra["attending_only"] == "" for m in meetings if m.id != "901")


@pytest.mark.asyncio
async def test_without_a_time_zone_the_computers_zone_is_used(server: Server,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    provider = make(server, timezone="")
    try:
        info = await provider.connect()
        now = datetime.now(UTC)
        meetings = await provider.list_meetings(now - timedelta(days=3), now + timedelta(days=6))
    finally:
        await provider.aclose()
    assert info.extra["timezone"] == "Asia/Tokyo"
    assert meetings and all(m.start.utcoffset() is not None for m in meetings)
    assert {m.start for m in meetings} == {a.start for a in server.state.appointments.values()}


@pytest.mark.asyncio
async def test_create_meeting_in_an_existing_room(server: Server, om: OpenMeetingsProvider) -> None:
    start = datetime(2030, 3, 12, 9, 30)  # naive → 09:30 in New York (EDT, UTC-4)
    meeting = await om.create_meeting(MeetingDraft("Budget sync", start, start + timedelta(hours=1), room_id="6",
                                                   description="Q2 numbers", location="HQ",
                                                   options={"reminder": "EMAIL"}))
    stored = server.state.appointments[int(meeting.id)]
    assert stored.start == datetime(2030, 3, 12, 13, 30, tzinfo=UTC)
    assert meeting.start == datetime(2030, 3, 12, 9, 30, tzinfo=NEW_YORK)
    assert (stored.room_id, stored.reminder, stored.location, stored.description) == (6, "EMAIL", "HQ", "Q2 numbers")
    assert server.state.rooms[6].name == "Team Stand-up" and server.state.rooms[6].is_public  # left as it was
    assert meeting.room_id == "6" and meeting.options["reminder"] == "EMAIL"


@pytest.mark.asyncio
async def test_create_meeting_with_a_new_room(server: Server, om: OpenMeetingsProvider) -> None:
    start = datetime(2030, 11, 5, 15, 0, tzinfo=UTC)
    meeting = await om.create_meeting(MeetingDraft("Candidate: R. Roe", start, start + timedelta(minutes=45),
                                                   options={"new_room_type": "INTERVIEW"}))
    room = server.state.rooms[int(meeting.room_id)]
    assert (room.type, room.appointment, room.is_public, room.name) == ("INTERVIEW", True, False, "Candidate: R. Roe")
    assert meeting.start == start


@pytest.mark.asyncio
async def test_meeting_input_errors(server: Server, om: OpenMeetingsProvider) -> None:
    start = datetime(2030, 1, 1, 10, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as caught:
        await om.create_meeting(MeetingDraft("Backwards", start, start - timedelta(hours=1), room_id="6"))
    assert caught.value.field == "end"
    with pytest.raises(ValidationError) as caught:
        await om.create_meeting(MeetingDraft(" ", start, start + timedelta(hours=1), room_id="6"))
    assert caught.value.field == "title"
    with pytest.raises(ValidationError) as caught:
        await om.create_meeting(MeetingDraft("Locked", start, start + timedelta(hours=1), room_id="6",
                                             options={"password_protected": True}))
    assert caught.value.field == "password"
    with pytest.raises(ValidationError) as caught:
        await om.create_meeting(MeetingDraft("Where", start, start + timedelta(hours=1), room_id="the big one"))
    assert caught.value.field == "room_id"
    with pytest.raises(NotFoundError, match="no room 404"):
        await om.create_meeting(MeetingDraft("Nowhere", start, start + timedelta(hours=1), room_id="404"))


@pytest.mark.asyncio
async def test_update_meeting_keeps_members_and_ical_id(server: Server, om: OpenMeetingsProvider) -> None:
    now = datetime.now(UTC)
    listed = {m.id: m for m in await om.list_meetings(now - timedelta(days=3), now + timedelta(days=6))}
    interview = next(m for m in listed.values() if m.title == "Recruiting interview")
    before = server.state.appointments[int(interview.id)]
    ical, members = before.ical_id, list(before.members)
    assert len(members) == 2
    new_start = interview.start + timedelta(days=1)
    updated = await om.update_meeting(interview.id, MeetingDraft(
        "Recruiting interview (moved)", new_start, new_start + timedelta(hours=1), room_id=interview.room_id,
        options={"password_protected": True, "password": "Let-me-in-1", "reminder": "ICAL"}))
    after = server.state.appointments[int(interview.id)]
    assert (after.ical_id, after.members) == (ical, members)
    assert after.start == new_start and after.title == "Recruiting interview (moved)"
    assert after.password_protected and after.password == "Let-me-in-1"
    assert updated.options["password_protected"] is True and "password" not in updated.options
    with pytest.raises(NotFoundError):
        await om.update_meeting("999", MeetingDraft("Ghost", new_start, new_start + timedelta(hours=1), room_id="6"))


@pytest.mark.asyncio
async def test_update_meeting_not_listed_in_this_session(server: Server) -> None:
    board = next(a for a in server.state.appointments.values() if a.title == "Board meeting")
    board.members.append((99, 3))
    fresh = make(server)  # a new connection: nothing listed yet
    try:
        await fresh.connect()
        start = board.start + timedelta(hours=2)
        await fresh.update_meeting(str(board.id), MeetingDraft("Board meeting", start, start + timedelta(hours=2)))
    finally:
        await fresh.aclose()
    after = server.state.appointments[board.id]
    assert after.members == [board.members[0], (99, 3)] and after.room_id == 8 and after.start == start


@pytest.mark.asyncio
async def test_cancel_meeting(server: Server, om: OpenMeetingsProvider) -> None:
    await om.cancel_meeting("1")
    assert 1 not in server.state.appointments
    with pytest.raises(NotFoundError):  # the server's 500 "Bad id"
        await om.cancel_meeting("1")
    with pytest.raises(ValidationError):
        await om.cancel_meeting("first")


@pytest.mark.asyncio
async def test_next_meeting(server: Server, om: OpenMeetingsProvider) -> None:
    upcoming = await om.next_meeting()
    now = datetime.now(UTC)
    expected = min((a for a in server.state.appointments.values() if a.start > now), key=lambda a: a.start)
    assert upcoming is not None and upcoming.id == str(expected.id) and upcoming.start.tzinfo == NEW_YORK
    server.state.appointments.clear()
    assert await om.next_meeting() is None  # 204


# recordings ----------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_recordings_by_room_and_for_all_rooms(server: Server, om: OpenMeetingsProvider) -> None:
    in_room = await om.list_recordings("6")
    assert len(in_room) == 2 and {r.room_id for r in in_room} == {"6"}
    converting = next(r for r in in_room if r.extra["status"] == "CONVERTING")
    assert converting.duration_s == 14 * 60 and converting.created is not None
    assert converting.created.tzinfo == NEW_YORK
    everything = await om.list_recordings()
    assert len(everything) == len(server.state.recordings)
    created = [r.created for r in everything if r.created]
    assert created == sorted(created, reverse=True)
    assert await om.list_recordings("7") == []


# join links ----------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_single_use_join_link(server: Server, om: OpenMeetingsProvider) -> None:
    link = await om.join_link(JoinRequest("5", "Jane van Doe", email="Jane@Example.com", moderator=True,
                                          options={"language": "2"}))
    parts = urlsplit(link.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == server.host.base_url + "/hash"
    query = parse_qs(parts.query)
    assert query["language"] == ["2"]
    soap = server.state.soap_logins[query["secure"][0]]
    who = server.state.hash_details(soap.hash)
    assert who is not None and who["firstname"] == "Jane" and who["lastname"] == "van Doe"
    assert who["externalType"] == "meetdesk" and who["externalId"] == "jane@example.com"
    assert (soap.room_id, soap.moderator, soap.allow_same_url) == (5, True, False)
    assert link.single_use and link.role is Role.MODERATOR and link.room_id == "5"
    async with httpx.AsyncClient() as browser:
        first = await browser.get(link.url)
        assert entered(first) and "Jane van Doe" in first.text and 'lang="de"' in first.text
        assert not entered(await browser.get(link.url))  # consumed
    assert len((await om.get_room("5")).participants) == 2


@pytest.mark.asyncio
async def test_reusable_join_link(server: Server, om: OpenMeetingsProvider) -> None:
    link = await om.join_link(JoinRequest("2", "Guest", user_id="crm-42", language="fr",
                                          options={"allow_same_url_multiple_times": True, "external_type": "crm"}))
    assert not link.single_use and link.role is Role.ATTENDEE
    assert parse_qs(urlsplit(link.url).query)["language"] == ["4"]
    who = server.state.hash_details(next(iter(server.state.soap_logins)))
    assert who is not None and (who["externalId"], who["externalType"], who["lastname"]) == ("crm-42", "crm", "")
    async with httpx.AsyncClient() as browser:
        assert entered(await browser.get(link.url)) and entered(await browser.get(link.url))


@pytest.mark.asyncio
async def test_two_links_made_in_one_session_admit_two_different_people(
        server: Server, om: OpenMeetingsProvider) -> None:
    # user/hash stores the participant on the SID (UserWebService.getRoomHash → sd.setXml) and the entry page
    # reads it back by SID (WebSession.signIn): with one SID for both links, both would admit Bob
    ana = await om.join_link(JoinRequest("5", "Ana Lima", email="ana@example.com"))
    bob = await om.join_link(JoinRequest("5", "Bob Stone", email="bob@example.com"))
    async with httpx.AsyncClient() as browser:
        first, second = await browser.get(ana.url), await browser.get(bob.url)
    assert entered(first) and entered(second)
    assert "Ana Lima" in first.text and "Bob Stone" in second.text
    hashes = [parse_qs(urlsplit(link.url).query)["secure"][0] for link in (ana, bob)]
    assert server.state.soap_logins[hashes[0]].sid != server.state.soap_logins[hashes[1]].sid


@pytest.mark.asyncio
async def test_a_used_links_sid_is_never_reused(server: Server, om: OpenMeetingsProvider) -> None:
    # after entry the SID belongs to the participant (WebSession.signIn → sd.setUserId) and lacks the SOAP right
    link = await om.join_link(JoinRequest("5", "Ana Lima"))
    async with httpx.AsyncClient() as browser:
        assert entered(await browser.get(link.url))
    rooms = await om.list_rooms()
    assert rooms and server.state.login_count() >= 2
    later = await om.join_link(JoinRequest("5", "Bob Stone"))
    async with httpx.AsyncClient() as browser:
        page = await browser.get(later.url)
    assert entered(page) and "Bob Stone" in page.text


@pytest.mark.asyncio
async def test_join_link_errors(server: Server, om: OpenMeetingsProvider) -> None:
    with pytest.raises(NotFoundError):  # the server would hash an unknown room without complaint
        await om.join_link(JoinRequest("404", "Lost Guest"))
    with pytest.raises(ValidationError) as caught:
        await om.join_link(JoinRequest("5", "   "))
    assert caught.value.field == "display_name"
    with pytest.raises(ValidationError, match="externalType"):  # 200 with type ERROR
        await om.join_link(JoinRequest("5", "Typeless", options={"external_type": "   "}))
    assert server.state.soap_logins == {}


# answers the provider must survive -----------------------------------------------------------------
@ONLY_9X
@pytest.mark.asyncio
async def test_malformed_json_names_the_call(server: Server, om: OpenMeetingsProvider) -> None:
    server.host.faults.path_prefix = "/openmeetings/services/room/public/INTERVIEW"
    server.host.faults.malformed_rate = 1.0
    with pytest.raises(ProtocolError, match="interview rooms"):
        await om.list_rooms()


@ONLY_9X
@pytest.mark.asyncio
async def test_500_without_service_result_is_a_server_error(server: Server, om: OpenMeetingsProvider) -> None:
    server.host.faults.path_prefix = "/openmeetings/services/record/room"
    server.host.faults.error_status = 500
    server.host.faults.error_rate = 1.0
    with pytest.raises(ServerError, match="recordings of room 6"):
        await om.list_recordings("6")


@ONLY_9X
@pytest.mark.asyncio
async def test_dropped_connection_is_unreachable(server: Server, om: OpenMeetingsProvider) -> None:
    server.host.faults.path_prefix = "/openmeetings/services/room/count"
    server.host.faults.drop_rate = 1.0
    with pytest.raises(UnreachableError):
        await om.get_room("2")


def _odd_server(answers: dict[str, object]) -> Starlette:
    """An HTTP server answering fixed JSON bodies, for shapes the simulator never produces."""

    async def answer(request: Request) -> Response:
        path = request.url.path.removeprefix("/openmeetings/services/")
        if path == "user/login":
            return JSONResponse({"serviceResult": {"message": "0b7c6a1e-1111-2222-3333-444455556666",
                                                   "type": "SUCCESS"}})
        if path in answers:
            return JSONResponse(answers[path])
        return JSONResponse({"recordingDTO": []})

    return Starlette(routes=[Route("/openmeetings/services/{path:path}", answer, methods=["GET", "POST"])])


@pytest.mark.asyncio
@pytest.mark.parametrize(("answers", "call"), [
    ({"info/version": {"version": "9.1.0"}}, "connect"),
    ({"info/version": ["9.1.0"]}, "connect"),
    ({"info/version": {"info": {"version": "9.1.0"}}, "room/public/CONFERENCE": {"roomDTO": [1, 2]}}, "rooms"),
    ({"info/version": {"info": {"version": "9.1.0"}}, "room/public/CONFERENCE": {"roomDTO": [{"name": "no id"}]}},
     "rooms"),
    ({"info/version": {"info": {"version": "9.1.0"}}, "room/count/3": {"serviceResult": {"message": "many",
                                                                                          "type": "SUCCESS"}},
      "room/3": {"roomDTO": {"id": 3, "type": "CONFERENCE"}}}, "room"),
])
async def test_unexpected_shapes_are_protocol_errors(answers: dict[str, object], call: str) -> None:
    with SimulatorHost(_odd_server(answers)) as host:
        profile = Profile("Odd", "openmeetings", host.origin + "/openmeetings", fields={"user": "admin"})
        provider = OpenMeetingsProvider(profile, "pw")
        try:
            with pytest.raises(ProtocolError) as caught:
                await provider.connect()
                if call == "rooms":
                    await provider.list_rooms()
                if call == "room":
                    await provider.get_room("3")
        finally:
            await provider.aclose()
    assert "OpenMeetings answered" in caught.value.message


@pytest.mark.asyncio
async def test_top_level_single_element_collapsed_and_omitted_lists() -> None:
    answers: dict[str, object] = {
        "info/version": {"info": {"version": 9.1}},  # a version Jettison made a number
        "room/public/CONFERENCE": {"roomDTO": {"id": 3, "name": 2024, "type": "CONFERENCE", "isPublic": "true",
                                               "capacity": "12"}},
        "room/public/PRESENTATION": {},
        "room/public/INTERVIEW": {"roomDTO": []},
        "room/count/3": {"serviceResult": {"message": 4, "type": "SUCCESS"}},
    }
    with SimulatorHost(_odd_server(answers)) as host:
        profile = Profile("Odd", "openmeetings", host.origin + "/openmeetings", fields={"user": "admin"})
        provider = OpenMeetingsProvider(profile, "pw")
        try:
            info = await provider.connect()
            rooms = await provider.complete_rooms(await provider.list_rooms()) or []
        finally:
            await provider.aclose()
    assert info.version == "9.1"
    assert [(r.id, r.name, r.participant_count, r.options["capacity"], r.options["public"]) for r in rooms] == [
        ("3", "2024", 4, 12, True)]


# the tolerant readers ------------------------------------------------------------------------------
def test_json_helpers() -> None:
    assert omj.as_list(None) == [] and omj.as_list("CHAT") == ["CHAT"] and omj.as_list([1]) == [1]
    assert omj.text(10) == "10" and omj.text(10.0) == "10" and omj.text(True) == "true" and omj.text(None) == ""
    assert omj.opt_int("7") == 7 and omj.opt_int(True) is None and omj.opt_int("x") is None
    assert omj.as_bool("TRUE") and not omj.as_bool("no") and omj.as_bool(None, default=True)
    assert omj.unwrap_list({"roomDTO": {"id": 1}}, "roomDTO", "c") == [{"id": 1}]
    assert omj.unwrap_list({}, "roomDTO", "c") == []
    with pytest.raises(ProtocolError, match="the call"):
        omj.unwrap({"userDTO": []}, "roomDTO", "the call")
    with pytest.raises(ProtocolError):
        omj.service_result({"serviceResult": "SUCCESS"}, "c")
    berlin = ZoneInfo("Europe/Berlin")
    expected = datetime(2021, 9, 23, 11, 31, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert omj.parse_datetime("2021-09-23T11:31:00+1200") == expected
    assert omj.parse_datetime("2021-09-23T11:31:00+12:00") == expected
    assert omj.parse_datetime({"time": int(expected.timestamp() * 1000)}) == expected
    assert omj.parse_datetime(int(expected.timestamp() * 1000)) == expected
    assert omj.parse_datetime("2021-09-23T11:31:00", berlin) == datetime(2021, 9, 23, 11, 31, tzinfo=berlin)
    assert omj.parse_datetime("soon") is None and omj.parse_datetime(None) is None
    assert omj.format_datetime(expected, NEW_YORK) == "2021-09-22T19:31:00-0400"
