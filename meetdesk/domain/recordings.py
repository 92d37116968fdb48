"""A recording on a back end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
