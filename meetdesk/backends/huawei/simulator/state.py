"""The Huawei Cloud Meeting simulator's data: accounts, tokens, cloud rooms, conferences and their live state.

Shapes follow the official SDK's models (huaweicloudsdkmeeting 3.1.219, ``v1/model/conference_info.py``,
``query_vmr_result_dto.py``, ``real_time_participant.py``, ``token_info.py``) and
/work/shared/reference/huawei-cloud-meeting.md. Times are kept as aware UTC datetimes and written as UTC
``yyyy-MM-dd HH:mm`` like the service does.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

WIRE_TIME = "%Y-%m-%d %H:%M"
DEFAULT_LENGTH = 30
MIN_LENGTH, MAX_LENGTH = 15, 1440
CONF_TOKEN_TTL = 1800
DEFAULT_TOKEN_TTL = 12 * 3600
JOIN_HOST = "https://c.meeting.huaweicloud.com"

#: error codes (``error_code``, HTTP status, ``error_msg``). Codes marked "chosen" are not confirmed by Huawei's
#: documents (reference §4.4 lists them as UNVERIFIED); the others are.
TOKEN_INVALID = ("USG.000000004", 401, "The token is invalid or has expired.")
BAD_CREDENTIALS = ("USG.000000001", 401, "Incorrect account or password.")  # chosen: only 401 is documented
BAD_SIGNATURE = ("USG.000000001", 401, "App ID authentication failed.")  # chosen
SIGNATURE_EXPIRED = ("USG.000000011", 401, "The signature has expired.")  # chosen
CONF_NOT_FOUND = ("MMC.111070005", 400, "Meeting does not exist.")
CONF_AUTH_FAILED = ("MMC.111072065", 400, "CONF_NOT_FOUND_OR_AUTH_FAILED")
CONF_PASSWORD_WRONG = ("MMC.111070004", 400, "Meeting authentication failed.")
CONF_NOT_STARTED = ("MMC.111072005", 400, "The meeting has not started or has ended.")  # semantics UNVERIFIED
CONF_IN_PROGRESS = ("MMC.111071067", 400, "The meeting is in progress and cannot be changed or cancelled.")
BAD_REQUEST = ("MMC.111070001", 400, "Request error.")


class HuaweiError(Exception):
    def __init__(self, error: tuple[str, int, str], message: str | None = None) -> None:
        super().__init__(message or error[2])
        self.code, self.status, self.message = error[0], error[1], message or error[2]


def wire_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(WIRE_TIME)


def parse_wire_time(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), WIRE_TIME).replace(tzinfo=UTC)
    except ValueError:
        raise HuaweiError(BAD_REQUEST, f"startTime must be yyyy-MM-dd HH:mm, not {text!r}.") from None


@dataclass
class Account:
    account: str
    password: str
    user_uuid: str
    name: str
    sip: str


@dataclass
class Vmr:
    id: str
    vmr_id: str
    name: str
    mode: int  # 0 personal meeting ID, 1 cloud room
    parties: int
    chair_pwd: str
    guest_pwd: str


@dataclass
class Participant:
    pid: str
    name: str
    phone: str
    role: int = 0
    video: int = 1
    mute: int = 0
    hand: int = 0
    #: monotonic time the call started; the callee "answers" CALL_SECONDS later
    called_at: float = 0.0

    def state(self, now: float) -> int:
        return 1 if now - self.called_at < CALL_SECONDS else 0


CALL_SECONDS = 2.0


@dataclass
class Conference:
    id: str
    subject: str
    start: datetime
    length: int
    media_types: str
    owner: Account
    chair_pwd: str
    guest_pwd: str
    time_zone_id: str = ""
    language: str = "zh-CN"
    conf_config: dict[str, Any] = field(default_factory=dict)
    attendees: list[dict[str, Any]] = field(default_factory=list)
    vmr: Vmr | None = None
    record_type: int = 0
    is_auto_record: int = 0
    state: str = "Schedule"
    conf_type: str = "FUTURE"
    conf_uuid: str = ""
    cycle_params: dict[str, Any] | None = None
    locked: bool = False
    muted: bool = False
    participants: list[Participant] = field(default_factory=list)
    invited: list[dict[str, Any]] = field(default_factory=list)
    ended_at: datetime | None = None
    chair_uri_key: str = field(default_factory=lambda: secrets.token_hex(24))
    guest_uri_key: str = field(default_factory=lambda: secrets.token_hex(24))

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.length)

    def info(self, *, online: bool = False, history: bool = False) -> dict[str, Any]:
        """ConferenceInfo as the management APIs answer it (passwords in clear text, as the real API does)."""
        vmr = self.vmr
        out: dict[str, Any] = {
            "conferenceID": self.id, "subject": self.subject, "size": len(self.attendees),
            "timeZoneID": self.time_zone_id, "startTime": wire_time(self.start), "endTime": wire_time(self.end),
            "mediaTypes": self.media_types, "conferenceState": self.state, "language": self.language,
            "accessNumber": "+991117",
            "passwordEntry": [{"conferenceRole": "chair", "password": self.chair_pwd},
                              {"conferenceRole": "general", "password": self.guest_pwd}],
            "userUUID": self.owner.user_uuid, "scheduserName": self.owner.name,
            "conferenceType": 2 if self.cycle_params else 0, "confType": self.conf_type,
            "isAutoMute": 1 if self.conf_config.get("isAutoMute") else 0, "isAutoRecord": self.is_auto_record,
            "chairJoinUri": f"{JOIN_HOST}/#/j/{self.id}/{self.chair_uri_key}",
            "guestJoinUri": f"{JOIN_HOST}/#/j/{self.id}/{self.guest_uri_key}",
            "recordType": self.record_type, "confConfigInfo": dict(self.conf_config),
            "vmrFlag": 1 if vmr else 0, "confMode": "RTC", "multiStreamFlag": 1,
            "partAttendeeInfo": [{"name": a.get("name", ""), "phone": a.get("phone", ""),
                                  "type": a.get("type", "normal"), "isMute": a.get("isMute", 0)}
                                 for a in self.attendees[:20]],
        }
        if vmr is not None:
            out.update({"vmrID": vmr.id, "vmrConferenceID": vmr.vmr_id})
        if self.cycle_params:
            out["cycleParams"] = dict(self.cycle_params)
        if self.conf_uuid:
            out["confUUID"] = self.conf_uuid
        if online:
            out["onlineAttendeeAmount"] = len(self.participants)
        if history:
            out["isHasRecordFile"] = False
        return out


class HuaweiState:
    """Everything the simulated service knows; safe to touch from tests while the server runs."""

    def __init__(self, *, token_ttl: int = DEFAULT_TOKEN_TTL) -> None:
        self.lock = threading.RLock()
        self.token_ttl = token_ttl
        self.accounts: dict[str, Account] = {}
        self.apps: dict[str, str] = {}  # app id → app key
        self.app_users: dict[tuple[str, str], Account] = {}
        self.tokens: dict[str, tuple[Account, float]] = {}
        self.conf_tokens: dict[str, tuple[str, float, int]] = {}  # token → (conference id, expiry, role)
        self.vmrs: list[Vmr] = []
        self.conferences: dict[str, Conference] = {}
        self.auth_calls = 0
        self._next_id = 914083136

    # ids --------------------------------------------------------------------------------------
    def new_conference_id(self) -> str:
        self._next_id += 7
        return str(self._next_id)

    @staticmethod
    def new_password() -> str:
        return f"{secrets.randbelow(10**6):06d}"

    # tokens -----------------------------------------------------------------------------------
    def issue_token(self, account: Account) -> tuple[str, float]:
        token = secrets.token_urlsafe(30)
        expires = time.time() + self.token_ttl
        with self.lock:
            self.auth_calls += 1
            self.tokens[token] = (account, expires)
        return token, expires

    def account_for(self, token: str | None) -> Account:
        with self.lock:
            entry = self.tokens.get(token or "")
        if entry is None or entry[1] <= time.time():
            raise HuaweiError(TOKEN_INVALID)
        return entry[0]

    def expire_tokens(self) -> None:
        """Invalidate every access token (a server restart, or the 64-token limit evicting them)."""
        with self.lock:
            self.tokens.clear()

    def issue_conf_token(self, conf: Conference, role: int) -> tuple[str, float]:
        token = secrets.token_urlsafe(24)
        expires = time.time() + CONF_TOKEN_TTL
        with self.lock:
            self.conf_tokens[token] = (conf.id, expires, role)
        return token, expires

    def conference_for_conf_token(self, header: str | None, conference_id: str) -> Conference:
        token = (header or "").strip()
        if token.lower().startswith("basic "):
            import base64

            try:
                token = base64.b64decode(token[6:].strip()).decode()
            except ValueError:
                token = ""
        with self.lock:
            entry = self.conf_tokens.get(token)
            conf = self.conferences.get(conference_id)
        if entry is None or entry[0] != conference_id or entry[1] <= time.time() or conf is None:
            raise HuaweiError(CONF_AUTH_FAILED)
        if conf.state != "Created":
            raise HuaweiError(CONF_NOT_STARTED)
        return conf

    # conferences ------------------------------------------------------------------------------
    def conference(self, conference_id: str | None, owner: Account | None = None) -> Conference:
        with self.lock:
            conf = self.conferences.get(conference_id or "")
        if conf is None or (owner is not None and conf.owner is not owner):
            raise HuaweiError(CONF_NOT_FOUND)
        return conf

    def vmr(self, vmr_id: str) -> Vmr:
        found = next((v for v in self.vmrs if v.id == vmr_id), None)
        if found is None:
            raise HuaweiError(BAD_REQUEST, f"The cloud meeting room {vmr_id} does not exist.")
        return found
