"""Apache OpenMeetings 7.x–9.x through its REST web services (``/openmeetings/services/...``).

A session id (SID) from ``user/login`` authorizes every call as the query parameter ``sid``. The SID
dies after 30 idle minutes; a call answered with ``error.notallowed`` is repeated once after a fresh
login, and only a second refusal is reported (then it is the account's rights, not the SID).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Awaitable, Iterable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from meetdesk.domain.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    ValidationError,
)
from meetdesk.domain.fields import FieldSpec
from meetdesk.domain.models import (
    JoinLink,
    JoinRequest,
    Meeting,
    MeetingDraft,
    Participant,
    Profile,
    Recording,
    Role,
    Room,
    RoomDraft,
    ServerInfo,
)
from meetdesk.providers import openmeetings_json as omj
from meetdesk.providers.base import Capability, Column, PersistHook, Provider
from meetdesk.providers.http import DEFAULT_TIMEOUT, build_client, json_body, redactor_of, translate_errors
from meetdesk.providers.openmeetings_fields import (
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

log = logging.getLogger("meetdesk.providers.openmeetings")
T = TypeVar("T")

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

LOGIN_TIMEOUT = httpx.Timeout(45.0, connect=6.0)  # 9.x sleeps 6–15 s before refusing a password
PRIVATE_ROOMS_KEY = "private_room_ids"
_CONCURRENCY = 6


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _type_label(value: str) -> str:
    return dict(ROOM_TYPES).get(value, value.title())


def _system_zone_name() -> str:
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz:
        return tz
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""


def _split_name(display_name: str) -> tuple[str, str]:
    parts = display_name.split()
    if not parts:
        return "", ""
    return parts[0], " ".join(parts[1:])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", text.lower()).strip(".")


class OpenMeetingsProvider(Provider):
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
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = CONNECTION_FIELDS
    room_fields: ClassVar[tuple[FieldSpec, ...]] = ROOM_FIELDS
    meeting_fields: ClassVar[tuple[FieldSpec, ...]] = MEETING_FIELDS
    join_fields: ClassVar[tuple[FieldSpec, ...]] = JOIN_FIELDS
    room_columns: ClassVar[tuple[Column, ...]] = ROOM_COLUMNS
    meeting_columns: ClassVar[tuple[Column, ...]] = MEETING_COLUMNS

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        super().__init__(profile, secret, persist=persist)
        self._client: httpx.AsyncClient | None = None
        self._sid: str | None = None
        self._version = ""
        self._login_method = "GET"
        self._login_lock = asyncio.Lock()
        self._zone_value: tzinfo | None = None
        self._zone_error: ValidationError | None = None
        try:
            self._zone_value = self._zone_from_profile()
        except ValidationError as exc:  # reported by connect(), not while the profile list is built
            self._zone_error = exc
        #: raw appointments last seen, so an update keeps members, owner and iCal id
        self._appointments: dict[str, dict[str, Any]] = {}

    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        parts = urlsplit(url.strip())
        path = parts.path.rstrip("/")
        for tail in ("/services", "/hash"):
            if path.endswith(tail):
                path = path[: -len(tail)]
        if not path:
            path = "/openmeetings"
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    # helpers ---------------------------------------------------------------------------------
    @property
    def _server(self) -> str:
        return self.profile.name or "the OpenMeetings server"

    @property
    def _user(self) -> str:
        return self.profile.fields.get("user", "").strip()

    def _zone_from_profile(self) -> tzinfo | None:
        """The profile's zone; None means the system zone (``astimezone(None)`` follows its DST rules)."""
        name = self.profile.fields.get("timezone", "").strip()
        if not name:
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                f"“{name}” is not a time zone name meetdesk knows.", field="timezone",
                hint="Use a name like Europe/Berlin or America/New_York, or leave it empty.",
            ) from None

    @property
    def _zone(self) -> tzinfo | None:
        if self._zone_error is not None:
            raise self._zone_error
        return self._zone_value

    @property
    def _zone_name(self) -> str:
        if isinstance(self._zone, ZoneInfo):
            return self._zone.key
        return _system_zone_name() or "local time"

    def _ensure_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = build_client(self.profile, secrets=[self._secret], logger=log,
                                        base_url=self.normalize_base_url(self.profile.base_url))
        return self._client

    @staticmethod
    def _id_path(value: str, what: str, field: str = "room_id") -> str:
        text = str(value).strip()
        if not text.isdigit():
            raise ValidationError(f"“{value}” is not an OpenMeetings {what} number.", field=field)
        return text

    async def _gather(self, coros: Iterable[Awaitable[T]]) -> list[T]:
        limit = asyncio.Semaphore(_CONCURRENCY)

        async def run(coro: Awaitable[T]) -> T:
            async with limit:
                return await coro

        return list(await asyncio.gather(*(run(c) for c in coros)))

    # transport -------------------------------------------------------------------------------
    async def _send(self, method: str, path: str, call: str, *, params: dict[str, str] | None = None,
                    data: dict[str, str] | None = None, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.Response:
        client = self._ensure_client()
        async with translate_errors(self._server, call):
            return await client.request(method, path, params=params, data=data, timeout=timeout)

    @staticmethod
    def _not_allowed(response: httpx.Response) -> bool:
        if response.status_code != 500:
            return False
        if response.headers.get("exception", "").strip() == "error.notallowed":
            return True
        try:
            result = omj.maybe_service_result(response.json())
        except ValueError:
            return False
        return result is not None and result.message == "error.notallowed"

    async def _call(self, method: str, path: str, call: str, *, params: dict[str, str] | None = None,
                    data: dict[str, str] | None = None, right: str = "SOAP") -> httpx.Response:
        """Send an authorized call; renew the SID once if the server no longer accepts it."""
        if self._sid is None:
            await self._login()
        for attempt in range(2):
            sid = self._sid or ""
            response = await self._send(method, path, call, params={"sid": sid, **(params or {})}, data=data)
            if not self._not_allowed(response):
                return response
            if attempt == 0:
                log.info("%s: session refused, logging in again", call)
                await self._renew(sid)
        raise self._rights_error(right)

    def _rights_error(self, right: str) -> PermissionDeniedError:
        return PermissionDeniedError(
            f"The OpenMeetings account “{self._user}” is not allowed to use the web-service API: "
            f"it needs the {right} right.",
            hint=f"Ask an OpenMeetings administrator to add the {right} right to this user "
                 "(Administration → Users → Rights).",
        )

    async def _renew(self, stale_sid: str) -> None:
        async with self._login_lock:
            if self._sid == stale_sid:
                self._sid = None
        await self._login()

    def _answer(self, response: httpx.Response, call: str, *, not_found: str | None = None) -> object:
        """The decoded body of a 200 answer; None for 204. Maps every other status to our errors."""
        status = response.status_code
        if status == 204:
            return None
        if status == 200:
            body = json_body(response, call)
            result = omj.maybe_service_result(body)
            if result is not None and not result.ok:
                raise ServerError(f"OpenMeetings could not complete {call}: {result.message or 'no reason given'}.",
                                  detail=f"HTTP 200 {result.message}")
            return body
        message = ""
        try:
            result = omj.maybe_service_result(response.json())
            message = result.message if result else ""
        except ValueError:
            pass
        message = message or response.headers.get("exception", "")
        detail = f"HTTP {status} {message}".strip()
        if status == 500 and not_found is not None and message != "error.unknown":
            raise NotFoundError(not_found, detail=detail)
        if status == 500:
            said = f": {message}" if message else ""
            raise ServerError(f"OpenMeetings reported an error during {call}{said}.", detail=detail)
        if status == 404:
            raise ProtocolError(
                f"{self._server} does not offer {call}.", detail=detail,
                hint="Check that the server address ends with /openmeetings and the server runs OpenMeetings 7 "
                     "or later.",
            )
        if status in (400, 415):
            raise ProtocolError(f"OpenMeetings rejected meetdesk's request for {call}.", detail=detail)
        if status in (401, 403):
            raise PermissionDeniedError(f"{self._server} refused access to {call}.", detail=detail,
                                        hint="A proxy in front of OpenMeetings may require its own login.")
        raise ServerError(f"{self._server} answered {call} with HTTP status {status}.", detail=detail)

    async def _get_json(self, path: str, call: str, *, right: str = "SOAP", not_found: str | None = None,
                        params: dict[str, str] | None = None) -> object:
        response = await self._call("GET", path, call, params=params, right=right)
        return self._answer(response, call, not_found=not_found)

    # lifecycle -------------------------------------------------------------------------------
    async def connect(self) -> ServerInfo:
        if not self._user:
            raise ValidationError("Enter the OpenMeetings user name.", field="user")
        if not self._secret:
            raise ValidationError("Enter the OpenMeetings password.", field="password")
        _ = self._zone  # a bad time zone name is reported before anything is sent
        info = await self._server_version()
        self._sid = None
        await self._login()
        # login checks no rights, so probe one SOAP-only call now rather than fail on the first real one;
        # recordings of an external type are cheap and harmless to read
        await self._get_json(f"services/record/{DEFAULT_EXTERNAL_TYPE}", "the web-service rights check")
        return ServerInfo(
            product="Apache OpenMeetings", version=self._version, user=self._user,
            extra={"revision": omj.text(info.get("revision")), "build_date": omj.text(info.get("buildDate")),
                   "login_method": self._login_method, "timezone": self._zone_name},
        )

    async def _server_version(self) -> dict[str, Any]:
        call = "the version query (info/version)"
        response = await self._send("GET", "services/info/version", call)
        if response.status_code == 404:
            raise ProtocolError(
                f"{self._server} does not answer like OpenMeetings 7 or later.", detail="info/version: HTTP 404",
                hint="Check that the address ends with /openmeetings. For OpenMeetings 2.x or 3.0 choose the "
                     "legacy OpenMeetings connection type.",
            )
        info = omj.unwrap_object(self._answer(response, call), "info", call)
        self._version = omj.text(info.get("version"))
        match = re.match(r"\s*(\d+)", self._version)
        major = int(match.group(1)) if match else 0
        if match and major < 5:
            raise ProtocolError(
                f"{self._server} runs OpenMeetings {self._version}, which this connection type does not support.",
                hint="For OpenMeetings 2.x or 3.0 choose the legacy OpenMeetings connection type.",
            )
        # 9.0 moved user/login from GET + query to POST + form
        self._login_method = "POST" if major >= 9 or not match else "GET"
        return info

    async def _login(self) -> None:
        async with self._login_lock:
            if self._sid is not None:
                return
            call = "the login (user/login)"
            credentials = {"user": self._user, "pass": self._secret}
            response = await self._login_request(self._login_method, credentials, call)
            if response.status_code == 405:
                other = "GET" if self._login_method == "POST" else "POST"
                log.info("user/login answered 405 to %s, trying %s", self._login_method, other)
                response = await self._login_request(other, credentials, call)
                if response.status_code != 405:
                    self._login_method = other
            body = self._answer_login(response, call)
            result = omj.service_result(body, call)
            if result.ok and result.message:
                self._sid = result.message
                redactor_of(self._ensure_client()).add(result.message)
                return
            raise self._login_error(result.message)

    async def _login_request(self, method: str, credentials: dict[str, str], call: str) -> httpx.Response:
        if method == "POST":
            return await self._send("POST", "services/user/login", call, data=credentials, timeout=LOGIN_TIMEOUT)
        return await self._send("GET", "services/user/login", call, params=credentials, timeout=LOGIN_TIMEOUT)

    def _answer_login(self, response: httpx.Response, call: str) -> object:
        if response.status_code != 200:
            return self._answer(response, call) or {}
        return json_body(response, call)

    def _login_error(self, code: str) -> AuthenticationError:
        user = self._user
        if code == "error.bad.credentials":
            return AuthenticationError(f"OpenMeetings refused the user name or password for “{user}”.",
                                       detail=code, hint="Check both in the profile and try again.")
        if code == "error.notactivated":
            return PermissionDeniedError(
                f"The OpenMeetings account “{user}” is not activated or lacks the LOGIN right.", detail=code,
                hint="Ask an OpenMeetings administrator to activate it.")
        if code == "error.nogroup":
            return PermissionDeniedError(f"The OpenMeetings account “{user}” is not assigned to any group.",
                                         detail=code, hint="Ask an OpenMeetings administrator to add it to a group.")
        return AuthenticationError(f"OpenMeetings refused the login of “{user}”.", detail=code or "no reason given")

    async def aclose(self) -> None:
        # the REST API has no logout; the SID expires on the server after 30 idle minutes
        self._sid = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # rooms -----------------------------------------------------------------------------------
    def _room_from_dto(self, dto: dict[str, Any], call: str, count: int | None = None,
                       participants: tuple[Participant, ...] = ()) -> Room:
        room_id = omj.req_id(dto, call, "room")
        room_type = omj.text(dto.get("type")).upper()
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
            options=options,
            extra={"type": _type_label(room_type), "capacity": capacity, "public": _yes(is_public),
                   "moderated": _yes(options["moderated"]), "users_online": count, "closed": closed,
                   "appointment": omj.as_bool(dto.get("appointment"))},
        )

    async def _public_rooms(self, room_type: str) -> list[dict[str, Any]]:
        call = f"the list of public {room_type.lower()} rooms"
        body = await self._get_json(f"services/room/public/{room_type}", call, right="ROOM")
        return [] if body is None else omj.unwrap_list(body, "roomDTO", call)

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

    async def _all_room_dtos(self) -> list[dict[str, Any]]:
        """Public rooms of every type plus the private rooms meetdesk created (the API lists no others)."""
        per_type = await asyncio.gather(*(self._public_rooms(t) for t, _ in ROOM_TYPES))
        seen: dict[str, dict[str, Any]] = {}
        for dto in (d for group in per_type for d in group):
            seen.setdefault(omj.req_id(dto, "the room list", "room"), dto)
        remembered = self._remembered_rooms()
        missing = [i for i in remembered if i not in seen]

        async def fetch(room_id: str) -> dict[str, Any] | None:
            try:
                return await self._room_dto(room_id)
            except (NotFoundError, ValidationError):
                return None

        gone: set[str] = set()
        for room_id, found in zip(missing, await self._gather(fetch(i) for i in missing), strict=True):
            if found is None:
                gone.add(room_id)
            else:
                seen[room_id] = found
        if gone:
            await self._remember_rooms([i for i in remembered if i not in gone])
        return list(seen.values())

    async def _count_or_none(self, room_id: str) -> int | None:
        try:
            return await self._count(room_id)
        except (ServerError, ProtocolError) as exc:  # one odd room must not hide the others
            log.warning("no user count for room %s: %s", room_id, exc.message)
            return None

    async def list_rooms(self) -> list[Room]:
        dtos = await self._all_room_dtos()
        ids = [omj.req_id(d, "the room list", "room") for d in dtos]
        counts = await self._gather(self._count_or_none(i) for i in ids)
        rooms = [self._room_from_dto(d, "the room list", c) for d, c in zip(dtos, counts, strict=True)]
        return sorted(rooms, key=lambda r: int(r.id))

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
        response = await self._call("POST", "services/room", call, data={"room": _json(payload)})
        saved = omj.unwrap_object(self._answer(response, call), "roomDTO", call)
        room_id = omj.req_id(saved, call, "room")
        if not omj.as_bool(saved.get("isPublic", saved.get("public"))) and room_id not in self._remembered_rooms():
            await self._remember_rooms([*self._remembered_rooms(), room_id])
        return saved

    async def create_room(self, draft: RoomDraft) -> Room:
        options = {**_ROOM_DEFAULTS, **{k: v for k, v in draft.options.items() if v is not None}}
        dto = self._apply_room_options({"appointment": False}, draft.name, options)
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
        room, owner = omj.child(dto, "room"), omj.child(dto, "owner")
        owner_name = " ".join(p for p in (omj.text(owner.get("firstname")), omj.text(owner.get("lastname"))) if p)
        owner_text = omj.text(owner.get("login")) or owner_name
        room_name = omj.text(room.get("name"))
        self._appointments[meeting_id] = dto
        return Meeting(
            id=meeting_id, title=omj.text(dto.get("title")), start=start.astimezone(self._zone),
            end=end.astimezone(self._zone), kind=self.kind, room_id=omj.text(room.get("id")),
            room_name=room_name, owner=owner_text, location=omj.text(dto.get("location")),
            description=omj.text(dto.get("description")), timezone=self._zone_name,
            options={"reminder": omj.text(dto.get("reminder")) or "NONE",
                     "password_protected": omj.as_bool(dto.get("passwordProtected")),
                     "new_room_type": omj.text(room.get("type")) or "CONFERENCE"},
            extra={"room": room_name, "owner": owner_text, "ical_id": omj.text(dto.get("icalId"))},
        )

    async def list_meetings(self, start: datetime, end: datetime) -> list[Meeting]:
        start, end = self._aware(start), self._aware(end)
        call = "the calendar"
        path = (f"services/calendar/{quote(omj.format_datetime(start, self._zone), safe='')}"
                f"/{quote(omj.format_datetime(end, self._zone), safe='')}")
        body = await self._get_json(path, call, right="ROOM")
        dtos = [] if body is None else omj.unwrap_list(body, "appointmentDTO", call)
        meetings = [self._meeting_from_dto(d, call) for d in dtos]
        return sorted(meetings, key=lambda m: m.start)

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
        if end <= start:
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
        response = await self._call("POST", "services/calendar", call, data={"appointment": _json(payload)},
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
        dtos = [] if body is None else omj.unwrap_list(body, "recordingDTO", call)
        return [self._recording_from_dto(d, call, room_id) for d in dtos]

    async def list_recordings(self, room_id: str | None = None) -> list[Recording]:
        if room_id is not None:
            return await self._room_recordings(self._id_path(room_id, "room"))
        ids = [omj.req_id(d, "the room list", "room") for d in await self._all_room_dtos()]
        per_room = await self._gather(self._room_recordings(i) for i in ids)
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
        response = await self._call("POST", "services/user/hash", call,
                                    data={"user": _json(user), "options": _json(options)})
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
        note = ("The link can be used again and again." if multiple
                else "The link admits one entry; OpenMeetings discards unused links after about 15 minutes.")
        return JoinLink(url=url, room_id=room_id, display_name=display_name,
                        role=Role.MODERATOR if request.moderator else Role.ATTENDEE, single_use=not multiple,
                        note=note)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
