"""Parsing and validation of single values (URLs, ints, booleans, ids)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from meetdesk.domain.errors import ValidationError

if TYPE_CHECKING:
    from meetdesk.domain.fields import FieldSpec

_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


def parse_bool(raw: Any, *, field: str | None = None, label: str = "Value") -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(f"{label} must be yes or no, not “{raw}”.", field=field)


def validate_url(raw: str, *, field: str | None = None, label: str = "URL", https_only: bool = False) -> str:
    """Check that ``raw`` is an absolute http(s) URL with a host; return it stripped."""
    text = str(raw).strip()
    parts = urlsplit(text)
    allowed = ("https",) if https_only else ("http", "https")
    if parts.scheme.lower() not in allowed or not parts.hostname:
        need = "an https:// address" if https_only else "an http:// or https:// address"
        raise ValidationError(f"{label} must be {need}, for example https://example.org/…", field=field)
    if any(c.isspace() for c in text):
        raise ValidationError(f"{label} must not contain spaces.", field=field)
    try:
        _ = parts.port
    except ValueError:
        raise ValidationError(f"{label} has an invalid port number.", field=field) from None
    return text


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in {"localhost", "localhost.localdomain"} or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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


def parse_field_value(spec: FieldSpec, raw: Any) -> Any:
    from meetdesk.domain.colors import parse_color
    from meetdesk.domain.fields import FieldKind

    kind = spec.kind
    if raw is None:
        return None
    if kind is FieldKind.BOOL:
        return parse_bool(raw, field=spec.key, label=spec.label)
    if kind is FieldKind.INT:
        if isinstance(raw, bool):
            raise ValidationError(f"{spec.label} must be a whole number.", field=spec.key)
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValidationError(f"{spec.label} must be a whole number, not “{raw}”.", field=spec.key) from None
        if spec.minimum is not None and value < spec.minimum:
            raise ValidationError(f"{spec.label} must be at least {spec.minimum}.", field=spec.key)
        if spec.maximum is not None and value > spec.maximum:
            raise ValidationError(f"{spec.label} must be at most {spec.maximum}.", field=spec.key)
        return value
    if kind is FieldKind.CHOICE:
        text = str(raw).strip()
        values = [v for v, _ in spec.choices]
        if text not in values:
            raise ValidationError(
                f"{spec.label} must be one of: {', '.join(values)}; not “{text}”.", field=spec.key
            )
        return text
    if kind is FieldKind.MULTI_CHOICE:
        items = raw if isinstance(raw, list | tuple) else [p for p in str(raw).split(",") if p.strip()]
        values = [v for v, _ in spec.choices]
        out = []
        for item in items:
            item = str(item).strip()
            if item not in values:
                raise ValidationError(
                    f"{spec.label}: “{item}” is not one of {', '.join(values)}.", field=spec.key
                )
            out.append(item)
        return out
    if kind is FieldKind.COLOR:
        text = str(raw).strip()
        return parse_color(text, field=spec.key, label=spec.label).hex if text else ""
    if kind is FieldKind.PARTICIPANTS:
        return parse_participants(raw, field=spec.key, label=spec.label)
    if kind in (FieldKind.URL, FieldKind.HTTPS_URL):
        text = str(raw).strip()
        if not text:
            return ""
        return validate_url(text, field=spec.key, label=spec.label, https_only=kind is FieldKind.HTTPS_URL)
    return str(raw) if kind in (FieldKind.MULTILINE, FieldKind.SECRET) else str(raw).strip()
