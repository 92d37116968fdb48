"""How OpenMeetings writes and reads JSON, reproduced for the simulator.

Output: JAXB DTOs go through CXF's Jettison provider (root-key envelope, one-element collections written
as the element, empty collections and nulls left out, numeric-looking strings turned into numbers);
appointments and single users go through openjson bean writers (real arrays, ``public`` instead of
``isPublic``, ``java.util.Date`` written as a bean). Input: DTOs arrive as JSON strings inside form fields
and are read leniently (openjson ``opt*``), except that a RoomDTO without a valid type is refused.
"""

from __future__ import annotations

import email.policy
import json
import re
from datetime import datetime, tzinfo
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from meetdesk.backends.openmeetings.simulator.data import (
    REMINDERS,
    ROOM_ELEMENTS,
    ROOM_TYPES,
    OMAppointment,
    OMRecording,
    OMRoom,
    OMUser,
    OpenMeetingsState,
)

_LONG = re.compile(r"[+-]?\d+")
_DOUBLE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?")


class ParamError(Exception):
    """A parameter the JAX-RS layer could not convert: 400 for form fields, 404 for path segments."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# Jettison output -------------------------------------------------------------------------------
def coerce(text: str) -> Any:
    """Jettison's DefaultConverter: Long, else finite Double, else true/false, else the string."""
    if _LONG.fullmatch(text) and -(2**63) <= int(text) < 2**63:
        return int(text)
    stripped = text.strip()
    if _DOUBLE.fullmatch(stripped):
        return float(stripped.rstrip("fFdD"))
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    return text


def jettison(value: Any) -> Any:
    """Apply the mapped-convention quirks to a DTO already laid out as a dict in JAXB field order."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            if isinstance(item, list | tuple):
                items = [jettison(i) for i in item]
                if not items:
                    continue
                out[key] = items[0] if len(items) == 1 else items
            else:
                out[key] = jettison(item)
        return out
    if isinstance(value, str):
        return coerce(value)
    return value


def service_result(message: str, kind: str = "SUCCESS") -> dict[str, Any]:
    # ServiceResult is a JAXB DTO too, so a numeric message ("3" from room/count) arrives as a number
    return {"serviceResult": jettison({"message": message, "type": kind})}


# dates -------------------------------------------------------------------------------------------
def om_date(moment: datetime, zone: tzinfo) -> str:
    """``yyyy-MM-dd'T'HH:mm:ssZ`` (offset without colon) as the appointment writer formats it."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S%z")


def xml_date(moment: datetime, zone: tzinfo) -> str:
    """JAXB's xs:dateTime (offset with colon), as RecordingDTO start/end come out."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def date_bean(moment: datetime, zone: tzinfo) -> dict[str, int]:
    """A ``java.util.Date`` as openjson's bean writer introspects it."""
    local = moment.astimezone(zone)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return {"date": local.day, "day": (local.weekday() + 1) % 7, "hours": local.hour, "minutes": local.minute,
            "month": local.month - 1, "seconds": local.second, "time": int(moment.timestamp() * 1000),
            "timezoneOffset": -minutes, "year": local.year - 1900}


_WITH_OFFSET = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-]\d{4})")
_NO_OFFSET = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_om_date(text: str, zone: tzinfo) -> datetime:
    """DateParamConverter: three patterns in turn, each parsing a prefix of the text.

    The prefix parse is why ``2025-01-20T20:30:03+03:00`` (colon in the offset) fails the first pattern
    and then matches the second with its offset silently dropped.
    """
    raw = text.strip()
    match = _WITH_OFFSET.match(raw)
    if match:
        return datetime.strptime("".join(match.groups()[:6]) + match.group(7), "%Y%m%d%H%M%S%z")
    match = _NO_OFFSET.match(raw) or _DAY.match(raw)
    if match:
        parts = [int(p) for p in match.groups()] + [0, 0, 0]
        try:
            return datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], tzinfo=zone)
        except ValueError:
            pass
    raise ValueError(f"Unparsable format: {text}")


# request bodies ----------------------------------------------------------------------------------
def parse_form(body: bytes, content_type: str) -> dict[str, str]:
    """Form fields from an urlencoded or multipart body (CXF binds @FormParam from both)."""
    mime = content_type.split(";")[0].strip().lower()
    if mime == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        fields: dict[str, str] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                fields[name] = payload.decode("utf-8", "replace")
        return fields
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def json_param(raw: str | None, name: str) -> dict[str, Any] | None:
    """A DTO passed as a JSON string in a form field; undecodable JSON is a 400 from CXF."""
    if raw is None or raw == "":
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ParamError(400, f"{name}: not a JSON object") from None
    if not isinstance(value, dict):
        raise ParamError(400, f"{name}: not a JSON object")
    return value


def child(obj: dict[str, Any] | None, key: str) -> dict[str, Any]:
    """A nested JSON object, or an empty one."""
    value = (obj or {}).get(key)
    return value if isinstance(value, dict) else {}


def opt_string(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def opt_long(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return None


def opt_bool(obj: dict[str, Any], key: str, default: bool = False) -> bool:
    value = obj.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def read_room(obj: dict[str, Any]) -> dict[str, Any]:
    """``RoomDTO.get``: only ``isPublic`` is read (the spec's ``public`` is ignored), hiddenElements only
    as an array, capacity defaults to 4, and a missing or unknown type is refused."""
    room_type = opt_string(obj, "type")
    if room_type not in ROOM_TYPES:
        raise ParamError(400, "Room should have valid type")
    hidden = obj.get("hiddenElements")
    elements: list[str] = []
    if isinstance(hidden, list):
        for item in hidden:
            if item not in ROOM_ELEMENTS:
                raise ParamError(400, f"No enum constant RoomElement.{item}")
            if item not in elements:
                elements.append(item)
    return {
        "id": opt_long(obj, "id"), "name": opt_string(obj, "name"), "tag": opt_string(obj, "tag"),
        "comment": opt_string(obj, "comment"), "type": room_type,
        "capacity": opt_long(obj, "capacity") or 4, "appointment": opt_bool(obj, "appointment"),
        "confno": opt_string(obj, "confno"), "is_public": opt_bool(obj, "isPublic"),
        "demo": opt_bool(obj, "demo"), "closed": opt_bool(obj, "closed"), "demo_time": opt_long(obj, "demoTime"),
        "external_id": opt_string(obj, "externalId"), "external_type": opt_string(obj, "externalType"),
        "redirect_url": opt_string(obj, "redirectUrl"), "moderated": opt_bool(obj, "moderated"),
        "wait_moderator": opt_bool(obj, "waitModerator"),
        "allow_user_questions": opt_bool(obj, "allowUserQuestions"),
        "allow_recording": opt_bool(obj, "allowRecording"), "wait_recording": opt_bool(obj, "waitRecording"),
        "audio_only": opt_bool(obj, "audioOnly"), "hidden_elements": elements,
    }


def apply_room(room: OMRoom, fields: dict[str, Any]) -> OMRoom:
    """RoomMapper: every field of the DTO replaces the stored one (an update is a full replace)."""
    for key, value in fields.items():
        if key != "id":
            setattr(room, key, value if value is not None or key not in ("comment", "name") else "")
    return room


def read_appointment(raw: dict[str, Any]) -> dict[str, Any]:
    """``AppointmentParamConverter.fromString`` (it also accepts the ``{"appointmentDTO": …}`` wrapper)."""
    obj = raw["appointmentDTO"] if isinstance(raw.get("appointmentDTO"), dict) else raw
    owner = obj.get("owner") if isinstance(obj.get("owner"), dict) else None
    room = obj.get("room") if isinstance(obj.get("room"), dict) else None
    reminder = opt_string(obj, "reminder") or "NONE"
    if reminder not in REMINDERS:
        raise ParamError(400, f"No enum constant Reminder.{reminder}")
    members_raw = obj.get("meetingMembers")
    members = members_raw if isinstance(members_raw, list) else []
    for key in ("start", "end"):
        if not isinstance(obj.get(key), str):
            raise ParamError(400, f"appointment without {key}")
    return {
        "id": opt_long(obj, "id"), "title": opt_string(obj, "title") or "", "location": opt_string(obj, "location"),
        "description": opt_string(obj, "description") or "", "start": obj["start"], "end": obj["end"],
        "owner": owner, "reminder": reminder, "room": read_room(room) if room is not None else None,
        "ical_id": opt_string(obj, "icalId"), "members": [m for m in members if isinstance(m, dict)],
        "language_id": opt_long(obj, "languageId"), "password": opt_string(obj, "password"),
        "password_protected": opt_bool(obj, "passwordProtected"),
        "connected_event": opt_bool(obj, "connectedEvent"),
        "reminder_email_send": opt_bool(obj, "reminderEmailSend"),
    }


# DTO layouts -------------------------------------------------------------------------------------
def room_jaxb(room: OMRoom) -> dict[str, Any]:
    """RoomDTO in declaration order (FIELD access: the public flag is ``isPublic``)."""
    return jettison({
        "id": room.id, "name": room.name, "tag": room.tag, "comment": room.comment, "type": room.type,
        "capacity": room.capacity, "appointment": room.appointment, "confno": room.confno,
        "isPublic": room.is_public, "demo": room.demo, "closed": room.closed, "demoTime": room.demo_time,
        "externalId": room.external_id, "externalType": room.external_type, "redirectUrl": room.redirect_url,
        "moderated": room.moderated, "waitModerator": room.wait_moderator,
        "allowUserQuestions": room.allow_user_questions, "allowRecording": room.allow_recording,
        "waitRecording": room.wait_recording, "audioOnly": room.audio_only,
        "hiddenElements": list(room.hidden_elements), "files": [],
    })


def room_bean(room: OMRoom) -> dict[str, Any]:
    """RoomDTO as openjson introspects it inside an appointment (``isPublic()`` → ``public``)."""
    bean = {
        "allowRecording": room.allow_recording, "allowUserQuestions": room.allow_user_questions,
        "appointment": room.appointment, "audioOnly": room.audio_only, "capacity": room.capacity,
        "closed": room.closed, "comment": room.comment or None, "confno": room.confno, "demo": room.demo,
        "demoTime": room.demo_time, "externalId": room.external_id, "externalType": room.external_type,
        "files": [], "hiddenElements": list(room.hidden_elements), "id": room.id, "moderated": room.moderated,
        "name": room.name, "public": room.is_public, "redirectUrl": room.redirect_url, "tag": room.tag,
        "type": room.type, "waitModerator": room.wait_moderator, "waitRecording": room.wait_recording,
    }
    return {k: v for k, v in bean.items() if v is not None}


def user_jaxb(user: OMUser) -> dict[str, Any]:
    """UserDTO through JAXB getters (alphabetical); Address writes ``mail`` and ``created`` (millis)."""
    return jettison({
        "address": {"created": str(int(user.created.timestamp() * 1000)), "deleted": False,
                    "country": user.country, "mail": user.email or None},
        "externalId": user.external_id, "externalType": user.external_type, "firstname": user.firstname or None,
        "id": user.id, "languageId": user.language_id, "lastname": user.lastname or None, "login": user.login,
        "pictureUri": user.picture_uri, "rights": list(user.rights), "timeZoneId": user.timezone,
        "type": user.type,
    })


def user_bean(user: OMUser, zone: tzinfo) -> dict[str, Any]:
    """UserDTO through openjson (real arrays; Address has ``email`` and a bean-ized ``inserted``)."""
    address = {"country": user.country, "deleted": False, "email": user.email or None, "id": user.id,
               "inserted": date_bean(user.created, zone)}
    bean: dict[str, Any] = {
        "address": {k: v for k, v in address.items() if v is not None},
        "externalId": user.external_id, "externalType": user.external_type, "firstname": user.firstname or None,
        "id": user.id, "languageId": user.language_id, "lastname": user.lastname or None, "login": user.login,
        "pictureUri": user.picture_uri, "rights": list(user.rights), "timeZoneId": user.timezone,
        "type": user.type,
    }
    return {k: v for k, v in bean.items() if v is not None}


def appointment_bean(appointment: OMAppointment, state: OpenMeetingsState) -> dict[str, Any]:
    zone = state.zone
    owner = state.users.get(appointment.owner_id)
    room = state.rooms.get(appointment.room_id)
    members = [{"id": member_id, "user": user_bean(state.users[user_id], zone)}
               for member_id, user_id in appointment.members if user_id in state.users]
    bean: dict[str, Any] = {
        "connectedEvent": appointment.connected_event, "deleted": False,
        "description": appointment.description or None, "end": om_date(appointment.end, zone),
        "icalId": appointment.ical_id, "id": appointment.id, "inserted": om_date(appointment.inserted, zone),
        "languageId": appointment.language_id, "location": appointment.location, "meetingMembers": members,
        "owner": user_bean(owner, zone) if owner else None, "passwordProtected": appointment.password_protected,
        "reminder": appointment.reminder, "reminderEmailSend": appointment.reminder_email_send,
        "room": room_bean(room) if room else None, "start": om_date(appointment.start, zone),
        "title": appointment.title,
        "updated": om_date(appointment.updated, zone) if appointment.updated else None,
    }
    return {k: v for k, v in bean.items() if v is not None}


def recording_jaxb(recording: OMRecording, zone: tzinfo) -> dict[str, Any]:
    return jettison({
        "id": recording.id, "name": recording.name, "hash": recording.hash, "roomId": recording.room_id,
        "status": recording.status, "interview": recording.interview,
        "start": xml_date(recording.start, zone), "end": xml_date(recording.end, zone),
        "width": recording.width, "height": recording.height, "ownerId": recording.owner_id,
        "externalType": recording.external_type,
    })
