"""The OpenMeetings 2.x/3.0 simulator's state: users, SIDs (sessions) and rooms, with the server's rules for them."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

BASE_PATH = "/openmeetings"
NS_APACHE = "http://services.axis.openmeetings.apache.org"
NS_PRE_APACHE = "http://services.axis.openmeetings.org"
NS_SESSION_BEAN = "http://basic.beans.persistence.openmeetings.apache.org/xsd"
NS_SESSION_BEAN_30 = "http://server.entity.db.openmeetings.apache.org/xsd"
NS_ERROR_BEAN = "http://basic.beans.data.openmeetings.apache.org/xsd"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"

LEVEL_USER, LEVEL_MODERATOR, LEVEL_ADMIN, LEVEL_WEB_SERVICE = 1, 2, 3, 4
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "Axis2#legacy om"
SESSION_TIMEOUT_S = 30 * 60  # SessiondataDao.clearSessionTable: 1800000 ms after the last refresh

#: error id → English label, from errorvalues.xml + english.xml of 2.x (35's text really is this one)
ERROR_TEXTS: dict[int, str] = {
    1: "Unkown Error. Please report this to your Service-Team.",
    10: "Username not found",
    11: "Invalid Password",
    26: "Admin Authorization required",
    35: "This user is already a member of this usergroup",
    36: "This Method needs an Adminstration Account to be invoked!",
    37: "There was no Session associated with this ID.",
    41: "Your account is not activated. First use the link in the Email you've received during registration.",
    42: "This Session Hash was already used. You cannot use it twice.",
}

LANGUAGE_NAMES: dict[int, str] = dict(enumerate(
    ["english", "deutsch", "deutsch (studIP)", "french", "italian", "portugues", "portugues brazil", "spanish",
     "russian", "swedish", "chinese simplified", "chinese traditional", "korean", "arabic", "japanese",
     "indonesian", "hungarian", "turkish", "ukrainian", "thai", "persian", "czech", "galician", "finnish",
     "polish", "greek", "dutch", "hebrew", "catalan", "bulgarian", "danish", "slovak"], start=1))

ROOM_TYPE_NAMES = {1: "conference", 2: "audience", 3: "restricted", 4: "interview", 5: "custom"}


class AxisFault(Exception):
    """What Axis2 turns into an HTTP 500 fault answer."""


@dataclass
class SimUser:
    id: int
    login: str
    password: str
    firstname: str
    lastname: str
    email: str
    level: int
    activated: bool = True
    in_organisation: bool = True
    external_id: str = ""
    external_type: str = ""


@dataclass
class SimSession:
    row_id: int
    sid: str
    started: float
    refreshed: float
    user_id: int | None = None
    #: the RemoteSessionObject setUserObjectAndGenerateRoomHash stored last (``sessionXml``)
    xml: dict[str, str] | None = None


@dataclass
class SimRoom:
    id: int
    name: str
    type_id: int
    comment: str = ""
    capacity: int | None = None
    public: bool | None = None
    appointment: bool | None = None
    demo: bool | None = None
    demo_time: int | None = None
    moderated: bool | None = None
    allow_user_questions: bool | None = None
    audio_only: bool | None = None
    created_by: int | None = None
    closed: bool = False
    #: user ids who entered through a secure hash (the room counter)
    present: list[int] = field(default_factory=list)


@dataclass
class SoapLogin:
    """A row of the 2.x ``soaplogin`` table: which room, with which rights, for the session ``sid``.

    The participant is not here: ``setUserObjectAndGenerateRoomHash`` writes them onto the SID's session
    (``sessiondataDao.updateUserRemoteSession(SID, xml)``) and the entry reads them back from that session
    (2.x ``MainService.loginUserByRemote``, 3.0.x ``WebSession.signIn``), so a hash admits whoever its SID
    stored last, and dies with its SID.
    """

    hash: str
    sid: str
    room_id: int | None
    moderator: bool
    show_audio_video_test: bool
    allow_same_url_multiple_times: bool
    created: float
    used: bool = False
    entries: int = 0


@dataclass
class AxisState:
    """The server's data; safe to inspect from a test thread."""

    clock: Callable[[], float] = time.time
    session_timeout: float = SESSION_TIMEOUT_S
    #: "3.0" (3.0.x service classes, the default) or "2.x"
    dialect: str = "3.0"
    users: dict[int, SimUser] = field(default_factory=dict)
    sessions: dict[str, SimSession] = field(default_factory=dict)
    rooms: dict[int, SimRoom] = field(default_factory=dict)
    soap_logins: dict[str, SoapLogin] = field(default_factory=dict)
    #: (service, method) of every web-service call, in order
    calls: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _session_rows: itertools.count[int] = field(default_factory=lambda: itertools.count(156971), repr=False)

    # users and sessions ------------------------------------------------------------------------
    def add_user(self, login: str, password: str, *, firstname: str = "", lastname: str = "", email: str = "",
                 level: int = LEVEL_USER, activated: bool = True, in_organisation: bool = True) -> SimUser:
        with self.lock:
            user = SimUser(len(self.users) + 1, login, password, firstname, lastname,
                           email or f"{login}@example.org", level, activated, in_organisation)
            self.users[user.id] = user
            return user

    def new_session(self) -> SimSession:
        with self.lock:
            now = self.clock()
            session = SimSession(next(self._session_rows), secrets.token_hex(16), now, now)
            self.sessions[session.sid] = session
            return session

    def _live_session(self, sid: str | None) -> SimSession | None:
        session = self.sessions.get(sid or "")
        if session is None:
            return None
        if self.clock() - session.refreshed > self.session_timeout:
            del self.sessions[session.sid]
            return None
        session.refreshed = self.clock()
        return session

    def expire_sessions(self) -> None:
        """Forget every session, as the server's cleanup job eventually does."""
        with self.lock:
            self.sessions.clear()

    def check_session(self, sid: str | None) -> int | None:
        """SessiondataDao.checkSession: the signed-in user's id, or None."""
        with self.lock:
            session = self._live_session(sid)
            return session.user_id if session else None

    def user_level(self, user_id: int | None) -> int:
        user = self.users.get(user_id or 0)
        return user.level if user else 0

    def has_web_service_level(self, sid: str | None) -> bool:
        """AuthLevelUtil.checkWebServiceLevel: admins (3) and web-service users (4)."""
        with self.lock:
            return self.user_level(self.check_session(sid)) in (LEVEL_ADMIN, LEVEL_WEB_SERVICE)

    def login(self, sid: str | None, user_or_email: str, password: str) -> int:
        """UserManager.loginUser of 2.x, in its order of checks."""
        with self.lock:
            wanted = user_or_email.casefold()
            user = next((u for u in self.users.values()
                         if wanted and wanted in (u.login.casefold(), u.email.casefold())), None)
            if user is None:
                return -10
            if not secrets.compare_digest(user.password.encode(), password.encode()):
                return -11
            session = self._live_session(sid)
            if session is None:
                return -35
            session.user_id = user.id  # bound before the activation check, as the server does
            if not user.activated:
                return -41
            if not user.in_organisation:
                return -1  # "No Organization assigned to user" is thrown and logged
            # 2.x answers 1; 3.0.x UserWebService.loginUser answers the user's id (u.getUser_id())
            return user.id if self.dialect == "3.0" else 1

    # rooms and hashes --------------------------------------------------------------------------
    def add_room(self, room: SimRoom) -> SimRoom:
        with self.lock:
            room.id = max(self.rooms, default=0) + 1
            self.rooms[room.id] = room
            return room

    def add_soap_login(self, login: SoapLogin) -> SoapLogin:
        with self.lock:
            self.soap_logins[login.hash] = login
            return login

    def hash_details(self, secure_hash: str) -> dict[str, str] | None:
        """The participant a hash would admit now (the details on its SID), for tests."""
        with self.lock:
            login = self.soap_logins.get(secure_hash)
            session = self.sessions.get(login.sid) if login else None
            return dict(session.xml) if session and session.xml else None

    def enter(self, secure_hash: str) -> tuple[SoapLogin | None, dict[str, str], str]:
        """Use a secure hash (2.x ``MainService.secureLoginByRemote`` → ``loginUserByRemote``).

        Answers the login, the participant read from its SID's session, and "" or an error text. The SID
        must still be alive with web-service rights; afterwards it belongs to the participant
        (``sessiondataDao.updateUser(SID, userId)``), so it has lost those rights.
        """
        with self.lock:
            login = self.soap_logins.get(secure_hash)
            if login is None:
                return None, {}, "Invalid Hash. No User found."
            if login.used and not login.allow_same_url_multiple_times:
                return login, {}, ERROR_TEXTS[42]
            session = self._live_session(login.sid)
            if session is None or self.user_level(session.user_id) not in (LEVEL_ADMIN, LEVEL_WEB_SERVICE):
                return login, {}, ERROR_TEXTS[1]  # loginUserByRemote: -1 without web-service level
            if not session.xml:
                return login, {}, ERROR_TEXTS[37]
            details = dict(session.xml)
            if details.get("externalUserId"):  # only an external user is stored, and then owns the SID
                session.user_id = self._external_user(details).id
            login.used = True
            login.entries += 1
            return login, details, ""

    def _external_user(self, details: dict[str, str]) -> SimUser:
        ext_id, ext_type = details.get("externalUserId", ""), details.get("externalUserType", "")
        for user in self.users.values():
            if ext_id and (user.external_id, user.external_type) == (ext_id, ext_type):
                return user
        user = self.add_user(details.get("username") or ext_id or "guest", "", level=LEVEL_USER,
                             firstname=details.get("firstname", ""), lastname=details.get("lastname", ""))
        user.external_id, user.external_type = ext_id, ext_type
        return user
