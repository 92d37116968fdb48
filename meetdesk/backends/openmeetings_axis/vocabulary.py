"""OpenMeetings 2.x/3.0 vocabulary: room types, language ids, service and method names, the legacy error codes."""

from __future__ import annotations

from datetime import timedelta

#: roomtypes_id values of OpenMeetings 2.x (ImportInitvalues.loadRoomTypes; 5 = custom is deprecated)
ROOM_TYPES: tuple[tuple[str, str], ...] = (
    ("1", "Conference — everyone can use camera and microphone"),
    ("2", "Audience — only moderators broadcast (deprecated)"),
    ("3", "Restricted — participants ask for the right to speak"),
    ("4", "Interview — two speakers, recorded"),
)
ROOM_TYPE_SHORT = {"1": "Conference", "2": "Audience", "3": "Restricted", "4": "Interview", "5": "Custom"}

#: language ids of OpenMeetings 2.x/3.0 (languages.xml): id, name, ISO-like code
LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("1", "English", "en"), ("2", "German", "de"), ("3", "German (Stud.IP)", "de-studip"),
    ("4", "French", "fr"), ("5", "Italian", "it"), ("6", "Portuguese", "pt"),
    ("7", "Portuguese (Brazil)", "pt-br"), ("8", "Spanish", "es"), ("9", "Russian", "ru"),
    ("10", "Swedish", "sv"), ("11", "Chinese (simplified)", "zh-cn"), ("12", "Chinese (traditional)", "zh-tw"),
    ("13", "Korean", "ko"), ("14", "Arabic", "ar"), ("15", "Japanese", "ja"), ("16", "Indonesian", "id"),
    ("17", "Hungarian", "hu"), ("18", "Turkish", "tr"), ("19", "Ukrainian", "uk"), ("20", "Thai", "th"),
    ("21", "Persian", "fa"), ("22", "Czech", "cs"), ("23", "Galician", "gl"), ("24", "Finnish", "fi"),
    ("25", "Polish", "pl"), ("26", "Greek", "el"), ("27", "Dutch", "nl"), ("28", "Hebrew", "he"),
    ("29", "Catalan", "ca"), ("30", "Bulgarian", "bg"), ("31", "Danish", "da"), ("32", "Slovak", "sk"),
)
LANGUAGE_BY_CODE = {code: lang_id for lang_id, _name, code in LANGUAGES}

#: a secure hash has no lifetime of its own (the javadoc's "deleted after 15 minutes" is not in the code);
#: it dies with its SID, which SessiondataDao.clearSessionTable drops 30 minutes after its last use
HASH_LIFETIME = timedelta(minutes=30)

USER_SERVICE = "UserService"
ROOM_SERVICE = "RoomService"
ADD_ROOM = "addRoomWithModerationQuestionsAndAudioType"
ROOM_HASH = "setUserObjectAndGenerateRoomHash"

# Legacy error codes (UserManager.loginUser and the web-service methods of 2.x/3.0).
UNKNOWN_ERROR = -1
USER_NOT_FOUND = -10
WRONG_PASSWORD = -11
NO_PERMISSION = -26
INVALID_SESSION = -35
NOT_ACTIVATED = -41

RIGHTS_HINT = (
    "The account needs administrator or web-service (SOAP) rights on OpenMeetings; "
    "ask the OpenMeetings administrator to grant them, or use an account that has them."
)
OTHER_BACKEND_HINT = (
    "This back end is for OpenMeetings 2.x and 3.0. For OpenMeetings 3.1 or later choose the "
    "“OpenMeetings” back end instead."
)


def yes_no(value: object) -> str:
    return "Yes" if value else "No"


def bool_param(value: object) -> str:
    return "true" if value else "false"


def split_name(display_name: str) -> tuple[str, str]:
    """"Anna Maria Schmidt" → ("Anna Maria", "Schmidt"); a single word is the first name."""
    parts = display_name.split()
    if len(parts) < 2:
        return display_name, ""
    return " ".join(parts[:-1]), parts[-1]


def language_id(code: str) -> str:
    """OpenMeetings language id for a code like "de", "pt-BR" or "fr_CA"; English when unknown."""
    code = code.strip().lower().replace("_", "-")
    return LANGUAGE_BY_CODE.get(code) or LANGUAGE_BY_CODE.get(code.split("-")[0], "1")
