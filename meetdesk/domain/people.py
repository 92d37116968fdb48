"""People as name + e-mail address: the values of ``FieldKind.PARTICIPANTS`` (invited participants)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from meetdesk.domain.errors import ValidationError

_EMAIL = re.compile(r"^[^@\s<>;,]+@[^@\s<>;,]+\.[^@\s<>;,]+$")
_NAMED = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>$")


def parse_email(raw: str, *, field: str | None = None, label: str = "E-mail address") -> str:
    text = str(raw).strip()
    if not _EMAIL.match(text):
        raise ValidationError(f"{label}: “{text}” is not an e-mail address.", field=field)
    return text


def parse_participants(raw: Any, *, field: str | None = None, label: str = "Participants") -> list[dict[str, str]]:
    """People as ``[{"name": …, "email": …}]``.

    Accepts that list (from a form or a stored meeting), or text with one person per line or separated by
    ``;``: ``Ada Lovelace <ada@example.org>`` or a bare ``ada@example.org``. Every e-mail address must look
    like one, and none may appear twice.
    """
    items: list[tuple[str, str]] = []
    if isinstance(raw, str):
        for part in re.split(r"[;\n]", raw):
            part = part.strip()
            if not part:
                continue
            named = _NAMED.match(part)
            items.append((named["name"].strip().strip('"'), named["email"]) if named else ("", part))
    elif isinstance(raw, Sequence):
        for entry in raw:
            if isinstance(entry, Mapping):
                items.append((str(entry.get("name") or "").strip(), str(entry.get("email") or "")))
            elif isinstance(entry, Sequence) and not isinstance(entry, str) and len(entry) == 2:
                items.append((str(entry[0]).strip(), str(entry[1])))
            else:
                raise ValidationError(f"{label}: “{entry}” is not a name and an e-mail address.", field=field)
    else:
        raise ValidationError(f"{label} must be a list of people.", field=field)
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, (name, email) in enumerate(items, 1):
        if not email.strip():
            raise ValidationError(f"{label}: person {number}{f' ({name})' if name else ''} has no e-mail address.",
                                  field=field)
        address = parse_email(email, field=field, label=label)
        if address.casefold() in seen:
            raise ValidationError(f"{label}: {address} is listed twice.", field=field)
        seen.add(address.casefold())
        out.append({"name": name, "email": address})
    return out


def format_participants(people: Sequence[Mapping[str, str]]) -> str:
    """``Ada Lovelace <ada@example.org>; bob@example.org`` — the form :func:`parse_participants` reads back."""
    return "; ".join(f"{p['name']} <{p['email']}>" if p.get("name") else str(p.get("email", "")) for p in people)
