"""Apache OpenMeetings 2.x–3.0 through its legacy Axis2 web services (XML over GET).

The flow is the one the OpenMeetings SOAP tutorials describe: ``UserService/getSession`` hands out a
session id, ``UserService/loginUser`` binds it to an account (1 = success, negative = error code),
``RoomService/addRoomWithModerationQuestionsAndAudioType`` creates a room and
``UserService/setUserObjectAndGenerateRoomHash`` issues a single-use secure hash for the entry URL
``<web root>/?secureHash=…&scopeRoomId=…&language=…``.

The legacy API cannot list rooms, so the rooms created from meetdesk are remembered in the profile
(``profile.data["rooms"]``) and listed from there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote, quote_plus, urlencode, urlsplit, urlunsplit
from xml.etree.ElementTree import Element

import httpx

from meetdesk.backends.base import Capability, Column, PersistHook, Provider, secret_spec
from meetdesk.backends.http import build_client, translate_errors
from meetdesk.backends.openmeetings_axis.vocabulary import (
    ADD_ROOM,
    HASH_LIFETIME,
    INVALID_SESSION,
    LANGUAGES,
    NO_PERMISSION,
    NOT_ACTIVATED,
    OTHER_BACKEND_HINT,
    RIGHTS_HINT,
    ROOM_HASH,
    ROOM_SERVICE,
    ROOM_TYPE_SHORT,
    ROOM_TYPES,
    UNKNOWN_ERROR,
    USER_NOT_FOUND,
    USER_SERVICE,
    WRONG_PASSWORD,
    bool_param,
    language_id,
    split_name,
    yes_no,
)
from meetdesk.backends.openmeetings_axis.wire import child_text, fault_text, parse_document, response_return
from meetdesk.backends.rows import parse_rows
from meetdesk.domain.errors import (
    AuthenticationError,
    ConfigError,
    MeetdeskError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.models import JoinLink, JoinRequest, LinkPolicy, Profile, Role, Room, RoomDraft, ServerInfo

log = logging.getLogger("meetdesk.backends.openmeetings_axis")


class OpenMeetingsAxisProvider(Provider):
    kind: ClassVar[str] = "openmeetings-axis"
    display_name: ClassVar[str] = "OpenMeetings 2.x–3.0 (legacy)"
    description: ClassVar[str] = (
        "Apache OpenMeetings 2.x and 3.0 through the legacy Axis2 web services: create rooms and compose "
        "single-use join links. The server cannot list rooms, so meetdesk lists the rooms created here."
    )
    join_request_fields = frozenset({"user_id", "moderator", "email", "language", "avatar_url"})
    capabilities: ClassVar[Capability] = (
        Capability.CREATE_ROOM | Capability.JOIN_LINK | Capability.LIST_ROOMS | Capability.LOCAL_ROOM_LIST
    )
    url_label: ClassVar[str] = "OpenMeetings address"
    url_placeholder: ClassVar[str] = "http://om.example.org:5080/openmeetings"
    link_policy: ClassVar[LinkPolicy] = LinkPolicy(
        lifetime=HASH_LIFETIME, single_use=True, per_person=True, role_bearing=True, made_at_join_time=True,
        summary="OpenMeetings 2.x/3.0 links admit one person once and die with their server session (about 30 "
                "minutes): meetdesk makes them at join time.")
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(
            key="user", label="User name", required=True, placeholder="admin",
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

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        super().__init__(profile, secret, persist=persist)
        self._client: httpx.AsyncClient | None = None
        self._no_retry_client: httpx.AsyncClient | None = None
        self._sid: str | None = None
        self._login_lock = asyncio.Lock()

    # url ---------------------------------------------------------------------------------------
    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        """The OpenMeetings web root: ``http://host:5080`` → ``http://host:5080/openmeetings``.

        A pasted service or entry URL (``…/openmeetings/services/UserService``, ``…/?secureHash=…``) is
        cut back to the web root.
        """
        text = url.strip()
        parts = urlsplit(text)
        if not parts.scheme or not parts.netloc:
            return text.rstrip("/")
        path = parts.path.rstrip("/")
        if "/services/" in f"{path}/":
            path = path[: f"{path}/".index("/services/")]
        if not path:
            path = "/openmeetings"
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    @property
    def _base_url(self) -> str:
        return self.normalize_base_url(self.profile.base_url)

    @property
    def _server(self) -> str:
        return self.profile.name or urlsplit(self._base_url).netloc or "the OpenMeetings server"

    @property
    def _user(self) -> str:
        return str(self.profile.fields.get("user", "")).strip()

    # http --------------------------------------------------------------------------------------
    def _http(self, *, retry: bool = True) -> httpx.AsyncClient:
        # The password travels in the query string (the API wants it so); every spelling of it that a
        # logged URL can contain is registered for redaction.
        secrets = [self._secret, quote(self._secret, safe=""), quote_plus(self._secret),
                   quote_plus(self._secret, safe="*")]
        if retry:
            if self._client is None:
                self._client = build_client(self.profile, secrets=secrets, logger=log, base_url=self._base_url)
            return self._client
        # Room creation is a GET that is not idempotent: a blind retry after a dropped answer could
        # create the room twice, so it goes through a client without retries.
        if self._no_retry_client is None:
            self._no_retry_client = build_client(self.profile, secrets=secrets, logger=log,
                                                 base_url=self._base_url, retries=0)
        return self._no_retry_client

    async def _get(self, service: str, method: str, params: Mapping[str, str], *,
                   retry: bool = True) -> Element | None:
        call = f"{service}/{method}"
        client = self._http(retry=retry)
        async with translate_errors(self._server, call):
            response = await client.get(f"services/{service}/{method}", params=dict(params))
        return self._read(response, method, call)

    def _read(self, response: httpx.Response, method: str, call: str) -> Element | None:
        status = response.status_code
        if status in (401, 403):
            raise AuthenticationError(
                f"The web server in front of {self._server} refused access (HTTP {status}).",
                detail=call, hint="Check the address; a proxy may require its own sign-in.",
            )
        if status == 404:
            raise ProtocolError(f"{self._server} does not offer the OpenMeetings 2.x/3.0 web services.",
                                detail=f"HTTP 404 for {call}", hint=OTHER_BACKEND_HINT)
        if 300 <= status < 400:
            raise ProtocolError(
                f"{self._server} redirected the request elsewhere.",
                detail=f"HTTP {status} to {response.headers.get('location', '?')} for {call}",
                hint="Enter the final address of the OpenMeetings web root in the profile (https:// if it redirects).",
            )
        content_type = response.headers.get("content-type", "").lower()
        if status == 200 and "html" in content_type:
            raise ProtocolError(f"{self._server} answered with a web page instead of the web-service answer.",
                                detail=call, hint=OTHER_BACKEND_HINT)
        if status >= 500 and ("html" in content_type or not response.content.lstrip().startswith(b"<")):
            raise ServerError(f"{self._server} reported an internal error (HTTP {status}).", detail=call,
                              hint="Try again later; if it persists, ask the OpenMeetings administrator.")
        root = parse_document(response.content, self._server, call)
        fault = fault_text(root)
        if fault is not None:
            if "endpoint reference" in fault.lower():
                raise ProtocolError(f"{self._server} does not know the legacy web-service call {call}.",
                                    detail=fault, hint=OTHER_BACKEND_HINT)
            raise ServerError(f"{self._server} reported an error: {fault or 'no reason given'}.", detail=call)
        if status != 200:
            raise ServerError(f"{self._server} answered with HTTP {status}.", detail=call)
        return response_return(root, method, self._server)

    def _long(self, returned: Element | None, call: str) -> int:
        text = (returned.text or "").strip() if returned is not None else ""
        try:
            return int(text)
        except ValueError:
            raise ProtocolError(f"{self._server} answered {call} without the expected number.",
                                detail=f"return {text[:40]!r}") from None

    # session -----------------------------------------------------------------------------------
    async def _session(self) -> str:
        async with self._login_lock:
            if self._sid is None:
                self._sid = await self._login()
            return self._sid

    def _forget_session(self, sid: str) -> None:
        if self._sid == sid:
            self._sid = None

    async def _login(self) -> str:
        user = self._user
        if not user:
            raise ValidationError("Enter the OpenMeetings user name in the profile.", field="user")
        if not self._secret:
            raise AuthenticationError(f"No password is stored for the profile {self.profile.name}.",
                                      hint="Edit the profile and enter the password of the OpenMeetings account.")
        call = f"{USER_SERVICE}/loginUser"
        for attempt in range(2):
            returned = await self._get(USER_SERVICE, "getSession", {})
            sid = child_text(returned, "session_id") if returned is not None else None
            if not sid:
                raise ProtocolError(f"{self._server} did not hand out a session id.",
                                    detail=f"{USER_SERVICE}/getSession", hint=OTHER_BACKEND_HINT)
            code = self._long(await self._get(USER_SERVICE, "loginUser",
                                              {"SID": sid, "username": user, "userpass": self._secret}), call)
            if code > 0:
                log.info("signed in to %s as %s", self._server, user)
                return sid
            if code == INVALID_SESSION and attempt == 0:
                continue  # the fresh session vanished before the login: fetch another one once
            raise await self._login_error(code, sid)
        raise AssertionError("unreachable")

    async def _login_error(self, code: int, sid: str) -> MeetdeskError:
        who = f"“{self._user}”"
        if code == USER_NOT_FOUND:
            return AuthenticationError(f"{self._server} has no OpenMeetings user {who}.",
                                       hint="Check the user name in the profile; the account's e-mail address "
                                            "works too.")
        if code == WRONG_PASSWORD:
            return AuthenticationError(f"{self._server} refused the password for {who}.",
                                       hint="Enter the password again in the profile; it is case-sensitive.")
        if code == NOT_ACTIVATED:
            return AuthenticationError(f"The OpenMeetings account {who} is not activated yet.",
                                       hint="Activate it with the link from the registration e-mail, or ask "
                                            "the OpenMeetings administrator.")
        if code == NO_PERMISSION:
            return PermissionDeniedError(f"The OpenMeetings account {who} lacks administrator rights.",
                                         hint=RIGHTS_HINT)
        if code == INVALID_SESSION:
            return ServerError(f"{self._server} did not keep the new session long enough to sign in.",
                               detail=f"loginUser returned {code}", hint="Try again in a moment.")
        if code == UNKNOWN_ERROR:
            return AuthenticationError(
                f"{self._server} could not sign in {who} (unknown error).",
                detail=f"loginUser returned {code}",
                hint="On OpenMeetings 2.x this usually means the account belongs to no organisation; "
                     "ask the OpenMeetings administrator.",
            )
        text = await self._error_text(code, sid)
        return AuthenticationError(f"{self._server} refused to sign in {who}: {text}",
                                   detail=f"loginUser returned {code}")

    async def _error_text(self, code: int, sid: str) -> str:
        """The server's own English text for an error code (UserService/getErrorByCode)."""
        fallback = f"error {code}."
        try:
            returned = await self._get(USER_SERVICE, "getErrorByCode",
                                       {"SID": sid, "errorid": str(code), "language_id": "1"})
        except MeetdeskError:
            return fallback
        message = child_text(returned, "errmessage") if returned is not None else None
        return f"{message.rstrip('.')} (error {code})." if message else fallback

    async def _authorised_call(self, service: str, method: str, params: Mapping[str, str], *,
                               session_suspects: frozenset[str], retry: bool = True) -> str | None:
        """Call a method needing a signed-in session; sign in again once if the answer hints at a lost one.

        The legacy server cannot tell an expired session from missing rights: both give the method's
        "no permission" code. So such a code triggers one fresh sign-in and a repeat; if the repeat
        fails the same way, the code is returned for the caller to report as missing rights.
        """
        for attempt in range(2):
            sid = await self._session()
            returned = await self._get(service, method, {"SID": sid, **params}, retry=retry)
            text = (returned.text or "").strip() if returned is not None else None
            if attempt == 0 and text in session_suspects:
                log.info("%s/%s answered %s; signing in again", service, method, text)
                self._forget_session(sid)
                continue
            return text
        return None  # pragma: no cover - the loop always returns on its second pass

    # lifecycle ---------------------------------------------------------------------------------
    async def connect(self) -> ServerInfo:
        self._sid = None
        await self._session()
        return ServerInfo(product="OpenMeetings (legacy API)", version="", user=self._user,
                          extra={"api": "Axis2 web services (OpenMeetings 2.x–3.0)"})

    async def aclose(self) -> None:
        self._sid = None
        for client in (self._client, self._no_retry_client):
            if client is not None:
                await client.aclose()
        self._client = self._no_retry_client = None

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
        records = self.profile.data.get("rooms") or []
        return await parse_rows(records if isinstance(records, list) else [records], self._room_from_record,
                                server=self.profile.name, call="the rooms meetdesk remembers", what="room")

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
