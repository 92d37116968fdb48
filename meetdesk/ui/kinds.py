"""Back-end kinds as people read them (in a module of its own: the window needs it before any dialog)."""

from __future__ import annotations

from meetdesk.backends.base import provider_class
from meetdesk.domain.errors import MeetdeskError


def kind_display_name(kind: str) -> str:
    try:
        return provider_class(kind).display_name or kind
    except (ImportError, AttributeError, MeetdeskError):
        return kind
