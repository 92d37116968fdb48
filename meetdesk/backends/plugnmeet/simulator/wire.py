"""What the plugNmeet simulator needs of the server's wire rules: protojson-style request decoding
(snake_case or lowerCamelCase names, unknown keys ignored, ``null`` = absent, 64-bit ints as number
or string), protovalidate-style messages, response helpers and HS256 tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

# --- protojson-like decoding -------------------------------------------------------------------

Schema = Mapping[str, Any]  # field name → "string" | "bool" | "uint32" | "uint64" | ("list"|"map"|"enum", …) | Schema


class ProtoJsonError(Exception):
    """The text the server puts into ``msg`` when the body does not parse (status INVALID_PARAMETERS)."""


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def parse_json_object(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtoJsonError("proto: syntax error (line 1:1): invalid UTF-8 in string") from None
    if not text.strip():
        raise ProtoJsonError("proto: syntax error (line 1:1): unexpected token ")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtoJsonError(f"proto: syntax error (line {exc.lineno}:{exc.colno}): invalid value") from None
    if not isinstance(value, dict):
        token = text.strip()[:1]
        raise ProtoJsonError(f"proto: syntax error (line 1:1): unexpected token {token}")
    return value


def decode_message(obj: Any, schema: Schema, json_name: str = "") -> dict[str, Any]:
    """Known fields of ``obj`` keyed by proto name, typed; unknown keys are discarded like the server does."""
    if not isinstance(obj, dict):
        raise ProtoJsonError(f"proto: invalid value for message field {json_name}: {json.dumps(obj)}")
    by_name: dict[str, str] = {}
    for name in schema:
        by_name[name] = name
        by_name[_camel(name)] = name
    out: dict[str, Any] = {}
    for key, value in obj.items():
        known = by_name.get(key)
        if known is None or value is None:
            continue
        if known in out:
            raise ProtoJsonError(f'proto: duplicate field "{key}"')
        out[known] = _decode_value(value, schema[known], _camel(known))
    return out


_INT_RANGES = {"uint32": (0, 2**32 - 1), "uint64": (0, 2**64 - 1), "int32": (-(2**31), 2**31 - 1)}


def _invalid(kind: str, json_name: str, value: Any) -> ProtoJsonError:
    return ProtoJsonError(f"proto: invalid value for {kind} field {json_name}: {json.dumps(value)}")


def _is_integral(value: Any) -> bool:
    """1.0 and "123" are integers to protojson; 1.5 and "abc" are not."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and re.fullmatch(r"-?\d+", value) is not None


def _decode_value(value: Any, kind: Any, json_name: str) -> Any:
    if isinstance(kind, Mapping):
        return decode_message(value, kind, json_name)
    if isinstance(kind, tuple):
        tag, inner = kind
        if tag == "list":
            if not isinstance(value, list):
                raise _invalid("repeated", json_name, value)
            return [_decode_value(v, inner, json_name) for v in value]
        if tag == "map":
            if not isinstance(value, dict):
                raise _invalid("map", json_name, value)
            return {str(k): _decode_value(v, inner, json_name) for k, v in value.items()}
        if tag == "enum":
            if isinstance(value, str) and value in inner:
                return value
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(inner):
                return inner[value]
            raise _invalid("enum", json_name, value)
    if kind == "string":
        if not isinstance(value, str):
            raise _invalid("string", json_name, value)
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise _invalid("bool", json_name, value)
        return value
    if kind in _INT_RANGES:
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif _is_integral(value):
            number = int(value)
        low, high = _INT_RANGES[kind]
        if number is None or not low <= number <= high:
            raise _invalid(kind, json_name, value)
        return number
    raise AssertionError(f"unknown schema kind {kind!r}")


# --- request schemas (condensed from plugnmeet-protocol) ----------------------------------------

LOCK_KEYS = ("lock_microphone", "lock_webcam", "lock_screen_sharing", "lock_chat", "lock_chat_send_message",
             "lock_chat_file_share", "lock_private_chat", "lock_whiteboard", "lock_shared_notepad", "lock_reactions")
LOCK_SETTINGS: Schema = dict.fromkeys(LOCK_KEYS, "bool")
RECORDER_BOT: Schema = {"enable_auto_close_chat_panel": "bool", "duration_after_last_message": "uint32"}
ROOM_FEATURES: Schema = {
    "allow_webcams": "bool", "mute_on_start": "bool", "allow_screen_share": "bool", "allow_rtmp": "bool",
    "allow_view_other_webcams": "bool", "allow_view_other_users_list": "bool", "admin_only_webcams": "bool",
    "room_duration": "uint64", "enable_analytics": "bool", "allow_virtual_bg": "bool", "allow_raise_hand": "bool",
    "allow_reactions": "bool", "auto_gen_user_id": "bool",
    "recording_features": {"is_allow": "bool", "is_allow_cloud": "bool", "enable_auto_cloud_recording": "bool",
                           "is_allow_local": "bool", "only_record_admin_webcams": "bool",
                           "recorder_bot_options": RECORDER_BOT},
    "chat_features": {"is_allow": "bool", "is_allow_file_upload": "bool",
                      "allowed_file_types": ("list", "string"), "max_file_size": "uint64"},
    "shared_note_pad_features": {"is_allow": "bool", "is_active": "bool", "visible": "bool",
                                 "note_pad_id": "string"},
    "whiteboard_features": {"is_allow": "bool", "visible": "bool", "preload_file": "string",
                            "whiteboard_file_id": "string", "file_name": "string", "file_path": "string",
                            "total_pages": "uint32", "max_allowed_file_size": "uint64"},
    "external_media_player_features": {"is_allow": "bool", "is_active": "bool", "shared_by": "string",
                                       "url": "string"},
    "waiting_room_features": {"is_active": "bool", "waiting_room_msg": "string"},
    "breakout_room_features": {"is_allow": "bool", "is_active": "bool", "allowed_number_rooms": "uint32"},
    "display_external_link_features": {"is_allow": "bool", "is_active": "bool", "link": "string",
                                       "shared_by": "string"},
    "ingress_features": {"is_allow": "bool", "input_type": ("enum", ("RTMP_INPUT", "WHIP_INPUT")),
                         "url": "string", "stream_key": "string"},
    "end_to_end_encryption_features": {"is_enabled": "bool", "included_chat_messages": "bool",
                                       "included_whiteboard": "bool", "enabled_self_insert_encryption_key": "bool",
                                       "encryption_key": "string"},
    "polls_features": {"is_allow": "bool", "is_active": "bool"},
    "insights_features": {"is_allow": "bool"},
    "sip_dial_in_features": {"is_allow": "bool", "enable_dial_in_on_create": "bool", "hide_phone_number": "bool"},
    "external_broadcasting_features": {"is_allow": "bool", "is_allow_rtmp": "bool",
                                       "recorder_bot_options": RECORDER_BOT},
}
#: proto3 ``optional`` bools of RoomCreateFeatures: proto.Merge copies them even when false
OPTIONAL_FEATURE_BOOLS = frozenset({"allow_rtmp", "allow_virtual_bg", "allow_raise_hand", "allow_reactions",
                                    "auto_gen_user_id"})
ROOM_METADATA: Schema = {
    "room_title": "string", "welcome_message": "string", "is_recording": "bool", "is_active_rtmp": "bool",
    "parent_room_id": "string", "is_breakout_room": "bool", "webhook_url": "string", "started_at": "uint64",
    "logout_url": "string", "room_features": ROOM_FEATURES, "default_lock_settings": LOCK_SETTINGS,
    "copyright_conf": {"display": "bool", "text": "string"}, "metadata_id": "string",
    "extra_data": ("map", "string"),
}
CREATE_ROOM: Schema = {"room_id": "string", "empty_timeout": "uint32", "max_participants": "uint32",
                       "metadata": ROOM_METADATA}
USER_METADATA: Schema = {
    "profile_pic": "string", "is_admin": "bool", "record_webcam": "bool", "is_presenter": "bool",
    "raised_hand": {"is_raised": "bool", "raised_at": "uint64"}, "wait_for_approval": "bool",
    "preferred_lang": "string", "lock_settings": LOCK_SETTINGS, "metadata_id": "string",
    "extra_data": ("map", "string"), "ex_user_id": "string",
}
GENERATE_TOKEN: Schema = {
    "room_id": "string",
    "user_info": {"name": "string", "user_id": "string", "is_admin": "bool", "is_hidden": "bool",
                  "user_metadata": USER_METADATA, "client_type": ("enum", ("WEB", "HYBRID_WEB"))},
}
ROOM_ID: Schema = {"room_id": "string"}
RECORD_ID: Schema = {"record_id": "string"}
FETCH: Schema = {"room_ids": ("list", "string"), "room_sid": "string", "from": "uint32", "limit": "uint32",
                 "order_by": "string"}

#: uint64/int64 fields that protojson writes as strings
INT64_KEYS = frozenset({"room_duration", "max_file_size", "max_allowed_file_size", "started_at", "raised_at"})


def emit_metadata(value: Any) -> Any:
    """A copy with the 64-bit integers as strings, the way the server marshals metadata."""
    if isinstance(value, dict):
        return {k: (str(v) if k in INT64_KEYS and isinstance(v, int) else emit_metadata(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [emit_metadata(v) for v in value]
    return value


# --- validation -------------------------------------------------------------------------------

ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
ROOM_ID_RULE = "room_id should only contain ASCII letters (a-z A-Z), digits (0-9) or -_"
ROOM_ID_RULE_JOIN = "room_id should only contain letters (a-z A-Z), digits (0-9) or -_"


def is_uri(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and not any(c.isspace() for c in value)


def validation_message(violations: list[tuple[str, str]]) -> str:
    """protovalidate-go's error text for one or several violations."""
    if len(violations) == 1:
        path, msg = violations[0]
        return f"validation error: {path}: {msg}"
    return "validation errors:\n" + "\n".join(f" - {path}: {msg}" for path, msg in violations)


# --- responses --------------------------------------------------------------------------------

def envelope(status: bool, msg: str, code: str, **payload: Any) -> dict[str, Any]:
    return {"status": status, "msg": msg, "status_code": code, **payload}


def protobuf_common_response(msg: str) -> bytes:
    """Binary CommonResponse{status=false, msg} for clients that asked for application/protobuf."""
    data = msg.encode("utf-8")
    length = len(data)
    varint = bytearray()
    while True:
        byte = length & 0x7F
        length >>= 7
        varint.append(byte | (0x80 if length else 0))
        if not length:
            break
    return b"\x12" + bytes(varint) + data


def signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# --- HS256 tokens -----------------------------------------------------------------------------

class TokenError(Exception):
    """Why a token is not accepted, as a sentence for the error page."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_hs256(claims: Mapping[str, Any], secret: str) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(dict(claims), separators=(",", ":")).encode())
    mac = hmac.new(secret.encode("utf-8"), f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(mac)}"


def decode_hs256(token: str, secret: str, *, now: float, issuer: str, leeway: float = 5.0) -> dict[str, Any]:
    """Verify signature, algorithm, issuer, nbf and exp; return the claims."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("The access token is not a valid token.")
    try:
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
        mac = _unb64(parts[2])
    except (ValueError, UnicodeError):
        raise TokenError("The access token is damaged.") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
        raise TokenError("The access token uses an unsupported format.")
    expected = hmac.new(secret.encode("utf-8"), f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        raise TokenError("The access token was not issued by this server.")
    if claims.get("iss") != issuer:
        raise TokenError("The access token was issued for another API key.")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or now > exp + leeway:
        raise TokenError("The join link has expired.")
    nbf = claims.get("nbf")
    if isinstance(nbf, int | float) and now + leeway < nbf:
        raise TokenError("The join link is not valid yet.")
    return claims
