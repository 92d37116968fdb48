"""The plugNmeet simulator's ``/auth/...`` handlers: one function per endpoint, over the shared state.

The signature check and the envelope live in :mod:`.app`; these functions see decoded requests only.
"""

from __future__ import annotations

import copy
import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from meetdesk.backends.plugnmeet.simulator.state import (
    COPYRIGHT,
    DEFAULT_FEATURES,
    DEFAULT_LOCKS,
    RECORDER_NAME,
    PendingUser,
    PlugNmeetState,
    SimParticipant,
    SimRecording,
    SimRoom,
    rfc3339,
)
from meetdesk.backends.plugnmeet.simulator.wire import (
    CREATE_ROOM,
    FETCH,
    GENERATE_TOKEN,
    ID_PATTERN,
    LOCK_KEYS,
    OPTIONAL_FEATURE_BOOLS,
    RECORD_ID,
    ROOM_ID,
    ROOM_ID_RULE,
    ROOM_ID_RULE_JOIN,
    decode_message,
    emit_metadata,
    encode_hs256,
    envelope,
    is_uri,
    validation_message,
)

log = logging.getLogger("meetdesk.simulators.plugnmeet")

Json = dict[str, Any]
Handler = Callable[[PlugNmeetState, Json], Json]
RESERVED_USER_PREFIXES = ("ingres_", "pnm_agent-", "pnm_tts_agent-", "sip_")
DOWNLOAD_TOKEN_VALIDITY = 300



class Refusal(Exception):
    """A ``status: false`` answer (HTTP 200)."""

    def __init__(self, msg: str, code: str, **payload: Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.code = code
        self.payload = payload


def _invalid(violations: list[tuple[str, str]]) -> Refusal:
    return Refusal(validation_message(violations), "INVALID_PARAMETERS")


# --- JSON shapes the server emits ----------------------------------------------------------

def _room_info(room: SimRoom) -> Json:
    visible = [p for p in room.participants.values() if not p.is_hidden]
    return {
        "room_title": room.title,
        "room_id": room.room_id,
        "sid": room.sid,
        "joined_participants": str(len(visible)),
        "is_running": 1,
        "is_recording": int(room.is_recording),
        "is_active_rtmp": int(room.is_active_rtmp),
        "webhook_url": room.webhook_url,
        "is_breakout_room": int(bool(room.parent_room_id)),
        "parent_room_id": room.parent_room_id,
        "creation_time": str(int(room.created)),
        "metadata": json.dumps(emit_metadata(room.metadata), separators=(",", ":"), ensure_ascii=False),
    }


def _participant_info(p: SimParticipant) -> Json:
    """A LiveKit ParticipantInfo in protojson snake_case."""
    return {
        "sid": p.sid,
        "identity": p.user_id,
        "state": "ACTIVE",
        "tracks": [],
        "metadata": json.dumps(emit_metadata(p.metadata), separators=(",", ":"), ensure_ascii=False),
        "joined_at": str(int(p.joined_at)),
        "joined_at_ms": str(int(p.joined_at * 1000)),
        "name": p.name,
        "version": 3,
        "permission": {"can_subscribe": True, "can_publish": True, "can_publish_data": True,
                       "can_publish_sources": [], "hidden": p.is_hidden, "recorder": False,
                       "can_update_metadata": False, "agent": False, "can_subscribe_metrics": False},
        "region": "",
        "is_publisher": not p.is_hidden,
        "kind": "STANDARD",
        "attributes": {},
        "disconnect_reason": "UNKNOWN_REASON",
        "kind_details": [],
    }


def _active_room(room: SimRoom) -> Json:
    return {"room_info": _room_info(room),
            "participants_info": [_participant_info(p) for p in room.participants.values()]}


def _recording_info(r: SimRecording) -> Json:
    out: Json = {
        "record_id": r.record_id, "room_id": r.room_id, "room_sid": r.room_sid, "file_path": r.file_path,
        "file_size": r.file_size_mb, "creation_time": str(int(r.created)),
        "room_creation_time": str(int(r.room_created)),
    }
    if r.title or r.description:
        meta: Json = {"subtitles": {}, "extra_data": {}}
        if r.title:
            meta["title"] = r.title
        if r.description:
            meta["description"] = r.description
        out["metadata"] = meta
    return out


# --- /auth handlers ------------------------------------------------------------------------

def _merge(defaults: Json, requested: Json, *, quirk: bool) -> Json:
    out = copy.deepcopy(defaults)
    for key, value in requested.items():
        if isinstance(value, dict):
            base = out.get(key)
            out[key] = _merge(base if isinstance(base, dict) else {}, value, quirk=quirk)
        elif quirk and key not in OPTIONAL_FEATURE_BOOLS and value in (False, 0, "", []):
            continue  # proto.Merge only copies populated scalars
        else:
            out[key] = value
    return out


def _create_room(state: PlugNmeetState, req: Json) -> Json:
    decoded = decode_message(req, CREATE_ROOM)
    room_id = decoded.get("room_id", "")
    metadata: Json = decoded.get("metadata", {})
    violations: list[tuple[str, str]] = []
    if not ID_PATTERN.match(room_id):
        violations.append(("room_id", ROOM_ID_RULE))
    for key in ("empty_timeout", "max_participants"):
        if key in decoded and decoded[key] <= 0:
            violations.append((key, "value must be greater than 0"))
    if "metadata" not in decoded:
        violations.append(("metadata", "value is required"))
    else:
        if not metadata.get("room_title"):
            violations.append(("metadata.room_title", "value is required"))
        for key in ("is_recording", "is_active_rtmp", "is_breakout_room"):
            if metadata.get(key):
                violations.append((f"metadata.{key}", "value must equal false"))
        for key in ("parent_room_id", "metadata_id"):
            if metadata.get(key):
                violations.append((f"metadata.{key}", "value must be empty"))
        if metadata.get("started_at"):
            violations.append(("metadata.started_at", "value must equal 0"))
        for key in ("webhook_url", "logout_url"):
            if key in metadata and not is_uri(metadata[key]):
                violations.append((f"metadata.{key}", "value must be a valid URI"))
        if "room_features" not in metadata:
            violations.append(("metadata.room_features", "value is required"))
        else:
            preload = metadata["room_features"].get("whiteboard_features", {}).get("preload_file")
            if preload is not None and not is_uri(preload):
                violations.append(("metadata.room_features.whiteboard_features.preload_file",
                                   "value must be a valid URI"))
    if violations:
        raise _invalid(violations)
    if "-FIELD_" in room_id:
        raise Refusal("RoomId cannot contain the reserved pattern '-FIELD_'", "INTERNAL_SERVER_ERROR")
    if room_id.startswith("user_"):
        raise Refusal("RoomId cannot start with the reserved pattern 'user_'", "INTERNAL_SERVER_ERROR")
    if len(room_id) > 64:  # roomId is varchar(64) (pkg/dbmodels/room.go); MySQL refuses the insert
        raise Refusal("Error 1406 (22001): Data too long for column 'roomId' at row 1", "INTERNAL_SERVER_ERROR")

    with state.lock:
        existing = state.rooms.get(room_id)
        if existing is not None and not existing.active:
            # the room-end lock is held until the cleanup is over; creation waits for it up to 15 s
            # (pkg/models/room_create.go, waitUntilRoomCreationCompletes / LockRoomCreation)
            if state.ending_left(existing) > 15:
                raise Refusal("timeout waiting to acquire lock", "INTERNAL_SERVER_ERROR")
            state.finish_end(room_id)  # as if the request had waited for the cleanup
            existing = None
        if existing is not None:  # handleExistingRoom: the running room is returned unchanged
            return envelope(True, "success", "SUCCESS", room_info=_room_info(existing))
        requested_features: Json = dict(metadata["room_features"])
        rtmp = requested_features.pop("allow_rtmp", None)
        features = _merge(DEFAULT_FEATURES, requested_features, quirk=state.merge_quirk)
        if rtmp is not None:  # deprecated alias, still honoured
            features["external_broadcasting_features"].update(is_allow=rtmp, is_allow_rtmp=rtmp)
        features["insights_features"] = {"is_allow": False}
        features["sip_dial_in_features"]["is_allow"] = False
        breakout = features["breakout_room_features"]
        breakout["allowed_number_rooms"] = min(int(breakout.get("allowed_number_rooms") or 6), 16)
        if features["end_to_end_encryption_features"].get("is_enabled"):
            features["ingress_features"]["is_allow"] = False
        locks = {**DEFAULT_LOCKS, **metadata.get("default_lock_settings", {})}
        now = state.now()
        stored: Json = {
            "room_title": metadata["room_title"], "is_recording": False, "is_active_rtmp": False,
            "parent_room_id": "", "is_breakout_room": False, "started_at": int(now),
            "room_features": features, "default_lock_settings": locks,
            "copyright_conf": dict(COPYRIGHT), "metadata_id": str(uuid.uuid4()),
            "extra_data": metadata.get("extra_data", {}),
        }
        for key in ("welcome_message", "webhook_url", "logout_url"):
            if key in metadata:
                stored[key] = metadata[key]
        timeout = decoded.get("empty_timeout") or 0
        room = SimRoom(room_id=room_id, title=metadata["room_title"], metadata=stored, created=now,
                       empty_timeout=timeout if timeout >= 120 else 1800,
                       max_participants=decoded.get("max_participants", 0), empty_since=now)
        state.rooms[room_id] = room
        if features["recording_features"].get("enable_auto_cloud_recording"):
            room.is_recording = True
        log.info("room %s created", room_id)
        return envelope(True, "success", "SUCCESS", room_info=_room_info(room))


def _require_room_id(decoded: Json) -> str:
    room_id = decoded.get("room_id", "")
    if not room_id:
        raise _invalid([("room_id", "value is required")])
    return str(room_id)


def _is_room_active(state: PlugNmeetState, req: Json) -> Json:
    room_id = _require_room_id(decode_message(req, ROOM_ID))
    # pkg/models/room_info.go IsRoomActive reads the room's NATS status: "room is not active" while an ended
    # room is being cleaned up, "room not found" once its NATS data is gone (also for a room that ended)
    with state.lock:
        room = state.rooms.get(room_id)
        if room is not None and room.active:
            return envelope(True, "room is active", "SUCCESS", is_active=True)
        if room is not None:
            return envelope(True, "room is not active", "ROOM_NOT_ACTIVE", is_active=False)
    return envelope(True, "room not found", "ROOM_NOT_FOUND", is_active=False)


def _get_active_room_info(state: PlugNmeetState, req: Json) -> Json:
    room_id = _require_room_id(decode_message(req, ROOM_ID))
    with state.lock:
        room = state.rooms.get(room_id)
        if room is not None and room.active:
            return envelope(True, "success", "SUCCESS", room=_active_room(room))
        if room is not None:
            raise Refusal("room is not active", "ROOM_NOT_ACTIVE", room=None)
    raise Refusal("room not found in active state", "ROOM_NOT_FOUND", room=None)


def _get_active_rooms_info(state: PlugNmeetState, _req: Json) -> Json:
    with state.lock:
        rooms = [_active_room(r) for r in state.rooms.values()]
    if not rooms:
        raise Refusal("no active room found", "NOT_FOUND", rooms=[])
    return envelope(True, "success", "SUCCESS", rooms=rooms)


def _end_room(state: PlugNmeetState, req: Json) -> Json:
    room_id = _require_room_id(decode_message(req, ROOM_ID))
    if not state.end_room(room_id):
        raise Refusal("room not found or not active", "ROOM_NOT_FOUND")
    log.info("room %s ended", room_id)
    return envelope(True, "success", "SUCCESS")


def _page_args(decoded: Json) -> tuple[int, int, str]:
    limit = decoded.get("limit") or 20
    order = "ASC" if str(decoded.get("order_by", "")).upper() == "ASC" else "DESC"
    return int(decoded.get("from") or 0), min(int(limit), 100), order


GO_ZERO_TIME = "0001-01-01T00:00:00Z"


def _fetch_past_rooms(state: PlugNmeetState, req: Json) -> Json:
    """Every row of the room table, running rooms included.

    plugNmeet-server v2.4 ``pkg/services/db/room_info.go`` ``GetPastRooms`` filters with the GORM struct
    condition ``&RoomInfo{IsRunning: 0}``, and GORM drops zero-valued fields from struct conditions: the
    filter is lost, so running rooms come back too, with ``ended`` = Go's zero time. Rows are ordered by
    table id (creation), and a page past the end is ``status:true`` with an empty list
    (``pkg/models/room_info.go`` FetchPastRooms answers "no room found" only when the total is 0).
    """
    decoded = decode_message(req, FETCH)
    start, limit, order = _page_args(decoded)
    wanted = set(decoded.get("room_ids") or [])
    with state.lock:
        rows: list[tuple[float, Json]] = [
            (p.created, {"room_title": p.title, "room_id": p.room_id, "room_sid": p.sid,
                         "joined_participants": str(p.joined), "webhook_url": p.webhook_url,
                         "created": rfc3339(p.created), "ended": rfc3339(p.ended)})
            for p in state.past_rooms if not wanted or p.room_id in wanted]
        rows += [(r.created, {"room_title": r.title, "room_id": r.room_id, "room_sid": r.sid,
                              "joined_participants": str(r.joined_total), "webhook_url": r.webhook_url,
                              "created": rfc3339(r.created), "ended": GO_ZERO_TIME})
                 for r in state.rooms.values() if not wanted or r.room_id in wanted]
    rows.sort(key=lambda row: row[0], reverse=order == "DESC")
    if not rows:
        raise Refusal("no room found", "NOT_FOUND")
    return envelope(True, "success", "SUCCESS", result={
        "total_rooms": str(len(rows)), "from": start, "limit": limit, "order_by": order,
        "rooms_list": [info for _created, info in rows[start:start + limit]],
    })


def _fetch_recordings(state: PlugNmeetState, req: Json) -> Json:
    decoded = decode_message(req, FETCH)
    start, limit, order = _page_args(decoded)
    wanted = set(decoded.get("room_ids") or [])
    room_sid = decoded.get("room_sid")
    with state.lock:
        recordings = list(state.recordings.values())
    if room_sid:
        recordings = [r for r in recordings if r.room_sid == room_sid]
    elif wanted:
        recordings = [r for r in recordings if r.room_id in wanted]
    recordings.sort(key=lambda r: r.created, reverse=order == "DESC")
    page = recordings[start:start + limit]
    if not recordings:  # a page past the end is status:true with an empty list (pkg/models/recording_info.go)
        raise Refusal("no recording found", "NOT_FOUND")
    return envelope(True, "success", "SUCCESS", result={
        "total_recordings": str(len(recordings)), "from": start, "limit": limit, "order_by": order,
        "recordings_list": [_recording_info(r) for r in page],
    })


def _record(state: PlugNmeetState, req: Json) -> SimRecording:
    record_id = decode_message(req, RECORD_ID).get("record_id", "")
    if not record_id:
        raise _invalid([("record_id", "value is required")])
    with state.lock:
        recording = state.recordings.get(record_id)
    if recording is None:
        raise Refusal("recording not found", "NOT_FOUND")
    return recording


def _delete_recording(state: PlugNmeetState, req: Json) -> Json:
    recording = _record(state, req)
    with state.lock:
        state.recordings.pop(recording.record_id, None)
    return envelope(True, "success", "SUCCESS")


def _recording_token(state: PlugNmeetState, req: Json) -> Json:
    recording = _record(state, req)
    now = int(state.now())
    token = encode_hs256({"iss": state.api_key, "sub": recording.record_id, "nbf": now,
                          "exp": now + DOWNLOAD_TOKEN_VALIDITY}, state.secret)
    return envelope(True, "success", "SUCCESS", token=token)


def _recording_details(state: PlugNmeetState, req: Json) -> Json:
    recording = _record(state, req)
    with state.lock:
        past = next((p for p in state.past_rooms if p.sid == recording.room_sid), None)
    room_info = None
    if past is not None:
        fmt = "%Y-%m-%d %H:%M:%S"
        room_info = {"room_title": past.title, "room_id": past.room_id, "room_sid": past.sid,
                     "joined_participants": str(past.joined), "webhook_url": past.webhook_url,
                     "created": datetime.fromtimestamp(past.created, UTC).strftime(fmt),
                     "ended": datetime.fromtimestamp(past.ended, UTC).strftime(fmt)}
    return envelope(True, "success", "SUCCESS", recording_info=_recording_info(recording), room_info=room_info)


def _user_problem(user_id: str, name: str) -> str | None:
    if not ID_PATTERN.match(user_id):
        return "user_id should only contain ASCII letters (a-z A-Z), digits (0-9) or -_"
    for prefix in RESERVED_USER_PREFIXES:
        if user_id.startswith(prefix):
            return f"user_id: {user_id} is reserved for internal use only"
    if user_id.endswith("-native"):
        return "user_id: suffix -native is reserved for internal use only"
    if "-FIELD_" in user_id:
        return "user_id cannot contain the reserved pattern '-FIELD_'"
    if user_id.startswith("user_"):
        return "user_id cannot start with the reserved pattern 'user_'"
    if name == RECORDER_NAME:
        return f"name: {RECORDER_NAME} is reserved for internal use only"
    return None


def _get_join_token(state: PlugNmeetState, req: Json) -> Json:
    decoded = decode_message(req, GENERATE_TOKEN)
    room_id = decoded.get("room_id", "")
    violations: list[tuple[str, str]] = []
    if not ID_PATTERN.match(room_id):
        violations.append(("room_id", ROOM_ID_RULE_JOIN))
    info: Json | None = decoded.get("user_info")
    if info is None:
        violations.append(("user_info", "value is required"))
    else:
        if not info.get("name"):
            violations.append(("user_info.name", "value is required"))
        meta = info.get("user_metadata", {})
        if "profile_pic" in meta and not is_uri(meta["profile_pic"]):
            violations.append(("user_info.user_metadata.profile_pic", "value must be a valid URI"))
        if meta.get("is_presenter"):
            violations.append(("user_info.user_metadata.is_presenter", "value must equal false"))
        if meta.get("wait_for_approval"):
            violations.append(("user_info.user_metadata.wait_for_approval", "value must equal false"))
    if violations or info is None:
        raise _invalid(violations)
    with state.lock:
        room = state.rooms.get(room_id)
        if room is None or not room.active:
            raise Refusal("room is not active", "ROOM_NOT_FOUND")
        user_id = info.get("user_id", "")
        if room.features.get("auto_gen_user_id"):
            user_id = str(uuid.uuid4())
        problem = _user_problem(user_id, info["name"])
        if problem:
            raise Refusal(problem, "INTERNAL_SERVER_ERROR")
        if (room_id, user_id) in state.blocked:
            raise Refusal("this user is blocked to join this session", "USER_BLOCKED")
        is_admin = bool(info.get("is_admin"))
        requested = info.get("user_metadata", {})
        room_locks = room.metadata.get("default_lock_settings", {})
        if is_admin:
            locks = dict.fromkeys(LOCK_KEYS, False)
            locks["lock_whiteboard"] = bool(room_locks.get("lock_whiteboard"))
        else:
            overrides = {**room_locks, **requested.get("lock_settings", {})}
            locks = {k: overrides[k] for k in LOCK_KEYS if k in overrides}
        waiting = bool(room.features.get("waiting_room_features", {}).get("is_active")) and not is_admin
        metadata: Json = {
            "is_admin": is_admin, "record_webcam": requested.get("record_webcam", True), "is_presenter": False,
            "raised_hand": {"is_raised": False, "raised_at": 0}, "wait_for_approval": waiting,
            "lock_settings": locks, "metadata_id": str(uuid.uuid4()), "extra_data": requested.get("extra_data", {}),
            "ex_user_id": requested.get("ex_user_id") or user_id,
        }
        for key in ("profile_pic", "preferred_lang"):
            if requested.get(key):
                metadata[key] = requested[key]
        state.pending[(room_id, user_id)] = PendingUser(room_id, user_id, info["name"], is_admin,
                                                        bool(info.get("is_hidden")), metadata)
    now = int(state.now())
    claims: Json = {"iss": state.api_key, "sub": user_id, "nbf": now, "exp": now + state.token_validity,
                    "name": info["name"], "user_id": user_id, "room_id": room_id}
    if is_admin:
        claims["is_admin"] = True
    if info.get("is_hidden"):
        claims["is_hidden"] = True
    if info.get("client_type") == "HYBRID_WEB":
        claims["client_type"] = 1
    return envelope(True, "success", "SUCCESS", token=encode_hs256(claims, state.secret))


def _client_files(_state: PlugNmeetState, _req: Json) -> Json:
    css = ["main.7c1e2a.css"]
    js = ["main-module.3f9d1b.js", "vendor.88aa01.js"]
    return envelope(True, "success", "UNKNOWN_STATUS", css=css, js=js, css_files=css, js_files=js)


HANDLERS: dict[str, tuple[Handler, Json]] = {
    # path → (handler, payload fields a status:false answer carries); failures sent with
    # SendCommonProtoJsonResponse carry none (plugNmeet-server pkg/controllers/room.go, recording.go)
    "room/create": (_create_room, {}),
    "room/isRoomActive": (_is_room_active, {"is_active": False}),
    "room/getActiveRoomInfo": (_get_active_room_info, {"room": None}),
    "room/getActiveRoomsInfo": (_get_active_rooms_info, {"rooms": []}),
    "room/endRoom": (_end_room, {}),
    "room/fetchPastRooms": (_fetch_past_rooms, {}),
    "room/getJoinToken": (_get_join_token, {}),
    "recording/fetch": (_fetch_recordings, {}),
    "recording/info": (_recording_details, {}),
    "recording/recordingInfo": (_recording_details, {}),
    "recording/delete": (_delete_recording, {}),
    "recording/getDownloadToken": (_recording_token, {}),
    "getClientFiles": (_client_files, {}),
}
#: endpoints whose body the server signs but never parses
UNPARSED = frozenset({"room/getActiveRoomsInfo", "getClientFiles"})
