"""Wall-clock times in a time zone, safely: daylight-saving gaps and folds, and dates meetdesk can handle.

A local time in the hour the clocks skip does not exist; one in the hour they repeat happens twice. Neither
is guessed: the first is refused naming it, the second asks which one (by its UTC offset). Order is decided
by instants, never by wall clocks (two aware datetimes of one zone compare as wall clocks in Python).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from meetdesk.domain.errors import ValidationError

#: the dates meetdesk accepts from a user (a server's dates outside them are a protocol error)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)


class AmbiguousTimeError(ValidationError):
    """A wall-clock time that happens twice (the clocks go back); ``choices`` are the two instants."""

    def __init__(self, message: str, *, field: str | None, hint: str, choices: tuple[datetime, datetime]) -> None:
        super().__init__(message, field=field, hint=hint)
        self.choices = choices


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def localize(naive: datetime, zone: tzinfo, *, label: str, field: str | None = None) -> datetime:
    """``naive`` read as a wall-clock time in ``zone``.

    Raises:
        ValidationError: the time does not exist there (skipped by a daylight-saving change), or it happens
            twice (the clocks go back) — the hint says how to pick one.
    """
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    try:
        first_offset, second_offset = first.utcoffset(), second.utcoffset()
    except (OverflowError, ValueError):
        raise _out_of_range(label, field) from None
    if first_offset == second_offset:
        return first
    when = f"{naive:%Y-%m-%d %H:%M}"
    place = zone_label(zone)
    roundtrip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if roundtrip != naive.replace(fold=0):
        later = (first.astimezone(UTC).astimezone(zone)).replace(tzinfo=None)
        raise ValidationError(
            f"{label} {when} does not exist in {place}: the clocks jump forward over it (daylight saving time).",
            field=field, hint=f"Choose a time outside the skipped hour, for example {later:%H:%M}.")
    iso = f"{naive:%Y-%m-%dT%H:%M}"
    raise AmbiguousTimeError(
        f"{label} {when} happens twice in {place}: the clocks go back then, so it is ambiguous.",
        field=field,
        hint=f"Say which one with its offset: {iso}{_offset_text(first_offset)} (the first) or "
             f"{iso}{_offset_text(second_offset)} (the second).", choices=(first, second))


def _out_of_range(label: str, field: str | None) -> ValidationError:
    return ValidationError(f"{label} must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}.", field=field)


def check_range(value: datetime, *, label: str, field: str | None = None) -> datetime:
    """Refuse dates meetdesk cannot do arithmetic with (year 1, year 9999 and the like)."""
    try:
        instant = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise _out_of_range(label, field) from None
    if not EARLIEST <= instant <= LATEST:
        raise _out_of_range(label, field)
    return value


def ends_after(start: datetime, end: datetime) -> bool:
    """True when ``end`` is a later instant than ``start`` (not merely a later wall clock)."""
    return end.astimezone(UTC) > start.astimezone(UTC)


def system_zone_name() -> str:
    """The IANA name of this machine's zone (``TZ``, else what /etc/localtime points to); "" when unknown."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz:
        return tz
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
