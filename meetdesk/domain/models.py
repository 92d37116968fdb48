"""Domain models shared by providers, services, UI and CLI."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


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


@dataclass(frozen=True)
class Participant:
    id: str
    name: str
    role: str = ""  # "moderator", "admin", "attendee", …
    joined_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
class Recording:
    id: str
    room_id: str
    name: str = ""
    profile: str = ""
    created: datetime | None = None
    size_bytes: int | None = None
    duration_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RoomDraft:
    """What a room dialog or ``room create`` submits: a name, maybe an id, and option values
    already parsed against the provider's ``room_fields``."""

    name: str
    room_id: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingDraft:
    title: str
    start: datetime
    end: datetime
    room_id: str | None = None
    description: str = ""
    location: str = ""
    timezone: str = ""
    options: dict[str, Any] = field(default_factory=dict)


class Role(enum.Enum):
    ATTENDEE = "attendee"
    MODERATOR = "moderator"


@dataclass(frozen=True)
class JoinRequest:
    """Who joins what. ``room_id`` for back ends whose links belong to a room; ``meeting_id`` for those whose
    links belong to a scheduled meeting (Huawei, Veeting): a provider reads the one its links need."""

    room_id: str
    display_name: str
    meeting_id: str = ""
    user_id: str = ""
    moderator: bool = False
    hidden: bool = False
    language: str = ""
    avatar_url: str = ""
    email: str = ""
    #: provider join options, parsed against the provider's ``join_fields``
    options: dict[str, Any] = field(default_factory=dict)
    #: custom design (plugNmeet ``custom_design``), keys as the client reads them
    design: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JoinLink:
    url: str
    room_id: str
    display_name: str
    role: Role = Role.ATTENDEE
    expires_at: datetime | None = None
    single_use: bool = False
    note: str = ""


@dataclass(frozen=True)
class AccountDraft:
    """A new account on a multi-tenant instance, with its first administrator (an organiser).

    ``options`` holds values parsed against the provider's ``account_fields`` (account type, paid until …).
    """

    admin_email: str
    admin_first_name: str
    admin_last_name: str
    language: str = "en"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Account:
    """An account as the server stored it. ``extra`` holds what the server said besides (counts, defaults)."""

    id: str
    name: str
    account_type: str = ""
    paid_until: datetime | None = None
    profile: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountUser:
    """A user of an account (its administrator): ``id`` is what meeting calls name as the organiser."""

    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    language: str = ""
    timezone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email


@dataclass(frozen=True)
class LiveParticipant:
    """Someone in (or being called into) a running meeting."""

    id: str
    name: str
    number: str = ""
    #: "moderator" or "attendee"
    role: str = "attendee"
    #: "in meeting", "calling", "joining", …
    state: str = ""
    muted: bool | None = None
    video: bool | None = None
    hand_raised: bool | None = None


@dataclass(frozen=True)
class LiveStatus:
    """What a back end with live control says about a meeting right now.

    ``locked``/``all_muted`` are None when the server does not report them.
    """

    meeting_id: str
    title: str = ""
    running: bool = False
    state: str = ""
    end: datetime | None = None
    locked: bool | None = None
    all_muted: bool | None = None
    participants: tuple[LiveParticipant, ...] = ()
    #: people invited (scheduled attendees and those invited during the meeting), joined or not
    invited: tuple[LiveParticipant, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LiveInvitee:
    """Who to call into a running meeting. ``terminal`` asks for a meeting-room (hardware) terminal, called
    by its number with the meeting password, rather than a person."""

    name: str
    phone: str = ""
    email: str = ""
    sip: str = ""
    terminal: bool = False


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
