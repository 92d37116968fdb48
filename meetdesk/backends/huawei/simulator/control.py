"""Conference control (``/v1/mmc/control/conferences…``): the control token and what it allows.

Every call here except ``inviteWithPwd`` needs ``X-Conference-Authorization`` from ``…/token``, and the
token is only given for a *started* conference ("未开始的会议调用该接口返回失败", DOC:meeting_21_0027), with the
chair password in ``X-Password`` and ``X-Login-Type: 1``. ``inviteWithPwd`` authorizes with the meeting
password in its body and only the access token (seed 003; the SDK's ``invite_with_pwd`` declares no
conference header). Answers without a body are empty 200s, as the docs' "响应参数 无" says.
"""

from __future__ import annotations

import secrets
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from meetdesk.backends.huawei.simulator.auth import json_object
from meetdesk.backends.huawei.simulator.state import (
    BAD_REQUEST,
    CONF_AUTH_FAILED,
    CONF_NOT_STARTED,
    CONF_PASSWORD_WRONG,
    Conference,
    HuaweiError,
    HuaweiState,
    Participant,
)

ATTENDEE_TYPES = {"normal", "terminal", "outside", "mobile", "ideahub", "board", "hwvision"}


def _empty() -> Response:
    return Response(status_code=200, media_type="application/json;charset=UTF-8")


def _controlled(state: HuaweiState, request: Request) -> Conference:
    state.account_for(request.headers.get("x-access-token"))
    return state.conference_for_conf_token(request.headers.get("x-conference-authorization"),
                                           request.query_params.get("conferenceID", ""))


async def conf_token(state: HuaweiState, request: Request) -> Response:
    state.account_for(request.headers.get("x-access-token"))
    conference_id = request.query_params.get("conferenceID", "")
    with state.lock:
        conf = state.conferences.get(conference_id)
    if conf is None:
        raise HuaweiError(CONF_AUTH_FAILED)
    if request.headers.get("x-login-type") != "1":
        raise HuaweiError(BAD_REQUEST, "X-Login-Type must be 1.")
    if conf.state != "Created":
        raise HuaweiError(CONF_NOT_STARTED)
    if request.headers.get("x-password", "") != conf.chair_pwd:
        raise HuaweiError(CONF_AUTH_FAILED)
    token, expires = state.issue_conf_token(conf, role=1)
    return JSONResponse({
        "data": {"token": token, "tmpWsToken": secrets.token_hex(8), "wsURL": "wss://127.0.0.1/cms/open/websocket",
                 "role": 1, "expireTime": int(expires * 1000), "userID": conf.owner.user_uuid, "orgID": "651543334",
                 "confTokenExpireTime": int(expires - time.time()), "vmrCurrentConfID": "",
                 "supportNotifyType": ["ConfBasicInfoNotify", "ParticipantsNotify"]},
        "addressToken": secrets.token_hex(8), "gloablPublicIP": "127.0.0.1",  # sic, as the service spells it
    })


async def real_time_info(state: HuaweiState, request: Request) -> Response:
    conf = _controlled(state, request)
    now = time.monotonic()
    attendees = [{"name": a.get("name", ""), "phone": a.get("phone", ""), "accountID": a.get("accountId", ""),
                  "userUUID": a.get("userUUID", "")} for a in [*conf.attendees, *conf.invited]]
    participants = [{"pid": p.pid, "name": p.name, "phone": p.phone, "state": p.state(now), "video": p.video,
                     "mute": p.mute, "hand": p.hand} for p in conf.participants]
    chair = next((p.pid for p in conf.participants if p.role == 1), "")
    return JSONResponse({"attendees": attendees, "participants": participants,
                         "confInfo": {"chairID": chair, "coHosts": []}})


def _call(conf: Conference, name: str, phone: str, *, role: int = 0) -> None:
    if any(p.phone == phone for p in conf.participants):
        return  # already in the meeting or being called
    conf.participants.append(Participant(pid=f"p{secrets.token_hex(4)}", name=name or phone, phone=phone,
                                         role=role, mute=1 if conf.muted and role == 0 else 0,
                                         called_at=time.monotonic()))


async def invite_participants(state: HuaweiState, request: Request) -> Response:
    conf = _controlled(state, request)
    body = await json_object(request)
    attendees = body.get("attendees")
    if not isinstance(attendees, list) or not attendees:
        raise HuaweiError(BAD_REQUEST, "attendees is required.")
    for attendee in attendees:
        if not isinstance(attendee, dict) or not attendee.get("name") or not attendee.get("phone") \
                or attendee.get("type") not in ATTENDEE_TYPES:
            raise HuaweiError(BAD_REQUEST, "Every attendee needs name, phone and type.")
    with state.lock:
        for attendee in attendees:
            conf.invited.append(dict(attendee))
            _call(conf, str(attendee["name"]), str(attendee["phone"]), role=int(attendee.get("role") or 0))
    return _empty()


async def invite_with_password(state: HuaweiState, request: Request) -> Response:
    state.account_for(request.headers.get("x-access-token"))
    conference_id = request.query_params.get("conferenceID", "")
    body = await json_object(request)
    call_num, conf_id, pwd = (str(body.get(k) or "") for k in ("callNum", "confID", "pwd"))
    if not call_num or not conf_id or not pwd:
        raise HuaweiError(BAD_REQUEST, "callNum, confID and pwd are required.")
    with state.lock:
        conf = state.conferences.get(conference_id)
    if conf is None or conf_id != conference_id:
        raise HuaweiError(CONF_AUTH_FAILED)
    if pwd not in (conf.chair_pwd, conf.guest_pwd):
        raise HuaweiError(CONF_PASSWORD_WRONG)
    if conf.state != "Created":
        raise HuaweiError(CONF_NOT_STARTED)
    with state.lock:
        _call(conf, f"Terminal {call_num}", call_num)
    return _empty()


async def hang_up(state: HuaweiState, request: Request) -> Response:
    conf = _controlled(state, request)
    body = await json_object(request)
    ids = body.get("bulkHangUpParticipants")
    if not isinstance(ids, list):
        raise HuaweiError(BAD_REQUEST, "bulkHangUpParticipants is required.")
    with state.lock:
        conf.participants = [p for p in conf.participants if p.pid not in ids]
    return _empty()


def _flag(body: dict[str, object], key: str) -> int:
    value = body.get(key)
    if value not in (0, 1):
        raise HuaweiError(BAD_REQUEST, f"{key} must be 0 or 1.")
    return int(str(value))


async def lock(state: HuaweiState, request: Request) -> Response:
    conf = _controlled(state, request)
    conf.locked = bool(_flag(await json_object(request), "isLock"))
    return _empty()


async def mute(state: HuaweiState, request: Request) -> Response:
    conf = _controlled(state, request)
    muted = _flag(await json_object(request), "isMute")
    with state.lock:
        conf.muted = bool(muted)
        for p in conf.participants:
            if p.role == 0:  # muting the meeting leaves the chair's microphone alone
                p.mute = muted
    return _empty()


async def prolong(state: HuaweiState, request: Request) -> Response:
    conf = _controlled(state, request)
    body = await json_object(request)
    _flag(body, "auto")
    minutes = body.get("duration", 15)
    if not isinstance(minutes, int) or minutes <= 0:
        raise HuaweiError(BAD_REQUEST, "duration must be a positive number of minutes.")
    with state.lock:
        conf.length += minutes
    return _empty()


async def stop(state: HuaweiState, request: Request) -> Response:
    from datetime import UTC, datetime

    conf = _controlled(state, request)
    with state.lock:
        conf.state, conf.ended_at, conf.participants = "Destroyed", datetime.now(UTC), []
    return _empty()
