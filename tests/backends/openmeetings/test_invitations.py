"""OpenMeetings invitations (``room/hash``) from the client against the simulator, and the simulator's own rules."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio

from meetdesk.backends.base import create_provider
from meetdesk.backends.openmeetings.client import OpenMeetingsProvider
from meetdesk.backends.openmeetings.simulator.app import build
from meetdesk.backends.openmeetings.simulator.data import OpenMeetingsState
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import JoinRequest, Profile, Role
from meetdesk.simulators.host import SimulatorHost

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2031, 3, 4, 14, 0, tzinfo=BERLIN)
END = START + timedelta(hours=1)


@pytest.fixture(scope="module")
def host() -> Iterator[tuple[SimulatorHost, OpenMeetingsState, str]]:
    definition = build(version="9.1.0", failed_login_delay=0.0)
    with SimulatorHost.for_definition(definition) as running:
        yield running, definition.state, definition.secret


@pytest.fixture
def state(host: tuple[SimulatorHost, OpenMeetingsState, str]) -> OpenMeetingsState:
    host[1].reset()
    return host[1]


@pytest_asyncio.fixture
async def om(host: tuple[SimulatorHost, OpenMeetingsState, str],
             state: OpenMeetingsState) -> AsyncIterator[OpenMeetingsProvider]:
    profile = Profile(name="Campus OM", kind="openmeetings", base_url=host[0].base_url,
                      fields={"user": "admin", "timezone": "Europe/Berlin"})
    provider = create_provider(profile, host[2])
    assert isinstance(provider, OpenMeetingsProvider)
    await provider.connect()
    yield provider
    await provider.aclose()


def room_id(state: OpenMeetingsState) -> str:
    return str(min(state.rooms))


def person(state: OpenMeetingsState, name: str, email: str, **kw: object) -> JoinRequest:
    return JoinRequest(room_id=room_id(state), display_name=name, email=email, **kw)  # type: ignore[arg-type]


async def open_at(url: str, state: OpenMeetingsState, when: datetime, **form: str) -> httpx.Response:
    state.invitation_book.now = lambda: when.astimezone(UTC)
    async with httpx.AsyncClient() as client:
        if form:
            return await client.post(url, data=form)
        return await client.get(url)


@pytest.mark.asyncio
async def test_invitation_admits_its_person_only_during_the_meeting(om: OpenMeetingsProvider,
                                                                    state: OpenMeetingsState) -> None:
    link = await om.invitation_link(person(state, "Ada Lovelace", "ada@example.org"), START, END)
    assert "/openmeetings/hash?invitation=" in link.url and not link.single_use
    assert link.expires_at == END and link.role is Role.ATTENDEE
    too_early = await open_at(link.url, state, START - timedelta(minutes=6))
    assert 'data-error="error.hash.period"' in too_early.text
    early = await open_at(link.url, state, START - timedelta(minutes=4))  # RoomMapper: validFrom − 5 min
    assert "Welcome, Ada Lovelace." in early.text
    again = await open_at(link.url, state, START + timedelta(minutes=30))  # PERIOD: not used up
    assert "Welcome, Ada Lovelace." in again.text
    late = await open_at(link.url, state, END + timedelta(seconds=1))
    assert 'data-error="error.hash.period"' in late.text


@pytest.mark.asyncio
async def test_the_window_is_sent_as_server_wall_clock_without_offset(om: OpenMeetingsProvider,
                                                                     state: OpenMeetingsState) -> None:
    await om.invitation_link(person(state, "Ada Lovelace", "ada@example.org"), START.astimezone(UTC),
                             END.astimezone(UTC))
    stored = next(iter(state.invitation_book.invitations.values()))
    assert stored.valid == "PERIOD"
    assert stored.valid_from == START - timedelta(minutes=5) and stored.valid_to == END


@pytest.mark.asyncio
async def test_each_invitation_admits_its_own_person(om: OpenMeetingsProvider, state: OpenMeetingsState) -> None:
    people = [(f"Person {i} Example", f"p{i}@example.org") for i in range(5)]
    links = [await om.invitation_link(person(state, n, e), START, END) for n, e in people]
    for (name, _), link in zip(people, links, strict=True):
        page = await open_at(link.url, state, START)
        assert f"Welcome, {name}." in page.text


@pytest.mark.asyncio
async def test_password_and_server_mail(om: OpenMeetingsProvider, state: OpenMeetingsState) -> None:
    link = await om.invitation_link(person(state, "Grace Hopper", "grace@example.org"), START, END,
                                    password="s3cret-pass", send_mail=True, subject="Board meeting",
                                    message="See you there")
    assert "password" in link.note and "e-mailed" in link.note
    asks = await open_at(link.url, state, START)
    assert 'name="password"' in asks.text and "Welcome" not in asks.text
    wrong = await open_at(link.url, state, START, password="nope")
    assert 'data-error="error.password"' in wrong.text
    right = await open_at(link.url, state, START, password="s3cret-pass")
    assert "Welcome, Grace Hopper." in right.text
    [mail] = state.invitation_book.outbox
    assert mail.to == "grace@example.org" and mail.subject == "Board meeting"
    assert mail.link.split("invitation=")[1] == link.url.split("invitation=")[1]


@pytest.mark.asyncio
async def test_invitation_needs_an_email_and_a_window(om: OpenMeetingsProvider, state: OpenMeetingsState) -> None:
    with pytest.raises(ValidationError, match="e-mail"):
        await om.invitation_link(person(state, "No Mail", ""), START, END)
    with pytest.raises(ValidationError, match="end after"):
        await om.invitation_link(person(state, "Ada", "ada@example.org"), END, START)
    assert not state.invitation_book.invitations


@pytest.mark.asyncio
async def test_moderator_gets_a_reusable_role_bearing_join_link(om: OpenMeetingsProvider,
                                                                state: OpenMeetingsState) -> None:
    link = await om.invitation_link(person(state, "Mod Erator", "mod@example.org", moderator=True), START, END)
    assert "secure=" in link.url and link.role is Role.MODERATOR and not link.single_use
    async with httpx.AsyncClient() as client:
        for _ in range(2):
            page = await client.get(link.url)
            assert 'data-role="moderator"' in page.text


# the simulator on its own, as the real server behaves ---------------------------------------------
def test_simulator_reuses_the_contact_of_a_known_email(host: tuple[SimulatorHost, OpenMeetingsState, str],
                                                       state: OpenMeetingsState) -> None:
    """UserDao.getContact: a second invitation to the same address admits the first name given for it."""
    base = host[0].base_url
    with httpx.Client(base_url=base) as client:
        sid = client.post("services/user/login", data={"user": "admin", "pass": host[2]}).json()
        sid = sid["serviceResult"]["message"]
        hashes = []
        for first in ("First", "Second"):
            invite = {"roomId": min(state.rooms), "firstname": first, "lastname": "Person",
                      "email": "same@example.org", "valid": "ENDLESS"}
            answer = client.post("services/room/hash", params={"sid": sid, "invite": json.dumps(invite),
                                                               "sendmail": "false"})
            assert answer.status_code == 200
            hashes.append(answer.json()["serviceResult"]["message"])
        for code in hashes:
            assert "Welcome, First Person." in client.get("hash", params={"invitation": code}).text
        no_room = client.post("services/room/hash", params={"sid": sid, "invite": json.dumps({"firstname": "x"})})
        assert no_room.status_code == 404  # InvitationDTO.get: getLong("roomId") fails the conversion
        bad_date = {"roomId": min(state.rooms), "email": "x@example.org", "validFrom": "tomorrow", "validTo": ""}
        failed = client.post("services/room/hash", params={"sid": sid, "invite": json.dumps(bad_date)})
        assert failed.status_code == 500 and "ParseException" in failed.json()["serviceResult"]["message"]
        once = {"roomId": min(state.rooms), "email": "once@example.org", "valid": "ONE_TIME"}
        code = client.post("services/room/hash", params={"sid": sid, "invite": json.dumps(once)}).json()
        page = {"invitation": code["serviceResult"]["message"]}
        assert 'id="room"' in client.get("hash", params=page).text
        assert 'data-error="error.hash.used"' in client.get("hash", params=page).text
        refused = client.post("services/room/hash", params={"invite": json.dumps(once)})
        assert refused.status_code == 500 and refused.headers["exception"] == "error.notallowed"


@pytest.mark.asyncio
async def test_meeting_invitees_are_the_appointments_members_without_the_owner(om: OpenMeetingsProvider,
                                                                              state: OpenMeetingsState) -> None:
    now = datetime.now(UTC)
    meetings = await om.list_meetings(now - timedelta(days=2), now + timedelta(days=8))
    interview = next(m for m in meetings if m.title == "Recruiting interview")
    guests = [state.users[uid] for _mid, uid in state.appointments[int(interview.id)].members if uid != 1]
    people = om.meeting_invitees(interview.id)
    assert [(p.name, p.extra["email"]) for p in people] == [(g.display_name, g.email) for g in guests]
    assert guests and om.meeting_invitees("no-such-meeting") == []
