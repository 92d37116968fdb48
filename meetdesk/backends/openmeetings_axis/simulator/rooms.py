"""The room-listing part of the legacy ``RoomService``, shaped like OpenMeetings 3.0.x or 2.x.

3.0.x ``src/axis/java/org/apache/openmeetings/axis/services/RoomWebService.java`` answers with
``RoomDTO`` beans (``id``, ``name``, ``roomtype``, ``numberOfPartizipants``, ``public``, ``closed`` …);
2.x ``src/org/apache/openmeetings/axis/services/RoomWebService.java`` with the ``Room`` entity itself
(``rooms_id``, ``ispublic``, ``isClosed``, ``isModeratedRoom`` …). Axis2 writes a bean's getters as child
elements in alphabetical order and a list as repeated ``<ns:return>`` elements.

Rights, as in the sources: ``getRooms`` needs the *admin* level (``ConferenceService.getRooms`` →
``AuthLevelUtil.hasAdminLevel``; otherwise it returns null and ``new RoomSearchResult(null)`` throws, which
Axis2 turns into a fault); ``getRoomById`` any signed-in user; ``getRoomsPublic``, ``deleteRoom``,
``closeRoom`` and ``getRoomCounters`` the web-service level (an admin has it too).
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from meetdesk.backends.openmeetings_axis.simulator.state import (
    LEVEL_ADMIN,
    NS_XSI,
    ROOM_TYPE_NAMES,
    AxisFault,
    AxisState,
    SimRoom,
)

NS_ROOM_DTO = "http://room.dto.db.openmeetings.apache.org/xsd"
NS_ROOM_ENTITY = "http://room.beans.persistence.openmeetings.apache.org/xsd"
NS_COUNT_BEAN = "http://services.axis.openmeetings.apache.org/xsd"
NS_SEARCH = "http://room.dto.db.openmeetings.apache.org/xsd"

Field = tuple[str, object]
Writer = Callable[[str, str], str]  # (method, inner xml of the response) -> document


def _value(prefix: str, name: str, value: object) -> str:
    if value is None:
        return f'<{prefix}:{name} xsi:nil="true" />'
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{prefix}:{name}>{escape(str(value))}</{prefix}:{name}>"


def _bean(tag: str, prefix: str, namespace: str, java_type: str, fields: list[Field], *, nested: str = "") -> str:
    body = "".join(_value(prefix, n, v) for n, v in sorted(fields)) + nested
    return (f'<{tag} xmlns:{prefix}={quoteattr(namespace)} xmlns:xsi="{NS_XSI}" '
            f"type={quoteattr(java_type)}>{body}</{tag}>")


def _room_type(prefix: str, room: SimRoom) -> str:
    fields: list[Field] = [("deleted", False), ("name", ROOM_TYPE_NAMES.get(room.type_id, "")),
                           ("roomtypes_id", room.type_id), ("starttime", None), ("updatetime", None)]
    inner = "".join(_value("rt", n, v) for n, v in fields)
    return f'<{prefix}:roomtype type="org.apache.openmeetings.db.entity.room.RoomType">{inner}</{prefix}:roomtype>'


def room_bean(tag: str, room: SimRoom, dialect: str) -> str:
    """One room as 3.0.x ``RoomDTO`` or as the 2.x ``Room`` entity."""
    if dialect == "2.x":
        fields: list[Field] = [
            ("rooms_id", room.id), ("name", room.name), ("comment", room.comment),
            ("numberOfPartizipants", room.capacity), ("ispublic", room.public), ("appointment", room.appointment),
            ("isDemoRoom", room.demo), ("demoTime", room.demo_time), ("isModeratedRoom", room.moderated),
            ("allowUserQuestions", room.allow_user_questions), ("isAudioOnly", room.audio_only),
            ("isClosed", room.closed), ("deleted", False),
        ]
        return _bean(tag, "ax", NS_ROOM_ENTITY, "org.apache.openmeetings.persistence.beans.room.Room", fields,
                     nested=_room_type("ax", room).replace("<ax:roomtype", '<ax:roomtype xmlns:rt="'
                                                           + NS_ROOM_ENTITY + '"'))
    fields = [
        ("id", room.id), ("name", room.name), ("comment", room.comment), ("numberOfPartizipants", room.capacity),
        ("appointment", bool(room.appointment)), ("confno", None), ("public", bool(room.public)),
        ("demo", bool(room.demo)), ("closed", room.closed), ("demoTime", room.demo_time),
        ("moderated", bool(room.moderated)), ("allowUserQuestions", bool(room.allow_user_questions)),
        ("audioOnly", bool(room.audio_only)),
    ]
    return _bean(tag, "ax", NS_ROOM_DTO, "org.apache.openmeetings.db.dto.room.RoomDTO", fields,
                 nested=_room_type("ax", room).replace("<ax:roomtype", f'<ax:roomtype xmlns:rt="{NS_ROOM_DTO}"'))


def _int(params: dict[str, str], name: str, default: int = 0) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise AxisFault(f'For input string: "{raw}"') from None


def get_rooms(state: AxisState, write: Writer, params: dict[str, str], dialect: str) -> str:
    with state.lock:
        user_id = state.check_session(params.get("SID"))
        if state.user_level(user_id) != LEVEL_ADMIN:
            # ConferenceService.getRooms returns null for anyone below admin; new RoomSearchResult(null) throws
            raise AxisFault("java.lang.NullPointerException")
        start, limit = _int(params, "start"), _int(params, "max", 100)
        ascending = (params.get("asc") or "true").strip().lower() == "true"
        order = (params.get("orderby") or "rooms_id").strip()
        rooms = sorted(state.rooms.values(), key=(lambda r: r.name) if order == "name" else (lambda r: r.id),
                       reverse=not ascending)
        page = rooms[start:start + limit]
        results = "".join(room_bean("ax:result", r, dialect) for r in page)
        fields: list[Field] = [("errorId", None), ("objectName", "org.apache.openmeetings.db.entity.room.Room"),
                               ("records", len(rooms))]
        return write("getRooms", _bean("ns:return", "ax", NS_SEARCH,
                                       "org.apache.openmeetings.db.dto.room.RoomSearchResult", fields,
                                       nested=results))


def get_room_by_id(state: AxisState, write: Writer, params: dict[str, str], dialect: str) -> str:
    room_id = _int(params, "rooms_id")
    with state.lock:
        room = state.rooms.get(room_id) if state.check_session(params.get("SID")) is not None else None
        if room is None:  # 3.0.x: new RoomDTO(null) throws; 2.x returns a null room
            if dialect == "2.x":
                return write("getRoomById", f'<ns:return xmlns:xsi="{NS_XSI}" xsi:nil="true" />')
            raise AxisFault("java.lang.NullPointerException")
        return write("getRoomById", room_bean("ns:return", room, dialect))


def get_rooms_public(state: AxisState, write: Writer, params: dict[str, str], dialect: str) -> str:
    type_id = _int(params, "roomtypes_id")
    if not state.has_web_service_level(params.get("SID")):
        return write("getRoomsPublic", f'<ns:return xmlns:xsi="{NS_XSI}" xsi:nil="true" />')
    with state.lock:
        rooms = [r for r in state.rooms.values() if r.public and r.type_id == type_id]
        return write("getRoomsPublic", "".join(room_bean("ns:return", r, dialect) for r in rooms))


def delete_room(state: AxisState, write: Writer, params: dict[str, str], dialect: str) -> str:
    room_id = _int(params, "rooms_id")
    with state.lock:
        # RoomManager.deleteRoomById: the id, or null when the room is unknown (its NPE is caught) or the
        # session lacks the web-service level
        if not state.has_web_service_level(params.get("SID")) or state.rooms.pop(room_id, None) is None:
            return write("deleteRoom", f'<ns:return xmlns:xsi="{NS_XSI}" xsi:nil="true" />')
        return write("deleteRoom", f"<ns:return>{room_id}</ns:return>")


def close_room(state: AxisState, write: Writer, params: dict[str, str], dialect: str) -> str:
    room_id = _int(params, "room_id")
    # the javadoc says "false = close, true = open", but RoomManager.closeRoom does room.setIsClosed(status):
    # status=true closes the room (and sends "roomClosed" to its users)
    status = (params.get("status") or "").strip().lower() == "true"
    with state.lock:
        if not state.has_web_service_level(params.get("SID")):
            return write("closeRoom", "<ns:return>-2</ns:return>")
        room = state.rooms.get(room_id)
        if room is not None:  # an unknown room: the NPE is caught and logged, the answer is still 1
            room.closed = status
        return write("closeRoom", "<ns:return>1</ns:return>")


def get_room_counters(state: AxisState, write: Writer, params: dict[str, str], dialect: str,
                      room_ids: list[str]) -> str:
    with state.lock:
        if not state.has_web_service_level(params.get("SID")):
            return write("getRoomCounters", "")  # "Not authorized" is only logged: an empty list
        beans = []
        for raw in room_ids:
            room = state.rooms.get(_int({"id": raw}, "id"))
            if room is None:
                continue
            fields: list[Field] = [("maxUser", room.capacity or 0), ("roomCount", len(room.present)),
                                   ("roomId", room.id), ("roomName", room.name)]
            beans.append(_bean("ns:return", "ax", NS_COUNT_BEAN, "org.apache.openmeetings.axis.services.RoomCountBean",
                               fields))
        return write("getRoomCounters", "".join(beans))
