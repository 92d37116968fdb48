"""The next day's meetings from every profile, and reminders a set number of minutes before each.

Pure logic with an injectable clock, so the tray (ui/tray.py) stays thin and tests move time themselves.
At a reminder meetdesk makes *fresh* personal links for the remembered invitees (plugNmeet tokens die within
minutes, so they can only be made then) — see :func:`fresh_links`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from meetdesk.backends.base import Provider
from meetdesk.domain.models import Meeting, Role
from meetdesk.services.bulk_links import BulkLinks, LinkResult, ParticipantRow
from meetdesk.services.invitation_store import Invitee, PlannedMeeting

HORIZON = timedelta(hours=24)


@dataclass(frozen=True)
class Upcoming:
    """One meeting in the next 24 hours: from a back end's calendar, from meetdesk's own plan, or both."""

    profile: str
    title: str
    start: datetime
    end: datetime
    room_id: str
    meeting: Meeting | None = None
    invitees: tuple[Invitee, ...] = ()

    @property
    def key(self) -> str:
        if self.meeting is not None:
            return f"{self.profile}\x1fmeeting\x1f{self.meeting.id}\x1f{self.start.isoformat()}"
        return f"{self.profile}\x1f{self.room_id}\x1f{self.start.isoformat()}"

    def running(self, now: datetime) -> bool:
        return self.start <= now < self.end


def upcoming(meetings: Sequence[Meeting], planned: Sequence[PlannedMeeting], now: datetime,
             horizon: timedelta = HORIZON) -> list[Upcoming]:
    """Meetings that run now or start within ``horizon``, soonest first; a planned list joins its meeting."""
    lists = {(p.profile, p.meeting_id): p for p in planned if p.meeting_id}
    items: list[Upcoming] = []
    for m in meetings:
        plan = lists.pop((m.profile, m.id), None)
        items.append(Upcoming(m.profile, m.title, m.start, m.end, m.room_id, meeting=m,
                              invitees=plan.invitees if plan else ()))
    for p in planned:
        if p.meeting_id and (p.profile, p.meeting_id) not in lists:
            continue  # joined to its meeting above
        items.append(Upcoming(p.profile, p.title, p.start, p.end, p.room_id, invitees=p.invitees))
    return sorted((i for i in items if i.end > now and i.start < now + horizon), key=lambda i: (i.start, i.title))


class ReminderSchedule:
    """Which reminders are due: each meeting once, ``minutes_before`` its start (or at once if that has passed
    while it has not started yet)."""

    def __init__(self, minutes_before: int, now: Callable[[], datetime] | None = None) -> None:
        self.minutes_before = minutes_before
        self.now = now or (lambda: datetime.now(UTC))
        self._fired: set[str] = set()

    def remind_at(self, item: Upcoming) -> datetime:
        return item.start - timedelta(minutes=self.minutes_before)

    def due(self, items: Sequence[Upcoming]) -> list[Upcoming]:
        now = self.now()
        fired = [i for i in items if i.key not in self._fired and self.remind_at(i) <= now < i.start]
        self._fired.update(i.key for i in fired)
        return fired

    def next_due(self, items: Sequence[Upcoming]) -> datetime | None:
        """When the next reminder falls due (to set a timer), or None."""
        now = self.now()
        times = [self.remind_at(i) for i in items if i.key not in self._fired and i.start > now]
        return min(times, default=None)


async def fresh_links(provider: Provider, item: Upcoming) -> list[LinkResult]:
    """Personal links made now for ``item``'s invitees, to join now."""
    rows = [ParticipantRow(n, i.name, i.email, Role.MODERATOR if i.moderator else Role.ATTENDEE, i.user_id)
            for n, i in enumerate(item.invitees, start=1)]
    return await BulkLinks(provider, room_id=item.room_id).run(rows)
