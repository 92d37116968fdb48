"""A local Huawei Cloud Meeting service: sign-in, conferences, cloud rooms and conference control.

Errors are non-2xx answers with ``{"error_code": …, "error_msg": …}``, the way the official SDK's
``DefaultExceptionHandler`` (huaweicloudsdkcore ``exceptions/exception_handler.py``) reads them. Served over
TLS by default: the official SDK always uses https for its token request, whatever the endpoint says.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from meetdesk.backends.huawei.simulator import auth, control, management
from meetdesk.backends.huawei.simulator.state import (
    Account,
    Conference,
    HuaweiError,
    HuaweiState,
    Participant,
    Vmr,
)
from meetdesk.simulators.host import SimulatorDefinition

ACCOUNT = "coordinator@meetdesk.example"
PASSWORD = "Cloud-Meeting-2024"
APP_ID = "meetdesk-demo-app"
APP_USER = "coordinator"

Handler = Callable[[HuaweiState, Request], Awaitable[Response]]


def _route(path: str, state: HuaweiState, handlers: dict[str, Handler]) -> Route:
    async def endpoint(request: Request) -> Response:
        handler = handlers.get(request.method)
        if handler is None:
            return JSONResponse({"error_code": "MMC.111070001", "error_msg": "Method not allowed."}, status_code=405)
        try:
            return await handler(state, request)
        except HuaweiError as exc:
            return JSONResponse({"error_code": exc.code, "error_msg": exc.message}, status_code=exc.status,
                                headers={"X-Request-Id": secrets.token_hex(16)})

    return Route(path, endpoint, methods=list(handlers))


def _with(fn: Callable[..., Awaitable[Response]], **kwargs: Any) -> Handler:
    async def handler(state: HuaweiState, request: Request) -> Response:
        return await fn(state, request, **kwargs)

    return handler


def build_app(state: HuaweiState) -> Starlette:
    mgmt = "/v1/mmc/management/conferences"
    ctl = "/v1/mmc/control/conferences"
    routes = [
        _route("/v1/usg/acs/auth/account", state, {"POST": auth.account_auth}),
        _route("/v2/usg/acs/auth/appauth", state, {"POST": auth.app_auth}),
        _route("/v1/usg/acs/token", state, {"PUT": auth.refresh_token, "DELETE": auth.logout}),
        _route(mgmt, state, {"POST": management.create, "GET": management.search, "PUT": management.update,
                             "DELETE": management.cancel}),
        _route("/v1/mmc/management/cycleconferences", state,
               {"POST": _with(management.create, cycle=True), "PUT": management.update,
                "DELETE": management.cancel}),
        _route(f"{mgmt}/confDetail", state, {"GET": management.detail}),
        _route(f"{mgmt}/online", state, {"GET": management.online}),
        _route(f"{mgmt}/history", state, {"GET": management.history}),
        _route(f"{mgmt}/online/conf-attendee", state, {"GET": management.online_attendees}),
        _route(f"{mgmt}/start", state, {"POST": management.start}),
        _route("/v1/usg/dcs/member/vmr", state, {"GET": management.member_vmrs}),
        _route(f"{ctl}/token", state, {"GET": control.conf_token}),
        _route(f"{ctl}/realTimeInfo", state, {"GET": control.real_time_info}),
        _route(f"{ctl}/participants", state, {"POST": control.invite_participants}),
        _route(f"{ctl}/participants/delete", state, {"POST": control.hang_up}),
        _route(f"{ctl}/inviteWithPwd", state, {"POST": control.invite_with_password}),
        _route(f"{ctl}/lock", state, {"PUT": control.lock}),
        _route(f"{ctl}/mute", state, {"PUT": control.mute}),
        _route(f"{ctl}/duration", state, {"PUT": control.prolong}),
        _route(f"{ctl}/stop", state, {"PUT": control.stop}),
    ]
    return Starlette(routes=routes)


def _seed(state: HuaweiState, owner: Account) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    state.vmrs = [
        Vmr(id="vmr-a1b2c3", vmr_id="987654321", name="Board room (cloud)", mode=1, parties=50,
            chair_pwd="246810", guest_pwd="135790"),
        Vmr(id="vmr-d4e5f6", vmr_id="912345678", name="Training room (cloud)", mode=1, parties=100,
            chair_pwd="864201", guest_pwd="975310"),
        Vmr(id="vmr-pmi001", vmr_id="918273645", name=f"{owner.name}'s personal meeting ID", mode=0, parties=0,
            chair_pwd="112233", guest_pwd="445566"),
    ]

    def add(subject: str, start: datetime, minutes: int, state_name: str, vmr: Vmr | None = None,
            zone: str = "56") -> Conference:
        conf = Conference(id=state.new_conference_id(), subject=subject, start=start, length=minutes,
                          media_types="Data,Voice,HDVideo", owner=owner, chair_pwd=state.new_password(),
                          guest_pwd=state.new_password(), time_zone_id=zone, language="en-US", vmr=vmr,
                          conf_config={"isSendNotify": False, "callInRestriction": 0, "isAutoMute": True},
                          state=state_name)
        if vmr is not None:
            conf.chair_pwd, conf.guest_pwd = vmr.chair_pwd, vmr.guest_pwd
        if state_name != "Schedule":
            conf.conf_uuid = secrets.token_hex(16)
        state.conferences[conf.id] = conf
        return conf

    running = add("Regional coordinators' sync", now - timedelta(minutes=20), 60, "Created", state.vmrs[0], "27")
    running.participants = [
        Participant(pid="p-chair", name=owner.name, phone=owner.sip, role=1, called_at=-60.0),
        Participant(pid="p-li", name="Li Wei", phone="+99111283523475001", called_at=-60.0),
        Participant(pid="p-ana", name="Ana Souza", phone="+99111283523475002", mute=1, called_at=-60.0),
    ]
    add("Budget review", now + timedelta(days=1, hours=2), 90, "Schedule")
    add("Onboarding: new trainers", now + timedelta(days=3), 60, "Schedule", state.vmrs[1], "26")
    ended = add("Morning stand-up", now - timedelta(hours=6), 30, "Destroyed")
    ended.ended_at = ended.end


def build(*, seed: bool = True, token_ttl: int | None = None, **_options: Any) -> SimulatorDefinition:
    """Args:
        token_ttl: lifetime of access tokens in seconds (short, to test renewal); 12 hours by default.
    """
    state = HuaweiState(token_ttl=token_ttl or 12 * 3600)
    owner = Account(account=ACCOUNT, password=PASSWORD, user_uuid="ff80808167ef1edf0167f339533d05a6",
                    name="Mei Chen", sip="+99111283523475000")
    state.accounts[owner.account] = owner
    app_key = secrets.token_hex(32)
    state.apps[APP_ID] = app_key
    state.app_users[(APP_ID, APP_USER)] = owner
    if seed:
        _seed(state, owner)
    return SimulatorDefinition(
        kind="huawei", app=build_app(state), fields={"auth": "account", "account": ACCOUNT}, secret=PASSWORD,
        state=state, tls=True, extra={"app_auth": {"app_id": APP_ID, "app_key": app_key, "user_id": APP_USER}},
    )
