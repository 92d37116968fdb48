"""A faithful local Apache OpenMeetings 7.x–9.x REST server (``/openmeetings/services/...``).

Reproduced from the reference: SID login (GET before 9.0, POST form from 9.0 with a penalty delay after a
wrong password), SID idle expiry, per-call user rights (ADMIN does not imply SOAP), the JSON envelopes
and Jettison quirks, 500 + ``exception`` header + ServiceResult for refused or failed calls, 204 for
"nothing", and the ``/openmeetings/hash?secure=…`` entry page that consumes a room hash.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from meetdesk.backends.openmeetings.simulator.data import (
    ROOM_TYPES,
    OMAppointment,
    OMRoom,
    OMSoapLogin,
    OMUser,
    OpenMeetingsState,
    major_version,
)
from meetdesk.backends.openmeetings.simulator.entry import secure_hash_page
from meetdesk.backends.openmeetings.simulator.invitations import InvitationRoutes
from meetdesk.backends.openmeetings.simulator.request_log import RequestLog
from meetdesk.backends.openmeetings.simulator.wire import (
    ParamError,
    apply_room,
    appointment_bean,
    child,
    jettison,
    json_param,
    opt_bool,
    opt_long,
    opt_string,
    parse_form,
    parse_om_date,
    read_appointment,
    read_room,
    recording_jaxb,
    room_jaxb,
    service_result,
    user_jaxb,
)
from meetdesk.simulators.host import SimulatorDefinition

BASE_PATH = "/openmeetings"
SERVICES = BASE_PATH + "/services"
NOT_ALLOWED = "error.notallowed"
ERROR_TEXTS = {
    "error.bad.credentials": "Username/email and/or password are incorrect.",
    "error.notactivated": "Your account is not activated. Please use the link in the email you received during "
                          "registration.",
    "error.nogroup": "User is not assigned to group.",
    "error.notallowed": "Admin authorization required",
    "error.unknown": "Unknown error. Please report this to the administrator.",
}


class ServiceFailure(Exception):
    """A ServiceException inside ``performCall``: HTTP 500 with an ``exception`` header and a ServiceResult."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _npe(what: str) -> ServiceFailure:
    return ServiceFailure(f'Cannot invoke "{what}" because the value is null')


def _json(content: object, status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status)


def _ok(message: str) -> JSONResponse:
    return _json(service_result(message))


class OpenMeetingsApp:
    """The routes; every handler converts its parameters first, as JAX-RS does, then checks the SID."""

    def __init__(self, state: OpenMeetingsState) -> None:
        self.state = state

    # plumbing --------------------------------------------------------------------------------
    def perform(self, request: Request, right: str) -> OMUser:
        """``BaseWebService.performCall``: a valid SID whose user holds ``right``, else error.notallowed."""
        user = self.state.check(request.query_params.get("sid"))
        if user is None or right not in user.rights:
            raise ServiceFailure(NOT_ALLOWED)
        return user

    async def form(self, request: Request) -> dict[str, str]:
        return parse_form(await request.body(), request.headers.get("content-type", ""))

    def room_or_fail(self, room_id: int) -> OMRoom:
        room = self.state.rooms.get(room_id)
        if room is None:
            raise _npe("org.apache.openmeetings.db.entity.room.Room.getId()")
        return room

    # info and errors -------------------------------------------------------------------------
    async def version(self, request: Request) -> Response:
        return _json({"info": jettison({"version": self.state.version, "revision": "3c9f1a2",
                                        "buildDate": "2025-03-14T09:26:53Z"})})

    async def health(self, request: Request) -> Response:
        return _json({"health": {"inited": True, "installed": True, "dbOk": True}})

    async def error_text(self, request: Request) -> Response:
        return _ok(ERROR_TEXTS.get(request.path_params["key"], "[Missing]"))

    # users -----------------------------------------------------------------------------------
    async def login(self, request: Request) -> Response:
        if request.method == "POST":
            params = await self.form(request)
        else:
            params = dict(request.query_params)
        user = self.state.find_login(params.get("user", ""))
        if user is None or user.password != params.get("pass"):
            low, high = self.state.failed_login_delay
            if high > 0:
                await asyncio.sleep(random.uniform(low, high))  # UserDao.badPwdPenalty (9.x)
            return _ok_error("error.bad.credentials")
        if "LOGIN" not in user.rights:
            return _ok_error("error.notactivated")
        return _ok(self.state.new_session(user))

    async def users(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        with self.state.lock:
            return _json({"userDTO": [user_jaxb(u) for u in self.state.users.values()]})

    async def room_hash(self, request: Request) -> Response:
        fields = await self.form(request)
        external = json_param(fields.get("user"), "user") or {}
        options = json_param(fields.get("options"), "options") or {}
        self.perform(request, "SOAP")
        ext_id, ext_type = opt_string(external, "externalId"), opt_string(external, "externalType")
        if not ext_id or not ext_type:
            return _ok_error("externalId and/or externalType are not set")
        sid = request.query_params.get("sid", "")
        soap = OMSoapLogin(
            hash=str(uuid.uuid4()), sid=sid,
            room_id=opt_long(options, "roomId"), moderator=opt_bool(options, "moderator"),
            allow_same_url=opt_bool(options, "allowSameURLMultipleTimes"),
            external_room_id=opt_string(options, "externalRoomId") or "",
            external_type=opt_string(options, "externalType") or "", recording_id=opt_long(options, "recordingId"),
            show_audio_video_test=opt_bool(options, "showAudioVideoTest"),
            allow_recording=opt_bool(options, "allowRecording"),
        )
        details = {k: opt_string(external, k) for k in ("login", "firstname", "lastname", "profilePictureUrl",
                                                         "email", "externalId", "externalType")}
        with self.state.lock:
            self.state.soap_logins[soap.hash] = soap
            session = self.state.sessions[sid]
            # UserWebService.getRoomHash (7.0–9.1): the participant goes onto the SID's session
            # (sd.setXml), not onto the hash; allowSameURLMultipleTimes makes the SID permanent
            session.xml = details
            if soap.allow_same_url:
                session.permanent = True
        return _ok(soap.hash)

    # rooms -----------------------------------------------------------------------------------
    async def public_rooms(self, request: Request) -> Response:
        room_type = request.path_params["type"]
        if room_type not in ROOM_TYPES:
            # Room.Type.valueOf runs before performCall: a bare 500 without a ServiceResult
            return Response(status_code=500)
        self.perform(request, "ROOM")
        with self.state.lock:
            rooms = [r for r in self.state.rooms.values() if r.is_public and r.type == room_type]
            return _json({"roomDTO": [room_jaxb(r) for r in sorted(rooms, key=lambda r: r.id)]})

    async def get_room(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        return _json({"roomDTO": room_jaxb(self.room_or_fail(request.path_params["id"]))})

    async def add_room(self, request: Request) -> Response:
        raw = json_param((await self.form(request)).get("room"), "room")
        fields = read_room(raw or {})
        self.perform(request, "SOAP")
        with self.state.lock:
            if fields["id"] is not None:  # RoomMapper: an id means update (upsert)
                room = apply_room(self.room_or_fail(fields["id"]), fields)
            else:
                room = self.state.add_room(apply_room(OMRoom(self.state.next_id("room"), ""), fields))
            return _json({"roomDTO": room_jaxb(room)})

    async def delete_room(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        with self.state.lock:
            if self.state.rooms.pop(request.path_params["id"], None) is None:
                return _ok("Not found")
        return _ok("Deleted")

    async def open_close(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        closing = request.url.path.split("/")[-2] == "close"
        with self.state.lock:
            room = self.room_or_fail(request.path_params["id"])
            room.closed = closing
            if closing:
                room.present.clear()  # ROOM_CLOSED sends everybody to the redirect URL
        return _ok("Closed" if closing else "Opened")

    async def kick(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        with self.state.lock:
            room = self.state.rooms.get(request.path_params["id"])
            if room is None or not room.present:
                return _ok("Not kicked")
            room.present.clear()
        return _ok("Kicked")

    async def count(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        room = self.state.rooms.get(request.path_params["roomid"])
        return _json(service_result(str(len(room.present) if room else 0)))

    async def room_users(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        with self.state.lock:
            room = self.state.rooms.get(request.path_params["roomid"])
            ids = list(room.present) if room else []
            return _json({"userDTO": [user_jaxb(self.state.users[i]) for i in ids if i in self.state.users]})

    # calendar --------------------------------------------------------------------------------
    def _appointments_json(self, items: list[OMAppointment]) -> Response:
        # AppointmentListMessageBodyWriter: always a real array, even for one or none
        return _json({"appointmentDTO": [appointment_bean(a, self.state) for a in items]})

    def _user_appointments(self, user: OMUser) -> list[OMAppointment]:
        """The user's own appointments: ``calendar/next`` and ``calendar/room`` look at the owner only."""
        return [a for a in self.state.appointments.values() if a.owner_id == user.id]

    async def calendar_range(self, request: Request) -> Response:
        """AppointmentDao.getInRange (7.0–9.1): the named queries ``appointmentsInRange`` (owner) then
        ``joinedAppointmentsInRange`` (member, not owner), both with BETWEEN, so both bounds are included;
        the joined ones come back with ``connectedEvent`` set to true."""
        try:
            start = parse_om_date(request.path_params["start"], self.state.zone)
            end = parse_om_date(request.path_params["end"], self.state.zone)
        except ValueError:
            return Response(status_code=404)  # a path parameter that does not convert

        def in_range(a: OMAppointment) -> bool:
            return start <= a.start <= end or start <= a.end <= end or (a.start < start and a.end > end)

        user = self.perform(request, "ROOM")
        with self.state.lock:
            own = [a for a in self.state.appointments.values() if a.owner_id == user.id and in_range(a)]
            joined = [replace(a, connected_event=True) for a in self.state.appointments.values()
                      if a.owner_id != user.id and any(uid == user.id for _m, uid in a.members) and in_range(a)]
            return self._appointments_json(own + joined)

    async def calendar_next(self, request: Request) -> Response:
        user = self.perform(request, "ROOM")
        now = datetime.now(UTC)
        with self.state.lock:
            upcoming = sorted((a for a in self._user_appointments(user) if a.start > now), key=lambda a: a.start)
            if not upcoming:
                return Response(status_code=204)
            return _json({"appointmentDTO": appointment_bean(upcoming[0], self.state)})

    async def calendar_room(self, request: Request) -> Response:
        user = self.perform(request, "ROOM")
        with self.state.lock:
            found = [a for a in self._user_appointments(user) if a.room_id == request.path_params["roomid"]]
            if not found:
                return Response(status_code=204)
            return _json({"appointmentDTO": appointment_bean(found[0], self.state)})

    async def calendar_save(self, request: Request) -> Response:
        raw = json_param((await self.form(request)).get("appointment"), "appointment")
        if raw is None:
            raise ParamError(400, "appointment is required")
        dto = read_appointment(raw)
        user = self.perform(request, "ROOM")
        owner_id = opt_long(dto["owner"], "id") if dto["owner"] else None
        if "SOAP" not in user.rights and owner_id is not None and owner_id != user.id:
            raise ServiceFailure(NOT_ALLOWED)
        with self.state.lock:
            owner = self.state.users.get(owner_id) if owner_id is not None else user
            if owner is None:
                raise _npe("org.apache.openmeetings.db.entity.user.User.getId()")
            zone = _zone_of(dto["owner"], self.state)
            try:
                start, end = parse_om_date(dto["start"], zone), parse_om_date(dto["end"], zone)
            except ValueError as exc:
                raise ParamError(400, str(exc)) from None
            room = self._appointment_room(dto["room"])
            previous = self.state.appointments.get(dto["id"]) if dto["id"] is not None else None
            if dto["id"] is not None and previous is None:
                raise _npe("org.apache.openmeetings.db.entity.calendar.Appointment.getId()")
            appointment = OMAppointment(
                id=dto["id"] if previous else self.state.next_id("appointment"), title=dto["title"], start=start,
                end=end, owner_id=owner.id, room_id=room.id, description=_sanitize(dto["description"]),
                location=dto["location"], reminder=dto["reminder"], password=dto["password"],
                password_protected=dto["password_protected"], ical_id=dto["ical_id"] or str(uuid.uuid4()),
                inserted=previous.inserted if previous else datetime.now(UTC),
                updated=datetime.now(UTC) if previous else None, language_id=dto["language_id"] or 1,
                members=self._members(dto["members"]), connected_event=dto["connected_event"],
                reminder_email_send=dto["reminder_email_send"],
            )
            self.state.appointments[appointment.id] = appointment
            return _json({"appointmentDTO": appointment_bean(appointment, self.state)})

    def _appointment_room(self, fields: dict[str, Any] | None) -> OMRoom:
        if fields is None:
            raise _npe("org.apache.openmeetings.db.dto.room.RoomDTO.getId()")
        if fields["id"] is not None:
            stored = self.room_or_fail(fields["id"])
            if not stored.appointment:
                return stored  # an ordinary room is used as it is
            apply_room(stored, fields)
            stored.is_public = False
            return stored
        return self.state.add_room(apply_room(OMRoom(self.state.next_id("room"), ""), fields))

    def _members(self, members: list[dict[str, Any]]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for member in members:
            user_obj = child(member, "user")
            user_id = opt_long(user_obj, "id")
            if user_id is None or user_id not in self.state.users:
                address = child(user_obj, "address")
                contact = OMUser(self.state.next_id("user"), opt_string(address, "email") or "",
                                 opt_string(user_obj, "firstname") or "", opt_string(user_obj, "lastname") or "",
                                 opt_string(address, "email") or "", type="CONTACT", rights=[])
                user_id = self.state.add_user(contact).id
            out.append((opt_long(member, "id") or self.state.next_id("member"), user_id))
        return out

    async def calendar_delete(self, request: Request) -> Response:
        user = self.perform(request, "ROOM")
        with self.state.lock:
            appointment = self.state.appointments.get(request.path_params["id"])
            privileged = "SOAP" in user.rights or "ADMIN" in user.rights
            if appointment is not None and not privileged and appointment.owner_id != user.id:
                raise ServiceFailure(NOT_ALLOWED)
            if appointment is None:
                raise ServiceFailure("Bad id")
            del self.state.appointments[appointment.id]
        return _ok("Deleted")

    # recordings ------------------------------------------------------------------------------
    async def room_recordings(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        with self.state.lock:
            found = [r for r in self.state.recordings.values() if r.room_id == request.path_params["roomid"]]
            return _json({"recordingDTO": [recording_jaxb(r, self.state.zone) for r in found]})

    async def type_recordings(self, request: Request) -> Response:
        self.perform(request, "SOAP")
        wanted = request.path_params["externaltype"]
        with self.state.lock:
            found = [r for r in self.state.recordings.values() if r.external_type == wanted]
            return _json({"recordingDTO": [recording_jaxb(r, self.state.zone) for r in found]})

def _ok_error(message: str) -> JSONResponse:
    """200 with type ERROR: how login and user/hash refuse."""
    return _json(service_result(message, "ERROR"))


def _zone_of(owner: dict[str, Any] | None, state: OpenMeetingsState) -> tzinfo:
    name = opt_string(owner, "timeZoneId") if owner else None
    try:
        return ZoneInfo(name) if name else state.zone
    except (ValueError, KeyError):
        return state.zone


def _sanitize(description: str) -> str:
    """The server HTML-sanitizes descriptions; scripts are the part that matters here."""
    return re.sub(r"<script\b.*?</script>", "", description, flags=re.IGNORECASE | re.DOTALL)


def _build_app(state: OpenMeetingsState) -> Starlette:
    async def secure(request: Request) -> Response:
        return await secure_hash_page(state, request)

    om = OpenMeetingsApp(state)
    invitations = InvitationRoutes(state, lambda request: om.perform(request, "SOAP"))
    s = SERVICES
    routes = [
        Route(f"{s}/info/version", om.version, methods=["GET"]),
        Route(f"{s}/info/health", om.health, methods=["GET"]),
        Route(f"{s}/error/{{key}}/{{lang}}", om.error_text, methods=["GET"]),
        Route(f"{s}/user/login", om.login, methods=[state.login_method]),
        Route(f"{s}/user", om.users, methods=["GET"]),
        Route(f"{s}/user/hash", om.room_hash, methods=["POST"]),
        Route(f"{s}/room", om.add_room, methods=["POST"]),
        Route(f"{s}/room/public/{{type}}", om.public_rooms, methods=["GET"]),
        Route(f"{s}/room/open/{{id:int}}", om.open_close, methods=["GET"]),
        Route(f"{s}/room/close/{{id:int}}", om.open_close, methods=["GET"]),
        Route(f"{s}/room/kick/{{id:int}}", om.kick, methods=["GET"]),
        Route(f"{s}/room/count/{{roomid:int}}", om.count, methods=["GET"]),
        Route(f"{s}/room/users/{{roomid:int}}", om.room_users, methods=["GET"]),
        Route(f"{s}/room/{{id:int}}", om.get_room, methods=["GET"]),
        Route(f"{s}/room/{{id:int}}", om.delete_room, methods=["DELETE"]),
        Route(f"{s}/calendar", om.calendar_save, methods=["POST"]),
        Route(f"{s}/calendar/next", om.calendar_next, methods=["GET"]),
        Route(f"{s}/calendar/room/{{roomid:int}}", om.calendar_room, methods=["GET"]),
        Route(f"{s}/calendar/{{id:int}}", om.calendar_delete, methods=["DELETE"]),
        Route(f"{s}/calendar/{{start}}/{{end}}", om.calendar_range, methods=["GET"]),
        Route(f"{s}/record/room/{{roomid:int}}", om.room_recordings, methods=["GET"]),
        Route(f"{s}/record/{{externaltype}}", om.type_recordings, methods=["GET"]),
        Route(f"{s}/room/hash", invitations.create, methods=["POST"]),
        Route(f"{BASE_PATH}/hash", invitations.entry_page(secure), methods=["GET", "POST"]),
    ]

    async def on_failure(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceFailure)
        # OmExceptionHandler (6.3.0+)
        return JSONResponse(service_result(exc.message, "ERROR"), status_code=500,
                            headers={"exception": exc.message.encode("ascii", "replace").decode()})

    async def on_param_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ParamError)
        return Response(status_code=exc.status)

    return Starlette(routes=routes, exception_handlers={ServiceFailure: on_failure, ParamError: on_param_error})




def build(*, seed: bool = True, version: str = "9.1.0", sid_ttl: float = 1800.0,
          failed_login_delay: float | tuple[float, float] | None = None, server_timezone: str = "Europe/Berlin",
          seed_rooms: int = 0, clock: Callable[[], float] = time.monotonic, **options: Any) -> SimulatorDefinition:
    """Build the simulator.

    Args:
        version: what ``info/version`` reports; 9.x and later log in by POST form, earlier by GET.
        sid_ttl: seconds a SID survives without use (the server's default is 30 minutes).
        failed_login_delay: seconds (or a (min, max) range) a wrong password waits; by default 6–15 s on
            9.x as the real server, none before.
        server_timezone: the server's zone, used for dates it writes and dates without an offset.
        seed_rooms: this many more conference rooms, for load tests and the large demo.
        clock: seconds, for the idle time of a SID (tests pass one they move).
    """
    if options:
        raise TypeError(f"unknown OpenMeetings simulator options: {', '.join(sorted(options))}")
    if failed_login_delay is None:
        delay = (6.0, 15.0) if major_version(version) >= 9 else (0.0, 0.0)
    elif isinstance(failed_login_delay, tuple):
        delay = (float(failed_login_delay[0]), float(failed_login_delay[1]))
    else:
        delay = (float(failed_login_delay), float(failed_login_delay))
    state = OpenMeetingsState(version=version, sid_ttl=sid_ttl, failed_login_delay=delay,
                              server_timezone=server_timezone, seeded=seed, clock=clock)
    state.seed_rooms = seed_rooms
    state.reset()
    app = RequestLog(_build_app(state), state)
    return SimulatorDefinition(kind="openmeetings", app=app, base_path=BASE_PATH, fields={"user": state.admin_login},
                               secret=state.admin_password, state=state)
