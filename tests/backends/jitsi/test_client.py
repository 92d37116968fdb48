"""The Jitsi provider: rooms kept with the profile, tokens checked with PyJWT and by the verifier simulator."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from meetdesk.backends.jitsi.client import JitsiProvider
from meetdesk.backends.jitsi.naming import client_room_name, derive_room_id, validate_room_id
from meetdesk.backends.jitsi.simulator import build
from meetdesk.backends.jitsi.simulator.client_hash import applied_overrides, backend_room
from meetdesk.domain.errors import ConfigError, NotFoundError, UnreachableError, ValidationError
from meetdesk.domain.models import JoinRequest, Profile, Role, RoomDraft
from meetdesk.simulators.host import SimulatorHost

SECRET = "a-long-enough-shared-app-secret-for-hs256"


class PersistSpy:
    def __init__(self, fail: bool = False) -> None:
        self.saved: list[list[dict[str, Any]]] = []
        self.fail = fail

    async def __call__(self, data: dict[str, Any]) -> None:
        if self.fail:
            raise OSError("disk full")
        self.saved.append([dict(r) for r in data.get("rooms", [])])


@pytest.fixture
def server() -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build(app_id="console", secret=SECRET, audiences=("jitsi",))) as host:
        yield host


def make(server: SimulatorHost, persist: PersistSpy | None = None, secret: str = SECRET,
         **fields: str) -> JitsiProvider:
    profile = Profile(name="Team Jitsi", kind="jitsi", base_url=server.origin,
                      fields={"deployment": "self-hosted", "app_id": "console", "audience": "jitsi", **fields})
    return JitsiProvider(profile, secret, persist=persist)


def visit(url: str) -> dict[str, Any]:
    response = httpx.get(url, headers={"Accept": "application/json"})
    result: dict[str, Any] = response.json()
    return result


def test_room_name_rules_match_the_web_client() -> None:
    for raw in ("Board Meeting", "q&a", "a/b", "x?y", "Ａ１", "Über"):
        assert client_room_name(raw) == backend_room(raw)
    assert derive_room_id("Board Meeting 05/26 — Q&A") == "board-meeting-05-26-q-a"
    assert derive_room_id("Übung") == "ubung"
    assert validate_room_id("Team-Sync") == "team-sync"
    with pytest.raises(ValidationError, match="“boardmeeting”") as refused:
        validate_room_id("Board Meeting")
    assert refused.value.hint == "Use “board-meeting” or leave the id empty."
    for bad in ("q&a", "x?y", "a'b"):
        with pytest.raises(ValidationError, match="would open"):
            validate_room_id(bad)
    with pytest.raises(ValidationError, match="letters a–z"):
        validate_room_id("café")


@pytest.mark.asyncio
async def test_rooms_are_kept_with_the_profile(server: SimulatorHost) -> None:
    spy = PersistSpy()
    provider = make(server, spy)
    room = await provider.create_room(RoomDraft(name="Board Meeting 2026"))
    assert room.id == "board-meeting-2026" and room.local_only
    await provider.create_room(RoomDraft(name="Sync", room_id="Team-Sync"))
    assert [r["id"] for r in spy.saved[-1]] == ["board-meeting-2026", "team-sync"]
    assert [r.id for r in await provider.list_rooms()] == ["board-meeting-2026", "team-sync"]
    with pytest.raises(ValidationError, match="already"):
        await provider.create_room(RoomDraft(name="Again", room_id="team-sync"))
    await provider.delete_room("team-sync")
    assert [r["id"] for r in spy.saved[-1]] == ["board-meeting-2026"]
    with pytest.raises(NotFoundError):
        await provider.delete_room("team-sync")
    failing = make(server, PersistSpy(fail=True))
    with pytest.raises(ConfigError, match="could not be saved"):
        await failing.create_room(RoomDraft(name="Lost"))


@pytest.mark.asyncio
async def test_link_token_has_the_claims_and_lasts_until_the_end(server: SimulatorHost) -> None:
    provider = make(server)
    await provider.connect()
    end = (datetime.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    link = await provider.join_link(JoinRequest(
        room_id="board", display_name="Anna “Nan” O’Brien & Co", user_id="u-7", email="anna@example.org",
        avatar_url="https://cdn.example/a.png", moderator=True,
        options={"meeting_end": end.strftime("%Y-%m-%d %H:%M"), "margin_minutes": "15", "start_audio_muted": "yes",
                 "skip_prejoin": "yes", "subject": "Board = 5 & more", "features": "recording"}))
    parts = urlsplit(link.url)
    assert parts.path == "/board" and link.role is Role.MODERATOR
    text = parse_qs(parts.query)["jwt"][0]
    header = jwt.get_unverified_header(text)
    assert header == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(text, SECRET, algorithms=["HS256"], audience="jitsi", issuer="console")
    expected_exp = int((end.astimezone(UTC) + timedelta(minutes=15)).timestamp())
    assert claims["exp"] == expected_exp and link.expires_at == datetime.fromtimestamp(expected_exp, UTC)
    assert claims["nbf"] <= time.time() and claims["room"] == "board" and claims["sub"] == "127.0.0.1"
    assert claims["context"]["user"] == {"id": "u-7", "name": "Anna “Nan” O’Brien & Co", "email": "anna@example.org",
                                         "avatar": "https://cdn.example/a.png", "moderator": "true"}
    assert claims["context"]["features"] == {"recording": "true", "livestreaming": "false", "transcription": "false",
                                             "outbound-call": "false"}
    # the overrides survive the client's own parsing, quotes, ampersands and equals signs included
    assert applied_overrides(parts.fragment) == {
        "userInfo.displayName": "Anna “Nan” O’Brien & Co", "config.startWithAudioMuted": True,
        "config.prejoinConfig.enabled": False, "config.subject": "Board = 5 & more"}
    verdict = visit(link.url)
    assert verdict["accepted"] and verdict["moderator"] and verdict["possible_reasons"] == []
    await provider.aclose()


@pytest.mark.asyncio
async def test_wrong_secret_expired_and_wrong_room_are_refused(server: SimulatorHost) -> None:
    good = make(server)
    link = await good.join_link(JoinRequest(room_id="board", display_name="Bob"))
    assert visit(link.url)["accepted"]
    claims = jwt.decode(parse_qs(urlsplit(link.url).query)["jwt"][0], SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["exp"] - time.time() == pytest.approx(24 * 3600, abs=60)  # no end given: the default hours
    assert claims["context"]["user"]["moderator"] == "false" and "features" not in claims["context"]
    wrong_secret = await make(server, secret="another-secret-of-a-decent-length-x").join_link(
        JoinRequest(room_id="board", display_name="Bob"))
    assert visit(wrong_secret.url)["reason"] == "Invalid signature"
    other_room = link.url.replace("/board?", "/finance?")
    assert visit(other_room)["reason"] == "Room and token mismatched"
    wrong_app = await make(server, app_id="someone-else").join_link(JoinRequest(room_id="board", display_name="Bob"))
    assert visit(wrong_app.url)["reason"] == "invalid 'iss' claim"
    with SimulatorHost.for_definition(build(app_id="console", secret=SECRET,
                                            clock=lambda: time.time() + 25 * 3600)) as later:
        assert visit(later.origin + urlsplit(link.url).path + "?" + urlsplit(link.url).query)["reason"] == \
            "Not acceptable by exp"
    with pytest.raises(ValidationError, match="already passed"):
        await good.join_link(JoinRequest(room_id="board", display_name="Bob",
                                         options={"meeting_end": "2020-01-01 10:00"}))
    with pytest.raises(ValidationError, match="would open"):
        await good.join_link(JoinRequest(room_id="Board Room", display_name="Bob"))


@pytest.mark.asyncio
async def test_jaas_rs256_links() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    app_id = "vpaas-magic-cookie-0123abcd"
    kid = f"{app_id}/k1"
    with SimulatorHost.for_definition(build(algorithm="RS256", app_id=app_id, issuers=("chat",),
                                            public_keys={kid: public})) as host:
        # a form that flattened the PEM's line breaks into spaces still works
        profile = Profile(name="JaaS", kind="jitsi", base_url=host.origin,
                          fields={"deployment": "jaas", "app_id": app_id, "key_id": "k1"})
        provider = JitsiProvider(profile, pem.replace("\n", " "))
        await provider.connect()
        link = await provider.join_link(JoinRequest(room_id="standup", display_name="Kim", moderator=True))
        parts = urlsplit(link.url)
        assert parts.path == f"/{app_id}/standup"
        text = parse_qs(parts.query)["jwt"][0]
        assert jwt.get_unverified_header(text) == {"alg": "RS256", "kid": kid, "typ": "JWT"}
        claims = jwt.decode(text, public, algorithms=["RS256"], audience="jitsi", issuer="chat")
        assert claims["sub"] == app_id and claims["context"]["user"]["moderator"] == "true"
        assert set(claims["context"]["features"].values()) == {"true"}  # a JaaS moderator may use them all
        verdict = visit(link.url)
        assert verdict["accepted"] and verdict["possible_reasons"] == []
        await provider.aclose()
        broken = JitsiProvider(profile, "-----BEGIN PRIVATE KEY----- bm90IGEga2V5 -----END PRIVATE KEY-----")
        with pytest.raises(Exception, match="could not be read"):
            await broken.connect()


@pytest.mark.asyncio
async def test_connect_checks_settings_and_reachability(server: SimulatorHost) -> None:
    with pytest.raises(ValidationError, match="key id"):
        await make(server, deployment="jaas", app_id="vpaas-magic-cookie-1").connect()
    with pytest.raises(ValidationError, match="vpaas-magic-cookie"):
        await make(server, deployment="jaas", app_id="plain").connect()
    down = JitsiProvider(Profile(name="Down", kind="jitsi", base_url="http://127.0.0.1:9",
                                 fields={"app_id": "console"}), SECRET)
    with pytest.raises(UnreachableError):
        await down.connect()
    await down.aclose()


@pytest.mark.asyncio
async def test_invitation_link_lasts_until_the_meeting_end_plus_margin(server: SimulatorHost) -> None:
    provider = make(server)
    assert provider.link_policy.valid_window and provider.link_policy.can_send_ahead
    start = datetime.now(UTC) + timedelta(days=1)
    end = start + timedelta(hours=1)
    link = await provider.invitation_link(JoinRequest(room_id="board", display_name="Lee"), start, end,
                                          subject="Board")
    claims = jwt.decode(parse_qs(urlsplit(link.url).query)["jwt"][0], SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["exp"] == int((end + timedelta(minutes=30)).timestamp())
    assert applied_overrides(urlsplit(link.url).fragment)["config.subject"] == "Board"
    assert visit(link.url)["accepted"]  # usable now already: nbf is now, not the start
