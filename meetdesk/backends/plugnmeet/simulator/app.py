"""A local plugNmeet server: the ``POST /auth/...`` API, the join page and recording downloads.

Behaves as /work/shared/reference/plugnmeet.md describes server 2.4: API-KEY and a lowercase-hex
HMAC of the exact body (401 bodies as documented), HTTP 200 with ``status: false`` for everything
else, protojson decoding (both name styles, unknown keys ignored), int64 as strings, 0/1 flags,
room metadata as a JSON string, idempotent create, HS256 join tokens.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from meetdesk.backends.plugnmeet.simulator.handlers import HANDLERS, UNPARSED, Refusal
from meetdesk.backends.plugnmeet.simulator.page import PageParticipant, error_page, join_page, read_custom_design
from meetdesk.backends.plugnmeet.simulator.state import (
    SAMPLE_API_KEY,
    SAMPLE_SECRET,
    PlugNmeetState,
    RecordedRequest,
)
from meetdesk.backends.plugnmeet.simulator.state import seed as seed_state
from meetdesk.backends.plugnmeet.simulator.wire import (
    ProtoJsonError,
    TokenError,
    decode_hs256,
    envelope,
    parse_json_object,
    protobuf_common_response,
    signature,
)
from meetdesk.simulators.host import SimulatorDefinition

__all__ = ["PlugNmeetState", "build"]


Json = dict[str, Any]



def _json(payload: Json, status: int = 200) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status_code=status, media_type="application/json")


def _not_found() -> Response:
    return PlainTextResponse("not found", status_code=404)


def _auth_failure(request: Request, msg: str, code: str) -> Response:
    if request.headers.get("content-type", "") == "application/protobuf":
        return Response(protobuf_common_response(msg), status_code=401, media_type="application/protobuf")
    return _json(envelope(False, msg, code), status=401)


def _make_app(state: PlugNmeetState) -> Starlette:
    async def auth_api(request: Request) -> Response:
        body = await request.body()
        path = request.path_params["path"].strip("/")
        with state.lock:
            state.requests.append(RecordedRequest(path, dict(request.headers), body))
        api_key = request.headers.get("api-key", "")
        if not api_key:
            return _auth_failure(request, "Missing API-KEY header.", "MISSING_REQUIRED_PARAMETER")
        if not hmac.compare_digest(api_key.encode(), state.api_key.encode()):
            return _auth_failure(request, "Invalid API key provided.", "INVALID_API_KEY")
        provided = request.headers.get("hash-signature", "")
        if not provided:
            return _auth_failure(request, "Missing HASH-SIGNATURE header.", "MISSING_REQUIRED_PARAMETER")
        signed = body
        if "multipart/form-data" in request.headers.get("content-type", ""):
            room_id = request.headers.get("room-id", "")
            if not room_id:
                return _auth_failure(request, "Missing Room-Id header for multipart request.",
                                     "MISSING_REQUIRED_PARAMETER")
            signed = room_id.encode()
        if not hmac.compare_digest(signature(signed, state.secret).encode(), provided.encode()):
            return _auth_failure(request, "Failed to verify provided authentication details.",
                                 "INVALID_TOKEN_OR_SIGNATURE")
        entry = HANDLERS.get(path)
        if entry is None:
            return _not_found()
        handler, failure_payload = entry
        state.expire_rooms()
        try:
            req = {} if path in UNPARSED else parse_json_object(body)
            return _json(handler(state, req))
        except ProtoJsonError as exc:
            return _json(envelope(False, str(exc), "INVALID_PARAMETERS"))
        except Refusal as refusal:
            if refusal.code == "INVALID_PARAMETERS":
                return _json(envelope(False, refusal.msg, refusal.code))
            return _json(envelope(False, refusal.msg, refusal.code, **{**failure_payload, **refusal.payload}))

    async def client_page(request: Request) -> Response:
        token = request.query_params.get("access_token") or request.cookies.get("pnm_access_token")
        if not token:
            return HTMLResponse(error_page("No access token",
                                           "This page needs a join link with an access token."))
        try:
            claims = decode_hs256(token, state.secret, now=state.now(), issuer=state.api_key)
        except TokenError as exc:
            return HTMLResponse(error_page("This join link cannot be used", str(exc)))
        room_id, user_id = str(claims.get("room_id", "")), str(claims.get("user_id", ""))
        state.expire_rooms()
        with state.lock:
            room = state.rooms.get(room_id)
            if room is None or not room.active:
                return HTMLResponse(error_page("The meeting is not running",
                                               f"The room “{room_id}” is not active any more."))
            pending = state.pending.get((room_id, user_id))
            metadata = dict(pending.metadata) if pending else {"is_admin": bool(claims.get("is_admin"))}
            name = str(claims.get("name") or user_id)
            is_admin = bool(claims.get("is_admin"))
            is_hidden = bool(claims.get("is_hidden"))
            state.join(room_id, name, user_id=user_id, is_admin=is_admin, is_hidden=is_hidden, metadata=metadata)
            others = [PageParticipant(p.name, p.is_admin) for p in room.participants.values()
                      if not p.is_hidden and p.user_id != user_id]
            features = room.features
            waiting = features.get("waiting_room_features", {})
            waiting_msg = str(waiting.get("waiting_room_msg") or "") if metadata.get("wait_for_approval") else None
            page = join_page(
                room_title=room.title, room_id=room_id, name=name, is_admin=is_admin, is_hidden=is_hidden,
                welcome=str(room.metadata.get("welcome_message") or ""), participants=others,
                design=read_custom_design(request.query_params.get("custom_design"), state.design_config),
                waiting_message=waiting_msg, language=str(metadata.get("preferred_lang") or ""),
                locks=locks if isinstance(locks := metadata.get("lock_settings"), dict) else None,
            )
        return HTMLResponse(page)

    async def download(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            claims = decode_hs256(token, state.secret, now=state.now(), issuer=state.api_key)
        except TokenError as exc:
            return PlainTextResponse(str(exc), status_code=401)
        with state.lock:
            recording = state.recordings.get(str(claims.get("sub", "")))
        if recording is None:
            return PlainTextResponse("requested file not found", status_code=404)
        content = f"meetdesk simulator recording {recording.record_id}\n".encode()
        return Response(content, media_type="video/mp4", headers={
            "Content-Disposition": f'attachment; filename="{recording.record_id}.mp4"'})

    async def fallback(_request: Request) -> Response:
        return _not_found()

    async def not_found_handler(_request: Request, _exc: Exception) -> Response:
        return _not_found()

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        404: not_found_handler, 405: not_found_handler}
    return Starlette(
        routes=[
            Route("/auth/{path:path}", auth_api, methods=["POST"]),
            Route("/", client_page, methods=["GET", "HEAD"]),
            Route("/download/recording/{token}", download, methods=["GET", "HEAD"]),
            Route("/{path:path}", fallback, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
        ],
        exception_handlers=handlers,
    )


_SECRET_SHAPE = re.compile(r"^\S{8,}$")


def build(*, seed: bool = True, api_key: str = SAMPLE_API_KEY, secret: str = SAMPLE_SECRET,
          token_validity: int = 600, merge_quirk: bool = True, design_config: dict[str, str] | None = None,
          end_linger: float = 2.0, **_options: Any) -> SimulatorDefinition:
    """A plugNmeet simulator.

    Args:
        seed: fill in demo rooms, participants, past rooms and recordings.
        api_key, secret: the credentials it accepts (default: the documented sample pair).
        token_validity: seconds a join token stays valid.
        merge_quirk: server ≥ 2.3 behaviour, on by default as the simulator is 2.4: the requested room
            features are ``proto.Merge``d over the defaults, which drops a ``false`` for a default-true
            non-optional feature (plugnmeet-protocol ``utils/create_room.go``). ``False`` imitates ≤ 2.2.
        end_linger: seconds an ended room stays listed (being cleaned up) before it becomes a past room.
        design_config: the server's own design (the client config's ``designCustomization``), shown when a
            join link has no ``custom_design`` or ``{}``.
    """
    if not api_key or not _SECRET_SHAPE.match(secret):
        raise ValueError("the simulator needs an API key and a secret of at least 8 characters")
    state = PlugNmeetState(api_key=api_key, secret=secret, token_validity=token_validity, merge_quirk=merge_quirk,
                           design_config=dict(design_config or {}), end_linger=end_linger)
    if seed:
        seed_state(state)
    return SimulatorDefinition(kind="plugnmeet", app=_make_app(state), base_path="",
                               fields={"api_key": api_key}, secret=secret, state=state)

