"""Who joins what, and the link they get."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
