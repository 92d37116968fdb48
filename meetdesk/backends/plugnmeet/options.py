"""plugNmeet room and join options: ids, form fields, and their mapping onto the API's JSON.

Kept apart from the HTTP client so the CLI and tests can use the rules (room id derivation, the
option ↔ metadata mapping) without a server.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec

#: the server's room_id / user_id pattern (protocol ≥ 2024-09; dots and colons are no longer allowed)
ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
RESERVED_INFIX = "-FIELD_"
RESERVED_PREFIX = "user_"
#: user ids the server keeps for its own bots
RESERVED_USER_PREFIXES = ("ingres_", "pnm_agent-", "pnm_tts_agent-", "sip_")
RESERVED_USER_SUFFIX = "-native"
MAX_DERIVED_ID = 48
#: the room table's column is varchar(64) (plugNmeet-server pkg/dbmodels/room.go)
MAX_ROOM_ID = 64


def _ascii_slug(text: str, limit: int) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:limit].rstrip("-")


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _normalised_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def derive_room_id(title: str) -> str:
    """A valid plugNmeet room id for ``title``: the same title always gives the same id.

    Letters are folded to ASCII and lower case, everything else becomes ``-``; a title with no
    usable letters (e.g. only CJK) gets ``room-<hash>``. Only ``[a-z0-9-]`` is produced, so the
    reserved ``user_`` prefix and ``-FIELD_`` infix cannot occur.
    """
    slug = _ascii_slug(title, MAX_DERIVED_ID)
    if not slug:
        return f"room-{_short_hash(_normalised_name(title) or 'room')}"
    return slug


def derive_user_id(name: str) -> str:
    """A stable user id for a person: a slug of the name plus a short hash of the normalised name.

    The hash keeps two people whose names fold to the same slug apart ("Zoë" / "Zoe"), while the
    same person (any case or spacing) always gets the same id — the server then replaces their
    old session instead of showing them twice.
    """
    normalised = _normalised_name(name)
    slug = _ascii_slug(normalised, 24)
    digest = _short_hash(normalised)
    return f"{slug}-{digest}" if slug else f"guest-{digest}"


def room_id_problem(room_id: str) -> str | None:
    """Why the server would refuse ``room_id``, as a sentence, or None when it is valid."""
    if not room_id:
        return "The room ID must not be empty."
    if len(room_id) > MAX_ROOM_ID:
        return f"The room ID may be at most {MAX_ROOM_ID} characters long ({len(room_id)} given)."
    if not ID_PATTERN.match(room_id):
        return "The room ID may only contain letters a–z and A–Z, digits, “-” and “_” (no spaces or dots)."
    if RESERVED_INFIX in room_id:
        return f"The room ID must not contain “{RESERVED_INFIX}”: plugNmeet reserves it."
    if room_id.startswith(RESERVED_PREFIX):
        return f"The room ID must not start with “{RESERVED_PREFIX}”: plugNmeet reserves it."
    return None


def validate_room_id(room_id: str) -> str:
    """Return ``room_id`` stripped, or raise ValidationError(field="room_id")."""
    text = room_id.strip()
    problem = room_id_problem(text)
    if problem:
        raise ValidationError(problem, field="room_id", hint="Leave the room ID empty to derive one from the title.")
    return text


# --- room options ----------------------------------------------------------------------------

@dataclass(frozen=True)
class MetadataOption:
    """A room option stored in RoomMetadata at ``path`` (keys below ``metadata``)."""

    spec: FieldSpec
    path: tuple[str, ...]
    #: proto3 non-optional bool whose server default is true: on server ≥ 2.3 a ``false`` may be
    #: merged away (the server keeps its default), so meetdesk checks what the server applied
    merge_sensitive: bool = False


_G_ROOM = "Room"
_G_MEDIA = "Audio and video"
_G_COLLAB = "Collaboration"
_G_WAIT = "Waiting room"
_G_REC = "Recording"
_G_SEC = "Security"
_G_LOCKS = "Default locks for participants"


def _bool(key: str, label: str, default: bool, group: str, help: str = "") -> FieldSpec:
    return FieldSpec(key=key, label=label, kind=FieldKind.BOOL, default=default, group=group, help=help)


_RF = ("room_features",)
_LOCKS = ("default_lock_settings",)

METADATA_OPTIONS: tuple[MetadataOption, ...] = (
    MetadataOption(FieldSpec("welcome_message", "Welcome message", FieldKind.MULTILINE, group=_G_ROOM,
                             help="Shown to everyone who joins; simple HTML is allowed."), ("welcome_message",)),
    MetadataOption(FieldSpec("duration", "Time limit (minutes)", FieldKind.INT, minimum=0, group=_G_ROOM,
                             help="The room ends by itself after this many minutes; 0 means no limit."),
                   (*_RF, "room_duration")),
    MetadataOption(FieldSpec("logout_url", "After leaving, go to", FieldKind.URL, group=_G_ROOM,
                             placeholder="e.g. https://example.org/thanks",
                             help="Where participants land when they leave the room."), ("logout_url",)),
    MetadataOption(FieldSpec("webhook_url", "Webhook URL", FieldKind.URL, group=_G_ROOM,
                             help="plugNmeet reports room events (joined, left, ended, recordings) to this address."),
                   ("webhook_url",)),
    MetadataOption(_bool("allow_webcams", "Allow webcams", True, _G_MEDIA), (*_RF, "allow_webcams"), True),
    MetadataOption(_bool("mute_on_start", "Mute microphones on join", False, _G_MEDIA), (*_RF, "mute_on_start")),
    MetadataOption(_bool("admin_only_webcams", "Only moderators may use webcams", False, _G_MEDIA),
                   (*_RF, "admin_only_webcams")),
    MetadataOption(_bool("allow_view_other_webcams", "Participants see each other's webcams", True, _G_MEDIA),
                   (*_RF, "allow_view_other_webcams"), True),
    MetadataOption(_bool("allow_screen_share", "Allow screen sharing", True, _G_MEDIA),
                   (*_RF, "allow_screen_share"), True),
    MetadataOption(_bool("allow_virtual_bg", "Allow virtual backgrounds", True, _G_MEDIA),
                   (*_RF, "allow_virtual_bg")),
    MetadataOption(_bool("allow_raise_hand", "Allow raising hands", True, _G_MEDIA), (*_RF, "allow_raise_hand")),
    MetadataOption(_bool("allow_reactions", "Allow reactions", True, _G_MEDIA), (*_RF, "allow_reactions")),
    MetadataOption(_bool("allow_view_other_users_list", "Participants see the participant list", True, _G_COLLAB),
                   (*_RF, "allow_view_other_users_list"), True),
    MetadataOption(_bool("allow_chat", "Chat", True, _G_COLLAB), (*_RF, "chat_features", "is_allow"), True),
    MetadataOption(_bool("allow_file_upload", "File upload in chat", True, _G_COLLAB),
                   (*_RF, "chat_features", "is_allow_file_upload"), True),
    MetadataOption(_bool("allow_shared_notepad", "Shared notepad", True, _G_COLLAB),
                   (*_RF, "shared_note_pad_features", "is_allow"), True),
    MetadataOption(_bool("allow_whiteboard", "Whiteboard", True, _G_COLLAB),
                   (*_RF, "whiteboard_features", "is_allow"), True),
    MetadataOption(_bool("allow_external_media_player", "External media player", True, _G_COLLAB),
                   (*_RF, "external_media_player_features", "is_allow"), True),
    MetadataOption(_bool("allow_polls", "Polls", True, _G_COLLAB), (*_RF, "polls_features", "is_allow"), True),
    MetadataOption(_bool("allow_breakout_rooms", "Breakout rooms", True, _G_COLLAB),
                   (*_RF, "breakout_room_features", "is_allow"), True),
    MetadataOption(FieldSpec("breakout_rooms_max", "Breakout rooms at most", FieldKind.INT, minimum=1, maximum=16,
                             default=6, group=_G_COLLAB),
                   (*_RF, "breakout_room_features", "allowed_number_rooms")),
    MetadataOption(_bool("waiting_room", "Waiting room", False, _G_WAIT,
                         help="Participants wait until a moderator lets them in."),
                   (*_RF, "waiting_room_features", "is_active")),
    MetadataOption(FieldSpec("waiting_room_message", "Message in the waiting room", FieldKind.MULTILINE,
                             group=_G_WAIT), (*_RF, "waiting_room_features", "waiting_room_msg")),
    MetadataOption(_bool("allow_recording", "Allow recording", True, _G_REC),
                   (*_RF, "recording_features", "is_allow"), True),
    MetadataOption(_bool("allow_cloud_recording", "Record on the server", True, _G_REC),
                   (*_RF, "recording_features", "is_allow_cloud"), True),
    MetadataOption(_bool("allow_local_recording", "Record in the browser", True, _G_REC),
                   (*_RF, "recording_features", "is_allow_local"), True),
    MetadataOption(_bool("auto_cloud_recording", "Start recording automatically", False, _G_REC),
                   (*_RF, "recording_features", "enable_auto_cloud_recording")),
    MetadataOption(_bool("only_record_admin_webcams", "Record only moderators' webcams", False, _G_REC),
                   (*_RF, "recording_features", "only_record_admin_webcams")),
    MetadataOption(_bool("end_to_end_encryption", "End-to-end encryption", False, _G_SEC,
                         help="Encrypts audio and video; the server then disables dial-in and ingress."),
                   (*_RF, "end_to_end_encryption_features", "is_enabled")),
    MetadataOption(_bool("e2ee_chat", "Encrypt chat messages too", False, _G_SEC),
                   (*_RF, "end_to_end_encryption_features", "included_chat_messages")),
    MetadataOption(_bool("e2ee_whiteboard", "Encrypt the whiteboard too", False, _G_SEC),
                   (*_RF, "end_to_end_encryption_features", "included_whiteboard")),
    MetadataOption(_bool("lock_microphone", "Microphone", False, _G_LOCKS), (*_LOCKS, "lock_microphone")),
    MetadataOption(_bool("lock_webcam", "Webcam", False, _G_LOCKS), (*_LOCKS, "lock_webcam")),
    MetadataOption(_bool("lock_screen_sharing", "Screen sharing", True, _G_LOCKS), (*_LOCKS, "lock_screen_sharing")),
    MetadataOption(_bool("lock_chat", "Chat", False, _G_LOCKS), (*_LOCKS, "lock_chat")),
    MetadataOption(_bool("lock_chat_send_message", "Sending chat messages", False, _G_LOCKS),
                   (*_LOCKS, "lock_chat_send_message")),
    MetadataOption(_bool("lock_chat_file_share", "Sharing files in chat", False, _G_LOCKS),
                   (*_LOCKS, "lock_chat_file_share")),
    MetadataOption(_bool("lock_private_chat", "Private chat", False, _G_LOCKS), (*_LOCKS, "lock_private_chat")),
    MetadataOption(_bool("lock_whiteboard", "Whiteboard", True, _G_LOCKS), (*_LOCKS, "lock_whiteboard")),
    MetadataOption(_bool("lock_shared_notepad", "Shared notepad", True, _G_LOCKS), (*_LOCKS, "lock_shared_notepad")),
    MetadataOption(_bool("lock_reactions", "Reactions", False, _G_LOCKS), (*_LOCKS, "lock_reactions")),
)

#: top-level CreateRoomReq fields (not inside metadata)
MAX_PARTICIPANTS = FieldSpec("max_participants", "Participants at most", FieldKind.INT, minimum=1, group=_G_ROOM,
                             help="Leave empty for the server's limit.")
EMPTY_TIMEOUT = FieldSpec("empty_timeout", "Close when empty after (seconds)", FieldKind.INT, minimum=120,
                          group=_G_ROOM, placeholder="1800",
                          help="plugNmeet ends a room nobody is in after this long (the server uses 1800 "
                               "for anything under 120).")

ROOM_FIELDS: tuple[FieldSpec, ...] = (
    METADATA_OPTIONS[0].spec, MAX_PARTICIPANTS, EMPTY_TIMEOUT, *(o.spec for o in METADATA_OPTIONS[1:]),
)


def _set_path(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = target
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def _get_path(source: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = source
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def create_room_request(room_id: str, title: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The ``/room/create`` body for already parsed ``options`` (keys of :data:`ROOM_FIELDS`).

    Options the coordinator left out are not sent, so the server applies its own defaults.
    """
    metadata: dict[str, Any] = {"room_title": title, "room_features": {}}
    for option in METADATA_OPTIONS:
        value = options.get(option.spec.key)
        if value is None or (value == "" and option.spec.kind is not FieldKind.BOOL):
            continue
        _set_path(metadata, option.path, value)
    body: dict[str, Any] = {"room_id": room_id}
    for spec in (MAX_PARTICIPANTS, EMPTY_TIMEOUT):
        if options.get(spec.key) is not None:
            body[spec.key] = options[spec.key]
    body["metadata"] = metadata
    return body


def options_from_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The room option values the server reports in a room's metadata (what is in effect now)."""
    out: dict[str, Any] = {}
    for option in METADATA_OPTIONS:
        value = _get_path(metadata, option.path)
        if value is None:
            continue
        if option.spec.kind is FieldKind.BOOL and isinstance(value, bool):
            out[option.spec.key] = value
        elif option.spec.kind is FieldKind.INT:
            try:
                out[option.spec.key] = int(value)
            except (TypeError, ValueError):
                continue
        elif isinstance(value, str):
            out[option.spec.key] = value
    return out


def options_not_applied(requested: Mapping[str, Any], effective: Mapping[str, Any]) -> list[str]:
    """Keys of boolean options the server did not apply as requested (see ``merge_sensitive``)."""
    return [
        o.spec.key for o in METADATA_OPTIONS
        if o.spec.kind is FieldKind.BOOL and o.spec.key in requested and o.spec.key in effective
        and bool(requested[o.spec.key]) != bool(effective[o.spec.key])
    ]


# --- join options ----------------------------------------------------------------------------

LOCK_KEYS: tuple[tuple[str, str], ...] = (
    ("lock_microphone", "Microphone"),
    ("lock_webcam", "Webcam"),
    ("lock_screen_sharing", "Screen sharing"),
    ("lock_chat", "Chat"),
    ("lock_chat_send_message", "Sending chat messages"),
    ("lock_chat_file_share", "Sharing files in chat"),
    ("lock_private_chat", "Private chat"),
    ("lock_whiteboard", "Whiteboard"),
    ("lock_shared_notepad", "Shared notepad"),
    ("lock_reactions", "Reactions"),
)
LOCK_CHOICES: tuple[tuple[str, str], ...] = (("default", "Room default"), ("yes", "Locked"), ("no", "Not locked"))
#: the plugNmeet client's languages (plugNmeet-client src/helpers/languages.ts, v2.4): it applies a
#: preferred_lang only when it matches one of these codes, ignoring case (HandleParticipants.ts looks it up
#: in languagesMap by lowercase code); anything else ("de", "German") silently leaves the browser language
CLIENT_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"), ("es-ES", "Spanish – Español"), ("de-DE", "German – Deutsch"),
    ("fr-FR", "French – Français"), ("it-IT", "Italian – Italiano"), ("pt-PT", "Portuguese – Português"),
    ("ar-SA", "Arabic – اللغة العربية"), ("bn-BD", "Bengali – বাংলা"), ("cs-CZ", "Czech"), ("da-DK", "Danish"),
    ("el-GR", "Greek"), ("et-EE", "Estonian"), ("fa-IR", "Persian – فارسی"), ("he-IL", "Hebrew"),
    ("hr-HR", "Croatian"), ("hu-HU", "Hungarian"), ("id-ID", "Indonesian"), ("ja-JP", "Japanese – 日本語"),
    ("ko-KR", "Korean – 한국어"), ("lv-LV", "Latvian"), ("nl-NL", "Dutch"), ("no-NO", "Norwegian"),
    ("pl-PL", "Polish"), ("ro-RO", "Romanian"), ("ru-RU", "Russian – Русский"), ("sv-SE", "Swedish"),
    ("tr-TR", "Turkish – Türkçe"), ("uk-UA", "Ukrainian – Українська"), ("vi-VN", "Vietnamese"),
    ("zh-CN", "Chinese (simplified) – 简体中文"), ("zh-TW", "Chinese (traditional) – 繁體中文"),
)
_LANGUAGE_BY_LOWER = {code.lower(): code for code, _label in CLIENT_LANGUAGES}
_LANGUAGE_BY_PRIMARY = {code.split("-")[0].lower(): code for code, _label in reversed(CLIENT_LANGUAGES)}
_G_PERSON = "Participant"
_G_USER_LOCKS = "Locks for this participant (moderators are never locked)"

JOIN_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("preferred_lang", "Interface language", FieldKind.CHOICE, default="", group=_G_PERSON,
              choices=(("", "The browser's language"), *((c, f"{label} ({c})") for c, label in CLIENT_LANGUAGES)),
              help="The language plugNmeet shows this participant; only the client's own languages work."),
    FieldSpec("record_webcam", "Include their webcam in recordings", FieldKind.BOOL, default=True, group=_G_PERSON),
    *(FieldSpec(key, label, FieldKind.CHOICE, choices=LOCK_CHOICES, default="default", group=_G_USER_LOCKS)
      for key, label in LOCK_KEYS),
)


def lock_settings_from_options(options: Mapping[str, Any]) -> dict[str, bool]:
    """Per-user lock settings; "default" (or absent) leaves the room's default in force."""
    out: dict[str, bool] = {}
    for key, _label in LOCK_KEYS:
        value = options.get(key)
        if isinstance(value, bool):
            out[key] = value
        elif value in ("yes", "no"):
            out[key] = value == "yes"
    return out


def preferred_language(options: Mapping[str, Any], fallback: str = "") -> str:
    """The participant's interface language as one of the client's exact codes, or "" for the browser's.

    A chosen option must be one of ``CLIENT_LANGUAGES``; the request's general language (``de``, ``pt-BR``)
    is mapped to the client's code for that language (``de-DE``, ``pt-PT``) or left out when it has none.
    """
    chosen = str(options.get("preferred_lang") or "").strip()
    if chosen:
        code = _LANGUAGE_BY_LOWER.get(chosen.lower())
        if code is None:
            raise ValidationError(
                f"plugNmeet has no interface language “{chosen}”.", field="preferred_lang",
                hint="Choose one of: " + ", ".join(c for c, _label in CLIENT_LANGUAGES) + ".")
        return code
    wanted = fallback.strip().replace("_", "-").lower()
    if not wanted:
        return ""
    return _LANGUAGE_BY_LOWER.get(wanted) or _LANGUAGE_BY_PRIMARY.get(wanted.split("-")[0], "")
