"""Sign-in routes of the simulator: account/password (Basic) and App ID (HMAC-SHA256), token refresh and logout.

The App ID check mirrors what the official SDK signs (huaweicloudsdkmeeting ``v1/meeting_credentials.py``
``_sign_hmac256``): ``appId[:corpId]:userId:expireTime:nonce`` keyed with the app key, hex in any case
(the SDK sends upper case, Huawei's docs and the terraform provider lower case); ``,access=`` is optional
but, when present, must be base64(appId).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from meetdesk.backends.huawei.simulator.state import (
    BAD_CREDENTIALS,
    BAD_REQUEST,
    BAD_SIGNATURE,
    SIGNATURE_EXPIRED,
    Account,
    HuaweiError,
    HuaweiState,
)


async def json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise HuaweiError(BAD_REQUEST, "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise HuaweiError(BAD_REQUEST, "The request body must be a JSON object.")
    return body


def token_answer(state: HuaweiState, account: Account) -> JSONResponse:
    token, expires = state.issue_token(account)
    now = time.time()
    return JSONResponse({
        "accessToken": token, "tokenIp": "127.0.0.1", "validPeriod": int(expires - now),
        "expireTime": int(expires), "createTime": int(now * 1000), "clientType": 72, "tokenType": 0,
        "forceLoginInd": 0, "firstLogin": False, "pwdExpired": False, "delayDelete": False,
        "user": {"userId": account.user_uuid, "ucloginAccount": account.account, "name": account.name,
                 "serviceAccount": f"sip:{account.sip}@huaweicloud.com", "realm": "huaweicloud.com",
                 "userType": 2, "adminType": 2, "status": 0, "companyId": "651543334", "corpType": 0},
    })


async def account_auth(state: HuaweiState, request: Request) -> Response:
    header = request.headers.get("authorization", "")
    body = await json_object(request)
    if not header.lower().startswith("basic "):
        raise HuaweiError(BAD_CREDENTIALS)
    try:
        user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise HuaweiError(BAD_CREDENTIALS) from None
    if body.get("clientType") is None:
        raise HuaweiError(BAD_REQUEST, "clientType is required.")
    account = state.accounts.get(user)
    if account is None or not hmac.compare_digest(account.password, password):
        raise HuaweiError(BAD_CREDENTIALS)
    return token_answer(state, account)


def _signature_parts(header: str) -> tuple[str, str | None]:
    if not header.startswith("HMAC-SHA256 "):
        raise HuaweiError(BAD_SIGNATURE)
    parts = dict(p.strip().partition("=")[::2] for p in header[len("HMAC-SHA256 "):].split(","))
    signature = parts.get("signature", "")
    if not signature:
        raise HuaweiError(BAD_SIGNATURE)
    return signature, parts.get("access")


async def app_auth(state: HuaweiState, request: Request) -> Response:
    body = await json_object(request)
    signature, access = _signature_parts(request.headers.get("authorization", ""))
    app_id = str(body.get("appId") or "")
    key = state.apps.get(app_id)
    if key is None:
        raise HuaweiError(BAD_SIGNATURE)
    if access is not None:
        try:
            if base64.b64decode(access + "=" * (-len(access) % 4)).decode() != app_id:
                raise HuaweiError(BAD_SIGNATURE)
        except (binascii.Error, UnicodeDecodeError):
            raise HuaweiError(BAD_SIGNATURE) from None
    user_id = str(body.get("userId") or "")
    corp_id = body.get("corpId")
    try:
        expire_time = int(body.get("expireTime"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise HuaweiError(BAD_REQUEST, "expireTime is required.") from None
    nonce = str(body.get("nonce") or "")
    parts = [app_id, *([str(corp_id)] if corp_id is not None else []), user_id, str(expire_time), nonce]
    expected = hmac.new(key.encode(), ":".join(parts).encode(), hashlib.sha256).hexdigest()
    if not nonce or not hmac.compare_digest(expected, signature.lower()):
        raise HuaweiError(BAD_SIGNATURE)
    if expire_time != 0 and expire_time < time.time():
        raise HuaweiError(SIGNATURE_EXPIRED)
    account = state.app_users.get((app_id, user_id))
    if account is None:  # third-party users are registered on their first sign-in
        account = Account(account=f"Auto-{user_id or 'admin'}", password="", user_uuid=f"app{len(state.app_users)}",
                          name=user_id or "App administrator", sip=f"+99111{len(state.app_users):06d}")
        state.app_users[(app_id, user_id)] = account
    return token_answer(state, account)


async def refresh_token(state: HuaweiState, request: Request) -> Response:
    account = state.account_for(request.headers.get("x-access-token"))
    return token_answer(state, account)


async def logout(state: HuaweiState, request: Request) -> Response:
    token = request.headers.get("x-access-token", "")
    state.account_for(token)
    with state.lock:
        state.tokens.pop(token, None)
    return Response(status_code=200)
