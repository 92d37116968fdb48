"""What the OpenMeetings provider asks for: connection fields, room, meeting and join options, columns.

The UI and CLI build their forms and tables from these; the provider maps the keys onto the DTOs.
"""

from __future__ import annotations

from meetdesk.backends.base import Column, secret_spec
from meetdesk.domain.fields import FieldKind, FieldSpec

DEFAULT_EXTERNAL_TYPE = "meetdesk"

ROOM_TYPES = (
    ("CONFERENCE", "Conference"),
    ("PRESENTATION", "Presentation (webinar)"),
    ("INTERVIEW", "Interview"),
)
HIDDEN_ELEMENTS = (
    ("TOP_BAR", "Top bar"),
    ("CHAT", "Chat"),
    ("ACTIVITIES", "Activities and actions"),
    ("FILES", "Files"),
    ("ACTION_MENU", "Action menu"),
    ("POLL_MENU", "Poll menu"),
    ("SCREEN_SHARING", "Screen sharing"),
    ("WHITEBOARD", "Whiteboard"),
    ("MICROPHONE_STATUS", "Microphone status"),
    ("USER_COUNT", "User count"),
)
#: numeric language ids of OpenMeetings' languages.xml (id 3 does not exist)
LANGUAGES = (
    ("1", "English"),
    ("2", "Deutsch"),
    ("4", "Français"),
    ("5", "Italiano"),
    ("6", "Português"),
    ("7", "Português (Brasil)"),
    ("8", "Español"),
    ("9", "Русский"),
)
_LANGUAGE_CODES = {"en": "1", "de": "2", "fr": "4", "it": "5", "pt": "6", "pt-br": "7", "pt_br": "7",
                   "es": "8", "ru": "9"}
REMINDERS = (
    ("NONE", "No reminder"),
    ("EMAIL", "E-mail"),
    ("ICAL", "E-mail with calendar invitation (iCal)"),
)

CONNECTION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("user", "User name", required=True, placeholder="e.g. admin",
              help="Login or e-mail of an OpenMeetings account that has the SOAP (web service) right."),
    secret_spec("Password", key="password"),
    FieldSpec("timezone", "Time zone", placeholder="e.g. Europe/Berlin (empty: this computer's)",
              help="IANA time zone used for calendar appointments; empty means this computer's zone."),
)

ROOM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("type", "Room type", FieldKind.CHOICE, default="CONFERENCE", choices=ROOM_TYPES,
              help="Conference: everyone can talk and share. Presentation: one presenter, a listening "
                   "audience. Interview: two people face to face."),
    FieldSpec("capacity", "Maximum participants", FieldKind.INT, default=25, minimum=1, maximum=100000),
    FieldSpec("comment", "Description", FieldKind.MULTILINE, default=""),
    FieldSpec("public", "Public room", FieldKind.BOOL, default=False,
              help="Public rooms appear in every OpenMeetings user's room list. meetdesk also lists the "
                   "private rooms it created itself."),
    FieldSpec("moderated", "Moderated", FieldKind.BOOL, default=False, group="Moderation",
              help="Participants do not become moderators when they enter."),
    FieldSpec("wait_for_moderator", "Wait for a moderator", FieldKind.BOOL, default=False, group="Moderation",
              help="Participants wait until a moderator has entered the room."),
    FieldSpec("allow_user_questions", "Participants may ask questions", FieldKind.BOOL, default=True,
              group="Moderation"),
    FieldSpec("audio_only", "Audio only", FieldKind.BOOL, default=False, group="Features"),
    FieldSpec("allow_recording", "Recording allowed", FieldKind.BOOL, default=True, group="Features"),
    FieldSpec("hidden_elements", "Hidden interface elements", FieldKind.MULTI_CHOICE, default=[],
              choices=HIDDEN_ELEMENTS, group="Features",
              help="Parts of the room's interface participants do not see."),
)

MEETING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("new_room_type", "Type of the new room", FieldKind.CHOICE, default="CONFERENCE",
              choices=ROOM_TYPES,
              help="When no existing room is chosen, OpenMeetings creates a room of this type for the "
                   "appointment."),
    FieldSpec("reminder", "Reminder", FieldKind.CHOICE, default="NONE", choices=REMINDERS),
    FieldSpec("password_protected", "Password protected", FieldKind.BOOL, default=False, group="Access"),
    FieldSpec("password", "Meeting password", FieldKind.SECRET, group="Access",
              help="OpenMeetings never sends the password back: enter it again when you edit the meeting."),
)

JOIN_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("allow_same_url_multiple_times", "Link works more than once", FieldKind.BOOL, default=False,
              help="Without this the link admits one entry only."),
    FieldSpec("language", "Language", FieldKind.CHOICE, default="1", choices=LANGUAGES),
    FieldSpec("external_type", "External user type", default=DEFAULT_EXTERNAL_TYPE,
              help="OpenMeetings groups users entering by link under this name."),
)

ROOM_COLUMNS: tuple[Column, ...] = (
    Column("type", "Type"),
    Column("capacity", "Capacity"),
    Column("public", "Public"),
    Column("moderated", "Moderated"),
    Column("users_online", "Online"),
)

MEETING_COLUMNS: tuple[Column, ...] = (
    Column("room", "Room"),
    Column("owner", "Owner"),
)


def language_id(wanted: str) -> str:
    """OpenMeetings' numeric language id for a language id or code ("de", "pt-BR"); English otherwise."""
    code = wanted.strip().lower()
    if code in dict(LANGUAGES):
        return code
    return _LANGUAGE_CODES.get(code, _LANGUAGE_CODES.get(code.split("-")[0], "1"))
