"""What the OpenMeetings simulator keeps about invitations (``room/hash``): the invitations, the contacts they
created, the e-mails the server would have sent, and a clock tests can move."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class OMInvitation:
    """``Invitation``: who (a contact user) may enter which room, when, how often, with which password."""

    hash: str
    room_id: int | None
    invitee_id: int
    invited_by: int
    valid: str  # ONE_TIME / PERIOD / ENDLESS
    valid_from: datetime | None
    valid_to: datetime | None
    password: str | None = None
    used: bool = False


@dataclass(frozen=True)
class SentMail:
    """A message ``InvitationManager.sendInvitationLink`` handed to the mail queue."""

    to: str
    reply_to: str
    subject: str
    body: str
    link: str


@dataclass
class InvitationBook:
    invitations: dict[str, OMInvitation] = field(default_factory=dict)
    #: (owner user id, e-mail) → contact user id — ``UserDao.getContact`` reuses these
    contacts: dict[tuple[int, str], int] = field(default_factory=dict)
    outbox: list[SentMail] = field(default_factory=list)
    now: Callable[[], datetime] = _utc_now

    def clear(self) -> None:
        self.invitations.clear()
        self.contacts.clear()
        self.outbox.clear()
        self.now = _utc_now
