"""OpenMeetings rooms: RoomDTOs read and written, counts and participants, open / close / delete."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import replace
from typing import Any, TypeVar

from meetdesk.backends.offload import off_loop, sliced
from meetdesk.backends.openmeetings import wire as omj
from meetdesk.backends.openmeetings.fields import (
    ROOM_FIELDS,
    ROOM_TYPES,
)
from meetdesk.backends.openmeetings.session import PRIVATE_ROOMS_KEY, OpenMeetingsSession, dump_json
from meetdesk.backends.rows import OFFLOAD_ROWS, parse_rows, report_warning, shared
from meetdesk.domain.errors import (
    MeetdeskError,
    NotFoundError,
    ProtocolError,
    ServerError,
    ValidationError,
)
from meetdesk.domain.models import (
    Participant,
    Room,
    RoomDraft,
)

log = logging.getLogger("meetdesk.backends.openmeetings")
T = TypeVar("T")
#: rooms whose user count is asked for after a refresh (one call each)
COUNTED_ROOMS = 2000
COUNT_CONCURRENCY = 8

#: room option key → RoomDTO field. The server reads only "isPublic" (the spec's "public" is ignored).
_ROOM_FLAGS = {
    "public": "isPublic",
    "moderated": "moderated",
    "wait_for_moderator": "waitModerator",
    "allow_user_questions": "allowUserQuestions",
    "audio_only": "audioOnly",
    "allow_recording": "allowRecording",
}
#: a new room gets the form's defaults, not the DTO's (capacity 4, no questions, no recording)
_ROOM_DEFAULTS: dict[str, Any] = {f.key: f.default for f in ROOM_FIELDS if f.default is not None}
#: RoomDTO fields that are collections on input (Jettison may have collapsed or omitted them on output)
_ROOM_COLLECTIONS = ("hiddenElements", "files")
#: RoomDTO fields meetdesk passes through unchanged when it saves a room it read
_ROOM_PASSTHROUGH = ("tag", "confno", "demo", "demoTime", "closed", "externalId", "externalType",
                     "redirectUrl", "waitRecording", "appointment")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _type_label(value: str) -> str:
    return dict(ROOM_TYPES).get(value, value.title())


def _row_id(dto: object) -> str | None:
    value = omj.opt_int(dto.get("id")) if isinstance(dto, dict) else None
    return None if value is None else str(value)


def _by_id(groups: list[Any]) -> dict[str, Any]:
    """The room lists of every type as one, keyed by id (a room in two lists once; no id: its position)."""
    seen: dict[str, Any] = {}
    for index, dto in enumerate(sliced(d for group in groups for d in group)):
        seen.setdefault(_row_id(dto) or f"#{index}", dto)
    return seen


def _numeric_id(room: Room) -> int:
    return int(room.id)


class OpenMeetingsRooms(OpenMeetingsSession):
    """The room half of the provider."""

    def _room_from_dto(self, dto: dict[str, Any], call: str, count: int | None = None,
                       participants: tuple[Participant, ...] = (), known: dict[str, int] | None = None) -> Room:
        room_id = omj.req_id(dto, call, "room")
        if count is None and known:
            count = known.get(room_id)
        room_type = sys.intern(omj.text(dto.get("type")).upper())
        is_public = omj.as_bool(dto.get("isPublic", dto.get("public")))
        closed = omj.as_bool(dto.get("closed"))
        capacity = omj.opt_int(dto.get("capacity"))
        options: dict[str, Any] = {
            "type": room_type,
            "capacity": capacity,
            "comment": omj.text(dto.get("comment")),
            "hidden_elements": [omj.text(e) for e in omj.as_list(dto.get("hiddenElements"))],
        }
        for key, field in _ROOM_FLAGS.items():
            options[key] = is_public if key == "public" else omj.as_bool(dto.get(field))
        status = "closed" if closed else ("in use" if count else "open")
        return Room(
            id=room_id, name=omj.text(dto.get("name")) or f"Room {room_id}", kind=self.kind, status=status,
            running=None if count is None else count > 0, participant_count=count, participants=participants,
            options=shared(options),  # most rooms have equal settings: one dict for them all
            extra=shared({"type": _type_label(room_type), "capacity": capacity, "public": _yes(is_public),
                          "moderated": _yes(options["moderated"]), "users_online": count, "closed": closed,
                          "appointment": omj.as_bool(dto.get("appointment"))}),
        )

    async def _public_rooms(self, room_type: str) -> list[dict[str, Any]]:
        call = f"the list of public {room_type.lower()} rooms"
        body = await self._get_json(f"services/room/public/{room_type}", call, right="ROOM")
        return [] if body is None else omj.unwrap_rows(body, "roomDTO", call)

    async def _room_dto(self, room_id: str) -> dict[str, Any]:
        room_id = self._id_path(room_id, "room")
        call = f"reading room {room_id}"
        body = await self._get_json(f"services/room/{room_id}", call,
                                    not_found=f"There is no room {room_id} on {self._server}.")
        if body is None:
            raise NotFoundError(f"There is no room {room_id} on {self._server}.")
        return omj.unwrap_object(body, "roomDTO", call)

    async def _count(self, room_id: str) -> int:
        call = f"the user count of room {room_id}"
        body = await self._get_json(f"services/room/count/{room_id}", call)
        if body is None:
            return 0
        result = omj.service_result(body, call)
        count = omj.opt_int(result.message)
        if count is None:
            raise ProtocolError(f"OpenMeetings answered {call} in an unexpected format.",
                                detail=f"message {result.message!r}")
        return count

    async def room_participants(self, room_id: str) -> list[Participant]:
        room_id = self._id_path(room_id, "room")
        call = f"the users in room {room_id}"
        body = await self._get_json(f"services/room/users/{room_id}", call)
        users = [] if body is None else omj.unwrap_list(body, "userDTO", call)
        participants = []
        for user in users:
            name = " ".join(p for p in (omj.text(user.get("firstname")), omj.text(user.get("lastname"))) if p)
            participants.append(Participant(
                id=omj.text(user.get("id")), name=name or omj.text(user.get("login")),
                extra={"login": omj.text(user.get("login")), "external_id": omj.text(user.get("externalId")),
                       "external_type": omj.text(user.get("externalType")), "user_type": omj.text(user.get("type"))},
            ))
        return participants

    def _remembered_rooms(self) -> list[str]:
        stored = self.profile.data.get(PRIVATE_ROOMS_KEY)
        return [str(i) for i in stored] if isinstance(stored, list) else []

    async def _remember_rooms(self, ids: list[str]) -> None:
        if ids != self._remembered_rooms():
            self.profile.data[PRIVATE_ROOMS_KEY] = ids
            await self._persist(self.profile.data)

    async def _all_room_dtos(self) -> list[Any]:
        """Public rooms of every type plus the private rooms meetdesk created (the API lists no others).

        An entry without a readable id is kept (under its position) so that reading it reports it.
        """
        remembered = self._remembered_rooms()

        async def fetch(room_id: str) -> dict[str, Any] | None:
            try:
                return await self._room_dto(room_id)
            except (NotFoundError, ValidationError):
                return None

        # the remembered private rooms are asked for alongside the public lists: one round trip, not two
        per_type, privates = await asyncio.gather(
            asyncio.gather(*(self._public_rooms(t) for t, _ in ROOM_TYPES)),
            self._gather(fetch(i) for i in remembered))
        groups: list[Any] = list(per_type)
        large = sum(len(g) for g in groups) > OFFLOAD_ROWS  # 20,000 rooms merged here held the loop ~10 ms
        seen = await off_loop(lambda: _by_id(groups)) if large else _by_id(groups)
        gone: set[str] = set()
        for room_id, found in zip(remembered, privates, strict=True):
            if found is not None:
                seen.setdefault(room_id, found)
            elif room_id not in seen:
                gone.add(room_id)
        if gone:
            await self._remember_rooms([i for i in remembered if i not in gone])
        return list(seen.values())

    async def _count_or_none(self, room_id: str | None) -> int | None:
        if room_id is None:
            return None
        try:
            return await self._count(room_id)
        except (ServerError, ProtocolError) as exc:  # one odd room must not hide the others
            log.warning("no user count for room %s: %s", room_id, exc.message)
            return None

    async def list_rooms(self) -> list[Room]:
        dtos = await self._all_room_dtos()
        # the user counts (a call per room) come after the rooms are shown (see complete_rooms); until then each
        # room shows the count it had (an unchanged room is then equal to the one shown, and kept by the session)
        known = self._counts
        rooms = await parse_rows(
            dtos, lambda dto: self._room_from_dto(omj.as_object(dto, "the room list"), "the room list", known=known),
            server=self._server, call="the room list", what="room", label=lambda dto: dto)
        if len(rooms) > OFFLOAD_ROWS:
            return await off_loop(lambda: sorted(rooms, key=_numeric_id))
        return sorted(rooms, key=_numeric_id)

    async def complete_rooms(self, rooms: list[Room]) -> list[Room] | None:
        """The user count of each room (of the first :data:`COUNTED_ROOMS`; the API has one call per room). Counts
        that could not be had leave their rooms without one (a count carried over from the last time is taken
        away), reported in one warning. A room whose count is the one it shows is returned as it is."""
        counted = rooms[:COUNTED_ROOMS]
        if len(rooms) > COUNTED_ROOMS:
            log.info("user counts of the first %d of %d rooms only", COUNTED_ROOMS, len(rooms))
        limit = asyncio.Semaphore(COUNT_CONCURRENCY)
        failed: list[tuple[str, MeetdeskError]] = []

        async def one(room_id: str) -> int | None:  # the call is made inside: a cancelled task leaves none unsent
            async with limit:
                try:
                    return await self._count(room_id)
                except NotFoundError:  # deleted since the list was read: nobody to count
                    return None
                except MeetdeskError as exc:  # one odd room must not hide the others — nor pass silently
                    failed.append((room_id, exc))
                    return None

        counts: list[int | None] = [None] * len(counted)
        todo = iter(enumerate(r.id for r in counted))

        async def worker() -> None:  # a few take the rooms in turn: 2,000 tasks made at once held the loop ~30 ms
            for i, room_id in todo:
                counts[i] = await one(room_id)

        await asyncio.gather(*(worker() for _ in range(COUNT_CONCURRENCY)))
        if failed:
            which, shown = (("its rooms", "the rooms are") if len(failed) == len(counted) else
                            (f"room {failed[0][0]}", "it is") if len(failed) == 1 else
                            (f"{len(failed)} of its {len(counted)} rooms", "those rooms are"))
            report_warning(f"{self._server}: meetdesk could not find out how many people are in {which} "
                           f"({failed[0][1].message.rstrip('.')}); {shown} shown without that number.")
        self._counts = {room.id: count for room, count in zip(counted, counts, strict=True) if count is not None}
        if len(failed) == len(counted) and all(room.participant_count is None for room in counted):
            return None
        # 2,000 rooms copied with their counts take ~20 ms: off the event loop's thread
        return await off_loop(lambda: [self._with_count(r, c) for r, c in sliced(zip(counted, counts, strict=True))]
                              + rooms[COUNTED_ROOMS:])

    @staticmethod
    def _with_count(room: Room, count: int | None) -> Room:
        if count == room.participant_count:
            return room
        if count is None:  # not counted this time: the count carried over is not shown as if it were current
            status = "closed" if room.extra.get("closed") else "open"
            return replace(room, participant_count=None, running=None, status=status,
                           extra=shared({**room.extra, "users_online": None}))
        status = "closed" if room.extra.get("closed") else ("in use" if count else "open")
        return replace(room, participant_count=count, running=count > 0, status=status,
                       extra=shared({**room.extra, "users_online": count}))

    async def get_room(self, room_id: str) -> Room:
        dto = await self._room_dto(room_id)
        rid = omj.req_id(dto, "reading a room", "room")
        count, participants = await asyncio.gather(self._count(rid), self.room_participants(rid))
        return self._room_from_dto(dto, f"reading room {rid}", count, tuple(participants))

    @staticmethod
    def _clean_room_dto(dto: dict[str, Any]) -> dict[str, Any]:
        """A RoomDTO read from Jettison output, made fit to send back (lists as lists, ids as strings)."""
        out: dict[str, Any] = {"id": omj.opt_int(dto.get("id")), "name": omj.text(dto.get("name")),
                               "comment": omj.text(dto.get("comment")), "type": omj.text(dto.get("type")),
                               "capacity": omj.opt_int(dto.get("capacity")) or 4,
                               "isPublic": omj.as_bool(dto.get("isPublic", dto.get("public")))}
        for key in _ROOM_PASSTHROUGH:
            if dto.get(key) is not None:
                value = dto[key]
                out[key] = omj.text(value) if key in ("externalId", "externalType", "tag", "confno") else value
        for key in ("moderated", "waitModerator", "allowUserQuestions", "allowRecording", "audioOnly"):
            out[key] = omj.as_bool(dto.get(key))
        for key in _ROOM_COLLECTIONS:
            out[key] = omj.as_list(dto.get(key))
        return out

    def _apply_room_options(self, dto: dict[str, Any], name: str, options: dict[str, Any]) -> dict[str, Any]:
        if not name.strip():
            raise ValidationError("Give the room a name.", field="name")
        dto["name"] = name.strip()
        if "type" in options and options["type"] is not None:
            dto["type"] = str(options["type"])
        if options.get("capacity") is not None:
            dto["capacity"] = int(options["capacity"])
        if "comment" in options and options["comment"] is not None:
            dto["comment"] = str(options["comment"])
        for key, field in _ROOM_FLAGS.items():
            if options.get(key) is not None:
                dto[field] = bool(options[key])
        if options.get("hidden_elements") is not None:
            dto["hiddenElements"] = list(options["hidden_elements"])
        if dto.get("type") not in dict(ROOM_TYPES):
            raise ValidationError("Choose a room type: conference, presentation or interview.", field="type")
        return dto

    async def _save_room(self, dto: dict[str, Any], call: str) -> dict[str, Any]:
        payload = {k: v for k, v in dto.items() if v is not None}
        response = await self._call("POST", "services/room", call, data={"room": dump_json(payload)})
        saved = omj.unwrap_object(self._answer(response, call), "roomDTO", call)
        room_id = omj.req_id(saved, call, "room")
        if not omj.as_bool(saved.get("isPublic", saved.get("public"))) and room_id not in self._remembered_rooms():
            await self._remember_rooms([*self._remembered_rooms(), room_id])
        return saved

    async def create_room(self, draft: RoomDraft) -> Room:
        options = {**_ROOM_DEFAULTS, **{k: v for k, v in draft.options.items() if v is not None}}
        dto = self._apply_room_options({"appointment": False}, draft.name, options)
        if draft.room_id and draft.room_id.strip():
            raise ValidationError("OpenMeetings numbers rooms itself; leave the room id empty.", field="room_id")
        return self._room_from_dto(await self._save_room(dto, "creating a room"), "creating a room", 0)

    async def update_room(self, room_id: str, draft: RoomDraft) -> Room:
        # POST /room with an id replaces every field, so start from what the server has now
        current = self._clean_room_dto(await self._room_dto(room_id))
        call = f"saving room {current['id']}"
        saved = await self._save_room(self._apply_room_options(current, draft.name, draft.options), call)
        return self._room_from_dto(saved, call, await self._count_or_none(omj.req_id(saved, call, "room")))

    async def delete_room(self, room_id: str) -> None:
        rid = self._id_path(room_id, "room")
        call = f"deleting room {rid}"
        response = await self._call("DELETE", f"services/room/{rid}", call)
        result = omj.service_result(self._answer(response, call), call)
        if result.message.strip().lower() == "not found":
            raise NotFoundError(f"There is no room {rid} on {self._server}.")
        if rid in self._remembered_rooms():
            await self._remember_rooms([i for i in self._remembered_rooms() if i != rid])

    async def _room_action(self, action: str, room_id: str) -> None:
        rid = self._id_path(room_id, "room")
        call = f"{'opening' if action == 'open' else 'closing'} room {rid}"
        response = await self._call("GET", f"services/room/{action}/{rid}", call)
        omj.service_result(self._answer(response, call, not_found=f"There is no room {rid} on {self._server}."),
                           call)

    async def open_room(self, room_id: str) -> None:
        await self._room_action("open", room_id)

    async def close_room(self, room_id: str) -> None:
        await self._room_action("close", room_id)

    # meetings --------------------------------------------------------------------------------
