"""Jitsi Meet with JWT authentication: rooms named by the coordinator, signed personal join links.

Jitsi has no API for creating rooms — a room exists while someone is in it — so the rooms live in the profile
(``profile.data["rooms"]``) and links are ``https://host/[tenant/]room?jwt=…#overrides``. Self-hosted servers
(Prosody ``token`` authentication) check an HS256 token signed with the app secret; 8x8 JaaS checks RS256 tokens
signed with the private key of an API key uploaded to the JaaS console.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import httpx

from meetdesk.backends.base import Capability, PersistHook, Provider, secret_spec
from meetdesk.backends.http import build_client, translate_errors
from meetdesk.backends.jitsi import token
from meetdesk.backends.jitsi.naming import derive_room_id, validate_room_id
from meetdesk.domain.errors import (
    AuthenticationError,
    ConfigError,
    MeetdeskError,
    NotFoundError,
    ProtocolError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.models import JoinLink, JoinRequest, LinkPolicy, Profile, Role, Room, RoomDraft, ServerInfo

log = logging.getLogger("meetdesk.backends.jitsi")

SELF_HOSTED, JAAS = "self-hosted", "jaas"
JAAS_PREFIX = "vpaas-magic-cookie-"
#: nbf lies this far in the past so that a participant's slow clock does not refuse a fresh link
CLOCK_SKEW = timedelta(minutes=5)


def parse_end(raw: str) -> datetime:
    """``2026-12-05 16:00`` (local time) or an ISO time with offset."""
    try:
        value = datetime.fromisoformat(raw.strip().replace("T", " "))
    except ValueError:
        raise ValidationError(f"“{raw}” is not a date and time; write it like 2026-12-05 16:00.",
                              field="meeting_end") from None
    return value.astimezone(UTC)


class JitsiProvider(Provider):
    kind: ClassVar[str] = "jitsi"
    display_name: ClassVar[str] = "Jitsi Meet (JWT)"
    description: ClassVar[str] = (
        "Jitsi Meet with token authentication, self-hosted (HS256 app secret) or 8x8 JaaS (RS256 key): personal "
        "join links valid until the meeting's end. Jitsi cannot list rooms: meetdesk keeps the ones you name."
    )
    capabilities: ClassVar[Capability] = (
        Capability.LIST_ROOMS | Capability.CREATE_ROOM | Capability.DELETE_ROOM | Capability.JOIN_LINK
        | Capability.LOCAL_ROOM_LIST
    )
    url_label: ClassVar[str] = "Jitsi address"
    url_placeholder: ClassVar[str] = "https://meet.example.org (JaaS: https://8x8.vc)"
    room_id_help: ClassVar[str] = ("The room's name in its link. Leave empty and meetdesk makes one from the name "
                                   "(e.g. weekly-team-call).")
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(key="deployment", label="Deployment", kind=FieldKind.CHOICE, default=SELF_HOSTED,
                  choices=((SELF_HOSTED, "Self-hosted (app id and secret)"), (JAAS, "8x8 JaaS (API key)"))),
        FieldSpec(key="app_id", label="App id", required=True, placeholder="e.g. my_app or vpaas-magic-cookie-…",
                  help="Self-hosted: the app_id of Prosody's token authentication (the token's iss). "
                       "JaaS: your AppID, vpaas-magic-cookie-…"),
        FieldSpec(key="audience", label="Audience (aud)", default="jitsi",
                  help="Self-hosted: a value in asap_accepted_audiences (often jitsi or the app id). "
                       "JaaS always uses jitsi."),
        FieldSpec(key="key_id", label="JaaS API key id", placeholder="e.g. a1b2c3",
                  help="JaaS only: the id of the API key whose private key is stored as the secret."),
        secret_spec("App secret or private key", key="secret",
                    help="Self-hosted: the app_secret. JaaS: the private key (PEM) of the API key."),
    )
    join_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(key="meeting_end", label="Meeting ends", placeholder="e.g. 2026-12-05 16:00",
                  help="The link stops working at this time plus the margin (local time unless an offset is "
                       "given). Empty: it lasts for the hours below."),
        FieldSpec(key="valid_hours", label="Valid for (hours) without an end", kind=FieldKind.INT, default=24,
                  minimum=1, maximum=24 * 365),
        FieldSpec(key="margin_minutes", label="Margin after the end (minutes)", kind=FieldKind.INT, default=30,
                  minimum=0, maximum=24 * 60),
        FieldSpec(key="features", label="Allowed features", kind=FieldKind.MULTI_CHOICE, choices=token.FEATURES,
                  help="Empty: the server's defaults (moderators may record and stream). Chosen: exactly these."),
        FieldSpec(key="start_audio_muted", label="Start with microphone off", kind=FieldKind.BOOL, default=False),
        FieldSpec(key="start_video_muted", label="Start with camera off", kind=FieldKind.BOOL, default=False),
        FieldSpec(key="skip_prejoin", label="Skip the pre-join screen", kind=FieldKind.BOOL, default=False),
        FieldSpec(key="subject", label="Meeting subject", help="Shown as the meeting's title."),
    )
    join_request_fields = frozenset({"user_id", "moderator", "email", "avatar_url"})
    # exp/nbf are checked when the participant connects (luajwtjitsi verify, no leeway), so a token that
    # lasts until the meeting's end plus a margin is a lasting invitation
    link_policy: ClassVar[LinkPolicy] = LinkPolicy(
        lifetime=timedelta(hours=24), single_use=False, per_person=True, role_bearing=True, valid_window=True,
        made_at_join_time=False,
        summary="Jitsi links carry a signed token for one room: they work as often as needed until the meeting's "
                "end plus a margin (without a meeting, 24 hours).")

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        super().__init__(profile, secret, persist=persist)
        self._client: httpx.AsyncClient | None = None

    # settings ----------------------------------------------------------------------------------
    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        """Scheme, host and an optional tenant path; a pasted meeting link is cut back to it."""
        text = url.strip()
        parts = urlsplit(text)
        if not parts.scheme or not parts.netloc:
            return text.rstrip("/")
        return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))

    def _field(self, key: str) -> str:
        return str(self.profile.fields.get(key) or "").strip()

    @property
    def _jaas(self) -> bool:
        return self._field("deployment") == JAAS

    @property
    def _server(self) -> str:
        return self.profile.name or urlsplit(self.profile.base_url).netloc or "the Jitsi server"

    def _check_settings(self) -> None:
        app_id = self._field("app_id")
        if not app_id:
            raise ValidationError("Enter the app id in the profile.", field="app_id")
        if not self._secret.strip():
            raise ValidationError("The profile has no app secret or private key.", field="secret")
        if self._jaas:
            if not app_id.startswith(JAAS_PREFIX):
                raise ValidationError(f"A JaaS AppID starts with {JAAS_PREFIX}.", field="app_id")
            if not self._field("key_id"):
                raise ValidationError("Enter the JaaS API key id in the profile.", field="key_id")
            token.private_key_pem(self._secret)

    # lifecycle ---------------------------------------------------------------------------------
    async def connect(self) -> ServerInfo:
        self._check_settings()
        base = self.normalize_base_url(self.profile.base_url)
        if self._client is None:
            self._client = build_client(self.profile, secrets=[self._secret], logger=log, base_url=base)
        async with translate_errors(self._server, "web page"):
            response = await self._client.get(base + "/")
        self._check_page(response)
        return ServerInfo(product="Jitsi Meet", user=self._field("app_id"),
                          extra={"auth": "JaaS RS256" if self._jaas else "JWT HS256"})

    def _check_page(self, response: httpx.Response) -> None:
        """The address must answer with the Jitsi Meet web page itself (links are built on it)."""
        status = response.status_code
        hint = "Enter the address participants open, e.g. https://meet.example.org (JaaS: https://8x8.vc)."
        if status in (401, 403):
            raise AuthenticationError(f"The web server in front of {self._server} refused access (HTTP {status}).",
                                      hint=hint)
        if 300 <= status < 400:  # never echo the Location: a proxy may have put credentials in it
            raise ProtocolError(f"{self._server} redirected to another address.", detail=f"HTTP {status}",
                                hint=hint)
        if status >= 400:
            raise ProtocolError(f"{self._server} answered the web page with HTTP {status}.", hint=hint)
        head = response.content[:2048].lstrip().lower()
        if not (head.startswith(b"<!doctype html") or head.startswith(b"<html")):
            raise ProtocolError(f"{self._server} did not answer with a web page.",
                                detail=f"content-type {response.headers.get('content-type', '?')[:60]}", hint=hint)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # rooms -------------------------------------------------------------------------------------
    def _records(self) -> list[dict[str, Any]]:
        return [r for r in self.profile.data.get("rooms") or [] if isinstance(r, dict)]

    async def list_rooms(self) -> list[Room]:
        rooms = []
        for record in self._records():
            room_id = str(record.get("id", "")).strip()
            if not room_id:
                log.warning("ignoring a malformed remembered room in profile %s", self.profile.name)
                continue
            created = None
            with contextlib.suppress(ValueError):
                created = datetime.fromisoformat(str(record.get("created")))
            rooms.append(Room(id=room_id, name=str(record.get("name") or room_id), kind=self.kind,
                              created=created, local_only=True))
        return rooms

    async def create_room(self, draft: RoomDraft) -> Room:
        name = draft.name.strip()
        if not name:
            raise ValidationError("Give the room a name.", field="name")
        room_id = validate_room_id(draft.room_id) if draft.room_id and draft.room_id.strip() \
            else derive_room_id(name)
        parse_options(self.room_fields, dict(draft.options))
        if any(str(r.get("id")) == room_id for r in self._records()):
            raise ValidationError(f"There is already a room “{room_id}” in this profile.", field="room_id")
        created = datetime.now(UTC)
        room = Room(id=room_id, name=name, kind=self.kind, created=created, local_only=True)
        await self._save([*self._records(), {"id": room_id, "name": name, "created": created.isoformat()}],
                         f"The room “{name}” could not be saved in the profile.")
        return room

    async def delete_room(self, room_id: str) -> None:
        kept = [r for r in self._records() if str(r.get("id")) != room_id]
        if len(kept) == len(self._records()):
            raise NotFoundError(f"There is no room “{room_id}” in the profile {self.profile.name}.")
        await self._save(kept, f"The room “{room_id}” could not be removed from the profile.")

    async def _save(self, rooms: list[dict[str, Any]], failure: str) -> None:
        self.profile.data["rooms"] = rooms
        try:
            await self._persist(self.profile.data)
        except Exception as exc:
            log.warning("could not save the rooms of %s: %s", self.profile.name, type(exc).__name__)
            raise ConfigError(failure, detail=exc.message if isinstance(exc, MeetdeskError)
                              else type(exc).__name__) from None

    # join links --------------------------------------------------------------------------------
    def _expiry(self, options: dict[str, Any], now: datetime) -> datetime:
        margin = timedelta(minutes=int(options.get("margin_minutes") or 0))
        raw_end = str(options.get("meeting_end") or "").strip()
        if raw_end:
            end = parse_end(raw_end)
            if end + margin <= now:
                raise ValidationError("The meeting's end (plus the margin) has already passed.", field="meeting_end")
            return end + margin
        return now + timedelta(hours=int(options.get("valid_hours") or 24))

    async def invitation_link(self, request: JoinRequest, valid_from: datetime, valid_to: datetime, *,
                              password: str = "", send_mail: bool = False, subject: str = "",
                              message: str = "") -> JoinLink:
        """A link for a meeting from ``valid_from`` to ``valid_to``: the token expires at its end plus the margin."""
        options = {**request.options, "meeting_end": valid_to.isoformat()}
        if subject and "subject" not in options:
            options["subject"] = subject
        return await self.join_link(dataclasses.replace(request, options=options))

    async def join_link(self, request: JoinRequest) -> JoinLink:
        self._check_settings()
        room_id = validate_room_id(request.room_id)
        name = request.display_name.strip()
        if not name:
            raise ValidationError("Enter the participant's name.", field="display_name")
        options = {spec.key: spec.default for spec in self.join_fields}
        options.update(parse_options(self.join_fields, dict(request.options)))
        now = datetime.now(UTC)
        expires = self._expiry(options, now)
        base = urlsplit(self.normalize_base_url(self.profile.base_url))
        tenant = base.path.strip("/")
        user = {"id": request.user_id.strip(), "name": name, "email": request.email.strip(),
                "avatar": request.avatar_url.strip()}
        features = list(options.get("features") or []) or None
        if self._jaas:
            app_id = self._field("app_id")
            # JaaS requires context.features; without a choice a moderator gets them all, others none
            chosen = features if features is not None else \
                ([key for key, _ in token.FEATURES] if request.moderator else [])
            payload = token.claims(issuer="chat", audience="jitsi", subject=app_id, room=room_id,
                                   not_before=now - CLOCK_SKEW, expires=expires, user=user,
                                   moderator=request.moderator, features=chosen)
            jwt_text = token.sign(payload, token.private_key_pem(self._secret), "RS256",
                                  key_id=f"{app_id}/{self._field('key_id')}")
            path = f"/{app_id}/{room_id}"
        else:
            payload = token.claims(issuer=self._field("app_id"), audience=self._field("audience") or "jitsi",
                                   subject=(tenant or base.hostname or "").lower(), room=room_id,
                                   not_before=now - CLOCK_SKEW, expires=expires, user=user,
                                   moderator=request.moderator, features=features)
            jwt_text = token.sign(payload, self._secret.strip(), "HS256")
            path = f"{base.path.rstrip('/')}/{room_id}"
        overrides: list[tuple[str, object]] = [("userInfo.displayName", name)]
        if options.get("start_audio_muted"):
            overrides.append(("config.startWithAudioMuted", True))
        if options.get("start_video_muted"):
            overrides.append(("config.startWithVideoMuted", True))
        if options.get("skip_prejoin"):
            overrides.append(("config.prejoinConfig.enabled", False))
        if str(options.get("subject") or "").strip():
            overrides.append(("config.subject", str(options["subject"]).strip()))
        url = urlunsplit((base.scheme, base.netloc, path, f"jwt={jwt_text}", token.fragment(overrides)))
        local_end = expires.astimezone().strftime("%Y-%m-%d %H:%M")
        return JoinLink(url=url, room_id=room_id, display_name=name,
                        role=Role.MODERATOR if request.moderator else Role.ATTENDEE, expires_at=expires,
                        note=f"Works for this room until {local_end}, as often as needed. Anyone holding the "
                             "link joins under this name.")
