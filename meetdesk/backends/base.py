"""The Provider contract, capability flags and the registry.

A back end is one package under ``meetdesk/backends/`` whose ``client.py`` defines a subclass of
:class:`Provider`, plus one line in :data:`meetdesk.backends.registry.BACKENDS`. The UI and CLI are driven
entirely by the class attributes below.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from meetdesk.backends.registry import BACKENDS, client_target
from meetdesk.domain.errors import UnsupportedOperationError, ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec
from meetdesk.domain.models import LinkPolicy, Meeting, Participant, Profile, Room, ServerInfo

if TYPE_CHECKING:
    from meetdesk.domain.accounts import Account, AccountDraft, AccountUser
    from meetdesk.domain.drafts import MeetingDraft, RoomDraft
    from meetdesk.domain.joining import JoinLink, JoinRequest
    from meetdesk.domain.live import LiveInvitee, LiveStatus
    from meetdesk.domain.recordings import Recording


class Capability(enum.Flag):
    NONE = 0
    LIST_ROOMS = enum.auto()
    CREATE_ROOM = enum.auto()
    UPDATE_ROOM = enum.auto()
    DELETE_ROOM = enum.auto()
    END_ROOM = enum.auto()
    OPEN_CLOSE_ROOM = enum.auto()
    PAST_ROOMS = enum.auto()
    LIST_MEETINGS = enum.auto()
    CREATE_MEETING = enum.auto()
    UPDATE_MEETING = enum.auto()
    CANCEL_MEETING = enum.auto()
    RECORDINGS = enum.auto()
    DELETE_RECORDING = enum.auto()
    RECORDING_DOWNLOAD = enum.auto()
    JOIN_LINK = enum.auto()
    #: join links belong to a scheduled meeting (``JoinRequest.meeting_id``), not to a room
    MEETING_JOIN_LINK = enum.auto()
    CUSTOM_DESIGN = enum.auto()
    #: rooms are listed from what meetdesk remembers, not from the server
    LOCAL_ROOM_LIST = enum.auto()
    #: recordings can be published and unpublished (``publish_recording``)
    PUBLISH_RECORDING = enum.auto()
    #: a recording's metadata can be changed (``update_recording``)
    UPDATE_RECORDING = enum.auto()
    #: when the server will not list meetings, the meetings created from meetdesk are listed instead
    #: (``Provider.meetings_local_only`` says which one the last list was)
    LOCAL_MEETING_LIST = enum.auto()
    #: create accounts on a multi-tenant instance and look up their administrators
    ACCOUNTS = enum.auto()
    #: a scheduled meeting can be started, watched (who is online) and controlled while it runs:
    #: start_meeting, live_status, set_lock, mute_all, extend_meeting, end_meeting, invite
    LIVE_CONTROL = enum.auto()


@dataclass(frozen=True)
class Column:
    """An extra table column a provider contributes (value read from ``Room.extra[key]``)."""

    key: str
    label: str


#: Called by a provider when it changed ``profile.data`` and wants it saved.
PersistHook = Callable[[dict[str, Any]], Awaitable[None]]


async def _no_persist(_data: dict[str, Any]) -> None:
    return None


class Provider:
    """Base class of every back-end client.

    Subclasses set the class attributes and override what their capabilities promise. Every method
    raises the project's own errors (``meetdesk.domain.errors``) — never httpx or KeyError.
    """

    kind: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    capabilities: ClassVar[Capability] = Capability.NONE
    #: non-secret fields plus exactly one spec with ``is_secret=True`` (password / API secret)
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = ()
    #: label of the base URL field and its placeholder
    url_label: ClassVar[str] = "Server URL"
    url_placeholder: ClassVar[str] = "https://meet.example.org"
    room_fields: ClassVar[tuple[FieldSpec, ...]] = ()
    #: what happens to a new room's id (the room dialog shows it under the field); False: the server numbers
    #: its rooms itself and no id can be given
    room_id_help: ClassVar[str] = "Leave empty to let the server choose one."
    room_id_settable: ClassVar[bool] = True
    #: fields only shown when editing an existing room (defaults to room_fields)
    meeting_fields: ClassVar[tuple[FieldSpec, ...]] = ()
    join_fields: ClassVar[tuple[FieldSpec, ...]] = ()
    #: the JoinRequest fields this back end honours besides room_id and display_name (None: all of them);
    #: the composer hides and the CLI refuses the others rather than silently dropping them
    join_request_fields: ClassVar[frozenset[str] | None] = None
    #: the participant design settings links carry (keys of ``JoinRequest.design``); empty together with
    #: Capability.CUSTOM_DESIGN means plugNmeet's ``custom_design`` keys (meetdesk.domain.design)
    design_fields: ClassVar[tuple[FieldSpec, ...]] = ()
    #: (state, label) pairs ``list_recordings_in`` can filter by; empty: no state filter
    recording_states: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: the optional MeetingDraft fields (location, description) this back end stores (None: all of them);
    #: the meeting editor hides the others instead of letting the user type what would be refused
    meeting_draft_fields: ClassVar[frozenset[str] | None] = None
    room_columns: ClassVar[tuple[Column, ...]] = ()
    meeting_columns: ClassVar[tuple[Column, ...]] = ()
    #: options of a new account besides its administrator's name, e-mail and language (Capability.ACCOUNTS)
    account_fields: ClassVar[tuple[FieldSpec, ...]] = ()
    #: what this back end's join links are (lifetime, single/multi-use, per person or shared, role-bearing);
    #: the default is a personal, role-bearing, reusable link without a clock of its own — declare yours
    link_policy: ClassVar[LinkPolicy] = LinkPolicy(
        summary="A personal link; meetdesk does not know when this server lets it expire.")

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        self.profile = profile
        self._secret = secret
        self._persist = persist or _no_persist
        #: True when the last ``list_meetings`` listed only what meetdesk remembers (LOCAL_MEETING_LIST)
        self.meetings_local_only = False

    def __repr__(self) -> str:  # never show the secret
        return f"<{type(self).__name__} profile={self.profile.name!r}>"

    @classmethod
    def secret_field(cls) -> FieldSpec | None:
        return next((f for f in cls.connection_fields if f.is_secret), None)

    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        """Return the canonical base URL for a profile (e.g. add a missing path)."""
        return url.strip().rstrip("/")

    def supports(self, cap: Capability) -> bool:
        return cap in self.capabilities

    def _unsupported(self, what: str) -> UnsupportedOperationError:
        return UnsupportedOperationError(f"{self.display_name} does not support {what}.")

    # lifecycle -------------------------------------------------------------------------------
    async def connect(self) -> ServerInfo:
        """Check reachability and credentials; return what the server says about itself."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release the HTTP client and log out where the back end has sessions."""

    # rooms -----------------------------------------------------------------------------------
    async def list_rooms(self) -> list[Room]:
        raise self._unsupported("listing rooms")

    async def list_past_rooms(self) -> list[Room]:
        raise self._unsupported("listing past rooms")

    async def complete_rooms(self, rooms: list[Room]) -> list[Room] | None:
        """Details that cost a call per room (user counts), fetched after ``rooms`` are shown; None: nothing
        to add. Returns ``rooms`` completed, in the same order. Not on the critical path of a refresh."""
        return None

    async def get_room(self, room_id: str) -> Room:
        for room in await self.list_rooms():
            if room.id == room_id:
                return room
        from meetdesk.domain.errors import NotFoundError

        raise NotFoundError(f"There is no room “{room_id}” on {self.profile.name}.")

    async def create_room(self, draft: RoomDraft) -> Room:
        raise self._unsupported("creating rooms")

    async def update_room(self, room_id: str, draft: RoomDraft) -> Room:
        raise self._unsupported("editing rooms")

    async def delete_room(self, room_id: str) -> None:
        raise self._unsupported("deleting rooms")

    async def end_room(self, room_id: str) -> None:
        raise self._unsupported("ending rooms")

    async def open_room(self, room_id: str) -> None:
        raise self._unsupported("opening rooms")

    async def close_room(self, room_id: str) -> None:
        raise self._unsupported("closing rooms")

    # meetings --------------------------------------------------------------------------------
    async def list_meetings(self, start: datetime, end: datetime) -> list[Meeting]:
        raise self._unsupported("scheduled meetings")

    async def create_meeting(self, draft: MeetingDraft) -> Meeting:
        raise self._unsupported("scheduling meetings")

    async def update_meeting(self, meeting_id: str, draft: MeetingDraft) -> Meeting:
        raise self._unsupported("editing meetings")

    async def cancel_meeting(self, meeting_id: str) -> None:
        raise self._unsupported("cancelling meetings")

    # recordings ------------------------------------------------------------------------------
    async def list_recordings(self, room_id: str | None = None) -> list[Recording]:
        raise self._unsupported("recordings")

    async def list_recordings_in(self, room_id: str | None, states: frozenset[str]) -> list[Recording]:
        """Recordings in the given states (values of ``recording_states``); all states the server lists when
        ``states`` is empty."""
        if states:
            raise self._unsupported("filtering recordings by state")
        return await self.list_recordings(room_id)

    async def delete_recording(self, recording_id: str) -> None:
        raise self._unsupported("deleting recordings")

    async def publish_recording(self, recording_id: str, publish: bool) -> None:
        raise self._unsupported("publishing recordings")

    async def update_recording(self, recording_id: str, metadata: dict[str, str]) -> None:
        """Set (non-empty value) or remove (empty value) metadata of a recording."""
        raise self._unsupported("changing recordings")

    async def recording_download_url(self, recording_id: str) -> str:
        raise self._unsupported("downloading recordings")

    # join links ------------------------------------------------------------------------------
    async def join_link(self, request: JoinRequest) -> JoinLink:
        raise self._unsupported("join links")

    # live control (Capability.LIVE_CONTROL) ---------------------------------------------------
    async def start_meeting(self, meeting_id: str) -> None:
        """Open a scheduled meeting now, so that it can be joined and controlled."""
        raise self._unsupported("starting meetings")

    async def live_status(self, meeting_id: str) -> LiveStatus:
        raise self._unsupported("watching running meetings")

    async def set_lock(self, meeting_id: str, locked: bool) -> None:
        raise self._unsupported("locking meetings")

    async def mute_all(self, meeting_id: str, muted: bool) -> None:
        raise self._unsupported("muting everyone")

    async def extend_meeting(self, meeting_id: str, minutes: int) -> None:
        raise self._unsupported("extending meetings")

    async def end_meeting(self, meeting_id: str) -> None:
        """End a running meeting for everyone."""
        raise self._unsupported("ending meetings")

    async def invite(self, meeting_id: str, invitee: LiveInvitee) -> None:
        """Call someone into a running meeting."""
        raise self._unsupported("inviting into running meetings")

    def meeting_invitees(self, meeting_id: str) -> list[Participant]:
        """The people the back end lists as invited to a meeting it returned (``extra["email"]`` holds the address);
        empty where the back end keeps no such list."""
        return []

    async def invitation_link(self, request: JoinRequest, valid_from: datetime, valid_to: datetime, *,
                              password: str = "", send_mail: bool = False, subject: str = "",
                              message: str = "") -> JoinLink:
        """A link to send ahead of a meeting that runs from ``valid_from`` to ``valid_to``.

        Back ends whose ``link_policy`` has ``valid_window`` override this to make a link for that period;
        the others hand out their ordinary join link (callers check ``made_at_join_time`` first).
        ``password``, ``send_mail`` (the server e-mails the link), ``subject`` and ``message`` are honoured where
        the back end has them.
        """
        return await self.join_link(request)

    # accounts (multi-tenant instances) -------------------------------------------------------
    async def create_account(self, draft: AccountDraft) -> Account:
        raise self._unsupported("creating accounts")

    async def account_admins(self, account_id: str) -> list[AccountUser]:
        raise self._unsupported("looking up account administrators")


#: kind → "module:ClassName", derived from the registry (tests add fakes here)
PROVIDER_MODULES: dict[str, str] = {kind: client_target(kind) for kind in BACKENDS}


def available_kinds() -> list[str]:
    """Kinds whose module imports (a back end under construction is skipped, not fatal)."""
    kinds = []
    for kind in PROVIDER_MODULES:
        try:
            provider_class(kind)
        except (ImportError, AttributeError):
            continue
        kinds.append(kind)
    return kinds


def provider_class(kind: str) -> type[Provider]:
    try:
        target = PROVIDER_MODULES[kind]
    except KeyError:
        known = ", ".join(PROVIDER_MODULES)
        raise ValidationError(f"Unknown back-end kind “{kind}”. Known kinds: {known}.", field="kind") from None
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    assert issubclass(cls, Provider)
    return cls


def create_provider(profile: Profile, secret: str, *, persist: PersistHook | None = None) -> Provider:
    return provider_class(profile.kind)(profile, secret, persist=persist)


def secret_spec(label: str = "Password", key: str = "password", help: str = "") -> FieldSpec:
    """Convenience for the one secret connection field."""
    return FieldSpec(key=key, label=label, kind=FieldKind.SECRET, required=True, help=help, is_secret=True)
