"""plugNmeet's wire format: the signed body, JWT claims, and tolerant readers of its JSON answers.

The server sends 64-bit numbers as strings, flags as 0/1 and metadata as a JSON string; a field of the
wrong shape raises :class:`Shape`, which the client turns into a ProtocolError.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from meetdesk.domain.models import Participant

if TYPE_CHECKING:
    from meetdesk.domain.recordings import Recording

log = logging.getLogger("meetdesk.backends.plugnmeet")


def encode_body(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes meetdesk sends (and signs): compact UTF-8 JSON."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(body: bytes, secret: str) -> str:
    """``HASH-SIGNATURE``: lowercase hex HMAC-SHA256 of the raw body, keyed with the API secret."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def decode_jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, read without verifying it (meetdesk only wants ``exp``). {} if unreadable."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


class Shape(Exception):
    """A response field missing or of the wrong type (turned into ProtocolError by the caller)."""


def as_dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Shape(f"{what} is not an object")
    return value


def as_list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Shape(f"{what} is not a list")
    return value


def text_of(obj: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise Shape(f"{key} is missing")
        return ""
    if not isinstance(value, str):
        raise Shape(f"{key} is not a string")
    return value


def int_of(obj: Mapping[str, Any], key: str) -> int | None:
    """int64 arrive as decimal strings, int32 as numbers; both are accepted."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise Shape(f"{key} is not a number")


def float_of(obj: Mapping[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise Shape(f"{key} is not a number")


def epoch(seconds: int | None) -> datetime | None:
    if not seconds:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise Shape(f"timestamp {seconds} is out of range") from None


def rfc3339(text: str) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:  # /recording/info formats dates as "2006-01-02 15:04:05"
            parsed = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise Shape(f"date {text!r} is not readable") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def json_object(text: str) -> dict[str, Any]:
    """Metadata travels as a JSON string; an unreadable one is logged and treated as empty."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        log.warning("ignoring unreadable metadata string (%d characters)", len(text))
        return {}
    return value if isinstance(value, dict) else {}


def yes_no(flag: int | None) -> str:
    return "yes" if flag else ""


def participant_from_info(p: Mapping[str, Any]) -> Participant:
    """One LiveKit ``ParticipantInfo`` of ``getActiveRoomInfo``; plugNmeet's user metadata is a JSON string."""
    metadata = json_object(text_of(p, "metadata"))
    permission = p.get("permission") if isinstance(p.get("permission"), dict) else {}
    hidden = bool(permission.get("hidden")) if isinstance(permission, dict) else False
    is_admin = bool(metadata.get("is_admin"))
    return Participant(
        id=text_of(p, "identity"),
        name=text_of(p, "name") or text_of(p, "identity"),
        role="moderator" if is_admin else "attendee",
        joined_at=epoch(int_of(p, "joined_at")),
        extra={"hidden": hidden, "state": text_of(p, "state"), "presenter": bool(metadata.get("is_presenter"))},
    )


def token_expiry(exp: object) -> datetime | None:
    """The token's ``exp`` as a time; None when absent or out of range (the issued link is never lost over it)."""
    if not isinstance(exp, int | float) or isinstance(exp, bool) or not exp > 0:
        return None
    try:
        return datetime.fromtimestamp(exp, UTC)
    except (OverflowError, OSError, ValueError):
        log.warning("join token expiry %r is out of range; showing the link without it", exp)
        return None


def recording_from_info(info: Mapping[str, Any]) -> Recording:
    """One ``RecordingInfo`` of ``recording/fetch``."""
    from meetdesk.domain.recordings import Recording  # here: listing rooms needs no recordings

    record_id = text_of(info, "record_id", required=True)
    metadata = info.get("metadata") if isinstance(info.get("metadata"), dict) else {}
    title = metadata.get("title") if isinstance(metadata, dict) else None
    size_mb = float_of(info, "file_size")  # the recorder reports MB (10^6 bytes), not bytes
    return Recording(
        id=record_id,
        room_id=text_of(info, "room_id"),
        name=str(title) if title else f"Recording of {text_of(info, 'room_id') or record_id}",
        created=epoch(int_of(info, "creation_time")),
        size_bytes=round(size_mb * 1_000_000) if size_mb is not None else None,
        extra={"room_sid": text_of(info, "room_sid"), "file_path": text_of(info, "file_path"),
               "room_created": epoch(int_of(info, "room_creation_time"))},
    )
