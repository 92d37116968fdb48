"""Live control of a running meeting (Huawei): who is in it, what the server says about it, who to call in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
