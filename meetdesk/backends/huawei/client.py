"""Huawei Cloud Meeting: the provider. Built in layers: :mod:`.session` (sign-in, tokens, errors) ←
:mod:`.meetings` (conference lists and editing) ← this module (cloud rooms, join links, live control).

Conference control needs a started conference and a control token (``GET /v1/mmc/control/conferences/token``
with the chair password in ``X-Password`` and ``X-Login-Type: 1``), valid 30 minutes; meetdesk keeps one per
conference in memory and fetches a new one when it is about to expire or is refused once.
``inviteWithPwd`` (a meeting-room terminal, called by its number) needs no control token: the meeting
password in the body authorizes it.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from meetdesk.backends.base import Capability, Column, PersistHook
from meetdesk.backends.http import redactor_of
from meetdesk.backends.huawei import wire as hw
from meetdesk.backends.huawei.fields import CONNECTION_FIELDS, MEETING_COLUMNS, MEETING_FIELDS, ROOM_COLUMNS, SITE_CN
from meetdesk.backends.huawei.meetings import MGMT, HuaweiMeetings
from meetdesk.domain.errors import ConflictError, NotFoundError, ValidationError
from meetdesk.domain.fields import FieldSpec
from meetdesk.domain.models import (
    JoinLink,
    JoinRequest,
    LinkPolicy,
    LiveInvitee,
    LiveParticipant,
    LiveStatus,
    Profile,
    Role,
    Room,
)

CTL = "/v1/mmc/control/conferences"
VMR_PAGE = 100
CONF_TOKEN_MARGIN = 120.0  # seconds before its end a control token is replaced
PARTICIPANT_STATES = {0: "in meeting", 1: "calling", 2: "joining"}


class HuaweiProvider(HuaweiMeetings):
    kind = "huawei"
    display_name = "Huawei Cloud Meeting"
    description = ("Huawei Cloud Meeting: conferences, cloud meeting rooms, chair and guest links, "
                   "starting and controlling running meetings. Site address: https://api.meeting.huaweicloud.com "
                   "(China) or https://api-intl.meeting.huaweicloud.com (International).")
    capabilities = (
        Capability.LIST_ROOMS | Capability.LIST_MEETINGS | Capability.CREATE_MEETING | Capability.UPDATE_MEETING
        | Capability.CANCEL_MEETING | Capability.JOIN_LINK | Capability.MEETING_JOIN_LINK | Capability.LIVE_CONTROL
    )
    url_label = "Site address"
    url_placeholder = SITE_CN
    connection_fields: ClassVar[tuple[FieldSpec, ...]] = CONNECTION_FIELDS
    meeting_fields: ClassVar[tuple[FieldSpec, ...]] = MEETING_FIELDS
    room_columns: ClassVar[tuple[Column, ...]] = ROOM_COLUMNS
    meeting_columns: ClassVar[tuple[Column, ...]] = MEETING_COLUMNS
    #: Huawei's links are the conference's own: nothing about the participant goes into them
    join_request_fields = frozenset({"moderator"})
    #: a conference has no location or description (RestScheduleConfDTO)
    meeting_draft_fields = frozenset()
    link_policy = LinkPolicy(
        per_person=False, role_bearing=True,
        summary="The meeting's own guest or chair link: the same for everyone of that role, usable until the "
                "meeting ends.")

    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        super().__init__(profile, secret, persist=persist)
        self._conf_tokens: dict[str, tuple[str, float]] = {}
        self._vmrs: dict[str, dict[str, Any]] = {}

    # cloud rooms -----------------------------------------------------------------------------
    async def list_rooms(self) -> list[Room]:
        # list_meetings running alongside waits for this list (the rooms' names) instead of reading it again
        reading = self._rooms_reading = asyncio.ensure_future(self._read_rooms())
        rooms: list[Room] = await reading
        return rooms

    async def _read_rooms(self) -> list[Room]:
        call = "the cloud meeting rooms"
        rows: list[dict[str, Any]] = []
        for number in range(50):
            body = await self._request("GET", "/v1/usg/dcs/member/vmr", call,
                                       params={"offset": number * VMR_PAGE, "limit": VMR_PAGE})
            page, count = hw.page_items(body, call, "room")
            fresh = [r for r in page if hw.text(r.get("id")) not in {hw.text(x.get("id")) for x in rows}]
            rows.extend(fresh)
            if not fresh or len(rows) >= count:  # past the end Huawei repeats the last page
                break
        rooms = []
        for row in rows:
            room_id = hw.text(row.get("id"))
            if not room_id:
                continue
            self._vmrs[room_id] = row
            name = hw.text(row.get("vmrName")) or hw.text(row.get("vmrId"))
            self._room_names[room_id] = name
            mode = row.get("vmrMode")
            status = {0: "available", 1: "disabled", 2: "unassigned"}.get(row.get("status"), "")  # type: ignore[arg-type]
            parties = row.get("vmrPkgParties")
            rooms.append(Room(
                id=room_id, name=name, kind=self.kind, status=status,
                extra={"type": {0: "Personal meeting ID", 1: "Cloud room", 2: "Webinar room"}.get(mode, ""),  # type: ignore[arg-type]
                       "number": hw.text(row.get("vmrId")),
                       "capacity": parties if isinstance(parties, int) and parties > 0 else None},
            ))
        return sorted(rooms, key=lambda r: r.name.casefold())

    # join links ------------------------------------------------------------------------------
    async def join_link(self, request: JoinRequest) -> JoinLink:
        display_name = request.display_name.strip()
        if not display_name:
            raise ValidationError("Enter the participant's name.", field="display_name")
        role = Role.MODERATOR if request.moderator else Role.ATTENDEE
        if not request.meeting_id and request.room_id:
            return await self._room_link(request.room_id, display_name, role)
        if not request.meeting_id:
            raise ValidationError("Choose the meeting the link is for.", field="meeting")
        info = await self._detail(request.meeting_id)
        meeting = self._meeting(info, "reading the meeting")
        chair = request.moderator
        url = hw.text(info.get("chairJoinUri" if chair else "guestJoinUri"))
        if not url:
            raise hw.ProtocolError("Huawei Cloud Meeting sent no join link for this meeting.")
        passwords = hw.passwords(info)
        password = passwords.get("chair" if chair else "general", "")
        who = "the chair (host) — keep it private" if chair else "guests"
        note = (f"The link is for {who} and works for anyone who has it until the meeting ends. "
                f"Joining by meeting ID {meeting.id} instead needs the "
                f"{'chair' if chair else 'guest'} password {password}." if password else
                f"The link is for {who} and works for anyone who has it until the meeting ends.")
        return JoinLink(url=url, room_id=meeting.room_id or meeting.id, display_name=display_name, role=role,
                        expires_at=meeting.end, single_use=False, note=note)

    async def _room_link(self, room_id: str, display_name: str, role: Role) -> JoinLink:
        if room_id not in self._vmrs:
            await self.list_rooms()
        row = self._vmrs.get(room_id)
        if row is None:
            raise NotFoundError(f"There is no cloud meeting room “{room_id}” on {self._server}.")
        chair = role is Role.MODERATOR
        url = hw.text(row.get("chairJoinUrl" if chair else "gustJoinUrl"))  # sic: Huawei spells it "gust"
        if not url:
            raise hw.ProtocolError("Huawei Cloud Meeting sent no join link for this room.")
        password = hw.text(row.get("chairPwd" if chair else "gustPwd"))
        note = (f"A link to the cloud room itself: it works whenever the room is in use. Room number "
                f"{hw.text(row.get('vmrId'))}" + (f", {'chair' if chair else 'guest'} password {password}." if password
                                                   else "."))
        return JoinLink(url=url, room_id=room_id, display_name=display_name, role=role, note=note)

    # live control ----------------------------------------------------------------------------
    async def _chair_password(self, meeting_id: str, *, fresh: bool = True) -> tuple[dict[str, Any], str]:
        info = await self._detail(meeting_id) if fresh or meeting_id not in self._conferences \
            else self._conferences[meeting_id]
        password = hw.passwords(info).get("chair", "")
        if not password:
            raise hw.ProtocolError("Huawei Cloud Meeting did not tell meetdesk the chair password of this meeting, "
                                   "so it cannot control it.", hint="Only the meeting's own chair can control it.")
        redactor_of(self._ensure_client()).add(password)
        return info, password

    async def start_meeting(self, meeting_id: str) -> None:
        info, password = await self._chair_password(meeting_id)
        if hw.text(info.get("conferenceState")) == "Created":
            return
        await self._request("POST", f"{MGMT}/start", f"starting meeting {meeting_id}",
                            json={"conferenceID": meeting_id, "password": password}, meeting=meeting_id)

    async def _conf_token(self, meeting_id: str, *, renew: bool = False) -> str:
        cached = self._conf_tokens.get(meeting_id)
        if cached and not renew and time.time() < cached[1] - CONF_TOKEN_MARGIN:
            return cached[0]
        _info, password = await self._chair_password(meeting_id, fresh=False)
        body = await self._request("GET", f"{CTL}/token", "getting control of the meeting",
                                   params={"conferenceID": meeting_id},
                                   headers={"X-Password": password, "X-Login-Type": "1"}, meeting=meeting_id)
        data = body.get("data") if isinstance(body, dict) else None
        token = hw.text(data.get("token")) if isinstance(data, dict) else ""
        if not token:
            raise hw.ProtocolError("Huawei Cloud Meeting answered the control request without a control token.")
        assert isinstance(data, dict)
        try:
            expires = float(data.get("expireTime") or 0) / 1000 or time.time() + 1800
        except (TypeError, ValueError):
            expires = time.time() + 1800
        self._conf_tokens[meeting_id] = (token, expires)
        redactor_of(self._ensure_client()).add(token)
        return token

    async def _control(self, method: str, path: str, meeting_id: str, call: str, json: Any = None) -> Any:
        meeting_id = self._meeting_id(meeting_id)
        for attempt in range(2):
            token = await self._conf_token(meeting_id, renew=attempt > 0)
            try:
                return await self._request(method, f"{CTL}/{path}", call, params={"conferenceID": meeting_id},
                                           json=json, headers={"X-Conference-Authorization": token},
                                           meeting=meeting_id, allow_empty=True)
            except ConflictError as exc:
                if attempt or hw.CONF_AUTH_FAILED not in (exc.detail or ""):
                    raise
                self._conf_tokens.pop(meeting_id, None)  # expired or revoked: one new token, one more try
        raise AssertionError("unreachable")

    async def _ended(self, meeting_id: str) -> dict[str, Any] | None:
        """The conference from the history list, when it has ended (details are then no longer given)."""
        known = self._conferences.get(meeting_id)
        if known is None:
            return None
        start = hw.parse_time(known.get("startTime"), "reading the meeting")
        end = max(datetime.now(UTC), hw.parse_time(known.get("endTime"), "reading the meeting"))
        rows = await self._pages(f"{MGMT}/history", "the past meetings",  # started early or late: search wide
                                 {"startDate": int((start - timedelta(days=1)).timestamp() * 1000),
                                  "endDate": int((end + timedelta(days=1)).timestamp() * 1000)})
        return next((r for r in rows if hw.text(r.get("conferenceID")) == meeting_id), None)

    async def live_status(self, meeting_id: str) -> LiveStatus:
        try:
            info = await self._detail(meeting_id)
        except NotFoundError:
            ended = await self._ended(meeting_id)
            if ended is None:
                raise
            meeting = self._meeting(ended, "the past meetings")
            return LiveStatus(meeting_id=meeting.id, title=meeting.title, running=False, state="ended",
                              end=meeting.end)
        meeting = self._meeting(info, "reading the meeting")
        passwords = hw.passwords(info)
        extra = {"chair_password": passwords.get("chair", ""), "guest_password": passwords.get("general", ""),
                 "access_number": hw.text(info.get("accessNumber")), "chair_link": hw.text(info.get("chairJoinUri")),
                 "guest_link": hw.text(info.get("guestJoinUri"))}
        running = hw.text(info.get("conferenceState")) == "Created"
        base = LiveStatus(meeting_id=meeting.id, title=meeting.title, running=running,
                          state=str(meeting.extra.get("state", "")), end=meeting.end, extra=extra)
        if not running:
            return base
        body = await self._control("GET", "realTimeInfo", meeting.id, "reading who is online")
        if not isinstance(body, dict):
            raise hw.ProtocolError("Huawei Cloud Meeting answered the real-time info in an unexpected format.")
        conf_info = hw.child(body, "confInfo")
        chair = hw.text(conf_info.get("chairID"))
        participants = []
        for row in body.get("participants") or []:
            if not isinstance(row, dict):
                continue
            pid = hw.text(row.get("pid"))
            participants.append(LiveParticipant(
                id=pid, name=hw.text(row.get("name")), number=hw.text(row.get("phone")),
                role="moderator" if pid and pid == chair else "attendee",
                state=PARTICIPANT_STATES.get(row.get("state"), ""),  # type: ignore[arg-type]
                muted=_flag(row.get("mute")), video=_flag(row.get("video")), hand_raised=_flag(row.get("hand"))))
        invited = tuple(LiveParticipant(id=hw.text(a.get("phone")), name=hw.text(a.get("name")),
                                        number=hw.text(a.get("phone")), state="invited")
                        for a in body.get("attendees") or [] if isinstance(a, dict))
        return LiveStatus(meeting_id=meeting.id, title=meeting.title, running=True, state=base.state, end=meeting.end,
                          participants=tuple(participants), invited=invited, extra=extra)

    async def set_lock(self, meeting_id: str, locked: bool) -> None:
        await self._control("PUT", "lock", meeting_id, "locking the meeting" if locked else "unlocking the meeting",
                            {"isLock": int(locked)})

    async def mute_all(self, meeting_id: str, muted: bool) -> None:
        body: dict[str, int] = {"isMute": int(muted)}
        if muted:
            body["allowUnmuteByOneself"] = 1
        await self._control("PUT", "mute", meeting_id, "muting everyone" if muted else "unmuting everyone", body)

    async def extend_meeting(self, meeting_id: str, minutes: int) -> None:
        if not 1 <= minutes <= 1440:
            raise ValidationError("Extend by 1 to 1440 minutes.", field="minutes")
        await self._control("PUT", "duration", meeting_id, "extending the meeting", {"auto": 0, "duration": minutes})

    async def end_meeting(self, meeting_id: str) -> None:
        await self._control("PUT", "stop", meeting_id, "ending the meeting")
        self._conf_tokens.pop(meeting_id, None)

    async def invite(self, meeting_id: str, invitee: LiveInvitee) -> None:
        name = invitee.name.strip()
        number = (invitee.sip or invitee.phone).strip()
        if invitee.terminal:
            await self._invite_terminal(self._meeting_id(meeting_id), number)
            return
        if not name:
            raise ValidationError("Enter the name of the person to invite.", field="name")
        if not number:
            raise ValidationError("Huawei Cloud Meeting calls people by number: give a phone or SIP number "
                                  "(the e-mail address alone cannot be called).", field="phone")
        attendee: dict[str, Any] = {"name": name[:96], "phone": number,
                                    "type": "normal" if invitee.sip.strip() else "mobile"}
        if invitee.email.strip():
            attendee["email"] = invitee.email.strip()
        await self._control("POST", "participants", meeting_id, f"inviting {name}", {"attendees": [attendee]})

    async def _invite_terminal(self, meeting_id: str, number: str) -> None:
        if not number:
            raise ValidationError("Give the SIP number of the meeting-room terminal.", field="sip")
        info = await self._detail(meeting_id)
        if hw.text(info.get("conferenceState")) != "Created":
            raise ConflictError("The meeting is not running: start it before calling a terminal into it.")
        password = hw.passwords(info).get("general") or hw.passwords(info).get("chair", "")
        await self._request("POST", f"{CTL}/inviteWithPwd", f"calling terminal {number}",
                            params={"conferenceID": meeting_id},
                            json={"callNum": number, "confID": meeting_id, "pwd": password, "numBelongsType": 0},
                            meeting=meeting_id, allow_empty=True)


def _flag(value: object) -> bool | None:
    return bool(value) if value in (0, 1) else None
