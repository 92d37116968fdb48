"""The simulated server's memory: meetings, the people in them, recordings, and the rules that change them.

Behaviour follows bbb-web (``ApiController.groovy``, ``ParamsProcessorUtil.java``, the constraint classes under
``bbb-common-web/.../model/constraint``) as summarised in the project's BigBlueButton reference:

- internal meeting id = ``sha1(meetingID) + "-" + createTime`` (ParamsProcessorUtil ``convertToInternalMeetingId``);
- missing attendee/moderator passwords become random 8-character strings (``processPassword``);
- a repeated ``create`` answers the existing meeting with ``duplicateWarning`` when both passwords match or none
  is given, else ``idNotUnique``; its other parameters are ignored;
- ``running`` turns true only when someone enters; a meeting nobody joins is dropped after
  ``meetingExpireIfNoUserJoinedInMinutes`` (default 5); ``duration`` ends it;
- ``end`` is asynchronous on a real server: the meeting is marked forcibly ended at once, joins are refused
  with ``meetingForciblyEnded``, and it is dropped from memory a little later;
- ``userdata-KEY`` join parameters are kept per user as custom data when the name has exactly one hyphen
  (``getUserCustomData``).
"""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: seconds an ended meeting stays in memory (joins meanwhile get meetingForciblyEnded)
ENDED_KEEP_S = 60.0
#: seconds a recording spends in "processing" after its meeting ended
PROCESSING_S = 20.0
DEFAULT_EXPIRE_NO_JOIN_MIN = 5


class ApiFailure(Exception):
    """A FAILED answer: ``messageKey`` and ``message`` as the server words them."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def random_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(8))


@dataclass
class SimAttendee:
    internal_id: str
    user_id: str
    full_name: str
    role: str  # MODERATOR | VIEWER
    guest: bool = False
    customdata: dict[str, str] = field(default_factory=dict)
    presenter: bool = False
    avatar_url: str = ""


@dataclass
class SimMeeting:
    meeting_id: str
    name: str
    create_time: int  # ms
    attendee_pw: str
    moderator_pw: str
    voice_bridge: str
    params: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    attendees: list[SimAttendee] = field(default_factory=list)
    #: user ids that were ever let in (maxParticipants counts them)
    joined_user_ids: set[str] = field(default_factory=set)
    start_time: int = 0
    end_time: int = 0
    forcibly_ended: bool = False
    has_user_joined: bool = False
    #: presentations from a POST body (url or name of each document)
    documents: list[str] = field(default_factory=list)

    @property
    def internal_id(self) -> str:
        return f"{hashlib.sha1(self.meeting_id.encode()).hexdigest()}-{self.create_time}"

    @property
    def running(self) -> bool:
        return bool(self.attendees) and not self.ended

    @property
    def ended(self) -> bool:
        return self.forcibly_ended or self.end_time > 0

    def int_param(self, name: str, default: int = 0) -> int:
        try:
            return int(self.params.get(name, default))
        except ValueError:
            return default

    def bool_param(self, name: str) -> bool:
        return self.params.get(name, "").lower() == "true"


@dataclass
class SimRecording:
    record_id: str
    meeting_id: str
    name: str
    start_time: int
    end_time: int
    participants: int
    metadata: dict[str, str] = field(default_factory=dict)
    published: bool = True
    deleted: bool = False
    ready_at: float = 0.0  # wall-clock seconds; before it the recording is "processing"

    def state(self, now: float) -> str:
        if self.deleted:
            return "deleted"
        if now < self.ready_at:
            return "processing"
        return "published" if self.published else "unpublished"

    @property
    def length_minutes(self) -> int:
        return max(1, (self.end_time - self.start_time) // 60000)


@dataclass
class JoinSession:
    token: str
    meeting_id: str
    attendee: SimAttendee
    entered: bool = False


class BBBState:
    def __init__(self, secret: str, *, algorithms: tuple[str, ...] = ("sha1", "sha256", "sha384", "sha512"),
                 clock: Callable[[], float] = time.time) -> None:
        self.secret = secret
        self.supported_algorithms = algorithms
        self.clock = clock
        self.meetings: dict[str, SimMeeting] = {}
        self.recordings: dict[str, SimRecording] = {}
        self.sessions: dict[str, JoinSession] = {}
        self._voice = 70000

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    # housekeeping ------------------------------------------------------------------------------
    def expire(self) -> None:
        """Apply the timers a real server runs in the background."""
        now = self.now_ms()
        for meeting in list(self.meetings.values()):
            if meeting.ended:
                if now - meeting.end_time > ENDED_KEEP_S * 1000:
                    del self.meetings[meeting.meeting_id]
                continue
            no_join = meeting.int_param("meetingExpireIfNoUserJoinedInMinutes", DEFAULT_EXPIRE_NO_JOIN_MIN)
            if not meeting.has_user_joined and no_join > 0 and now - meeting.create_time > no_join * 60000:
                del self.meetings[meeting.meeting_id]
                continue
            duration = meeting.int_param("duration")
            if duration > 0 and meeting.start_time and now - meeting.start_time > duration * 60000:
                self.finish(meeting)

    def meeting(self, meeting_id: str, *, key: str = "notFound") -> SimMeeting:
        self.expire()
        found = self.meetings.get(meeting_id)
        if found is None:
            raise ApiFailure(key, "A meeting with that ID does not exist")
        return found

    # create ------------------------------------------------------------------------------------
    def create(self, params: dict[str, str]) -> tuple[SimMeeting, bool]:
        """(meeting, duplicate) — raises ApiFailure for the validation errors of create."""
        self.expire()
        meeting_id = params.get("meetingID", "")
        name = params.get("name")
        if not meeting_id:
            raise ApiFailure("missingParamMeetingID", "You must provide a meeting ID")
        if not 2 <= len(meeting_id) <= 256:
            raise ApiFailure("validationError", "Meeting ID must be between 2 and 256 characters")
        if "," in meeting_id:
            raise ApiFailure("validationError", "Meeting ID cannot contain ','")
        if not name:
            raise ApiFailure("validationError", "You must provide a meeting name")
        if not 2 <= len(name) <= 256:
            raise ApiFailure("validationError", "Meeting name must be between 2 and 256 characters")
        for pw in ("attendeePW", "moderatorPW"):
            if pw in params and params[pw] and not 2 <= len(params[pw]) <= 64:
                raise ApiFailure("invalidPassword", "Password must be between 2 and 64 characters")
        existing = self.meetings.get(meeting_id)
        if existing is not None and existing.ended:
            del self.meetings[meeting_id]  # dropped from memory: the id may be created anew
            existing = None
        if existing is not None:
            given = (params.get("attendeePW"), params.get("moderatorPW"))
            same = given == (existing.attendee_pw, existing.moderator_pw)
            if same or given == (None, None):
                return existing, True
            raise ApiFailure("idNotUnique",
                             "A meeting already exists with that meeting ID.  Please use a different meeting ID.")
        self._voice += 1
        meeting = SimMeeting(
            meeting_id=meeting_id, name=name, create_time=self.now_ms(),
            attendee_pw=params.get("attendeePW") or random_password(),
            moderator_pw=params.get("moderatorPW") or random_password(),
            voice_bridge=params.get("voiceBridge") or str(self._voice),
            params={k: v for k, v in params.items() if not k.startswith("meta_")},
            # ParamsProcessorUtil.processMetaParam: the name after meta_ is lowercased
            metadata={k[5:].lower(): v for k, v in params.items() if k.startswith("meta_") and len(k) > 5},
        )
        self.meetings[meeting_id] = meeting
        return meeting, False

    # join --------------------------------------------------------------------------------------
    def join(self, params: dict[str, str]) -> JoinSession:
        full_name = params.get("fullName", "")
        meeting_id = params.get("meetingID", "")
        if not meeting_id:
            raise ApiFailure("missingParamMeetingID", "You must provide a meeting ID")
        if not full_name:
            raise ApiFailure("missingParamFullName", "You must provide your name")
        meeting = self.meeting(meeting_id, key="invalidMeetingIdentifier")
        if meeting.ended:
            raise ApiFailure("meetingForciblyEnded",
                             "You can not join a meeting that has already been forcibly ended")
        create_time = params.get("createTime")
        if create_time and create_time != str(meeting.create_time):
            raise ApiFailure("mismatchCreateTimeParam",
                             "The createTime parameter submitted mismatches with the current meeting.")
        role = self._role(meeting, params)
        user_id = params.get("userID") or f"w_{secrets.token_hex(6)}"
        limit = meeting.int_param("maxParticipants")
        if limit and user_id not in meeting.joined_user_ids and len(meeting.joined_user_ids) >= limit:
            raise ApiFailure("maxParticipantsReached",
                             "The number of participants allowed for this meeting has been reached.")
        guest = params.get("guest", "").lower() == "true"
        if guest and meeting.params.get("guestPolicy", "ALWAYS_ACCEPT") == "ALWAYS_DENY":
            raise ApiFailure("guestDeniedAccess",
                             "You have been denied access to this meeting based on the meeting's guest policy")
        custom = {}
        for key, value in params.items():
            parts = key.split("-")
            if parts[0] == "userdata" and len(parts) == 2:
                custom[parts[1]] = value
        attendee = SimAttendee(internal_id=f"w_{secrets.token_hex(6)}", user_id=user_id, full_name=full_name,
                               role=role, guest=guest, customdata=custom, avatar_url=params.get("avatarURL", ""))
        session = JoinSession(token=secrets.token_hex(8), meeting_id=meeting_id, attendee=attendee)
        self.sessions[session.token] = session
        return session

    @staticmethod
    def _role(meeting: SimMeeting, params: dict[str, str]) -> str:
        role = params.get("role", "").upper()
        if role in ("MODERATOR", "VIEWER"):
            return role
        password = params.get("password", "")
        if password:
            if password == meeting.moderator_pw:
                return "MODERATOR"
            if password == meeting.attendee_pw:
                return "VIEWER"
            raise ApiFailure("invalidPassword",
                             "The provided password is neither a moderator or attendee password")
        raise ApiFailure("Params required", "You must either send the valid role or password parameters")

    def enter(self, token: str) -> tuple[SimMeeting, SimAttendee]:
        """The HTML5 client opening ``?sessionToken=…``: the participant appears in the meeting."""
        session = self.sessions.get(token)
        if session is None:
            raise ApiFailure("invalidSession", "Invalid session token")
        meeting = self.meeting(session.meeting_id)
        if meeting.ended:
            raise ApiFailure("meetingForciblyEnded", "You can not join a meeting that has already been forcibly ended")
        if not session.entered:
            session.entered = True
            self.add_attendee(meeting, session.attendee)
        return meeting, session.attendee

    def add_attendee(self, meeting: SimMeeting, attendee: SimAttendee) -> None:
        if not meeting.attendees:
            attendee.presenter = True
        meeting.attendees.append(attendee)
        meeting.joined_user_ids.add(attendee.user_id)
        meeting.has_user_joined = True
        if not meeting.start_time:
            meeting.start_time = self.now_ms()

    # end ---------------------------------------------------------------------------------------
    def finish(self, meeting: SimMeeting) -> None:
        meeting.forcibly_ended = True
        meeting.end_time = self.now_ms()
        recorded = meeting.bool_param("record") and meeting.start_time
        count = len(meeting.joined_user_ids)
        meeting.attendees.clear()
        if recorded:
            record_id = meeting.internal_id
            self.recordings[record_id] = SimRecording(
                record_id=record_id, meeting_id=meeting.meeting_id, name=meeting.name,
                start_time=meeting.start_time, end_time=meeting.end_time, participants=count,
                metadata=dict(meeting.metadata), ready_at=self.clock() + PROCESSING_S)

    # recordings --------------------------------------------------------------------------------
    def find_recordings(self, params: dict[str, str]) -> list[SimRecording]:
        now = self.clock()
        record_ids = [r for r in params.get("recordID", "").split(",") if r]
        meeting_ids = [m for m in params.get("meetingID", "").split(",") if m]
        states = {s.strip() for s in params.get("state", "").split(",") if s.strip()} or {"published",
                                                                                          "unpublished"}
        meta = {k[5:].lower(): v for k, v in params.items() if k.startswith("meta_")}
        found = []
        for rec in self.recordings.values():
            if record_ids:  # a prefix matches; meetingID is ignored when recordID is given
                if not any(rec.record_id.startswith(r) for r in record_ids):
                    continue
            elif meeting_ids and rec.meeting_id not in meeting_ids:
                continue
            if "any" not in states and rec.state(now) not in states:
                continue
            if any(rec.metadata.get(k) != v for k, v in meta.items()):
                continue
            found.append(rec)
        return sorted(found, key=lambda r: r.start_time)

    def recordings_by_ids(self, raw: str) -> list[SimRecording]:
        ids = [r for r in raw.split(",") if r]
        if not ids:
            raise ApiFailure("missingParamRecordID", "You must specify one or more a record IDs.")
        found = [r for r in self.recordings.values() if any(r.record_id.startswith(i) for i in ids)]
        if not found:
            raise ApiFailure("notFound", "We could not find recordings")
        return found
