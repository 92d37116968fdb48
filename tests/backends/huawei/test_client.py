"""The Huawei Cloud Meeting provider against its simulator over real loopback TLS."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from meetdesk.backends.base import Capability, provider_class
from meetdesk.backends.huawei.client import HuaweiProvider
from meetdesk.backends.huawei.session import app_signature
from meetdesk.backends.huawei.zones import huawei_zone_id
from meetdesk.domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from meetdesk.domain.models import JoinRequest, LiveInvitee, MeetingDraft, Profile, Role
from tests.backends.huawei.conftest import Server

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.asyncio


def make(server: Server, *, secret: str | None = None, **fields: str) -> HuaweiProvider:
    profile = Profile(name="HW", kind="huawei", base_url=server.host.base_url, ca_file=server.host.ca_file,
                      fields={**server.fields, **fields})
    provider = provider_class("huawei")(profile, server.secret if secret is None else secret)
    assert isinstance(provider, HuaweiProvider)
    return provider


@pytest_asyncio.fixture
async def hw(server: Server) -> AsyncIterator[HuaweiProvider]:
    provider = make(server)
    await provider.connect()
    yield provider
    await provider.aclose()


def draft(title: str = "Quarterly planning", *, start: datetime | None = None, minutes: int = 60,
          zone: str = "Europe/Berlin", **options: object) -> MeetingDraft:
    begin = start or (datetime.now(BERLIN) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    return MeetingDraft(title=title, start=begin, end=begin + timedelta(minutes=minutes), timezone=zone,
                        options=dict(options))


def running_id(server: Server) -> str:
    return next(c.id for c in server.state.conferences.values() if c.state == "Created")


# signing in ------------------------------------------------------------------------------------

async def test_registered_with_its_capabilities() -> None:
    cls = provider_class("huawei")
    assert cls.display_name == "Huawei Cloud Meeting"
    for cap in (Capability.MEETING_JOIN_LINK, Capability.LIVE_CONTROL, Capability.LIST_ROOMS,
                Capability.CREATE_MEETING, Capability.UPDATE_MEETING, Capability.CANCEL_MEETING):
        assert cap in cls.capabilities


async def test_account_sign_in_reports_the_user(server: Server) -> None:
    provider = make(server)
    try:
        info = await provider.connect()
    finally:
        await provider.aclose()
    assert info.product == "Huawei Cloud Meeting" and info.user == "Mei Chen"


async def test_wrong_password_is_an_authentication_error_with_huaweis_message(server: Server) -> None:
    provider = make(server, secret="not-the-password")
    with pytest.raises(AuthenticationError) as caught:
        await provider.connect()
    await provider.aclose()
    assert "Incorrect account or password" in caught.value.message
    assert caught.value.exit_code == 3


async def test_app_id_sign_in(server: Server) -> None:
    app = server.app_auth
    provider = make(server, secret=app["app_key"], auth="app_id", app_id=app["app_id"], user_id=app["user_id"])
    try:
        await provider.connect()
        assert [r.name for r in await provider.list_rooms()]
    finally:
        await provider.aclose()


async def test_app_id_with_a_wrong_key_is_refused(server: Server) -> None:
    app = server.app_auth
    provider = make(server, secret="0" * 64, auth="app_id", app_id=app["app_id"], user_id=app["user_id"])
    with pytest.raises(AuthenticationError, match="App ID"):
        await provider.connect()
    await provider.aclose()


async def test_app_signature_matches_the_captured_sdk_request() -> None:
    # reference §6.4: the SDK's signature for app myAppId / key myAppKey / corp corp1 / user u1
    nonce, expire = "e93dc439-4cfb-410d-89dc-117fd129845f", 1795311826
    sig = app_signature("myAppKey", "myAppId", "u1", "corp1", expire, nonce)
    import hashlib
    import hmac
    expected = hmac.new(b"myAppKey", f"myAppId:corp1:u1:{expire}:{nonce}".encode(), hashlib.sha256).hexdigest()
    assert sig == expected.upper()


async def test_missing_account_is_refused_before_any_request(server: Server) -> None:
    provider = make(server, account="")
    with pytest.raises(ValidationError) as caught:
        await provider.connect()
    assert caught.value.field == "account"
    assert server.state.auth_calls == 0


async def test_token_is_renewed_before_it_expires(server: Server) -> None:
    server.state.token_ttl = 3
    provider = make(server)
    try:
        await provider.connect()
        assert server.state.auth_calls == 1
        await asyncio.sleep(2.8)  # inside the renewal margin: a new token is fetched before the call
        await provider.list_rooms()
        assert server.state.auth_calls == 2
    finally:
        await provider.aclose()


async def test_a_refused_token_is_renewed_once(hw: HuaweiProvider, server: Server) -> None:
    server.state.expire_tokens()
    rooms = await hw.list_rooms()
    assert rooms and server.state.auth_calls == 2


async def test_the_token_never_reaches_the_logs(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="meetdesk")
    provider = make(server)
    await provider.connect()
    await provider.list_rooms()
    tokens = list(server.state.tokens)
    await provider.aclose()
    assert tokens and not any(t in caplog.text for t in tokens)
    assert server.secret not in caplog.text


# meetings ------------------------------------------------------------------------------------

async def test_lists_scheduled_running_and_past_meetings(hw: HuaweiProvider) -> None:
    now = datetime.now(UTC)
    meetings = await hw.list_meetings(now - timedelta(days=1), now + timedelta(days=14))
    states = {m.title: m.extra["state"] for m in meetings}
    assert states == {"Regional coordinators' sync": "running", "Budget review": "scheduled",
                      "Onboarding: new trainers": "scheduled", "Morning stand-up": "ended"}
    sync = next(m for m in meetings if m.extra["state"] == "running")
    assert sync.extra["online"] == 3 and sync.owner == "Mei Chen"
    assert sync.timezone == "Europe/Berlin" and sync.room_name  # timeZoneID 27, in a cloud room
    assert sync.start.tzinfo is not None


async def test_create_sends_utc_and_the_huawei_zone(hw: HuaweiProvider, server: Server) -> None:
    meeting = await hw.create_meeting(draft(guest_password="4321"))
    stored = server.state.conferences[meeting.id]
    local = draft().start
    assert stored.start == local.astimezone(UTC)
    assert stored.time_zone_id == "27" and stored.length == 60
    assert meeting.start == local and meeting.timezone == "Europe/Berlin"
    assert meeting.options["guest_password"] == "4321"


async def test_a_zone_huawei_cannot_name_is_refused(hw: HuaweiProvider, server: Server) -> None:
    before = len(server.state.conferences)
    with pytest.raises(ValidationError) as caught:
        await hw.create_meeting(draft(zone="Asia/Kathmandu"))
    assert caught.value.field == "timezone" and len(server.state.conferences) == before


async def test_update_sends_the_complete_meeting(hw: HuaweiProvider, server: Server) -> None:
    created = await hw.create_meeting(draft(auto_mute=True, call_in="3", guest_password="8765"))
    # only the title changes; the server resets whatever an update leaves out
    changed = MeetingDraft(title="Renamed", start=created.start, end=created.end, timezone=created.timezone,
                           options=dict(created.options))
    updated = await hw.update_meeting(created.id, changed)
    stored = server.state.conferences[created.id]
    assert updated.title == "Renamed"
    assert stored.start == created.start.astimezone(UTC) and stored.length == 60
    assert stored.conf_config["isAutoMute"] is True and stored.conf_config["callInRestriction"] == 3
    assert stored.guest_pwd == "8765"


async def test_a_running_meeting_cannot_be_edited(hw: HuaweiProvider, server: Server) -> None:
    with pytest.raises(ConflictError):
        await hw.update_meeting(running_id(server), draft("Edited while running"))


async def test_cancel_a_scheduled_and_a_running_meeting(hw: HuaweiProvider, server: Server) -> None:
    created = await hw.create_meeting(draft())
    await hw.cancel_meeting(created.id)
    assert created.id not in server.state.conferences
    running = running_id(server)
    await hw.cancel_meeting(running)  # needs type=1 on the wire
    assert server.state.conferences[running].state == "Destroyed"


async def test_unknown_meeting_is_not_found(hw: HuaweiProvider) -> None:
    with pytest.raises(NotFoundError):
        await hw.cancel_meeting("900000001")


async def test_recurring_meeting(hw: HuaweiProvider, server: Server) -> None:
    first = draft("Weekly sync")
    until = (first.start + timedelta(days=28)).date().isoformat()
    meeting = await hw.create_meeting(draft("Weekly sync", recurrence="Week", repeat_every=1, repeat_until=until))
    cycle = server.state.conferences[meeting.id].cycle_params
    assert cycle is not None and cycle["cycle"] == "Week" and cycle["endDate"] == until
    assert cycle["point"] == [(first.start.weekday() + 1) % 7]
    assert meeting.options["recurrence"] == "Week" and meeting.extra["recurring"]


async def test_description_is_refused_not_dropped(hw: HuaweiProvider) -> None:
    with pytest.raises(ValidationError) as caught:
        await hw.create_meeting(MeetingDraft(title="T", start=draft().start, end=draft().end,
                                             timezone="Europe/Berlin", description="Agenda"))
    assert caught.value.field == "description"


# rooms and links -------------------------------------------------------------------------------

async def test_cloud_rooms_and_a_meeting_in_one(hw: HuaweiProvider, server: Server) -> None:
    rooms = {r.name: r for r in await hw.list_rooms()}
    board = rooms["Board room (cloud)"]
    assert board.extra == {"type": "Cloud room", "number": "987654321", "capacity": 50}
    meeting = await hw.create_meeting(MeetingDraft(title="In the board room", start=draft().start, end=draft().end,
                                                   timezone="Europe/Berlin", room_id=board.id))
    assert server.state.conferences[meeting.id].vmr is not None
    assert meeting.room_id == board.id and meeting.room_name == "Board room (cloud)"


async def test_guest_and_chair_links(hw: HuaweiProvider, server: Server) -> None:
    meeting = await hw.create_meeting(draft())
    stored = server.state.conferences[meeting.id]
    guest = await hw.join_link(JoinRequest(room_id="", meeting_id=meeting.id, display_name="Li"))
    chair = await hw.join_link(JoinRequest(room_id="", meeting_id=meeting.id, display_name="Mei", moderator=True))
    assert guest.url.endswith(stored.guest_uri_key) and guest.role is Role.ATTENDEE
    assert chair.url.endswith(stored.chair_uri_key) and chair.role is Role.MODERATOR
    assert guest.expires_at == meeting.end and not guest.single_use
    assert stored.guest_pwd in guest.note and stored.chair_pwd in chair.note and stored.chair_pwd not in guest.note


# live control ---------------------------------------------------------------------------------

async def test_start_then_control(hw: HuaweiProvider, server: Server) -> None:
    meeting = await hw.create_meeting(draft())
    with pytest.raises(ConflictError, match="not running"):
        await hw.set_lock(meeting.id, True)
    await hw.start_meeting(meeting.id)
    stored = server.state.conferences[meeting.id]
    assert stored.state == "Created"
    await hw.invite(meeting.id, LiveInvitee(name="Bob", phone="+4915112345678"))
    await hw.set_lock(meeting.id, True)
    await hw.mute_all(meeting.id, True)
    await hw.extend_meeting(meeting.id, 15)
    assert stored.locked and stored.muted and stored.length == 75
    status = await hw.live_status(meeting.id)
    assert status.running and [p.name for p in status.participants] == ["Bob"]
    assert status.participants[0].state == "calling" and status.participants[0].muted
    assert status.extra["chair_password"] == stored.chair_pwd
    await hw.end_meeting(meeting.id)
    assert stored.state == "Destroyed"
    ended = await hw.live_status(meeting.id)
    assert not ended.running and ended.state == "ended"


async def test_who_is_online(hw: HuaweiProvider, server: Server) -> None:
    status = await hw.live_status(running_id(server))
    assert {p.name: p.role for p in status.participants} == {"Mei Chen": "moderator", "Li Wei": "attendee",
                                                            "Ana Souza": "attendee"}
    assert all(p.state == "in meeting" for p in status.participants)


async def test_invite_a_terminal_with_the_password(hw: HuaweiProvider, server: Server) -> None:
    conference_id = running_id(server)
    await hw.invite(conference_id, LiveInvitee(name="", sip="+99111283523479999", terminal=True))
    assert "+99111283523479999" in [p.phone for p in server.state.conferences[conference_id].participants]
    assert not server.state.conf_tokens  # inviteWithPwd needs no control token


async def test_an_expired_control_token_is_replaced(hw: HuaweiProvider, server: Server) -> None:
    conference_id = running_id(server)
    await hw.set_lock(conference_id, True)
    server.state.conf_tokens.clear()
    await hw.set_lock(conference_id, False)
    assert server.state.conferences[conference_id].locked is False


async def test_invite_needs_a_number(hw: HuaweiProvider, server: Server) -> None:
    with pytest.raises(ValidationError) as caught:
        await hw.invite(running_id(server), LiveInvitee(name="Eve", email="eve@example.org"))
    assert caught.value.field == "phone"


async def test_a_wrong_chair_password_is_refused(hw: HuaweiProvider, server: Server) -> None:
    meeting = await hw.create_meeting(draft())
    server.state.conferences[meeting.id].chair_pwd = "000000"  # someone changed it meanwhile
    hw._conferences[meeting.id]["passwordEntry"][0]["password"] = "111111"
    with pytest.raises(PermissionDeniedError):
        await hw._request("POST", "/v1/mmc/management/conferences/start", "starting",
                          json={"conferenceID": meeting.id, "password": "111111"})


async def test_zone_table_has_the_documented_examples() -> None:
    assert huawei_zone_id("Asia/Shanghai") == "56" and huawei_zone_id("Europe/London") == "26"
    assert huawei_zone_id("Asia/Kathmandu") is None


async def test_control_secrets_never_reach_the_logs(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="meetdesk")
    provider = make(server)
    await provider.connect()
    conference_id = running_id(server)
    await provider.set_lock(conference_id, True)
    await provider.aclose()
    stored = server.state.conferences[conference_id]
    conf_tokens = list(server.state.conf_tokens)
    assert conf_tokens and not any(t in caplog.text for t in conf_tokens)
    assert stored.chair_pwd not in caplog.text


async def test_one_unreadable_conference_is_skipped_with_a_warning(hw: HuaweiProvider, server: Server,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    broken = next(c for c in server.state.conferences.values() if c.subject == "Budget review")
    good = broken.info()
    broken.info = lambda **_kw: {**good, "startTime": "tomorrow-ish"}  # type: ignore[method-assign]
    now = datetime.now(UTC)
    with caplog.at_level(logging.WARNING, logger="meetdesk"):
        meetings = await hw.list_meetings(now - timedelta(days=1), now + timedelta(days=14))
    assert "Budget review" not in [m.title for m in meetings] and len(meetings) == 3
    assert "skipped 1 unreadable meeting" in caplog.text and broken.id in caplog.text


async def test_recurring_meeting_is_updated_and_cancelled_as_one(hw: HuaweiProvider, server: Server) -> None:
    until = (draft().start + timedelta(days=14)).date().isoformat()
    meeting = await hw.create_meeting(draft("Daily check-in", recurrence="Day", repeat_every=2, repeat_until=until))
    renamed = MeetingDraft(title="Daily check-in (new time)", start=meeting.start + timedelta(hours=1),
                           end=meeting.end + timedelta(hours=1), timezone=meeting.timezone,
                           options=dict(meeting.options))
    updated = await hw.update_meeting(meeting.id, renamed)
    stored = server.state.conferences[meeting.id]
    assert updated.title == "Daily check-in (new time)" and stored.cycle_params is not None
    assert stored.cycle_params["interval"] == 2
    single = MeetingDraft(title="Once", start=renamed.start, end=renamed.end, timezone=meeting.timezone,
                          options={**meeting.options, "recurrence": "none"})
    with pytest.raises(ValidationError) as caught:
        await hw.update_meeting(meeting.id, single)
    assert caught.value.field == "recurrence"
    await hw.cancel_meeting(meeting.id)
    assert meeting.id not in server.state.conferences
