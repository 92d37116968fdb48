"""A Jitsi Meet deployment with Prosody token authentication, as far as a join link can tell.

``GET /[tenant/]room?jwt=…`` plays the web client and Prosody together: the room the client opens for the path,
the token check of ``verify.py`` (Prosody's order and texts), the room check at MUC join, and the browser's
own "possible reasons". Accepted visitors are counted per room in ``GET /room-census`` (mod_muc_census shape:
``{"room_census": [{"room_name", "participants", "created_time"}]}``). A page is HTML, or JSON with
``Accept: application/json``. The URL fragment never reaches a server; ``client_hash.py`` models its parsing.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from meetdesk.backends.jitsi.simulator.client_hash import backend_room
from meetdesk.backends.jitsi.simulator.verify import (
    TokenConfig,
    TokenRejected,
    browser_complaints,
    unverified_claims,
    unverified_header,
    verify_room,
    verify_token,
)
from meetdesk.simulators.host import SimulatorDefinition

DOMAIN_VERIFICATION_PREFIX = "vpaas-magic-cookie"


@dataclass
class JitsiState:
    config: TokenConfig
    domain: str = "meet.example.org"
    #: room jid node → {"created": unix time, "participants": {user key: name}}
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    verdicts: list[dict[str, Any]] = field(default_factory=list)

    def census(self) -> list[dict[str, Any]]:
        return [{"room_name": f"{name}@conference.{self.domain}", "participants": len(room["participants"]),
                 "created_time": room["created"]} for name, room in sorted(self.rooms.items())]


class JitsiApp:
    def __init__(self, state: JitsiState) -> None:
        self.state = state

    def verdict(self, tenant: str, room_segment: str, token: str) -> dict[str, Any]:
        room = backend_room(room_segment)
        out: dict[str, Any] = {"room": room, "tenant": tenant, "accepted": False, "reason": "",
                               "possible_reasons": []}
        if not token:
            out["reason"] = "token required"
            return out
        try:
            claims = verify_token(token, self.state.config)
            verify_room(claims, room)
            sub = str(claims.get("sub", ""))
            if tenant and sub.startswith(DOMAIN_VERIFICATION_PREFIX) and sub.lower() != tenant.lower():
                raise TokenRejected("Room and token mismatched")
        except TokenRejected as rejected:
            out["reason"] = rejected.reason
            out["possible_reasons"] = browser_complaints(unverified_claims(token), unverified_header(token),
                                                         self.state.config.clock())
            return out
        user = (claims.get("context") or {}).get("user") or {}
        out.update(accepted=True, user=user, moderator=str(user.get("moderator", "")).lower() == "true",
                   features=(claims.get("context") or {}).get("features"), expires=claims.get("exp"),
                   possible_reasons=browser_complaints(claims, unverified_header(token), self.state.config.clock()))
        entry = self.state.rooms.setdefault(f"{tenant + '/' if tenant else ''}{room}",
                                            {"created": int(time.time()), "participants": {}})
        entry["participants"][str(user.get("id") or user.get("name") or len(entry["participants"]))] = \
            user.get("name", "")
        return out

    async def page(self, request: Request) -> Response:
        tenant = backend_room(request.path_params.get("tenant", ""))
        result = self.verdict(tenant, request.path_params["room"], request.query_params.get("jwt", ""))
        self.state.verdicts.append(result)
        status = 200 if result["accepted"] else 403
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(result, status_code=status)
        if result["accepted"]:
            who = html.escape(str(result["user"].get("name", "")))
            role = "moderator" if result["moderator"] else "participant"
            body = f"<h1>{html.escape(result['room'])}</h1><p id='who'>{who} joined as {role}.</p>"
        else:
            body = (f"<h1>Authentication failed</h1><p>Sorry, you're not allowed to join this call.</p>"
                    f"<p id='reason'>{html.escape(result['reason'])}</p>")
        return HTMLResponse(f"<!doctype html><title>Jitsi Meet</title>{body}", status_code=status)

    async def welcome(self, request: Request) -> Response:
        return HTMLResponse("<!doctype html><title>Jitsi Meet</title><h1>Jitsi Meet</h1>"
                            "<p>Start a meeting: open a room's link.</p>")

    async def room_census(self, request: Request) -> Response:
        return JSONResponse({"room_census": self.state.census()})


def build(*, seed: bool = True, **options: Any) -> SimulatorDefinition:
    """Options: ``app_id``, ``secret`` (HS256), or ``algorithm="RS256"`` with ``public_keys`` {kid: PEM};
    ``audiences`` (accepted ``aud`` values, default ``*``), ``clock``."""
    app_id = str(options.get("app_id") or "meetdesk-demo")
    secret = str(options.get("secret") or "demo-jitsi-app-secret-3f9a2c7e-5b81d04a6e")
    config = TokenConfig(app_id=app_id, algorithm=str(options.get("algorithm") or "HS256"), app_secret=secret,
                         public_keys=dict(options.get("public_keys") or {}),
                         accepted_issuers=tuple(options.get("issuers") or ()),
                         accepted_audiences=tuple(options.get("audiences") or ("*",)),
                         clock=options.get("clock") or time.time)
    state = JitsiState(config=config)
    app = JitsiApp(state)
    starlette = Starlette(routes=[
        Route("/", app.welcome, methods=["GET"]),
        Route("/room-census", app.room_census, methods=["GET"]),
        Route("/{room}", app.page, methods=["GET"]),
        Route("/{tenant}/{room}", app.page, methods=["GET"]),
    ])
    fields = {"deployment": "jaas" if config.algorithm.startswith("RS") else "self-hosted", "app_id": app_id,
              "audience": "jitsi"}
    return SimulatorDefinition(kind="jitsi", app=starlette, fields=fields, secret=secret, state=state)
