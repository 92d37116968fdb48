"""The Jitsi verifier against Prosody's rules, with tokens made by PyJWT directly (not by the client)."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from meetdesk.backends.jitsi.simulator import build
from meetdesk.backends.jitsi.simulator.client_hash import applied_overrides, backend_room, parse_hash
from meetdesk.simulators.host import SimulatorHost

SECRET = "s3cret-app"  # short on purpose: Prosody accepts any app_secret


@pytest.fixture
def server() -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build(app_id="my_app", secret=SECRET, audiences=("jitsi",))) as host:
        yield host


def token(claims: dict[str, Any], *, key: str = SECRET, headers: dict[str, Any] | None = None) -> str:
    now = int(time.time())
    body = {"iss": "my_app", "aud": "jitsi", "sub": "meet.example.org", "room": "board", "nbf": now - 60,
            "exp": now + 600, "context": {"user": {"name": "Alice"}}, **claims}
    with warnings.catch_warnings():  # short on purpose; the verifier must stay quiet about it, PyJWT here not
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="HS256",
                          headers=headers if headers is not None else {"typ": "JWT"})


def visit(server: SimulatorHost, path: str, jwt_text: str) -> dict[str, Any]:
    response = httpx.get(f"{server.base_url}{path}", params={"jwt": jwt_text}, headers={"Accept": "application/json"})
    result: dict[str, Any] = response.json()
    assert (response.status_code == 200) == result["accepted"]
    return result


@pytest.mark.parametrize(("claims", "headers", "key", "reason"), [
    ({}, None, "wrong", "Invalid signature"),
    ({"exp": int(time.time()) - 1}, None, SECRET, "Not acceptable by exp"),
    ({"nbf": int(time.time()) + 600}, None, SECRET, "Not acceptable by nbf"),
    ({"exp": "tomorrow"}, None, SECRET, "exp must be number"),
    ({"iss": "other"}, None, SECRET, "invalid 'iss' claim"),
    ({"iss": None}, None, SECRET, "'iss' claim is missing"),
    ({"aud": "other"}, None, SECRET, "invalid 'aud' claim"),
    ({"room": None}, None, SECRET, "'room' claim is missing"),
    ({"room": "other"}, None, SECRET, "Room and token mismatched"),
    ({}, {"typ": "JOSE"}, SECRET, "Invalid typ"),
])
def test_prosody_refusals(server: SimulatorHost, claims: dict[str, Any], headers: dict[str, Any] | None, key: str,
                          reason: str) -> None:
    result = visit(server, "/board", token(claims, key=key, headers=headers))
    assert result["reason"] == reason


def test_accepted_and_counted(server: SimulatorHost) -> None:
    assert visit(server, "/board", "")["reason"] == "token required"
    result = visit(server, "/Board", token({"room": "BOARD"}))  # both sides lowercase
    assert result["accepted"] and result["room"] == "board" and result["possible_reasons"] == []
    assert visit(server, "/board", token({"room": "*"}))["accepted"]
    census = httpx.get(f"{server.base_url}/room-census").json()["room_census"]
    assert census[0]["room_name"].startswith("board@conference.") and census[0]["participants"] == 1


def test_browser_complaints(server: SimulatorHost) -> None:
    result = visit(server, "/board", token({"nbf": None, "context": None}))
    assert result["accepted"]  # Prosody does not need them…
    assert set(result["possible_reasons"]) == {"nbfInvalid", "contextNotFound"}  # …the web client does


def test_alg_none_and_garbage_are_refused(server: SimulatorHost) -> None:
    unsigned = jwt.encode({"iss": "my_app", "aud": "jitsi", "room": "board"}, None, algorithm="none")
    assert visit(server, "/board", unsigned)["reason"] == "Invalid or incorrect alg"
    assert visit(server, "/board", "a.b")["reason"] == "Invalid token"


def test_client_room_rules_and_hash_parsing() -> None:
    assert backend_room("My Room!%3F") == "myroom"
    assert backend_room("ＡＢＣ") == "abc"  # NFKC
    parsed = parse_hash("config.startWithAudioMuted=true&userInfo.displayName=%22Al%22&x=notjson&__proto__.a=1")
    assert parsed == {"config.startWithAudioMuted": True, "userInfo.displayName": "Al"}
    assert applied_overrides("config.startWithAudioMuted=true&config.apiKey=%22x%22") == \
        {"config.startWithAudioMuted": True}
    # a raw curly quote inside a JSON string is straightened by the client and breaks the value
    assert parse_hash("userInfo.displayName=%22Anna%20%E2%80%9CNan%E2%80%9D%22") == {}
