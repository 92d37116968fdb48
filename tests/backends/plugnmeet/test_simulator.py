"""The plugNmeet simulator on its own: wire rules, auth, state semantics, tokens, join page, and the
community Python SDK (PyPI ``plugnmeet-sdk`` by vector-mj, not by the plugNmeet authors) driving it. The
official JS SDK of the plugNmeet authors drives it in ``test_sdk_js.py``."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

import httpx
import jwt
import pytest

from meetdesk.backends.plugnmeet.simulator.app import build
from meetdesk.backends.plugnmeet.simulator.state import SAMPLE_API_KEY, SAMPLE_SECRET, PlugNmeetState
from meetdesk.simulators.host import SimulatorHost

# --- helpers ---------------------------------------------------------------------------------

class Api:
    """A tiny independent client: signs exactly the bytes it posts."""

    def __init__(self, host: SimulatorHost) -> None:
        self.host = host
        self.http = httpx.Client(base_url=host.base_url, timeout=10)

    @property
    def state(self) -> PlugNmeetState:
        assert self.host.definition is not None
        state = self.host.definition.state
        assert isinstance(state, PlugNmeetState)
        return state

    def raw(self, path: str, body: bytes, *, key: str | None = SAMPLE_API_KEY, signature: str | None = None,
            content_type: str = "application/json", extra: dict[str, str] | None = None) -> httpx.Response:
        headers = {"Content-Type": content_type, **(extra or {})}
        if key is not None:
            headers["API-KEY"] = key
        sig = hmac.new(SAMPLE_SECRET.encode(), body, hashlib.sha256).hexdigest() if signature is None else signature
        if sig:
            headers["HASH-SIGNATURE"] = sig
        return self.http.post(f"/auth/{path}", content=body, headers=headers)

    def call(self, path: str, payload: Any) -> dict[str, Any]:
        response = self.raw(path, json.dumps(payload).encode())
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = response.json()
        return body

    def create(self, room_id: str, title: str = "Room", **extra: Any) -> dict[str, Any]:
        return self.call("room/create", {"room_id": room_id, "metadata": {"room_title": title, "room_features": {}},
                                         **extra})

    def token(self, room_id: str, name: str = "Ada", user_id: str = "ada", **info: Any) -> dict[str, Any]:
        return self.call("room/getJoinToken", {"room_id": room_id, "user_info": {
            "name": name, "user_id": user_id, "is_admin": False, **info}})


@pytest.fixture
def api() -> Iterator[Api]:
    with SimulatorHost.for_definition(build(seed=True)) as host:
        client = Api(host)
        yield client
        client.http.close()


@pytest.fixture
def empty_api() -> Iterator[Api]:
    with SimulatorHost.for_definition(build(seed=False)) as host:
        client = Api(host)
        yield client
        client.http.close()


# --- authentication --------------------------------------------------------------------------

BODY = b'{"room_id":"weekly-team-sync"}'


def test_lowercase_hex_signature_of_the_raw_body_is_accepted(api: Api) -> None:
    response = api.raw("room/isRoomActive", BODY)
    assert response.status_code == 200
    assert response.json() == {"status": True, "msg": "room is active", "status_code": "SUCCESS", "is_active": True}


def test_uppercase_signature_is_rejected(api: Api) -> None:
    upper = hmac.new(SAMPLE_SECRET.encode(), BODY, hashlib.sha256).hexdigest().upper()
    response = api.raw("room/isRoomActive", BODY, signature=upper)
    assert response.status_code == 401
    assert response.json() == {"status": False, "msg": "Failed to verify provided authentication details.",
                               "status_code": "INVALID_TOKEN_OR_SIGNATURE"}


def test_signature_over_reserialised_json_is_rejected(api: Api) -> None:
    payload = json.loads(BODY)
    sig = hmac.new(SAMPLE_SECRET.encode(), json.dumps(payload).encode(), hashlib.sha256).hexdigest()  # ", " / ": "
    assert api.raw("room/isRoomActive", BODY, signature=sig).status_code == 401
    assert api.raw("room/isRoomActive", json.dumps(payload).encode(), signature=sig).status_code == 200


@pytest.mark.parametrize(
    ("key", "signature", "msg", "code"),
    [
        (None, None, "Missing API-KEY header.", "MISSING_REQUIRED_PARAMETER"),
        ("wrong", None, "Invalid API key provided.", "INVALID_API_KEY"),
        (SAMPLE_API_KEY, "", "Missing HASH-SIGNATURE header.", "MISSING_REQUIRED_PARAMETER"),
        (SAMPLE_API_KEY, "00" * 32, "Failed to verify provided authentication details.", "INVALID_TOKEN_OR_SIGNATURE"),
    ],
)
def test_auth_failures_are_401_with_the_documented_bodies(api: Api, key: str | None, signature: str | None,
                                                          msg: str, code: str) -> None:
    response = api.raw("room/isRoomActive", BODY, key=key, signature=signature)
    assert response.status_code == 401
    assert response.json() == {"status": False, "msg": msg, "status_code": code}


def test_wrong_secret_is_rejected() -> None:
    with SimulatorHost.for_definition(build(seed=False, secret="another-secret-123")) as host:
        api = Api(host)
        assert api.raw("room/getActiveRoomsInfo", b"{}").status_code == 401
        sig = hmac.new(b"another-secret-123", b"{}", hashlib.sha256).hexdigest()
        assert api.raw("room/getActiveRoomsInfo", b"{}", signature=sig).status_code == 200
        api.http.close()


def test_protobuf_clients_get_a_binary_auth_failure(api: Api) -> None:
    response = api.raw("room/isRoomActive", BODY, key="wrong", content_type="application/protobuf")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/protobuf"
    assert response.content == b"\x12\x19Invalid API key provided."


def test_multipart_requests_sign_the_room_id_header(api: Api) -> None:
    ctype = "multipart/form-data; boundary=x"
    response = api.raw("room/uploadWhiteboardFile", b"--x--", content_type=ctype)
    assert response.status_code == 401
    assert response.json()["msg"] == "Missing Room-Id header for multipart request."
    sig = hmac.new(SAMPLE_SECRET.encode(), b"weekly-team-sync", hashlib.sha256).hexdigest()
    signed = api.raw("room/uploadWhiteboardFile", b"--x--", content_type=ctype, signature=sig,
                     extra={"Room-Id": "weekly-team-sync"})
    assert signed.status_code == 404  # authenticated; the upload itself is not simulated


def test_unknown_paths(api: Api) -> None:
    unknown = api.raw("room/noSuchThing", b"{}")
    assert (unknown.status_code, unknown.text) == (404, "not found")
    assert api.raw("room/noSuchThing", b"{}", key="wrong").status_code == 401  # auth runs first for /auth/*
    assert api.http.get("/auth/room/create").status_code == 404
    assert api.http.get("/no/such/page").text == "not found"


# --- request decoding ------------------------------------------------------------------------

def test_camel_case_names_and_unknown_keys(api: Api) -> None:
    body = api.call("room/create", {
        "roomId": "camel-room", "emptyTimeout": "600", "typo_field": 1,
        "metadata": {"roomTitle": "Camel", "roomFeatures": {"allowWebcams": False, "chat_features": {
            "allow_chat": False, "isAllowFileUpload": False}}, "extraData": {"team": "blue"}}})
    assert body["status"] is True
    stored = api.state.rooms["camel-room"]
    assert stored.empty_timeout == 600
    features = stored.metadata["room_features"]
    # 2.4 merges the request over the defaults (proto.Merge), so this `false` for a default-on feature is lost
    assert features["allow_webcams"] is True
    # the pre-2.0 name allow_chat is unknown now and silently ignored
    assert features["chat_features"]["is_allow"] is True
    # merged away too (default on); the camelCase name itself was read, as the extra_data shows
    assert features["chat_features"]["is_allow_file_upload"] is True
    assert stored.metadata["extra_data"] == {"team": "blue"}


def test_null_means_absent(api: Api) -> None:
    body = api.call("room/create", {"room_id": "nulls", "max_participants": None, "metadata": {
        "room_title": "N", "room_features": {"allow_webcams": None}, "welcome_message": None}})
    assert body["status"] is True
    stored = api.state.rooms["nulls"]
    assert stored.metadata["room_features"]["allow_webcams"] is True
    assert "welcome_message" not in stored.metadata


@pytest.mark.parametrize(
    ("payload", "start"),
    [
        (b"", "proto: syntax error"),
        (b"{not json", "proto: syntax error (line 1:2)"),
        (b"[1]", "proto: syntax error (line 1:1): unexpected token ["),
        (b'{"room_id": 5}', "proto: invalid value for string field roomId: 5"),
        (b'{"room_id": "x", "metadata": {"room_title": "t", "extra_data": "old-style"}}',
         "proto: invalid value for map field extraData"),
        (b'{"room_id": "x", "empty_timeout": -1}', "proto: invalid value for uint32 field emptyTimeout"),
    ],
)
def test_undecodable_bodies_are_status_false_with_http_200(api: Api, payload: bytes, start: str) -> None:
    response = api.raw("room/create", payload)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] is False and body["status_code"] == "INVALID_PARAMETERS"
    assert body["msg"].startswith(start)


@pytest.mark.parametrize(
    ("payload", "msg"),
    [
        ({"room_id": "", "metadata": {"room_title": "t", "room_features": {}}},
         "validation error: room_id: room_id should only contain ASCII letters (a-z A-Z), digits (0-9) or -_"),
        ({"room_id": "a.b", "metadata": {"room_title": "t", "room_features": {}}},
         "validation error: room_id: room_id should only contain ASCII letters (a-z A-Z), digits (0-9) or -_"),
        ({"room_id": "r"}, "validation error: metadata: value is required"),
        ({"room_id": "r", "empty_timeout": 0, "metadata": {"room_title": "", "room_features": {}}},
         "validation errors:\n - empty_timeout: value must be greater than 0\n"
         " - metadata.room_title: value is required"),
        ({"room_id": "r", "metadata": {"room_title": "t", "room_features": {}, "logout_url": "no uri"}},
         "validation error: metadata.logout_url: value must be a valid URI"),
    ],
)
def test_validation_messages(api: Api, payload: dict[str, Any], msg: str) -> None:
    assert api.call("room/create", payload) == {"status": False, "msg": msg, "status_code": "INVALID_PARAMETERS"}


@pytest.mark.parametrize(
    ("room_id", "msg"),
    [("user_room", "RoomId cannot start with the reserved pattern 'user_'"),
     ("a-FIELD_b", "RoomId cannot contain the reserved pattern '-FIELD_'")],
)
def test_reserved_room_ids(api: Api, room_id: str, msg: str) -> None:
    body = api.create(room_id)
    assert body["status"] is False and body["msg"] == msg
    assert room_id not in api.state.rooms


# --- rooms -----------------------------------------------------------------------------------

def test_create_answers_in_the_servers_shapes(empty_api: Api) -> None:
    body = empty_api.create("room01", "Test room", empty_timeout=60, max_participants=5)
    assert body["status"] is True and body["msg"] == "success" and body["status_code"] == "SUCCESS"
    info = body["room_info"]
    assert info["room_id"] == "room01" and info["room_title"] == "Test room"
    assert info["is_running"] == 1 and info["is_recording"] == 0 and info["is_breakout_room"] == 0
    assert info["joined_participants"] == "0"
    assert isinstance(info["creation_time"], str) and info["creation_time"].isdigit()
    metadata = json.loads(info["metadata"])
    assert metadata["room_features"]["room_duration"] == "0"  # uint64 inside the metadata string too
    assert metadata["room_features"]["chat_features"]["max_file_size"] == "50"
    assert metadata["default_lock_settings"] == {"lock_screen_sharing": True, "lock_whiteboard": True,
                                                 "lock_shared_notepad": True}
    assert metadata["metadata_id"]
    assert empty_api.state.rooms["room01"].empty_timeout == 1800  # under 120 s → the server's 1800
    assert empty_api.state.rooms["room01"].max_participants == 5


def test_create_is_idempotent_while_the_room_runs(empty_api: Api) -> None:
    first = empty_api.create("room01", "First")["room_info"]
    second = empty_api.create("room01", "Second")["room_info"]
    assert second["sid"] == first["sid"] and second["room_title"] == "First"
    assert empty_api.call("room/endRoom", {"room_id": "room01"})["status"] is True
    third = empty_api.create("room01", "Third")["room_info"]
    assert third["sid"] != first["sid"] and third["room_title"] == "Third"


def test_is_room_active_distinguishes_unknown_and_ended(api: Api) -> None:
    assert api.call("room/isRoomActive", {"room_id": "nobody-knows"}) == {
        "status": True, "msg": "room not found", "status_code": "ROOM_NOT_FOUND", "is_active": False}
    api.call("room/endRoom", {"room_id": "support-clinic"})
    assert api.call("room/isRoomActive", {"room_id": "support-clinic"}) == {
        "status": True, "msg": "room is not active", "status_code": "ROOM_NOT_ACTIVE", "is_active": False}
    assert api.call("room/isRoomActive", {})["msg"] == "validation error: room_id: value is required"


def test_active_room_info_and_participants(api: Api) -> None:
    body = api.call("room/getActiveRoomInfo", {"room_id": "weekly-team-sync"})
    room = body["room"]
    assert room["room_info"]["joined_participants"] == "4"
    people = {p["name"]: p for p in room["participants_info"]}
    amira = people["Amira Haddad"]
    assert amira["identity"] == "amira-haddad" and amira["state"] == "ACTIVE"
    assert isinstance(amira["joined_at"], str)
    assert json.loads(amira["metadata"])["is_admin"] is True
    assert json.loads(amira["metadata"])["is_presenter"] is True
    assert api.call("room/getActiveRoomInfo", {"room_id": "zzz"}) == {
        "status": False, "msg": "room not found in active state", "status_code": "ROOM_NOT_FOUND", "room": None}
    # a past room's NATS data was cleaned up with it (pkg/models/room_info.go GetActiveRoomInfo)
    assert api.call("room/getActiveRoomInfo", {"room_id": "board-prep"})["status_code"] == "ROOM_NOT_FOUND"


def test_active_rooms_info_when_none_runs(empty_api: Api) -> None:
    assert empty_api.call("room/getActiveRoomsInfo", {}) == {
        "status": False, "msg": "no active room found", "status_code": "NOT_FOUND", "rooms": []}
    # the body is signed but never parsed
    assert empty_api.raw("room/getActiveRoomsInfo", b"garbage").json()["status_code"] == "NOT_FOUND"


def test_end_room(api: Api) -> None:
    # pkg/models/room_end.go: success first, the cleanup (onAfterRoomEnded) afterwards; meanwhile the room is
    # still in the room table (listed), not active, and a second end finds the lock taken and says success
    assert api.call("room/endRoom", {"room_id": "acme-onboarding"}) == {
        "status": True, "msg": "success", "status_code": "SUCCESS"}
    assert "acme-onboarding" in {r["room_info"]["room_id"] for r in api.call("room/getActiveRoomsInfo", {})["rooms"]}
    assert api.call("room/isRoomActive", {"room_id": "acme-onboarding"})["status_code"] == "ROOM_NOT_ACTIVE"
    assert api.call("room/getActiveRoomInfo", {"room_id": "acme-onboarding"})["status_code"] == "ROOM_NOT_ACTIVE"
    assert api.call("room/getJoinToken", {"room_id": "acme-onboarding", "user_info": {
        "name": "Late", "user_id": "late"}})["msg"] == "room is not active"
    assert api.call("room/endRoom", {"room_id": "acme-onboarding"})["status"] is True
    api.state.advance(api.state.end_linger + 1)
    # cleaned up: NATS data gone, so isRoomActive says "room not found", as for a room that never existed
    assert api.call("room/isRoomActive", {"room_id": "acme-onboarding"}) == {
        "status": True, "msg": "room not found", "status_code": "ROOM_NOT_FOUND", "is_active": False}
    assert api.call("room/endRoom", {"room_id": "acme-onboarding"}) == {
        "status": False, "msg": "room not found or not active", "status_code": "ROOM_NOT_FOUND"}
    newest = api.call("room/fetchPastRooms", {"limit": 1})["result"]["rooms_list"][0]
    assert newest["room_id"] == "acme-onboarding" and newest["joined_participants"] == "2"


def test_rooms_end_by_time_limit_and_when_left_empty(empty_api: Api) -> None:
    empty_api.call("room/create", {"room_id": "short", "metadata": {"room_title": "S", "room_features": {
        "room_duration": "30"}}})
    empty_api.create("idle", empty_timeout=300)
    state = empty_api.state
    state.join("idle", "Someone", user_id="someone")
    state.advance(301)
    assert empty_api.call("room/isRoomActive", {"room_id": "idle"})["is_active"] is True  # not empty
    state.leave("idle", "someone")
    state.advance(31 * 60)
    assert empty_api.call("room/isRoomActive", {"room_id": "short"})["status_code"] == "ROOM_NOT_ACTIVE"  # ending
    assert empty_api.call("room/isRoomActive", {"room_id": "idle"})["status_code"] == "ROOM_NOT_ACTIVE"
    state.advance(state.end_linger + 1)
    assert empty_api.call("room/isRoomActive", {"room_id": "idle"})["status_code"] == "ROOM_NOT_FOUND"


def test_past_rooms_paging(api: Api) -> None:
    page = api.call("room/fetchPastRooms", {"room_ids": [], "from": 2, "limit": 3, "order_by": "DESC"})
    result = page["result"]
    # 6 ended sessions and the 3 running rooms: GetPastRooms' IsRunning filter is lost (GORM struct condition)
    assert result["total_rooms"] == "9" and result["from"] == 2 and result["limit"] == 3
    assert len(result["rooms_list"]) == 3
    row = result["rooms_list"][0]
    assert set(row) == {"room_title", "room_id", "room_sid", "joined_participants", "webhook_url", "created",
                        "ended"}
    assert row["created"].endswith("Z") and "T" in row["created"]
    asc = api.call("room/fetchPastRooms", {"order_by": "ASC"})["result"]["rooms_list"]
    assert asc[0]["room_id"] == "weekly-team-sync"
    only = api.call("room/fetchPastRooms", {"room_ids": ["board-prep"]})["result"]
    assert only["total_rooms"] == "1"
    everything = api.call("room/fetchPastRooms", {"limit": 100})["result"]["rooms_list"]
    running = [r for r in everything if r["room_id"] in api.state.rooms and r["ended"].startswith("0001-")]
    assert {r["room_id"] for r in running} == set(api.state.rooms)
    assert all(r["ended"] == "0001-01-01T00:00:00Z" for r in running)
    # a page past the end is a success with an empty list; only "nothing at all" is NOT_FOUND, without result
    past_end = api.call("room/fetchPastRooms", {"from": 50})
    assert past_end["status"] is True and past_end["result"]["rooms_list"] == []
    assert api.call("room/fetchPastRooms", {"room_ids": ["never-existed"]}) == {
        "status": False, "msg": "no room found", "status_code": "NOT_FOUND"}
    # the community SDK's misspelt "from_" is ignored: paging starts at 0
    assert api.call("room/fetchPastRooms", {"from_": 5})["result"]["from"] == 0


# --- join tokens and the join page -----------------------------------------------------------

def test_join_token_is_an_hs256_jwt_with_the_documented_claims(api: Api) -> None:
    body = api.token("weekly-team-sync", "Ada Lovelace", "ada-1", is_admin=True, is_hidden=False)
    assert body["status"] is True and body["msg"] == "success"
    claims = jwt.decode(body["token"], SAMPLE_SECRET, algorithms=["HS256"], issuer=SAMPLE_API_KEY)
    assert claims["sub"] == claims["user_id"] == "ada-1"
    assert claims["name"] == "Ada Lovelace" and claims["room_id"] == "weekly-team-sync"
    assert claims["is_admin"] is True and "is_hidden" not in claims  # Go's omitempty
    assert claims["exp"] - claims["nbf"] == 600
    guest = jwt.decode(api.token("weekly-team-sync", "Guest", "guest-1")["token"], SAMPLE_SECRET,
                       algorithms=["HS256"], issuer=SAMPLE_API_KEY)
    assert "is_admin" not in guest


def test_join_token_errors(api: Api) -> None:
    assert api.token("not-running") == {"status": False, "msg": "room is not active",
                                        "status_code": "ROOM_NOT_FOUND"}
    assert api.token("a b")["msg"] == ("validation error: room_id: room_id should only contain letters (a-z A-Z), "
                                       "digits (0-9) or -_")
    assert api.call("room/getJoinToken", {"room_id": "weekly-team-sync"})["msg"] == (
        "validation error: user_info: value is required")
    cases = {
        "user_x": "user_id cannot start with the reserved pattern 'user_'",
        "a-FIELD_b": "user_id cannot contain the reserved pattern '-FIELD_'",
        "sip_1": "user_id: sip_1 is reserved for internal use only",
        "phone-native": "user_id: suffix -native is reserved for internal use only",
        "a.b": "user_id should only contain ASCII letters (a-z A-Z), digits (0-9) or -_",
    }
    for user_id, msg in cases.items():
        assert api.token("weekly-team-sync", user_id=user_id) == {
            "status": False, "msg": msg, "status_code": "INTERNAL_SERVER_ERROR"}
    assert api.token("weekly-team-sync", name="PLUGNMEET_RECORDER_AUTH")["msg"] == (
        "name: PLUGNMEET_RECORDER_AUTH is reserved for internal use only")


def _page(api: Api, token: str, design: dict[str, Any] | str | None = None) -> httpx.Response:
    url = f"/?access_token={token}"
    if design is not None:
        raw = design if isinstance(design, str) else json.dumps(design)
        url += "&custom_design=" + quote(raw, safe="")
    return api.http.get(url)


def test_join_page_is_painted_in_the_custom_design(api: Api) -> None:
    token = api.token("weekly-team-sync", "Ada Lovelace", "ada-1", is_admin=True)["token"]
    design = {"primary_color": "#004D90", "header_bg_color": "#112233", "footer_bg_color": "#445566",
              "side_panel_bg_color": "#778899", "background_color": "#F0F0F0",
              "primary_btn_bg_color": "#AA0000", "primary_btn_text_color": "#FFFFFF",
              "secondary_btn_bg_color": "#00AA00", "footer_icon_bg_color": "#000000", "footer_icon_color": "#FFFF00",
              "custom_logo": "https://example.org/logo.svg"}
    response = _page(api, token, design)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "header#main-header { background-color: #112233; }" in page
    assert "footer#main-footer { background-color: #445566; }" in page
    assert ".side-panel-bg-color { background-color: #778899; }" in page
    assert "#main-area, body:not(.dark) .waiting-room { background: #F0F0F0; }" in page
    assert ".primary-button { background-color: #AA0000; color: #FFFFFF; }" in page
    assert ".secondary-button { background-color: #00AA00;" in page
    assert ".footer-icon-bg { background-color: #000000; color: #FFFF00; }" in page
    assert '<img class="logo" src="https://example.org/logo.svg"' in page
    assert "Welcome, Ada Lovelace" in page and "Weekly team sync" in page and "Moderator" in page
    assert "Jonas Keller" in page  # the participant list
    assert "ada-1" in api.state.rooms["weekly-team-sync"].participants


def test_join_page_defaults_and_ignored_design(api: Api) -> None:
    token = api.token("support-clinic", "Guest", "guest-7")["token"]
    plain = _page(api, token).text
    assert "header#main-header { background-color: #FFFFFF; }" in plain
    assert "Participant" in plain and "Locked for you: microphone" in plain
    broken = _page(api, token, "{not json").text
    assert "custom_design is not valid JSON" in broken
    hostile = _page(api, token, {"header_bg_color": "red;}</style><script>alert(1)</script>",
                                 "background_image": "javascript:alert(1)", "primary_color": "#123"}).text
    assert "<script>" not in hostile and "javascript:" not in hostile.split("</style>")[0]
    assert ".text-primary-color { color: #123; }" in hostile
    assert "header_bg_color: " in hostile and "was not applied" in hostile


def test_join_page_follows_the_clients_custom_design_rules(api: Api) -> None:
    # plugNmeet-client 2.4 src/helpers/hooks/useClientCustomization.tsx
    api.state.design_config = {"header_bg_color": "#123456"}  # the server's own design
    token = api.token("support-clinic", "Guest", "guest-8")["token"]
    for absent in (None, "{}"):  # absent or {} → the server's design
        assert "header#main-header { background-color: #123456; }" in _page(api, token, absent).text
    # any other value replaces the server's design whole, no merging
    own = _page(api, token, {"footer_bg_color": "#654321"}).text
    assert "header#main-header { background-color: #FFFFFF; }" in own
    assert "footer#main-footer { background-color: #654321; }" in own
    # right_side_bg_color still stands in for side_panel_bg_color; side_panel wins when both are set
    alias = _page(api, token, {"right_side_bg_color": "#ABCDEF"}).text
    assert ".side-panel-bg-color { background-color: #ABCDEF; }" in alias
    both = _page(api, token, {"right_side_bg_color": "#ABCDEF", "side_panel_bg_color": "#FEDCBA"}).text
    assert ".side-panel-bg-color { background-color: #FEDCBA; }" in both
    # left_side_bg_color and column_camera_* are read by clients 1.x only
    old = _page(api, token, {"left_side_bg_color": "#0A0B0C", "column_camera_width": "small"}).text
    assert "#0A0B0C" not in old.split("</style>")[0] and ".participants-wrapper {" not in old
    assert old.count("only plugNmeet clients 1.x read it") == 2


def test_join_page_waiting_room(api: Api) -> None:
    token = api.token("acme-onboarding", "Late Guest", "late-guest")["token"]
    page = _page(api, token).text
    assert "Waiting room" in page and "Lena will let you in in a moment." in page
    metadata = api.state.rooms["acme-onboarding"].participants["late-guest"].metadata
    assert metadata["wait_for_approval"] is True


def test_join_page_rejects_bad_tokens(api: Api) -> None:
    assert "No access token" in api.http.get("/").text
    token = api.token("weekly-team-sync")["token"]
    header, payload, sig = token.split(".")
    tampered = f"{header}.{payload}.{sig[:-2]}{'AA' if not sig.endswith('AA') else 'BB'}"
    assert "not issued by this server" in _page(api, tampered).text
    foreign = jwt.encode({"iss": SAMPLE_API_KEY, "exp": 9_999_999_999, "room_id": "weekly-team-sync"},
                         "some-other-secret-value-32-bytes!", algorithm="HS256")
    assert "not issued by this server" in _page(api, foreign).text
    assert "not a valid token" in _page(api, "garbage").text
    api.state.advance(601 + 10)
    expired = _page(api, token).text
    assert "The join link has expired." in expired and "This join link cannot be used" in expired


def test_join_page_for_an_ended_room(api: Api) -> None:
    token = api.token("support-clinic")["token"]
    api.call("room/endRoom", {"room_id": "support-clinic"})
    assert "The meeting is not running" in _page(api, token).text


# --- recordings ------------------------------------------------------------------------------

def test_recordings(api: Api) -> None:
    result = api.call("recording/fetch", {"room_ids": [], "limit": 2})["result"]
    assert result["total_recordings"] == "4" and len(result["recordings_list"]) == 2
    newest = result["recordings_list"][0]
    assert newest["room_id"] == "board-prep" and newest["file_size"] == 48.5
    assert isinstance(newest["creation_time"], str) and isinstance(newest["room_creation_time"], str)
    assert newest["file_path"].endswith(f"/{newest['record_id']}.mp4")
    assert newest["metadata"]["title"] == "Board prep (internal)"
    by_sid = api.call("recording/fetch", {"room_sid": newest["room_sid"], "room_ids": ["other"]})["result"]
    assert [r["record_id"] for r in by_sid["recordings_list"]] == [newest["record_id"]]
    assert api.call("recording/fetch", {"room_ids": ["nope"]}) == {
        "status": False, "msg": "no recording found", "status_code": "NOT_FOUND"}  # no result on failure

    info = api.call("recording/info", {"record_id": newest["record_id"]})
    assert info["room_info"]["room_id"] == "board-prep" and " " in info["room_info"]["created"]

    token = api.call("recording/getDownloadToken", {"record_id": newest["record_id"]})["token"]
    download = api.http.get(f"/download/recording/{token}")
    assert download.status_code == 200 and newest["record_id"].encode() in download.content
    assert api.http.get("/download/recording/garbage").status_code == 401

    assert api.call("recording/delete", {"record_id": newest["record_id"]})["status"] is True
    assert api.call("recording/delete", {"record_id": newest["record_id"]}) == {
        "status": False, "msg": "recording not found", "status_code": "NOT_FOUND"}
    assert api.http.get(f"/download/recording/{token}").status_code == 404


# --- the community Python SDK drives the simulator ------------------------------------------
# PyPI plugnmeet-sdk is a community package (github.com/vector-mj/plugnmeet-sdk), not the plugNmeet
# authors' own: the official SDK is the JS one (test_sdk_js.py).

@pytest.mark.asyncio
async def test_community_python_sdk_round_trip(empty_api: Api) -> None:
    from plugnmeet_sdk import PlugNMeet  # type: ignore[import-untyped]
    from plugnmeet_sdk.schemas.data import (  # type: ignore[import-untyped]
        BreakoutRoomFeatures,
        ChatFeatures,
        DisplayExternalLinkFeatures,
        ExternalMediaPlayerFeatures,
        RecordingFeatures,
        RoomFeatures,
        RoomMetadata,
        SharedNotePadFeatures,
        UserInfo,
        UserMetadata,
        WaitingRoomFeatures,
        WhiteboardFeatures,
    )
    from plugnmeet_sdk.schemas.requests import (  # type: ignore[import-untyped]
        CreateRoomRequest,
        EndRoomRequest,
        FetchPastRoomsInfoRequest,
        JoinRoomRequest,
        RoomStatusRequest,
    )

    sdk = PlugNMeet(empty_api.host.base_url, SAMPLE_API_KEY, SAMPLE_SECRET)
    features = RoomFeatures(
        allow_webcams=True, mute_on_start=False, allow_screen_share=True, allow_rtmp=False,
        admin_only_webcams=False, allow_view_other_webcams=True, allow_view_other_users_list=True,
        recording_features=RecordingFeatures(True, True, True, False),
        chat_features=ChatFeatures(allow_chat=True, allow_file_upload=True),
        shared_note_pad_features=SharedNotePadFeatures(allowed_shared_note_pad=True),
        whiteboard_features=WhiteboardFeatures(allowed_whiteboard=True),
        external_media_player_features=ExternalMediaPlayerFeatures(allowed_external_media_player=True),
        waiting_room_features=WaitingRoomFeatures(is_active=False),
        breakout_room_features=BreakoutRoomFeatures(is_allow=True, allowed_number_rooms=2),
        display_external_link_features=DisplayExternalLinkFeatures(is_allow=True),
    )
    create = CreateRoomRequest(room_id="sdk-room", metadata=RoomMetadata(room_title="SDK room",
                                                                         room_features=features))
    status, body = await sdk.createRoom(create)
    assert status == 200 and body["status"] is True and body["room_info"]["room_id"] == "sdk-room"
    # allow_rtmp (deprecated, still honoured) switched external broadcasting off
    stored = empty_api.state.rooms["sdk-room"].metadata["room_features"]
    assert stored["external_broadcasting_features"] == {"is_allow": False, "is_allow_rtmp": False}

    join = JoinRoomRequest(room_id="sdk-room", user_info=UserInfo(
        name="SDK User", user_id="sdk-user", is_admin=True, user_metadata=UserMetadata(preferred_lang="en")))
    status, body = await sdk.getJoinToken(join)
    assert status == 200 and body["status"] is True
    claims = jwt.decode(body["token"], SAMPLE_SECRET, algorithms=["HS256"], issuer=SAMPLE_API_KEY)
    assert claims["user_id"] == "sdk-user" and claims["is_admin"] is True

    status, body = await sdk.isRoomActive(RoomStatusRequest(room_id="sdk-room"))
    assert (status, body["is_active"]) == (200, True)
    status, body = await sdk.endRoom(EndRoomRequest(room_id="sdk-room"))
    assert (status, body["status"]) == (200, True)
    status, body = await sdk.isRoomActive(RoomStatusRequest(room_id="sdk-room"))
    assert body == {"status": True, "msg": "room is not active", "status_code": "ROOM_NOT_ACTIVE",
                    "is_active": False}
    status, body = await sdk.fetchPastRoomsInfo(FetchPastRoomsInfoRequest(room_ids=["sdk-room"], from_=0, limit=5))
    assert body["result"]["rooms_list"][0]["room_title"] == "SDK room"
    assert asdict(FetchPastRoomsInfoRequest(room_ids=[]))["from_"] is None  # the SDK's own quirk, see above

    wrong = PlugNMeet(empty_api.host.base_url, SAMPLE_API_KEY, "wrong-secret")
    status, body = await wrong.getActiveRoomsInfo()
    assert status == 401 and body["status_code"] == "INVALID_TOKEN_OR_SIGNATURE"


def test_build_options() -> None:
    definition = build(seed=False, api_key="key-1", secret="secret-123456")
    assert definition.kind == "plugnmeet" and definition.base_path == ""
    assert definition.fields == {"api_key": "key-1"} and definition.secret == "secret-123456"
    assert isinstance(definition.state, PlugNmeetState) and definition.state.rooms == {}
    seeded = build()
    assert isinstance(seeded.state, PlugNmeetState)
    assert len(seeded.state.rooms) == 3 and len(seeded.state.past_rooms) == 6 and len(seeded.state.recordings) == 4
    with pytest.raises(ValueError):
        build(secret="short")


def test_room_id_longer_than_its_column_is_refused(api: Api) -> None:
    # roomId is varchar(64) (plugNmeet-server pkg/dbmodels/room.go): MySQL refuses a longer one
    ok = api.call("room/create", {"room_id": "r" * 64, "metadata": {"room_title": "T", "room_features": {}}})
    assert ok["status"] is True
    long = api.call("room/create", {"room_id": "r" * 65, "metadata": {"room_title": "T", "room_features": {}}})
    assert long["status"] is False and long["status_code"] == "INTERNAL_SERVER_ERROR" and "room_info" not in long
