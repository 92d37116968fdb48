"""Reading the legacy ``RoomService`` room beans: 3.0.x ``RoomDTO`` and the 2.x ``Room`` entity.

3.0.x (``RoomWebService.getRooms`` → ``RoomSearchResult`` of ``RoomDTO``) names the fields ``id``, ``public``,
``closed``, ``moderated``, ``demo``, ``audioOnly``; 2.x answers with the ``Room`` entity itself:
``rooms_id``, ``ispublic``, ``isClosed``, ``isModeratedRoom``, ``isDemoRoom``, ``isAudioOnly``. Both carry
``name``, ``comment``, ``numberOfPartizipants``, ``appointment``, ``allowUserQuestions``, ``demoTime`` and
a nested ``roomtype`` with ``roomtypes_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from meetdesk.backends.openmeetings_axis.wire import is_nil, split_tag


@dataclass(frozen=True)
class ListedRoom:
    id: str
    name: str
    options: dict[str, Any]
    closed: bool


def children(element: Element, local_name: str) -> list[Element]:
    return [c for c in element if split_tag(c.tag)[1] == local_name]


#: an element's children by local name, the first of each (as ``child_text`` reads them): a room bean has ~60,
#: and looking each of its ~15 fields up among them took ~1,000 tag splits for 9 rooms
Fields = dict[str, Element]


def fields_of(element: Element) -> Fields:
    fields: Fields = {}
    for child in element:
        fields.setdefault(split_tag(child.tag)[1], child)
    return fields


def _first(fields: Fields, *names: str) -> str | None:
    for name in names:
        child = fields.get(name)
        if child is not None and not is_nil(child):
            return (child.text or "").strip()
    return None


def _flag(fields: Fields, *names: str) -> bool | None:
    value = _first(fields, *names)
    return None if value is None else value.strip().lower() == "true"


def _number(fields: Fields, *names: str) -> int | None:
    value = _first(fields, *names)
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def read_room(element: Element) -> ListedRoom:
    """A room bean as meetdesk's options; ValueError when it has no id (the row is skipped with a warning)."""
    fields = fields_of(element)
    room_id = (_first(fields, "id", "rooms_id") or "").strip()
    if not room_id.isdigit():
        raise ValueError(f"a room without a numeric id ({room_id[:20]!r})")
    type_id = None
    for nested in children(element, "roomtype"):
        type_id = _number(fields_of(nested), "roomtypes_id")
    options: dict[str, Any] = {
        "room_type": str(type_id) if type_id is not None else "",
        "comment": _first(fields, "comment") or "",
        "capacity": _number(fields, "numberOfPartizipants"),
        "public": _flag(fields, "public", "ispublic"),
        "appointment": _flag(fields, "appointment"),
        "moderated": _flag(fields, "moderated", "isModeratedRoom"),
        "allow_user_questions": _flag(fields, "allowUserQuestions"),
        "audio_only": _flag(fields, "audioOnly", "isAudioOnly"),
        "demo_room": _flag(fields, "demo", "isDemoRoom"),
        "demo_time": _number(fields, "demoTime"),
    }
    return ListedRoom(room_id, _first(fields, "name") or "", {k: v for k, v in options.items() if v is not None},
                      bool(_flag(fields, "closed", "isClosed")))


def read_counters(returns: list[Element]) -> dict[str, int]:
    """``getRoomCounters``: room id → people in the room (``RoomCountBean.roomCount``)."""
    counts: dict[str, int] = {}
    for bean in returns:
        fields = fields_of(bean)
        room_id, count = _first(fields, "roomId"), _number(fields, "roomCount")
        if room_id and count is not None:
            counts[room_id.strip()] = count
    return counts
