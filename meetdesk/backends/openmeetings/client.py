"""Apache OpenMeetings 7.x–9.x through its REST web services (``/openmeetings/services/...``).

The provider is built in three layers: :mod:`.session` (SID, login, answers) ← :mod:`.rooms` ← this module
(calendar, recordings, join links).

A session id (SID) from ``user/login`` authorizes every call as the query parameter ``sid``. The SID
dies after 30 idle minutes; a call answered with ``error.notallowed`` is repeated once after a fresh
login, and only a second refusal is reported (then it is the account's rights, not the SID).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, urlencode

from meetdesk.backends.base import Capability, Column
from meetdesk.backends.http import json_body
from meetdesk.backends.openmeetings import wire as omj
from meetdesk.backends.openmeetings.fields import (
    CONNECTION_FIELDS,
    DEFAULT_EXTERNAL_TYPE,
    JOIN_FIELDS,
    MEETING_COLUMNS,
    MEETING_FIELDS,
    ROOM_COLUMNS,
    ROOM_FIELDS,
    ROOM_TYPES,
    language_id,
)
from meetdesk.backends.openmeetings.invitations import INVITATION_POLICY, create_invitation
from meetdesk.backends.openmeetings.rooms import OpenMeetingsRooms
from meetdesk.backends.openmeetings.session import PRIVATE_ROOMS_KEY, dump_json
from meetdesk.backends.rows import parse_rows
from meetdesk.domain.errors import (
    NotFoundError,
    ProtocolError,
    ValidationError,
)
from meetdesk.domain.fields import FieldSpec
from meetdesk.domain.models import (
    JoinLink,
    JoinRequest,
    LinkPolicy,
    Meeting,
    MeetingDraft,
    Participant,
    Recording,
    Role,
)
from meetdesk.domain.times import check_range, ends_after

log = logging.getLogger("meetdesk.backends.openmeetings")
T = TypeVar("T")

__all__ = ["PRIVATE_ROOMS_KEY", "OpenMeetingsProvider"]


def _split_name(display_name: str) -> tuple[str, str]:
    parts = display_name.split()
    if not parts:
        return "", ""
    return parts[0], " ".join(parts[1:])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", text.lower()).strip(".")


class OpenMeetingsProvider(OpenMeetingsRooms):
    kind = "openmeetings"
    display_name = "Apache OpenMeetings"
    description = "Apache OpenMeetings 7.x–9.x through its REST web services (rooms, calendar, join links)."
    join_request_fields = frozenset({"user_id", "moderator", "email", "language", "avatar_url"})
    capabilities = (
        Capability.LIST_ROOMS | Capability.CREATE_ROOM | Capability.UPDATE_ROOM | Capability.DELETE_ROOM
        | Capability.OPEN_CLOSE_ROOM | Capability.LIST_MEETINGS | Capability.CREATE_MEETING
        | Capability.UPDATE_MEETING | Capability.CANCEL_MEETING | Capability.RECORDINGS | Capability.JOIN_LINK
    )
    url_label = "OpenMeetings address"
    url_placeholder = "https://meet.example.org:5443/openmeetings"
    room_id_help = "OpenMeetings numbers its rooms itself."
    room_id_settable = False
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = CONNECTION_FIELDS
    room_fields: ClassVar[tuple[FieldSpec, ...]] = ROOM_FIELDS
    meeting_fields: ClassVar[tuple[FieldSpec, ...]] = MEETING_FIELDS
    join_fields: ClassVar[tuple[FieldSpec, ...]] = JOIN_FIELDS
    room_columns: ClassVar[tuple[Column, ...]] = ROOM_COLUMNS
    meeting_columns: ClassVar[tuple[Column, ...]] = MEETING_COLUMNS
    link_policy: ClassVar[LinkPolicy] = INVITATION_POLICY


    def _aware(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self._zone) if self._zone is not None else moment.astimezone()
        return moment

    def _meeting_from_dto(self, dto: dict[str, Any], call: str) -> Meeting:
        meeting_id = omj.req_id(dto, call, "appointment")
        start = omj.parse_datetime(dto.get("start"), self._zone)
        end = omj.parse_datetime(dto.get("end"), self._zone)
        if start is None or end is None:
            raise ProtocolError(f"OpenMeetings answered {call} in an unexpected format.",
                                detail=f"appointment {meeting_id} without a readable start or end")
        for key, value in (("start", start), ("end", end)):
            try:
                check_range(value, label=key)
            except ValidationError:
                raise ProtocolError(f"OpenMeetings answered {call} with a date meetdesk cannot show.",
                                    detail=f"appointment {meeting_id}: {key} {dto.get(key)!r} out of range") from None
        start, end = start.astimezone(self._zone), end.astimezone(self._zone)
        room, owner = omj.child(dto, "room"), omj.child(dto, "owner")
        owner_name = " ".join(p for p in (omj.text(owner.get("firstname")), omj.text(owner.get("lastname"))) if p)
        owner_text = omj.text(owner.get("login")) or owner_name
        room_name = omj.text(room.get("name"))
        self._appointments[meeting_id] = dto
        return Meeting(
            id=meeting_id, title=omj.text(dto.get("title")), start=start,
            end=end, kind=self.kind, room_id=omj.text(room.get("id")),
            room_name=room_name, owner=owner_text, location=omj.text(dto.get("location")),
            description=omj.text(dto.get("description")), timezone=self._zone_name,
            options={"reminder": omj.text(dto.get("reminder")) or "NONE",
                     "password_protected": omj.as_bool(dto.get("passwordProtected")),
                     "new_room_type": omj.text(room.get("type")) or "CONFERENCE"},
            extra={"room": room_name, "owner": owner_text, "ical_id": omj.text(dto.get("icalId")),
                   # set on appointments the user is only a member of (AppointmentDao.getInRange)
                   "attending_only": "yes" if omj.as_bool(dto.get("connectedEvent")) else ""},
        )

    async def list_meetings(self, start: datetime, end: datetime) -> list[Meeting]:
        start, end = self._aware(start), self._aware(end)
        call = "the calendar"
        path = (f"services/calendar/{quote(omj.format_datetime(start, self._zone), safe='')}"
                f"/{quote(omj.format_datetime(end, self._zone), safe='')}")
        body = await self._get_json(path, call, right="ROOM")
        dtos = [] if body is None else omj.unwrap_rows(body, "appointmentDTO", call)
        meetings = await parse_rows(dtos, lambda d: self._meeting_from_dto(omj.as_object(d, call), call),
                                    server=self._server, call=call, what="meeting")
        # the server's range includes both bounds (BETWEEN in appointmentsInRange); meetdesk's windows are
        # half-open, so a meeting that only touches the window is left out
        return sorted((m for m in meetings if m.end > start and m.start < end), key=lambda m: m.start)

    async def next_meeting(self) -> Meeting | None:
        """The account's next appointment, or None (the server answers 204)."""
        call = "the next appointment"
        body = await self._get_json("services/calendar/next", call, right="ROOM")
        return None if body is None else self._meeting_from_dto(omj.unwrap_object(body, "appointmentDTO", call), call)

    async def _appointment_room(self, draft: MeetingDraft, previous: dict[str, Any] | None) -> dict[str, Any]:
        room_id = (draft.room_id or "").strip()
        if not room_id and previous and isinstance(previous.get("room"), dict):
            room_id = omj.text(previous["room"].get("id"))
        if room_id:
            try:
                return self._clean_room_dto(await self._room_dto(room_id))
            except ValidationError:
                raise ValidationError(f"“{room_id}” is not a room number of {self._server}.", field="room_id") from None
            except NotFoundError:
                raise NotFoundError(f"There is no room {room_id} on {self._server} for this meeting.") from None
        room_type = str(draft.options.get("new_room_type") or "CONFERENCE")
        if room_type not in dict(ROOM_TYPES):
            raise ValidationError("Choose the type of the new room.", field="new_room_type")
        return {"name": draft.title.strip(), "type": room_type, "appointment": True, "isPublic": False,
                "capacity": 25, "comment": "", "moderated": False, "allowUserQuestions": True,
                "allowRecording": True, "audioOnly": False, "waitModerator": False}

    async def _previous_appointment(self, meeting_id: str, around: datetime) -> dict[str, Any] | None:
        """The appointment as last read. Saving replaces every field, so members, owner and iCal id must
        be sent again; one not listed in this session is looked up in the year around its new date."""
        if meeting_id not in self._appointments:
            self._id_path(meeting_id, "meeting", field="id")
            await self.list_meetings(around - timedelta(days=366), around + timedelta(days=366))
        return self._appointments.get(meeting_id)

    async def _save_meeting(self, draft: MeetingDraft, meeting_id: str | None) -> Meeting:
        if not draft.title.strip():
            raise ValidationError("Give the meeting a title.", field="title")
        start, end = self._aware(draft.start), self._aware(draft.end)
        if not ends_after(start, end):
            raise ValidationError("The meeting must end after it starts.", field="end")
        protected = bool(draft.options.get("password_protected", False))
        password = str(draft.options.get("password") or "")
        if protected and not password:
            raise ValidationError("Enter the meeting password (OpenMeetings never sends it back, so meetdesk "
                                  "cannot keep the old one).", field="password")
        previous = await self._previous_appointment(meeting_id, start) if meeting_id else None
        dto: dict[str, Any] = {}
        if previous:
            for key in ("icalId", "meetingMembers", "owner", "languageId", "connectedEvent", "reminderEmailSend"):
                if previous.get(key) is not None:
                    dto[key] = previous[key]
            dto["meetingMembers"] = omj.as_list(dto.get("meetingMembers")) or None
        if meeting_id:
            dto["id"] = int(self._id_path(meeting_id, "meeting", field="id"))
        dto.update({
            "title": draft.title.strip(), "description": draft.description, "location": draft.location,
            "start": omj.format_datetime(start, self._zone), "end": omj.format_datetime(end, self._zone),
            "reminder": str(draft.options.get("reminder") or "NONE"), "passwordProtected": protected,
            "room": await self._appointment_room(draft, previous),
        })
        if protected:
            dto["password"] = password
        payload = {k: v for k, v in dto.items() if v is not None}
        call = "saving the appointment" if meeting_id is None else f"saving appointment {meeting_id}"
        response = await self._call("POST", "services/calendar", call, data={"appointment": dump_json(payload)},
                                    right="ROOM")
        not_found = None if meeting_id is None else f"There is no meeting {meeting_id} on {self._server}."
        body = self._answer(response, call, not_found=not_found)
        return self._meeting_from_dto(omj.unwrap_object(body, "appointmentDTO", call), call)

    async def create_meeting(self, draft: MeetingDraft) -> Meeting:
        return await self._save_meeting(draft, None)

    async def update_meeting(self, meeting_id: str, draft: MeetingDraft) -> Meeting:
        return await self._save_meeting(draft, meeting_id)

    async def cancel_meeting(self, meeting_id: str) -> None:
        mid = self._id_path(meeting_id, "meeting", field="id")
        call = f"deleting appointment {mid}"
        response = await self._call("DELETE", f"services/calendar/{mid}", call)
        omj.service_result(self._answer(response, call, not_found=f"There is no meeting {mid} on {self._server}."),
                           call)
        self._appointments.pop(mid, None)

    # recordings ------------------------------------------------------------------------------
    def _recording_from_dto(self, dto: dict[str, Any], call: str, room_id: str) -> Recording:
        start = omj.parse_datetime(dto.get("start"), self._zone)
        end = omj.parse_datetime(dto.get("end"), self._zone)
        width, height = omj.opt_int(dto.get("width")), omj.opt_int(dto.get("height"))
        return Recording(
            id=omj.req_id(dto, call, "recording"), room_id=omj.text(dto.get("roomId")) or room_id,
            name=omj.text(dto.get("name")), created=start.astimezone(self._zone) if start else None,
            duration_s=(end - start).total_seconds() if start and end else None,
            extra={"status": omj.text(dto.get("status")),
                   "resolution": f"{width}×{height}" if width and height else "",
                   "interview": omj.as_bool(dto.get("interview"))},
        )

    async def _room_recordings(self, room_id: str) -> list[Recording]:
        call = f"the recordings of room {room_id}"
        body = await self._get_json(f"services/record/room/{room_id}", call)
        dtos = [] if body is None else omj.unwrap_rows(body, "recordingDTO", call)
        return await parse_rows(dtos, lambda d: self._recording_from_dto(omj.as_object(d, call), call, room_id),
                                server=self._server, call=call, what="recording")

    async def list_recordings(self, room_id: str | None = None) -> list[Recording]:
        if room_id is not None:
            return await self._room_recordings(self._id_path(room_id, "room"))
        ids = [i for i in (omj.opt_int(d.get("id")) if isinstance(d, dict) else None
                           for d in await self._all_room_dtos()) if i is not None]
        per_room = await self._gather(self._room_recordings(str(i)) for i in ids)
        return sorted((r for group in per_room for r in group),
                      key=lambda r: r.created.timestamp() if r.created else 0.0, reverse=True)

    # join links ------------------------------------------------------------------------------
    @staticmethod
    def _language(request: JoinRequest) -> str:
        chosen = request.options.get("language")
        return str(chosen) if chosen else language_id(request.language)

    async def join_link(self, request: JoinRequest) -> JoinLink:
        display_name = request.display_name.strip()
        if not display_name:
            raise ValidationError("Enter the participant's name.", field="display_name")
        room = await self._room_dto(request.room_id)  # the server does not check the room when hashing
        room_id = omj.req_id(room, "reading a room", "room")
        firstname, lastname = _split_name(display_name)
        external_id = request.user_id.strip() or request.email.strip().lower() or f"name:{_slug(display_name)}"
        external_type = str(request.options.get("external_type") or DEFAULT_EXTERNAL_TYPE).strip()
        multiple = bool(request.options.get("allow_same_url_multiple_times", False))
        user = {"firstname": firstname, "lastname": lastname,
                "login": request.user_id.strip() or request.email.strip() or _slug(display_name) or "guest",
                "email": request.email.strip(), "externalId": external_id, "externalType": external_type}
        if request.avatar_url:
            user["profilePictureUrl"] = request.avatar_url
        options = {"roomId": int(room_id), "moderator": request.moderator, "allowSameURLMultipleTimes": multiple}
        call = "creating the join link (user/hash)"
        response = await self._call_with_own_sid("POST", "services/user/hash", call,
                                                 data={"user": dump_json(user), "options": dump_json(options)})
        if response.status_code == 200:
            result = omj.service_result(json_body(response, call), call)
            if not result.ok:
                raise ValidationError(f"OpenMeetings refused the join link: {result.message}.", field="user_id")
        else:
            result = omj.service_result(self._answer(response, call), call)
        if not result.message:
            raise ProtocolError(f"OpenMeetings answered {call} without a hash.")
        language = self._language(request)
        base = self.normalize_base_url(self.profile.base_url)
        url = f"{base}/hash?{urlencode({'secure': result.message, 'language': language})}"
        # a hash has no lifetime of its own: it dies with its SID, which the server's cleanup job drops after
        # 30 idle minutes unless allowSameURLMultipleTimes made it permanent (CleanupJob, SessiondataDao)
        note = ("The link can be used again and again; it stays valid as long as its server session."
                if multiple else
                "The link admits one entry. It has no expiry of its own but dies with its server session, "
                "which OpenMeetings ends about 30 minutes after the link was made.")
        return JoinLink(url=url, room_id=room_id, display_name=display_name,
                        role=Role.MODERATOR if request.moderator else Role.ATTENDEE, single_use=not multiple,
                        note=note)

    async def invitation_link(self, request: JoinRequest, valid_from: datetime, valid_to: datetime, *,
                              password: str = "", send_mail: bool = False, subject: str = "",
                              message: str = "") -> JoinLink:
        """An invitation (``room/hash``) for the meeting's time; a moderator gets a reusable join link instead,
        since invitations cannot carry the role."""
        if request.moderator:
            reusable = {**request.options, "allow_same_url_multiple_times": True}
            link = await self.join_link(dataclasses.replace(request, options=reusable))
            return dataclasses.replace(link, note="A moderator link (OpenMeetings invitations cannot carry the "
                                                  "role): it works again and again, with no end date.")
        return await create_invitation(self, request, valid_from, valid_to, password=password,
                                       send_mail=send_mail, subject=subject, message=message)

    def meeting_invitees(self, meeting_id: str) -> list[Participant]:
        """The appointment's members as last read (AppointmentDTO ``meetingMembers``), the owner left out."""
        dto = self._appointments.get(meeting_id) or {}
        owner_id = omj.text(omj.child(dto, "owner").get("id"))
        people = []
        for member in omj.as_list(dto.get("meetingMembers")):
            user = omj.child(member, "user") if isinstance(member, dict) else {}
            user_id = omj.text(user.get("id"))
            if not user or user_id == owner_id:
                continue
            name = " ".join(p for p in (omj.text(user.get("firstname")), omj.text(user.get("lastname"))) if p)
            email = omj.text(omj.child(user, "address").get("email"))
            people.append(Participant(id=user_id, name=name or omj.text(user.get("login")), extra={"email": email}))
        return people
