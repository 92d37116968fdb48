"""Parsing and validation of single values (URLs, ints, booleans, ids)."""

from __future__ import annotations

import ipaddress
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
        from meetdesk.domain.people import parse_participants

        return parse_participants(raw, field=spec.key, label=spec.label)
    if kind in (FieldKind.URL, FieldKind.HTTPS_URL):
        text = str(raw).strip()
        if not text:
            return ""
        return validate_url(text, field=spec.key, label=spec.label, https_only=kind is FieldKind.HTTPS_URL)
    return str(raw) if kind in (FieldKind.MULTILINE, FieldKind.SECRET) else str(raw).strip()
