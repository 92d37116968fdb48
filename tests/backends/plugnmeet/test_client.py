"""PlugNmeetProvider against the plugNmeet simulator over real loopback HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from meetdesk.backends.base import Capability, create_provider, provider_class
from meetdesk.backends.plugnmeet.client import PlugNmeetProvider, decode_jwt_claims, encode_body, sign
from meetdesk.backends.plugnmeet.options import (
    ID_PATTERN,
    ROOM_FIELDS,
    create_room_request,
    derive_room_id,
    derive_user_id,
    options_from_metadata,
)
from meetdesk.backends.plugnmeet.simulator.app import build
from meetdesk.backends.plugnmeet.simulator.state import SAMPLE_SECRET, PastRoom, PlugNmeetState
from meetdesk.domain.errors import (
    AuthenticationError,
    MeetdeskError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    TLSError,
    UnreachableError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind
from meetdesk.domain.models import JoinRequest, Profile, Role, RoomDraft
from meetdesk.simulators.host import SimulatorDefinition, SimulatorHost

FIXED_BODY = b'{"room_id":"room01"}'
#: computed with: printf '%s' '{"room_id":"room01"}' | openssl dgst -sha256 -mac HMAC -macopt key:<sample secret>
FIXED_BODY_SIGNATURE = "4b60a468df680c0739f6c7255626b31c8934efc1293b9e40667575b964bf24b5"


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture
def sim() -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build(seed=True)) as host:
        yield host


def _definition(host: SimulatorHost) -> SimulatorDefinition:
    assert host.definition is not None
    return host.definition


def _state(host: SimulatorHost) -> PlugNmeetState:
    state = _definition(host).state
    assert isinstance(state, PlugNmeetState)
    return state


def _provider(host: SimulatorHost, *, secret: str | None = None, ca_file: str | None = None,
              **fields: str) -> PlugNmeetProvider:
    definition = _definition(host)
    profile = Profile(name="Test plugNmeet", kind="plugnmeet", base_url=host.base_url,
                      fields={**definition.fields, **fields}, ca_file=ca_file)
    provider = create_provider(profile, definition.secret if secret is None else secret)
    assert isinstance(provider, PlugNmeetProvider)
    return provider


@pytest_asyncio.fixture
async def provider(sim: SimulatorHost) -> AsyncIterator[PlugNmeetProvider]:
    p = _provider(sim)
    yield p
    await p.aclose()


# --- pure functions --------------------------------------------------------------------------

def test_signature_matches_an_independent_hmac_of_a_fixed_body() -> None:
    assert sign(FIXED_BODY, SAMPLE_SECRET) == FIXED_BODY_SIGNATURE
    assert sign(FIXED_BODY, SAMPLE_SECRET) == hmac.new(SAMPLE_SECRET.encode(), FIXED_BODY, hashlib.sha256).hexdigest()
    assert encode_body({"room_id": "room01"}) == FIXED_BODY


def test_encode_body_keeps_unicode_as_utf8() -> None:
    assert encode_body({"name": "Zoë"}) == '{"name":"Zoë"}'.encode()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Weekly team sync", "weekly-team-sync"),
        ("Réunion d'équipe — Q3!", "reunion-d-equipe-q3"),
        ("  user_ onboarding ", "user-onboarding"),
        ("Plan -FIELD_ x", "plan-field-x"),
        ("Kunde: ACME.Corp", "kunde-acme-corp"),
    ],
)
def test_derive_room_id_gives_valid_readable_ids(title: str, expected: str) -> None:
    room_id = derive_room_id(title)
    assert room_id == expected
    assert ID_PATTERN.match(room_id)
    assert not room_id.startswith("user_") and "-FIELD_" not in room_id


def test_derive_room_id_for_titles_without_latin_letters() -> None:
    first = derive_room_id("会议室")
    assert re.fullmatch(r"room-[0-9a-f]{8}", first)
    assert derive_room_id("会议室") == first
    assert derive_room_id("研讨会") != first


def test_derive_user_id_is_stable_per_person_and_valid() -> None:
    uid = derive_user_id("Zoë Müller")
    assert re.fullmatch(r"zoe-muller-[0-9a-f]{8}", uid)
    assert derive_user_id("  zoë   MÜLLER ") == uid
    assert derive_user_id("Zoe Muller") != uid  # same slug, different person
    for name in ("User_1", "sip_trunk", "pnm_agent-x", "X-native", "山田太郎"):
        candidate = derive_user_id(name)
        assert ID_PATTERN.match(candidate), candidate
        assert not candidate.startswith(("user_", "sip_", "ingres_", "pnm_agent-", "pnm_tts_agent-"))
        assert not candidate.endswith("-native")


def test_decode_jwt_claims_is_lenient() -> None:
    assert decode_jwt_claims("not-a-token") == {}
    assert decode_jwt_claims("a.!!!.c") == {}
    token = jwt.encode({"exp": 123, "sub": "u"}, "k" * 32, algorithm="HS256")
    assert decode_jwt_claims(token) == {"exp": 123, "sub": "u"}


def test_provider_is_registered_with_its_capabilities_and_fields() -> None:
    cls = provider_class("plugnmeet")
    assert cls is PlugNmeetProvider
    for cap in (Capability.LIST_ROOMS, Capability.CREATE_ROOM, Capability.END_ROOM, Capability.PAST_ROOMS,
                Capability.RECORDINGS, Capability.DELETE_RECORDING, Capability.RECORDING_DOWNLOAD,
                Capability.JOIN_LINK, Capability.CUSTOM_DESIGN):
        assert cap in cls.capabilities
    assert Capability.UPDATE_ROOM not in cls.capabilities
    secret = cls.secret_field()
    assert secret is not None and secret.key == "api_secret"
    assert [f.key for f in cls.connection_fields] == ["api_key", "api_secret", "client_url"]
    assert len({f.key for f in cls.room_fields}) == len(cls.room_fields)
    assert all(f.group for f in cls.room_fields)
    assert cls.normalize_base_url(" https://pnm.example.org/auth/ ") == "https://pnm.example.org"


def test_room_options_round_trip_through_metadata() -> None:
    options = {"allow_webcams": False, "waiting_room": True, "waiting_room_message": "Hi", "duration": 45,
               "lock_chat": True, "breakout_rooms_max": 3, "welcome_message": "Hello"}
    body = create_room_request("r1", "Title", options)
    assert body["metadata"]["room_features"]["waiting_room_features"] == {"is_active": True, "waiting_room_msg": "Hi"}
    assert body["metadata"]["default_lock_settings"] == {"lock_chat": True}
    assert options_from_metadata(body["metadata"]) == options


# --- connection and authentication -----------------------------------------------------------

@pytest.mark.asyncio
async def test_connect_reports_plugnmeet(provider: PlugNmeetProvider) -> None:
    info = await provider.connect()
    assert info.product == "plugNmeet"
    assert info.extra["active_rooms"] == 3


@pytest.mark.asyncio
async def test_connect_works_when_no_room_is_active() -> None:
    with SimulatorHost.for_definition(build(seed=False)) as host:
        p = _provider(host)
        try:
            assert (await p.connect()).extra["active_rooms"] == 0
            assert await p.list_rooms() == []
            assert await p.list_past_rooms() == []
            assert await p.list_recordings() == []
        finally:
            await p.aclose()


@pytest.mark.asyncio
async def test_every_request_is_signed_over_the_exact_bytes_sent(sim: SimulatorHost,
                                                                 provider: PlugNmeetProvider) -> None:
    await provider.get_room("weekly-team-sync")
    sent = _state(sim).requests[-1]
    assert sent.path == "room/getActiveRoomInfo"
    assert sent.body == b'{"room_id":"weekly-team-sync"}'
    assert sent.headers["api-key"] == "plugnmeet"
    assert sent.headers["content-type"] == "application/json"
    expected = hmac.new(SAMPLE_SECRET.encode(), sent.body, hashlib.sha256).hexdigest()
    assert sent.headers["hash-signature"] == expected


@pytest.mark.asyncio
async def test_wrong_secret_is_an_authentication_error_without_the_secret(sim: SimulatorHost) -> None:
    wrong = "not-the-secret-0123456789"
    p = _provider(sim, secret=wrong)
    try:
        with pytest.raises(AuthenticationError) as caught:
            await p.connect()
    finally:
        await p.aclose()
    err = caught.value
    assert "API secret" in err.message
    assert wrong not in f"{err} {err.detail} {err!r} {p!r}"


@pytest.mark.asyncio
async def test_wrong_api_key_is_an_authentication_error(sim: SimulatorHost) -> None:
    p = _provider(sim, api_key="someone-else")
    try:
        with pytest.raises(AuthenticationError, match="API key"):
            await p.list_rooms()
    finally:
        await p.aclose()


@pytest.mark.asyncio
async def test_missing_api_key_is_caught_before_any_request(sim: SimulatorHost) -> None:
    p = _provider(sim, api_key="  ")
    try:
        with pytest.raises(ValidationError) as caught:
            await p.connect()
    finally:
        await p.aclose()
    assert caught.value.field == "api_key"
    assert _state(sim).requests == []


@pytest.mark.asyncio
async def test_a_bad_client_url_is_reported_on_connect(sim: SimulatorHost) -> None:
    p = _provider(sim, client_url="conference/")
    try:
        with pytest.raises(ValidationError) as caught:
            await p.connect()
    finally:
        await p.aclose()
    assert caught.value.field == "client_url"


@pytest.mark.asyncio
async def test_secret_and_signature_never_reach_the_logs(sim: SimulatorHost, provider: PlugNmeetProvider,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await provider.list_rooms()
    link = await provider.join_link(JoinRequest("weekly-team-sync", "Ada Lovelace"))
    signatures = [r.headers["hash-signature"] for r in _state(sim).requests]
    assert caplog.records, "the client should log its requests"
    token = parse_qs(urlsplit(link.url).query)["access_token"][0]
    for secret in (SAMPLE_SECRET, *signatures, token):
        assert secret not in caplog.text


@pytest.mark.asyncio
async def test_tls_with_the_servers_ca_file() -> None:
    with SimulatorHost.for_definition(build(seed=True), tls=True) as host:
        assert host.base_url.startswith("https://")
        trusting = _provider(host, ca_file=host.ca_file)
        untrusting = _provider(host)
        try:
            assert (await trusting.connect()).product == "plugNmeet"
            with pytest.raises(TLSError):
                await untrusting.connect()
        finally:
            await trusting.aclose()
            await untrusting.aclose()


# --- rooms -----------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_list_rooms_reads_the_servers_shapes(provider: PlugNmeetProvider) -> None:
    rooms = {r.id: r for r in await provider.list_rooms()}
    assert set(rooms) == {"weekly-team-sync", "acme-onboarding", "support-clinic"}
    sync = rooms["weekly-team-sync"]
    assert sync.name == "Weekly team sync"
    assert sync.running is True and sync.status == "running" and sync.kind == "plugnmeet"
    assert sync.participant_count == 4
    assert sync.created is not None and sync.created.tzinfo is not None
    assert abs((datetime.now(UTC) - sync.created).total_seconds() - 25 * 60) < 120
    assert sync.extra["recording"] == "yes"
    roles = {p.name: p.role for p in sync.participants}
    assert roles["Amira Haddad"] == "moderator" and roles["Jonas Keller"] == "attendee"
    assert all(p.joined_at is not None for p in sync.participants)
    onboarding = rooms["acme-onboarding"]
    assert onboarding.options["waiting_room"] is True
    assert onboarding.options["duration"] == 90
    assert onboarding.extra["waiting_room"] == "on"
    clinic = rooms["support-clinic"]
    assert clinic.participant_count == 2  # the hidden observer is not counted …
    hidden = [p for p in clinic.participants if p.extra["hidden"]]
    assert [p.name for p in hidden] == ["Quality observer"]  # … but is listed, marked hidden
    assert clinic.options["lock_microphone"] is True


@pytest.mark.asyncio
async def test_get_room_and_room_state(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    room = await provider.get_room("support-clinic")
    assert room.name == "Open support clinic" and len(room.participants) == 3
    assert await provider.room_state("support-clinic") == "active"
    assert await provider.room_state("board-prep") == "ended"
    assert await provider.room_state("never-existed") == "unknown"
    with pytest.raises(NotFoundError) as caught:
        await provider.get_room("board-prep")
    assert caught.value.hint and "Create or start" in caught.value.hint
    paths = [r.path for r in _state(sim).requests]
    assert "room/isRoomActive" in paths and "room/getActiveRoomInfo" in paths


@pytest.mark.asyncio
async def test_create_room_derives_the_id_and_sends_every_option() -> None:
    # a server before 2.3, which applies a `false` for a default-on feature (2.3+ merges it away)
    with SimulatorHost.for_definition(build(seed=True, merge_quirk=False)) as sim:
        provider = _provider(sim)
        try:
            await _create_with_every_option(sim, provider)
        finally:
            await provider.aclose()


async def _create_with_every_option(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    options = {
        "welcome_message": "Welcome to the finance review", "max_participants": 12, "empty_timeout": 600,
        "duration": 60, "logout_url": "https://example.org/bye", "webhook_url": "https://example.org/hook",
        "allow_webcams": False, "allow_screen_share": False, "allow_chat": True, "allow_file_upload": False,
        "allow_shared_notepad": False, "allow_whiteboard": False, "allow_external_media_player": False,
        "waiting_room": True, "waiting_room_message": "Please wait", "allow_breakout_rooms": True,
        "breakout_rooms_max": 4, "allow_polls": False, "allow_recording": True, "allow_cloud_recording": True,
        "allow_local_recording": False, "auto_cloud_recording": False, "end_to_end_encryption": True,
        "lock_microphone": True, "lock_webcam": True, "lock_chat": False, "lock_screen_sharing": False,
    }
    room = await provider.create_room(RoomDraft(name="Quarterly review – Finance", options=options))
    assert room.id == "quarterly-review-finance"
    assert room.name == "Quarterly review – Finance" and room.running is True
    for key, value in options.items():
        if key not in ("max_participants", "empty_timeout"):
            assert room.options[key] == value, key
    assert "not_applied" not in room.extra
    stored = _state(sim).rooms["quarterly-review-finance"]
    assert stored.max_participants == 12 and stored.empty_timeout == 600
    features = stored.metadata["room_features"]
    assert features["end_to_end_encryption_features"]["is_enabled"] is True
    assert features["ingress_features"]["is_allow"] is False  # the server's own e2ee rule
    sent = json.loads(_state(sim).requests[-1].body)
    assert sent["metadata"]["room_features"]["chat_features"] == {"is_allow": True, "is_allow_file_upload": False}
    assert "room_duration" in sent["metadata"]["room_features"]


@pytest.mark.asyncio
async def test_create_room_is_idempotent_for_a_running_room(provider: PlugNmeetProvider) -> None:
    first = await provider.create_room(RoomDraft(name="Daily stand-up", room_id="standup"))
    again = await provider.create_room(RoomDraft(name="Another title", room_id="standup"))
    assert again.extra["sid"] == first.extra["sid"]
    assert again.name == "Daily stand-up"


@pytest.mark.asyncio
@pytest.mark.parametrize("room_id", ["has space", "dot.ted", "user_room", "x-FIELD_y", "r" * 65])
async def test_create_room_refuses_invalid_ids_before_asking(sim: SimulatorHost, provider: PlugNmeetProvider,
                                                             room_id: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await provider.create_room(RoomDraft(name="Title", room_id=room_id))
    assert caught.value.field == "room_id"
    assert _state(sim).requests == []


@pytest.mark.asyncio
async def test_create_room_checks_its_input(provider: PlugNmeetProvider) -> None:
    with pytest.raises(ValidationError) as caught:
        await provider.create_room(RoomDraft(name="  "))
    assert caught.value.field == "name"
    with pytest.raises(ValidationError) as caught:
        await provider.create_room(RoomDraft(name="T", options={"no_such_option": True}))
    assert caught.value.field == "no_such_option"
    with pytest.raises(ValidationError) as caught:
        await provider.create_room(RoomDraft(name="T", options={"empty_timeout": 30}))
    assert caught.value.field == "empty_timeout"


@pytest.mark.asyncio
async def test_create_room_reports_options_a_newer_server_ignores() -> None:
    with SimulatorHost.for_definition(build(seed=False)) as host:  # 2.4's merge is the default behaviour
        p = _provider(host)
        try:
            room = await p.create_room(RoomDraft(name="Quirky", options={"allow_webcams": False,
                                                                         "allow_raise_hand": False}))
        finally:
            await p.aclose()
    assert room.options["allow_webcams"] is True
    assert room.options["allow_raise_hand"] is False  # optional bools survive the merge
    assert room.extra["not_applied"] == "“Allow webcams”"


@pytest.mark.asyncio
async def test_end_room_moves_it_to_the_past(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    # endRoom answers first and ends the room afterwards (pkg/models/room_end.go → go onAfterRoomEnded): a
    # refresh right after still lists it, shown as ending, not as a failure
    await provider.end_room("support-clinic")
    ending = next(r for r in await provider.list_rooms() if r.id == "support-clinic")
    assert ending.status == "ending…" and ending.running is False
    assert await provider.room_state("support-clinic") == "ending"
    await provider.end_room("support-clinic")  # again while it ends: the server says success
    _state(sim).advance(_state(sim).end_linger + 1)
    assert "support-clinic" not in {r.id for r in await provider.list_rooms()}
    assert await provider.room_state("support-clinic") == "ended"  # isRoomActive: "room not found" now
    past = await provider.list_past_rooms()
    assert past[0].id == "support-clinic" and past[0].past is True and past[0].participant_count == 3
    with pytest.raises(NotFoundError, match="cannot be ended"):
        await provider.end_room("support-clinic")


@pytest.mark.asyncio
async def test_a_room_made_again_while_it_ends_is_a_new_session(sim: SimulatorHost,
                                                                 provider: PlugNmeetProvider) -> None:
    # creating an id whose end is still running waits for the room-end lock (≤ 15 s), then creates it anew
    first = await provider.create_room(RoomDraft(name="Daily", room_id="daily"))
    await provider.end_room("daily")
    again = await provider.create_room(RoomDraft(name="Daily", room_id="daily"))
    assert again.extra["sid"] != first.extra["sid"] and again.running
    listed = next(r for r in await provider.list_rooms() if r.id == "daily")
    assert listed.status != "ending…"
    # a cleanup that would hold the lock longer than 15 s makes the server give up
    _state(sim).end_linger = 60
    await provider.end_room("daily")
    with pytest.raises(MeetdeskError, match="timeout waiting to acquire lock"):
        await provider.create_room(RoomDraft(name="Daily", room_id="daily"))


@pytest.mark.asyncio
async def test_list_past_rooms(provider: PlugNmeetProvider) -> None:
    past = await provider.list_past_rooms()
    assert len(past) == 6
    assert all(r.past and r.running is False and r.status == "ended" for r in past)
    assert past[0].id == "hiring-panel-backend"  # newest first
    ends = [r.extra["ended_at"] for r in past]
    assert ends == sorted(ends, reverse=True)
    for room in past:
        assert room.created is not None and room.created < room.extra["ended_at"]
        assert room.extra["sid"].startswith("RM_")


@pytest.mark.asyncio
async def test_past_rooms_are_fetched_page_by_page(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    state = _state(sim)
    with state.lock:
        for i in range(250):
            state.past_rooms.append(PastRoom(f"old-{i}", f"Old {i}", f"RM_old{i}", 2, "", 1_600_000_000 + i * 10,
                                             1_600_000_005 + i * 10))
    state.requests.clear()
    past = await provider.list_past_rooms()
    assert len(past) == 256
    assert len({(r.id, r.extra["sid"]) for r in past}) == 256
    pages = [json.loads(r.body) for r in state.requests if r.path == "room/fetchPastRooms"]
    assert [p["from"] for p in pages] == [0, 100, 200]
    assert all(p["limit"] == 100 for p in pages)


# --- recordings ------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_recordings_list_delete_and_download(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    recordings = await provider.list_recordings()
    assert len(recordings) == 4
    allhands = next(r for r in recordings if r.room_id == "all-hands-q3")
    assert allhands.name == "All-hands Q3"
    assert allhands.size_bytes == 612_900_000  # the server reports MB
    assert allhands.created is not None and allhands.created.tzinfo is not None
    design = next(r for r in recordings if r.room_id == "design-review")
    assert design.name == "Recording of design-review"
    assert [r.id for r in await provider.list_recordings("board-prep")] == [
        r.id for r in recordings if r.room_id == "board-prep"]

    url = await provider.recording_download_url(allhands.id)
    assert url.startswith(f"{sim.base_url}/download/recording/")
    async with httpx.AsyncClient() as client:
        response = await client.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "video/mp4"
    assert allhands.id.encode() in response.content

    await provider.delete_recording(allhands.id)
    assert allhands.id not in {r.id for r in await provider.list_recordings()}
    with pytest.raises(NotFoundError, match="no recording"):
        await provider.delete_recording(allhands.id)
    with pytest.raises(NotFoundError):
        await provider.recording_download_url(allhands.id)


@pytest.mark.asyncio
async def test_ending_a_recording_room_produces_a_recording(sim: SimulatorHost,
                                                             provider: PlugNmeetProvider) -> None:
    await provider.end_room("weekly-team-sync")
    _state(sim).advance(_state(sim).end_linger + 1)
    recordings = await provider.list_recordings("weekly-team-sync")
    assert len(recordings) == 2


# --- join links ------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_join_link_for_a_moderator_with_a_design(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    design = {"primary_color": "#004d90", "header_bg_color": "#FFEEDD", "footer_bg_color": ""}
    link = await provider.join_link(JoinRequest("weekly-team-sync", "Zoë Müller", moderator=True, design=design))
    parts = urlsplit(link.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == sim.base_url + "/"
    query = parse_qs(parts.query)
    assert json.loads(query["custom_design"][0]) == {"primary_color": "#004D90", "header_bg_color": "#FFEEDD"}
    token = query["access_token"][0]
    claims = jwt.decode(token, SAMPLE_SECRET, algorithms=["HS256"], issuer="plugnmeet")
    assert claims["name"] == "Zoë Müller" and claims["room_id"] == "weekly-team-sync"
    assert claims["user_id"] == claims["sub"] == derive_user_id("Zoë Müller")
    assert claims["is_admin"] is True
    assert link.role is Role.MODERATOR and link.display_name == "Zoë Müller" and link.single_use
    assert link.expires_at == datetime.fromtimestamp(claims["exp"], UTC)
    assert "custom_design=%7B%22primary_color%22%3A%22%23004D90%22" in link.url


@pytest.mark.asyncio
async def test_join_link_without_design_and_with_a_client_url(sim: SimulatorHost) -> None:
    p = _provider(sim, client_url="https://example.org/conference/")
    try:
        link = await p.join_link(JoinRequest("acme-onboarding", "Mark Chen"))
    finally:
        await p.aclose()
    assert link.url.startswith("https://example.org/conference/?access_token=")
    assert "custom_design" not in link.url
    assert link.role is Role.ATTENDEE


@pytest.mark.asyncio
async def test_join_link_sends_user_metadata(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    request = JoinRequest("support-clinic", "Guest Speaker", user_id="speaker-1", hidden=True,
                          avatar_url="https://example.org/a.png",
                          options={"lock_chat": "yes", "lock_webcam": "no", "lock_microphone": "default",
                                   "preferred_lang": "de-DE", "record_webcam": False})
    await provider.join_link(request)
    sent = json.loads(_state(sim).requests[-1].body)["user_info"]
    assert sent["user_id"] == "speaker-1" and sent["is_hidden"] is True and sent["is_admin"] is False
    assert sent["user_metadata"] == {"profile_pic": "https://example.org/a.png", "preferred_lang": "de-DE",
                                     "record_webcam": False,
                                     "lock_settings": {"lock_chat": True, "lock_webcam": False}}
    pending = _state(sim).pending[("support-clinic", "speaker-1")]
    # the room's default microphone lock applies where the link left it open
    assert pending.metadata["lock_settings"]["lock_microphone"] is True
    assert pending.metadata["lock_settings"]["lock_chat"] is True


@pytest.mark.asyncio
async def test_interface_language_is_one_of_the_clients_codes(sim: SimulatorHost,
                                                              provider: PlugNmeetProvider) -> None:
    # the plugNmeet client applies preferred_lang only on a (case-insensitive) match with its languages list
    # (plugNmeet-client src/helpers/languages.ts, HandleParticipants.ts); "de" would leave the browser's
    from meetdesk.backends.plugnmeet.options import CLIENT_LANGUAGES, JOIN_FIELDS
    from meetdesk.backends.plugnmeet.simulator.page import CLIENT_LANGUAGE_CODES

    assert {c.lower(): c for c, _label in CLIENT_LANGUAGES} == CLIENT_LANGUAGE_CODES
    spec = next(f for f in JOIN_FIELDS if f.key == "preferred_lang")
    assert spec.kind is FieldKind.CHOICE and [v for v, _ in spec.choices][1:] == [c for c, _ in CLIENT_LANGUAGES]
    async with httpx.AsyncClient() as browser:
        for language, expected in (("de", "de-DE"), ("pt-BR", "pt-PT"), ("EN-us", "en"), ("es-es", "es-ES")):
            link = await provider.join_link(JoinRequest("support-clinic", "Guest", language=language))
            assert f"Interface language: {expected}." in (await browser.get(link.url)).text, language
        link = await provider.join_link(JoinRequest("support-clinic", "Guest", language="tlh"))
        assert "Interface language" not in (await browser.get(link.url)).text
    assert "preferred_lang" not in json.loads(_state(sim).requests[-1].body)["user_info"]["user_metadata"]
    with pytest.raises(ValidationError) as caught:
        await provider.join_link(JoinRequest("support-clinic", "Guest", options={"preferred_lang": "de"}))
    assert caught.value.field == "preferred_lang" and "de-DE" in caught.value.message


@pytest.mark.asyncio
async def test_join_link_checks_input_before_asking(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    cases: list[tuple[JoinRequest, str]] = [
        (JoinRequest("weekly-team-sync", " "), "display_name"),
        (JoinRequest("weekly-team-sync", "A", design={"primary_color": "blue-ish"}), "primary_color"),
        (JoinRequest("weekly-team-sync", "A", avatar_url="not a url"), "avatar_url"),
        (JoinRequest("weekly-team-sync", "A", options={"preferred_lang": "German"}), "preferred_lang"),
        (JoinRequest("weekly-team-sync", "A", options={"lock_chat": "maybe"}), "lock_chat"),
    ]
    for request, field in cases:
        with pytest.raises(ValidationError) as caught:
            await provider.join_link(request)
        assert caught.value.field == field
    assert _state(sim).requests == []


@pytest.mark.asyncio
async def test_join_link_for_a_room_that_is_not_running(provider: PlugNmeetProvider) -> None:
    with pytest.raises(NotFoundError) as caught:
        await provider.join_link(JoinRequest("never-created", "Ada"))
    assert "is not running" in caught.value.message
    assert caught.value.hint == "Create or start the room first, then make the link again."
    with pytest.raises(NotFoundError, match="has ended"):
        await provider.join_link(JoinRequest("board-prep", "Ada"))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("request_", "field", "text"),
    [
        (JoinRequest("bad id!", "Ada"), "room_id", "Room ID: should only contain letters"),
        (JoinRequest("weekly-team-sync", "Ada", user_id="user_ada"), "user_id", "User ID cannot start with"),
        (JoinRequest("weekly-team-sync", "Ada", user_id="sip_ada"), "user_id", "reserved for internal use"),
        (JoinRequest("weekly-team-sync", "PLUGNMEET_RECORDER_AUTH"), "display_name", "reserved"),
    ],
)
async def test_server_validation_messages_are_passed_through(provider: PlugNmeetProvider, request_: JoinRequest,
                                                             field: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await provider.join_link(request_)
    assert caught.value.field == field
    assert text in caught.value.message
    assert caught.value.message.startswith("Test plugNmeet did not accept this")


@pytest.mark.asyncio
async def test_raw_requests_map_status_false(provider: PlugNmeetProvider, sim: SimulatorHost) -> None:
    with pytest.raises(ValidationError) as caught:
        await provider.request("room/create", {"room_id": "ok", "metadata": {"room_title": ""}})
    assert caught.value.message == ("Test plugNmeet did not accept this — Title: value is required; "
                                    "room features: value is required.")
    assert caught.value.field == "name"
    with pytest.raises(ProtocolError, match="could not read meetdesk's request"):
        await provider.request("room/isRoomActive", {"room_id": 5})
    _state(sim).blocked.add(("weekly-team-sync", "mallory"))
    with pytest.raises(PermissionDeniedError):
        await provider.join_link(JoinRequest("weekly-team-sync", "Mallory", user_id="mallory"))


@pytest.mark.asyncio
async def test_a_join_link_opens_the_designed_page(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    design = {"header_bg_color": "#123456", "side_panel_bg_color": "#ABCDEF", "primary_btn_bg_color": "#0A0B0C"}
    link = await provider.join_link(JoinRequest("weekly-team-sync", "Ada Lovelace", design=design))
    async with httpx.AsyncClient() as client:
        page = (await client.get(link.url)).text
    assert "header#main-header { background-color: #123456; }" in page
    assert ".side-panel-bg-color { background-color: #ABCDEF; }" in page
    assert "Ada Lovelace" in page and "Weekly team sync" in page
    room = await provider.get_room("weekly-team-sync")
    assert "Ada Lovelace" in {p.name for p in room.participants}


# --- transport failures and unexpected answers -----------------------------------------------

@pytest.mark.asyncio
async def test_503_is_unreachable_after_retrying_reads_only(sim: SimulatorHost,
                                                            provider: PlugNmeetProvider) -> None:
    sim.faults.error_status = 503
    sim.faults.error_rate = 1.0
    with pytest.raises(UnreachableError):
        await provider.list_rooms()
    assert sim.faults.injected["error"] == 3  # first try + two retries of an idempotent read
    with pytest.raises(UnreachableError):
        await provider.end_room("support-clinic")
    assert sim.faults.injected["error"] == 4  # ending a room is never repeated
    sim.faults.clear()
    assert "support-clinic" in {r.id for r in await provider.list_rooms()}


@pytest.mark.asyncio
async def test_dropped_connection_is_unreachable(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    sim.faults.drop_rate = 1.0
    with pytest.raises(UnreachableError):
        await provider.connect()
    with pytest.raises(UnreachableError):
        await provider.create_room(RoomDraft(name="Dropped"))


@pytest.mark.asyncio
async def test_malformed_body_is_a_protocol_error(sim: SimulatorHost, provider: PlugNmeetProvider) -> None:
    sim.faults.malformed_rate = 1.0
    with pytest.raises(ProtocolError, match="room/getActiveRoomsInfo"):
        await provider.list_rooms()


@pytest.mark.asyncio
async def test_nothing_listening_is_unreachable() -> None:
    with SimulatorHost.for_definition(build(seed=False)) as host:
        base = host.base_url
    p = PlugNmeetProvider(Profile("Gone", "plugnmeet", base, fields={"api_key": "k"}), "secret-value")
    try:
        with pytest.raises(UnreachableError):
            await p.connect()
    finally:
        await p.aclose()


def _odd_server(answers: dict[str, tuple[int, Any]]) -> Starlette:
    """A server that answers each /auth path with a fixed (status, body) — shapes plugNmeet never sends."""

    async def handle(request: Request) -> Response:
        status, body = answers.get(request.path_params["path"], (404, "not found"))
        if isinstance(body, str):
            return PlainTextResponse(body, status_code=status)
        return Response(json.dumps(body), status_code=status, media_type="application/json")

    return Starlette(routes=[Route("/auth/{path:path}", handle, methods=["POST"])])


@pytest.mark.asyncio
async def test_unexpected_shapes_are_protocol_errors_naming_the_call() -> None:
    ok = {"status": True, "msg": "success", "status_code": "SUCCESS"}
    answers: dict[str, tuple[int, Any]] = {
        "room/getActiveRoomsInfo": (200, {**ok, "rooms": "three"}),
        "room/getActiveRoomInfo": (200, {**ok, "room": {"room_info": {"room_id": 7}}}),
        "room/create": (200, {**ok, "room_info": {"room_id": "r", "creation_time": "yesterday"}}),
        "room/fetchPastRooms": (200, {**ok, "result": {"rooms_list": [{"room_id": "r", "created": "soon"}]}}),
        "recording/fetch": (200, [1, 2, 3]),
        "room/getJoinToken": (200, {**ok}),
        "room/endRoom": (200, "<html>gateway</html>"),
        "recording/delete": (401, {"status": False, "msg": "invalid API key"}),
        "recording/getDownloadToken": (401, "nope"),
    }
    with SimulatorHost(_odd_server(answers)) as host:
        p = PlugNmeetProvider(Profile("Odd", "plugnmeet", host.base_url, fields={"api_key": "k"}), "s" * 20)
        try:
            calls = [
                ("room/getActiveRoomsInfo", p.list_rooms()),
                ("room/getActiveRoomInfo", p.get_room("r")),
                ("room/create", p.create_room(RoomDraft(name="R"))),
                ("room/fetchPastRooms", p.list_past_rooms()),
                ("recording/fetch", p.list_recordings()),
                ("room/getJoinToken", p.join_link(JoinRequest("r", "Ada"))),
                ("room/endRoom", p.end_room("r")),
            ]
            for call, coro in calls:
                with pytest.raises(ProtocolError) as caught:
                    await coro
                assert call in f"{caught.value.message} {caught.value.detail}", call
            with pytest.raises(AuthenticationError, match="API key"):
                await p.delete_recording("x")  # a v1.x server's wording, without status_code
            with pytest.raises(AuthenticationError):
                await p.recording_download_url("x")
            with pytest.raises(ProtocolError, match="does not look like a plugNmeet server"):
                await p.room_state("r")  # 404: not a plugNmeet API
        finally:
            await p.aclose()


def test_room_fields_cover_the_coordinator_options() -> None:
    keys = {f.key for f in ROOM_FIELDS}
    for key in ("welcome_message", "max_participants", "empty_timeout", "duration", "webhook_url", "logout_url",
                "allow_webcams", "allow_screen_share", "allow_chat", "allow_file_upload", "allow_shared_notepad",
                "allow_whiteboard", "allow_external_media_player", "waiting_room", "waiting_room_message",
                "allow_breakout_rooms", "allow_polls", "allow_cloud_recording", "allow_local_recording",
                "auto_cloud_recording", "end_to_end_encryption", "lock_microphone", "lock_chat"):
        assert key in keys, key
