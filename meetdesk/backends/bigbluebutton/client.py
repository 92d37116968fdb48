"""BigBlueButton through its checksum-signed API (``https://host/bigbluebutton/api/<call>?…&checksum=…``).

Rooms are the meetings the server has in memory (``getMeetings``); a meeting exists from ``create`` until it
ends, so join links are signed ``join`` URLs that work while a meeting with that id exists. Links are handed
to the participant's browser and never opened by meetdesk: the server ties the session to the browser that
calls ``join`` (``ApiController.groovy`` ``hasValidSession``).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import secrets
import time
import unicodedata
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit
from xml.etree.ElementTree import Element

import httpx

from meetdesk.backends.base import Capability, Column, PersistHook, Provider
from meetdesk.backends.bigbluebutton import fields as F
from meetdesk.backends.bigbluebutton.checksum import ALGORITHMS, DEFAULT_ALGORITHM, signed_query
from meetdesk.backends.bigbluebutton.records import (
    RECORDING_STATES,
    meeting_room,
    meeting_rooms,
    recording_of,
    recordings_of,
)
from meetdesk.backends.bigbluebutton.wire import as_bool, check, parse, text
from meetdesk.backends.http import build_client, translate_errors
from meetdesk.domain.errors import (
    AuthenticationError,
    NotFoundError,
    ProtocolError,
    ServerError,
    ValidationError,
)
from meetdesk.domain.fields import FieldSpec, parse_options
from meetdesk.domain.models import (
    JoinLink,
    JoinRequest,
    LinkPolicy,
    Profile,
    Recording,
    Role,
    Room,
    RoomDraft,
    ServerInfo,
)
from meetdesk.domain.values import validate_design_url

log = logging.getLogger("meetdesk.backends.bigbluebutton")

#: how long the meeting list connect() read stands in for the room list asked for right after it
FRESH_MEETINGS_S = 2.0
_META_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")  # ParamsProcessorUtil.processMetaParam
_CONTROL = re.compile(r"[\x00-\x1f]")
LINK_NOTE = ("Works while a meeting with this id exists on the server, for as many visits as needed. "
             "Give it to the participant as it is: it must be opened in their browser.")


def derive_meeting_id(name: str) -> str:
    """A readable, unique meeting id from a name (letters, digits and hyphens, as the docs advise)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "meeting"
    return f"{slug}-{secrets.token_hex(3)}"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def metadata_params(raw: str) -> list[tuple[str, str]]:
    """``name=value`` lines → ``meta_name`` parameters (the server lowercases the names)."""
    out = []
    for number, line in enumerate(str(raw or "").splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not _META_NAME.fullmatch(name):
            raise ValidationError(f"Metadata line {number} must look like name=value, the name starting with a "
                                  "letter and holding only letters, digits and hyphens.", field="metadata")
        out.append((f"meta_{name.lower()}", value.strip()))
    return out


class BigBlueButtonProvider(Provider):
    kind: ClassVar[str] = "bigbluebutton"
    display_name: ClassVar[str] = "BigBlueButton"
    description: ClassVar[str] = (
        "BigBlueButton 2.4 and newer (older with meeting passwords): running meetings with their participants, "
        "create and end meetings, role-based join links with per-participant style sheets, recordings."
    )
    capabilities: ClassVar[Capability] = (
        Capability.LIST_ROOMS | Capability.CREATE_ROOM | Capability.END_ROOM | Capability.JOIN_LINK
        | Capability.CUSTOM_DESIGN | Capability.RECORDINGS | Capability.DELETE_RECORDING
        | Capability.RECORDING_DOWNLOAD | Capability.PUBLISH_RECORDING | Capability.UPDATE_RECORDING
    )
    url_label: ClassVar[str] = "BigBlueButton API address"
    url_placeholder: ClassVar[str] = "https://bbb.example.org/bigbluebutton/api"
    room_id_help: ClassVar[str] = ("The BigBlueButton meeting ID. Leave empty and meetdesk makes one from the name "
                                   "and a random suffix (e.g. weekly-team-call-3f9a1c).")
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = F.CONNECTION_FIELDS
    room_fields: ClassVar[tuple[FieldSpec, ...]] = F.ROOM_FIELDS
    join_fields: ClassVar[tuple[FieldSpec, ...]] = F.JOIN_FIELDS
    design_fields: ClassVar[tuple[FieldSpec, ...]] = F.DESIGN_FIELDS
    join_request_fields = frozenset({"user_id", "moderator", "avatar_url", "language"})
    recording_states: ClassVar[tuple[tuple[str, str], ...]] = RECORDING_STATES
    # a signed join URL carries no timestamp: it works whenever a meeting with its id exists and is not ended
    # (ApiController.groovy join); reusable, personal (userID), role-bearing
    link_policy: ClassVar[LinkPolicy] = LinkPolicy(
        lifetime=None, single_use=False, per_person=True, role_bearing=True, valid_window=False,
        made_at_join_time=False,
        summary="BigBlueButton links work while a meeting with their id exists on the server, as often as needed: "
                "send them ahead, and create the meeting shortly before it starts (an empty meeting ends after "
                "a few minutes).")
    room_columns: ClassVar[tuple[Column, ...]] = (
        Column("moderators", "Moderators"),
        Column("recording", "Recording"),
        Column("started", "Started"),
    )

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        # people paste the `bbb-conf --secret` line as it is
        cleaned = secret.strip()
        if cleaned.lower().startswith("secret:"):
            cleaned = cleaned[len("secret:"):].strip()
        super().__init__(profile, cleaned, persist=persist)
        self._client: httpx.AsyncClient | None = None
        self._fresh_meetings: tuple[float, Element] | None = None

    # address -----------------------------------------------------------------------------------
    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        """The API root ``https://host/bigbluebutton/api`` from what people paste: the bare host, the
        ``bbb-conf --secret`` line ``URL: https://host/bigbluebutton/``, or a whole API call URL."""
        text_in = url.strip()
        if text_in.lower().startswith("url:"):
            text_in = text_in[4:].strip()
        parts = urlsplit(text_in)
        if not parts.scheme or not parts.netloc:
            return text_in.rstrip("/")
        path = parts.path.rstrip("/")
        if "/api/" in f"{path}/":
            path = path[: f"{path}/".index("/api/")]
        elif not path:
            path = "/bigbluebutton"
        return urlunsplit((parts.scheme, parts.netloc, f"{path}/api", "", ""))

    @property
    def api_url(self) -> str:
        return self.normalize_base_url(self.profile.base_url)

    @property
    def _server(self) -> str:
        return self.profile.name or urlsplit(self.api_url).netloc or "the BigBlueButton server"

    @property
    def _algorithm(self) -> str:
        chosen = str(self.profile.fields.get("checksum_algorithm") or DEFAULT_ALGORITHM).strip().lower()
        if chosen not in ALGORITHMS:
            raise ValidationError(f"“{chosen}” is not a checksum algorithm BigBlueButton knows; choose one of "
                                  f"{', '.join(ALGORITHMS)}.", field="checksum_algorithm")
        return chosen

    @property
    def _passwords(self) -> bool:
        return str(self.profile.fields.get("join_with_passwords", "")).strip().lower() in {"1", "true", "yes", "on"}

    # http --------------------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = build_client(self.profile, secrets=[self._secret], logger=log, base_url=self.api_url)
        return self._client

    def signed_url(self, call: str, params: list[tuple[str, str]]) -> str:
        if not self._secret:
            raise AuthenticationError(f"No shared secret is stored for the profile {self.profile.name}.",
                                      hint="Edit the profile and enter the secret `bbb-conf --secret` prints.")
        return f"{self.api_url}/{call}?{signed_query(call, params, self._secret, self._algorithm)}"

    async def _get(self, url: str, call: str) -> Element:
        async with translate_errors(self._server, call):
            response = await self._http().get(url)
        status = response.status_code
        if status in (401, 403):
            raise AuthenticationError(f"The web server in front of {self._server} refused access (HTTP {status}).",
                                      detail=call, hint="A proxy may require its own sign-in.")
        if status == 404:
            raise ProtocolError(f"{self._server} has no BigBlueButton API at this address.",
                                detail=f"HTTP 404 ({call})", hint="The address usually ends in /bigbluebutton/api.")
        if 300 <= status < 400:
            raise ProtocolError(f"{self._server} redirected the request elsewhere.",
                                detail=f"HTTP {status} ({call})", hint="Enter the final https:// address.")
        if status >= 500:
            raise ServerError(f"{self._server} reported an internal error (HTTP {status}).", detail=call,
                              hint="Try again later; if it persists, ask the server's administrator.")
        return parse(response.content, self._server, call)

    async def call(self, call: str, params: list[tuple[str, str]], *, target: str = "",
                   noun: str = "meeting") -> Element:
        self._fresh_meetings = None  # any other call may change the list connect() read
        root = await self._get(self.signed_url(call, params), call)
        return check(root, self._server, call, target, noun)

    # lifecycle ---------------------------------------------------------------------------------
    async def connect(self) -> ServerInfo:
        root = check(await self._get(self.api_url, "api"), self._server, "api")
        meetings = await self.call("getMeetings", [])  # proves the secret and the algorithm
        # the room list that follows a connect (the window's refresh, ``meetdesk rooms``) reads this answer
        self._fresh_meetings = (time.monotonic(), meetings)
        version = text(root, "bbbVersion") or text(root, "version")
        return ServerInfo(product="BigBlueButton", version=version,
                          extra={"api_version": text(root, "apiVersion") or text(root, "version"),
                                 "checksum": self._algorithm})

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # rooms -------------------------------------------------------------------------------------
    async def list_rooms(self) -> list[Room]:
        fresh, self._fresh_meetings = self._fresh_meetings, None
        if fresh is not None and time.monotonic() - fresh[0] < FRESH_MEETINGS_S:
            root = fresh[1]
        else:
            root = await self.call("getMeetings", [])
        meetings = root.find("meetings")
        if meetings is None:
            raise ProtocolError(f"{self._server} answered getMeetings without a meeting list.")
        rooms = await meeting_rooms(meetings.findall("meeting"), self.kind, self._server)
        # an ended meeting lingers in the server's memory for a while; it can no longer be joined or ended
        return [room for room in rooms if room.status != "ended"]

    async def get_room(self, room_id: str) -> Room:
        return meeting_room(await self._meeting_info(room_id), self.kind)

    def _create_params(self, name: str, meeting_id: str, options: dict[str, Any]) -> list[tuple[str, str]]:
        params = [("name", name), ("meetingID", meeting_id)]
        for key, value in options.items():
            param = F.CREATE_PARAMS.get(key)
            if param is None or value is None or value == "":
                continue
            params.append((param, _bool(value) if isinstance(value, bool) else str(value)))
        params += metadata_params(options.get("metadata", ""))
        params.append(("meta_bbb-origin", "meetdesk"))
        return params

    async def create_room(self, draft: RoomDraft) -> Room:
        name = _CONTROL.sub("", draft.name).strip()
        if not 2 <= len(name) <= 256:
            raise ValidationError("The meeting name must be 2 to 256 characters long.", field="name")
        meeting_id = _CONTROL.sub("", draft.room_id or "").strip() or derive_meeting_id(name)
        if not 2 <= len(meeting_id) <= 256 or "," in meeting_id:
            raise ValidationError("A meeting id must be 2 to 256 characters long and contain no comma.",
                                  field="room_id")
        options = parse_options(self.room_fields, dict(draft.options))
        root = await self.call("create", self._create_params(name, meeting_id, options), target=meeting_id)
        room = await self.get_room(meeting_id)
        if text(root, "messageKey") == "duplicateWarning":
            given = [spec.label for spec in self.room_fields if options.get(spec.key) not in (None, "", False, 0)]
            log.info("create %s: the meeting already existed; its settings stay", meeting_id)
            if room.name != name:
                given.insert(0, "Name")
            if given:
                readable = ", ".join(f"“{label}”" for label in given)
                room = dataclasses.replace(room, extra={**room.extra, "not_applied": readable})
        return room

    async def _meeting_info(self, room_id: str) -> Element:
        return await self.call("getMeetingInfo", [("meetingID", room_id)], target=room_id)

    async def end_room(self, room_id: str) -> None:
        params = [("meetingID", room_id)]
        if self._passwords:  # servers before 2.4 want the moderator password
            params.append(("password", text(await self._meeting_info(room_id), "moderatorPW")))
        await self.call("end", params, target=room_id)

    # join links --------------------------------------------------------------------------------
    def _design_params(self, design: dict[str, str]) -> list[tuple[str, str]]:
        values = parse_options(self.design_fields, dict(design))
        css = str(values.get(F.STYLE_INLINE) or "").strip()
        if len(css) > F.MAX_INLINE_CSS:
            raise ValidationError(f"The inline CSS is {len(css)} characters long; links carry at most "
                                  f"{F.MAX_INLINE_CSS}. Put it in a style sheet and give its URL instead.",
                                  field=F.STYLE_INLINE)
        out = []
        if values.get(F.STYLE_URL):  # the client writes it into <link rel="stylesheet" href=…>
            out.append((F.STYLE_URL, validate_design_url(str(values[F.STYLE_URL]), field=F.STYLE_URL,
                                                         label="Style sheet URL")))
        if css:
            out.append((F.STYLE_INLINE, css))
        return out

    async def join_link(self, request: JoinRequest) -> JoinLink:
        room_id = request.room_id.strip()
        name = _CONTROL.sub("", request.display_name).strip()
        if not room_id:
            raise ValidationError("Choose the meeting to join.", field="room_id")
        if not name:
            raise ValidationError("Enter the participant's name.", field="display_name")
        options = parse_options(self.join_fields, dict(request.options))
        design = self._design_params(dict(request.design))
        params = [("fullName", name), ("meetingID", room_id)]
        # meeting passwords stay out of Room.extra (they are join credentials on old servers)
        meeting = await self._meeting_info(room_id) if self._passwords or options.get("bind_to_meeting") else None
        if self._passwords and meeting is not None:
            params.append(("password", text(meeting, "moderatorPW" if request.moderator else "attendeePW")))
        else:
            params.append(("role", "MODERATOR" if request.moderator else "VIEWER"))
        if request.user_id.strip():
            params.append(("userID", request.user_id.strip()))
        if request.avatar_url.strip():
            params.append(("avatarURL", request.avatar_url.strip()))
        if meeting is not None and options.get("bind_to_meeting"):
            params.append(("createTime", text(meeting, "createTime")))
        if options.get("guest"):
            params.append(("guest", "true"))
        if request.language.strip():
            params.append(("userdata-bbb_override_default_locale", request.language.strip()))
        params += [(param, "true") for key, param in F.JOIN_USERDATA.items() if options.get(key)]
        params += design
        bound = meeting is not None and options.get("bind_to_meeting")
        return JoinLink(
            url=self.signed_url("join", params), room_id=room_id, display_name=name,
            role=Role.MODERATOR if request.moderator else Role.ATTENDEE, expires_at=None,
            note=("Works until this meeting ends; a meeting created again with the same id needs a new link. "
                  "It must be opened in the participant's browser.") if bound else LINK_NOTE,
        )

    # recordings --------------------------------------------------------------------------------
    async def list_recordings(self, room_id: str | None = None) -> list[Recording]:
        return await self.list_recordings_in(room_id, frozenset())

    async def list_recordings_in(self, room_id: str | None, states: frozenset[str]) -> list[Recording]:
        known = {value for value, _ in RECORDING_STATES}
        unknown = sorted(states - known - {"any"})
        if unknown:
            raise ValidationError(f"Unknown recording state “{unknown[0]}”; use {', '.join(sorted(known))} or any.",
                                  field="state")
        params = [("meetingID", room_id)] if room_id else []
        if states:
            params.append(("state", ",".join(sorted(states))))
        root = await self.call("getRecordings", params, target=room_id or "")
        node = root.find("recordings")
        if node is None:
            raise ProtocolError(f"{self._server} answered getRecordings without a recording list.")
        return await recordings_of(node.findall("recording"), self._server)

    async def _recording(self, recording_id: str) -> Recording:
        root = await self.call("getRecordings", [("recordID", recording_id), ("state", "any")],
                               target=recording_id, noun="recording")
        for element in root.findall("recordings/recording"):
            if text(element, "recordID") == recording_id:
                return recording_of(element)
        raise NotFoundError(f"There is no recording “{recording_id}” on {self._server}.")

    async def delete_recording(self, recording_id: str) -> None:
        root = await self.call("deleteRecordings", [("recordID", recording_id)], target=recording_id,
                               noun="recording")
        if not as_bool(text(root, "deleted")):
            raise ServerError(f"{self._server} did not delete the recording “{recording_id}”.")

    async def publish_recording(self, recording_id: str, publish: bool) -> None:
        root = await self.call("publishRecordings", [("recordID", recording_id), ("publish", _bool(publish))],
                               target=recording_id, noun="recording")
        if not as_bool(text(root, "published")):
            raise ServerError(f"{self._server} did not change the recording “{recording_id}”.")

    async def update_recording(self, recording_id: str, metadata: dict[str, str]) -> None:
        lines = "\n".join(f"{k}={v}" for k, v in metadata.items())
        params = [("recordID", recording_id), *metadata_params(lines)]
        # an empty value removes the key (updateRecordings.tsx); metadata_params keeps "name=" as ("meta_name", "")
        root = await self.call("updateRecordings", params, target=recording_id, noun="recording")
        if not as_bool(text(root, "updated")):
            raise ServerError(f"{self._server} did not update the recording “{recording_id}”.")

    async def recording_download_url(self, recording_id: str) -> str:
        recording = await self._recording(recording_id)
        url = str(recording.extra.get("playback_url") or "")
        if not url:
            raise NotFoundError(f"The recording “{recording.name}” has no playback yet "
                                f"(state: {recording.extra.get('state') or 'unknown'}).",
                                hint="Recordings are processed after the meeting; try again later.")
        return url
