"""What a dialog or a ``create``/``update`` command submits for a room or a meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
