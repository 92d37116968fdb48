"""Signing in to Huawei Cloud Meeting and sending authorized calls.

An access token from ``POST /v1/usg/acs/auth/account`` (Basic account:password) or ``POST
/v2/usg/acs/auth/appauth`` (HMAC-SHA256 App ID signature) authorizes every call as ``X-Access-Token``. The
token lives in memory only. It is renewed shortly before it expires and once when a call is answered 401
``USG.000000004`` (the official SDK does neither: it re-authenticates only every 12 hours).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx

from meetdesk.backends.base import PersistHook, Provider
from meetdesk.backends.http import build_client, json_body, redactor_of, translate_errors
from meetdesk.backends.huawei import wire as hw
from meetdesk.backends.huawei.fields import AUTH_ACCOUNT, AUTH_APP_ID
from meetdesk.domain.errors import AuthenticationError, PermissionDeniedError, ProtocolError, ValidationError
from meetdesk.domain.models import Profile, ServerInfo

log = logging.getLogger("meetdesk.backends.huawei")

CLIENT_TYPE = 72  # "API调用类型", what the official SDK always sends
SIGNATURE_LIFETIME = 600  # seconds, as the SDK signs (meeting_credentials.py)
#: renew this share of the token's lifetime before it ends (at most RENEW_MARGIN_MAX seconds early)
RENEW_SHARE, RENEW_MARGIN_MAX = 0.1, 300.0


def app_signature(app_key: str, app_id: str, user_id: str, corp_id: str | None, expire_time: int,
                  nonce: str) -> str:
    """Huawei's App ID signature: HMAC-SHA256 over ``appId[:corpId]:userId:expireTime:nonce``, upper-case hex."""
    parts = [app_id, *([corp_id] if corp_id is not None else []), user_id, str(expire_time), nonce]
    return hmac.new(app_key.encode(), ":".join(parts).encode(), hashlib.sha256).hexdigest().upper()


class HuaweiSession(Provider):
    """Transport and sign-in shared by every Huawei call."""

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        super().__init__(profile, secret, persist=persist)
        self._client: httpx.AsyncClient | None = None
        self._token: str | None = None
        self._renew_at = 0.0
        self._sign_in_lock = asyncio.Lock()
        self._user: dict[str, Any] = {}

    # helpers ---------------------------------------------------------------------------------
    @property
    def _server(self) -> str:
        return self.profile.name or urlsplit(self.profile.base_url).hostname or "Huawei Cloud Meeting"

    def _field(self, key: str) -> str:
        return self.profile.fields.get(key, "").strip()

    @property
    def _auth(self) -> str:
        return self._field("auth") or AUTH_ACCOUNT

    def _who(self) -> str:
        if self._auth == AUTH_APP_ID:
            user = self._field("user_id")
            return f"App ID “{self._field('app_id')}”" + (f" (user “{user}”)" if user else "")
        return f"“{self._field('account')}”"

    def _ensure_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = build_client(self.profile, secrets=[self._secret], logger=log,
                                        base_url=self.normalize_base_url(self.profile.base_url))
        return self._client

    # signing in ------------------------------------------------------------------------------
    def _sign_in_request(self) -> tuple[str, dict[str, str], dict[str, Any]]:
        if self._auth == AUTH_APP_ID:
            app_id, user_id = self._field("app_id"), self._field("user_id")
            corp_id = self._field("corp_id") or None
            expire_time = int(time.time()) + SIGNATURE_LIFETIME
            nonce = uuid.uuid4().hex + uuid.uuid4().hex[:8]  # 40 characters; Huawei wants 32–64
            signature = app_signature(self._secret, app_id, user_id, corp_id, expire_time, nonce)
            access = base64.b64encode(app_id.encode()).decode()
            body: dict[str, Any] = {"appId": app_id, "userId": user_id, "expireTime": expire_time, "nonce": nonce,
                                    "clientType": CLIENT_TYPE}
            if corp_id is not None:  # "must not be filled in single-enterprise mode or auth fails"
                body["corpId"] = corp_id
            return ("/v2/usg/acs/auth/appauth",
                    {"Authorization": f"HMAC-SHA256 signature={signature},access={access}"}, body)
        credentials = base64.b64encode(f"{self._field('account')}:{self._secret}".encode()).decode()
        return ("/v1/usg/acs/auth/account", {"Authorization": f"Basic {credentials}"},
                {"account": self._field("account"), "clientType": CLIENT_TYPE})

    def _check_sign_in_fields(self) -> None:
        if self._auth not in (AUTH_ACCOUNT, AUTH_APP_ID):
            raise ValidationError("Choose how to sign in: account or app_id.", field="auth")
        if self._auth == AUTH_ACCOUNT and not self._field("account"):
            raise ValidationError("Enter the Huawei Cloud Meeting account.", field="account")
        if self._auth == AUTH_APP_ID and not self._field("app_id"):
            raise ValidationError("Enter the App ID.", field="app_id")
        if not self._secret:
            label = "app key" if self._auth == AUTH_APP_ID else "password"
            raise ValidationError(f"Enter the {label}.", field="password")

    async def _sign_in(self, stale: str | None = None) -> str:
        async with self._sign_in_lock:
            if self._token is not None and self._token != stale and time.monotonic() < self._renew_at:
                return self._token
            self._check_sign_in_fields()
            path, headers, body = self._sign_in_request()
            call = "the sign-in"
            async with translate_errors(self._server, call):
                response = await self._ensure_client().post(path, json=body, headers=headers)
            answer = json_body(response, call) if response.content else {}
            if response.status_code != 200:
                raise self._sign_in_error(hw.failure(response.status_code, answer, response.text))
            token = answer.get("accessToken") if isinstance(answer, dict) else None
            if not isinstance(token, str) or not token:
                raise ProtocolError("Huawei Cloud Meeting answered the sign-in without an access token.")
            assert isinstance(answer, dict)
            lifetime = self._lifetime(answer)
            self._token = token
            self._renew_at = time.monotonic() + lifetime - min(RENEW_MARGIN_MAX, lifetime * RENEW_SHARE)
            self._user = hw.child(answer, "user")
            redactor_of(self._ensure_client()).add(token)
            log.info("signed in to %s as %s (token valid %.0f s)", self._server, self._who(), lifetime)
            return token

    @staticmethod
    def _lifetime(answer: dict[str, Any]) -> float:
        try:
            period = float(answer.get("validPeriod") or 0)
        except (TypeError, ValueError):
            period = 0.0
        try:
            until = float(answer.get("expireTime") or 0) - time.time()
        except (TypeError, ValueError):
            until = 0.0
        candidates = [v for v in (period, until) if v > 0]
        return min(candidates) if candidates else 3600.0

    def _sign_in_error(self, fail: hw.HuaweiFailure) -> Exception:
        said = f": {fail.message}" if fail.message else "."
        if fail.status == 412:
            return PermissionDeniedError(f"The Huawei Cloud Meeting account {self._who()} is disabled{said}",
                                         detail=fail.detail)
        if fail.status == 423:
            return PermissionDeniedError(f"The Huawei Cloud Meeting account {self._who()} is locked{said}",
                                         detail=fail.detail, hint="Wait, or ask your enterprise administrator.")
        if fail.status in (400, 401, 403):
            what = "App ID or app key" if self._auth == AUTH_APP_ID else "account or password"
            return AuthenticationError(f"Huawei Cloud Meeting refused the sign-in of {self._who()}{said}",
                                       detail=fail.detail, hint=f"Check the {what} in the profile.")
        return hw.error_for(fail, "the sign-in", self._server)

    async def _access_token(self) -> str:
        if self._token is None or time.monotonic() >= self._renew_at:
            return await self._sign_in(self._token)
        return self._token

    # calls -----------------------------------------------------------------------------------
    async def _request(self, method: str, path: str, call: str, *, params: dict[str, Any] | None = None,
                       json: Any = None, headers: dict[str, str] | None = None, meeting: str = "",
                       allow_empty: bool = False) -> Any:
        """Send an authorized call and return its decoded JSON (None for an empty 200).

        A 401 ``USG.000000004`` is answered with one fresh sign-in and one retry.
        """
        client = self._ensure_client()
        for attempt in range(2):
            token = await self._access_token()
            all_headers = {"X-Access-Token": token, **(headers or {})}
            async with translate_errors(self._server, call):
                response = await client.request(method, path, params=params, json=json, headers=all_headers)
            if response.status_code == 200:
                if not response.content.strip():
                    if allow_empty:
                        return None
                    raise ProtocolError(f"Huawei Cloud Meeting answered {call} with nothing.")
                return json_body(response, call)
            try:
                body: object = response.json()
            except ValueError:
                body = None
            fail = hw.failure(response.status_code, body, response.text)
            if fail.status == 401 and fail.code == hw.TOKEN_INVALID and attempt == 0:
                log.info("%s: access token refused, signing in again", call)
                await self._sign_in(token)
                continue
            raise hw.error_for(fail, call, self._server, meeting=meeting)
        raise AssertionError("unreachable")

    # lifecycle -------------------------------------------------------------------------------
    async def connect(self) -> ServerInfo:
        self._check_sign_in_fields()
        self._token = None
        await self._sign_in()
        name = hw.text(self._user.get("name")) or hw.text(self._user.get("ucloginAccount"))
        return ServerInfo(product="Huawei Cloud Meeting", user=name or self._who(),
                          extra={"site": urlsplit(self.profile.base_url).hostname or "", "sign_in": self._auth,
                                 "account": hw.text(self._user.get("ucloginAccount"))})

    async def aclose(self) -> None:
        token, self._token = self._token, None
        if self._client is not None:
            if token:
                try:  # log out, so the token stops counting against the account's 64
                    await asyncio.wait_for(self._client.delete("/v1/usg/acs/token",
                                                               headers={"X-Access-Token": token}), 2)
                except (TimeoutError, httpx.HTTPError) as exc:
                    log.debug("logout failed: %s", type(exc).__name__)
            await self._client.aclose()
            self._client = None
