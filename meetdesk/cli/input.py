"""Turning command-line input into domain values: KEY=VALUE pairs, options, dates and secrets."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, TextIO

from meetdesk.backends.base import Provider
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.times import EARLIEST, LATEST, check_range, localize


def in_sentence(label: str) -> str:
    """A field label inside a sentence: "Password" → "password", but "API secret" stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def parse_pairs(items: Sequence[str] | None, *, flag: str) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` → ``{"a": "1", "b": "x=y"}``; the last of repeated keys wins."""
    out: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValidationError(f"{flag} expects KEY=VALUE, not “{item}”.", field=flag.lstrip("-"))
        out[key] = value
    return out


def parse_cli_options(specs: Sequence[FieldSpec], raw: Mapping[str, str],
                      current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Parse ``--option`` values against a provider's field specs.

    Unknown keys are refused with the list of known ones. ``current`` holds the values an existing
    room or meeting has now: they are kept unless overridden, so an update changes only what was given.
    """
    known = {s.key for s in specs}
    merged: dict[str, Any] = {k: v for k, v in (current or {}).items() if k in known and v is not None}
    by_key = {s.key: s for s in specs}
    for key, value in raw.items():
        base = key[:-1]
        if key.endswith(APPEND) and base in by_key and by_key[base].kind is FieldKind.PARTICIPANTS:
            # KEY+=… adds people to those the meeting has (or to those given with KEY=… before it)
            merged[base] = [*by_key[base].parse(merged.get(base) or []), *by_key[base].parse(value)]
        else:
            merged[key] = value
    return parse_options(specs, merged, strict=True)


#: ``--option invited+=ada@example.org`` appends to a list of people instead of replacing it
APPEND = "+"


def check_option_keys(specs: Sequence[FieldSpec], raw: Mapping[str, str]) -> Mapping[str, str]:
    """Refuse unknown option keys (with the list of known ones) before anything is sent anywhere."""
    known = {s.key for s in specs} | {s.key + APPEND for s in specs if s.kind is FieldKind.PARTICIPANTS}
    for key in raw:
        if key not in known:
            parse_options(specs, {key: raw[key]}, strict=True)
    return raw


def secret_options(specs: Sequence[FieldSpec], raw: Mapping[str, str], *, profile: str,
                   stdin: TextIO | None = None) -> dict[str, str]:
    """Options of kind SECRET (e.g. a meeting password) are never taken from argv: ``KEY=-`` reads them
    from standard input, or from a hidden prompt when standard input is a terminal."""
    stream = stdin or sys.stdin
    out = dict(raw)
    for spec in specs:
        if spec.kind is not FieldKind.SECRET or spec.key not in raw:
            continue
        if raw[spec.key] != "-":
            raise ValidationError(f"The {in_sentence(spec.label)} must not be given on the command line, where other "
                                  "programs and the shell history can read it.",
                                  hint=f"Write --option {spec.key}=- and type it at the prompt or pipe it in.",
                                  field=spec.key)
        out[spec.key] = read_secret(spec.label, from_stdin=not stream.isatty(), profile=profile, stdin=stream)
    return out


def parse_timezone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # (zoneinfo and getpass: imported by the commands using them)

    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"“{name}” is not a time zone meetdesk knows.",
                              hint="Use a name like Europe/Berlin or America/New_York.", field="timezone") from None


def parse_when(text: str, *, flag: str, zone: tzinfo | None = None, end_of_day: bool = False) -> datetime:
    """Parse an ISO 8601 date or date-time into an aware datetime.

    A time without offset is read in ``zone`` (or the computer's local time zone). A bare date means the
    start of that day, or with ``end_of_day`` the start of the next one, so ``--to 2025-03-07`` includes
    the whole 7th.
    """
    raw = text.strip()
    field = flag.lstrip("-")
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            value = datetime.combine(day + timedelta(days=1) if end_of_day else day, time())
        else:
            value = datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        raise ValidationError(f"{flag} must be a date or date and time like 2025-03-07 or 2025-03-07T14:30, "
                              f"not “{text}”.", field=field) from None
    except OverflowError:  # the day after 9999-12-31
        raise ValidationError(f"{flag} must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}.",
                              field=field) from None
    if value.tzinfo is None:
        try:
            value = localize(value, zone, label=flag, field=field) if zone is not None else value.astimezone()
        except (OverflowError, OSError, ValueError) as exc:
            if isinstance(exc, ValidationError):
                raise
            raise ValidationError(f"{flag} must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}.",
                                  field=field) from None
    return check_range(value, label=flag, field=field)


def read_secret(label: str, *, from_stdin: bool, profile: str, stdin: TextIO | None = None) -> str:
    """Read a secret from one line of standard input or from a hidden prompt — never from argv.

    Raises:
        ValidationError: when no secret can be read (no TTY and no ``--secret-stdin``, or empty input).
    """
    stream = stdin or sys.stdin
    if from_stdin:
        line = stream.readline()
        if not line:
            raise ValidationError(f"No {in_sentence(label)} arrived on standard input.",
                                  hint="Pipe one line into the command, e.g. printf '%s\\n' \"$SECRET\" | meetdesk …")
        secret = line.rstrip("\r\n")
    elif stream.isatty():
        import getpass

        try:
            secret = getpass.getpass(f"{label} for “{profile}”: ")
        except EOFError:
            secret = ""
    else:
        raise ValidationError(f"This profile needs a {in_sentence(label)}, and there is no terminal to ask for it.",
                              hint="Pass it on standard input with --secret-stdin (never as an argument).")
    if not secret:
        raise ValidationError(f"The {in_sentence(label)} is empty.", field="secret")
    return secret


def checked_design(cls: type[Provider], design: dict[str, str]) -> dict[str, str]:
    """The design keys the provider declares (``design_fields``), else plugNmeet's ``custom_design`` keys."""
    if not cls.design_fields:
        from meetdesk.domain.design import validate_design  # with its colour rules: only a link with a design

        return validate_design(design)
    known = {spec.key for spec in cls.design_fields}
    unknown = sorted(set(design) - known)
    if unknown:
        raise ValidationError(f"“{unknown[0]}” is not a design setting of {cls.display_name}.", field=unknown[0],
                              hint=f"Known: {', '.join(sorted(known))}.")
    parsed = parse_options(cls.design_fields, design)
    return {key: str(value) for key, value in parsed.items() if value not in (None, "")}
