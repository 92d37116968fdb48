"""Accounts on a multi-tenant instance (Veeting) and their administrators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
