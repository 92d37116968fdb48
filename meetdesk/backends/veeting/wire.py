"""Veeting Rooms v6 on the wire: the response envelope, its error codes, times, and the Meeting object.

Everything here is pure (no HTTP); :mod:`meetdesk.backends.veeting.client` does the talking.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from meetdesk.domain.errors import (
    AuthenticationError,
    ConflictError,
    MeetdeskError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    ValidationError,
)
from meetdesk.domain.models import Account, AccountUser, Meeting, MeetingDraft
from meetdesk.domain.people import parse_participants

log = logging.getLogger("meetdesk.backends.veeting")

API = "api/v6"

# responseCode values of the v1 / OEM v1 documents (https://www.veeting.com/en/doc/api/v1); v6 keeps the
# envelope ({"responseCode": 0, "data": …}) as the v6 tutorial shows. -1's text is cut off in the public copy.
OK = 0
API_KEY_NOT_VALID = -1
SESSION_KEY_NOT_VALID = -2
NOT_ALLOWED = -3
DATA_NOT_VALID = -4
ACCOUNT_EXISTS = -10
UNKNOWN_ERROR = -99

#: meeting types, from the kinds the Terms of Service list; only "standard" appears in a public example —
#: the other wire values are ASSUMED (UNVERIFIED) spellings
MEETING_TYPES: tuple[tuple[str, str], ...] = (
    ("standard", "Standard meeting"),
    ("offTheRecord", "Off-the-record (end-to-end encrypted)"),
    ("boardroom", "Boardroom (telephone dial-in and recording)"),
    ("classroom", "Classroom / webinar"),
)
TYPE_LABELS = dict(MEETING_TYPES)

#: the field of the Meeting object assumed to hold the participants' link (UNVERIFIED: no public example
#: shows one; the simulator serves it under this name)
LINK_FIELD = "meetingUrl"

#: the fields meetdesk remembers of a meeting it created (never the icsToken or dial-in PIN)
REMEMBERED_FIELDS = ("id", "meetingId", "topic", "startTime", "endTime", "duration", "type", "isRecurring",
                     "isDialin", "isRecorded", "agenda", "invitedParticipants", "roomId", "timezone",
                     "addedByUserName", "addedByUserEmail", "accountId", LINK_FIELD)


class EndpointMissing(MeetdeskError):
    """The server has no such call (an HTTP 404/405 without the API's envelope): one of the unverified
    list / get / delete forms is not what this server offers."""


def format_time(value: datetime) -> str:
    """``2020-04-07T09:00:00.000Z``: UTC with milliseconds, as the v6 examples write times."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_time(raw: object, what: str) -> datetime:
    if not isinstance(raw, str) or not raw:
        raise ProtocolError(f"The meeting's {what} is missing.", detail=f"{what}={raw!r}")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ProtocolError(f"The meeting's {what} “{raw}” is not a date and time.") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def duration_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes from start to end, rounded up (the v6 examples send ``"duration": 60``)."""
    return max(1, math.ceil((end - start).total_seconds() / 60))


# envelope ---------------------------------------------------------------------------------------
def envelope_error(code: int, message: str, *, server: str, call: str, user_id: str) -> MeetdeskError:
    """The project's error for a negative ``responseCode``."""
    said = f" ({message})" if message else ""
    detail = f"{call}: responseCode {code}"
    if code in (API_KEY_NOT_VALID, SESSION_KEY_NOT_VALID):
        return AuthenticationError(f"{server} did not accept the API key{said}.", detail=detail,
                                   hint="Copy the key again from the Veeting account or white-label settings.")
    if code == NOT_ALLOWED:
        return PermissionDeniedError(
            f"{server} does not allow this API key to do that{said}.", detail=detail,
            hint="Creating accounts needs an instance-level key; a key needs the “Account” and “Meeting” "
                 "permissions, and an account key reaches only its own account's meetings.")
    if code == DATA_NOT_VALID:
        if not user_id and call.startswith(("GET meeting", "POST meeting", "PUT meeting", "DELETE meeting")):
            return ValidationError(
                f"{server} did not accept the meeting call{said}. An instance-level API key must name the "
                "organiser it acts for.", field="user_id", detail=detail,
                hint="Enter the organiser's user id in the profile (Accounts… looks up an account's "
                     "administrator), or use the account's own API key.")
        return ValidationError(f"{server} did not accept the data{said}.", detail=detail)
    if code == ACCOUNT_EXISTS:
        return ConflictError(f"{server} already has an account or user with that e-mail address{said}.",
                             detail=detail, hint="An e-mail address can exist only once on a Veeting instance.")
    if code == UNKNOWN_ERROR:
        return ServerError(f"{server} reported an unknown error{said}.", detail=detail,
                           hint="Try again later; if it persists, ask the Veeting administrator.")
    return ServerError(f"{server} reported error {code}{said}.", detail=detail)


def unwrap(body: object, *, server: str, call: str, user_id: str) -> Any:
    """The ``data`` of a successful envelope; the mapped error otherwise."""
    if not isinstance(body, Mapping) or "responseCode" not in body:
        raise ProtocolError(f"{server} answered {call} without the Veeting response envelope.",
                            hint="Check that the address is the Veeting instance itself.")
    try:
        code = int(body["responseCode"])
    except (TypeError, ValueError):
        raise ProtocolError(f"{server} answered {call} with an unreadable response code.",
                            detail=f"responseCode={body['responseCode']!r}") from None
    if code < 0:
        raise envelope_error(code, str(body.get("responseMessage") or "").strip(), server=server, call=call,
                             user_id=user_id)
    return body.get("data")


# meetings ---------------------------------------------------------------------------------------
def meeting_body(draft: MeetingDraft, options: Mapping[str, Any], *, meeting_id: str = "") -> dict[str, Any]:
    """The create/update body, field for field as the v6 tutorial sends it, plus ``agenda`` and ``timezone``
    (both fields of the Meeting object the server answers with)."""
    body: dict[str, Any] = {"topic": draft.title}
    if meeting_id:
        body["id"] = meeting_id
    body.update({
        "startTime": format_time(draft.start),
        "endTime": format_time(draft.end),
        "duration": duration_minutes(draft.start, draft.end),
        "type": str(options.get("type") or "standard"),
        "isRecurring": False,
        "isRecorded": bool(options.get("is_recorded", False)),
        "isDialin": bool(options.get("is_dialin", False)),
        "invitedParticipants": [{"email": p["email"], "name": p["name"]}
                                for p in options.get("invited") or []],
        "recurring": {},
        "meetingPermissionId": None,
        "agenda": draft.description,
    })
    if draft.timezone:
        body["timezone"] = draft.timezone
    return body


def _invited(raw: object) -> list[dict[str, str]]:
    people: list[dict[str, str]] = []
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, Mapping) and entry.get("email"):
            first_last = " ".join(str(entry.get(k) or "") for k in ("firstName", "lastName")).strip()
            people.append({"name": str(entry.get("name") or first_last), "email": str(entry["email"])})
        elif isinstance(entry, str) and entry:
            people.append({"name": "", "email": entry})
    try:
        return parse_participants(people)
    except ValidationError:
        return people  # what the server holds is shown as it is, even if meetdesk would not accept it


def parse_meeting(raw: object, *, local_only: bool = False) -> Meeting:
    """A Meeting object (the shape of the v6 create answer and of the web hooks) as a domain Meeting."""
    if not isinstance(raw, Mapping) or not raw.get("id"):
        raise ProtocolError("A meeting in the answer has no id.", detail=str(raw)[:200])
    start = parse_time(raw.get("startTime"), "start time")
    end = parse_time(raw.get("endTime"), "end time")
    kind = str(raw.get("type") or "standard")
    invited = _invited(raw.get("invitedParticipants"))
    return Meeting(
        id=str(raw["id"]),
        title=str(raw.get("topic") or ""),
        start=start,
        end=end,
        owner=str(raw.get("addedByUserName") or raw.get("addedByUserEmail") or ""),
        description=str(raw.get("agenda") or ""),
        timezone=str(raw.get("timezone") or ""),
        options={"type": kind, "is_dialin": bool(raw.get("isDialin")), "is_recorded": bool(raw.get("isRecorded")),
                 "invited": invited},
        extra={"meeting_number": str(raw.get("meetingId") or ""), "type": TYPE_LABELS.get(kind, kind),
               "invited_count": len(invited), "veeting_room": str(raw.get("roomId") or ""),
               "link": str(raw.get(LINK_FIELD) or "")},
        local_only=local_only,
    )


def remembered(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {key: raw[key] for key in REMEMBERED_FIELDS if key in raw}


# accounts ---------------------------------------------------------------------------------------
def parse_account(raw: object) -> Account:
    if not isinstance(raw, Mapping) or not raw.get("id"):
        raise ProtocolError("The new account in the answer has no id.", detail=str(raw)[:200])
    paid = raw.get("paidUntil")
    return Account(
        id=str(raw["id"]), name=str(raw.get("name") or ""), account_type=str(raw.get("accountType") or ""),
        paid_until=parse_time(paid, "paid-until date") if isinstance(paid, str) and paid else None,
        extra={k: raw[k] for k in ("numberOfMeetingRooms", "defaultMeetingType", "autoDeleteMeetingsAfterXDays",
                                   "canAddMeetingOrganizer") if k in raw},
    )


def parse_users(raw: object) -> list[AccountUser]:
    if not isinstance(raw, list):
        raise ProtocolError("The account administrators were not a list.", detail=str(raw)[:200])
    users = []
    for entry in raw:
        if not isinstance(entry, Mapping) or not entry.get("id"):
            log.warning("skipping an account user without id")
            continue
        users.append(AccountUser(
            id=str(entry["id"]), email=str(entry.get("email") or ""), first_name=str(entry.get("firstName") or ""),
            last_name=str(entry.get("lastName") or ""), language=str(entry.get("preferredLanguage") or ""),
            timezone=str(entry.get("timezone") or ""),  # icsToken / icsPath are capabilities: never kept
        ))
    return users
