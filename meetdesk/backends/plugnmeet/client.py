"""plugNmeet server API client (``POST <server>/auth/...`` with API-KEY + HASH-SIGNATURE).

The server answers application errors with HTTP 200 and ``"status": false`` (only authentication
failures are 401), sends 64-bit numbers as strings, ``is_running`` as 0/1 and room metadata as a
JSON string; this module turns all of that into the project's models and errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

import httpx

from meetdesk.backends.base import Capability, Column, Provider, secret_spec
from meetdesk.backends.http import IDEMPOTENT_EXTENSION, build_client, json_body, translate_errors
from meetdesk.backends.plugnmeet.errors import auth_error, status_error
from meetdesk.backends.plugnmeet.options import (
    JOIN_FIELDS,
    ROOM_FIELDS,
    create_room_request,
    derive_room_id,
    derive_user_id,
    lock_settings_from_options,
    options_from_metadata,
    options_not_applied,
    preferred_language,
    shared_options,
    validate_room_id,
)
from meetdesk.backends.plugnmeet.wire import (
    Shape,
    as_dict,
    as_list,
    decode_jwt_claims,
    encode_body,
    epoch,
    int_of,
    json_object,
    participant_from_info,
    recording_from_info,
    rfc3339,
    sign,
    text_of,
    token_expiry,
    yes_no,
)
from meetdesk.backends.rows import parse_rows
from meetdesk.domain.errors import (
    AnswerLostError,
    MeetdeskError,
    NotFoundError,
    ProtocolError,
    ServerError,
    UnreachableError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.models import LinkPolicy, Room, ServerInfo
from meetdesk.domain.values import validate_url

if TYPE_CHECKING:
    from meetdesk.domain.drafts import RoomDraft
    from meetdesk.domain.joining import JoinLink, JoinRequest
    from meetdesk.domain.recordings import Recording

__all__ = ["PlugNmeetProvider", "decode_jwt_claims", "derive_room_id", "derive_user_id", "encode_body", "sign"]

log = logging.getLogger("meetdesk.backends.plugnmeet")

#: pages of 100 (the server's maximum) — more than 20 pages is more history than a table can show
PAGE_SIZE = 100
MAX_PAGES = 20
#: how long a room this provider ended is shown as "ending…" while the server still lists it
ENDING_GRACE_S = 30.0

#: how long the room list read by connect() stands in for a list_rooms() call (connect is followed by a refresh)
FRESH_ROOMS_S = 2.0


class PlugNmeetProvider(Provider):
    kind: ClassVar[str] = "plugnmeet"
    display_name: ClassVar[str] = "plugNmeet"
    description: ClassVar[str] = "plugNmeet server: create, list and end rooms, recordings, designed join links."
    join_request_fields = frozenset({"user_id", "moderator", "hidden", "language", "avatar_url"})
    capabilities: ClassVar[Capability] = (
        Capability.LIST_ROOMS | Capability.CREATE_ROOM | Capability.END_ROOM | Capability.PAST_ROOMS
        | Capability.RECORDINGS | Capability.DELETE_RECORDING | Capability.RECORDING_DOWNLOAD
        | Capability.JOIN_LINK | Capability.CUSTOM_DESIGN
    )
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec("api_key", "API key", FieldKind.TEXT, required=True, placeholder="e.g. plugnmeet",
                  help="client.api_key from the server's config.yaml."),
        secret_spec("API secret", key="api_secret", help="client.secret from the server's config.yaml."),
        FieldSpec("client_url", "Client URL", FieldKind.URL, placeholder="e.g. https://example.org/conference/",
                  help="Only if the plugNmeet client is served somewhere else than the server address."),
    )
    url_label: ClassVar[str] = "Server URL"
    url_placeholder: ClassVar[str] = "https://plugnmeet.example.org"
    room_id_help: ClassVar[str] = ("Leave empty and meetdesk makes one from the name (e.g. weekly-team-call). "
                                   "Letters, digits, - and _.")
    room_fields: ClassVar[tuple[FieldSpec, ...]] = ROOM_FIELDS
    join_fields: ClassVar[tuple[FieldSpec, ...]] = JOIN_FIELDS
    # getJoinToken: exp = now + client.token_validity (10 min in the sample config), one join per token
    # [plugnmeet-protocol:auth/access_token.go GeneratePlugNmeetJWTAccessToken]
    link_policy: ClassVar[LinkPolicy] = LinkPolicy(
        lifetime=timedelta(minutes=10), single_use=True, per_person=True, role_bearing=True,
        made_at_join_time=True,
        summary="plugNmeet links are made at join time: each works once and only for about 10 minutes, so "
                "invitations carry the meeting time and meetdesk makes fresh personal links at the reminder.")
    room_columns: ClassVar[tuple[Column, ...]] = (
        Column("room_id", "Room ID"),
        Column("recording", "Recording"),
        Column("waiting_room", "Waiting room"),
        Column("breakout_of", "Breakout of"),
        Column("ended", "Ended"),
    )

    _client: httpx.AsyncClient | None = None
    #: the room list connect() just read (monotonic time, answer): the refresh after it uses it
    _fresh_rooms: tuple[float, dict[str, Any]] | None = None
    #: rooms this provider ended → when (monotonic); shown as "ending…" while the server still lists them
    _ending: dict[str, float]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ending = {}

    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        base = super().normalize_base_url(url)
        # people paste the API address they saw in the docs
        return base[: -len("/auth")] if base.endswith("/auth") else base

    # transport -------------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = build_client(self.profile, secrets=[self._secret], logger=log)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    @property
    def _server(self) -> str:
        return self.profile.name or self.profile.base_url

    def _api_key(self) -> str:
        key = (self.profile.fields.get("api_key") or "").strip()
        if not key:
            raise ValidationError("The profile has no API key.", field="api_key",
                                  hint="Enter client.api_key from the server's config.yaml.")
        if not key.isascii() or not key.isprintable():
            # it travels in an HTTP header, which carries ASCII only
            raise ValidationError("The API key may only contain plain ASCII letters, digits and punctuation.",
                                  field="api_key", hint="Copy client.api_key from the server's config.yaml again.")
        return key

    async def request(self, path: str, payload: Mapping[str, Any], *, idempotent: bool = False) -> dict[str, Any]:
        """POST ``payload`` to ``/auth/<path>``, signed; return the JSON object of a ``status: true`` answer.

        Raises the project's errors for every failure (transport, 401, ``status: false``, bad shapes).
        """
        body = encode_body(payload)
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "API-KEY": self._api_key(),
            "HASH-SIGNATURE": sign(body, self._secret),
        }
        extensions = {IDEMPOTENT_EXTENSION: True} if idempotent else None
        async with translate_errors(self._server, path):
            response = await self._http().post(f"auth/{path}", content=body, headers=headers,
                                               extensions=extensions)
        return self._answer(response, path, payload)

    def _answer(self, response: httpx.Response, path: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        status = response.status_code
        if status == 401:
            raise auth_error(self._server, response, path)
        if status == 404:
            raise ProtocolError(
                f"{self._server} does not look like a plugNmeet server: it has no API at /auth/{path}.",
                detail=f"HTTP 404 for {path}",
                hint="Check the server URL: it is the address the plugNmeet server answers on, without /auth.",
            )
        if status in (502, 503, 504):
            raise UnreachableError(f"{self._server} is not available right now.", detail=f"HTTP {status} ({path})",
                                   hint="Try again in a minute; the server or its proxy may be restarting.")
        if status >= 500:
            raise ServerError(f"{self._server} failed while handling {path}.", detail=f"HTTP {status}")
        if status != 200:
            raise ProtocolError(f"{self._server} answered {path} with an unexpected HTTP status {status}.",
                                detail=f"HTTP {status}")
        body = json_body(response, path)
        if not isinstance(body, dict) or not isinstance(body.get("status"), bool):
            raise ProtocolError(f"The server's answer to {path} is not a plugNmeet response.",
                                detail=f"{type(body).__name__} without a boolean status")
        if not body["status"]:
            raise status_error(self._server, path, body, payload)
        return body

    @contextlib.contextmanager
    def _reading(self, call: str) -> Iterator[None]:
        try:
            yield
        except (Shape, KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ProtocolError(f"meetdesk could not read {self._server}'s answer to {call}.",
                                detail=f"{call}: {exc}") from None
        except (RecursionError, OverflowError, ArithmeticError) as exc:  # nested too deeply, dates out of range
            raise ProtocolError(f"meetdesk could not read {self._server}'s answer to {call}.",
                                detail=f"{call}: {type(exc).__name__}") from None

    # lifecycle -------------------------------------------------------------------------------
    async def connect(self) -> ServerInfo:
        self._api_key()
        self._client_root()  # a bad client URL is reported now, not when the first link is made
        active = 0
        try:
            body = await self.request("room/getActiveRoomsInfo", {}, idempotent=True)
            with self._reading("room/getActiveRoomsInfo"):
                active = len(as_list(body.get("rooms"), "rooms"))
            # the list of rooms that follows a connect reads this answer instead of asking again
            self._fresh_rooms = (time.monotonic(), body)
        except NotFoundError:
            active = 0  # "no active room found" still proves the credentials
        return ServerInfo(product="plugNmeet", version="", extra={"active_rooms": active})

    # rooms -----------------------------------------------------------------------------------
    async def list_rooms(self) -> list[Room]:
        fresh, self._fresh_rooms = self._fresh_rooms, None
        if fresh is not None and time.monotonic() - fresh[0] < FRESH_ROOMS_S:
            body = fresh[1]
        else:
            try:
                body = await self.request("room/getActiveRoomsInfo", {}, idempotent=True)
            except NotFoundError:
                return []
        with self._reading("room/getActiveRoomsInfo"):
            items = as_list(body.get("rooms"), "rooms")
        rooms = await parse_rows(items, lambda item: self._active_room(as_dict(item, "rooms[]")),
                                 server=self._server, call="room/getActiveRoomsInfo", what="room")
        now = time.monotonic()
        self._ending = {r: t for r, t in self._ending.items() if now - t < ENDING_GRACE_S}
        return [dataclasses.replace(r, status="ending…", running=False) if r.id in self._ending else r
                for r in rooms]

    async def get_room(self, room_id: str) -> Room:
        try:
            body = await self.request("room/getActiveRoomInfo", {"room_id": room_id}, idempotent=True)
        except NotFoundError as exc:
            raise NotFoundError(f"The room “{room_id}” is not running on {self._server}.", detail=exc.detail,
                                hint="Create or start the room first.") from None
        with self._reading("room/getActiveRoomInfo"):
            return self._active_room(as_dict(body.get("room"), "room"))

    async def room_state(self, room_id: str) -> str:
        """"active", "ending" (ended, being cleaned up), "ended" (in the past-room list) or "unknown".

        ``isRoomActive`` says "room is not active" only while an ended room is cleaned up and "room not found"
        afterwards, as for a room that never existed (pkg/models/room_info.go reads the NATS status, which
        the cleanup deletes), so an ended room is told apart by the past-room list.
        """
        body = await self.request("room/isRoomActive", {"room_id": room_id}, idempotent=True)
        with self._reading("room/isRoomActive"):
            if body.get("is_active") is True:
                return "active"
            if str(body.get("status_code", "")) == "ROOM_NOT_ACTIVE":
                return "ending"
        try:
            past = await self.request("room/fetchPastRooms", {"room_ids": [room_id], "limit": 1},
                                      idempotent=True)
        except NotFoundError:
            return "unknown"
        with self._reading("room/fetchPastRooms"):
            total = int_of(as_dict(past.get("result"), "result"), "total_rooms")
        return "ended" if total else "unknown"

    def _active_room(self, item: Mapping[str, Any]) -> Room:
        info = as_dict(item.get("room_info"), "room_info")
        room_id = text_of(info, "room_id", required=True)
        metadata = json_object(text_of(info, "metadata"))
        participants = tuple(
            participant_from_info(as_dict(p, "participants_info[]"))
            for p in as_list(item.get("participants_info"), "participants_info")
        )
        visible = [p for p in participants if not p.extra.get("hidden")]
        count = int_of(info, "joined_participants")
        features = metadata.get("room_features")
        waiting = features.get("waiting_room_features") if isinstance(features, dict) else None
        return Room(
            id=room_id,
            name=text_of(info, "room_title") or str(metadata.get("room_title") or room_id),
            kind=self.kind,
            status="running" if int_of(info, "is_running") else "starting",
            running=bool(int_of(info, "is_running")),
            participant_count=count if count is not None else len(visible),
            created=epoch(int_of(info, "creation_time")),
            participants=participants,
            options=shared_options(options_from_metadata(metadata)),
            extra={
                "room_id": room_id,
                "sid": text_of(info, "sid"),
                "recording": yes_no(int_of(info, "is_recording")),
                "rtmp": yes_no(int_of(info, "is_active_rtmp")),
                "waiting_room": "on" if isinstance(waiting, dict) and waiting.get("is_active") else "",
                "breakout_of": text_of(info, "parent_room_id") if int_of(info, "is_breakout_room") else "",
                "ended": "",
            },
        )

    async def list_past_rooms(self) -> list[Room]:
        """Rooms that ended. The server's list holds running rooms too (see ``_past_room``); they are left
        out here because the active-room list already shows them, with their participants."""
        items = await self._paged("room/fetchPastRooms", {"room_ids": []}, "rooms_list", "total_rooms")
        rows = await parse_rows(items, lambda item: self._past_room(as_dict(item, "rooms_list[]")),
                                server=self._server, call="room/fetchPastRooms", what="past room")
        return [room for room in rows if room is not None]

    def _past_room(self, info: Mapping[str, Any]) -> Room | None:
        """One row of ``fetchPastRooms``, or None for a room that has not ended.

        plugNmeet-server's ``GetPastRooms`` (``pkg/services/db/room_info.go``) filters with the GORM struct
        condition ``&RoomInfo{IsRunning: 0}``; GORM drops zero-valued fields from struct conditions, so
        running rooms come back too, with ``ended`` = Go's zero time ``0001-01-01T00:00:00Z``.
        """
        room_id = text_of(info, "room_id", required=True)
        created = rfc3339(text_of(info, "created"))
        ended = rfc3339(text_of(info, "ended", required=True))
        if ended is None or ended.year <= 1:
            return None
        return Room(
            id=room_id,
            name=text_of(info, "room_title") or room_id,
            kind=self.kind,
            status="ended",
            running=False,
            participant_count=int_of(info, "joined_participants"),
            created=created,
            past=True,
            extra={
                "room_id": room_id,
                "sid": text_of(info, "room_sid"),
                "recording": "",
                "waiting_room": "",
                "breakout_of": "",
                "ended": ended.astimezone().strftime("%Y-%m-%d %H:%M") if ended else "",
                "ended_at": ended,
            },
        )

    async def _paged(self, path: str, query: Mapping[str, Any], list_key: str, total_key: str) -> list[Any]:
        """Every item of a ``from``/``limit`` paged fetch; "nothing found" is an empty list. The first page says
        how many there are (plugNmeet-server ``pkg/services/db/room_info.go`` counts every matching row before
        paging): the other pages are then asked for at once — two round trips, not one per page."""

        async def page(number: int) -> tuple[list[Any], int | None]:
            try:
                body = await self.request(path, {**query, "from": number * PAGE_SIZE, "limit": PAGE_SIZE,
                                                 "order_by": "DESC"}, idempotent=True)
            except NotFoundError:
                return [], 0  # the server says "no … found" for an empty (or past-the-end) page
            with self._reading(path):
                result = as_dict(body.get("result"), "result")
                return as_list(result.get(list_key), list_key), int_of(result, total_key)

        items, total = await page(0)
        number = 1
        while len(items) == number * PAGE_SIZE and number < MAX_PAGES and (total is None or len(items) < total):
            # every page left at once when the total is known, else (a server that does not say) one by one
            last = min(MAX_PAGES, -(-total // PAGE_SIZE)) if total is not None else number + 1
            for chunk, _total in await asyncio.gather(*(page(n) for n in range(number, last))):
                items.extend(chunk)
            number = last
        if len(items) >= MAX_PAGES * PAGE_SIZE and (total is None or total > len(items)):
            log.info("%s: stopped after %d pages", path, MAX_PAGES)
        return items

    async def create_room(self, draft: RoomDraft) -> Room:
        title = draft.name.strip()
        if not title:
            raise ValidationError("The room needs a title.", field="name")
        room_id = validate_room_id(draft.room_id) if draft.room_id and draft.room_id.strip() \
            else derive_room_id(title)
        options = parse_options(self.room_fields, draft.options)
        body = await self.request("room/create", create_room_request(room_id, title, options))
        self._ending.pop(room_id, None)  # a room made again after its end is a new session
        with self._reading("room/create"):
            room = self._active_room({"room_info": as_dict(body.get("room_info"), "room_info"),
                                      "participants_info": []})
        missed = options_not_applied(options, room.options)
        if missed:
            # server ≥ 2.3 merges features onto its defaults and drops a plain `false`
            log.warning("room %s: the server did not apply %s", room_id, ", ".join(missed))
            labels = {spec.key: spec.label for spec in self.room_fields}
            readable = ", ".join(f"“{labels.get(key, key)}”" for key in missed)
            room = dataclasses.replace(room, extra={**room.extra, "not_applied": readable})
        return room

    async def end_room(self, room_id: str) -> None:
        """End a room. The server answers first and ends it afterwards (up to ~10 s while participants are
        removed, pkg/models/room_end.go), so a refresh right after may still list it: shown as "ending…"."""
        try:
            await self.request("room/endRoom", {"room_id": room_id})
        except AnswerLostError as lost:  # ask whether it happened; an ended room lingers while it is cleaned up
            try:
                state = await self.room_state(room_id)
            except MeetdeskError:
                raise lost from None
            if state == "active":
                raise
            log.info("room %s: the answer to endRoom was lost, but the room is %s", room_id, state)
        except NotFoundError as exc:
            raise NotFoundError(f"The room “{room_id}” is not running on {self._server}, so it cannot be ended.",
                                detail=exc.detail, hint="It may have ended already; refresh the list.") from None
        self._ending[room_id] = time.monotonic()

    # recordings ------------------------------------------------------------------------------
    async def list_recordings(self, room_id: str | None = None) -> list[Recording]:
        query = {"room_ids": [room_id] if room_id else []}
        items = await self._paged("recording/fetch", query, "recordings_list", "total_recordings")
        return await parse_rows(items, lambda item: recording_from_info(as_dict(item, "recordings_list[]")),
                                server=self._server, call="recording/fetch", what="recording")

    async def delete_recording(self, recording_id: str) -> None:
        try:
            await self.request("recording/delete", {"record_id": recording_id})
        except NotFoundError as exc:
            raise NotFoundError(f"There is no recording “{recording_id}” on {self._server}.",
                                detail=exc.detail, hint="It may have been deleted already; refresh the list.") from None

    async def recording_download_url(self, recording_id: str) -> str:
        try:
            body = await self.request("recording/getDownloadToken", {"record_id": recording_id})
        except NotFoundError as exc:
            raise NotFoundError(f"There is no recording “{recording_id}” on {self._server}.",
                                detail=exc.detail) from None
        with self._reading("recording/getDownloadToken"):
            token = text_of(body, "token", required=True)
        return f"{self.profile.base_url.rstrip('/')}/download/recording/{quote(token, safe='')}"

    # join links ------------------------------------------------------------------------------
    async def join_link(self, request: JoinRequest) -> JoinLink:
        # imported here: listing rooms (every CLI call, every refresh) needs neither
        from meetdesk.domain.design import encode_custom_design
        from meetdesk.domain.joining import JoinLink, Role

        name = request.display_name.strip()
        if not name:
            raise ValidationError("Enter the participant's name.", field="display_name")
        room_id = request.room_id.strip()
        if not room_id:
            raise ValidationError("Choose the room to join.", field="room_id")
        options = parse_options(self.join_fields, request.options)
        # check the design before asking for a (short-lived) token
        design = encode_custom_design(request.design) if request.design else ""
        client_root = self._client_root()
        metadata: dict[str, Any] = {}
        if request.avatar_url.strip():
            metadata["profile_pic"] = validate_url(request.avatar_url, field="avatar_url", label="Avatar URL")
        language = preferred_language(options, request.language)
        if language:
            metadata["preferred_lang"] = language
        if options.get("record_webcam") is not None:
            metadata["record_webcam"] = bool(options["record_webcam"])
        locks = lock_settings_from_options(options)
        if locks:
            metadata["lock_settings"] = locks
        user_info: dict[str, Any] = {
            "name": name,
            "user_id": request.user_id.strip() or derive_user_id(name),
            "is_admin": request.moderator,
            "is_hidden": request.hidden,
            "user_metadata": metadata,
        }
        try:
            body = await self.request("room/getJoinToken", {"room_id": room_id, "user_info": user_info})
        except NotFoundError as exc:
            raise await self._not_joinable(room_id, exc) from None
        with self._reading("room/getJoinToken"):
            token = text_of(body, "token", required=True)
            if not token:
                raise Shape("token is empty")
        url = f"{client_root}?access_token={quote(token, safe='')}"
        if design:
            url += f"&custom_design={design}"
        expires = token_expiry(decode_jwt_claims(token).get("exp"))
        role = Role.MODERATOR if request.moderator else Role.ATTENDEE
        note = "The link works for one join"
        if expires:
            note += f" and must be opened before {expires.astimezone().strftime('%H:%M')}"
        return JoinLink(url=url, room_id=room_id, display_name=name, role=role, expires_at=expires,
                        single_use=True, note=note + ".")

    async def _not_joinable(self, room_id: str, original: NotFoundError) -> NotFoundError:
        try:
            state = await self.room_state(room_id)
        except MeetdeskError:
            state = "unknown"
        what = {"ended": "has ended", "ending": "is ending"}.get(state, "is not running")
        return NotFoundError(f"The room “{room_id}” {what} on {self._server}, so nobody can join it now.",
                             detail=original.detail,
                             hint="Create or start the room first, then make the link again.")

    def _client_root(self) -> str:
        client_url = (self.profile.fields.get("client_url") or "").strip()
        root = validate_url(client_url, field="client_url", label="Client URL") if client_url \
            else self.profile.base_url
        return root.rstrip("/") + "/"

