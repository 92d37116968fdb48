"""A local Veeting Rooms white-label instance as its "Web Meeting" API v6 shows it.

Modelled on Veeting's public "API usage" tutorial (the seed document), its web-hook page (the Meeting object)
and the v1 API pages (envelope and response codes). Veeting's server is closed source, so no server code could
be read; the behaviour below is what those documents show, plus the marked assumptions:

* ``POST /api/v6/account`` and ``GET /api/v6/account/admin/{id}``: instance keys only; a trial account is
  paid until 14 days after creation whatever ``paidUntil`` was sent (the tutorial's answer shows exactly that);
  an e-mail address may exist once per instance (-10).
* ``POST /api/v6/meeting`` and ``PUT /api/v6/meeting/{id}/{true|false}``: an instance key needs ``X-USER-ID``
  (-4 without it); an account key acts as its account's administrator. ``duration`` is answered as a string.
* UNVERIFIED (not in any public document, marked ``# unverified`` below): ``GET /api/v6/meeting``,
  ``GET /api/v6/meeting/{id}``, ``DELETE /api/v6/meeting/{id}``; the ``meetingUrl`` field and the participant
  page ``/meeting/{meetingId}`` it points to; ``invitedParticipants`` entries as ``{"email", "name"}``; the
  meeting type values other than ``standard``. With ``natural_endpoints=False`` the three unverified calls
  answer 404 like a route the server does not have.
* Failures are HTTP 200 with ``{"responseCode": <0, "responseMessage": …, "data": null}``, as the v1 pages
  describe every answer (that v6 answers failures with status 200 is UNVERIFIED).
"""

from __future__ import annotations

import html
import re
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from meetdesk.backends.veeting.simulator.state import (
    DEFAULT_TIMEZONE,
    WHITELABEL_ID,
    Key,
    ObjectIds,
    VeetingState,
    iso,
    parse_iso,
)
from meetdesk.simulators.host import SimulatorDefinition

API = "/api/v6"
INSTANCE_KEY = "vt-instance-7f3c9a1e5b2d4086"
ACCOUNT_KEY = "vt-account-2b8e6d0c4a9f1357"
TYPES = ("standard", "offTheRecord", "boardroom", "classroom")  # only "standard" is documented
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MESSAGES = {-1: "API key not valid", -3: "Not allowed", -4: "Data not valid", -10: "Account already exists",
            -99: "Unknown error"}


class Refused(Exception):
    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"responseCode": 0, "data": data})


def failed(code: int, detail: str = "") -> JSONResponse:
    message = MESSAGES.get(code, "Error") + (f": {detail}" if detail else "")
    return JSONResponse({"responseCode": code, "responseMessage": message, "data": None})


def missing_route(request: Request) -> Response:
    # what an Express server says for a route it does not have
    return PlainTextResponse(f"Cannot {request.method} {request.url.path}", status_code=404)


# request checks -----------------------------------------------------------------------------------
def key_of(state: VeetingState, request: Request) -> Key:
    key = state.keys.get(request.headers.get("x-api-key", ""))
    if key is None:
        raise Refused(-1)
    return key


def acting_user(state: VeetingState, key: Key, request: Request) -> dict[str, Any]:
    if "meeting" not in key.permissions:
        raise Refused(-3, "this API key lacks the Meeting permission")
    user_id = request.headers.get("x-user-id", "").strip()
    with state.lock:
        if key.level == "account":
            if not user_id:
                admin = state.admin_of(key.account_id)
                if admin is None:
                    raise Refused(-99)
                return admin
            user = state.users.get(user_id)
            if user is None or user["accountId"] != key.account_id:
                raise Refused(-3, "the user is not in this key's account")
            return user
        if not user_id:
            raise Refused(-4, "X-USER-ID is required with an instance API key")
        user = state.users.get(user_id)
        if user is None:
            raise Refused(-4, "unknown user")
        return user


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise Refused(-4, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise Refused(-4, "the body is not an object")
    return body


def meeting_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The scheduling fields of a create/update body, checked."""
    topic = body.get("topic")
    if not isinstance(topic, str) or not topic.strip():
        raise Refused(-4, "topic is required")
    start, end = parse_iso(body.get("startTime")), parse_iso(body.get("endTime"))
    if start is None or end is None:
        raise Refused(-4, "startTime and endTime must be ISO dates")
    if end <= start:
        raise Refused(-4, "endTime must be after startTime")
    duration = body.get("duration")
    if isinstance(duration, bool) or not str(duration).strip().isdigit():
        raise Refused(-4, "duration must be a number of minutes")
    kind = body.get("type", "standard")
    if kind not in TYPES:
        raise Refused(-4, f"unknown meeting type {kind}")
    invited = body.get("invitedParticipants", [])
    if not isinstance(invited, list):
        raise Refused(-4, "invitedParticipants must be a list")
    for person in invited:  # unverified shape: {"email", "name"}
        if not isinstance(person, dict) or not EMAIL.match(str(person.get("email", ""))):
            raise Refused(-4, "every invited participant needs an e-mail address")
    fields: dict[str, Any] = {
        "invitedParticipants": [{"email": p["email"], "name": str(p.get("name") or "")} for p in invited],
        "topic": topic, "startTime": iso(start), "endTime": iso(end), "duration": str(duration).strip(),
        "type": kind, "isRecurring": bool(body.get("isRecurring", False)),
        "isDialin": bool(body.get("isDialin", False)), "isRecorded": bool(body.get("isRecorded", False)),
    }
    for optional in ("agenda", "timezone"):
        if isinstance(body.get(optional), str):
            fields[optional] = body[optional]
    return fields


# meetings -----------------------------------------------------------------------------------------
def new_meeting(state: VeetingState, user: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    number = state.new_meeting_number()
    meeting: dict[str, Any] = {
        "invitedParticipants": fields["invitedParticipants"], "meetingId": number, "id": state.new_id(),
        "topic": fields["topic"], "startTime": fields["startTime"], "endTime": fields["endTime"],
        "duration": fields["duration"], "type": fields["type"], "roomId": state.rooms[user["accountId"]],
        "isRecurring": fields["isRecurring"], "isDialin": fields["isDialin"],
        "recurring": {"frequencyType": "", "frequency": None, "monthlyPattern": "", "endsType": "",
                      "endsOn": iso(state.started), "endsAfter": 0},
        "isRecorded": fields["isRecorded"], "agenda": fields.get("agenda", ""), "documents": [],
        "meetingPermissionId": None, "videoResolution": "standard", "dtClosedAt": None,
        "whitelabelId": WHITELABEL_ID, "addedByUserId": user["id"], "addedByUserEmail": user["email"],
        "accountId": user["accountId"], "addedByUserName": f"{user['firstName']} {user['lastName']}".strip(),
        "timezone": fields.get("timezone") or DEFAULT_TIMEZONE, "privateDataVisible": True, "icalSequence": "0",
        "icsToken": f"{uuid.uuid4()}-{uuid.uuid4()}", "isActive": False, "isClosed": False, "isOpen": False,
        "dialInConferenceRoom": None, "dialInNumbers": [], "dialInPin": None, "sipProxy": None, "sipDomain": None,
        "isDemo": False, "isPromo": False,
    }
    with state.lock:
        state.meetings[meeting["id"]] = meeting
        state.accounts[user["accountId"]]["numberOfMeetings"] += 1
    return meeting


def answer(state: VeetingState, meeting: dict[str, Any], origin: str) -> dict[str, Any]:
    """The stored meeting with its status as of now, and (unverified) its participants' link."""
    return {**meeting, **state.status_flags(meeting), "meetingUrl": f"{origin}/meeting/{meeting['meetingId']}"}


def own_meeting(state: VeetingState, user: dict[str, Any], meeting_id: str) -> dict[str, Any]:
    with state.lock:
        meeting = state.meetings.get(meeting_id)
    if meeting is None:
        raise Refused(-4, "meeting not found")
    if meeting["accountId"] != user["accountId"]:
        raise Refused(-3)
    return meeting


def create_app(state: VeetingState) -> Starlette:
    async def api(request: Request) -> Response:
        method, path = request.method, request.path_params["path"].strip("/")
        body: Any = None
        try:
            key = key_of(state, request)
            if method in ("POST", "PUT"):
                body = await json_object(request)
            with state.lock:
                state.calls.append((method, path, request.headers.get("x-user-id", ""), body))
            parts = path.split("/")
            if parts[0] == "account":
                return account_call(state, key, method, parts, body)
            if parts[0] == "meeting":
                return meeting_call(state, key, request, method, parts, body)
        except Refused as refused:
            return failed(refused.code, refused.detail)
        return missing_route(request)

    async def participant_page(request: Request) -> Response:  # unverified: where meetingUrl points
        number = request.path_params["number"]
        with state.lock:
            meeting = next((m for m in state.meetings.values() if m["meetingId"] == number), None)
        if meeting is None:
            return HTMLResponse("<!DOCTYPE html><title>Veeting Rooms</title><p>This meeting does not exist.</p>",
                                status_code=404)
        return HTMLResponse(f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                            f"{html.escape(meeting['topic'])} – Veeting Rooms</title></head><body>"
                            f"<main data-meeting-id=\"{number}\"><h1>{html.escape(meeting['topic'])}</h1>"
                            "<label>Your name <input name=\"name\"></label></main></body></html>")

    return Starlette(routes=[
        Route(f"{API}/{{path:path}}", api, methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/meeting/{number}", participant_page, methods=["GET"]),
    ])


def account_call(state: VeetingState, key: Key, method: str, parts: list[str], body: Any) -> JSONResponse:
    if key.level != "instance" or "account" not in key.permissions:
        raise Refused(-3, "creating accounts needs an instance API key with the Account permission")
    if method == "POST" and len(parts) == 1:
        email = str(body.get("adminEmail") or "").strip()
        if not EMAIL.match(email) or not str(body.get("accountType") or "").strip():
            raise Refused(-4, "adminEmail and accountType are required")
        if body.get("accountType") != "trial" and parse_iso(body.get("paidUntil")) is None:
            raise Refused(-4, "paidUntil must be an ISO date")
        if state.email_taken(email):
            raise Refused(-10)
        return ok(state.create_account({**body, "adminEmail": email}))
    if method == "GET" and len(parts) == 3 and parts[1] == "admin":
        with state.lock:
            known = parts[2] in state.accounts
        if not known:
            raise Refused(-4, "unknown account")
        return ok(state.admins(parts[2]))
    raise Refused(-4)


def meeting_call(state: VeetingState, key: Key, request: Request, method: str, parts: list[str],
                 body: Any) -> Response:
    origin = str(request.base_url).rstrip("/")
    if method == "POST" and len(parts) == 1:
        return ok(answer(state, new_meeting(state, acting_user(state, key, request), meeting_fields(body)), origin))
    if method == "PUT" and len(parts) == 3 and parts[2] in ("true", "false"):
        user = acting_user(state, key, request)
        meeting = own_meeting(state, user, parts[1])
        if body.get("id") not in (None, parts[1]):
            raise Refused(-4, "the id in the body is not the meeting's")
        fields = meeting_fields(body)
        with state.lock:
            meeting.update(fields)
            meeting["icalSequence"] = str(int(meeting["icalSequence"]) + 1)
        return ok(answer(state, meeting, origin))
    if not state.natural_endpoints:
        return missing_route(request)
    # unverified: the list / get / delete forms below are not in any public document
    if method == "GET" and len(parts) == 1:
        user = acting_user(state, key, request)
        with state.lock:
            mine = [answer(state, m, origin) for m in state.meetings.values() if m["accountId"] == user["accountId"]]
        return ok(sorted(mine, key=lambda m: m["startTime"]))
    if method == "GET" and len(parts) == 2:
        return ok(answer(state, own_meeting(state, acting_user(state, key, request), parts[1]), origin))
    if method == "DELETE" and len(parts) == 2:
        meeting = own_meeting(state, acting_user(state, key, request), parts[1])
        with state.lock:
            del state.meetings[meeting["id"]]
        return ok(None)
    return missing_route(request)


# seed ---------------------------------------------------------------------------------------------
SEED_MEETINGS: tuple[tuple[str, int, int, int, str, list[tuple[str, str]]], ...] = (
    ("Board meeting – Q4 figures", 1, 9, 90, "boardroom", [("Ada Lovelace", "ada@example.org"),
                                                           ("Charles Babbage", "charles@example.org")]),
    ("Onboarding: new coordinators", 2, 14, 60, "standard", [("", "newcomers@example.org")]),
    ("Parents' evening (webinar)", 4, 18, 120, "classroom", []),
)


def _seed(state: VeetingState, admin: dict[str, Any]) -> None:
    now = state.clock()
    day = now - now % 86400
    for topic, days, hour, minutes, kind, people in SEED_MEETINGS:
        start = day + days * 86400 + hour * 3600
        fields = {"invitedParticipants": [{"email": e, "name": n} for n, e in people], "topic": topic,
                  "startTime": iso(start), "endTime": iso(start + minutes * 60), "duration": str(minutes),
                  "type": kind, "isRecurring": False, "isDialin": kind == "boardroom",
                  "isRecorded": kind == "boardroom", "agenda": ""}
        new_meeting(state, admin, fields)


def build(*, seed: bool = True, **options: Any) -> SimulatorDefinition:
    """The Veeting Rooms v6 simulator.

    Options:
        natural_endpoints: False makes the unverified list / get / delete calls answer 404 (default True).
        clock: a ``time.time``-like callable.
        object_ids: (process bytes, counter) to make ObjectIds predictable in tests.
    """
    clock = options.get("clock", time.time)
    process, counter = options.get("object_ids", (None, None))
    state = VeetingState(clock=clock, ids=ObjectIds(clock, process, counter),
                         natural_endpoints=bool(options.get("natural_endpoints", True)))
    state.keys[INSTANCE_KEY] = Key("instance")
    if seed:
        account = state.create_account({"accountType": "paid", "paidUntil": iso(clock() + 365 * 86400),
                                        "adminFirstname": "Clara", "adminLastname": "Coordinator",
                                        "adminEmail": "clara@coordination.example.org",
                                        "adminPreferredLanguage": "en"})
        state.keys[ACCOUNT_KEY] = Key("account", frozenset({"meeting"}), account["id"])
        admin = state.admin_of(account["id"])
        assert admin is not None
        _seed(state, admin)
        fields = {"user_id": admin["id"]}
    else:
        fields = {}
    return SimulatorDefinition(kind="veeting", app=create_app(state), fields=fields, secret=INSTANCE_KEY,
                               state=state)
