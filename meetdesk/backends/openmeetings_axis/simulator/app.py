"""A local OpenMeetings 2.x/3.0 server as its legacy Axis2 web services show it.

Served under ``/openmeetings``: ``GET /openmeetings/services/<Service>/<method>?…`` answers XML the way
Axis2's REST binding does (``<ns:<method>Response xmlns:ns="http://services.axis.openmeetings.apache.org">``
holding ``<ns:return>``; AxisFaults as HTTP 500 with a SOAP 1.2 ``Reason``), and ``GET /openmeetings/?
secureHash=…&scopeRoomId=…`` is the entry page a participant opens.

Behaviour follows the 2.x sources: ``loginUser`` answers 1 or -10 (no such user), -11 (wrong password),
-35 (unknown session), -41 (not activated), -1 (e.g. no organisation); the web-service methods check
the session's user level (3 = admin, 4 = web service) and answer -1 (add room) or "-26" (room hash)
otherwise — which is also what an expired session gets. Secure hashes work once; the participant they
admit is whoever their SID stored last, and they die with their SID (30 idle minutes).
"""

from __future__ import annotations

import html
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from meetdesk.backends.openmeetings_axis.simulator import rooms as room_listing
from meetdesk.backends.openmeetings_axis.simulator.state import (
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    BASE_PATH,
    ERROR_TEXTS,
    LANGUAGE_NAMES,
    LEVEL_ADMIN,
    LEVEL_USER,
    LEVEL_WEB_SERVICE,
    NS_APACHE,
    NS_ERROR_BEAN,
    NS_PRE_APACHE,
    NS_SESSION_BEAN,
    NS_SESSION_BEAN_30,
    NS_SOAP12,
    NS_XSI,
    ROOM_TYPE_NAMES,
    SESSION_TIMEOUT_S,
    AxisFault,
    AxisState,
    SimRoom,
    SoapLogin,
)
from meetdesk.simulators.host import SimulatorDefinition


# request parameters (Axis2 RPC binding: by element name, case-sensitive) ---------------------------
def _long(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw.strip())
    except ValueError:
        raise AxisFault(f'For input string: "{raw}"') from None


def _int(params: dict[str, str], name: str) -> int:
    value = _long(params, name)
    return 0 if value is None else value


def _bool(params: dict[str, str], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    return raw.strip().lower() in {"true", "1"}


# answers ----------------------------------------------------------------------------------------
class AxisWriter:
    """Builds Axis2-style response documents in one service namespace."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def document(self, method: str, inner: str) -> str:
        return self._document(method, inner)

    def _document(self, method: str, inner: str) -> str:
        return (f"<?xml version='1.0' encoding='UTF-8'?><ns:{method}Response xmlns:ns={quoteattr(self.namespace)}>"
                f"{inner}</ns:{method}Response>")

    def scalar(self, method: str, value: object) -> str:
        return self._document(method, f"<ns:return>{escape(str(value))}</ns:return>")

    def null(self, method: str) -> str:
        return self._document(method, f'<ns:return xmlns:xsi="{NS_XSI}" xsi:nil="true" />')

    def bean(self, method: str, java_type: str, prefix: str, namespace: str, fields: list[tuple[str, object]]) -> str:
        parts = []
        for name, value in fields:
            if value is None:
                parts.append(f'<{prefix}:{name} xsi:nil="true" />')
            else:
                parts.append(f"<{prefix}:{name}>{escape(str(value))}</{prefix}:{name}>")
        inner = (f'<ns:return xmlns:{prefix}={quoteattr(namespace)} xmlns:xsi="{NS_XSI}" '
                 f'type={quoteattr(java_type)}>{"".join(parts)}</ns:return>')
        return self._document(method, inner)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _fault(message: str) -> Response:
    body = (f'<soapenv:Reason xmlns:soapenv="{NS_SOAP12}"><soapenv:Text xml:lang="en-US">{escape(message)}'
            "</soapenv:Text></soapenv:Reason>")
    return Response(body, status_code=500, media_type="application/xml; charset=UTF-8")


Handler = Callable[[AxisState, AxisWriter, dict[str, str]], str]


def _get_session(state: AxisState, out: AxisWriter, params: dict[str, str]) -> str:
    session = state.new_session()
    # the bean's class moved between the versions: 2.x persistence.beans.basic, 3.0.x db.entity.server
    java_type, namespace = (("org.apache.openmeetings.db.entity.server.Sessiondata", NS_SESSION_BEAN_30)
                            if state.dialect == "3.0" else
                            ("org.apache.openmeetings.persistence.beans.basic.Sessiondata", NS_SESSION_BEAN))
    return out.bean("getSession", java_type, "ax24", namespace, [
                        ("id", session.row_id), ("language_id", None), ("organization_id", None),
                        ("refresh_time", _iso(session.refreshed)), ("sessionXml", None),
                        ("session_id", session.sid), ("starttermin_time", _iso(session.started)),
                        ("storePermanent", None), ("user_id", None),
                    ])


def _login_user(state: AxisState, out: AxisWriter, params: dict[str, str]) -> str:
    code = state.login(params.get("SID"), params.get("username", ""), params.get("userpass", ""))
    return out.scalar("loginUser", code)


def _get_error_by_code(state: AxisState, out: AxisWriter, params: dict[str, str]) -> str:
    error_id = _long(params, "errorid")
    if error_id is None:
        raise AxisFault("errorid must not be null")
    # the language parameter is "language_id" in 2.x and "langId" in 3.0.x (getErrorByCode(SID, errorid,
    # langId)); Axis2 binds by name, so the other name leaves it 0 and labelDao finds no text: a null answer
    if error_id < 0 and _long(params, "langId" if state.dialect == "3.0" else "language_id") is None:
        return out.null("getErrorByCode")
    if error_id >= 0:
        fields: list[tuple[str, object]] = [("errmessage", "Error ... please check your input"),
                                            ("errorId", error_id), ("errortype", "Error")]
    elif -error_id in ERROR_TEXTS:
        fields = [("errmessage", ERROR_TEXTS[-error_id]), ("errorId", error_id), ("errortype", "Error")]
    else:
        return out.null("getErrorByCode")
    return out.bean("getErrorByCode", "org.apache.openmeetings.data.beans.basic.ErrorResult", "ax218",
                    NS_ERROR_BEAN, fields)


def _add_room(state: AxisState, out: AxisWriter, params: dict[str, str]) -> str:
    method = "addRoomWithModerationQuestionsAndAudioType"
    type_id = _long(params, "roomtypes_id")
    capacity = _long(params, "numberOfPartizipants")
    demo_time = _long(params, "demoTime")
    sid = params.get("SID")
    if not state.has_web_service_level(sid):
        return out.scalar(method, -1)
    if type_id not in ROOM_TYPE_NAMES:
        return out.scalar(method, -1)  # RoomManager logs "no such room type" and gives up
    room = state.add_room(SimRoom(
        id=0, name=params.get("name", ""), type_id=type_id, comment=params.get("comment", ""),
        capacity=capacity, public=_bool(params, "ispublic"), appointment=_bool(params, "appointment"),
        demo=_bool(params, "isDemoRoom"), demo_time=demo_time, moderated=_bool(params, "isModeratedRoom"),
        allow_user_questions=_bool(params, "allowUserQuestions"), audio_only=_bool(params, "isAudioOnly"),
        created_by=state.check_session(sid),
    ))
    return out.scalar(method, room.id)


def _room_hash(allow_same_url: bool) -> Handler:
    def handler(state: AxisState, out: AxisWriter, params: dict[str, str]) -> str:
        method = "setUserObjectAndGenerateRoomHashByURL" if allow_same_url else "setUserObjectAndGenerateRoomHash"
        room_id = _long(params, "room_id")
        moderator = _int(params, "becomeModeratorAsInt") != 0
        show_test = _int(params, "showAudioVideoTestAsInt") != 0
        sid = params.get("SID", "")
        if not state.has_web_service_level(sid):
            return out.scalar(method, "-26")
        with state.lock:
            # UserWebService.setUserObjectAndGenerateRoomHash: the participant goes onto the SID's session
            # (sessiondataDao.updateUserRemoteSession(SID, xml)), the hash row only points at the SID
            state.sessions[sid].xml = {
                key: params.get(key, "") for key in ("username", "firstname", "lastname", "profilePictureUrl",
                                                     "email", "externalUserId", "externalUserType")}
        login = state.add_soap_login(SoapLogin(
            hash=secrets.token_hex(16), sid=sid, room_id=room_id, moderator=moderator,
            show_audio_video_test=show_test, allow_same_url_multiple_times=allow_same_url, created=state.clock(),
        ))
        return out.scalar(method, login.hash)
    return handler


SERVICES: dict[str, dict[str, Handler]] = {
    "UserService": {
        "getSession": _get_session,
        "loginUser": _login_user,
        "getErrorByCode": _get_error_by_code,
        "setUserObjectAndGenerateRoomHash": _room_hash(allow_same_url=False),
        "setUserObjectAndGenerateRoomHashByURL": _room_hash(allow_same_url=True),
    },
    "RoomService": {
        "addRoomWithModerationQuestionsAndAudioType": _add_room,
    },
}


# entry page -------------------------------------------------------------------------------------
def _page(title: str, body: str, *, attrs: str = "") -> HTMLResponse:
    document = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head><body><main {attrs}>{body}</main></body></html>"
    )
    return HTMLResponse(document)


def _entry_page(state: AxisState, request: Request) -> HTMLResponse:
    secure_hash = request.query_params.get("secureHash")
    if not secure_hash:
        return _page("OpenMeetings", "<h1>OpenMeetings</h1><p>Sign in to enter a conference room.</p>",
                     attrs='data-page="login"')
    try:
        language_id = int(request.query_params.get("language", "1"))
    except ValueError:
        language_id = 1
    language = LANGUAGE_NAMES.get(language_id, LANGUAGE_NAMES[1])
    login, details, error = state.enter(secure_hash)
    with state.lock:
        room = state.rooms.get(login.room_id or 0) if login else None
    if not error and room is None:
        error = "The conference room of this link does not exist."
    if error or login is None or room is None:
        return _page("OpenMeetings - Error", f"<h1>Error</h1><p class=\"error\">{html.escape(error)}</p>",
                     attrs='data-page="error"')
    name = " ".join(p for p in (details["firstname"], details["lastname"]) if p) or details["username"]
    with state.lock:
        if room.closed:
            return _page("OpenMeetings - Error", "<h1>Error</h1><p class=\"error\">This room is closed.</p>",
                         attrs='data-page="error"')
        room.present.append(len(room.present) + 1)
    role = "Moderator" if login.moderator else "Participant"
    scope = request.query_params.get("scopeRoomId", "")
    attrs = (f'data-page="room" data-room-id="{room.id}" data-scope-room-id={quoteattr(scope)} '
             f'data-user={quoteattr(name)} data-moderator="{str(login.moderator).lower()}" '
             f'data-language="{language_id}"')
    body = (
        f"<h1>{html.escape(room.name)}</h1>"
        f"<p class=\"room-type\">{ROOM_TYPE_NAMES.get(room.type_id, '?')} room</p>"
        f"<p class=\"user\">Entering as <strong>{html.escape(name)}</strong> ({role})</p>"
        f"<p class=\"language\">Language: {html.escape(language)}</p>"
        + ("<p class=\"av-test\">Audio/video test first</p>" if login.show_audio_video_test else "")
    )
    return _page(f"OpenMeetings - {room.name}", body, attrs=attrs)


# app --------------------------------------------------------------------------------------------
def _room_methods(dialect: str) -> dict[str, Handler]:
    def listing(function: Callable[..., str]) -> Handler:
        def handler(state: AxisState, out: AxisWriter, params: dict[str, str]) -> str:
            return str(function(state, out.document, params, dialect))
        return handler

    def counters(state: AxisState, out: AxisWriter, params: dict[str, str]) -> str:
        ids = [i for i in params.get("roomId", "").split(",") if i]
        return room_listing.get_room_counters(state, out.document, params, dialect, ids)

    return {
        "getRooms": listing(room_listing.get_rooms),
        "getRoomById": listing(room_listing.get_room_by_id),
        "getRoomsPublic": listing(room_listing.get_rooms_public),
        "deleteRoom": listing(room_listing.delete_room),
        "closeRoom": listing(room_listing.close_room),
        "getRoomCounters": counters,
    }


def create_app(state: AxisState, *, namespace: str = NS_APACHE, dialect: str = "3.0") -> Starlette:
    writer = AxisWriter(namespace)
    services = {name: dict(methods) for name, methods in SERVICES.items()}
    services["RoomService"].update(_room_methods(dialect))

    async def service(request: Request) -> Response:
        service_name = request.path_params["service"]
        method = request.path_params["method"]
        methods = services.get(service_name)
        if methods is None:
            return _fault(f"The service cannot be found for the endpoint reference (EPR) "
                          f"{BASE_PATH}/services/{service_name}/{method}")
        handler = methods.get(method)
        if handler is None:
            return _fault(f"The endpoint reference (EPR) for the Operation not found is "
                          f"{BASE_PATH}/services/{service_name}/{method} and the WSA Action = null")
        with state.lock:
            state.calls.append((service_name, method))
        try:
            params = dict(request.query_params)
            if len(request.query_params.getlist("roomId")) > 1:  # an Axis2 array: the element repeated
                params["roomId"] = ",".join(request.query_params.getlist("roomId"))
            body = handler(state, writer, params)
        except AxisFault as fault:
            return _fault(str(fault))
        return Response(body, media_type="application/xml; charset=UTF-8")

    async def entry(request: Request) -> Response:
        return _entry_page(state, request)

    return Starlette(routes=[
        Route(f"{BASE_PATH}/services/{{service}}/{{method}}", service, methods=["GET"]),
        Route(f"{BASE_PATH}/", entry, methods=["GET"]),
    ])


def _seed_rooms(state: AxisState) -> None:
    # the public rooms of a 2.x installation, then a coordinator's own rooms
    for name, type_id, capacity in (
        ("public Interview Room", 4, 16), ("public Conference Room", 1, 32), ("public Video Only Room", 1, 32),
        ("public Video And Whiteboard Room", 1, 32), ("public Restricted Room", 3, 100),
        ("Weekly planning – sales team", 1, 12), ("Customer onboarding – Keller & Sons", 1, 8),
        ("Spring release webinar", 3, 200), ("Job interview: frontend developer", 4, 4),
    ):
        state.add_room(SimRoom(id=0, name=name, type_id=type_id, capacity=capacity, public=True,
                               appointment=False, demo=False, demo_time=0, moderated=type_id == 3,
                               allow_user_questions=True, audio_only=False))


def build(*, seed: bool = True, **options: Any) -> SimulatorDefinition:
    """The OpenMeetings 2.x/3.0 legacy web-service simulator.

    Options:
        namespace: "apache" (2.x/3.0, default) or "pre-apache" (``http://services.axis.openmeetings.org``).
        session_timeout: seconds of inactivity after which a session is forgotten (default 1800).
        clock: a ``time.time``-like callable, for tests that move time forward.
        dialect: "3.0" (default: rooms as 3.0.x ``RoomDTO``) or "2.x" (rooms as the 2.x ``Room`` entity).
    """
    namespace = NS_PRE_APACHE if options.get("namespace") == "pre-apache" else NS_APACHE
    state = AxisState(clock=options.get("clock", time.time),
                      dialect="2.x" if options.get("dialect") == "2.x" else "3.0",
                      session_timeout=float(options.get("session_timeout", SESSION_TIMEOUT_S)))
    state.add_user(ADMIN_LOGIN, ADMIN_PASSWORD, firstname="Olivia", lastname="Admin", level=LEVEL_ADMIN)
    state.add_user("soap", "soap-gateway-1", firstname="SOAP", lastname="Gateway", level=LEVEL_WEB_SERVICE)
    state.add_user("coordinator", "planning-2013", firstname="Clara", lastname="Coordinator", level=LEVEL_USER)
    state.add_user("newbie", "not-yet-active", firstname="Nina", lastname="New", level=LEVEL_USER,
                   activated=False)
    state.add_user("orphan", "no-group-here", firstname="Oscar", lastname="Orphan", level=LEVEL_ADMIN,
                   in_organisation=False)
    if seed:
        _seed_rooms(state)
    return SimulatorDefinition(
        kind="openmeetings-axis",
        app=create_app(state, namespace=namespace, dialect=state.dialect),
        base_path=BASE_PATH,
        fields={"user": ADMIN_LOGIN},
        secret=ADMIN_PASSWORD,
        state=state,
    )
