"""How plugNmeet's refusals become the project's errors, with a sentence a coordinator understands.

The server answers application errors with HTTP 200 and ``"status": false`` (only authentication failures
are 401); model checks arrive as free text that names the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx

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

_VALIDATION_LINE = re.compile(r"^\s*-?\s*(?P<path>[A-Za-z0-9_.\[\]\"]+):\s*(?P<msg>.+)$")
#: server messages (model checks, sent as INTERNAL_SERVER_ERROR) that are really about the input
_INPUT_PROBLEMS = ("should only contain", "reserved", "cannot contain", "cannot start with", "required")
_FIELD_LABELS = {
    "room_id": "Room ID",
    "user_id": "User ID",
    "name": "Name",
    "room_title": "Title",
    "empty_timeout": "Close when empty after",
    "max_participants": "Participants at most",
    "profile_pic": "Avatar URL",
    "webhook_url": "Webhook URL",
    "logout_url": "After leaving, go to",
    "preload_file": "Whiteboard file",
    "record_id": "Recording",
}
_FIELD_KEYS = {"name": "display_name", "profile_pic": "avatar_url", "room_title": "name",
               "duration": "duration", "room_duration": "duration"}



def auth_error(server: str, response: httpx.Response, path: str) -> MeetdeskError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = str(body.get("status_code", "")) if isinstance(body, dict) else ""
    msg = str(body.get("msg", "")) if isinstance(body, dict) else ""
    detail = f"HTTP 401 {code or msg or 'without body'} ({path})"
    lowered = msg.lower()
    if code == "INVALID_API_KEY" or "api key" in lowered:
        return AuthenticationError(f"{server} does not know this API key.", detail=detail,
                                   hint="Check the API key in the profile (client.api_key in config.yaml).")
    if code == "INVALID_TOKEN_OR_SIGNATURE" or "verify" in lowered:
        return AuthenticationError(f"{server} refused the request signature: the API secret is wrong.",
                                   detail=detail,
                                   hint="Check the API secret in the profile (client.secret in config.yaml).")
    return AuthenticationError(f"{server} refused meetdesk's credentials.", detail=detail,
                               hint="Check the API key and API secret in the profile.")

def status_error(server: str, path: str, body: Mapping[str, Any], payload: Mapping[str, Any]) -> MeetdeskError:
    msg = str(body.get("msg") or "").strip()
    code = str(body.get("status_code") or "")
    detail = f"{path}: {code or 'no status_code'}: {msg}"
    room_id = str(payload.get("room_id") or "")
    lowered = msg.lower()
    if code in ("ROOM_NOT_FOUND", "ROOM_NOT_ACTIVE") or (not code and "room" in lowered and "not" in lowered
                                                          and ("active" in lowered or "found" in lowered)):
        what = f"The room “{room_id}”" if room_id else "The room"
        return NotFoundError(f"{what} is not running on {server}.", detail=detail,
                             hint="Create or start the room first, then try again.")
    if lowered.startswith("proto:"):
        return ProtocolError(f"{server} could not read meetdesk's request ({path}).", detail=detail,
                             hint="The server may run a plugNmeet version meetdesk does not know.")
    if code in ("INVALID_PARAMETERS", "MISSING_REQUIRED_PARAMETER") or lowered.startswith("validation error"):
        return validation_error(server, msg, detail)
    if code in ("INVALID_API_KEY", "INVALID_TOKEN_OR_SIGNATURE"):
        return AuthenticationError(f"{server} refused meetdesk's credentials.", detail=detail,
                                   hint="Check the API key and API secret in the profile.")
    if code == "USER_BLOCKED":
        return PermissionDeniedError("This participant is blocked from the session and cannot get a link.",
                                     detail=detail)
    if code == "PERMISSION_DENIED":
        return PermissionDeniedError(f"{server} does not allow this: {msg}", detail=detail)
    if code == "CONFLICT":
        return ConflictError(f"{server} refused because of the room's current state: {msg}",
                             detail=detail)
    if code == "NOT_FOUND" or (not code and ("not found" in lowered or lowered.startswith("no "))):
        return NotFoundError(f"{server} reports: {msg or 'not found'}.", detail=detail)
    if "delete status" in lowered:
        return ConflictError("The room is still being removed on the server.", detail=detail,
                             hint="Create the room again, then retry.")
    if any(marker in lowered for marker in _INPUT_PROBLEMS):
        return validation_error(server, msg, detail)
    return ServerError(f"{server} reported an error: {msg or code or 'unknown error'}.", detail=detail)

def validation_error(server: str, msg: str, detail: str) -> ValidationError:
    """“validation error: room_id: room_id should only …” → “Room ID: should only …”."""
    text = msg
    for prefix in ("validation errors:", "validation error:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
            break
    problems: list[str] = []
    field: str | None = None
    for line in [p for p in text.splitlines() if p.strip()] or [text]:
        match = _VALIDATION_LINE.match(line)
        if not match:
            problem = line.strip()
            leading = problem.split(" ", 1)[0]
            if leading in _FIELD_LABELS:  # "user_id cannot start with …" → "User ID cannot start with …"
                problem = _FIELD_LABELS[leading] + problem[len(leading):]
            problems.append(problem)
            continue
        leaf = match.group("path").split(".")[-1].strip('"[]')
        message = match.group("msg").strip()
        if message.lower().startswith(leaf.lower() + " "):
            message = message[len(leaf) + 1:]
        label = _FIELD_LABELS.get(leaf, leaf.replace("_", " "))
        problems.append(f"{label}: {message}")
        field = field or _FIELD_KEYS.get(leaf, leaf)
    if field is None:
        for key in ("user_id", "room_id", "name"):
            if msg.lower().startswith(key.replace("_", "")) or msg.lower().startswith(key):
                field = _FIELD_KEYS.get(key, key)
                break
    readable = "; ".join(p.rstrip(".") for p in problems if p) or "the request was refused"
    return ValidationError(f"{server} did not accept this — {readable}.", field=field, detail=detail)
