"""The legacy OpenMeetings 2.x/3.0 transport: XML over GET, the session id (SID) and signing in.

``UserService/getSession`` hands out a SID and ``UserService/loginUser`` binds it to an account (1 = success,
negative = error code). The legacy server cannot tell an expired session from missing rights, so a
"no permission" answer is retried once after a fresh sign-in.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit
from xml.etree.ElementTree import Element

import httpx

from meetdesk.backends.base import PersistHook, Provider
from meetdesk.backends.http import build_client, translate_errors
from meetdesk.backends.openmeetings_axis.vocabulary import (
    INVALID_SESSION,
    NO_PERMISSION,
    NOT_ACTIVATED,
    OTHER_BACKEND_HINT,
    RIGHTS_HINT,
    UNKNOWN_ERROR,
    USER_NOT_FOUND,
    USER_SERVICE,
    WRONG_PASSWORD,
)
from meetdesk.backends.openmeetings_axis.wire import (
    child_text,
    fault_text,
    parse_document,
    response_return,
)
from meetdesk.domain.errors import (
    AuthenticationError,
    MeetdeskError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    ValidationError,
)
from meetdesk.domain.models import Profile, ServerInfo

log = logging.getLogger("meetdesk.backends.openmeetings_axis")
#: a session signed in this recently is still known to the server, which forgets one after 30 idle minutes
FRESH_SESSION_S = 60.0


class AxisSession(Provider):
    """Transport and sign-in shared by every legacy call; the provider builds on it."""

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        super().__init__(profile, secret, persist=persist)
        self._client: httpx.AsyncClient | None = None
        self._no_retry_client: httpx.AsyncClient | None = None
        self._sid: str | None = None
        self._login_lock = asyncio.Lock()
        #: time.monotonic() of the last sign-in, to tell a fresh session from one the server may have forgotten
        self._signed_in_at, self._fresh = 0.0, False
        #: whether getRooms answered this account (None: not asked yet); see the provider's list_rooms
        self._lists_rooms: bool | None = None

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

    async def _get_returns(self, service: str, method: str,
                           params: Mapping[str, str | list[str]]) -> list[Element]:
        """Every ``<ns:return>`` of a method that answers a list (Axis2 repeats the element per item)."""
        call = f"{service}/{method}"
        async with translate_errors(self._server, call):
            response = await self._http().get(f"services/{service}/{method}", params=dict(params))
        first = self._read(response, method, call)
        if first is None:
            return []
        root = parse_document(response.content, self._server, call)
        return [e for e in root.iter() if e.tag == first.tag]

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
        """The live session id, kept across calls and refreshes; a sign-in only when there is none."""
        async with self._login_lock:
            if self._sid is None:
                self._sid = await self._login()
                self._signed_in_at, self._fresh = time.monotonic(), True
            return self._sid

    async def _session_and_freshness(self) -> tuple[str, bool]:
        """The session id, and whether this is its first use within a minute of signing in: the server cannot
        have forgotten it, so a refusal on it means missing rights, not a lost session."""
        sid = await self._session()
        fresh, self._fresh = self._fresh and time.monotonic() - self._signed_in_at < FRESH_SESSION_S, False
        return sid, fresh

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
                                       # 2.x names the language "language_id", 3.0.x "langId"
                                       {"SID": sid, "errorid": str(code), "language_id": "1", "langId": "1"})
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

