"""The connected session: every profile's connection, its status and its last-known data.

UI and CLI talk to back ends only through this object. It is plain asyncio: the UI subscribes with a
callback and turns events into Qt signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from meetdesk.backends.base import Capability, Provider, create_provider, provider_class
from meetdesk.backends.rows import as_protocol_error, collect_skipped
from meetdesk.domain.errors import (
    AnswerLostError,
    AuthenticationError,
    MeetdeskError,
    NotFoundError,
    TLSError,
    UnreachableError,
    ValidationError,
)
from meetdesk.domain.models import Meeting, Profile, Room, ServerInfo
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.room_details import add_details, close_quietly, stamped
from meetdesk.services.secret_store import SecretStore

if TYPE_CHECKING:
    from meetdesk.domain.accounts import Account, AccountDraft, AccountUser
    from meetdesk.domain.drafts import MeetingDraft, RoomDraft
    from meetdesk.domain.joining import JoinLink, JoinRequest
    from meetdesk.domain.live import LiveInvitee, LiveStatus
    from meetdesk.domain.recordings import Recording

log = logging.getLogger("meetdesk.services.session")
T = TypeVar("T")

#: meetings shown: from a day ago to this many days ahead
MEETING_WINDOW_PAST = timedelta(days=1)
MEETING_WINDOW_AHEAD = timedelta(days=14)


class ConnectionState(enum.Enum):
    DISCONNECTED = "not connected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    AUTH_FAILED = "wrong credentials"
    UNREACHABLE = "unreachable"
    NEEDS_SECRET = "password needed"
    ERROR = "error"


@dataclass
class Connection:
    profile: Profile
    state: ConnectionState = ConnectionState.DISCONNECTED
    message: str = ""
    server: ServerInfo | None = None
    provider: Provider | None = None
    rooms: list[Room] = field(default_factory=list)
    past_rooms: list[Room] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    #: the last refresh error (data above is then the last known data, marked stale)
    refresh_error: str = ""
    #: the error itself, so the CLI reports it (and its exit code) without asking the server again
    refresh_failure: MeetdeskError | None = None
    #: rows the last refresh skipped because they could not be read (sentences naming them)
    skipped_rows: list[str] = field(default_factory=list)
    details_warnings: list[str] = field(default_factory=list)  # what the rooms lack (user counts) and why
    refreshed_at: datetime | None = None

    @property
    def stale(self) -> bool:
        """True when the data shown is the last known data, because the latest refresh failed."""
        return bool(self.refresh_error)

    @property
    def capabilities(self) -> Capability:
        return provider_class(self.profile.kind).capabilities

    def status_text(self) -> str:
        if self.state is ConnectionState.CONNECTED and self.server is not None:
            return f"connected — {self.server.summary()}"
        if self.message and self.state is not ConnectionState.DISCONNECTED:
            return f"{self.state.value}: {self.message}"
        return self.state.value


class SessionEvent(enum.Enum):
    PROFILES = "profiles"  # profiles added, removed, renamed
    STATUS = "status"  # a connection's state changed (payload: profile name)
    DATA = "data"  # rooms/meetings of a profile changed (payload: profile name)
    WARNING = "warning"  # payload: a sentence for the user


Listener = Callable[[SessionEvent, str], None]


def _state_for(exc: BaseException) -> ConnectionState:
    if isinstance(exc, AuthenticationError):
        return ConnectionState.AUTH_FAILED
    if isinstance(exc, UnreachableError | TLSError):
        return ConnectionState.UNREACHABLE
    return ConnectionState.ERROR


class Session:
    def __init__(self, store: ProfileStore, secrets: SecretStore) -> None:
        self.store = store
        self.secrets = secrets
        self._listeners: list[Listener] = []
        self.connections: dict[str, Connection] = {p.name: Connection(p) for p in store.profiles()}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        #: the task connecting each profile, so that disconnect() can cancel a connection attempt at any moment
        self._connecting: dict[str, asyncio.Task[Any]] = {}
        self._meeting_window: tuple[datetime, datetime] | None = None
        secrets.on_warning = lambda text: self._emit(SessionEvent.WARNING, text)

    # events ------------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: SessionEvent, payload: str = "") -> None:
        for listener in list(self._listeners):
            try:
                listener(event, payload)
            except Exception:
                log.exception("session listener failed")

    def _set_state(self, conn: Connection, state: ConnectionState, message: str = "") -> None:
        conn.state, conn.message = state, message
        self._emit(SessionEvent.STATUS, conn.profile.name)

    # profiles ----------------------------------------------------------------------------------
    def connection(self, name: str) -> Connection:
        try:
            return self.connections[name]
        except KeyError:
            pass
        try:  # names are stored in NFC: "Café" typed with a combining accent is the same profile
            return self.connections[unicodedata.normalize("NFC", name)]
        except KeyError:
            raise NotFoundError(f"There is no profile named “{name}”.") from None

    async def add_profile(self, profile: Profile, secret: str | None) -> Profile:
        secret_field = provider_class(profile.kind).secret_field()
        if secret_field is not None and secret_field.required and not secret:
            raise ValidationError(f"{secret_field.label} is required.", field=secret_field.key)
        profile = self.store.add(profile)
        if secret:
            await self.secrets.set(profile.name, secret)
        self.connections[profile.name] = Connection(profile)
        self._emit(SessionEvent.PROFILES, profile.name)
        return profile

    async def update_profile(self, old_name: str, profile: Profile, secret: str | None = None) -> Profile:
        """Save an edited profile; ``secret`` None keeps the stored one. Reconnects if it was connected."""
        was_connected = self.connection(old_name).state is ConnectionState.CONNECTED
        await self.disconnect(old_name)
        old = self.store.get(old_name)
        profile = replace(profile, data=profile.data or old.data, deadline_s=profile.deadline_s or old.deadline_s)
        profile = self.store.update(old_name, profile)
        if profile.name != old_name:
            await self.secrets.rename(old_name, profile.name)
        if secret:
            await self.secrets.set(profile.name, secret)
        self.connections = {(profile.name if k == old_name else k): (Connection(profile) if k == old_name else v)
                            for k, v in self.connections.items()}
        self._emit(SessionEvent.PROFILES, profile.name)
        if was_connected:
            await self.connect(profile.name)
        return profile

    async def remove_profile(self, name: str) -> None:
        await self.disconnect(name)
        self.store.remove(name)
        await self.secrets.delete(name)
        self.connections.pop(name, None)
        self._emit(SessionEvent.PROFILES, name)

    async def test_connection(self, profile: Profile, secret: str) -> ServerInfo:
        """Connect with unsaved settings, report what the server says, and disconnect."""
        provider = create_provider(profile, secret)
        try:
            return await provider.connect()
        finally:
            with contextlib.suppress(Exception):
                await provider.aclose()

    # connecting --------------------------------------------------------------------------------
    def _lock(self, name: str) -> asyncio.Lock:
        return self._locks.setdefault(name, asyncio.Lock())

    async def connect(self, name: str, secret: str | None = None, *, load: bool = True) -> ServerInfo:
        """Connect a profile and load its data (``load``). Errors are recorded in the status *and* raised."""
        conn = self.connection(name)
        name = conn.profile.name
        async with self._lock(name):
            if conn.provider is not None and conn.state is ConnectionState.CONNECTED:
                assert conn.server is not None
                return conn.server
            if secret:
                await self.secrets.set(name, secret)
            stored = secret or await self.secrets.get(name)
            if stored is None and provider_class(conn.profile.kind).secret_field() is not None:
                self._set_state(conn, ConnectionState.NEEDS_SECRET,
                                "meetdesk has no password for this profile; edit it and enter the password.")
                raise AuthenticationError(f"There is no saved password for “{name}”.",
                                          hint="Edit the profile and enter the password.")
            self._set_state(conn, ConnectionState.CONNECTING)

            async def persist(data: dict[str, Any]) -> None:
                current = self.connections.get(conn.profile.name)
                if current is not None and conn.profile.name in self.store:
                    self.store.set_data(conn.profile.name, data)
                    current.profile = self.store.get(conn.profile.name)

            provider = create_provider(conn.profile, stored or "", persist=persist)
            task = asyncio.current_task()
            if task is not None:
                self._connecting[name] = task
            try:
                server = await provider.connect()
            except asyncio.CancelledError:
                await close_quietly(provider)
                self._set_state(conn, ConnectionState.DISCONNECTED)
                raise
            except MeetdeskError as exc:
                await close_quietly(provider)
                self._set_state(conn, _state_for(exc), exc.user_text())
                raise
            finally:
                self._connecting.pop(name, None)
            conn.provider, conn.server = provider, server
            self._set_state(conn, ConnectionState.CONNECTED)
        if load:
            await self.refresh(name, raise_errors=False)
        return server

    async def disconnect(self, name: str) -> None:
        conn = self.connection(name)
        attempt = self._connecting.get(name)
        if attempt is not None and attempt is not asyncio.current_task() and not attempt.done():
            attempt.cancel()
            await asyncio.gather(attempt, return_exceptions=True)
        provider, conn.provider, conn.server = conn.provider, None, None
        if provider is not None:
            await close_quietly(provider)
        had_data = bool(conn.rooms or conn.meetings or conn.past_rooms)
        conn.rooms, conn.meetings, conn.past_rooms = [], [], []
        conn.refresh_error, conn.refresh_failure = "", None
        if conn.state is not ConnectionState.DISCONNECTED:
            self._set_state(conn, ConnectionState.DISCONNECTED)
        if had_data:
            self._emit(SessionEvent.DATA, name)

    async def connect_all(self) -> dict[str, BaseException | None]:
        """Connect every profile concurrently; return each one's error (or None)."""
        names = list(self.connections)
        results = await asyncio.gather(*(self.connect(n) for n in names), return_exceptions=True)
        out: dict[str, BaseException | None] = {}
        for n, r in zip(names, results, strict=True):
            if isinstance(r, asyncio.CancelledError):
                raise r
            out[n] = r if isinstance(r, BaseException) else None
        return out

    def provider(self, name: str) -> Provider:
        conn = self.connection(name)
        if conn.provider is None:
            raise NotFoundError(f"“{name}” is not connected.", hint="Connect the profile first.")
        return conn.provider

    # data --------------------------------------------------------------------------------------
    def meeting_window(self) -> tuple[datetime, datetime]:
        """The period meetings are loaded for: the one chosen (:meth:`set_meeting_window`), else yesterday to two
        weeks ahead."""
        if self._meeting_window is not None:
            return self._meeting_window
        now = datetime.now(UTC)
        return now - MEETING_WINDOW_PAST, now + MEETING_WINDOW_AHEAD

    def set_meeting_window(self, start: datetime | None, end: datetime | None = None) -> None:
        """Load meetings from ``start`` to ``end`` on the next refresh (None: back to the default period)."""
        if start is not None and end is not None and end <= start:
            raise ValidationError("The period must end after it starts.", field="to")
        self._meeting_window = (start, end) if start is not None and end is not None else None

    async def refresh(self, name: str | None = None, *, raise_errors: bool = True) -> None:
        """Reload rooms and meetings of one connected profile, or of all of them concurrently."""
        names = [name] if name else [n for n, c in self.connections.items() if c.provider is not None]
        results = await asyncio.gather(*(self._refresh_one(n) for n in names), return_exceptions=True)
        for r in results:
            if isinstance(r, asyncio.CancelledError):
                raise r
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors and raise_errors:
            raise errors[0]

    def refreshing(self, name: str) -> bool:
        return self._lock(f"\0refresh {name}").locked()  # a refresh of ``name`` runs now

    async def _refresh_one(self, name: str) -> None:  # one at a time: auto-refresh + F5 held 100k rooms twice
        async with self._lock(f"\0refresh {name}"):  # a later refresh waits, then asks anew
            await self._refresh_now(name)

    async def _refresh_now(self, name: str) -> None:
        conn = self.connection(name)
        provider = self.provider(name)
        caps = provider.capabilities
        start, end = self.meeting_window()

        async def maybe(cap: Capability, call: Callable[[], Awaitable[list[T]]]) -> list[T] | None:
            return await call() if cap in caps else None

        try:
            with collect_skipped() as skipped:
                rooms, past, meetings = await asyncio.gather(
                    maybe(Capability.LIST_ROOMS, provider.list_rooms),
                    maybe(Capability.PAST_ROOMS, provider.list_past_rooms),
                    maybe(Capability.LIST_MEETINGS, lambda: provider.list_meetings(start, end)),
                )
        except Exception as raw:  # never swallowed: a failed refresh keeps the last known data, marked stale
            exc = as_protocol_error(raw, name, "rooms and meetings")
            if exc is not raw:
                log.warning("refreshing %s failed unexpectedly", name, exc_info=raw)
            conn.refresh_error, conn.refresh_failure = exc.user_text(), exc
            if isinstance(exc, AuthenticationError | UnreachableError):
                self._set_state(conn, _state_for(exc), exc.user_text())
            self._emit(SessionEvent.DATA, name)
            raise exc from None
        if conn.provider is not provider:  # disconnected meanwhile
            return
        arrived = await stamped(name, conn.profile.kind, rooms or [], past or [], meetings or [],
                                (conn.rooms, conn.past_rooms, conn.meetings))
        del rooms, past, meetings  # the unstamped rows: not kept while the details below take their time
        if conn.provider is not provider:
            return
        conn.rooms, conn.past_rooms, conn.meetings = arrived
        conn.refresh_error, conn.refresh_failure, conn.skipped_rows = "", None, list(skipped)
        conn.refreshed_at = datetime.now(UTC)
        for warning in skipped:
            self._emit(SessionEvent.WARNING, warning)
        if conn.state is not ConnectionState.CONNECTED:
            self._set_state(conn, ConnectionState.CONNECTED)
        self._emit(SessionEvent.DATA, name)
        # the rooms are shown (DATA above); their per-room details follow, see services/room_details.py
        await add_details(conn, provider, name, warn=lambda text: self._emit(SessionEvent.WARNING, text),
                          changed=lambda: self._emit(SessionEvent.DATA, name))

    def rooms(self, *, include_past: bool = False) -> list[Room]:
        out: list[Room] = []
        for conn in self.connections.values():
            out.extend(conn.rooms)
            if include_past:
                out.extend(conn.past_rooms)
        return out

    def meetings(self) -> list[Meeting]:
        return [m for conn in self.connections.values() for m in conn.meetings]

    # operations (each refreshes the profile's data afterwards) ---------------------------------
    async def _then_refresh(self, name: str, result: T) -> T:
        try:
            await self._refresh_one(name)
        except MeetdeskError as exc:
            log.info("refresh after change failed: %s", exc.message)
        return result

    async def create_room(self, name: str, draft: RoomDraft) -> Room:
        room = await self.provider(name).create_room(draft)
        return await self._then_refresh(name, replace(room, profile=name, kind=self.connection(name).profile.kind))

    async def update_room(self, name: str, room_id: str, draft: RoomDraft) -> Room:
        room = await self.provider(name).update_room(room_id, draft)
        return await self._then_refresh(name, replace(room, profile=name, kind=self.connection(name).profile.kind))

    async def delete_room(self, name: str, room_id: str) -> None:
        await self._until_gone(name, room_id, self.provider(name).delete_room)
        await self._then_refresh(name, None)

    async def end_room(self, name: str, room_id: str) -> None:
        await self._until_gone(name, room_id, self.provider(name).end_room)
        await self._then_refresh(name, None)

    async def _until_gone(self, name: str, room_id: str, call: Callable[[str], Awaitable[None]]) -> None:
        """Delete or end a room; when the answer was lost, ask the server whether it happened before failing."""
        provider = self.provider(name)
        try:
            await call(room_id)
        except AnswerLostError as lost:  # not on a timeout: a black hole is waited for once, not twice
            try:
                await provider.get_room(room_id)
            except NotFoundError:
                log.info("%s: the answer was lost, but room %s is gone: done", name, room_id)
                return
            except MeetdeskError:
                raise lost from None
            raise

    async def open_room(self, name: str, room_id: str) -> None:
        await self.provider(name).open_room(room_id)
        await self._then_refresh(name, None)

    async def close_room(self, name: str, room_id: str) -> None:
        await self.provider(name).close_room(room_id)
        await self._then_refresh(name, None)

    async def create_meeting(self, name: str, draft: MeetingDraft) -> Meeting:
        meeting = await self.provider(name).create_meeting(draft)
        kind = self.connection(name).profile.kind
        return await self._then_refresh(name, replace(meeting, profile=name, kind=kind))

    async def update_meeting(self, name: str, meeting_id: str, draft: MeetingDraft) -> Meeting:
        meeting = await self.provider(name).update_meeting(meeting_id, draft)
        kind = self.connection(name).profile.kind
        return await self._then_refresh(name, replace(meeting, profile=name, kind=kind))

    async def cancel_meeting(self, name: str, meeting_id: str) -> None:
        provider = self.provider(name)
        known = next((m for m in self.connection(name).meetings if m.id == meeting_id), None)
        start, end = (known.start - timedelta(days=1), known.end + timedelta(days=1)) if known \
            else self.meeting_window()

        async def still_there() -> bool:
            return any(m.id == meeting_id for m in await provider.list_meetings(start, end))

        await _checked_when_lost(provider.cancel_meeting(meeting_id), still_there)
        await self._then_refresh(name, None)

    async def list_recordings(self, name: str, room_id: str | None = None, *,
                              states: frozenset[str] = frozenset()) -> list[Recording]:
        return [replace(r, profile=name) for r in await self.provider(name).list_recordings_in(room_id, states)]

    async def delete_recording(self, name: str, recording_id: str) -> None:
        provider = self.provider(name)

        async def still_there() -> bool:
            return any(r.id == recording_id for r in await provider.list_recordings())

        await _checked_when_lost(provider.delete_recording(recording_id), still_there)

    async def recording_download_url(self, name: str, recording_id: str) -> str:
        return await self.provider(name).recording_download_url(recording_id)

    async def join_link(self, name: str, request: JoinRequest) -> JoinLink:
        return await self.provider(name).join_link(request)

    async def create_account(self, name: str, draft: AccountDraft) -> Account:
        account = await self.provider(name).create_account(draft)
        return replace(account, profile=name)

    async def account_admins(self, name: str, account_id: str) -> list[AccountUser]:
        return await self.provider(name).account_admins(account_id)
    # live control: a started or ended meeting changes the meetings list, the rest does not
    async def start_meeting(self, name: str, meeting_id: str) -> None:
        await self.provider(name).start_meeting(meeting_id)
        await self._then_refresh(name, None)

    async def end_meeting(self, name: str, meeting_id: str) -> None:
        await self.provider(name).end_meeting(meeting_id)
        await self._then_refresh(name, None)

    async def live_status(self, name: str, meeting_id: str) -> LiveStatus:
        return await self.provider(name).live_status(meeting_id)

    async def set_lock(self, name: str, meeting_id: str, locked: bool) -> None:
        await self.provider(name).set_lock(meeting_id, locked)

    async def mute_all(self, name: str, meeting_id: str, muted: bool) -> None:
        await self.provider(name).mute_all(meeting_id, muted)

    async def extend_meeting(self, name: str, meeting_id: str, minutes: int) -> None:
        await self.provider(name).extend_meeting(meeting_id, minutes)
        await self._then_refresh(name, None)

    async def invite(self, name: str, meeting_id: str, invitee: LiveInvitee) -> None:
        await self.provider(name).invite(meeting_id, invitee)

    # shutdown ----------------------------------------------------------------------------------
    def spawn(self, coro: Awaitable[T]) -> asyncio.Task[T]:
        """Run ``coro`` as a task the session cancels on close."""
        task: asyncio.Task[T] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def aclose(self) -> None:
        """Cancel what is in flight and close every connection."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for conn in self.connections.values():
            provider, conn.provider = conn.provider, None
            if provider is not None:
                await close_quietly(provider)


async def _checked_when_lost(call: Awaitable[None], still_there: Callable[[], Awaitable[bool]]) -> None:
    """Run a removal; when its answer was lost on the way back, ask the server whether it happened."""
    try:
        await call
    except AnswerLostError as lost:
        try:
            if not await still_there():
                log.info("the answer was lost, but the removal happened: done")
                return
        except MeetdeskError:
            pass
        raise lost from None
