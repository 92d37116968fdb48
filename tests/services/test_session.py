"""Session logic with a small in-process provider (the HTTP providers have their own simulator tests)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from meetdesk.backends.base import PROVIDER_MODULES, Capability, Provider, secret_spec
from meetdesk.domain.errors import AuthenticationError, NotFoundError, UnreachableError, ValidationError
from meetdesk.domain.fields import FieldSpec
from meetdesk.domain.models import Meeting, Profile, Room, RoomDraft, ServerInfo
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import SERVICE, MemoryKeyring, SecretStore
from meetdesk.services.session import ConnectionState, Session, SessionEvent

SERVER_ROOMS: dict[str, list[Room]] = {}
GATE: dict[str, asyncio.Event] = {}


class _Provider(Provider):
    kind = "session-test"
    display_name = "Session Test"
    capabilities = Capability.LIST_ROOMS | Capability.CREATE_ROOM | Capability.LIST_MEETINGS
    connection_fields = (FieldSpec("user", "User", required=True), secret_spec())

    async def connect(self) -> ServerInfo:
        if self.profile.base_url.endswith("down"):
            raise UnreachableError("Could not connect to the test server.")
        if self._secret != "right":
            raise AuthenticationError("The password was refused.")
        if "slow" in GATE:
            await GATE["slow"].wait()
        return ServerInfo("TestServer", "1.2")

    async def list_rooms(self) -> list[Room]:
        return list(SERVER_ROOMS.get(self.profile.name, []))

    async def create_room(self, draft: RoomDraft) -> Room:
        room = Room(id=draft.room_id or draft.name.lower(), name=draft.name)
        SERVER_ROOMS.setdefault(self.profile.name, []).append(room)
        data: dict[str, Any] = dict(self.profile.data)
        data.setdefault("created", []).append(room.id)
        await self._persist(data)
        return room

    async def list_meetings(self, start: datetime, end: datetime) -> list[Meeting]:
        now = datetime.now(UTC)
        return [Meeting("m1", "Standup", now + timedelta(hours=1), now + timedelta(hours=2))]


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PROVIDER_MODULES, _Provider.kind, f"{__name__}:_Provider")
    SERVER_ROOMS.clear()
    GATE.clear()


def _session() -> tuple[Session, MemoryKeyring]:
    store = ProfileStore()
    store.load()
    backend = MemoryKeyring()
    return Session(store, SecretStore(backend=backend)), backend


def _profile(name: str = "Campus", url: str = "https://campus.example.org") -> Profile:
    return Profile(name, _Provider.kind, url, fields={"user": "coord"})


@pytest.mark.asyncio
async def test_add_connect_refresh_tags_rows_with_profile() -> None:
    session, backend = _session()
    events: list[tuple[SessionEvent, str]] = []
    session.subscribe(lambda e, p: events.append((e, p)))
    await session.add_profile(_profile(), "right")
    assert backend.get_password(SERVICE, "Campus") == "right"
    SERVER_ROOMS["Campus"] = [Room("r1", "Lecture hall")]
    info = await session.connect("Campus")
    conn = session.connection("Campus")
    assert info.summary() == "TestServer 1.2"
    assert conn.state is ConnectionState.CONNECTED and conn.status_text() == "connected — TestServer 1.2"
    assert [(r.profile, r.kind, r.id) for r in session.rooms()] == [("Campus", _Provider.kind, "r1")]
    assert [m.profile for m in session.meetings()] == ["Campus"]
    assert (SessionEvent.STATUS, "Campus") in events and (SessionEvent.DATA, "Campus") in events


@pytest.mark.asyncio
async def test_wrong_password_and_unreachable_states() -> None:
    session, _ = _session()
    await session.add_profile(_profile("A"), "wrong")
    await session.add_profile(_profile("B", "https://b.example.org/down"), "right")
    results = await session.connect_all()
    assert isinstance(results["A"], AuthenticationError) and isinstance(results["B"], UnreachableError)
    assert session.connection("A").state is ConnectionState.AUTH_FAILED
    assert session.connection("B").state is ConnectionState.UNREACHABLE
    assert "refused" in session.connection("A").status_text()


@pytest.mark.asyncio
async def test_missing_secret_is_a_visible_state() -> None:
    session, backend = _session()
    await session.add_profile(_profile(), "right")
    backend.delete_password(SERVICE, "Campus")
    with pytest.raises(AuthenticationError):
        await session.connect("Campus")
    assert session.connection("Campus").state is ConnectionState.NEEDS_SECRET


@pytest.mark.asyncio
async def test_secret_required_on_add() -> None:
    session, _ = _session()
    with pytest.raises(ValidationError) as info:
        await session.add_profile(_profile(), "")
    assert info.value.field == "password"
    assert session.store.names() == []


@pytest.mark.asyncio
async def test_rename_moves_secret_and_remove_deletes_it() -> None:
    session, backend = _session()
    await session.add_profile(_profile(), "right")
    await session.connect("Campus")
    await session.update_profile("Campus", _profile("Campus North"))
    assert backend.get_password(SERVICE, "Campus") is None
    assert backend.get_password(SERVICE, "Campus North") == "right"
    assert session.connection("Campus North").state is ConnectionState.CONNECTED  # reconnected
    await session.remove_profile("Campus North")
    assert backend.get_password(SERVICE, "Campus North") is None
    with pytest.raises(NotFoundError):
        session.connection("Campus North")


@pytest.mark.asyncio
async def test_provider_persist_hook_saves_profile_data() -> None:
    session, _ = _session()
    await session.add_profile(_profile(), "right")
    await session.connect("Campus")
    room = await session.create_room("Campus", RoomDraft("Board"))
    assert room.profile == "Campus"
    assert [r.id for r in session.rooms()] == ["board"]  # refreshed after the change
    reloaded = ProfileStore()
    reloaded.load()
    assert reloaded.get("Campus").data == {"created": ["board"]}


@pytest.mark.asyncio
async def test_aclose_cancels_connect_in_flight() -> None:
    session, _ = _session()
    await session.add_profile(_profile(), "right")
    GATE["slow"] = asyncio.Event()
    task = session.spawn(session.connect("Campus"))
    # the secret is read on a worker thread first: a fixed sleep was not always long enough on a busy machine
    for _ in range(1000):
        if session.connection("Campus").state is ConnectionState.CONNECTING:
            break
        await asyncio.sleep(0.01)
    assert session.connection("Campus").state is ConnectionState.CONNECTING
    await session.aclose()
    assert task.cancelled()
    assert session.connection("Campus").state is ConnectionState.DISCONNECTED


@pytest.mark.asyncio
async def test_operations_need_a_connection() -> None:
    session, _ = _session()
    await session.add_profile(_profile(), "right")
    with pytest.raises(NotFoundError, match="not connected"):
        await session.create_room("Campus", RoomDraft("x"))
