"""A tiny in-memory back end for UI tests of the rooms and meetings tabs and dialogs.

It is registered as kind ``fake`` (see :func:`register`) and behaves like a provider should: it validates
its input and raises the project's own errors. Tests reach its state through ``FakeProvider.state``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from meetdesk.backends.base import PROVIDER_MODULES, Capability, Column, Provider, secret_spec
from meetdesk.domain.errors import MeetdeskError, NotFoundError, ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.models import Meeting, MeetingDraft, Profile, Recording, Room, RoomDraft, ServerInfo
from meetdesk.services.session import Session

KIND = "fake"


@dataclass
class FakeState:
    rooms: dict[str, Room] = field(default_factory=dict)
    past_rooms: list[Room] = field(default_factory=list)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    recordings: dict[str, Recording] = field(default_factory=dict)
    #: raised (once) by the next create/update call
    fail_next: MeetdeskError | None = None
    calls: list[str] = field(default_factory=list)
    counter: int = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"


class FakeProvider(Provider):
    kind = KIND
    display_name = "Fake Meet"
    description = "Test back end"
    capabilities = (
        Capability.LIST_ROOMS | Capability.CREATE_ROOM | Capability.UPDATE_ROOM | Capability.DELETE_ROOM
        | Capability.END_ROOM | Capability.PAST_ROOMS | Capability.LIST_MEETINGS | Capability.CREATE_MEETING
        | Capability.UPDATE_MEETING | Capability.CANCEL_MEETING | Capability.RECORDINGS
        | Capability.DELETE_RECORDING | Capability.RECORDING_DOWNLOAD
    )
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec("timezone", "Time zone"),
        secret_spec("API secret", key="secret"),
    )
    room_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec("capacity", "Maximum participants", FieldKind.INT, default=10, minimum=1, maximum=500),
        FieldSpec("welcome", "Welcome message", FieldKind.TEXT, placeholder="Hello!"),
        FieldSpec("max_minutes", "Time limit (minutes)", FieldKind.INT, minimum=5, placeholder="no limit"),
        FieldSpec("recording", "Allow recording", FieldKind.BOOL, default=False, group="Features"),
        FieldSpec("layout", "Layout", FieldKind.CHOICE, default="grid",
                  choices=(("grid", "Grid"), ("speaker", "Speaker")), group="Features"),
    )
    meeting_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec("new_room_size", "Size of the new room", FieldKind.INT, default=10, minimum=2, maximum=100),
        FieldSpec("reminder", "Reminder", FieldKind.CHOICE, default="none",
                  choices=(("none", "No reminder"), ("email", "E-mail"))),
    )
    room_columns: ClassVar[tuple[Column, ...]] = (Column("capacity", "Capacity"), Column("region", "Region"))
    meeting_columns: ClassVar[tuple[Column, ...]] = (Column("owner", "Owner"), Column("seats", "Seats"))

    #: one state per profile name, shared by the provider instances of that profile
    states: ClassVar[dict[str, FakeState]] = {}

    @property
    def state(self) -> FakeState:
        return self.states.setdefault(self.profile.name, FakeState())

    def _maybe_fail(self, call: str) -> None:
        self.state.calls.append(call)
        exc, self.state.fail_next = self.state.fail_next, None
        if exc is not None:
            raise exc

    async def connect(self) -> ServerInfo:
        if self._secret != "s3cret":
            from meetdesk.domain.errors import AuthenticationError

            raise AuthenticationError("The API secret was refused.")
        return ServerInfo("Fake Meet", "1.0")

    async def list_rooms(self) -> list[Room]:
        return list(self.state.rooms.values())

    async def list_past_rooms(self) -> list[Room]:
        return list(self.state.past_rooms)

    async def create_room(self, draft: RoomDraft) -> Room:
        self._maybe_fail("create_room")
        if len(draft.name) > 40:
            raise ValidationError("The name may have at most 40 characters.", field="name")
        options = parse_options(self.room_fields, draft.options)
        room_id = draft.room_id or self.state.next_id("room")
        if room_id in self.state.rooms:
            raise ValidationError(f"A room with ID “{room_id}” exists already.", field="room_id")
        room = Room(id=room_id, name=draft.name, status="waiting", running=False, participant_count=0,
                    created=datetime.now(UTC), options=options,
                    extra={"capacity": options.get("capacity", 10), "region": "eu"})
        self.state.rooms[room_id] = room
        return room

    async def update_room(self, room_id: str, draft: RoomDraft) -> Room:
        self._maybe_fail("update_room")
        room = self._room(room_id)
        options = {**room.options, **parse_options(self.room_fields, draft.options)}
        room = replace(room, name=draft.name, options=options, extra={**room.extra, "capacity": options["capacity"]})
        self.state.rooms[room_id] = room
        return room

    def _room(self, room_id: str) -> Room:
        try:
            return self.state.rooms[room_id]
        except KeyError:
            raise NotFoundError(f"There is no room “{room_id}”.") from None

    async def delete_room(self, room_id: str) -> None:
        self._maybe_fail("delete_room")
        self._room(room_id)
        del self.state.rooms[room_id]

    async def end_room(self, room_id: str) -> None:
        self._maybe_fail("end_room")
        room = self._room(room_id)
        del self.state.rooms[room_id]
        self.state.past_rooms.append(replace(room, status="ended", running=False, past=True))

    async def list_meetings(self, start: datetime, end: datetime) -> list[Meeting]:
        return [m for m in self.state.meetings.values() if m.end >= start and m.start <= end]

    def _meeting(self, draft: MeetingDraft, meeting_id: str) -> Meeting:
        if not draft.title.strip():
            raise ValidationError("Give the meeting a title.", field="title")
        if draft.start.tzinfo is None or draft.end.tzinfo is None:
            raise ValidationError("Times must carry a time zone.", field="start")
        options = parse_options(self.meeting_fields, draft.options)
        room = self.state.rooms.get(draft.room_id or "")
        return Meeting(id=meeting_id, title=draft.title, start=draft.start, end=draft.end,
                       room_id=draft.room_id or "", room_name=room.name if room else "", owner="coordinator",
                       location=draft.location, description=draft.description, timezone=draft.timezone,
                       options=options, extra={"owner": "coordinator", "seats": options.get("new_room_size", 0)})

    async def create_meeting(self, draft: MeetingDraft) -> Meeting:
        self._maybe_fail("create_meeting")
        meeting = self._meeting(draft, self.state.next_id("meeting"))
        self.state.meetings[meeting.id] = meeting
        return meeting

    async def update_meeting(self, meeting_id: str, draft: MeetingDraft) -> Meeting:
        self._maybe_fail("update_meeting")
        if meeting_id not in self.state.meetings:
            raise NotFoundError(f"There is no meeting {meeting_id}.")
        meeting = self._meeting(draft, meeting_id)
        self.state.meetings[meeting_id] = meeting
        return meeting

    async def cancel_meeting(self, meeting_id: str) -> None:
        self._maybe_fail("cancel_meeting")
        if self.state.meetings.pop(meeting_id, None) is None:
            raise NotFoundError(f"There is no meeting {meeting_id}.")

    async def list_recordings(self, room_id: str | None = None) -> list[Recording]:
        return [r for r in self.state.recordings.values() if room_id is None or r.room_id == room_id]

    async def delete_recording(self, recording_id: str) -> None:
        self._maybe_fail("delete_recording")
        self.state.recordings.pop(recording_id)

    async def recording_download_url(self, recording_id: str) -> str:
        return f"https://fake.example/recordings/{recording_id}.mp4"


async def connect_fake(session: Session, monkeypatch: pytest.MonkeyPatch, name: str = "Office",
                       *, seeded: bool = True) -> FakeState:
    """Add a profile of the fake kind to ``session`` and connect it; returns the back end's state."""
    register(monkeypatch)
    state = FakeProvider.states.setdefault(name, FakeState())
    if seeded:
        seed(state)
    await session.add_profile(Profile(name, KIND, "https://fake.example"), "s3cret")
    await session.connect(name)
    return state


def register(monkeypatch: pytest.MonkeyPatch) -> None:
    if KIND in PROVIDER_MODULES:
        return
    monkeypatch.setitem(PROVIDER_MODULES, KIND, f"{__name__}:FakeProvider")
    monkeypatch.setattr(FakeProvider, "states", {})


def seed(state: FakeState, *, now: datetime | None = None) -> None:
    """A few rooms, a past room, meetings and recordings."""
    now = now or datetime.now(UTC)
    for i, (name, count, capacity) in enumerate([("Team call", 3, 10), ("All hands", 120, 500),
                                                 ("Board room", 12, 25)]):
        room_id = f"r{i + 1}"
        state.rooms[room_id] = Room(id=room_id, name=name, status="running" if count else "waiting", running=True,
                                    participant_count=count, created=now - timedelta(days=i * 3),
                                    options={"capacity": capacity, "welcome": f"Welcome to {name}"},
                                    extra={"capacity": capacity, "region": "eu"})
    state.past_rooms.append(Room(id="old1", name="Last week's retro", status="ended", past=True,
                                 participant_count=7, created=now - timedelta(days=8)))
    state.meetings["m1"] = Meeting(id="m1", title="Planning", start=now + timedelta(hours=2),
                                   end=now + timedelta(hours=3), room_id="r1", room_name="Team call",
                                   owner="ann", timezone="Europe/Berlin", extra={"owner": "ann", "seats": 8})
    state.meetings["m2"] = Meeting(id="m2", title="Review", start=now + timedelta(days=2),
                                   end=now + timedelta(days=2, hours=1), owner="bob", extra={"seats": 20})
    state.recordings["rec1"] = Recording(id="rec1", room_id="r1", name="Team call 1", created=now - timedelta(days=1),
                                         size_bytes=5_000_000, duration_s=1800)
    state.recordings["rec2"] = Recording(id="rec2", room_id="r2", name="All hands", created=now - timedelta(days=2),
                                         size_bytes=900_000_000, duration_s=3700)


@pytest.fixture(autouse=True)
def qt_hygiene(qapp: QApplication) -> Iterator[None]:
    """Import into a test module to apply it there.

    Closing the last dialog must not quit the qasync loop a test runs on (meetdesk.ui.app sets the same).
    After the test, widgets pytest-qt scheduled for deletion are deleted and garbage is collected here, in
    the main thread: a Qt object freed later by a garbage collection that happens to run in a simulator or
    executor thread is destroyed in the wrong thread ("Timers cannot be stopped from another thread") or
    crashes.
    """
    qapp.setQuitOnLastWindowClosed(False)
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
