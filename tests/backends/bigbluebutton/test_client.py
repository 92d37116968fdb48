"""The BigBlueButton provider against its simulator over real loopback HTTP."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from meetdesk.backends.bigbluebutton.client import BigBlueButtonProvider
from meetdesk.backends.bigbluebutton.simulator import build
from meetdesk.backends.bigbluebutton.simulator.state import BBBState
from meetdesk.backends.rows import collect_skipped
from meetdesk.domain.errors import (
    AuthenticationError,
    NotFoundError,
    ProtocolError,
    ValidationError,
)
from meetdesk.domain.models import JoinRequest, Profile, Role, RoomDraft
from meetdesk.simulators.host import SimulatorDefinition, SimulatorHost
from tests.backends.conftest import Clock

ALGORITHMS = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}


def verify_url(url: str, secret: str) -> bool:
    """The reference's transcription of GetChecksum + GetChecksumValidator, independent of the client."""
    parts = urlsplit(url)
    call, query = parts.path.rsplit("/", 1)[-1], parts.query
    digest = parse_qs(query).get("checksum", [""])[0]
    query = query.replace("&checksum=" + digest, "").replace("checksum=" + digest + "&", "") \
        .replace("checksum=" + digest, "")
    algorithm = ALGORITHMS.get(len(digest))
    return bool(algorithm and hashlib.new(algorithm, (call + query + secret).encode()).hexdigest() == digest.lower())


@pytest.fixture
def simulator(clock: Clock) -> SimulatorDefinition:
    return build(seed=True, clock=clock)


def state_of(server: SimulatorHost) -> BBBState:
    assert server.definition is not None
    state: BBBState = server.definition.state
    return state


def make(server: SimulatorHost, *, secret: str | None = None, **fields: str) -> BigBlueButtonProvider:
    assert server.definition is not None
    profile = Profile(name="Campus BBB", kind="bigbluebutton", base_url=server.origin,
                      fields={**server.definition.fields, **fields})
    return BigBlueButtonProvider(profile, server.definition.secret if secret is None else secret)


@pytest_asyncio.fixture
async def provider(server: SimulatorHost) -> AsyncIterator[BigBlueButtonProvider]:
    p = make(server)
    await p.connect()
    yield p
    await p.aclose()


@pytest.mark.parametrize(("pasted", "expected"), [
    ("https://bbb.example.org", "https://bbb.example.org/bigbluebutton/api"),
    ("https://bbb.example.org/", "https://bbb.example.org/bigbluebutton/api"),
    ("URL: https://bbb.example.org/bigbluebutton/", "https://bbb.example.org/bigbluebutton/api"),
    ("https://bbb.example.org/bigbluebutton/api/", "https://bbb.example.org/bigbluebutton/api"),
    ("https://bbb.example.org/bigbluebutton/api/getMeetings?checksum=abc",
     "https://bbb.example.org/bigbluebutton/api"),
    ("https://lb.example.org:8443/scalelite/bigbluebutton/api", "https://lb.example.org:8443/scalelite/bigbluebutton/api"),
])
def test_pasted_addresses(pasted: str, expected: str) -> None:
    assert BigBlueButtonProvider.normalize_base_url(pasted) == expected


@pytest.mark.asyncio
@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
async def test_every_algorithm_signs_what_the_server_checks(server: SimulatorHost, algorithm: str) -> None:
    provider = make(server, checksum_algorithm=algorithm)
    try:
        info = await provider.connect()
        assert info.product == "BigBlueButton" and info.extra["checksum"] == algorithm
        link = await provider.join_link(JoinRequest(room_id="biology-101", display_name="Zoë & Co: 50%+"))
        digest = parse_qs(urlsplit(link.url).query)["checksum"][0]
        assert len(digest) == {"sha1": 40, "sha256": 64, "sha384": 96, "sha512": 128}[algorithm]
        assert verify_url(link.url, state_of(server).secret)
    finally:
        await provider.aclose()


@pytest.mark.asyncio
async def test_secret_line_as_pasted_from_bbb_conf(server: SimulatorHost) -> None:
    provider = make(server, secret=f"    Secret: {state_of(server).secret}\n")
    try:
        await provider.connect()
    finally:
        await provider.aclose()


@pytest.mark.asyncio
async def test_wrong_secret_or_refused_algorithm_is_an_authentication_error(clock: Clock) -> None:
    with SimulatorHost.for_definition(build(seed=False, algorithms=("sha512",))) as host:
        for provider in (make(host, secret="wrong", checksum_algorithm="sha512"),
                         make(host, checksum_algorithm="sha1")):
            with pytest.raises(AuthenticationError, match="refused the shared secret") as refused:
                await provider.connect()
            assert refused.value.exit_code == 3 and "algorithm" in (refused.value.hint or "")
            assert "wrong" not in str(refused.value) + (refused.value.detail or "")
            await provider.aclose()


@pytest.mark.asyncio
async def test_not_a_bbb_api(server: SimulatorHost) -> None:
    provider = BigBlueButtonProvider(Profile(name="x", kind="bigbluebutton", base_url=server.origin + "/other/api"),
                                     "s")
    with pytest.raises(ProtocolError, match="no BigBlueButton API"):
        await provider.connect()
    await provider.aclose()


@pytest.mark.asyncio
async def test_rooms_show_running_meetings_with_people(provider: BigBlueButtonProvider) -> None:
    rooms = {r.id: r for r in await provider.list_rooms()}
    biology = rooms["biology-101"]
    assert biology.status == "running" and biology.running is True and biology.participant_count == 4
    assert biology.extra["moderators"] == 1 and biology.extra["recording"] == "yes"
    assert biology.extra["started"] and biology.created is not None
    assert [p.name for p in biology.participants if p.role == "moderator"] == ["Dr. Ada Brenner"]
    assert rooms["open-office-hours"].status == "waiting" and rooms["open-office-hours"].running is False
    info = await provider.get_room("staff-weekly")
    assert info.participant_count == 3 and info.extra["moderators"] == 2


@pytest.mark.asyncio
async def test_create_with_options_then_duplicate_then_end(provider: BigBlueButtonProvider,
                                                           server: SimulatorHost) -> None:
    room = await provider.create_room(RoomDraft(name="Chemistry lab", room_id="chem-lab", options={
        "welcome": "Welcome to %%CONFNAME%%", "record": "yes", "duration": "90", "guest_policy": "ASK_MODERATOR",
        "lock_disable_cam": "yes", "metadata": "Course=Chemistry\nterm=2026", "slides_url": "https://x.example/a.pdf"}))
    assert room.id == "chem-lab" and room.status == "waiting"
    meeting = state_of(server).meetings["chem-lab"]
    assert meeting.params["guestPolicy"] == "ASK_MODERATOR" and meeting.params["lockSettingsDisableCam"] == "true"
    assert meeting.params["preUploadedPresentation"] == "https://x.example/a.pdf"
    assert meeting.metadata == {"course": "Chemistry", "term": "2026", "bbb-origin": "meetdesk"}
    again = await provider.create_room(RoomDraft(name="Other name", room_id="chem-lab", options={"duration": "5"}))
    assert again.extra["not_applied"] == "“Name”, “Duration (minutes)”"
    assert state_of(server).meetings["chem-lab"].params["duration"] == "90"
    generated = await provider.create_room(RoomDraft(name="Café Übung"))
    assert generated.id.startswith("cafe-ubung-")
    await provider.end_room("chem-lab")
    assert (await provider.get_room("chem-lab")).status == "ended"
    with pytest.raises(NotFoundError, match="no meeting “nope”"):
        await provider.end_room("nope")
    with pytest.raises(ValidationError, match="name=value"):
        await provider.create_room(RoomDraft(name="Bad meta", options={"metadata": "9lives=yes"}))
    with pytest.raises(ValidationError):
        await provider.create_room(RoomDraft(name="x"))


@pytest.mark.asyncio
async def test_join_links_by_role_with_style_reach_the_client(provider: BigBlueButtonProvider,
                                                              server: SimulatorHost) -> None:
    css = ":root{--color-primary:#0F70D7} body{background:#111}"
    moderator = await provider.join_link(JoinRequest(
        room_id="open-office-hours", display_name="Ada Brenner", user_id="ada", moderator=True,
        avatar_url="https://cdn.example/ada.png", language="de",
        design={"userdata-bbb_custom_style_url": "https://cdn.example/brand.css", "userdata-bbb_custom_style": css}))
    viewer = await provider.join_link(JoinRequest(room_id="open-office-hours", display_name="Jonas",
                                                  options={"auto_join_audio": "yes"}))
    assert moderator.role is Role.MODERATOR and viewer.role is Role.ATTENDEE and moderator.expires_at is None
    query = parse_qs(urlsplit(moderator.url).query)
    assert query["role"] == ["MODERATOR"] and query["userID"] == ["ada"]
    assert parse_qs(urlsplit(viewer.url).query)["role"] == ["VIEWER"]
    for link in (moderator, viewer):  # what the participant's browser does
        redirect = httpx.get(link.url)
        assert redirect.status_code == 302, redirect.text
        page = httpx.get(redirect.headers["location"])
        assert page.status_code == 200
    attendees = {a.user_id: a for a in state_of(server).meetings["open-office-hours"].attendees}
    assert attendees["ada"].role == "MODERATOR" and attendees["ada"].avatar_url == "https://cdn.example/ada.png"
    assert attendees["ada"].customdata == {"bbb_custom_style_url": "https://cdn.example/brand.css",
                                           "bbb_custom_style": css, "bbb_override_default_locale": "de"}
    room = await provider.get_room("open-office-hours")
    assert room.running and room.participant_count == 2


@pytest.mark.asyncio
async def test_design_is_checked(provider: BigBlueButtonProvider) -> None:
    with pytest.raises(ValidationError, match="https://") as refused:
        await provider.join_link(JoinRequest(room_id="biology-101", display_name="A",
                                             design={"userdata-bbb_custom_style_url": "http://cdn.example/a.css"}))
    assert refused.value.field == "userdata-bbb_custom_style_url"
    with pytest.raises(ValidationError, match="must not contain"):
        await provider.join_link(JoinRequest(room_id="biology-101", display_name="A",
                                             design={"userdata-bbb_custom_style_url": 'https://x.example/a.css">'}))
    with pytest.raises(ValidationError, match="style sheet"):
        await provider.join_link(JoinRequest(room_id="biology-101", display_name="A",
                                             design={"userdata-bbb_custom_style": "a{}" * 2000}))
    with pytest.raises(ValidationError, match="Unknown option"):
        await provider.join_link(JoinRequest(room_id="biology-101", display_name="A", design={"primary_color": "#fff"}))


@pytest.mark.asyncio
async def test_bound_link_dies_with_its_meeting_instance(provider: BigBlueButtonProvider, server: SimulatorHost,
                                                         clock: Clock) -> None:
    await provider.create_room(RoomDraft(name="Bound", room_id="bound-1"))
    bound = await provider.join_link(JoinRequest(room_id="bound-1", display_name="A",
                                                 options={"bind_to_meeting": "yes"}))
    lasting = await provider.join_link(JoinRequest(room_id="bound-1", display_name="B"))
    assert "createTime" in parse_qs(urlsplit(bound.url).query)
    await provider.end_room("bound-1")
    clock.now += 120  # the ended meeting leaves the server's memory
    await provider.create_room(RoomDraft(name="Bound", room_id="bound-1"))
    assert "mismatchCreateTimeParam" in httpx.get(bound.url).headers["location"]
    assert "sessionToken" in httpx.get(lasting.url).headers["location"]


@pytest.mark.asyncio
async def test_password_mode_for_old_servers(server: SimulatorHost) -> None:
    provider = make(server, join_with_passwords="true")
    await provider.connect()
    link = await provider.join_link(JoinRequest(room_id="staff-weekly", display_name="Old", moderator=True))
    query = parse_qs(urlsplit(link.url).query)
    assert "role" not in query and query["password"] == [state_of(server).meetings["staff-weekly"].moderator_pw]
    with pytest.raises(NotFoundError):
        await provider.join_link(JoinRequest(room_id="gone", display_name="Old"))
    await provider.end_room("staff-weekly")
    await provider.aclose()


@pytest.mark.asyncio
async def test_recordings_states_publish_update_delete(provider: BigBlueButtonProvider, server: SimulatorHost,
                                                       clock: Clock) -> None:
    listed = await provider.list_recordings()
    assert {r.extra["state"] for r in listed} == {"published", "unpublished"} and len(listed) == 3
    only = await provider.list_recordings_in("biology-101", frozenset({"unpublished"}))
    assert [r.name for r in only] == ["Biology 101 — Meiosis"]
    target = only[0]
    await provider.publish_recording(target.id, True)
    assert (await provider.list_recordings_in(None, frozenset({"unpublished"}))) == []
    await provider.update_recording(target.id, {"topic": "Meiosis II"})
    assert state_of(server).recordings[target.id].metadata["topic"] == "Meiosis II"
    url = await provider.recording_download_url(target.id)
    assert httpx.get(url).status_code == 200
    await provider.delete_recording(target.id)
    assert target.id not in {r.id for r in await provider.list_recordings()}
    assert [r.id for r in await provider.list_recordings_in(None, frozenset({"deleted"}))] == [target.id]
    with pytest.raises(NotFoundError, match="recording"):
        await provider.publish_recording("missing", True)
    with pytest.raises(ValidationError, match="Unknown recording state"):
        await provider.list_recordings_in(None, frozenset({"gone"}))
    # a recorded meeting that ends shows up as processing, then without a playback until it is ready
    await provider.end_room("biology-101")
    fresh = await provider.list_recordings_in("biology-101", frozenset({"processing"}))
    assert len(fresh) == 1
    with pytest.raises(NotFoundError, match="no playback yet"):
        await provider.recording_download_url(fresh[0].id)


@pytest.mark.asyncio
async def test_one_bad_meeting_row_is_skipped(server: SimulatorHost) -> None:
    state_of(server).meetings["biology-101"].meeting_id = ""
    provider = make(server)
    await provider.connect()  # its meeting list is the room list that follows
    with collect_skipped() as skipped:
        rooms = await provider.list_rooms()
    assert {r.id for r in rooms} == {"staff-weekly", "open-office-hours"}
    assert skipped == ["Campus BBB: skipped 1 unreadable room in the answer to getMeetings "
                       "(room number 1: a meeting without meetingID)."]
    for meeting in state_of(server).meetings.values():
        meeting.meeting_id = ""
    with pytest.raises(ProtocolError, match="could not read any room"):
        await provider.list_rooms()
    await provider.aclose()


@pytest.mark.asyncio
async def test_a_login_page_instead_of_xml_is_a_protocol_error() -> None:
    async def login_page(request: Request) -> Response:
        return HTMLResponse("<html><body><form>Sign in<br></form></body></html>")

    app = Starlette(routes=[Route("/bigbluebutton/api/{call}", login_page), Route("/bigbluebutton/api", login_page)])
    with SimulatorHost(app) as host:
        provider = BigBlueButtonProvider(Profile(name="Proxy", kind="bigbluebutton", base_url=host.origin), "s")
        for call in (provider.connect, provider.list_rooms):
            with pytest.raises(ProtocolError, match=r"not BigBlueButton's XML|unexpected XML"):
                await call()
        await provider.aclose()


def test_secret_never_in_links_or_repr(server: SimulatorHost) -> None:
    provider = make(server)
    secret = state_of(server).secret
    assert secret not in repr(provider)
    url = provider.signed_url("getMeetings", [])
    assert secret not in url


@pytest.mark.asyncio
async def test_one_bad_recording_row_is_skipped(provider: BigBlueButtonProvider, server: SimulatorHost) -> None:
    broken = next(iter(state_of(server).recordings.values()))
    broken.record_id = ""
    with collect_skipped() as skipped:
        recordings = await provider.list_recordings()
    assert len(recordings) == 2 and len(skipped) == 1 and "unreadable recording" in skipped[0]
