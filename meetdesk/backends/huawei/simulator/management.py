"""Conference management and cloud rooms (``/v1/mmc/management/…``, ``/v1/usg/dcs/member/vmr``).

Faithful points, from the reference's "read first" list and the SDK models:
- create and update answer a top-level JSON array of ConferenceInfo;
- an update *replaces* the meeting: what the body leaves out goes back to its default (start now,
  30 minutes, no attendees, default settings) — callers must send the complete meeting;
- a running conference cannot be edited, and cancelling one needs ``type=1``;
- lists are ``{offset, limit, count, data}`` pages (default limit 20, at most 500; cloud rooms default 10);
- history is searched by epoch-millisecond ``startDate``/``endDate``, both required.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from meetdesk.backends.huawei.simulator.auth import json_object
from meetdesk.backends.huawei.simulator.state import (
    BAD_REQUEST,
    CONF_IN_PROGRESS,
    CONF_NOT_FOUND,
    CONF_PASSWORD_WRONG,
    DEFAULT_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    Account,
    Conference,
    HuaweiError,
    HuaweiState,
    parse_wire_time,
)

MEDIA_TYPES = {"Voice", "Video", "HDVideo", "Data", "Telepresence"}
CYCLES = {"Day", "Week", "Month"}


def _int_param(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HuaweiError(BAD_REQUEST, f"{name} must be a number.") from None
    if value < 0:
        raise HuaweiError(BAD_REQUEST, f"{name} must not be negative.")
    return min(value, maximum) if maximum is not None else value


def page(request: Request, items: list[dict[str, Any]], *, default_limit: int = 20, maximum: int = 500,
         last_page_when_past_end: bool = False) -> JSONResponse:
    offset = _int_param(request, "offset", 0)
    limit = _int_param(request, "limit", default_limit, maximum) or default_limit
    if last_page_when_past_end and items and offset >= len(items):
        offset = max(0, (len(items) - 1) // limit * limit)  # "若超过最大数量，则返回最后一页的数据"
    return JSONResponse({"offset": offset, "limit": limit, "count": len(items), "data": items[offset:offset + limit]})


def _matches(conf: Conference, key: str) -> bool:
    key = key.strip().casefold()
    return not key or any(key in text.casefold() for text in (conf.subject, conf.owner.name, conf.id))


def _apply_schedule(state: HuaweiState, conf: Conference, body: dict[str, Any], now: datetime) -> None:
    """Set every schedulable field from ``body``; a field left out gets its default (this is what makes an
    update a replacement)."""
    media = str(body.get("mediaTypes") or "")
    if not media or any(m not in MEDIA_TYPES for m in media.split(",")):
        raise HuaweiError(BAD_REQUEST, "mediaTypes is required (Voice, HDVideo, …).")
    start_text = str(body.get("startTime") or "")
    start = parse_wire_time(start_text) if start_text else now.replace(second=0, microsecond=0)
    length = body.get("length", DEFAULT_LENGTH)
    if not isinstance(length, int) or not MIN_LENGTH <= length <= MAX_LENGTH:
        raise HuaweiError(BAD_REQUEST, f"length must be {MIN_LENGTH}–{MAX_LENGTH} minutes.")
    if start_text and start + timedelta(minutes=length) <= now:
        raise HuaweiError(BAD_REQUEST, "The meeting would end in the past.")
    subject = str(body.get("subject") or "")
    if len(subject) > 128:
        raise HuaweiError(BAD_REQUEST, "subject is longer than 128 characters.")
    config = body.get("confConfigInfo") or {}
    if not isinstance(config, dict):
        raise HuaweiError(BAD_REQUEST, "confConfigInfo must be an object.")
    guest_pwd = config.get("guestPwd")
    if guest_pwd is not None and not (str(guest_pwd).isdigit() and 4 <= len(str(guest_pwd)) <= 16):
        raise HuaweiError(BAD_REQUEST, "guestPwd must be 4–16 digits.")
    attendees = body.get("attendees") or []
    if not isinstance(attendees, list) or not all(isinstance(a, dict) for a in attendees):
        raise HuaweiError(BAD_REQUEST, "attendees must be a list of objects.")
    vmr = None
    if body.get("vmrFlag") == 1:
        vmr = state.vmr(str(body.get("vmrID") or ""))
    conf.subject = subject or f"{conf.owner.name}'s meeting"
    conf.start, conf.length, conf.media_types = start, length, media
    conf.time_zone_id = str(body.get("timeZoneID") or "56")
    conf.language = str(body.get("language") or "zh-CN")
    conf.conf_config = {k: v for k, v in config.items() if k != "guestPwd"}
    conf.attendees = [dict(a) for a in attendees]
    conf.vmr = vmr
    conf.record_type = int(body.get("recordType") or 0)
    conf.is_auto_record = int(body.get("isAutoRecord") or 0)
    conf.conf_type = "FUTURE" if start_text else "IMMEDIATELY"
    if vmr is not None:
        conf.chair_pwd, conf.guest_pwd = vmr.chair_pwd, vmr.guest_pwd
    if guest_pwd is not None:
        conf.guest_pwd = str(guest_pwd)
    cycle = body.get("cycleParams")
    if cycle is not None:
        if not isinstance(cycle, dict) or cycle.get("cycle") not in CYCLES or not cycle.get("startDate") \
                or not cycle.get("endDate") or cycle.get("preRemindDays") is None:
            raise HuaweiError(BAD_REQUEST, "cycleParams needs startDate, endDate, cycle (Day|Week|Month) and "
                                           "preRemindDays.")
        conf.cycle_params, conf.conf_type = dict(cycle), "CYCLE"
    else:
        conf.cycle_params = None


def _owner_conference(state: HuaweiState, request: Request) -> tuple[Account, Conference]:
    account = state.account_for(request.headers.get("x-access-token"))
    return account, state.conference(request.query_params.get("conferenceID"), account)


def _start_now(conf: Conference) -> None:
    conf.state, conf.conf_uuid = "Created", secrets.token_hex(16)


async def create(state: HuaweiState, request: Request, *, cycle: bool = False) -> Response:
    account = state.account_for(request.headers.get("x-access-token"))
    body = await json_object(request)
    if cycle and not body.get("cycleParams"):
        raise HuaweiError(BAD_REQUEST, "cycleParams is required for a recurring meeting.")
    now = datetime.now(UTC)
    with state.lock:
        conf = Conference(id=state.new_conference_id(), subject="", start=now, length=DEFAULT_LENGTH,
                          media_types="HDVideo", owner=account, chair_pwd=state.new_password(),
                          guest_pwd=state.new_password())
        _apply_schedule(state, conf, body, now)
        if conf.conf_type == "IMMEDIATELY":
            _start_now(conf)
        state.conferences[conf.id] = conf
    return JSONResponse([conf.info()])


async def update(state: HuaweiState, request: Request) -> Response:
    _account, conf = _owner_conference(state, request)
    if conf.state != "Schedule":
        raise HuaweiError(CONF_IN_PROGRESS)
    body = await json_object(request)
    with state.lock:
        _apply_schedule(state, conf, body, datetime.now(UTC))
        if conf.conf_type == "IMMEDIATELY":
            _start_now(conf)
    return JSONResponse([conf.info()])


async def cancel(state: HuaweiState, request: Request) -> Response:
    _account, conf = _owner_conference(state, request)
    with state.lock:
        if conf.state == "Created":
            if request.query_params.get("type") != "1":
                raise HuaweiError(CONF_IN_PROGRESS)
            conf.state, conf.ended_at = "Destroyed", datetime.now(UTC)
        elif conf.state == "Schedule":
            del state.conferences[conf.id]
        else:
            raise HuaweiError(CONF_NOT_FOUND)
    return Response(status_code=200, media_type="application/json;charset=UTF-8")


def _listing(state: HuaweiState, request: Request, keep: Callable[[Conference], bool]) -> list[Conference]:
    account = state.account_for(request.headers.get("x-access-token"))
    key = request.query_params.get("searchKey", "")
    with state.lock:
        found = [c for c in state.conferences.values() if c.owner is account and keep(c) and _matches(c, key)]
    descending = request.query_params.get("sortType", "").startswith("DSC")
    return sorted(found, key=lambda c: c.start, reverse=descending)


async def search(state: HuaweiState, request: Request) -> Response:
    found = _listing(state, request, lambda c: c.state in ("Schedule", "Created"))
    return page(request, [c.info() for c in found])


async def online(state: HuaweiState, request: Request) -> Response:
    found = _listing(state, request, lambda c: c.state == "Created")
    return page(request, [c.info(online=True) for c in found])


async def history(state: HuaweiState, request: Request) -> Response:
    try:
        start_ms = int(request.query_params["startDate"])
        end_ms = int(request.query_params["endDate"])
    except (KeyError, ValueError):
        raise HuaweiError(BAD_REQUEST, "startDate and endDate (epoch milliseconds) are required.") from None
    low, high = (datetime.fromtimestamp(ms / 1000, UTC) for ms in (start_ms, end_ms))
    found = _listing(state, request, lambda c: c.state == "Destroyed" and low <= c.start <= high)
    return page(request, [c.info(history=True) for c in found])


async def detail(state: HuaweiState, request: Request) -> Response:
    _account, conf = _owner_conference(state, request)
    if conf.state == "Destroyed":  # ended conferences are only found through the history APIs
        raise HuaweiError(CONF_NOT_FOUND)
    participants = [{"participantID": a.get("phone", ""), "name": a.get("name", ""), "role": a.get("role", 0),
                     "state": "MEETTING", "attendeeType": a.get("type", "normal"), "email": a.get("email", "")}
                    for a in conf.attendees]
    info = conf.info()
    info["role"] = "chair"
    return JSONResponse({"conferenceData": info, "data": {"offset": 0, "limit": 20, "count": len(participants),
                                                          "data": participants[:20]}})


async def start(state: HuaweiState, request: Request) -> Response:
    account = state.account_for(request.headers.get("x-access-token"))
    body = await json_object(request)
    conf = state.conference(str(body.get("conferenceID") or ""), account)
    password = str(body.get("password") or "")
    allowed = {conf.chair_pwd} | ({conf.guest_pwd} if conf.conf_config.get("allowGuestStartConf") else set())
    if password not in allowed:
        raise HuaweiError(CONF_PASSWORD_WRONG)
    with state.lock:
        if conf.state == "Destroyed":
            raise HuaweiError(CONF_NOT_FOUND)
        if conf.state == "Schedule":
            _start_now(conf)
    return JSONResponse({"uuid": conf.conf_uuid, "regionIP": "127.0.0.1"})


async def online_attendees(state: HuaweiState, request: Request) -> Response:
    account = state.account_for(request.headers.get("x-access-token"))
    conf = state.conference(request.query_params.get("conf_id"), account)
    rows = [{"participant_id": p.pid, "name": p.name, "call_number": p.phone, "role": p.role,
             "third_account": "", "account": "", "user_id": ""} for p in conf.participants]
    return page(request, rows)


async def member_vmrs(state: HuaweiState, request: Request) -> Response:
    state.account_for(request.headers.get("x-access-token"))
    special = request.query_params.get("specialVmr")
    key = request.query_params.get("searchKey", "").casefold()
    rows = []
    for vmr in state.vmrs:
        if special is not None and (vmr.mode == 1) != (special == "true"):
            continue
        if key and key not in vmr.name.casefold() and key not in vmr.vmr_id:
            continue
        row: dict[str, Any] = {
            "id": vmr.id, "vmrId": vmr.vmr_id, "vmrName": vmr.name, "gustPwd": vmr.guest_pwd,
            "chairPwd": vmr.chair_pwd, "gustJoinUrl": f"https://c.meeting.huaweicloud.com/#/j/{vmr.vmr_id}",
            "chairJoinUrl": f"https://c.meeting.huaweicloud.com/#/j/{vmr.vmr_id}?c=1", "allowGustFirst": True,
            "gustFirstNotice": False, "vmrMode": vmr.mode, "status": 0,
        }
        if vmr.mode == 1:
            row.update({"vmrPkgId": f"pkg{vmr.parties}", "vmrPkgName": f"Cloud room {vmr.parties}",
                        "vmrPkgParties": vmr.parties})
        rows.append(row)
    return page(request, rows, default_limit=10, last_page_when_past_end=True)
