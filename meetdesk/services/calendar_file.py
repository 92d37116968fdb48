"""A meeting as an iCalendar file (RFC 5545): one VEVENT with the zone's real VTIMEZONE, made with ``icalendar``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from meetdesk import __version__
from meetdesk.domain.errors import ConfigError
from meetdesk.domain.models import Meeting

if TYPE_CHECKING:
    import icalendar


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    moderator: bool = False


def _zone(meeting: Meeting) -> ZoneInfo | None:
    for name in (meeting.timezone, getattr(meeting.start.tzinfo, "key", "")):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return None


def _address(email: str, name: str, *, role: str | None = None) -> icalendar.vCalAddress:
    import icalendar  # ~50 ms: only when a calendar file is made, not at start-up

    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = icalendar.vText(name)
    if role is not None:
        address.params["ROLE"] = icalendar.vText(role)
        address.params["PARTSTAT"] = icalendar.vText("NEEDS-ACTION")
        address.params["RSVP"] = icalendar.vText("TRUE")
    return address


def meeting_calendar(meeting: Meeting, *, url: str = "", description: str = "", organiser_name: str = "",
                     organiser_email: str = "", attendees: Sequence[Attendee] = (),
                     now: datetime | None = None) -> bytes:
    """The ``.ics`` bytes for ``meeting``. Times are written in the meeting's zone (with its VTIMEZONE) when it
    has a named one, else in UTC. ``url`` is the join link (URL and LOCATION)."""
    import icalendar

    zone = _zone(meeting)
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//meetdesk//meetdesk {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    uid = meeting.extra.get("ical_id") or f"{meeting.kind}-{meeting.id}@{meeting.profile or 'meetdesk'}"
    event.add("uid", str(uid))
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.start.astimezone(zone) if zone else meeting.start.astimezone(UTC))
    event.add("dtend", meeting.end.astimezone(zone) if zone else meeting.end.astimezone(UTC))
    if url:
        event.add("url", url)
    location = meeting.location or url or meeting.room_name
    if location:
        event.add("location", location)
    text = description or meeting.description
    if text:
        event.add("description", text)
    if organiser_email:
        event.add("organizer", _address(organiser_email, organiser_name))
    for person in attendees:
        if person.email:
            event.add("attendee", _address(person.email, person.name,
                                           role="CHAIR" if person.moderator else "REQ-PARTICIPANT"))
    cal.add_component(event)
    if zone is not None:
        cal.add_missing_timezones()
    return cal.to_ical()


def write_calendar(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ConfigError(f"The calendar file could not be written to {path}: {exc.strerror or exc}.") from None
