"""The OpenMeetings REST session: login by version, the SID, its renewal, and how answers are read.

A session id (SID) from ``user/login`` authorizes every call as the query parameter ``sid``. The SID
dies after 30 idle minutes; a call answered with ``error.notallowed`` is repeated once after a fresh
login, and only a second refusal is reported (then it is the account's rights, not the SID).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Iterable
from datetime import tzinfo
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from meetdesk.backends.base import PersistHook, Provider
from meetdesk.backends.http import DEFAULT_TIMEOUT, build_client, json_body, redactor_of, translate_errors
from meetdesk.backends.openmeetings import wire as omj
from meetdesk.backends.openmeetings.fields import (
    DEFAULT_EXTERNAL_TYPE,
)
from meetdesk.domain.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    ValidationError,
)
from meetdesk.domain.models import (
    Profile,
    ServerInfo,
)
from meetdesk.domain.times import system_zone_name

log = logging.getLogger("meetdesk.backends.openmeetings")
T = TypeVar("T")

LOGIN_TIMEOUT = httpx.Timeout(45.0, connect=6.0)  # 9.x sleeps 6–15 s before refusing a password
_CONCURRENCY = 6
PRIVATE_ROOMS_KEY = "private_room_ids"


def dump_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class OpenMeetingsSession(Provider):
    """Transport and sign-in shared by every OpenMeetings call; the provider builds on it."""

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
        #: room id → its user count as last counted (rooms.py, complete_rooms): a refresh's rooms show it until the
        #: new count arrives, instead of every count going blank on each F5
        self._counts: dict[str, int] = {}

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
        return system_zone_name() or "local time"

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
            self._sid = await self._new_sid()

    async def _new_sid(self) -> str:
        """Log in once and return the new SID (the caller decides whether it is the shared one)."""
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
            redactor_of(self._ensure_client()).add(result.message)
            return result.message
        raise self._login_error(result.message)

    async def _call_with_own_sid(self, method: str, path: str, call: str, *,
                                 data: dict[str, str] | None = None) -> httpx.Response:
        """One call on a SID of its own that is never used again.

        ``user/hash`` stores the participant on the SID, not on the hash, and the entry page reads them back
        from the SID (7.0–9.1 ``UserWebService.getRoomHash`` → ``sd.setXml``; ``WebSession.signIn``), which
        then belongs to the participant. A shared SID would make every unused link admit the last person.
        """
        if self._sid is None:
            await self._login()  # reports bad credentials the usual way and fixes the login method
        sid = await self._new_sid()
        response = await self._send(method, path, call, params={"sid": sid}, data=data)
        if self._not_allowed(response):
            raise self._rights_error("SOAP")
        return response

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
