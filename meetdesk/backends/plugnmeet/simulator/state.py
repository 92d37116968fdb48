"""The plugNmeet simulator's live state: active rooms and their participants, past rooms, recordings.

Handlers run in the server thread and tests read the state from theirs, so every change happens
under :attr:`PlugNmeetState.lock`.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SAMPLE_API_KEY = "plugnmeet"
SAMPLE_SECRET = "zumyyYWqv7KR2kUqvYdq4z4sXg7XTBD2ljT6"  # the documented sample, not a real credential
RECORDER_NAME = "PLUGNMEET_RECORDER_AUTH"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def livekit_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(12))


def rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


DEFAULT_FEATURES: dict[str, Any] = {
    "allow_webcams": True, "mute_on_start": False, "allow_screen_share": True,
    "allow_view_other_webcams": True, "allow_view_other_users_list": True, "admin_only_webcams": False,
    "room_duration": 0, "enable_analytics": True, "allow_virtual_bg": True, "allow_raise_hand": True,
    "allow_reactions": True, "auto_gen_user_id": False,
    "recording_features": {"is_allow": True, "is_allow_cloud": True, "enable_auto_cloud_recording": False,
                           "is_allow_local": True, "only_record_admin_webcams": False},
    "chat_features": {"is_allow": True, "is_allow_file_upload": True,
                      "allowed_file_types": ["jpg", "png", "pdf", "docx", "xlsx", "pptx", "zip", "mp4"],
                      "max_file_size": 50},
    "shared_note_pad_features": {"is_allow": True, "is_active": False, "visible": False, "note_pad_id": ""},
    "whiteboard_features": {"is_allow": True, "visible": False, "whiteboard_file_id": "default",
                            "file_name": "default", "file_path": "default", "total_pages": 10,
                            "max_allowed_file_size": 30},
    "external_media_player_features": {"is_allow": True, "is_active": False},
    "waiting_room_features": {"is_active": False, "waiting_room_msg": ""},
    "breakout_room_features": {"is_allow": True, "is_active": False, "allowed_number_rooms": 6},
    "display_external_link_features": {"is_allow": True, "is_active": False},
    "ingress_features": {"is_allow": True, "input_type": "RTMP_INPUT", "url": "", "stream_key": ""},
    "end_to_end_encryption_features": {"is_enabled": False, "included_chat_messages": False,
                                       "included_whiteboard": False, "enabled_self_insert_encryption_key": False},
    "polls_features": {"is_allow": True, "is_active": False},
    # not enabled in this simulated server's config, so always forced off
    "insights_features": {"is_allow": False},
    "sip_dial_in_features": {"is_allow": False, "enable_dial_in_on_create": False, "hide_phone_number": False},
    "external_broadcasting_features": {"is_allow": True, "is_allow_rtmp": True},
}
DEFAULT_LOCKS = {"lock_screen_sharing": True, "lock_whiteboard": True, "lock_shared_notepad": True}
COPYRIGHT = {"display": True,
             "text": 'Powered by <a href="https://www.plugnmeet.org" target="_blank">plugNmeet</a>'}


@dataclass
class SimParticipant:
    user_id: str
    name: str
    is_admin: bool = False
    is_hidden: bool = False
    joined_at: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)
    sid: str = field(default_factory=lambda: livekit_id("PA_"))


@dataclass
class SimRoom:
    room_id: str
    title: str
    metadata: dict[str, Any]
    created: float
    sid: str = field(default_factory=lambda: livekit_id("RM_"))
    empty_timeout: int = 1800
    max_participants: int = 0
    is_recording: bool = False
    is_active_rtmp: bool = False
    parent_room_id: str = ""
    participants: dict[str, SimParticipant] = field(default_factory=dict)
    #: everyone who joined this session (the past-room count)
    joined_total: int = 0
    empty_since: float = 0.0
    #: set by endRoom: the room is being ended (status triggered_end) but still in the room table
    ending_since: float | None = None

    @property
    def active(self) -> bool:
        return self.ending_since is None

    @property
    def webhook_url(self) -> str:
        return str(self.metadata.get("webhook_url") or "")

    @property
    def features(self) -> dict[str, Any]:
        features: dict[str, Any] = self.metadata.setdefault("room_features", {})
        return features


@dataclass
class PastRoom:
    room_id: str
    title: str
    sid: str
    joined: int
    webhook_url: str
    created: float
    ended: float


@dataclass
class SimRecording:
    record_id: str
    room_id: str
    room_sid: str
    file_size_mb: float
    created: float
    room_created: float
    title: str = ""
    description: str = ""

    @property
    def file_path(self) -> str:
        return f"/app/recording_files/{self.room_id}/{self.room_sid}/{self.record_id}.mp4"


@dataclass
class PendingUser:
    """What getJoinToken stored for a user, read again when the join link is opened."""

    room_id: str
    user_id: str
    name: str
    is_admin: bool
    is_hidden: bool
    metadata: dict[str, Any]


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PlugNmeetState:
    api_key: str = SAMPLE_API_KEY
    secret: str = SAMPLE_SECRET
    #: seconds a join token is valid (server config client.token_validity, sample 10m)
    token_validity: int = 600
    #: server ≥ 2.3 (the default): proto.Merge drops a `false` for default-true non-optional features
    merge_quirk: bool = True
    #: seconds an ended room lingers (status triggered_end, still listed as running) before the cleanup; a
    #: real server waits up to ~10 s for its participants to leave (pkg/models/room_end.go onAfterRoomEnded)
    end_linger: float = 2.0
    #: the server's design (client config ``designCustomization``) for links without a custom_design
    design_config: dict[str, str] = field(default_factory=dict)
    rooms: dict[str, SimRoom] = field(default_factory=dict)
    past_rooms: list[PastRoom] = field(default_factory=list)
    recordings: dict[str, SimRecording] = field(default_factory=dict)
    pending: dict[tuple[str, str], PendingUser] = field(default_factory=dict)
    blocked: set[tuple[str, str]] = field(default_factory=set)
    requests: list[RecordedRequest] = field(default_factory=list)
    #: added to the wall clock, so tests can let time pass
    clock_offset: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def now(self) -> float:
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.clock_offset += seconds

    # rooms -----------------------------------------------------------------------------------
    def known_room_ids(self) -> set[str]:
        return {p.room_id for p in self.past_rooms}

    def add_room(self, room_id: str, title: str, *, created: float | None = None, features: dict[str, Any] | None
                 = None, welcome: str = "", locks: dict[str, bool] | None = None, empty_timeout: int = 1800,
                 max_participants: int = 0) -> SimRoom:
        """Create an active room directly (seed data and tests), with the server's defaults applied."""
        created = self.now() if created is None else created
        merged = copy.deepcopy(DEFAULT_FEATURES)
        for key, value in (features or {}).items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            else:
                merged[key] = value
        metadata: dict[str, Any] = {
            "room_title": title, "is_recording": False, "is_active_rtmp": False, "parent_room_id": "",
            "is_breakout_room": False, "started_at": int(created), "room_features": merged,
            "default_lock_settings": {**DEFAULT_LOCKS, **(locks or {})}, "copyright_conf": dict(COPYRIGHT),
            "metadata_id": str(uuid.uuid4()), "extra_data": {},
        }
        if welcome:
            metadata["welcome_message"] = welcome
        room = SimRoom(room_id=room_id, title=title, metadata=metadata, created=created,
                       empty_timeout=empty_timeout, max_participants=max_participants, empty_since=created)
        with self.lock:
            self.rooms[room_id] = room
        return room

    def join(self, room_id: str, name: str, *, user_id: str | None = None, is_admin: bool = False,
             is_hidden: bool = False, metadata: dict[str, Any] | None = None, at: float | None = None
             ) -> SimParticipant:
        """A participant enters an active room (replacing an earlier session of the same user id)."""
        with self.lock:
            room = self.rooms[room_id]
            uid = user_id or name.lower().replace(" ", "-")
            meta = {"is_admin": is_admin, "is_presenter": False, "record_webcam": True,
                    "wait_for_approval": False, "lock_settings": {}, "extra_data": {}, **(metadata or {})}
            if is_admin and not any(p.metadata.get("is_presenter") for p in room.participants.values()):
                meta["is_presenter"] = True
            participant = SimParticipant(user_id=uid, name=name, is_admin=is_admin, is_hidden=is_hidden,
                                         joined_at=self.now() if at is None else at, metadata=meta)
            if uid not in room.participants:
                room.joined_total += 1
            room.participants[uid] = participant
            return participant

    def leave(self, room_id: str, user_id: str) -> None:
        with self.lock:
            room = self.rooms[room_id]
            room.participants.pop(user_id, None)
            if not room.participants:
                room.empty_since = self.now()

    def end_room(self, room_id: str) -> bool:
        """endRoom: answered at once, the cleanup follows (plugNmeet-server pkg/models/room_end.go EndRoom →
        ``go onAfterRoomEnded``). Until then the room stays in the table; ending it again is a success."""
        with self.lock:
            room = self.rooms.get(room_id)
            if room is None:
                return False
            if room.ending_since is None:
                room.ending_since = self.now()
                for key in [k for k in self.pending if k[0] == room_id]:
                    del self.pending[key]
            if self.end_linger <= 0:
                self.finish_end(room_id)
            return True

    def finish_end(self, room_id: str) -> None:
        """The end of onAfterRoomEnded: the room becomes a past room (and a recording if it was recording)."""
        with self.lock:
            room = self.rooms.pop(room_id, None)
            if room is None:
                return
            ended = self.now()
            self.past_rooms.append(PastRoom(room.room_id, room.title, room.sid, room.joined_total,
                                            room.webhook_url, room.created, ended))
            if room.is_recording:
                self.add_recording(room.room_id, room.sid, room.created, created=ended,
                                   size_mb=round(max(ended - room.created, 60) / 60 * 4.2, 2))
            for key in [k for k in self.pending if k[0] == room_id]:
                del self.pending[key]

    def ending_left(self, room: SimRoom) -> float:
        """Seconds until the cleanup of an ending room finishes."""
        return 0.0 if room.ending_since is None else max(0.0, room.ending_since + self.end_linger - self.now())

    def expire_rooms(self) -> None:
        """End rooms whose time limit passed or that stayed empty for their empty timeout."""
        now = self.now()
        with self.lock:
            for room in list(self.rooms.values()):
                if room.ending_since is not None:
                    if now >= room.ending_since + self.end_linger:
                        self.finish_end(room.room_id)
                    continue
                duration = int(room.features.get("room_duration") or 0)
                started = float(room.metadata.get("started_at") or room.created)
                over_time = bool(duration) and now >= started + duration * 60
                abandoned = not room.participants and now >= room.empty_since + room.empty_timeout
                if over_time or abandoned:
                    self.end_room(room.room_id)

    # recordings ------------------------------------------------------------------------------
    def add_recording(self, room_id: str, room_sid: str, room_created: float, *, created: float,
                      size_mb: float, title: str = "", description: str = "") -> SimRecording:
        record_id = f"{room_sid}-{int(created * 1000)}"
        recording = SimRecording(record_id, room_id, room_sid, size_mb, created, room_created, title, description)
        with self.lock:
            self.recordings[record_id] = recording
        return recording


def seed(state: PlugNmeetState) -> None:
    """A coordinator's week: three rooms running now, sessions from the past days, their recordings."""
    now = state.now()
    hour, day = 3600.0, 86400.0

    sync = state.add_room("weekly-team-sync", "Weekly team sync", created=now - 25 * 60,
                          welcome="Agenda: roadmap status, hiring update, demo of the new onboarding flow.")
    sync.is_recording = True
    sync.metadata["is_recording"] = True
    state.join(sync.room_id, "Amira Haddad", user_id="amira-haddad", is_admin=True, at=now - 24 * 60)
    state.join(sync.room_id, "Jonas Keller", user_id="jonas-keller", at=now - 22 * 60)
    state.join(sync.room_id, "Priya Raman", user_id="priya-raman", at=now - 21 * 60,
               metadata={"preferred_lang": "en"})
    state.join(sync.room_id, "Tomás Ortega", user_id="tomas-ortega", at=now - 12 * 60,
               metadata={"preferred_lang": "es-ES"})

    onboarding = state.add_room(
        "acme-onboarding", "Customer onboarding – ACME Corp", created=now - 10 * 60,
        features={"waiting_room_features": {"is_active": True,
                                            "waiting_room_msg": "Welcome! Lena will let you in in a moment."},
                  "room_duration": 90},
        welcome="Thanks for choosing us — today we set up your team's workspace.")
    state.join(onboarding.room_id, "Lena Fischer", user_id="lena-fischer", is_admin=True, at=now - 9 * 60)
    state.join(onboarding.room_id, "Mark Chen (ACME)", user_id="mark-chen", at=now - 4 * 60)

    clinic = state.add_room("support-clinic", "Open support clinic", created=now - 50 * 60,
                            locks={"lock_microphone": True}, max_participants=30)
    state.join(clinic.room_id, "Sam Okafor", user_id="sam-okafor", is_admin=True, at=now - 49 * 60)
    state.join(clinic.room_id, "Quality observer", user_id="qa-observer", is_admin=True, is_hidden=True,
               at=now - 40 * 60)
    state.join(clinic.room_id, "Guest 14", user_id="guest-14", at=now - 8 * 60)

    history = [
        ("weekly-team-sync", "Weekly team sync", 7 * day, 55 * 60, 6, 184.37, "Team sync – roadmap review"),
        ("all-hands-q3", "All-hands Q3", 5 * day + 2 * hour, 75 * 60, 48, 612.9, "All-hands Q3"),
        ("design-review", "Design review: mobile app", 4 * day + 3 * hour, 40 * 60, 5, 95.12, ""),
        ("acme-onboarding", "Customer onboarding – ACME Corp", 3 * day + 1 * hour, 35 * 60, 3, 0.0, ""),
        ("board-prep", "Board meeting prep", 2 * day + 5 * hour, 30 * 60, 4, 48.5, "Board prep (internal)"),
        ("hiring-panel-backend", "Hiring panel – backend engineer", 1 * day + 4 * hour, 60 * 60, 4, 0.0, ""),
    ]
    for room_id, title, ago, length, joined, size_mb, rec_title in history:
        created = now - ago
        sid = livekit_id("RM_")
        state.past_rooms.append(PastRoom(room_id, title, sid, joined, "", created, created + length))
        if size_mb:
            state.add_recording(room_id, sid, created, created=created + length + 90, size_mb=size_mb,
                                title=rec_title)
