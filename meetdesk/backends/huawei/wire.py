"""Reading Huawei Cloud Meeting answers: pages, ConferenceInfo, cloud rooms, and its error codes as our errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from meetdesk.backends.rows import report_skipped
from meetdesk.domain.errors import (
    AuthenticationError,
    ConflictError,
    MeetdeskError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    ValidationError,
)

WIRE_TIME = "%Y-%m-%d %H:%M"
TOKEN_INVALID = "USG.000000004"
CONF_NOT_FOUND = "MMC.111070005"
CONF_AUTH_FAILED = "MMC.111072065"
CONF_NOT_STARTED = "MMC.111072005"
CONF_IN_PROGRESS = "MMC.111071067"
CONF_PASSWORD_WRONG = "MMC.111070004"
NO_PERMISSION = frozenset({"MMC.111070002", "MMC.111070010"})

STATES = {"Schedule": "scheduled", "Creating": "starting", "Created": "running", "Destroyed": "ended"}


@dataclass(frozen=True)
class HuaweiFailure:
    status: int
    code: str
    message: str

    @property
    def detail(self) -> str:
        return f"HTTP {self.status} {self.code} {self.message}".strip()


def failure(status: int, body: object, raw: str) -> HuaweiFailure:
    """The error as the SDK's DefaultExceptionHandler reads it: error_code/error_msg, then errorCode/errorMsg."""
    if isinstance(body, dict):
        for code_key, msg_key in (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")):
            if body.get(code_key):
                return HuaweiFailure(status, str(body[code_key]), str(body.get(msg_key) or ""))
    return HuaweiFailure(status, "", "" if raw.lstrip().startswith("<") else raw[:200])


def error_for(fail: HuaweiFailure, call: str, server: str, *, meeting: str = "") -> MeetdeskError:
    """A sentence a coordinator understands for Huawei's answer to ``call``."""
    said = f" Huawei says: {fail.message}" if fail.message else ""
    what = f"meeting {meeting}" if meeting else "this meeting"
    if fail.code == CONF_NOT_FOUND:
        return NotFoundError(f"There is no {what} on {server}: it may have ended or been cancelled.",
                             detail=fail.detail)
    if fail.code == CONF_NOT_STARTED:
        return ConflictError(f"The {what} is not running: it has not been started yet or has already ended.",
                             detail=fail.detail, hint="Start it first (meetdesk start …, or “Start” in the window).")
    if fail.code == CONF_AUTH_FAILED:
        return ConflictError(f"Huawei Cloud Meeting refused to control the {what}: it is not running, or it no "
                             "longer accepts its chair password.", detail=fail.detail)
    if fail.code == CONF_IN_PROGRESS:
        return ConflictError(f"The {what} is running, and Huawei Cloud Meeting cannot change a running meeting.",
                             detail=fail.detail, hint="End the meeting first, or wait until it is over.")
    if fail.code == CONF_PASSWORD_WRONG:
        return PermissionDeniedError(f"Huawei Cloud Meeting refused the password of the {what}.", detail=fail.detail)
    if fail.code in NO_PERMISSION or fail.status == 403:
        return PermissionDeniedError(f"This account may not do {call} on {server}.{said}", detail=fail.detail)
    if fail.status == 401:
        return AuthenticationError(f"{server} no longer accepts meetdesk's sign-in.{said}", detail=fail.detail,
                                   hint="Check the profile's credentials and connect again.")
    if fail.status == 400:
        return ValidationError(f"Huawei Cloud Meeting rejected {call}.{said}", detail=fail.detail)
    if fail.status >= 500:
        return ServerError(f"{server} had a problem with {call} (HTTP {fail.status}).{said}", detail=fail.detail,
                           hint="Try again in a moment.")
    return ProtocolError(f"{server} answered {call} with HTTP status {fail.status}.{said}", detail=fail.detail)


def text(value: object) -> str:
    return "" if value is None else str(value).strip()


def parse_time(value: object, call: str) -> datetime:
    try:
        return datetime.strptime(text(value), WIRE_TIME).replace(tzinfo=UTC)
    except ValueError:
        raise ProtocolError(f"Huawei Cloud Meeting answered {call} with an unreadable time.",
                            detail=f"time {value!r}") from None


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(WIRE_TIME)


def page_items(body: object, call: str, what: str = "row") -> tuple[list[dict[str, Any]], int]:
    """The rows and the total ``count`` of an ``{offset, limit, count, data}`` page (an entry that is not an
    object is left out with a warning naming it)."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ProtocolError(f"Huawei Cloud Meeting answered {call} in an unexpected format.",
                            detail="no data list in the page")
    rows = [r for r in body["data"] if isinstance(r, dict)]
    bad = [f"{what} number {i + 1}: it is not an object" for i, r in enumerate(body["data"]) if not isinstance(r, dict)]
    if bad:
        report_skipped(bad, server="Huawei Cloud Meeting", call=call, what=what)
    try:
        count = int(body.get("count", len(rows)))
    except (TypeError, ValueError):
        count = len(rows)
    return rows, count


def conference_list(body: object, call: str) -> list[dict[str, Any]]:
    """Create and update answer a top-level JSON array of ConferenceInfo."""
    if not isinstance(body, list) or not body or not isinstance(body[0], dict):
        raise ProtocolError(f"Huawei Cloud Meeting answered {call} in an unexpected format.",
                            detail="expected a JSON array of conferences")
    return [c for c in body if isinstance(c, dict)]


def passwords(info: dict[str, Any]) -> dict[str, str]:
    """``{"chair": …, "general": …}`` from ``passwordEntry`` (clear text, SDK model password_entry.py)."""
    out: dict[str, str] = {}
    for entry in info.get("passwordEntry") or []:
        if isinstance(entry, dict) and entry.get("conferenceRole") and entry.get("password") is not None:
            out[text(entry["conferenceRole"])] = text(entry["password"])
    return out


def child(info: dict[str, Any], key: str) -> dict[str, Any]:
    value = info.get(key)
    return value if isinstance(value, dict) else {}


def is_recurring(info: dict[str, Any]) -> bool:
    return info.get("conferenceType") == 2 or bool(info.get("cycleParams")) or info.get("confType") == "CYCLE"
