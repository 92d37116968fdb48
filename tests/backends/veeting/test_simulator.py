"""The Veeting simulator against the seed document: its own request bodies get its own answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from meetdesk.backends.veeting.simulator.app import ACCOUNT_KEY, INSTANCE_KEY, build
from meetdesk.backends.veeting.simulator.state import VeetingState
from meetdesk.simulators.host import SimulatorHost
from tests.backends.conftest import Clock

# --- the seed (../shared/seeds/002_…): request bodies and answers, transcribed ---------------------
SEED_ACCOUNT_REQUEST = {"sendPassword": True, "accountType": "trial", "adminFirstname": "Test",
                        "adminLastname": "User", "adminEmail": "test-user@example.com",
                        "adminPreferredLanguage": "en", "paidUntil": "2020-04-19T19:03:41.203Z"}
SEED_ACCOUNT_ANSWER = {"responseCode": 0, "data": {
    "name": "test-user@example.com", "accountType": "trial", "numberOfMeetings": 0, "numberOfMeetingOrganizers": 0,
    "numberOfMeetingRooms": 1, "paidUntil": "2020-04-27T12:23:33.852Z", "iceCandidatesToFilter": [],
    "customDialInNumbers": [], "displayStandardDialInNumbersInInvite": True, "defaultMeetingPermissions": None,
    "defaultMeetingType": "standard", "defaultMeetingHasDialin": False, "defaultMeetingHasRecording": False,
    "autoExtendMeetings": False, "autoDeleteMeetingsAfterXDays": 360, "id": "5e9459c5b863b82cefdddf4f",
    "canAddMeetingOrganizer": True, "accountRooms": []}}
SEED_ADMIN_ANSWER = {"responseCode": 0, "data": [{
    "email": "test-user@example.com", "firstName": "Test", "lastName": "User", "externalUserId": None,
    "preferredLanguage": "en", "timezone": "Europe/Paris", "additionalTimezones": [],
    "id": "5e9459c5b863b82cefdddf4e",
    "icsToken": "ce5494bc-d691-4caf-906c-bfa6403fdc71-32a0633d-99e7-41ff-bfe9-e28fe2f10e73",
    "icsPath": "/api/v6/meeting/calender/user/"
               "ce5494bc-d691-4caf-906c-bfa6403fdc71-32a0633d-99e7-41ff-bfe9-e28fe2f10e73",
}]}
SEED_MEETING_REQUEST = {"topic": "My Meeting Topic", "startTime": "2020-04-07T09:00:00.000Z",
                        "endTime": "2020-04-07T10:00:00.000Z", "duration": 60, "type": "standard",
                        "isRecurring": False, "isRecorded": False, "isDialin": False, "invitedParticipants": [],
                        "recurring": {}, "meetingPermissionId": None}
SEED_MEETING_ANSWER = {"responseCode": 0, "data": {
    "invitedParticipants": [], "meetingId": "9974-7653-8886-0485", "id": "5e945c36b863b82cefdddf54",
    "topic": "My Meeting Topic", "startTime": "2020-04-07T09:00:00.000Z", "endTime": "2020-04-07T10:00:00.000Z",
    "duration": "60", "type": "standard", "roomId": "5e9459c5b863b82cefdddf50", "isRecurring": False,
    "isDialin": False,
    "recurring": {"frequencyType": "", "frequency": None, "monthlyPattern": "", "endsType": "",
                  "endsOn": "2020-04-13T12:18:07.211Z", "endsAfter": 0},
    "isRecorded": False, "agenda": "", "documents": [], "meetingPermissionId": None, "videoResolution": "standard",
    "dtClosedAt": None, "whitelabelId": "5c737902b377b0f7fbf81fce", "addedByUserId": "5e9459c5b863b82cefdddf4e",
    "addedByUserEmail": "test-user@example.com", "accountId": "5e9459c5b863b82cefdddf4f",
    "addedByUserName": "Test User", "timezone": "Europe/Zurich", "privateDataVisible": True, "icalSequence": "0",
    "icsToken": "c89f842f-3295-4bf9-807d-a46841fbc2ec-25f722e4-70fc-4163-9cda-b4b7d8aec358", "isActive": False,
    "isClosed": True, "isOpen": False, "dialInConferenceRoom": None, "dialInNumbers": [], "dialInPin": None,
    "sipProxy": None, "sipDomain": None, "isDemo": False, "isPromo": False}}
# the update example's curl line (its times differ from its JSON; the seed sends them so)
SEED_UPDATE_REQUEST = {"topic": "My Updated Meeting Topic", "id": "5e945c36b863b82cefdddf54",
                       "startTime": "2020-04-07T09:05:00.000Z", "endTime": "2020-04-07T10:00:05.000Z",
                       "duration": 60, "type": "standard", "isRecurring": False, "isRecorded": False,
                       "isDialin": False, "invitedParticipants": [], "recurring": {}, "meetingPermissionId": None}

GENERATED = {"meetingId", "id", "icsToken", "icsPath"}  # random per server; checked by shape
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
MEETING_NUMBER = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{4}$")


def ts(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@pytest.fixture
def clock() -> Clock:
    return Clock(ts("2020-04-13T12:18:07.211Z"))  # the seed's server start (its recurring.endsOn)


@pytest.fixture
def host(clock: Clock) -> Iterator[SimulatorHost]:
    definition = build(seed=False, clock=clock, object_ids=(bytes.fromhex("b863b82cef"), 0xDDDF4E))
    with SimulatorHost.for_definition(definition) as running:
        yield running


def state_of(host: SimulatorHost) -> VeetingState:
    assert host.definition is not None
    state: VeetingState = host.definition.state
    return state


def call(host: SimulatorHost, method: str, path: str, *, key: str = INSTANCE_KEY, user: str | None = None,
         body: Any = None) -> dict[str, Any]:
    headers = {"X-API-KEY": key, "content-type": "application/json"}
    if user is not None:
        headers["X-USER-ID"] = user
    response = httpx.request(method, f"{host.base_url}/api/v6/{path}", headers=headers, json=body, timeout=10)
    assert response.headers["content-type"].startswith("application/json"), response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_the_seed_requests_get_the_seed_answers(host: SimulatorHost, clock: Clock) -> None:
    clock.now = ts("2020-04-13T12:23:33.852Z")  # the account's ObjectId time and paidUntil − 14 days
    assert call(host, "POST", "account", body=SEED_ACCOUNT_REQUEST) == SEED_ACCOUNT_ANSWER

    admins = call(host, "GET", "account/admin/5e9459c5b863b82cefdddf4f")
    got = admins["data"][0]
    assert {k: v for k, v in got.items() if k not in GENERATED} == \
        {k: v for k, v in SEED_ADMIN_ANSWER["data"][0].items() if k not in GENERATED}  # type: ignore[index]
    assert got["id"] == "5e9459c5b863b82cefdddf4e"
    assert re.fullmatch(r"[0-9a-f-]{73}", got["icsToken"]) and got["icsPath"].endswith(got["icsToken"])

    clock.now = ts("2020-04-13T12:33:58.000Z")  # the meeting's ObjectId time
    meeting = call(host, "POST", "meeting", user="5e9459c5b863b82cefdddf4e", body=SEED_MEETING_REQUEST)
    data = meeting["data"]
    expected = SEED_MEETING_ANSWER["data"]
    assert isinstance(expected, dict)
    assert meeting["responseCode"] == 0
    # the one documented assumption the seed does not show: the participants' link
    assert data.pop("meetingUrl") == f"{host.origin}/meeting/{data['meetingId']}"
    assert list(data) == list(expected)  # the same fields, in the same order
    assert {k: v for k, v in data.items() if k not in GENERATED} == \
        {k: v for k, v in expected.items() if k not in GENERATED}
    assert OBJECT_ID.match(data["id"]) and data["id"].startswith("5e945c36b863b82cef")
    assert MEETING_NUMBER.match(data["meetingId"])
    assert data["duration"] == "60"  # sent as a number, answered as a string

    update = call(host, "PUT", f"meeting/{data['id']}/false", user="5e9459c5b863b82cefdddf4e",
                  body={**SEED_UPDATE_REQUEST, "id": data["id"]})
    assert update["responseCode"] == 0
    updated = update["data"]
    assert (updated["topic"], updated["startTime"], updated["endTime"], updated["duration"]) == \
        ("My Updated Meeting Topic", "2020-04-07T09:05:00.000Z", "2020-04-07T10:00:05.000Z", "60")
    assert updated["icalSequence"] == "1" and updated["meetingId"] == data["meetingId"]
    assert [c[:3] for c in state_of(host).calls] == [
        ("POST", "account", ""), ("GET", "account/admin/5e9459c5b863b82cefdddf4f", ""),
        ("POST", "meeting", "5e9459c5b863b82cefdddf4e"),
        ("PUT", f"meeting/{data['id']}/false", "5e9459c5b863b82cefdddf4e")]


def test_a_paid_account_keeps_its_paid_until(host: SimulatorHost) -> None:
    answer = call(host, "POST", "account", body={**SEED_ACCOUNT_REQUEST, "accountType": "paid"})
    assert answer["data"]["paidUntil"] == "2020-04-19T19:03:41.203Z"


def test_an_email_exists_once_per_instance(host: SimulatorHost) -> None:
    call(host, "POST", "account", body=SEED_ACCOUNT_REQUEST)
    again = call(host, "POST", "account", body={**SEED_ACCOUNT_REQUEST, "adminEmail": "TEST-user@example.com"})
    assert again["responseCode"] == -10 and again["data"] is None and again["responseMessage"]


def test_envelope_errors(host: SimulatorHost) -> None:
    assert call(host, "POST", "account", key="wrong", body=SEED_ACCOUNT_REQUEST)["responseCode"] == -1
    assert call(host, "GET", "account/admin/000000000000000000000000")["responseCode"] == -4
    assert call(host, "POST", "account", body={**SEED_ACCOUNT_REQUEST, "adminEmail": "nope"})["responseCode"] == -4
    # an instance key must name the organiser on meeting calls
    missing_user = call(host, "POST", "meeting", body=SEED_MEETING_REQUEST)
    assert missing_user["responseCode"] == -4 and "X-USER-ID" in missing_user["responseMessage"]
    assert call(host, "POST", "meeting", user="5e9459c5b863b82cefdddf4e",
                body=SEED_MEETING_REQUEST)["responseCode"] == -4  # no such user yet


def test_account_keys_act_as_their_account_and_cannot_create_accounts() -> None:
    with SimulatorHost.for_definition(build()) as host:
        state = state_of(host)
        admin_id = host.definition.fields["user_id"]  # type: ignore[union-attr]
        assert call(host, "POST", "account", key=ACCOUNT_KEY, body=SEED_ACCOUNT_REQUEST)["responseCode"] == -3
        created = call(host, "POST", "meeting", key=ACCOUNT_KEY, body=SEED_MEETING_REQUEST)["data"]
        assert created["addedByUserId"] == admin_id
        other = call(host, "POST", "account", body=SEED_ACCOUNT_REQUEST)["data"]
        stranger = state.admin_of(other["id"])
        assert stranger is not None
        refused = call(host, "GET", f"meeting/{created['id']}", key=ACCOUNT_KEY, user=stranger["id"])
        assert refused["responseCode"] == -3
        # the instance key sees the meeting only for an organiser of its account
        assert call(host, "GET", f"meeting/{created['id']}", user=stranger["id"])["responseCode"] == -3
        assert call(host, "GET", f"meeting/{created['id']}", user=admin_id)["data"]["id"] == created["id"]


def test_unverified_calls_can_be_switched_off() -> None:
    with SimulatorHost.for_definition(build(natural_endpoints=False)) as host:
        admin_id = host.definition.fields["user_id"]  # type: ignore[union-attr]
        for method in ("GET", "DELETE"):
            path = "meeting" if method == "GET" else "meeting/5e945c36b863b82cefdddf54"
            response = httpx.request(method, f"{host.base_url}/api/v6/{path}",
                                     headers={"X-API-KEY": INSTANCE_KEY, "X-USER-ID": admin_id})
            assert response.status_code == 404 and response.text.startswith(f"Cannot {method}")
        created = call(host, "POST", "meeting", user=admin_id, body=SEED_MEETING_REQUEST)
        assert created["responseCode"] == 0


def test_meeting_validation(host: SimulatorHost) -> None:
    user = call(host, "POST", "account", body=SEED_ACCOUNT_REQUEST)["data"]
    admin = state_of(host).admin_of(user["id"])
    assert admin is not None
    for broken in ({"topic": ""}, {"endTime": "2020-04-07T08:00:00.000Z"}, {"duration": "an hour"},
                   {"type": "party"}, {"invitedParticipants": [{"name": "No Mail"}]}):
        answer = call(host, "POST", "meeting", user=admin["id"], body={**SEED_MEETING_REQUEST, **broken})
        assert answer["responseCode"] == -4, broken
    page = httpx.get(f"{host.origin}/meeting/0000-0000-0000-0000")
    assert page.status_code == 404


def test_seeded_demo_meetings_are_upcoming() -> None:
    with SimulatorHost.for_definition(build()) as host:
        admin_id = host.definition.fields["user_id"]  # type: ignore[union-attr]
        listed = call(host, "GET", "meeting", user=admin_id)["data"]
        assert len(listed) == 3
        now = datetime.now(UTC).isoformat()
        assert all(m["startTime"] > now[:10] for m in listed)
        page = httpx.get(listed[0]["meetingUrl"])
        assert page.status_code == 200 and listed[0]["meetingId"] in page.text
