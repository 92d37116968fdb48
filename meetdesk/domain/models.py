"""Domain models shared by providers, services, UI and CLI.

Here: what every back end and every listing needs (Profile, ServerInfo, Room, Participant, Meeting, LinkPolicy).
The rest lives in its own module — ``joining`` (Role, JoinRequest, JoinLink), ``drafts``, ``recordings``,
``accounts``, ``live`` — and is still importable from here, imported on first use: each dataclass costs ~1.5 ms
to build, and ``meetdesk rooms`` needs none of those thirteen.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meetdesk.domain.accounts import Account as Account
    from meetdesk.domain.accounts import AccountDraft as AccountDraft
    from meetdesk.domain.accounts import AccountUser as AccountUser
    from meetdesk.domain.drafts import MeetingDraft as MeetingDraft
    from meetdesk.domain.drafts import RoomDraft as RoomDraft
    from meetdesk.domain.joining import JoinLink as JoinLink
    from meetdesk.domain.joining import JoinRequest as JoinRequest
    from meetdesk.domain.joining import Role as Role
    from meetdesk.domain.live import LiveInvitee as LiveInvitee
    from meetdesk.domain.live import LiveParticipant as LiveParticipant
    from meetdesk.domain.live import LiveStatus as LiveStatus
    from meetdesk.domain.recordings import Recording as Recording

#: name → the module under meetdesk.domain that defines it
ELSEWHERE = {
    "Account": "accounts", "AccountDraft": "accounts", "AccountUser": "accounts",
    "MeetingDraft": "drafts", "RoomDraft": "drafts",
    "JoinLink": "joining", "JoinRequest": "joining", "Role": "joining",
    "LiveInvitee": "live", "LiveParticipant": "live", "LiveStatus": "live",
    "Recording": "recordings",
}


def __getattr__(name: str) -> Any:
    module = ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"meetdesk.domain.{module}"), name)
    globals()[name] = value
    return value


@dataclass
class Profile:
    """A saved connection. Never holds the secret: that lives in the keyring.

    ``fields`` holds the provider's non-secret connection fields (api_key, user, …).
    ``data`` holds non-secret state a provider keeps with the profile (e.g. the rooms created from
    meetdesk on a back end that cannot list rooms); providers change it through their ``persist`` hook.
    """

    name: str
    kind: str
    base_url: str
    fields: dict[str, str] = field(default_factory=dict)
    ca_file: str | None = None
    allow_http: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    #: seconds every call to this server may take in all (None: meetdesk's default)
    deadline_s: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "base_url": self.base_url,
            "fields": dict(self.fields),
            "ca_file": self.ca_file,
            "allow_http": self.allow_http,
            "data": self.data,
        }
        if self.deadline_s is not None:
            out["deadline_s"] = self.deadline_s
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Profile:
        return cls(
            name=str(obj["name"]),
            kind=str(obj["kind"]),
            base_url=str(obj["base_url"]),
            fields={str(k): str(v) for k, v in dict(obj.get("fields") or {}).items()},
            ca_file=obj.get("ca_file") or None,
            allow_http=bool(obj.get("allow_http", False)),
            data=dict(obj.get("data") or {}),
            deadline_s=_deadline(obj.get("deadline_s")),
        )


#: seconds every call to a server may take in all (retries and the whole answer), unless a profile says otherwise
DEFAULT_DEADLINE_S = 60.0


def _deadline(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 3600:
        raise ValueError("deadline_s must be a number of seconds from 1 to 3600")
    return float(value)


@dataclass(frozen=True)
class ServerInfo:
    """What ``connect()`` learned about the server."""

    product: str
    version: str = ""
    user: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{self.product} {self.version}".strip()


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str
    role: str = ""  # "moderator", "admin", "attendee", …
    joined_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)  # slots: 100,000 rooms without a __dict__ each (~15 MiB)
class Room:
    """A room on a back end. ``profile`` is filled in by the session, not by the provider.

    ``status`` is a short human word ("running", "ended", "open", "closed", …); ``extra`` holds the
    provider's own columns (type, capacity, …) keyed by the provider's ``room_columns`` keys.
    ``options`` holds the values of the provider's ``room_fields`` as they are now, so an edit dialog
    can be pre-filled. ``extra["not_applied"]``, when a provider sets it after a save, names the settings the
    server ignored (the UI warns about them).
    """

    id: str
    name: str
    profile: str = ""
    kind: str = ""
    status: str = ""
    running: bool | None = None
    participant_count: int | None = None
    created: datetime | None = None
    participants: tuple[Participant, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    #: True for a room meetdesk only remembers (the back end cannot list it)
    local_only: bool = False
    #: past (ended) rooms are listed with past=True
    past: bool = False


@dataclass(frozen=True, slots=True)
class Meeting:
    """A scheduled meeting. ``start``/``end`` are timezone-aware datetimes."""

    id: str
    title: str
    start: datetime
    end: datetime
    profile: str = ""
    kind: str = ""
    room_id: str = ""
    room_name: str = ""
    owner: str = ""
    location: str = ""
    description: str = ""
    timezone: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    #: True for a meeting meetdesk only remembers (the server would not list its meetings)
    local_only: bool = False


@dataclass(frozen=True)
class LinkPolicy:
    """What a back end's join links are, so the composer, the invitation and the reminder can say it plainly.

    ``lifetime`` is how long a link works after it is made (None: it has no clock of its own). A back end with
    ``valid_window`` can make links that work during a given period (OpenMeetings invitations), so they can
    be sent the day before. ``made_at_join_time`` means links die too soon to be sent ahead: meetdesk makes
    them when the meeting is about to start (at the reminder) instead.
    """

    lifetime: timedelta | None = None
    single_use: bool = False
    #: one link per person (False: one shared link for everybody, e.g. a meeting's guest link)
    per_person: bool = True
    #: the link itself says whether its holder is a moderator
    role_bearing: bool = True
    valid_window: bool = False
    made_at_join_time: bool = False
    #: one sentence for coordinators: what the link is and how long it lasts
    summary: str = ""

    @property
    def can_send_ahead(self) -> bool:
        return not self.made_at_join_time

    def works_until(self, made_at: datetime, meeting_end: datetime | None = None) -> datetime | None:
        """When a link made at ``made_at`` stops working, as far as the back end's rules say (None: no end)."""
        if self.valid_window and meeting_end is not None:
            return meeting_end
        if self.lifetime is not None:
            return made_at + self.lifetime
        return None
