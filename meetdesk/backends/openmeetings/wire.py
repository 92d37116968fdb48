"""Tolerant readers for the JSON that Apache OpenMeetings really sends.

Three serializers write OpenMeetings answers (CXF/Jettison for most DTOs, openjson for appointments and
single users, an exception mapper for errors), and they disagree with the published OpenAPI spec:

* every body is an envelope ``{"<rootName>": value}``;
* Jettison writes a nested collection with one element as that element, leaves empty collections and
  nulls out, and turns numeric-looking strings into numbers and "true"/"false" into booleans;
* dates come as ``2021-09-23T11:31:00+1200``, ``2021-09-19T10:43:39+12:00``, epoch millis or a
  ``java.util.Date`` bean.

Everything here raises :class:`ProtocolError` naming the call instead of KeyError/TypeError.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from meetdesk.domain.errors import ProtocolError

SUCCESS = "SUCCESS"
ERROR = "ERROR"


@dataclass(frozen=True)
class ServiceResult:
    type: str
    message: str

    @property
    def ok(self) -> bool:
        return self.type.upper() == SUCCESS


def _unexpected(call: str, what: str) -> ProtocolError:
    return ProtocolError(f"OpenMeetings answered {call} in an unexpected format.", detail=what)


def unwrap(body: object, root: str, call: str) -> object:
    """Return the value under the envelope's single root key."""
    if not isinstance(body, dict):
        raise _unexpected(call, f"expected a JSON object with “{root}”, got {type(body).__name__}")
    if root not in body:
        keys = ", ".join(sorted(str(k) for k in body)) or "nothing"
        raise _unexpected(call, f"expected “{root}”, found {keys}")
    return body[root]


def service_result(body: object, call: str) -> ServiceResult:
    value = unwrap(body, "serviceResult", call)
    if not isinstance(value, dict):
        raise _unexpected(call, "serviceResult is not an object")
    return ServiceResult(type=text(value.get("type")) or ERROR, message=text(value.get("message")))


def maybe_service_result(body: object) -> ServiceResult | None:
    """The ServiceResult in ``body`` if it is one (errors can arrive where a DTO was expected)."""
    if isinstance(body, dict) and isinstance(body.get("serviceResult"), dict):
        value = body["serviceResult"]
        return ServiceResult(type=text(value.get("type")) or ERROR, message=text(value.get("message")))
    return None


def as_list(value: object) -> list[Any]:
    """Jettison writes a one-element collection as the element itself and omits an empty one."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def objects(value: object, call: str, what: str) -> list[dict[str, Any]]:
    items = as_list(value)
    for item in items:
        if not isinstance(item, dict):
            raise _unexpected(call, f"a {what} entry is {type(item).__name__}, not an object")
    return items


def unwrap_list(body: object, root: str, call: str) -> list[dict[str, Any]]:
    """A list answer. An empty object (nothing at all) counts as an empty list."""
    if isinstance(body, dict) and not body:
        return []
    return objects(unwrap(body, root, call), call, root)


def unwrap_rows(body: object, root: str, call: str) -> list[Any]:
    """The entries of a list answer, unchecked: each is read (or skipped with a warning) on its own."""
    if isinstance(body, dict) and not body:
        return []
    return as_list(unwrap(body, root, call))


def as_object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _unexpected(what, f"an entry is {type(value).__name__}, not an object")
    return value


def unwrap_object(body: object, root: str, call: str) -> dict[str, Any]:
    value = unwrap(body, root, call)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict):
        raise _unexpected(call, f"“{root}” is {type(value).__name__}, not an object")
    return value


def child(obj: dict[str, Any], key: str) -> dict[str, Any]:
    """A nested object, or an empty one when it is absent or not an object."""
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def text(value: object) -> str:
    """A string field, undoing Jettison's number and boolean coercion."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        # "10" may come back as 10.0 through some JSON stacks
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    return ""


def opt_int(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def req_id(obj: dict[str, Any], call: str, what: str) -> str:
    """The ``id`` of a DTO as a string; a DTO without one is unusable."""
    value = opt_int(obj.get("id"))
    if value is None:
        raise _unexpected(call, f"a {what} without a numeric id")
    return str(value)


def as_bool(value: object, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "false"):
            return low == "true"
    if isinstance(value, int | float):
        return value != 0
    return default


def parse_datetime(value: object, default_zone: tzinfo | None = None) -> datetime | None:
    """Any date form OpenMeetings emits, as an aware datetime (None if absent or unreadable).

    ``default_zone`` is applied to a date without offset; None means the system's local zone.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict):  # openjson bean of java.util.Date: {"time": millis, ...}
        return parse_datetime(value.get("time"), default_zone)
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    raw = value.strip()
    parsed: datetime | None = None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(raw, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_zone) if default_zone is not None else parsed.astimezone()
    return parsed


def format_datetime(moment: datetime, zone: tzinfo | None) -> str:
    """``yyyy-MM-dd'T'HH:mm:ssZ`` — the one date format every OpenMeetings parser reads with its offset.

    An offset with a colon is not read by the server's first pattern and its second pattern then drops
    the offset silently, so the offset is written as ``+HHMM``.
    """
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S%z")
