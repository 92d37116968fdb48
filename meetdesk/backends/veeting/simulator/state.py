"""The data of a simulated Veeting white-label instance: keys, accounts, organisers, meetings.

Objects are kept as the JSON the v6 tutorial shows (field for field, in its order), so the app answers
exactly those shapes.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

TRIAL_DAYS = 14
DEFAULT_TIMEZONE = "Europe/Zurich"  # the zone of the tutorial's meeting (its organiser's own zone is Paris)
USER_TIMEZONE = "Europe/Paris"
WHITELABEL_ID = "5c737902b377b0f7fbf81fce"  # the tutorial's


def iso(ts: float) -> str:
    """``2020-04-07T09:00:00.000Z``."""
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(raw: object) -> float | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


class ObjectIds:
    """MongoDB ObjectIds: 4 bytes of creation time, 5 bytes fixed per process, a 3-byte counter.

    The tutorial's ids show it: user …4e, account …4f, room …50 share time and process bytes.
    """

    def __init__(self, clock: Callable[[], float], process: bytes | None = None, counter: int | None = None) -> None:
        self._clock = clock
        self._process = process if process is not None else os.urandom(5)
        self._counter = counter if counter is not None else random.randrange(0xFFFFFF)

    def new(self) -> str:
        value = int(self._clock()).to_bytes(4, "big") + self._process + self._counter.to_bytes(3, "big")
        self._counter = (self._counter + 1) & 0xFFFFFF
        return value.hex()


@dataclass(frozen=True)
class Key:
    """An API key. ``account_id`` is set for account-level keys; instance keys carry "account" permission."""

    level: str  # "instance" | "account"
    permissions: frozenset[str] = frozenset({"account", "meeting"})
    account_id: str = ""


@dataclass
class VeetingState:
    clock: Callable[[], float] = time.time
    ids: ObjectIds | None = None
    keys: dict[str, Key] = field(default_factory=dict)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: account id → its meeting room id
    rooms: dict[str, str] = field(default_factory=dict)
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the unverified list / get / delete calls exist (False: they answer 404 like an absent route)
    natural_endpoints: bool = True
    #: (method, path, X-USER-ID, body) of every API call, for tests
    calls: list[tuple[str, str, str, Any]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    started: float = 0.0

    def __post_init__(self) -> None:
        if self.ids is None:
            self.ids = ObjectIds(self.clock)
        # The tutorial's recurring.endsOn (12:18:07) is earlier than both its account (12:23:33) and its
        # meeting (12:33:58): a default computed once when the server started, which is what this models.
        self.started = self.clock()

    def new_id(self) -> str:
        assert self.ids is not None
        return self.ids.new()

    # accounts ---------------------------------------------------------------------------------
    def create_account(self, body: dict[str, Any]) -> dict[str, Any]:
        now = self.clock()
        email = str(body["adminEmail"])
        user_id, account_id, room_id = self.new_id(), self.new_id(), self.new_id()
        trial = body.get("accountType") == "trial"
        paid_until = iso(now + TRIAL_DAYS * 86400) if trial else str(body.get("paidUntil"))
        account = {
            "name": email, "accountType": str(body.get("accountType")), "numberOfMeetings": 0,
            "numberOfMeetingOrganizers": 0, "numberOfMeetingRooms": 1, "paidUntil": paid_until,
            "iceCandidatesToFilter": [], "customDialInNumbers": [], "displayStandardDialInNumbersInInvite": True,
            "defaultMeetingPermissions": None, "defaultMeetingType": "standard", "defaultMeetingHasDialin": False,
            "defaultMeetingHasRecording": False, "autoExtendMeetings": False, "autoDeleteMeetingsAfterXDays": 360,
            "id": account_id, "canAddMeetingOrganizer": True, "accountRooms": [],
        }
        token = f"{uuid.uuid4()}-{uuid.uuid4()}"
        user: dict[str, Any] = {
            "email": email, "firstName": str(body.get("adminFirstname") or ""),
            "lastName": str(body.get("adminLastname") or ""), "externalUserId": None,
            "preferredLanguage": str(body.get("adminPreferredLanguage") or "en"), "timezone": USER_TIMEZONE,
            "additionalTimezones": [], "id": user_id, "icsToken": token,
            "icsPath": f"/api/v6/meeting/calender/user/{token}",
        }
        with self.lock:
            self.accounts[account_id] = account
            self.users[user_id] = {**user, "accountId": account_id, "admin": True}
            self.rooms[account_id] = room_id
        return account

    def email_taken(self, email: str) -> bool:
        with self.lock:
            return any(u["email"].casefold() == email.casefold() for u in self.users.values())

    def admins(self, account_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [{k: v for k, v in u.items() if k not in ("accountId", "admin")}
                    for u in self.users.values() if u["accountId"] == account_id and u["admin"]]

    def admin_of(self, account_id: str) -> dict[str, Any] | None:
        with self.lock:
            return next((u for u in self.users.values() if u["accountId"] == account_id and u["admin"]), None)

    # meetings ---------------------------------------------------------------------------------
    def new_meeting_number(self) -> str:
        with self.lock:
            taken = {m["meetingId"] for m in self.meetings.values()}
            while True:
                number = "-".join(f"{random.randrange(10000):04d}" for _ in range(4))
                if number not in taken:
                    return number

    def status_flags(self, meeting: dict[str, Any]) -> dict[str, Any]:
        """isActive / isClosed / isOpen as of now (the tutorial's meeting lay in the past: closed)."""
        now = self.clock()
        start, end = parse_iso(meeting["startTime"]) or 0.0, parse_iso(meeting["endTime"]) or 0.0
        return {"isActive": False, "isClosed": end <= now, "isOpen": start <= now < end}
