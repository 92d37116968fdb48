"""BigBlueButton meetings and recordings as meetdesk rooms and recordings.

Fields of ``<meeting>`` / ``getMeetingInfo`` and ``<recording>``: bbb-web ``get-meetings.ftlx``,
``get-recordings.ftlx`` and the examples in ``docs/docs/development/api.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from meetdesk.backends.bigbluebutton.wire import as_bool, as_int, epoch_ms, metadata, text
from meetdesk.backends.rows import parse_rows
from meetdesk.domain.errors import ProtocolError
from meetdesk.domain.models import Participant, Recording, Room

RECORDING_STATES: tuple[tuple[str, str], ...] = (
    ("published", "Published"),
    ("unpublished", "Unpublished"),
    ("processing", "Processing"),
    ("processed", "Processed"),
    ("deleted", "Deleted"),
)


class RowError(ProtocolError):
    """One meeting or recording in an answer could not be read (the row is skipped, the rest is kept)."""


def _participants(meeting: Element) -> tuple[Participant, ...]:
    node = meeting.find("attendees")
    people = []
    for attendee in node.findall("attendee") if node is not None else []:
        role = text(attendee, "role").upper()
        custom = attendee.find("customdata")
        people.append(Participant(
            id=text(attendee, "userID") or text(attendee, "internalUserID"),
            name=text(attendee, "fullName"),
            role="moderator" if role == "MODERATOR" else "attendee",
            extra={"client": text(attendee, "clientType"), "presenter": as_bool(text(attendee, "isPresenter")),
                   "customdata": {c.tag: (c.text or "") for c in custom} if custom is not None else {}},
        ))
    return tuple(people)


def meeting_room(meeting: Element, kind: str) -> Room:
    """A running (or created, or just ended) meeting as a row of the Rooms tab."""
    meeting_id = text(meeting, "meetingID")
    if not meeting_id:
        raise RowError("a meeting without meetingID")
    running = as_bool(text(meeting, "running"))
    ended = as_bool(text(meeting, "hasBeenForciblyEnded")) or bool(epoch_ms(text(meeting, "endTime")))
    status = "ended" if ended else "running" if running else "waiting"
    count = as_int(text(meeting, "participantCount"))
    moderators = as_int(text(meeting, "moderatorCount"))
    started = epoch_ms(text(meeting, "startTime"))
    meta = metadata(meeting)
    options = {
        "record": as_bool(text(meeting, "recording")) or None,
        "duration": as_int(text(meeting, "duration")),
        "max_participants": as_int(text(meeting, "maxUsers")),
        "metadata": "\n".join(f"{k}={v}" for k, v in meta.items() if not k.startswith("bbb-")),
    }
    return Room(
        id=meeting_id,
        name=text(meeting, "meetingName") or meeting_id,
        kind=kind,
        status=status,
        running=running,
        participant_count=count,
        created=epoch_ms(text(meeting, "createTime")),
        participants=_participants(meeting),
        options={k: v for k, v in options.items() if v is not None},
        extra={
            "moderators": moderators,
            "recording": "yes" if as_bool(text(meeting, "recording")) else "",
            "started": started.astimezone().strftime("%H:%M") if started else "",
            "internal_id": text(meeting, "internalMeetingID"),
            "create_time": text(meeting, "createTime"),
            "voice_bridge": text(meeting, "voiceBridge"),
        },
    )


async def meeting_rooms(meetings: Sequence[Element], kind: str, server: str) -> list[Room]:
    """Rows of getMeetings; an unreadable one is skipped and named (backends/rows.py)."""
    return await parse_rows(meetings, lambda m: meeting_room(m, kind), server=server, call="getMeetings",
                            what="room", label=lambda m: {"meetingID": text(m, "meetingID")})


def _playback(recording: Element) -> tuple[str, float | None]:
    """The presentation playback URL (else the first format's) and its length in seconds."""
    formats = recording.findall("playback/format")
    chosen = next((f for f in formats if text(f, "type") == "presentation"), formats[0] if formats else None)
    if chosen is None:
        return "", None
    minutes = as_int(text(chosen, "length"))
    return text(chosen, "url"), (minutes * 60.0 if minutes is not None else None)


def recording_of(recording: Element) -> Recording:
    record_id = text(recording, "recordID")
    if not record_id:
        raise RowError("a recording without recordID")
    url, length = _playback(recording)
    start, end = epoch_ms(text(recording, "startTime")), epoch_ms(text(recording, "endTime"))
    duration = length if length is not None else ((end - start).total_seconds() if start and end else None)
    meta = metadata(recording)
    return Recording(
        id=record_id,
        room_id=text(recording, "meetingID"),
        name=text(recording, "name") or meta.get("meetingname", "") or record_id,
        created=start,
        size_bytes=as_int(text(recording, "rawSize")) or as_int(text(recording, "size")),
        duration_s=duration,
        extra={"state": text(recording, "state"), "published": as_bool(text(recording, "published")),
               "playback_url": url, "participants": as_int(text(recording, "participants")),
               "metadata": meta},
    )


async def recordings_of(elements: Sequence[Element], server: str) -> list[Recording]:
    return await parse_rows(elements, recording_of, server=server, call="getRecordings", what="recording",
                            label=lambda r: {"record_id": text(r, "recordID")})
