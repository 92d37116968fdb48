"""The OpenMeetings 2.x/3.0 (Axis2) provider against its simulator over real loopback HTTP."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetdesk.backends.base import Capability, create_provider, provider_class
from meetdesk.backends.openmeetings_axis.client import OpenMeetingsAxisProvider
from meetdesk.backends.openmeetings_axis.simulator.app import ADMIN_PASSWORD, AxisState, build
from meetdesk.domain.errors import (
    AuthenticationError,
    ConfigError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    UnreachableError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind
from meetdesk.domain.models import JoinRequest, Profile, Role, RoomDraft
from meetdesk.simulators.host import SimulatorHost
from tests.backends.conftest import Clock

ADD_ROOM = ("RoomService", "addRoomWithModerationQuestionsAndAudioType")
GET_SESSION = ("UserService", "getSession")
LOGIN = ("UserService", "loginUser")
ROOM_HASH = ("UserService", "setUserObjectAndGenerateRoomHash")


class PersistSpy:
    def __init__(self, fail: bool = False) -> None:
        self.saved: list[dict[str, Any]] = []
        self.fail = fail

    async def __call__(self, data: dict[str, Any]) -> None:
        if self.fail:
            raise OSError("disk full")
        self.saved.append({"rooms": [dict(r) for r in data.get("rooms", [])]})


def state_of(host: SimulatorHost) -> AxisState:
    assert host.definition is not None
    state: AxisState = host.definition.state
    return state


def profile_for(host: SimulatorHost, user: str = "admin", **data: Any) -> Profile:
    return Profile(name="Legacy OM", kind="openmeetings-axis", base_url=host.base_url, fields={"user": user},
                   data=dict(data))


@pytest_asyncio.fixture
async def admin(server: SimulatorHost) -> AsyncIterator[OpenMeetingsAxisProvider]:
    provider = OpenMeetingsAxisProvider(profile_for(server), ADMIN_PASSWORD, persist=PersistSpy())
    yield provider
    await provider.aclose()


def count(host: SimulatorHost, call: tuple[str, str]) -> int:
    return state_of(host).calls.count(call)


# class attributes -----------------------------------------------------------------------------------
def test_registered_with_honest_capabilities_and_forms() -> None:
    cls = provider_class("openmeetings-axis")
    assert cls is OpenMeetingsAxisProvider
    assert cls.capabilities == (Capability.CREATE_ROOM | Capability.JOIN_LINK | Capability.LIST_ROOMS
                                | Capability.DELETE_ROOM | Capability.OPEN_CLOSE_ROOM)
    assert [f.key for f in cls.connection_fields] == ["user", "password"]
    secret = cls.secret_field()
    assert secret is not None and secret.key == "password" and secret.kind is FieldKind.SECRET
    keys = {f.key for f in cls.room_fields}
    assert keys == {"room_type", "comment", "capacity", "public", "appointment", "demo_room", "demo_time",
                    "moderated", "allow_user_questions", "audio_only"}
    room_type = next(f for f in cls.room_fields if f.key == "room_type")
    assert room_type.kind is FieldKind.CHOICE
    assert [v for v, _ in room_type.choices] == ["1", "2", "3", "4"]
    assert all(label.split()[0] in {"Conference", "Audience", "Restricted", "Interview"}
               for _, label in room_type.choices)
    assert all(f.label and f.help for f in cls.room_fields + cls.join_fields)
    join = {f.key: f for f in cls.join_fields}
    assert join["show_audio_video_test"].kind is FieldKind.BOOL
    assert join["language"].kind is FieldKind.CHOICE and ("2", "German") in join["language"].choices
    assert join["external_type"].default == "meetdesk"
    assert [c.key for c in cls.room_columns] == ["type", "capacity", "public", "moderated"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("http://om.example.org:5080", "http://om.example.org:5080/openmeetings"),
    ("  https://om.example.org/  ", "https://om.example.org/openmeetings"),
    ("https://om.example.org/openmeetings/", "https://om.example.org/openmeetings"),
    ("https://om.example.org/meet", "https://om.example.org/meet"),
    ("http://h:5080/openmeetings/services/UserService/getSession", "http://h:5080/openmeetings"),
    ("http://h:5080/openmeetings/?secureHash=abc&scopeRoomId=4", "http://h:5080/openmeetings"),
])
def test_normalize_base_url(raw: str, expected: str) -> None:
    assert OpenMeetingsAxisProvider.normalize_base_url(raw) == expected


def test_secret_not_in_repr() -> None:
    provider = OpenMeetingsAxisProvider(Profile("P", "openmeetings-axis", "http://127.0.0.1:1"), "s3cret-pw")
    assert "s3cret-pw" not in repr(provider)


# sign-in --------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_connect_signs_in(server: SimulatorHost, admin: OpenMeetingsAxisProvider) -> None:
    info = await admin.connect()
    assert info.product == "OpenMeetings (legacy API)"
    assert info.user == "admin"
    assert state_of(server).calls == [GET_SESSION, LOGIN]
    bound = [s for s in state_of(server).sessions.values() if s.user_id is not None]
    assert len(bound) == 1


@pytest.mark.asyncio
async def test_web_root_without_path_is_completed(server: SimulatorHost) -> None:
    origin = server.base_url.removesuffix("/openmeetings")
    profile = Profile("Bare", "openmeetings-axis", origin, fields={"user": "admin"})
    provider = create_provider(profile, ADMIN_PASSWORD)
    try:
        assert (await provider.connect()).user == "admin"
    finally:
        await provider.aclose()


@pytest.mark.parametrize(("user", "password", "error", "words"), [
    ("admin", "wrong", AuthenticationError, "refused the password for “admin”"),
    ("ghost", "whatever", AuthenticationError, "has no OpenMeetings user “ghost”"),
    ("newbie", "not-yet-active", AuthenticationError, "not activated"),
    ("orphan", "no-group-here", AuthenticationError, "could not sign in “orphan”"),
])
@pytest.mark.asyncio
async def test_login_errors_read_like_sentences(server: SimulatorHost, user: str, password: str,
                                                error: type[Exception], words: str) -> None:
    provider = OpenMeetingsAxisProvider(profile_for(server, user), password)
    try:
        with pytest.raises(error) as info:
            await provider.connect()
    finally:
        await provider.aclose()
    assert type(info.value) is error
    assert words in str(info.value)
    assert password not in str(info.value)
    assert info.value.hint  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_missing_user_or_password_is_reported_before_any_request(server: SimulatorHost) -> None:
    no_user = OpenMeetingsAxisProvider(profile_for(server, ""), ADMIN_PASSWORD)
    with pytest.raises(ValidationError) as info:
        await no_user.connect()
    assert info.value.field == "user"
    no_password = OpenMeetingsAxisProvider(profile_for(server), "")
    with pytest.raises(AuthenticationError):
        await no_password.connect()
    assert state_of(server).calls == []


@pytest.mark.asyncio
async def test_password_with_special_characters_never_reaches_the_logs(
        server: SimulatorHost, admin: OpenMeetingsAxisProvider, caplog: pytest.LogCaptureFixture) -> None:
    assert "#" in ADMIN_PASSWORD and " " in ADMIN_PASSWORD
    caplog.set_level(logging.DEBUG, logger="meetdesk")
    await admin.connect()
    await admin.create_room(RoomDraft(name="Log check"))
    text = caplog.text
    assert "loginUser" in text
    for spelling in (ADMIN_PASSWORD, "Axis2%23legacy", "Axis2#legacy", "legacy+om", "legacy%20om"):
        assert spelling not in text
    sids = list(state_of(server).sessions)
    assert sids and all(sid not in text for sid in sids)


# rooms ----------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_create_room_sends_every_option_and_remembers_it(server: SimulatorHost) -> None:
    persist = PersistSpy()
    profile = profile_for(server)
    provider = OpenMeetingsAxisProvider(profile, ADMIN_PASSWORD, persist=persist)
    try:
        room = await provider.create_room(RoomDraft(name="  Quarterly review  ", options={
            "room_type": "3", "comment": "Numbers, please", "capacity": "40", "public": "no",
            "appointment": True, "demo_room": "yes", "demo_time": "900", "moderated": True,
            "allow_user_questions": False, "audio_only": True,
        }))
    finally:
        await provider.aclose()

    stored = state_of(server).rooms[int(room.id)]
    assert (stored.name, stored.type_id, stored.comment, stored.capacity) == ("Quarterly review", 3,
                                                                              "Numbers, please", 40)
    assert (stored.public, stored.appointment, stored.demo, stored.demo_time) == (False, True, True, 900)
    assert (stored.moderated, stored.allow_user_questions, stored.audio_only) == (True, False, True)
    assert stored.created_by == 1  # the admin

    assert room.name == "Quarterly review" and room.local_only and room.kind == "openmeetings-axis"
    assert room.extra == {"type": "Restricted", "capacity": 40, "public": "No", "moderated": "Yes"}
    assert room.options["capacity"] == 40 and room.options["room_type"] == "3"

    assert [r["id"] for r in profile.data["rooms"]] == [room.id]
    assert persist.saved == [{"rooms": profile.data["rooms"]}]
    assert persist.saved[0]["rooms"][0]["name"] == "Quarterly review"
    assert persist.saved[0]["rooms"][0]["options"]["demo_time"] == 900


@pytest.mark.asyncio
async def test_defaults_fill_what_the_draft_leaves_out(server: SimulatorHost,
                                                       admin: OpenMeetingsAxisProvider) -> None:
    room = await admin.create_room(RoomDraft(name="Plain room"))
    stored = state_of(server).rooms[int(room.id)]
    assert (stored.type_id, stored.capacity, stored.public, stored.moderated) == (1, 25, True, False)
    assert (stored.demo, stored.demo_time, stored.allow_user_questions, stored.audio_only) == (False, 0, True, False)
    assert room.extra["type"] == "Conference"


@pytest.mark.asyncio
async def test_list_rooms_falls_back_to_remembered_rooms_when_the_server_refuses(server: SimulatorHost) -> None:
    # a web-service account (level 4) is below the admin level that ConferenceService.getRooms needs
    profile = profile_for(server, "soap")
    first = OpenMeetingsAxisProvider(profile, "soap-gateway-1", persist=PersistSpy())
    assert await first.list_rooms() == []
    a = await first.create_room(RoomDraft(name="Alpha", options={"room_type": "4"}))
    b = await first.create_room(RoomDraft(name="Beta"))
    await first.aclose()
    calls_before = len(state_of(server).calls)

    # a later run: a new provider on the saved profile data; the server refuses the list, the profile has it
    again = OpenMeetingsAxisProvider(Profile.from_json(profile.to_json()), "soap-gateway-1")
    rooms = await again.list_rooms()
    assert [(r.id, r.name, r.extra["type"]) for r in rooms] == [(a.id, "Alpha", "Interview"), (b.id, "Beta",
                                                                                                 "Conference")]
    assert all(r.local_only for r in rooms)
    assert rooms[0].created is not None and rooms[0].created.tzinfo is not None
    assert (await again.get_room(b.id)).name == "Beta"
    assert [c for c in state_of(server).calls[calls_before:] if c[0] == "RoomService"] == [
        ("RoomService", "getRooms"), ("RoomService", "getRooms")]
    assert len(state_of(server).rooms) >= 2


@pytest.mark.asyncio
async def test_malformed_remembered_rooms_are_skipped(server: SimulatorHost) -> None:
    profile = profile_for(server, rooms=[{"name": "no id"}, "junk", {"id": 7, "name": "Seven",
                                                                     "options": {"capacity": "oops"}},
                                         {"id": "8", "name": "Eight", "created": "not a date"}])
    profile.fields["user"] = "soap"
    rooms = await OpenMeetingsAxisProvider(profile, "soap-gateway-1").list_rooms()
    assert [(r.id, r.name) for r in rooms] == [("7", "Seven"), ("8", "Eight")]


@pytest.mark.asyncio
@pytest.mark.parametrize("dialect", ["3.0", "2.x"])
async def test_admin_lists_the_servers_rooms_with_counters_then_closes_and_deletes(dialect: str) -> None:
    # 3.0.x RoomWebService.getRooms answers RoomDTO beans (id, public, closed); 2.x the Room entity (rooms_id,
    # ispublic, isClosed); getRoomCounters counts the people in each room
    with SimulatorHost.for_definition(build(dialect=dialect)) as host:
        state = state_of(host)
        provider = OpenMeetingsAxisProvider(profile_for(host), ADMIN_PASSWORD, persist=PersistSpy())
        try:
            link = await provider.join_link(JoinRequest(room_id="2", display_name="Ana Lima", user_id="ana"))
            assert 'data-page="room"' in httpx.get(link.url).text
            rooms = await provider.complete_rooms(await provider.list_rooms()) or []
            assert [r.id for r in rooms] == [str(i) for i in sorted(state.rooms)]
            assert not any(r.local_only for r in rooms)
            second = next(r for r in rooms if r.id == "2")
            stored = state.rooms[2]
            assert second.name == stored.name and second.participant_count == 1
            assert second.options["capacity"] == stored.capacity and second.options["public"] is True
            assert second.options["room_type"] == str(stored.type_id) and second.status == "open"
            assert next(r for r in rooms if r.id == "1").participant_count == 0

            await provider.close_room("2")
            assert state.rooms[2].closed
            assert next(r for r in await provider.list_rooms() if r.id == "2").status == "closed"
            await provider.open_room("2")
            assert not state.rooms[2].closed

            await provider.delete_room("3")
            assert 3 not in state.rooms and "3" not in {r.id for r in await provider.list_rooms()}
            with pytest.raises(NotFoundError):
                await provider.delete_room("3")
        finally:
            await provider.aclose()
    assert rooms[1].created is None


@pytest.mark.parametrize(("name", "options", "field"), [
    ("   ", {}, "name"),
    ("Room", {"room_type": "9"}, "room_type"),
    ("Room", {"capacity": "0"}, "capacity"),
    ("Room", {"capacity": "lots"}, "capacity"),
    ("Room", {"demo_room": True}, "demo_time"),
    ("Room", {"colour": "red"}, "colour"),
])
@pytest.mark.asyncio
async def test_invalid_room_input_is_refused_before_sending(server: SimulatorHost, admin: OpenMeetingsAxisProvider,
                                                            name: str, options: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        await admin.create_room(RoomDraft(name=name, options=options))
    assert info.value.field == field
    assert count(server, ADD_ROOM) == 0
    assert admin.profile.data.get("rooms") is None


@pytest.mark.asyncio
async def test_room_id_cannot_be_chosen(admin: OpenMeetingsAxisProvider) -> None:
    with pytest.raises(ValidationError) as info:
        await admin.create_room(RoomDraft(name="Mine", room_id="77"))
    assert info.value.field == "room_id"


@pytest.mark.asyncio
async def test_account_without_rights_gets_a_permission_error(server: SimulatorHost) -> None:
    provider = OpenMeetingsAxisProvider(profile_for(server, "coordinator"), "planning-2013", persist=PersistSpy())
    try:
        await provider.connect()  # signing in works: loginUser checks no rights
        rooms_before = len(state_of(server).rooms)
        with pytest.raises(PermissionDeniedError) as info:
            await provider.create_room(RoomDraft(name="Not allowed"))
        assert "“coordinator”" in info.value.message and "SOAP" in (info.value.hint or "")
        with pytest.raises(PermissionDeniedError):
            await provider.join_link(JoinRequest(room_id="1", display_name="Guest"))
    finally:
        await provider.aclose()
    assert len(state_of(server).rooms) == rooms_before
    assert provider.profile.data.get("rooms") is None
    # an expired session looks the same to the client, so the room refusal was retried once after a new
    # sign-in; a join link is made on a session of its own, so its refusal is final at once
    assert count(server, ADD_ROOM) == 2 and count(server, ROOM_HASH) == 1
    assert count(server, GET_SESSION) == 3


@pytest.mark.asyncio
async def test_web_service_account_may_create(server: SimulatorHost) -> None:
    provider = OpenMeetingsAxisProvider(profile_for(server, "soap"), "soap-gateway-1")
    try:
        room = await provider.create_room(RoomDraft(name="By the gateway"))
    finally:
        await provider.aclose()
    assert state_of(server).rooms[int(room.id)].name == "By the gateway"


@pytest.mark.asyncio
async def test_expired_session_is_reestablished_transparently(server: SimulatorHost, clock: Clock,
                                                              admin: OpenMeetingsAxisProvider) -> None:
    await admin.connect()
    state_of(server).expire_sessions()
    room = await admin.create_room(RoomDraft(name="After expiry"))
    assert state_of(server).rooms[int(room.id)].name == "After expiry"
    assert count(server, GET_SESSION) == 2 and count(server, LOGIN) == 2 and count(server, ADD_ROOM) == 2

    clock.now += 31 * 60  # the server forgets idle sessions after 30 minutes
    link = await admin.join_link(JoinRequest(room_id=room.id, display_name="Late Comer"))
    assert "secureHash=" in link.url
    assert count(server, GET_SESSION) == 3 and count(server, ROOM_HASH) == 1  # on a session of its own


@pytest.mark.asyncio
async def test_session_is_reused_while_valid(server: SimulatorHost, admin: OpenMeetingsAxisProvider) -> None:
    await admin.connect()
    await admin.create_room(RoomDraft(name="One"))
    await admin.create_room(RoomDraft(name="Two"))
    assert count(server, GET_SESSION) == 1 and count(server, LOGIN) == 1
    # every join link gets a session of its own (the server keeps the participant on the SID)
    await admin.join_link(JoinRequest(room_id="1", display_name="X"))
    await admin.join_link(JoinRequest(room_id="1", display_name="Y"))
    assert count(server, GET_SESSION) == 3 and count(server, LOGIN) == 3


@pytest.mark.asyncio
async def test_room_creation_is_not_blindly_retried(server: SimulatorHost, admin: OpenMeetingsAxisProvider) -> None:
    await admin.connect()
    server.faults.path_prefix = "/openmeetings/services/RoomService"
    server.faults.drop_rate = 1.0
    with pytest.raises(UnreachableError):
        await admin.create_room(RoomDraft(name="Maybe created"))
    assert server.faults.injected["drop"] == 1
    assert admin.profile.data.get("rooms") is None


@pytest.mark.asyncio
async def test_persist_failure_says_the_room_exists(server: SimulatorHost) -> None:
    profile = profile_for(server)
    provider = OpenMeetingsAxisProvider(profile, ADMIN_PASSWORD, persist=PersistSpy(fail=True))
    try:
        with pytest.raises(ConfigError) as info:
            await provider.create_room(RoomDraft(name="Unsaved"))
    finally:
        await provider.aclose()
    created = [r for r in state_of(server).rooms.values() if r.name == "Unsaved"]
    assert len(created) == 1
    assert f"room {created[0].id}" in info.value.message
    assert [r["name"] for r in profile.data["rooms"]] == ["Unsaved"]  # still listed in this run


# join links -----------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_join_link_is_accepted_by_the_entry_page(server: SimulatorHost, admin: OpenMeetingsAxisProvider) -> None:
    room = await admin.create_room(RoomDraft(name="Board meeting"))
    link = await admin.join_link(JoinRequest(
        room_id=room.id, display_name="Anna Maria Schmidt", user_id="u-17", moderator=True,
        email="anna@example.org", avatar_url="https://example.org/anna.png",
        options={"language": "4", "show_audio_video_test": True},
    ))
    parts = urlsplit(link.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == server.base_url + "/"
    query = parse_qs(parts.query)
    assert query["scopeRoomId"] == [room.id] and query["language"] == ["4"]
    secure_hash = query["secureHash"][0]
    assert link.role is Role.MODERATOR and link.single_use and link.room_id == room.id
    assert link.expires_at is not None
    # no lifetime of its own: it dies with its SID, 30 idle minutes after the link was made
    assert timedelta(minutes=29) < link.expires_at - datetime.now(UTC) <= timedelta(minutes=30)

    login = state_of(server).soap_logins[secure_hash]
    who = state_of(server).hash_details(secure_hash) or {}
    assert (who["firstname"], who["lastname"], who["username"]) == ("Anna Maria", "Schmidt", "u-17")
    assert (who["email"], who["profilePictureUrl"]) == ("anna@example.org", "https://example.org/anna.png")
    assert (who["externalUserId"], who["externalUserType"]) == ("u-17", "meetdesk")
    assert (login.room_id, login.moderator, login.show_audio_video_test) == (int(room.id), True, True)

    async with httpx.AsyncClient() as client:
        page = await client.get(link.url)
        assert 'data-page="room"' in page.text
        assert f'data-room-id="{room.id}"' in page.text
        assert "Board meeting" in page.text and "Anna Maria Schmidt" in page.text and "(Moderator)" in page.text
        assert "french" in page.text
        second = await client.get(link.url)
        assert "already used" in second.text


@pytest.mark.asyncio
async def test_two_links_made_in_one_session_admit_two_different_people(
        server: SimulatorHost, admin: OpenMeetingsAxisProvider) -> None:
    # the server keeps the participant on the SID (updateUserRemoteSession), not on the hash
    ana = await admin.join_link(JoinRequest(room_id="2", display_name="Ana Lima", user_id="ana"))
    bob = await admin.join_link(JoinRequest(room_id="2", display_name="Bob Stone", user_id="bob"))
    async with httpx.AsyncClient() as client:
        first, second = await client.get(ana.url), await client.get(bob.url)
    assert "Ana Lima" in first.text and "Bob Stone" in second.text
    # the shared SID was never handed to a participant: the provider still works after both entries
    assert await admin.join_link(JoinRequest(room_id="2", display_name="Cleo", user_id="cleo"))


@pytest.mark.asyncio
async def test_attendee_link_with_language_from_the_request(server: SimulatorHost,
                                                            admin: OpenMeetingsAxisProvider) -> None:
    link = await admin.join_link(JoinRequest(room_id=" 2 ", display_name="Guest", language="pt-BR",
                                             options={"external_type": "crm"}))
    assert link.role is Role.ATTENDEE
    query = parse_qs(urlsplit(link.url).query)
    assert query["language"] == ["7"] and query["scopeRoomId"] == ["2"]
    login = state_of(server).soap_logins[query["secureHash"][0]]
    who = state_of(server).hash_details(login.hash) or {}
    assert (who["firstname"], who["lastname"], who["username"]) == ("Guest", "", "Guest")
    assert (login.moderator, login.show_audio_video_test, who["externalUserType"]) == (False, False, "crm")
    page = httpx.get(link.url)
    assert "(Participant)" in page.text and "portugues brazil" in page.text


@pytest.mark.parametrize(("request_", "field"), [
    (JoinRequest(room_id="abc", display_name="X"), "room_id"),
    (JoinRequest(room_id="", display_name="X"), "room_id"),
    (JoinRequest(room_id="3", display_name="  "), "display_name"),
    (JoinRequest(room_id="3", display_name="X", options={"language": "99"}), "language"),
])
@pytest.mark.asyncio
async def test_invalid_join_input(server: SimulatorHost, admin: OpenMeetingsAxisProvider, request_: JoinRequest,
                                  field: str) -> None:
    with pytest.raises(ValidationError) as info:
        await admin.join_link(request_)
    assert info.value.field == field
    assert count(server, ROOM_HASH) == 0


@pytest.mark.asyncio
async def test_pre_apache_namespace_is_understood() -> None:
    definition = build(namespace="pre-apache")
    with SimulatorHost.for_definition(definition) as host:
        provider = OpenMeetingsAxisProvider(profile_for(host), ADMIN_PASSWORD)
        try:
            room = await provider.create_room(RoomDraft(name="Old server"))
            assert definition.state.rooms[int(room.id)].name == "Old server"
        finally:
            await provider.aclose()


# hostile and foreign servers ------------------------------------------------------------------------
HOSTILE: dict[str, bytes] = {
    "doctype": b'<?xml version="1.0"?><!DOCTYPE r [<!ELEMENT r ANY>]>'
               b'<ns:getSessionResponse xmlns:ns="http://services.axis.openmeetings.apache.org"/>',
    "billion laughs": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                      b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                      b'<ns:getSessionResponse xmlns:ns="http://services.axis.openmeetings.apache.org">'
                      b"<ns:return><ax:session_id xmlns:ax=\"urn:x\">&lol2;</ax:session_id></ns:return>"
                      b"</ns:getSessionResponse>",
    "external entity": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                       b'<ns:getSessionResponse xmlns:ns="http://services.axis.openmeetings.apache.org">'
                       b"<ns:return><ax:session_id xmlns:ax=\"urn:x\">&xxe;</ax:session_id></ns:return>"
                       b"</ns:getSessionResponse>",
}


class FakeServer:
    """Answers service calls with a fixed status, content type and body (or a body per method)."""

    def __init__(self) -> None:
        self.status = 200
        self.body = b""
        self.media_type = "application/xml"
        #: method → body answered with 200 instead of the fixed one
        self.by_method: dict[str, bytes] = {}
        self.seen: list[str] = []

    def app(self) -> Starlette:
        async def answer(request: Request) -> Response:
            method = request.path_params["method"]
            self.seen.append(method)
            if method in self.by_method:
                return Response(self.by_method[method], media_type="application/xml")
            return Response(self.body, status_code=self.status, media_type=self.media_type)

        return Starlette(routes=[Route("/openmeetings/services/{service}/{method}", answer)])


@pytest.fixture
def fake() -> Iterator[tuple[FakeServer, SimulatorHost]]:
    fake_server = FakeServer()
    with SimulatorHost(fake_server.app(), base_path="/openmeetings") as host:
        yield fake_server, host


async def connect_to(host: SimulatorHost) -> None:
    provider = OpenMeetingsAxisProvider(profile_for(host), "pw-123")
    try:
        await provider.connect()
    finally:
        await provider.aclose()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.asyncio
async def test_hostile_xml_is_refused(fake: tuple[FakeServer, SimulatorHost], kind: str) -> None:
    fake_server, host = fake
    fake_server.body = HOSTILE[kind]
    with pytest.raises(ProtocolError) as info:
        await connect_to(host)
    assert "refuses" in info.value.message


@pytest.mark.parametrize(("status", "media_type", "body", "error", "words"), [
    (404, "text/html", b"<html><body>Not Found</body></html>", ProtocolError, "does not offer"),
    (200, "text/html", b"<html><body>Welcome to Tomcat</body></html>", ProtocolError, "web page"),
    (200, "application/xml", b"<not-closed>", ProtocolError, "not valid XML"),
    (200, "application/xml", b'<x:getSessionResponse xmlns:x="urn:other"/>', ProtocolError, "OpenMeetings 2.x/3.0"),
    (500, "application/xml", b'<soapenv:Reason xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope">'
                             b'<soapenv:Text xml:lang="en-US">Database is down</soapenv:Text></soapenv:Reason>',
     ServerError, "Database is down"),
    (500, "application/xml", b'<soapenv:Reason xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope">'
                             b'<soapenv:Text xml:lang="en-US">The endpoint reference (EPR) for the Operation not '
                             b"found is /openmeetings/services/UserService/getSession</soapenv:Text>"
                             b"</soapenv:Reason>", ProtocolError, "does not know"),
    (500, "text/plain", b"boom", ServerError, "internal error"),
    (500, "text/html", b"<html><body><h1>HTTP Status 500</h1></body></html>", ServerError, "internal error"),
    (401, "text/plain", b"", AuthenticationError, "refused access"),
    (200, "application/xml", b'<ns:getSessionResponse xmlns:ns="http://services.axis.openmeetings.apache.org">'
                             b'<ns:return xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'
                             b"</ns:getSessionResponse>", ProtocolError, "session id"),
])
@pytest.mark.asyncio
async def test_foreign_answers_become_clear_errors(fake: tuple[FakeServer, SimulatorHost], status: int,
                                                   media_type: str, body: bytes, error: type[Exception],
                                                   words: str) -> None:
    fake_server, host = fake
    fake_server.status, fake_server.media_type, fake_server.body = status, media_type, body
    with pytest.raises(error) as info:
        await connect_to(host)
    assert type(info.value) is error
    assert words in str(info.value)


@pytest.mark.asyncio
async def test_axis_fault_from_the_simulator_becomes_a_server_error(admin: OpenMeetingsAxisProvider) -> None:
    with pytest.raises(ServerError) as info:
        await admin._get("RoomService", "addRoomWithModerationQuestionsAndAudioType",
                         {"SID": "x", "numberOfPartizipants": "many"}, retry=False)
    assert 'For input string: "many"' in info.value.message


SESSION_XML = (b'<ns:getSessionResponse xmlns:ns="http://services.axis.openmeetings.apache.org">'
               b'<ns:return xmlns:ax24="http://basic.beans.persistence.openmeetings.apache.org/xsd">'
               b"<ax24:session_id>0123456789abcdef0123456789abcdef</ax24:session_id></ns:return>"
               b"</ns:getSessionResponse>")


@pytest.mark.asyncio
async def test_unlisted_login_code_is_explained_with_the_servers_text(
        fake: tuple[FakeServer, SimulatorHost]) -> None:
    fake_server, host = fake
    fake_server.by_method = {
        "getSession": SESSION_XML,
        "loginUser": b'<ns:loginUserResponse xmlns:ns="http://services.axis.openmeetings.apache.org">'
                     b"<ns:return>-37</ns:return></ns:loginUserResponse>",
        "getErrorByCode": b'<ns:getErrorByCodeResponse xmlns:ns="http://services.axis.openmeetings.apache.org">'
                          b'<ns:return xmlns:ax218="urn:e"><ax218:errmessage>There was no Session associated '
                          b"with this ID.</ax218:errmessage><ax218:errorId>-37</ax218:errorId></ns:return>"
                          b"</ns:getErrorByCodeResponse>",
    }
    with pytest.raises(AuthenticationError) as info:
        await connect_to(host)
    assert "There was no Session associated with this ID (error -37)." in info.value.message
    assert fake_server.seen == ["getSession", "loginUser", "getErrorByCode"]


@pytest.mark.asyncio
async def test_vanished_session_during_login_is_fetched_again(fake: tuple[FakeServer, SimulatorHost]) -> None:
    fake_server, host = fake
    fake_server.by_method = {
        "getSession": SESSION_XML,
        "loginUser": b'<ns:loginUserResponse xmlns:ns="http://services.axis.openmeetings.apache.org">'
                     b"<ns:return>-35</ns:return></ns:loginUserResponse>",
    }
    with pytest.raises(ServerError):
        await connect_to(host)
    assert fake_server.seen == ["getSession", "loginUser", "getSession", "loginUser"]
