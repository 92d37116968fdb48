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

from meetdesk.backends.openmeetings_axis.wire import child_text, split_tag


@dataclass(frozen=True)
class ListedRoom:
    id: str
    name: str
    options: dict[str, Any]
    closed: bool


def children(element: Element, local_name: str) -> list[Element]:
    return [c for c in element if split_tag(c.tag)[1] == local_name]


def _first(element: Element, *names: str) -> str | None:
    for name in names:
        value = child_text(element, name)
        if value is not None:
            return value
    return None


def _flag(element: Element, *names: str) -> bool | None:
    value = _first(element, *names)
    return None if value is None else value.strip().lower() == "true"


def _number(element: Element, *names: str) -> int | None:
    value = _first(element, *names)
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def read_room(element: Element) -> ListedRoom:
    """A room bean as meetdesk's options; ValueError when it has no id (the row is skipped with a warning)."""
    room_id = (_first(element, "id", "rooms_id") or "").strip()
    if not room_id.isdigit():
        raise ValueError(f"a room without a numeric id ({room_id[:20]!r})")
    type_id = None
    for nested in children(element, "roomtype"):
        type_id = _number(nested, "roomtypes_id")
    options: dict[str, Any] = {
        "room_type": str(type_id) if type_id is not None else "",
        "comment": _first(element, "comment") or "",
        "capacity": _number(element, "numberOfPartizipants"),
        "public": _flag(element, "public", "ispublic"),
        "appointment": _flag(element, "appointment"),
        "moderated": _flag(element, "moderated", "isModeratedRoom"),
        "allow_user_questions": _flag(element, "allowUserQuestions"),
        "audio_only": _flag(element, "audioOnly", "isAudioOnly"),
        "demo_room": _flag(element, "demo", "isDemoRoom"),
        "demo_time": _number(element, "demoTime"),
    }
    return ListedRoom(room_id, _first(element, "name") or "", {k: v for k, v in options.items() if v is not None},
                      bool(_flag(element, "closed", "isClosed")))


def read_counters(returns: list[Element]) -> dict[str, int]:
    """``getRoomCounters``: room id → people in the room (``RoomCountBean.roomCount``)."""
    counts: dict[str, int] = {}
    for bean in returns:
        room_id, count = _first(bean, "roomId"), _number(bean, "roomCount")
        if room_id and count is not None:
            counts[room_id.strip()] = count
    return counts
