"""State of the OpenMeetings simulator: users, rooms, appointments, recordings, sessions and room hashes."""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from meetdesk.backends.openmeetings.simulator.invitation_state import InvitationBook
from meetdesk.simulators.bulk import bulk_rooms

ROOM_TYPES = ("CONFERENCE", "PRESENTATION", "INTERVIEW")
ROOM_ELEMENTS = ("TOP_BAR", "CHAT", "ACTIVITIES", "FILES", "ACTION_MENU", "POLL_MENU", "SCREEN_SHARING",
                 "WHITEBOARD", "MICROPHONE_STATUS", "USER_COUNT")
REMINDERS = ("NONE", "EMAIL", "ICAL")
ADMIN_RIGHTS = ["ADMIN", "SOAP", "ROOM", "DASHBOARD", "LOGIN"]
USER_RIGHTS = ["ROOM", "DASHBOARD", "LOGIN"]

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "Sim-Admin-2024!"
NOSOAP_LOGIN = "nadia.roomuser"
NOSOAP_PASSWORD = "Sim-User-2024!"


@dataclass
class OMUser:
    id: int
    login: str
    firstname: str = ""
    lastname: str = ""
    email: str = ""
    password: str = ""
    rights: list[str] = field(default_factory=lambda: list(USER_RIGHTS))
    timezone: str = "Europe/Berlin"
    language_id: int = 1
    type: str = "USER"
    external_id: str | None = None
    external_type: str | None = None
    picture_uri: str | None = None
    country: str = "DE"
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.firstname, self.lastname) if p) or self.login


@dataclass
class OMRoom:
    id: int
    name: str
    type: str = "CONFERENCE"
    comment: str = ""
    capacity: int = 4
    appointment: bool = False
    is_public: bool = False
    demo: bool = False
    closed: bool = False
    demo_time: int | None = None
    external_id: str | None = None
    external_type: str | None = None
    redirect_url: str | None = None
    moderated: bool = False
    wait_moderator: bool = False
    allow_user_questions: bool = False
    allow_recording: bool = False
    wait_recording: bool = False
    audio_only: bool = False
    hidden_elements: list[str] = field(default_factory=list)
    tag: str | None = None
    confno: str | None = None
    #: ids of users currently in the room
    present: list[int] = field(default_factory=list)


@dataclass
class OMAppointment:
    id: int
    title: str
    start: datetime
    end: datetime
    owner_id: int
    room_id: int
    description: str = ""
    location: str | None = None
    reminder: str = "NONE"
    password: str | None = None
    password_protected: bool = False
    ical_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    inserted: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated: datetime | None = None
    language_id: int | None = 1
    #: (meeting member id, user id)
    members: list[tuple[int, int]] = field(default_factory=list)
    connected_event: bool = False
    reminder_email_send: bool = False


@dataclass
class OMRecording:
    id: int
    name: str
    room_id: int
    owner_id: int
    start: datetime
    end: datetime
    status: str = "PROCESSED"
    interview: bool = False
    width: int = 1920
    height: int = 1080
    hash: str = field(default_factory=lambda: str(uuid.uuid4()))
    external_type: str | None = None


@dataclass
class OMSession:
    sid: str
    user_id: int
    last_used: float
    permanent: bool = False
    #: the participant ``user/hash`` stored last (``Sessiondata.xml``); a hash reads it back at entry
    xml: dict[str, str | None] | None = None


@dataclass
class OMSoapLogin:
    """A ``user/hash`` result (a ``soaplogin`` row): which room, with which rights, once or many times.

    Who enters is not stored here: the row keeps only the SID (``sessionHash``) and the entry page reads the
    participant back from that SID's session, so it is whoever the SID stored last.
    """

    hash: str
    sid: str
    room_id: int | None
    moderator: bool
    allow_same_url: bool
    external_room_id: str = ""
    external_type: str = ""
    recording_id: int | None = None
    show_audio_video_test: bool = False
    allow_recording: bool = False
    used: bool = False
    created: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class HashEntry:
    """One successful entry through ``/openmeetings/hash``, for tests."""

    hash: str
    room_id: int
    user_id: int
    moderator: bool
    language: str


def major_version(version: str) -> int:
    match = re.match(r"\s*(\d+)", version)
    return int(match.group(1)) if match else 0


class OpenMeetingsState:
    """Everything the simulated server knows. Handlers run on the server thread; tests read from theirs."""

    def __init__(self, *, version: str, sid_ttl: float, failed_login_delay: tuple[float, float],
                 server_timezone: str, seeded: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        self.seeded = seeded
        self.version = version
        self.sid_ttl = sid_ttl
        #: seconds, for the idle time of a SID (tests move it)
        self.clock = clock
        self.failed_login_delay = failed_login_delay
        self.zone = ZoneInfo(server_timezone)
        self.lock = threading.RLock()
        self.users: dict[int, OMUser] = {}
        self.rooms: dict[int, OMRoom] = {}
        self.appointments: dict[int, OMAppointment] = {}
        self.recordings: dict[int, OMRecording] = {}
        self.sessions: dict[str, OMSession] = {}
        self.soap_logins: dict[str, OMSoapLogin] = {}
        self.entries: list[HashEntry] = []
        self.invitation_book = InvitationBook()
        #: (method, path, status) of every request, for tests
        self.requests: list[tuple[str, str, int]] = []
        self._ids: dict[str, int] = {}
        self.admin_login, self.admin_password = ADMIN_LOGIN, ADMIN_PASSWORD
        self.nosoap_login, self.nosoap_password = NOSOAP_LOGIN, NOSOAP_PASSWORD
        #: extra conference rooms made by build(seed_rooms=N), for load tests and the large demo
        self.seed_rooms = 0

    def reset(self) -> None:
        """Back to what build() made: the accounts (and seed data), no sessions, hashes or request log."""
        with self.lock:
            for table in (self.users, self.rooms, self.appointments, self.recordings, self.sessions,
                          self.soap_logins, self._ids):
                table.clear()
            self.entries.clear()
            self.invitation_book.clear()
            self.requests.clear()
            seed_accounts(self)
            if self.seeded:
                seed_demo(self)
            first = max(self.rooms, default=0) + 1
            for n, name in bulk_rooms(self.seed_rooms):
                self.rooms[first + n - 1] = OMRoom(first + n - 1, name, ROOM_TYPES[n % len(ROOM_TYPES)],
                                                   capacity=32, is_public=True)
            if self.seed_rooms:
                self._bump("room", first + self.seed_rooms - 1)

    # versions --------------------------------------------------------------------------------
    @property
    def login_method(self) -> str:
        """9.0 moved user/login from GET + query to POST + form (OPENMEETINGS-2816)."""
        return "POST" if major_version(self.version) >= 9 else "GET"

    # ids -------------------------------------------------------------------------------------
    def next_id(self, kind: str) -> int:
        with self.lock:
            self._ids[kind] = self._ids.get(kind, 0) + 1
            return self._ids[kind]

    def _bump(self, kind: str, used: int) -> None:
        self._ids[kind] = max(self._ids.get(kind, 0), used)

    def add_user(self, user: OMUser) -> OMUser:
        with self.lock:
            self.users[user.id] = user
            self._bump("user", user.id)
        return user

    def add_room(self, room: OMRoom) -> OMRoom:
        with self.lock:
            self.rooms[room.id] = room
            self._bump("room", room.id)
        return room

    # users and sessions ----------------------------------------------------------------------
    def find_login(self, login_or_email: str) -> OMUser | None:
        wanted = login_or_email.strip()
        for user in self.users.values():
            if user.type in ("USER", "LDAP") and (
                user.login == wanted or (user.email and user.email.lower() == wanted.lower())
            ):
                return user
        return None

    def find_external(self, external_id: str, external_type: str) -> OMUser | None:
        for user in self.users.values():
            if user.external_id == external_id and user.external_type == external_type:
                return user
        return None

    def new_session(self, user: OMUser) -> str:
        sid = str(uuid.uuid4())
        with self.lock:
            self.sessions[sid] = OMSession(sid, user.id, self.clock())
        return sid

    def check(self, sid: str | None) -> OMUser | None:
        """The SID's user, refreshing its idle timer; None when unknown or expired."""
        if not sid:
            return None
        with self.lock:
            session = self.sessions.get(sid)
            if session is None:
                return None
            now = self.clock()
            if not session.permanent and now - session.last_used > self.sid_ttl:
                del self.sessions[sid]
                return None
            session.last_used = now
            return self.users.get(session.user_id)

    def live_session(self, sid: str) -> OMSession | None:
        """``SessiondataDao.check`` without the user: the SID's session unless it is unknown or expired."""
        with self.lock:
            session = self.sessions.get(sid)
            if session is None:
                return None
            now = self.clock()
            if not session.permanent and now - session.last_used > self.sid_ttl:
                del self.sessions[sid]
                return None
            session.last_used = now
            return session

    def hash_details(self, secure_hash: str) -> dict[str, str | None] | None:
        """The participant a hash would admit now (the details on its SID), for tests."""
        with self.lock:
            soap = self.soap_logins.get(secure_hash)
            session = self.sessions.get(soap.sid) if soap else None
            return dict(session.xml) if session and session.xml else None

    def expire_sessions(self) -> None:
        """Forget every non-permanent SID, as the server's cleanup job does after the idle timeout."""
        with self.lock:
            for sid in [s for s, v in self.sessions.items() if not v.permanent]:
                del self.sessions[sid]

    def login_count(self) -> int:
        return sum(1 for _m, path, _s in self.requests if path.endswith("/services/user/login"))


def seed_accounts(state: OpenMeetingsState) -> None:
    """The install-time admin (ADMIN + SOAP) and a user without the SOAP right."""
    state.add_user(OMUser(1, ADMIN_LOGIN, "Sam", "Admin", "admin@meet.example.org", ADMIN_PASSWORD,
                          rights=list(ADMIN_RIGHTS)))
    state.add_user(OMUser(2, NOSOAP_LOGIN, "Nadia", "Roomuser", "nadia@meet.example.org", NOSOAP_PASSWORD,
                          rights=list(USER_RIGHTS)))


def seed_demo(state: OpenMeetingsState) -> None:
    """A default install's public rooms, a few people in them, and a coordinator's week of appointments."""
    rng = random.Random(4711)
    guests = [
        state.add_user(OMUser(3, "j.doe", "John", "Doe", "john.doe@example.com", type="EXTERNAL", rights=["ROOM"],
                              external_id="10", external_type="moodle")),
        state.add_user(OMUser(4, "m.rossi", "Maria", "Rossi", "maria.rossi@example.com", type="EXTERNAL",
                              rights=["ROOM"], external_id="c-4711", external_type="moodle")),
        state.add_user(OMUser(5, "k.tanaka", "Kenji", "Tanaka", "kenji@example.com", type="EXTERNAL",
                              rights=["ROOM"], external_id="k.tanaka", external_type="crm")),
    ]
    rooms = [
        OMRoom(1, "Public Interview Room", "INTERVIEW", capacity=16, is_public=True, allow_user_questions=True,
               allow_recording=True),
        OMRoom(2, "Public Conference Room", "CONFERENCE", capacity=32, is_public=True, allow_user_questions=True,
               allow_recording=True, hidden_elements=["MICROPHONE_STATUS"], present=[3, 4]),
        OMRoom(3, "Public Video Only Room", "CONFERENCE", capacity=32, is_public=True, allow_user_questions=True,
               allow_recording=True, hidden_elements=["WHITEBOARD", "MICROPHONE_STATUS"]),
        OMRoom(4, "Public Video And Whiteboard Room", "CONFERENCE", capacity=32, is_public=True,
               allow_user_questions=True, allow_recording=True, hidden_elements=["MICROPHONE_STATUS"]),
        OMRoom(5, "Public Presentation Room", "PRESENTATION", capacity=100, is_public=True,
               allow_user_questions=True, allow_recording=True, present=[5]),
        OMRoom(6, "Team Stand-up", "CONFERENCE", comment="Daily 15 minutes, cameras on", capacity=12,
               is_public=True, moderated=True, allow_user_questions=True, allow_recording=True, confno="4711"),
        OMRoom(7, "Conference room with microphone option set", "CONFERENCE", capacity=32, is_public=True,
               allow_user_questions=True, allow_recording=True),
        OMRoom(8, "Board Meeting", "CONFERENCE", comment="Board members only", capacity=10, moderated=True,
               wait_moderator=True, allow_recording=False),
        OMRoom(9, "Recruiting interview", "INTERVIEW", capacity=2, appointment=True, allow_recording=True),
    ]
    for room in rooms:
        state.add_room(room)
    now = datetime.now(state.zone).replace(minute=0, second=0, microsecond=0)
    today = now.replace(hour=9)
    webinar = now + timedelta(hours=2)
    for standup in (today, today + timedelta(days=1)):
        if abs(webinar - standup) < timedelta(hours=1):  # two meetings at once would share every reminder
            webinar = standup + timedelta(hours=1)
    week = [
        ("Quarterly review", today - timedelta(days=2, hours=-5), 90, 6, "Numbers, risks, next quarter"),
        ("Customer onboarding: ACME", today - timedelta(days=1, hours=-2), 60, 2, "Walk ACME through the portal"),
        ("Team stand-up", today, 15, 6, ""),
        ("Partner webinar", webinar, 60, 5, "Release 4.2 for partners"),
        ("Team stand-up", today + timedelta(days=1), 15, 6, ""),
        ("Recruiting interview", today + timedelta(days=2, hours=5), 45, 9, "Candidate: backend developer"),
        ("Board meeting", today + timedelta(days=4, hours=1), 120, 8, "Budget approval"),
    ]
    for title, start, minutes, room_id, description in week:
        appointment = OMAppointment(state.next_id("appointment"), title, start, start + timedelta(minutes=minutes),
                                    owner_id=1, room_id=room_id, description=description,
                                    reminder=rng.choice(["NONE", "EMAIL", "ICAL"]))
        appointment.members = [(state.next_id("member"), 1)]
        if room_id in (2, 9):
            appointment.members.append((state.next_id("member"), guests[0].id))
        state.appointments[appointment.id] = appointment
    recordings = [
        ("Quarterly review", 6, -2, 88, "PROCESSED"),
        ("Customer onboarding: ACME", 2, -1, 57, "PROCESSED"),
        ("Partner webinar rehearsal", 5, -3, 34, "PROCESSED"),
        ("Team stand-up", 6, 0, 14, "CONVERTING"),
    ]
    for name, room_id, day, minutes, status in recordings:
        start = today + timedelta(days=day, hours=1)
        rec_id = state.next_id("recording")
        state.recordings[rec_id] = OMRecording(rec_id, f"{name} {start:%d/%m/%y, %H:%M}", room_id, 1, start,
                                               start + timedelta(minutes=minutes), status=status)
