"""The web client's reading of a link: the room it opens and the ``#…`` overrides it applies.

Ports of jitsi-meet ``react/features/base/util/uri`` (whitespace stripped, ``_ROOM_EXCLUDE_PATTERN`` characters
removed from path segments, NFKC + lowercase for the backend) and ``parseURLParams.ts`` (split on ``&`` and
``=``, keys with ``__proto__``/``constructor``/``prototype`` dropped, value decodeURIComponent'ed, the first
``\\&`` unescaped, curly quotes straightened, then JSON-parsed; a value that is not JSON is dropped).
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import unquote

EXCLUDED = re.compile(r"""[:?#\[\]@!$&'()*+,;=></"]""")
BLACKLIST = ("__proto__", "constructor", "prototype")
#: a few of configWhitelist.ts / interfaceConfigWhitelist.ts; userInfo.* is read by the settings middleware
WHITELIST = frozenset({
    "config.startWithAudioMuted", "config.startWithVideoMuted", "config.prejoinConfig.enabled",
    "config.prejoinPageEnabled", "config.subject", "config.startAudioOnly", "config.disableDeepLinking",
    "config.defaultLanguage", "config.readOnlyName", "config.requireDisplayName",
    "interfaceConfig.SHOW_POWERED_BY", "userInfo.displayName", "userInfo.email", "jwt",
})


def backend_room(segment: str) -> str:
    decoded = unquote(segment)
    return unicodedata.normalize("NFKC", EXCLUDED.sub("", re.sub(r"\s", "", decoded))).lower()


def parse_hash(fragment: str) -> dict[str, Any]:
    """The parameters the client takes from ``fragment`` (without the ``#``); undecodable ones are left out."""
    params: dict[str, Any] = {}
    parts = fragment.split("&") if fragment else []
    if len(parts) == 1 and parts[0].startswith("/"):
        return params  # a hash router's path
    for part in parts:
        pieces = part.split("=")
        key = pieces[0]
        if not key or any(k in BLACKLIST for k in key.split(".")):
            continue
        value = pieces[1] if len(pieces) > 1 else "undefined"
        decoded = unquote(value, errors="strict").replace("\\&", "&", 1)
        decoded = re.sub("[\u2018\u2019]", "'", decoded)
        decoded = re.sub("[\u201c\u201d]", '"', decoded)
        if decoded == "undefined":
            params[key] = None
            continue
        try:
            params[key] = json.loads(decoded)
        except ValueError:
            continue
    return params


def applied_overrides(fragment: str) -> dict[str, Any]:
    """The parsed parameters that a stock deployment actually applies (whitelisted keys)."""
    return {k: v for k, v in parse_hash(fragment).items() if k in WHITELIST}
