"""Apache OpenMeetings 2.x–3.0 through its legacy Axis2 web services (XML over GET).

The flow is the one the OpenMeetings SOAP tutorials describe (sign-in in ``session.py``):
``RoomService/addRoomWithModerationQuestionsAndAudioType`` creates a room and
``UserService/setUserObjectAndGenerateRoomHash`` issues a single-use secure hash for the entry URL
``<web root>/?secureHash=…&scopeRoomId=…&language=…``.

Rooms are listed with ``RoomService/getRooms`` (3.0.x and 2.x; it needs an *admin* account) and
counted with ``getRoomCounters``; ``deleteRoom`` and ``closeRoom`` delete, close and reopen them. When the
server refuses the listing (a web-service-only account), the rooms created from meetdesk, remembered in
the profile (``profile.data["rooms"]``), are listed instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlencode
from xml.etree.ElementTree import Element

from meetdesk.backends.base import Capability, Column, secret_spec
from meetdesk.backends.openmeetings_axis.rooms import children, read_counters, read_room
from meetdesk.backends.openmeetings_axis.session import AxisSession
from meetdesk.backends.openmeetings_axis.vocabulary import (
    ADD_ROOM,
    HASH_LIFETIME,
    LANGUAGES,
    NO_PERMISSION,
    RIGHTS_HINT,
    ROOM_HASH,
    ROOM_SERVICE,
    ROOM_TYPE_SHORT,
    ROOM_TYPES,
    UNKNOWN_ERROR,
    USER_SERVICE,
    bool_param,
    language_id,
    split_name,
    yes_no,
)
from meetdesk.backends.rows import parse_rows, report_warning
from meetdesk.domain.errors import (
    ConfigError,
    MeetdeskError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.models import JoinLink, JoinRequest, LinkPolicy, Role, Room, RoomDraft

log = logging.getLogger("meetdesk.backends.openmeetings_axis")
#: rooms asked for in one getRooms call; a legacy server holds a few hundred at most
ROOM_PAGE = 500


class OpenMeetingsAxisProvider(AxisSession):
    kind: ClassVar[str] = "openmeetings-axis"
    display_name: ClassVar[str] = "OpenMeetings 2.x–3.0 (legacy)"
    description: ClassVar[str] = (
        "Apache OpenMeetings 2.x and 3.0 through the legacy Axis2 web services: list (with an admin "
        "account), create, close, reopen and delete rooms, and compose single-use join links."
    )
    join_request_fields = frozenset({"user_id", "moderator", "email", "language", "avatar_url"})
    capabilities: ClassVar[Capability] = (
        Capability.CREATE_ROOM | Capability.JOIN_LINK | Capability.LIST_ROOMS | Capability.DELETE_ROOM
        | Capability.OPEN_CLOSE_ROOM
    )
    url_label: ClassVar[str] = "OpenMeetings address"
    url_placeholder: ClassVar[str] = "http://om.example.org:5080/openmeetings"
    room_id_help: ClassVar[str] = "OpenMeetings numbers its rooms itself."
    room_id_settable: ClassVar[bool] = False
    link_policy: ClassVar[LinkPolicy] = LinkPolicy(
        lifetime=HASH_LIFETIME, single_use=True, per_person=True, role_bearing=True, made_at_join_time=True,
        summary="OpenMeetings 2.x/3.0 links admit one person once and die with their server session (about 30 "
                "minutes): meetdesk makes them at join time.")
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(
            key="user", label="User name", required=True, placeholder="e.g. admin",
            help="An OpenMeetings account with administrator or web-service (SOAP) rights; "
                 "its login name or e-mail address.",
        ),
        secret_spec("Password", key="password", help="The password of that OpenMeetings account."),
    )
    room_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(key="room_type", label="Room type", kind=FieldKind.CHOICE, default="1", choices=ROOM_TYPES,
                  help="How participants take part: conference, audience, restricted or interview."),
        FieldSpec(key="comment", label="Comment", kind=FieldKind.MULTILINE, default="",
                  help="A note about the room, shown to OpenMeetings users."),
        FieldSpec(key="capacity", label="Maximum participants", kind=FieldKind.INT, default=25,
                  minimum=1, maximum=10000, help="How many people may be in the room at the same time."),
        FieldSpec(key="public", label="Public room", kind=FieldKind.BOOL, default=True,
                  help="Visible to every OpenMeetings user; keep it on unless the server separates organisations."),
        FieldSpec(key="moderated", label="Wait for a moderator", kind=FieldKind.BOOL, default=False,
                  help="Participants wait until a moderator enters the room."),
        FieldSpec(key="allow_user_questions", label="Participants may ask for moderation", kind=FieldKind.BOOL,
                  default=True, help="Shows the button with which participants apply for moderation."),
        FieldSpec(key="audio_only", label="Audio only", kind=FieldKind.BOOL, default=False,
                  help="Participants share sound only, no video."),
        FieldSpec(key="appointment", label="Calendar room", kind=FieldKind.BOOL, default=False,
                  group="Advanced", help="Marks the room as belonging to a calendar appointment."),
        FieldSpec(key="demo_room", label="Time-limited demo room", kind=FieldKind.BOOL, default=False,
                  group="Advanced", help="Participants are signed out after the demo time."),
        FieldSpec(key="demo_time", label="Demo time (seconds)", kind=FieldKind.INT, default=0, minimum=0,
                  maximum=86400, group="Advanced",
                  help="Seconds after which participants of a demo room are signed out."),
    )
    join_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(key="language", label="Language", kind=FieldKind.CHOICE, default="1",
                  choices=tuple((lang_id, name) for lang_id, name, _code in LANGUAGES),
                  help="The language of the OpenMeetings screens the participant sees."),
        FieldSpec(key="show_audio_video_test", label="Show the audio/video test first", kind=FieldKind.BOOL,
                  default=False, help="The participant tests camera and microphone before entering the room."),
        FieldSpec(key="external_type", label="External system name", default="meetdesk",
                  help="Stored by OpenMeetings as the origin of the participant's account."),
    )
    room_columns: ClassVar[tuple[Column, ...]] = (
        Column("type", "Type"),
        Column("capacity", "Capacity"),
        Column("public", "Public"),
        Column("moderated", "Moderated"),
    )

    # rooms -------------------------------------------------------------------------------------
    def _room_options(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        options = {spec.key: spec.default for spec in self.room_fields}
        options.update(parse_options(self.room_fields, dict(raw)))
        if options["demo_room"] and not options["demo_time"]:
            raise ValidationError("A time-limited demo room needs a demo time of at least one second.",
                                  field="demo_time")
        return options

    def _columns(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "type": ROOM_TYPE_SHORT.get(str(options.get("room_type", "")), str(options.get("room_type", ""))),
            "capacity": options.get("capacity"),
            "public": yes_no(options.get("public")),
            "moderated": yes_no(options.get("moderated")),
        }

    def _room(self, room_id: str, name: str, options: dict[str, Any], created: datetime | None) -> Room:
        return Room(id=room_id, name=name, kind=self.kind, created=created, options=options,
                    extra=self._columns(options), local_only=True)

    async def list_rooms(self) -> list[Room]:
        """The server's rooms (``getRooms``, admin accounts), else the remembered ones. One round trip on a live
        session: who is in the rooms comes after they are shown (:meth:`complete_rooms`)."""
        params = {"start": "0", "max": str(ROOM_PAGE), "orderby": "rooms_id", "asc": "true"}
        for attempt in range(2):
            sid, fresh = await self._session_and_freshness()
            try:
                returned = await self._get(ROOM_SERVICE, "getRooms", {"SID": sid, **params})
            except ServerError as exc:
                # 3.0.x RoomWebService.getRooms → ConferenceService.getRooms: checkSession of a forgotten SID is 0,
                # so a forgotten session and an account below admin get the same fault (RoomSearchResult(null)
                # throws). The server forgets a session 30 idle minutes after its last use
                # (SessiondataDao.clearSessionTable, run by SessionClearJob): an account that listed before
                # signs in again once; a refusal on a fresh session means missing rights.
                if attempt == 0 and not fresh and self._lists_rooms is not False:
                    log.info("getRooms refused (%s); signing in again", exc.message)
                    self._forget_session(sid)
                    continue
                self._lists_rooms = False
                log.info("getRooms refused (%s); listing the rooms meetdesk remembers", exc.message)
                return await self._remembered_rooms()
            if returned is None:
                return await self._remembered_rooms()
            self._lists_rooms = True
            return await parse_rows(children(returned, "result"), self._listed_room, server=self._server,
                                    call=f"{ROOM_SERVICE}/getRooms", what="room")
        raise AssertionError("unreachable")  # pragma: no cover - the second pass always returns

    async def complete_rooms(self, rooms: list[Room]) -> list[Room] | None:
        """Who is in each room (``getRoomCounters``, one call for all); a failure leaves the rooms as they are and
        is reported as a warning."""
        if not rooms:
            return None
        try:
            sid = await self._session()
            returns = await self._get_returns(ROOM_SERVICE, "getRoomCounters",
                                              {"SID": sid, "roomId": [r.id for r in rooms]})
        except (ServerError, ProtocolError) as exc:
            report_warning(f"{self._server}: meetdesk could not find out how many people are in its rooms "
                           f"({exc.message.rstrip('.')}); the rooms are shown without that number.")
            return None
        counts = read_counters(returns)
        return [replace(r, participant_count=counts.get(r.id)) for r in rooms]

    def _listed_room(self, element: Element) -> Room:
        listed = read_room(element)
        options = {spec.key: spec.default for spec in self.room_fields}
        options.update(parse_options(self.room_fields, listed.options, strict=False))
        return replace(self._room(listed.id, listed.name, options, None), local_only=False,
                       status="closed" if listed.closed else "open")

    async def _remembered_rooms(self) -> list[Room]:
        records = self.profile.data.get("rooms") or []
        return await parse_rows(records if isinstance(records, list) else [records], self._room_from_record,
                                server=self.profile.name, call="the rooms meetdesk remembers", what="room")

    def _room_number(self, room_id: str) -> str:
        text = room_id.strip()
        if not text.isdigit():
            raise ValidationError(f"OpenMeetings room ids are numbers, not “{room_id}”.", field="room_id")
        return text

    async def delete_room(self, room_id: str) -> None:
        number = self._room_number(room_id)
        text = await self._authorised_call(ROOM_SERVICE, "deleteRoom", {"rooms_id": number},
                                           session_suspects=frozenset({""}), retry=False)
        if text != number:  # RoomManager.deleteRoomById: the id, or null (unknown room or no rights)
            raise NotFoundError(f"{self._server} did not delete room {number}: it does not exist, or "
                                f"“{self._user}” lacks the web-service right.", hint=RIGHTS_HINT)
        self.profile.data["rooms"] = [r for r in self.profile.data.get("rooms") or []
                                      if not (isinstance(r, dict) and str(r.get("id")) == number)]
        await self._persist(self.profile.data)

    async def close_room(self, room_id: str) -> None:
        await self._set_closed(room_id, True)

    async def open_room(self, room_id: str) -> None:
        await self._set_closed(room_id, False)

    async def _set_closed(self, room_id: str, closed: bool) -> None:
        # status is the new value of isClosed (RoomManager.closeRoom: room.setIsClosed(status)), although the
        # javadoc of RoomWebService.closeRoom says "false = close, true = open"
        number = self._room_number(room_id)
        text = await self._authorised_call(ROOM_SERVICE, "closeRoom",
                                           {"room_id": number, "status": bool_param(closed)},
                                           session_suspects=frozenset({"-2"}))
        if text != "1":
            raise PermissionDeniedError(f"{self._server} refused to {'close' if closed else 'reopen'} room "
                                        f"{number} for “{self._user}” (error {text}).", hint=RIGHTS_HINT)

    def _room_from_record(self, record: object) -> Room:
        if not isinstance(record, dict) or not str(record.get("id", "")).strip():
            raise ValueError("a remembered room without an id")
        stored = record.get("options")
        raw: dict[str, Any] = stored if isinstance(stored, dict) else {}
        try:
            options = {spec.key: spec.default for spec in self.room_fields}
            options.update(parse_options(self.room_fields, raw, strict=False))
        except ValidationError:
            options = {}
        created = None
        if isinstance(record.get("created"), str):
            try:
                created = datetime.fromisoformat(record["created"])
            except ValueError:
                created = None
        return self._room(str(record["id"]).strip(), str(record.get("name", "")), options, created)

    async def create_room(self, draft: RoomDraft) -> Room:
        name = draft.name.strip()
        if not name:
            raise ValidationError("Enter a name for the room.", field="name")
        if draft.room_id and draft.room_id.strip():
            raise ValidationError("OpenMeetings chooses room numbers itself; leave the room id empty.",
                                  field="room_id")
        options = self._room_options(draft.options)
        params = {
            "name": name,
            "roomtypes_id": str(options["room_type"]),
            "comment": str(options["comment"] or ""),
            "numberOfPartizipants": str(options["capacity"]),
            "ispublic": bool_param(options["public"]),
            "appointment": bool_param(options["appointment"]),
            "isDemoRoom": bool_param(options["demo_room"]),
            "demoTime": str(options["demo_time"] if options["demo_room"] else 0),
            "isModeratedRoom": bool_param(options["moderated"]),
            "allowUserQuestions": bool_param(options["allow_user_questions"]),
            "isAudioOnly": bool_param(options["audio_only"]),
        }
        call = f"{ROOM_SERVICE}/{ADD_ROOM}"
        text = await self._authorised_call(ROOM_SERVICE, ADD_ROOM, params, retry=False,
                                           session_suspects=frozenset({str(UNKNOWN_ERROR), str(NO_PERMISSION)}))
        try:
            room_id = int(text or "")
        except ValueError:
            raise ProtocolError(f"{self._server} answered {call} without a room number.",
                                detail=f"return {(text or '')[:40]!r}") from None
        if room_id in (UNKNOWN_ERROR, NO_PERMISSION):
            raise PermissionDeniedError(
                f"{self._server} did not create the room “{name}” for “{self._user}” (error {room_id}).",
                hint=RIGHTS_HINT,
            )
        if room_id <= 0:
            raise ServerError(f"{self._server} did not create the room “{name}” (error {room_id}).", detail=call)
        created = datetime.now(UTC)
        room = self._room(str(room_id), name, options, created)
        await self._remember(room, created)
        return room

    async def _remember(self, room: Room, created: datetime) -> None:
        rooms = [r for r in self.profile.data.get("rooms") or [] if not (isinstance(r, dict) and
                                                                         str(r.get("id")) == room.id)]
        rooms.append({"id": room.id, "name": room.name, "options": dict(room.options),
                      "created": created.isoformat()})
        self.profile.data["rooms"] = rooms
        try:
            await self._persist(self.profile.data)
        except Exception as exc:
            log.warning("could not save the remembered rooms of %s: %s", self.profile.name, type(exc).__name__)
            reason = exc.message if isinstance(exc, MeetdeskError) else type(exc).__name__
            raise ConfigError(
                f"The room “{room.name}” was created on {self._server} as room {room.id}, but meetdesk could "
                "not save it in the profile, so it will be missing from the list after a restart.",
                detail=reason,
            ) from None

    # join links --------------------------------------------------------------------------------
    async def join_link(self, request: JoinRequest) -> JoinLink:
        room_id = request.room_id.strip()
        if not room_id.isdigit():
            raise ValidationError(f"OpenMeetings room ids are numbers, not “{request.room_id}”.", field="room_id")
        display_name = request.display_name.strip()
        if not display_name:
            raise ValidationError("Enter the participant's name.", field="display_name")
        options = {spec.key: spec.default for spec in self.join_fields}
        if request.language and "language" not in request.options:
            options["language"] = language_id(request.language)
        options.update(parse_options(self.join_fields, dict(request.options)))
        first_name, last_name = split_name(display_name)
        params = {
            "username": request.user_id.strip() or display_name,
            "firstname": first_name,
            "lastname": last_name,
            "profilePictureUrl": request.avatar_url.strip(),
            "email": request.email.strip(),
            "externalUserId": request.user_id.strip(),
            "externalUserType": str(options["external_type"] or "").strip(),
            "room_id": room_id,
            "becomeModeratorAsInt": "1" if request.moderator else "0",
            "showAudioVideoTestAsInt": "1" if options["show_audio_video_test"] else "0",
        }
        # a session of its own, never used again: the server keeps the participant on the SID, not on the
        # hash (setUserObjectAndGenerateRoomHash → updateUserRemoteSession(SID, xml); the entry reads it back
        # by SID in 2.x MainService.loginUserByRemote), and an entry hands the SID to the participant
        sid = await self._login()
        returned = await self._get(USER_SERVICE, ROOM_HASH, {"SID": sid, **params})
        secure_hash = (returned.text or "").strip() if returned is not None else None
        if not secure_hash:
            raise ProtocolError(f"{self._server} answered {USER_SERVICE}/{ROOM_HASH} without a secure hash.")
        if secure_hash == str(NO_PERMISSION):
            raise PermissionDeniedError(
                f"{self._server} refused to create a join link for “{self._user}” (error {NO_PERMISSION}).",
                hint=RIGHTS_HINT,
            )
        if secure_hash.startswith("-") and secure_hash[1:].isdigit():
            raise ServerError(f"{self._server} could not create a join link for room {room_id} "
                              f"(error {secure_hash}).", hint="Check that the room exists, then try again.")
        query = urlencode({"secureHash": secure_hash, "scopeRoomId": room_id, "language": options["language"]})
        return JoinLink(
            url=f"{self._base_url}/?{query}",
            room_id=room_id,
            display_name=display_name,
            role=Role.MODERATOR if request.moderator else Role.ATTENDEE,
            expires_at=datetime.now(UTC) + HASH_LIFETIME,
            single_use=True,
            note="Works once. It has no expiry of its own but dies with its server session, which "
                 "OpenMeetings ends about 30 minutes after the link was made.",
        )
