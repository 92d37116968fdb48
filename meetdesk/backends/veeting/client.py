"""Veeting Rooms through its "Web Meeting" white-label REST API v6.

What the public documents show (Veeting's "API usage" tutorial, the web-hook page, the v1 API pages) and
what this client does with it:

* ``X-API-KEY`` on every call. An instance-level key acts for the organiser named in ``X-USER-ID`` (profile
  field ``user_id``); an account-level key acts as its own account (that it then needs no ``X-USER-ID`` is
  inferred from the text, not shown).
* Answers are ``{"responseCode": 0, "data": …}``; a negative code with ``responseMessage`` is a failure.
  The codes -1 (API key not valid — the public copy is cut off after "-1"), -2, -3, -4, -10, -99 come from
  the v1 documents; that v6 keeps them is assumed.
* ``POST /api/v6/account``, ``GET /api/v6/account/admin/{accountId}``, ``POST /api/v6/meeting`` and
  ``PUT /api/v6/meeting/{id}/false`` are as the tutorial shows them. The trailing ``/false`` is not
  explained anywhere public; it is kept as the tutorial sends it (perhaps "notify participants").

ASSUMPTIONS the public documents could not confirm (the full swagger is given to white-label customers
only):

* Listing, reading and deleting meetings as ``GET /api/v6/meeting``, ``GET /api/v6/meeting/{id}`` and
  ``DELETE /api/v6/meeting/{id}``. When a server answers them with HTTP 404/405 (no such call) or
  "not allowed", meetdesk lists the meetings it created with this profile (kept in ``profile.data``) and
  says so, reads a meeting from that memory, and refuses to cancel rather than pretend.
* The participants' link is the Meeting object's ``meetingUrl`` field (:data:`~.wire.LINK_FIELD`). When the
  object has none, the link is built as ``<address>/meeting/<meeting number>`` and the link says it is a guess.
* ``invitedParticipants`` entries are ``{"email": …, "name": …}`` (public examples only show ``[]``).
* The meeting type values besides ``standard`` (``offTheRecord``, ``boardroom``, ``classroom``), and that
  ``agenda`` and ``timezone`` may be sent (both are fields of the Meeting object the server answers with).
* A bad key is answered with HTTP 401/403 or ``responseCode`` -1/-2; both are read as "key refused".
* An instance key without ``X-USER-ID`` on a meeting call is answered -4 "Data not valid"; meetdesk then says
  that the profile must name the organiser. Without a meeting list call, connecting cannot check the key; the
  server summary says "key not checked yet" and the first change checks it.
* The account type values besides ``trial`` (meetdesk offers ``paid``), and that a non-trial account needs
  ``paidUntil``. A trial account's ``paidUntil`` is ignored by the server (the tutorial's answer shows 14 days
  after creation), so the form says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import httpx

from meetdesk.backends.base import Capability, Column, PersistHook, Provider, secret_spec
from meetdesk.backends.http import build_client, json_body, translate_errors
from meetdesk.backends.rows import parse_rows
from meetdesk.backends.veeting.wire import (
    API,
    LINK_FIELD,
    MEETING_TYPES,
    EndpointMissing,
    format_time,
    meeting_body,
    parse_account,
    parse_meeting,
    parse_users,
    remembered,
    unwrap,
)
from meetdesk.domain.errors import (
    AuthenticationError,
    ConfigError,
    MeetdeskError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    UnsupportedOperationError,
    ValidationError,
)
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.models import (
    Account,
    AccountDraft,
    AccountUser,
    JoinLink,
    JoinRequest,
    LinkPolicy,
    Meeting,
    MeetingDraft,
    Participant,
    Profile,
    Role,
    ServerInfo,
)
from meetdesk.domain.people import parse_email

log = logging.getLogger("meetdesk.backends.veeting")

#: how long the meeting list connect() read stands in for the list asked for right after it
FRESH_LIST_S = 2.0
NOT_CHECKED = "not checked: the server has no meeting list call, the key is first used by a change"


class VeetingProvider(Provider):
    kind: ClassVar[str] = "veeting"
    display_name: ClassVar[str] = "Veeting Rooms"
    description: ClassVar[str] = (
        "Veeting Rooms and its white-label instances (“Web Meeting” API v6): schedule, edit and cancel meetings "
        "with invited participants, copy a meeting's link, and — with an instance key — create accounts."
    )
    capabilities: ClassVar[Capability] = (
        Capability.LIST_MEETINGS | Capability.CREATE_MEETING | Capability.UPDATE_MEETING
        | Capability.CANCEL_MEETING | Capability.JOIN_LINK | Capability.MEETING_JOIN_LINK
        | Capability.LOCAL_MEETING_LIST | Capability.ACCOUNTS
    )
    url_label: ClassVar[str] = "Veeting address"
    url_placeholder: ClassVar[str] = "https://rooms.veeting.com"
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(key="user_id", label="Organiser user id", placeholder="e.g. 5e9459c5b863b82cefdddf4e",
                  help="Only for an instance-level key: the internal id of the organiser meetings are scheduled "
                       "for (sent as X-USER-ID). Leave it empty for an account-level key."),
        secret_spec("API key", key="api_key",
                    help="An account key (Account settings) or an instance key (white-label settings) with the "
                         "“Meeting” permission — and “Account” for creating accounts."),
    )
    meeting_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(key="type", label="Meeting type", kind=FieldKind.CHOICE, default="standard",
                  choices=MEETING_TYPES, help="How the meeting room behaves: standard, off-the-record "
                                              "(end-to-end encrypted), boardroom or classroom/webinar."),
        FieldSpec(key="is_dialin", label="Telephone dial-in", kind=FieldKind.BOOL, default=False,
                  help="Participants may also join by telephone."),
        FieldSpec(key="is_recorded", label="Record the meeting", kind=FieldKind.BOOL, default=False,
                  help="Veeting records the meeting."),
        FieldSpec(key="invited", label="Invited participants", kind=FieldKind.PARTICIPANTS,
                  placeholder="Ada Lovelace <ada@example.org>; bob@example.org",
                  help="Veeting sends each of them an invitation by e-mail. On the command line: "
                       "\"Ada Lovelace <ada@example.org>; bob@example.org\"; invited+=… adds people."),
    )
    meeting_columns: ClassVar[tuple[Column, ...]] = (
        Column("meeting_number", "Meeting number"),
        Column("type", "Type"),
        Column("invited_count", "Invited"),
    )
    account_fields: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(key="account_type", label="Account type", kind=FieldKind.CHOICE, default="trial",
                  choices=(("trial", "Trial"), ("paid", "Paid")),
                  help="Veeting gives a trial account 14 days, whatever “paid until” says."),
        FieldSpec(key="paid_until", label="Paid until", placeholder="2026-12-31",
                  help="The date the account is paid up to (a paid account); ISO date, e.g. 2026-12-31."),
        FieldSpec(key="send_password", label="E-mail the administrator a password", kind=FieldKind.BOOL,
                  default=True, help="Veeting sends the new administrator an e-mail to set a password."),
    )
    join_request_fields = frozenset[str]()
    link_policy: ClassVar[LinkPolicy] = LinkPolicy(
        per_person=False, role_bearing=False,
        summary="The meeting's own link, the same for everyone: participants type their name when they join. "
                "Veeting does not say when it stops letting people in.")
    #: a Veeting meeting has an agenda (the description) but no location
    meeting_draft_fields: ClassVar[frozenset[str] | None] = frozenset({"description"})

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        super().__init__(profile, secret, persist=persist)
        self._client: httpx.AsyncClient | None = None
        #: the meeting list connect() just read (monotonic time, answer): the list asked for right after uses it
        self._fresh_list: tuple[float, Any] | None = None
        #: the meetings as last read or saved, for meeting_invitees
        self._seen: dict[str, Meeting] = {}

    # plumbing ----------------------------------------------------------------------------------
    @property
    def _server(self) -> str:
        return self.profile.name or urlsplit(self.profile.base_url).netloc or "the Veeting server"

    @property
    def _user_id(self) -> str:
        return str(self.profile.fields.get("user_id", "")).strip()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = build_client(self.profile, secrets=[self._secret], logger=log,
                                        base_url=self.normalize_base_url(self.profile.base_url) + "/",
                                        headers={"X-API-KEY": self._secret, "Accept": "application/json"})
        return self._client

    async def _call(self, method: str, path: str, *, body: Mapping[str, Any] | None = None,
                    acting: bool = True, unverified: bool = False) -> Any:
        """One API call; returns the envelope's ``data``.

        Args:
            acting: a meeting call, sent for the organiser (``X-USER-ID``).
            unverified: one of the calls no public document shows: an absent route raises
                :class:`EndpointMissing` for the caller's fallback instead of a protocol error.
        """
        self._fresh_list = None  # any other call may change the list connect() read
        if not self._secret:
            raise AuthenticationError(f"No API key is stored for the profile {self.profile.name}.",
                                      hint="Edit the profile and enter the Veeting API key.")
        call = f"{method} {path}"
        headers = {"X-USER-ID": self._user_id} if acting and self._user_id else {}
        async with translate_errors(self._server, call):
            response = await self._http().request(method, f"{API}/{path}", json=body, headers=headers)
        status = response.status_code
        is_json = "json" in response.headers.get("content-type", "").lower()
        if not is_json:
            if status in (401, 403):
                raise AuthenticationError(f"{self._server} refused the API key (HTTP {status}).", detail=call,
                                          hint="Copy the key again from the Veeting settings.")
            if status in (404, 405, 501) and unverified:
                raise EndpointMissing(f"{self._server} does not offer {call}.", detail=f"HTTP {status}")
            if status == 404:
                raise ProtocolError(f"{self._server} has no Veeting API v6 at this address (HTTP 404 for {call}).",
                                    hint="Enter the instance's own address, e.g. https://rooms.veeting.com.")
            if status >= 500:
                raise ServerError(f"{self._server} reported an internal error (HTTP {status}).", detail=call,
                                  hint="Try again later; if it persists, ask the Veeting administrator.")
            raise ProtocolError(f"{self._server} did not answer {call} with JSON (HTTP {status}).",
                                hint="Check that the address is the Veeting instance itself.")
        data = unwrap(json_body(response, call), server=self._server, call=call, user_id=self._user_id)
        if status >= 400:  # an envelope that claims success on an error status is not believed
            raise ServerError(f"{self._server} answered {call} with HTTP {status}.", detail=call)
        return data

    # lifecycle ---------------------------------------------------------------------------------
    async def connect(self) -> ServerInfo:
        """Checks the key with the (unverified) meeting list; a server without that call is still accepted."""
        checked = "meeting list"
        try:
            self._fresh_list = (time.monotonic(), await self._call("GET", "meeting", unverified=True))
        except EndpointMissing:
            checked = NOT_CHECKED
        except (PermissionDeniedError, ValidationError):
            # the key was recognised; listing is not allowed, or an instance key names no organiser yet
            # (the Meetings tab says so; the account calls work without one)
            checked = "key recognised"
        version = "API v6" if checked != NOT_CHECKED else "API v6 (key not checked yet)"
        return ServerInfo(product="Veeting Rooms", version=version, user=self._user_id, extra={"key check": checked})

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # memory ------------------------------------------------------------------------------------
    def _memory(self) -> dict[str, dict[str, Any]]:
        stored = self.profile.data.get("meetings")
        return {str(k): v for k, v in stored.items() if isinstance(v, dict)} if isinstance(stored, dict) else {}

    async def _save_memory(self, meetings: dict[str, dict[str, Any]], what: str) -> None:
        self.profile.data["meetings"] = meetings
        try:
            await self._persist(self.profile.data)
        except Exception as exc:
            log.warning("could not save the remembered meetings of %s: %s", self.profile.name, type(exc).__name__)
            raise ConfigError(f"{what}, but meetdesk could not save that in the profile.",
                              detail=exc.message if isinstance(exc, MeetdeskError) else type(exc).__name__,
                              hint="Check that the configuration folder is writable.") from None

    def _remembered_meetings(self) -> list[Meeting]:
        meetings = []
        for raw in self._memory().values():
            try:
                meetings.append(parse_meeting(raw, local_only=True))
            except ProtocolError as exc:
                log.warning("skipping a remembered meeting of %s: %s", self.profile.name, exc.message)
        return meetings

    # meetings ----------------------------------------------------------------------------------
    async def list_meetings(self, start: datetime, end: datetime) -> list[Meeting]:
        fresh, self._fresh_list = self._fresh_list, None
        try:
            if fresh is not None and time.monotonic() - fresh[0] < FRESH_LIST_S:
                data = fresh[1]
            else:
                data = await self._call("GET", "meeting", unverified=True)
        except (EndpointMissing, PermissionDeniedError) as exc:
            log.info("%s will not list meetings (%s); listing the ones created here", self._server, exc.message)
            self.meetings_local_only = True
            meetings = self._remembered_meetings()
        else:
            if not isinstance(data, list):
                raise ProtocolError(f"{self._server} answered the meeting list without a list.",
                                    detail=type(data).__name__)
            self.meetings_local_only = False
            # an unreadable meeting is skipped with a warning naming it; an answer of nothing readable is an error
            meetings = await parse_rows(data, parse_meeting, server=self._server, call="the meeting list",
                                        what="meeting")
        self._seen.update((m.id, m) for m in meetings)
        return [m for m in meetings if m.end > start and m.start < end]

    def meeting_invitees(self, meeting_id: str) -> list[Participant]:
        """The meeting's invited participants as last read or saved (``extra["email"]`` holds the address)."""
        meeting = self._seen.get(meeting_id)
        people = meeting.options.get("invited") or [] if meeting is not None else []
        return [Participant(id=p["email"], name=p.get("name") or p["email"], extra={"email": p["email"]})
                for p in people if isinstance(p, dict) and p.get("email")]

    def _options(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        options = {spec.key: spec.default for spec in self.meeting_fields}
        options.update(parse_options(self.meeting_fields, dict(raw)))
        return options

    def _check_draft(self, draft: MeetingDraft) -> None:
        if not draft.title.strip():
            raise ValidationError("Give the meeting a title.", field="title")
        if draft.end <= draft.start:
            raise ValidationError("The meeting must end after it starts.", field="end")
        if draft.location.strip():
            raise ValidationError("Veeting meetings have no location; put it in the description.",
                                  field="location")
        if draft.room_id:
            raise ValidationError("Veeting holds every meeting in the account's own meeting room; leave the room "
                                  "empty.", field="room_id")

    async def _store(self, raw: object, what: str) -> Meeting:
        meeting = parse_meeting(raw)
        assert isinstance(raw, Mapping)
        self._seen[meeting.id] = meeting
        memory = self._memory()
        memory[meeting.id] = remembered(raw)
        await self._save_memory(memory, what)
        return meeting

    async def create_meeting(self, draft: MeetingDraft) -> Meeting:
        self._check_draft(draft)
        body = meeting_body(draft, self._options(draft.options))
        data = await self._call("POST", "meeting", body=body)
        return await self._store(data, f"The meeting “{draft.title}” was scheduled on {self._server}")

    async def update_meeting(self, meeting_id: str, draft: MeetingDraft) -> Meeting:
        self._check_draft(draft)
        body = meeting_body(draft, self._options(draft.options), meeting_id=meeting_id)
        # the tutorial's form, trailing flag included: PUT /api/v6/meeting/<id>/false
        data = await self._call("PUT", f"meeting/{quote(meeting_id, safe='')}/false", body=body)
        if not isinstance(data, Mapping):  # an update may answer without the object: read it back
            return await self._meeting(meeting_id)
        return await self._store(data, f"The meeting “{draft.title}” was saved on {self._server}")

    async def cancel_meeting(self, meeting_id: str) -> None:
        memory = self._memory()
        try:
            await self._call("DELETE", f"meeting/{quote(meeting_id, safe='')}", unverified=True)
        except EndpointMissing:
            raise UnsupportedOperationError(
                f"{self._server} does not let meetdesk cancel meetings (the API has no delete call there).",
                hint="Cancel the meeting in the Veeting web interface with its admin link.") from None
        self._seen.pop(meeting_id, None)
        if meeting_id in memory:
            del memory[meeting_id]
            await self._save_memory(memory, f"The meeting was cancelled on {self._server}")

    async def _meeting(self, meeting_id: str) -> Meeting:
        """One meeting: from the server (unverified call), else from what meetdesk remembers."""
        try:
            data = await self._call("GET", f"meeting/{quote(meeting_id, safe='')}", unverified=True)
        except (EndpointMissing, PermissionDeniedError):
            raw = self._memory().get(meeting_id)
            if raw is None:
                raise NotFoundError(f"meetdesk knows no meeting “{meeting_id}” on {self._server}.",
                                    hint="The server cannot be asked for it; only meetings created here are "
                                         "known.") from None
            return parse_meeting(raw, local_only=True)
        if data is None:
            raise NotFoundError(f"There is no meeting “{meeting_id}” on {self._server}.")
        return parse_meeting(data)

    # join links --------------------------------------------------------------------------------
    async def join_link(self, request: JoinRequest) -> JoinLink:
        meeting_id = request.meeting_id.strip()
        if not meeting_id:
            raise ValidationError("Veeting links belong to a meeting: choose the meeting.", field="meeting")
        name = request.display_name.strip()
        meeting = await self._meeting(meeting_id)
        number = str(meeting.extra.get("meeting_number") or "")
        url = str(meeting.extra.get("link") or "")
        note = ("Veeting gives everyone the same meeting link; participants type their own name when they join"
                + (f" (or join with meeting number {number})." if number else "."))
        if not url:
            if not number:
                raise ProtocolError(f"{self._server} told meetdesk neither a link nor a meeting number for "
                                    f"“{meeting.title}”.")
            url = f"{self.normalize_base_url(self.profile.base_url)}/meeting/{number}"
            note = (f"The server's meeting object carried no {LINK_FIELD}: this address is meetdesk's guess "
                    f"from the meeting number {number}; open it once before you send it. " + note)
        ends = meeting.end.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        # expires_at stays None: no public document says when Veeting stops accepting a meeting's link
        return JoinLink(url=url, room_id=meeting.id, display_name=name, role=Role.ATTENDEE, expires_at=None,
                        single_use=False, note=f"{note} The meeting ends {ends}; Veeting does not say when "
                                               "its link stops letting people in.")

    # accounts ----------------------------------------------------------------------------------
    async def create_account(self, draft: AccountDraft) -> Account:
        email = parse_email(draft.admin_email, field="admin_email", label="Administrator e-mail")
        first, last = draft.admin_first_name.strip(), draft.admin_last_name.strip()
        if not first or not last:
            raise ValidationError("Give the administrator's first and last name.",
                                  field="admin_first_name" if not first else "admin_last_name")
        options = {spec.key: spec.default for spec in self.account_fields}
        options.update(parse_options(self.account_fields, dict(draft.options)))
        body: dict[str, Any] = {
            "sendPassword": bool(options["send_password"]),
            "accountType": str(options["account_type"]),
            "adminFirstname": first,
            "adminLastname": last,
            "adminEmail": email,
            "adminPreferredLanguage": draft.language or "en",
        }
        paid = str(options.get("paid_until") or "").strip()
        if paid:
            try:
                when = datetime.fromisoformat(paid if "T" in paid else f"{paid}T23:59:59+00:00")
            except ValueError:
                raise ValidationError(f"Paid until must be a date like 2026-12-31, not “{paid}”.",
                                      field="paid_until") from None
            body["paidUntil"] = format_time(when if when.tzinfo else when.astimezone())
        elif options["account_type"] != "trial":
            raise ValidationError("A paid account needs a “paid until” date.", field="paid_until")
        return parse_account(await self._call("POST", "account", body=body, acting=False))

    async def account_admins(self, account_id: str) -> list[AccountUser]:
        account_id = account_id.strip()
        if not account_id:
            raise ValidationError("Give the account id.", field="account_id")
        data = await self._call("GET", f"account/admin/{quote(account_id, safe='')}", acting=False)
        return parse_users(data)
