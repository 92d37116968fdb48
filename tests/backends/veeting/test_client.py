"""The Veeting Rooms provider against its simulator over real loopback HTTP."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from meetdesk.backends.base import Capability, provider_class
from meetdesk.backends.veeting.client import VeetingProvider
from meetdesk.backends.veeting.simulator.app import ACCOUNT_KEY, INSTANCE_KEY, build
from meetdesk.backends.veeting.simulator.state import VeetingState
from meetdesk.domain.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    UnsupportedOperationError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind
from meetdesk.domain.models import AccountDraft, JoinRequest, MeetingDraft, Profile
from meetdesk.simulators.host import SimulatorHost

NOW = datetime.now(UTC).replace(microsecond=0)
WINDOW = (NOW - timedelta(days=1), NOW + timedelta(days=14))


class PersistSpy:
    def __init__(self, fail: bool = False) -> None:
        self.saved: list[dict[str, Any]] = []
        self.fail = fail

    async def __call__(self, data: dict[str, Any]) -> None:
        if self.fail:
            raise OSError("disk full")
        self.saved.append({k: dict(v) for k, v in data.items()})


@pytest.fixture(params=[True, False], ids=["listing", "no-listing"])
def server(request: pytest.FixtureRequest) -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build(natural_endpoints=request.param)) as host:
        yield host


@pytest.fixture
def listing_server() -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build()) as host:
        yield host


@pytest.fixture
def bare_server() -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build(natural_endpoints=False)) as host:
        yield host


def state_of(host: SimulatorHost) -> VeetingState:
    assert host.definition is not None
    state: VeetingState = host.definition.state
    return state


def admin_id(host: SimulatorHost) -> str:
    assert host.definition is not None
    return host.definition.fields["user_id"]


def provider(host: SimulatorHost, key: str = INSTANCE_KEY, *, user_id: str | None = None,
             persist: PersistSpy | None = None, data: dict[str, Any] | None = None) -> VeetingProvider:
    fields = {"user_id": admin_id(host) if user_id is None else user_id}
    profile = Profile(name="VT", kind="veeting", base_url=host.base_url, fields=fields, data=dict(data or {}))
    return VeetingProvider(profile, key, persist=persist or PersistSpy())


@pytest_asyncio.fixture
async def vt(server: SimulatorHost) -> AsyncIterator[VeetingProvider]:
    client = provider(server)
    yield client
    await client.aclose()


def draft(title: str = "Steering group", **options: Any) -> MeetingDraft:
    start = NOW + timedelta(days=1)
    return MeetingDraft(title=title, start=start, end=start + timedelta(minutes=45), timezone="Europe/Berlin",
                        description="Agenda: budget", options=options)


def test_registered_with_honest_capabilities_and_fields() -> None:
    cls = provider_class("veeting")
    assert cls is VeetingProvider and cls.display_name == "Veeting Rooms"
    assert Capability.MEETING_JOIN_LINK in cls.capabilities and Capability.ACCOUNTS in cls.capabilities
    assert Capability.LIST_ROOMS not in cls.capabilities
    assert [f.key for f in cls.connection_fields] == ["user_id", "api_key"]
    assert cls.secret_field() is not None and not cls.connection_fields[0].required
    fields = {f.key: f for f in cls.meeting_fields}
    assert fields["invited"].kind is FieldKind.PARTICIPANTS
    assert [v for v, _ in fields["type"].choices] == ["standard", "offTheRecord", "boardroom", "classroom"]
    assert cls.join_request_fields == frozenset()


@pytest.mark.asyncio
async def test_schedule_edit_cancel_with_invited_participants(server: SimulatorHost, vt: VeetingProvider) -> None:
    info = await vt.connect()
    assert info.product == "Veeting Rooms" and info.user == admin_id(server)
    meeting = await vt.create_meeting(draft(type="boardroom", is_dialin=True,
                                            invited="Ada Lovelace <ada@example.org>; bob@example.org"))
    assert meeting.options["invited"] == [{"name": "Ada Lovelace", "email": "ada@example.org"},
                                          {"name": "", "email": "bob@example.org"}]
    assert meeting.options["type"] == "boardroom" and meeting.options["is_dialin"] is True
    assert meeting.timezone == "Europe/Berlin" and meeting.description == "Agenda: budget"
    stored = state_of(server).meetings[meeting.id]
    assert stored["duration"] == "45" and stored["invitedParticipants"][0] == {"email": "ada@example.org",
                                                                              "name": "Ada Lovelace"}
    method, path, user, body = state_of(server).calls[-1]
    assert (method, path, user) == ("POST", "meeting", admin_id(server))
    assert body["duration"] == 45 and body["startTime"].endswith(".000Z") and body["recurring"] == {}

    listed = await vt.list_meetings(*WINDOW)
    assert meeting.id in {m.id for m in listed}

    changed = await vt.update_meeting(meeting.id, MeetingDraft(
        title="Steering group (moved)", start=meeting.start + timedelta(hours=1),
        end=meeting.end + timedelta(hours=1), options={**meeting.options, "invited": "carol@example.org"}))
    assert changed.title == "Steering group (moved)"
    assert changed.options["invited"] == [{"name": "", "email": "carol@example.org"}]
    method, path, _user, body = state_of(server).calls[-1]
    assert (method, path) == ("PUT", f"meeting/{meeting.id}/false")  # the seed's trailing flag
    assert body["id"] == meeting.id

    if state_of(server).natural_endpoints:
        await vt.cancel_meeting(meeting.id)
        assert meeting.id not in state_of(server).meetings
        assert meeting.id not in {m.id for m in await vt.list_meetings(*WINDOW)}
        assert vt.profile.data["meetings"] == {}
    else:
        with pytest.raises(UnsupportedOperationError, match="cancel"):
            await vt.cancel_meeting(meeting.id)
        assert meeting.id in vt.profile.data["meetings"]  # nothing pretended


@pytest.mark.asyncio
async def test_listing_refused_falls_back_to_meetings_created_here(bare_server: SimulatorHost) -> None:
    spy = PersistSpy()
    vt = provider(bare_server, persist=spy)
    try:
        info = await vt.connect()
        assert "not checked" in info.extra["key check"]
        assert await vt.list_meetings(*WINDOW) == [] and vt.meetings_local_only
        created = await vt.create_meeting(draft())
        remembered = spy.saved[-1]["meetings"][created.id]
        assert "icsToken" not in remembered and remembered["meetingUrl"]
        listed = await vt.list_meetings(*WINDOW)
        assert [m.id for m in listed] == [created.id] and listed[0].local_only
        # the three seeded meetings exist on the server, but meetdesk cannot know them
        assert len(state_of(bare_server).meetings) == 4
        # a fresh provider (after a restart) still knows it, from the profile alone
        again = provider(bare_server, data={"meetings": spy.saved[-1]["meetings"]})
        link = await again.join_link(JoinRequest(room_id="", meeting_id=created.id, display_name="Ada"))
        assert link.url == remembered["meetingUrl"]
        await again.aclose()
        with pytest.raises(NotFoundError):
            await vt.join_link(JoinRequest(room_id="", meeting_id="5e945c36b863b82cefdddf54", display_name="A"))
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_listing_replaces_nothing_when_the_server_lists(listing_server: SimulatorHost) -> None:
    vt = provider(listing_server)
    try:
        listed = await vt.list_meetings(*WINDOW)
        assert len(listed) == 3 and not vt.meetings_local_only and not any(m.local_only for m in listed)
        board = next(m for m in listed if m.options["type"] == "boardroom")
        assert board.extra["invited_count"] == 2 and board.extra["type"].startswith("Boardroom")
        assert len(board.extra["meeting_number"]) == 19
        assert await vt.list_meetings(NOW + timedelta(days=30), NOW + timedelta(days=40)) == []
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_join_link_is_the_meetings_link(server: SimulatorHost, vt: VeetingProvider) -> None:
    meeting = await vt.create_meeting(draft())
    link = await vt.join_link(JoinRequest(room_id="", meeting_id=meeting.id, display_name="Ada Lovelace",
                                          email="ignored@example.org"))
    number = state_of(server).meetings[meeting.id]["meetingId"]
    assert link.url == f"{server.origin}/meeting/{number}"
    assert link.display_name == "Ada Lovelace" and not link.single_use and link.expires_at is None
    assert "same meeting link" in link.note and number in link.note
    with pytest.raises(ValidationError):
        await vt.join_link(JoinRequest(room_id="x", display_name="Ada"))


@pytest.mark.asyncio
async def test_instance_key_without_user_id_says_what_to_do(listing_server: SimulatorHost) -> None:
    vt = provider(listing_server, user_id="")
    try:
        await vt.connect()  # the key works: accounts can be created to find an organiser
        with pytest.raises(ValidationError) as caught:
            await vt.list_meetings(*WINDOW)
        assert caught.value.field == "user_id"
        assert "instance-level API key must name the organiser" in caught.value.message
        with pytest.raises(ValidationError, match="organiser"):
            await vt.create_meeting(draft())
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_account_key_acts_as_its_own_user(listing_server: SimulatorHost) -> None:
    vt = provider(listing_server, ACCOUNT_KEY, user_id="")
    try:
        meeting = await vt.create_meeting(draft())
        assert state_of(listing_server).meetings[meeting.id]["addedByUserId"] == admin_id(listing_server)
        assert state_of(listing_server).calls[-1][2] == ""  # no X-USER-ID sent
        with pytest.raises(PermissionDeniedError, match="instance-level key"):
            await vt.create_account(AccountDraft("x@example.org", "X", "Y"))
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_bad_key_is_an_authentication_error(listing_server: SimulatorHost) -> None:
    vt = provider(listing_server, "not-the-key")
    try:
        with pytest.raises(AuthenticationError) as caught:
            await vt.connect()
        assert caught.value.exit_code == 3 and "not-the-key" not in caught.value.user_text()
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_accounts_create_and_admin_lookup(listing_server: SimulatorHost) -> None:
    vt = provider(listing_server)
    try:
        account = await vt.create_account(AccountDraft("dora@example.org", "Dora", "Director", "de",
                                                       {"account_type": "trial", "paid_until": "2030-01-01"}))
        assert account.account_type == "trial" and account.name == "dora@example.org"
        assert account.paid_until is not None and account.paid_until < NOW + timedelta(days=15)  # trial: 14 days
        sent = state_of(listing_server).calls[-1]
        assert sent[:3] == ("POST", "account", "")  # account calls act for nobody
        assert sent[3]["adminPreferredLanguage"] == "de" and sent[3]["sendPassword"] is True
        admins = await vt.account_admins(account.id)
        assert [(a.email, a.display_name) for a in admins] == [("dora@example.org", "Dora Director")]
        with pytest.raises(ConflictError):
            await vt.create_account(AccountDraft("dora@example.org", "Dora", "Again"))
        with pytest.raises(ValidationError, match="paid until"):
            await vt.create_account(AccountDraft("e@example.org", "E", "F", options={"account_type": "paid"}))
        with pytest.raises(ValidationError):
            await vt.account_admins("000000000000000000000000")
        paid = await vt.create_account(AccountDraft("f@example.org", "F", "G",
                                                    options={"account_type": "paid", "paid_until": "2031-06-30"}))
        assert paid.paid_until is not None and paid.paid_until.date().isoformat() == "2031-06-30"
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_bad_input_is_refused_before_sending(listing_server: SimulatorHost) -> None:
    vt = provider(listing_server)
    calls = len(state_of(listing_server).calls)
    try:
        with pytest.raises(ValidationError) as caught:
            await vt.create_meeting(draft(invited="Ada <ada@>"))
        assert caught.value.field == "invited"
        with pytest.raises(ValidationError, match="location"):
            await vt.create_meeting(MeetingDraft("T", NOW, NOW + timedelta(hours=1), location="Room 4"))
        with pytest.raises(ValidationError):
            await vt.create_meeting(draft(type="party"))
        assert len(state_of(listing_server).calls) == calls
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_unsaved_memory_is_reported(bare_server: SimulatorHost) -> None:
    vt = provider(bare_server, persist=PersistSpy(fail=True))
    try:
        with pytest.raises(ConfigError, match="was scheduled"):
            await vt.create_meeting(draft())
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_a_web_page_is_not_an_answer(listing_server: SimulatorHost) -> None:
    profile = Profile(name="VT", kind="veeting", base_url=listing_server.base_url + "/meeting",
                      fields={"user_id": admin_id(listing_server)})
    vt = VeetingProvider(profile, INSTANCE_KEY)
    try:
        with pytest.raises(ProtocolError):
            await vt.create_meeting(draft())
    finally:
        await vt.aclose()


@pytest.mark.asyncio
async def test_the_key_never_reaches_the_logs(listing_server: SimulatorHost, caplog: pytest.LogCaptureFixture,
                                              vt_debug: None) -> None:
    vt = provider(listing_server)
    try:
        await vt.connect()
        await vt.create_meeting(draft())
    finally:
        await vt.aclose()
    assert caplog.records and INSTANCE_KEY not in caplog.text


@pytest.fixture
def vt_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="meetdesk")


@pytest.mark.asyncio
async def test_one_bad_meeting_is_skipped_with_a_warning(listing_server: SimulatorHost,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    broken = next(iter(state_of(listing_server).meetings.values()))
    broken["startTime"] = "next tuesday"
    vt = provider(listing_server)
    try:
        listed = await vt.list_meetings(*WINDOW)
    finally:
        await vt.aclose()
    assert len(listed) == 2 and broken["id"] not in {m.id for m in listed}
    assert "skipped 1 unreadable meeting" in caplog.text and broken["id"] in caplog.text


def _proxy(status: int, body: str, content_type: str) -> Iterator[SimulatorHost]:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(_request: Any) -> Response:
        return Response(body, status_code=status, media_type=content_type)

    app = Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST", "PUT", "DELETE"])])
    with SimulatorHost(app) as host:
        yield host


@pytest.mark.asyncio
@pytest.mark.parametrize(("status", "body", "content_type", "error"), [
    (401, "<html>Sign in</html>", "text/html", AuthenticationError),
    (502, "<html>Bad gateway</html>", "text/html", ServerError),
    (200, '{"status": "ok"}', "application/json", ProtocolError),
    (200, '{"responseCode": "x"}', "application/json", ProtocolError),
    (500, '{"responseCode": 0, "data": {}}', "application/json", ServerError),
])
async def test_what_is_not_a_veeting_answer(status: int, body: str, content_type: str,
                                            error: type[Exception]) -> None:
    for host in _proxy(status, body, content_type):
        vt = VeetingProvider(Profile("VT", "veeting", host.base_url, fields={"user_id": "u"}), INSTANCE_KEY)
        try:
            with pytest.raises(error):
                await vt.create_meeting(draft())
        finally:
            await vt.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize(("code", "error", "says"), [
    (-1, AuthenticationError, "did not accept the API key"),
    (-2, AuthenticationError, "did not accept the API key"),
    (-3, PermissionDeniedError, "does not allow this API key"),
    (-4, ValidationError, "did not accept the data"),
    (-10, ConflictError, "already has an account"),
    (-99, ServerError, "unknown error"),
    (-42, ServerError, "error -42"),
])
async def test_every_response_code_has_its_error(code: int, error: type[Exception], says: str) -> None:
    body = f'{{"responseCode": {code}, "responseMessage": "Nope", "data": null}}'
    for host in _proxy(200, body, "application/json"):
        vt = VeetingProvider(Profile("VT", "veeting", host.base_url, fields={"user_id": "u"}), INSTANCE_KEY)
        try:
            with pytest.raises(error) as caught:
                await vt.create_account(AccountDraft("a@example.org", "A", "B"))
            assert says in str(caught.value) and "(Nope)" in str(caught.value)
        finally:
            await vt.aclose()


@pytest.mark.asyncio
async def test_invitees_and_link_policy_for_invitations(listing_server: SimulatorHost) -> None:
    assert not VeetingProvider.link_policy.per_person and not VeetingProvider.link_policy.role_bearing
    assert VeetingProvider.link_policy.can_send_ahead
    vt = provider(listing_server)
    try:
        meeting = await vt.create_meeting(draft(invited="Ada Lovelace <ada@example.org>; bob@example.org"))
        assert [(p.name, p.extra["email"]) for p in vt.meeting_invitees(meeting.id)] == [
            ("Ada Lovelace", "ada@example.org"), ("bob@example.org", "bob@example.org")]
        seeded = next(m for m in await vt.list_meetings(*WINDOW) if m.options["type"] == "boardroom")
        assert len(vt.meeting_invitees(seeded.id)) == 2
        await vt.cancel_meeting(meeting.id)
        assert vt.meeting_invitees(meeting.id) == []
    finally:
        await vt.aclose()
