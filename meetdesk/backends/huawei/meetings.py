"""Conferences: the scheduled, running and past lists, and create / update / cancel.

An update replaces the whole meeting on the server (what is left out goes back to its default), so every
save sends the complete meeting: the editor's values plus what meetdesk read of the conference last
(attendees, settings it does not show).
"""

from __future__ import annotations

import asyncio
import functools
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from meetdesk.backends.base import PersistHook
from meetdesk.backends.huawei import wire as hw
from meetdesk.backends.huawei.session import HuaweiSession, log
from meetdesk.backends.huawei.zones import example_zones, huawei_zone_id, iana_zone
from meetdesk.backends.rows import parse_rows
from meetdesk.domain.errors import ConflictError, ValidationError
from meetdesk.domain.models import Meeting, MeetingDraft, Profile
from meetdesk.domain.times import system_zone_name

MGMT = "/v1/mmc/management/conferences"
CYCLE = "/v1/mmc/management/cycleconferences"
PAGE_LIMIT = 500  # the most a conference list answers at once
MAX_PAGES = 20
MIN_MINUTES, MAX_MINUTES = 15, 1440


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


class HuaweiMeetings(HuaweiSession):
    def __init__(self, profile: Profile, secret: str, *, persist: PersistHook | None = None) -> None:
        super().__init__(profile, secret, persist=persist)
        #: the raw ConferenceInfo last read, by conference id (passwords, links, settings for updates)
        self._conferences: dict[str, dict[str, Any]] = {}
        #: cloud room id → name, for the meetings' Room column
        self._room_names: dict[str, str] = {}
        #: the cloud-room list being read (``list_rooms``), which names the meetings' rooms
        self._rooms_reading: asyncio.Future[Any] | None = None

    async def _room_names_known(self) -> None:
        """A meeting's Room column is its cloud room's name, which only the room list has: wait for the one being
        read alongside (the window lists rooms and meetings at once), or read it when none is known yet
        (``meetdesk meetings``). Without it the column shows the room's number."""
        reading = self._rooms_reading
        if reading is not None and not reading.done():
            await asyncio.wait({reading})  # its failure is its caller's to report
            return
        if self._room_names:
            return
        try:
            await self.list_rooms()
        except Exception as exc:
            log.info("the cloud rooms' names for the meetings: %s", type(exc).__name__)

    def _remember(self, info: dict[str, Any]) -> None:
        self._conferences[hw.text(info.get("conferenceID"))] = info

    def _meeting(self, info: dict[str, Any], call: str) -> Meeting:
        meeting_id = hw.text(info.get("conferenceID"))
        if not meeting_id:
            raise hw.ProtocolError(f"Huawei Cloud Meeting answered {call} with a conference without an ID.")
        self._remember(info)
        start, end = hw.parse_time(info.get("startTime"), call), hw.parse_time(info.get("endTime"), call)
        zone_name = iana_zone(hw.text(info.get("timeZoneID")))
        config = hw.child(info, "confConfigInfo")
        media = hw.text(info.get("mediaTypes"))
        state = hw.STATES.get(hw.text(info.get("conferenceState")), hw.text(info.get("conferenceState")).lower())
        room_id = hw.text(info.get("vmrID"))
        room_name = self._room_names.get(room_id, "") or hw.text(info.get("vmrConferenceID"))
        cycle = hw.child(info, "cycleParams")
        options: dict[str, Any] = {
            "media": "HDVideo" if "Video" in media else "Voice",
            "guest_password": hw.passwords(info).get("general", ""),
            "call_in": str(config.get("callInRestriction", 0)),
            "auto_mute": bool(config.get("isAutoMute", info.get("isAutoMute") == 1)),
            "waiting_room": bool(config.get("enableWaitingRoom", False)),
            "notify": bool(config.get("isSendNotify", False)),
            "language": hw.text(info.get("language")) or "en-US",
            "recurrence": hw.text(cycle.get("cycle")) or "none",
        }
        if cycle:
            options["repeat_every"] = int(cycle.get("interval") or 1)
            options["repeat_until"] = hw.text(cycle.get("endDate"))
        online = info.get("onlineAttendeeAmount")
        zone = _zone(zone_name) if zone_name else UTC
        return Meeting(
            id=meeting_id, title=hw.text(info.get("subject")), start=start.astimezone(zone), end=end.astimezone(zone),
            kind=self.kind, room_id=room_id, room_name=room_name, owner=hw.text(info.get("scheduserName")),
            timezone=zone_name, options=options,
            extra={"state": state, "room": room_name, "chair": hw.text(info.get("scheduserName")),
                   "online": online if isinstance(online, int) else None,
                   "access_number": hw.text(info.get("accessNumber")), "recurring": hw.is_recurring(info),
                   # read by the invitation text's {password} and {dial_in}
                   "guest_password": hw.passwords(info).get("general", ""),
                   "dial_in": hw.text(info.get("accessNumber"))},
        )

    async def _pages(self, path: str, call: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for number in range(MAX_PAGES):
            body = await self._request("GET", path, call,
                                       params={**(params or {}), "offset": number * PAGE_LIMIT, "limit": PAGE_LIMIT})
            page, count = hw.page_items(body, call, "meeting")
            rows.extend(page)
            if not page or len(rows) >= count:
                break
        return rows

    async def list_meetings(self, start: datetime, end: datetime) -> list[Meeting]:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        now = datetime.now(UTC)
        calls = [self._pages(MGMT, "the scheduled meetings"),
                 self._pages(f"{MGMT}/online", "the running meetings")]
        if start < now:
            calls.append(self._pages(f"{MGMT}/history", "the past meetings",
                                     {"startDate": int(start.timestamp() * 1000),
                                      "endDate": int(min(end, now).timestamp() * 1000)}))
        by_id: dict[str, Meeting] = {}
        answers, _ = await asyncio.gather(asyncio.gather(*calls), self._room_names_known())
        for call, rows in zip(("the scheduled meetings", "the running meetings", "the past meetings"),
                              answers, strict=False):
            # one unreadable conference must not hide all the others: skipped with a warning that names it
            for meeting in await parse_rows(rows, functools.partial(self._meeting, call=call), server=self._server,
                                            call=call, what="meeting", label=_conference_label):
                previous = by_id.get(meeting.id)
                if previous is not None and meeting.extra.get("online") is None:
                    continue  # the online list's row carries the number of people online
                by_id[meeting.id] = meeting
        shown = [m for m in by_id.values() if m.end >= start and m.start <= end]
        return sorted(shown, key=lambda m: m.start)

    async def _detail(self, meeting_id: str) -> dict[str, Any]:
        meeting_id = self._meeting_id(meeting_id)
        body = await self._request("GET", f"{MGMT}/confDetail", "reading the meeting",
                                   params={"conferenceID": meeting_id}, meeting=meeting_id)
        info = body.get("conferenceData") if isinstance(body, dict) else None
        if not isinstance(info, dict):
            raise hw.ProtocolError("Huawei Cloud Meeting answered the meeting details in an unexpected format.")
        self._remember(info)
        return info

    @staticmethod
    def _meeting_id(value: str) -> str:
        text = str(value).strip()
        if not text.isdigit():
            raise ValidationError(f"“{value}” is not a Huawei Cloud Meeting conference ID (it is a number).",
                                  field="meeting")
        return text

    # saving ----------------------------------------------------------------------------------
    def _zone_of(self, draft: MeetingDraft) -> tuple[str, str]:
        name = draft.timezone.strip()
        if not name:
            key = getattr(draft.start.tzinfo, "key", "")
            name = key or system_zone_name()
        zone_id = huawei_zone_id(name)
        if zone_id is None:
            raise ValidationError(f"Huawei Cloud Meeting has no time zone matching “{name or 'this computer'}”.",
                                  field="timezone", hint=f"Choose a zone it knows, e.g. {example_zones()}.")
        return name, zone_id

    def _schedule_body(self, draft: MeetingDraft, previous: dict[str, Any] | None) -> dict[str, Any]:
        if not draft.title.strip():
            raise ValidationError("Give the meeting a title.", field="title")
        if len(draft.title.strip()) > 128:
            raise ValidationError("Huawei Cloud Meeting allows titles of up to 128 characters.", field="title")
        for key, label in (("description", "description"), ("location", "location")):
            if getattr(draft, key).strip():
                raise ValidationError(f"Huawei Cloud Meeting has no place for a {label}; leave it empty.", field=key)
        zone_name, zone_id = self._zone_of(draft)
        minutes = int((draft.end - draft.start).total_seconds() // 60)
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise ValidationError("A Huawei meeting lasts from 15 minutes to 24 hours.", field="end")
        options = draft.options
        guest = str(options.get("guest_password") or "").strip()
        if guest and not (guest.isdigit() and 4 <= len(guest) <= 16):
            raise ValidationError("The guest password must be 4–16 digits.", field="guest_password")
        previous = previous or {}
        config = dict(previous.get("confConfigInfo") or {})
        config.update({"callInRestriction": int(options.get("call_in") or 0),
                       "isAutoMute": bool(options.get("auto_mute", False)),
                       "enableWaitingRoom": bool(options.get("waiting_room", False)),
                       "isSendNotify": bool(options.get("notify", False))})
        if guest:
            config["guestPwd"] = guest
        body: dict[str, Any] = {
            "startTime": hw.format_time(draft.start), "length": minutes, "subject": draft.title.strip(),
            "mediaTypes": str(options.get("media") or "HDVideo"), "timeZoneID": zone_id,
            "language": str(options.get("language") or "en-US"), "confConfigInfo": config,
            "attendees": [{k: v for k, v in a.items() if k in ("name", "phone", "email", "type", "isMute")}
                          for a in previous.get("partAttendeeInfo") or [] if isinstance(a, dict)],
            "recordType": int(previous.get("recordType") or 0), "isAutoRecord": int(previous.get("isAutoRecord") or 0),
        }
        room = (draft.room_id or "").strip()
        body.update({"vmrFlag": 1, "vmrID": room} if room else {"vmrFlag": 0})
        recurrence = str(options.get("recurrence") or "none")
        if recurrence != "none":
            body["cycleParams"] = self._cycle(draft, recurrence, zone_name)
        return body

    @staticmethod
    def _cycle(draft: MeetingDraft, cycle: str, zone_name: str) -> dict[str, Any]:
        local_start = draft.start.astimezone(_zone(zone_name))
        until_text = str(draft.options.get("repeat_until") or "").strip()
        try:
            until = date.fromisoformat(until_text)
        except ValueError:
            raise ValidationError("Give the last day of the repeats as YYYY-MM-DD.", field="repeat_until") from None
        if until <= local_start.date() or until > local_start.date() + timedelta(days=366):
            raise ValidationError("The repeats must end after the first meeting and within a year.",
                                  field="repeat_until")
        every = int(draft.options.get("repeat_every") or 1)
        limits = {"Day": 15, "Week": 5, "Month": 3}
        if every > limits[cycle]:
            raise ValidationError(f"A {cycle.lower()}ly meeting can repeat every 1–{limits[cycle]}.",
                                  field="repeat_every")
        point = {"Day": [], "Week": [(local_start.weekday() + 1) % 7], "Month": [local_start.day]}[cycle]
        return {"startDate": local_start.date().isoformat(), "endDate": until.isoformat(), "cycle": cycle,
                "interval": every, "point": point, "preRemindDays": 1}

    async def create_meeting(self, draft: MeetingDraft) -> Meeting:
        body = self._schedule_body(draft, None)
        path = CYCLE if "cycleParams" in body else MGMT
        answer = await self._request("POST", path, "scheduling the meeting", json=body)
        return self._meeting(hw.conference_list(answer, "scheduling the meeting")[0], "scheduling the meeting")

    async def update_meeting(self, meeting_id: str, draft: MeetingDraft) -> Meeting:
        meeting_id = self._meeting_id(meeting_id)
        previous = await self._detail(meeting_id)
        if hw.text(previous.get("conferenceState")) != "Schedule":
            raise ConflictError(f"“{hw.text(previous.get('subject'))}” is running or over; Huawei Cloud Meeting "
                                "cannot change it.", hint="End the meeting first, or schedule a new one.")
        body = self._schedule_body(draft, previous)
        recurring = hw.is_recurring(previous)
        if recurring != ("cycleParams" in body):
            raise ValidationError("Huawei Cloud Meeting cannot turn a single meeting into a recurring one or back; "
                                  "schedule a new meeting instead.", field="recurrence")
        call = f"saving meeting {meeting_id}"
        answer = await self._request("PUT", CYCLE if recurring else MGMT, call, json=body,
                                     params={"conferenceID": meeting_id}, meeting=meeting_id)
        return self._meeting(hw.conference_list(answer, call)[0], call)

    async def cancel_meeting(self, meeting_id: str) -> None:
        meeting_id = self._meeting_id(meeting_id)
        info = await self._detail(meeting_id)
        params: dict[str, Any] = {"conferenceID": meeting_id}
        if hw.text(info.get("conferenceState")) == "Created":
            params["type"] = 1  # a running meeting is only cancelled (ended) with type=1
        path = CYCLE if hw.is_recurring(info) else MGMT
        await self._request("DELETE", path, f"cancelling meeting {meeting_id}", params=params, meeting=meeting_id,
                            allow_empty=True)
        self._conferences.pop(meeting_id, None)


def _conference_label(info: Any) -> object:
    return {"id": info.get("conferenceID")} if isinstance(info, dict) else info
