"""The XML documents the simulated server answers, shaped like bbb-web's freemarker templates
(``bigbluebutton-web/src/main/webapp/WEB-INF/freemarker/*.ftlx``: api-error, get-meetings, get-meeting-info,
create, join-meeting, get-recordings)."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from meetdesk.backends.bigbluebutton.simulator.state import SimMeeting, SimRecording

Fields = list[tuple[str, object]]


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def element(tag: str, value: object) -> str:
    if isinstance(value, RawXml):
        return f"<{tag}>{value.xml}</{tag}>"
    return f"<{tag}>{_value(value)}</{tag}>"


class RawXml:
    """Already-rendered child elements."""

    def __init__(self, xml: str) -> None:
        self.xml = xml


def response(fields: Fields, *, ok: bool = True) -> str:
    body = "".join(element(tag, value) for tag, value in fields)
    code = "SUCCESS" if ok else "FAILED"
    return f"<response><returncode>{code}</returncode>{body}</response>"


def failure(key: str, message: str) -> str:
    return response([("messageKey", key), ("message", message)], ok=False)


def create_date(ms: int) -> str:
    # Java's Date.toString(), e.g. "Wed Jan 15 14:04:14 UTC 2025"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def _metadata(values: dict[str, str]) -> RawXml:
    return RawXml("".join(element(k, v) for k, v in values.items()))


def meeting_fields(meeting: SimMeeting, *, full: bool = True) -> Fields:
    moderators = sum(1 for a in meeting.attendees if a.role == "MODERATOR")
    fields: Fields = [
        ("meetingName", meeting.name), ("meetingID", meeting.meeting_id),
        ("internalMeetingID", meeting.internal_id), ("createTime", meeting.create_time),
        ("createDate", create_date(meeting.create_time)), ("voiceBridge", meeting.voice_bridge),
        ("dialNumber", "613-555-1234"), ("attendeePW", meeting.attendee_pw),
        ("moderatorPW", meeting.moderator_pw), ("running", meeting.running),
        ("duration", meeting.int_param("duration")), ("hasUserJoined", meeting.has_user_joined),
        ("recording", meeting.bool_param("record") and meeting.running),
        ("hasBeenForciblyEnded", meeting.forcibly_ended), ("startTime", meeting.start_time),
        ("endTime", meeting.end_time), ("participantCount", len(meeting.attendees)),
        ("listenerCount", 0), ("voiceParticipantCount", 0), ("videoCount", 0),
        ("maxUsers", meeting.int_param("maxParticipants")), ("moderatorCount", moderators),
    ]
    if full:
        attendees = "".join(
            "<attendee>" + "".join(element(t, v) for t, v in (
                ("userID", a.user_id), ("fullName", a.full_name), ("role", a.role),
                ("isPresenter", a.presenter), ("isListeningOnly", False), ("hasJoinedVoice", False),
                ("hasVideo", False), ("clientType", "HTML5"))) +
            element("customdata", _metadata(a.customdata)) + "</attendee>"
            for a in meeting.attendees)
        fields += [("attendees", RawXml(attendees)), ("metadata", _metadata(meeting.metadata)),
                   ("isBreakout", False)]
    return fields


def meetings_document(meetings: list[SimMeeting]) -> str:
    if not meetings:
        return response([("meetings", RawXml("")), ("messageKey", "noMeetings"),
                         ("message", "no meetings were found on this server")])
    inner = "".join("<meeting>" + "".join(element(t, v) for t, v in meeting_fields(m)) + "</meeting>"
                    for m in meetings)
    return response([("meetings", RawXml(inner))])


def create_document(meeting: SimMeeting, duplicate: bool) -> str:
    fields: Fields = [
        ("meetingID", meeting.meeting_id), ("internalMeetingID", meeting.internal_id),
        ("parentMeetingID", "bbb-none"), ("attendeePW", meeting.attendee_pw),
        ("moderatorPW", meeting.moderator_pw), ("createTime", meeting.create_time),
        ("voiceBridge", meeting.voice_bridge), ("dialNumber", "613-555-1234"),
        ("createDate", create_date(meeting.create_time)), ("hasUserJoined", meeting.has_user_joined),
        ("duration", meeting.int_param("duration")), ("hasBeenForciblyEnded", meeting.forcibly_ended),
    ]
    if duplicate:
        fields += [("messageKey", "duplicateWarning"),
                   ("message", "This conference was already in existence and may currently be in progress.")]
    else:
        fields += [("messageKey", ""), ("message", "")]
    return response(fields)


def recording_element(rec: SimRecording, state: str, origin: str) -> str:
    url = f"{origin}/playback/presentation/2.3/{rec.record_id}"
    preview = (f'<preview><images><image alt="Welcome" height="136" width="176">{escape(origin)}'
               f"/presentation/{escape(rec.record_id)}/presentation/slide-1.png</image></images></preview>")
    playback = ("<playback><format>" + element("type", "presentation") + element("url", url) +
                element("processingTime", 7177) + element("length", rec.length_minutes) + preview +
                "</format></playback>") if state in ("published", "unpublished") else "<playback/>"
    fields: Fields = [
        ("recordID", rec.record_id), ("meetingID", rec.meeting_id), ("internalMeetingID", rec.record_id),
        ("name", rec.name), ("isBreakout", False), ("published", rec.published and not rec.deleted),
        ("state", state), ("startTime", rec.start_time), ("endTime", rec.end_time),
        ("participants", rec.participants), ("rawSize", 952744 * rec.length_minutes),
        ("metadata", _metadata({**rec.metadata, "meetingName": rec.name, "meetingId": rec.meeting_id})),
    ]
    return "<recording>" + "".join(element(t, v) for t, v in fields) + playback + "</recording>"


def recordings_document(recordings: list[tuple[SimRecording, str]], origin: str) -> str:
    if not recordings:
        return response([("recordings", RawXml("")), ("messageKey", "noRecordings"),
                         ("message", "There are no recordings for the meeting(s).")])
    inner = "".join(recording_element(rec, state, origin) for rec, state in recordings)
    return response([("recordings", RawXml(inner))])
