"""Room names the way the Jitsi Meet web client treats them, so a link never opens a different room.

jitsi-meet ``react/features/base/util/uri`` (``parseStandardURIString``, ``_fixPathPart``,
``getBackendSafeRoomName``): whitespace is stripped from the whole URL, the characters of
``_ROOM_EXCLUDE_PATTERN`` are removed from every path segment, and the room is NFKC-normalised and lowercased
before it reaches Prosody, which compares the token's ``room`` claim with it in lowercase
(``token/util.lib.lua`` ``verify_room``).
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from meetdesk.domain.errors import ValidationError

#: uri.js _ROOM_EXCLUDE_PATTERN — "based on RFC 3986 and the jxmpp library utilized by jicofo"
EXCLUDED = re.compile(r"""[:?#\[\]@!$&'()*+,;=></"]""")
#: what meetdesk puts in a room id: characters encodeURIComponent leaves alone and the client keeps
SAFE_ID = re.compile(r"[a-z0-9._~-]+")
MAX_ID = 120


def client_room_name(segment: str) -> str:
    """The room the web client opens for a path segment."""
    stripped = EXCLUDED.sub("", re.sub(r"\s", "", segment))
    return unicodedata.normalize("NFKC", stripped).lower()


def derive_room_id(name: str) -> str:
    """A room id from a title: ASCII letters and digits joined by hyphens, e.g. “Board Meeting 05/26” →
    ``board-meeting-05-26``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_ID]
    return slug or f"room-{secrets.token_hex(4)}"


def validate_room_id(raw: str) -> str:
    """The id as given (lowercased) if the web client keeps it as it is; else a sentence saying what it would open."""
    text = raw.strip()
    if not text:
        raise ValidationError("Give the room a name or an id.", field="room_id")
    opened = client_room_name(text)
    if opened != unicodedata.normalize("NFKC", text).lower():
        raise ValidationError(
            f"Jitsi would open the room “{opened or '(none)'}” for “{text}”: its web client drops spaces and "
            "the characters : ? # [ ] @ ! $ & ' ( ) * + , ; = < > / \".",
            field="room_id", hint=f"Use “{derive_room_id(text)}” or leave the id empty.")
    if not SAFE_ID.fullmatch(opened) or len(opened) > MAX_ID:
        raise ValidationError(
            "A Jitsi room id may hold only the letters a–z, digits, “-”, “_”, “.” and “~” "
            f"(at most {MAX_ID}).", field="room_id", hint=f"For example “{derive_room_id(text)}”.")
    return opened
