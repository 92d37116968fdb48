"""Parsing and validation of single values (URLs, ints, booleans, ids)."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec

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


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)", re.IGNORECASE)


def _is_control(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Cf") or c in "\u2028\u2029"


def validate_url(raw: str, *, field: str | None = None, label: str = "URL", https_only: bool = False) -> str:
    """Check that ``raw`` is an absolute http(s) URL with a well-formed host; return it stripped.

    Refused: userinfo (``https://user:pw@host`` would put a password into the profile file), control or
    invisible formatting characters, spaces, a malformed host or port.
    """
    text = str(raw).strip()
    need = "an https:// address" if https_only else "an http:// or https:// address"
    if any(_is_control(c) for c in text):
        raise ValidationError(f"{label} contains a control or invisible character; type the address again.",
                              field=field)
    if any(c.isspace() for c in text):
        raise ValidationError(f"{label} must not contain spaces.", field=field)
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _ = parts.port
    except ValueError:
        raise ValidationError(f"{label} is not a valid address: its host or port is malformed.", field=field,
                              hint="For example https://meet.example.org or https://[2001:db8::1]:8443") from None
    allowed = ("https",) if https_only else ("http", "https")
    if parts.scheme.lower() not in allowed or not host:
        raise ValidationError(f"{label} must be {need}, for example https://example.org/…", field=field)
    if "@" in parts.netloc:
        raise ValidationError(f"{label} must not contain a user name or password (the part before “@”).",
                              field=field, hint="Enter the user and password in their own fields: the password "
                                                "is kept in the system keyring, never in the address.")
    if not _valid_host(host):
        raise ValidationError(f"{label} has a malformed host name “{host}”.", field=field)
    return text


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def validate_design_url(raw: str, *, field: str | None = None, label: str = "URL") -> str:
    """An https URL that can go into the participant's page (CSS ``url(...)``, an ``<img>``, a stylesheet
    link) without breaking out of it: no quotes, parentheses, spaces, backslashes or angle brackets."""
    text = validate_url(raw, field=field, label=label, https_only=True)
    bad = sorted({c for c in text if c in "\"'()\\<>`;{}"})
    if bad:
        shown = " ".join(bad)
        raise ValidationError(f"{label} must not contain these characters: {shown}", field=field,
                              hint="Percent-encode them (e.g. %28 for “(”) or use a simpler address.")
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


def choice_list(choices: tuple[tuple[str, str], ...]) -> str:
    """The values of ``choices`` for an error message; the empty value is named by its label, never shown as
    nothing ("en, de or empty for the browser's language")."""
    named = ", ".join(v for v, _ in choices if v)
    empty = next((label for v, label in choices if not v), None)
    if empty is None:
        return named
    return f"{named} or empty ({empty[:1].lower()}{empty[1:]})" if named else f"empty ({empty})"


def parse_field_value(spec: FieldSpec, raw: Any) -> Any:
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
                f"{spec.label} must be one of: {choice_list(spec.choices)}; not “{text}”.", field=spec.key
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
                    f"{spec.label}: “{item}” is not one of {choice_list(spec.choices)}.", field=spec.key
                )
            out.append(item)
        return out
    if kind is FieldKind.COLOR:  # imported here: `meetdesk rooms` never needs the colour rules (a refresh's rooms
        # have no colour fields, so this import statement is not run for each of them)
        from meetdesk.domain.colors import parse_color

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
