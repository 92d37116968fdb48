"""Minting Jitsi join tokens (PyJWT).

Claims and header follow lib-jitsi-meet ``doc/tokens.md`` and Prosody's ``luajwtjitsi`` ``verify``: the header
must say ``typ: JWT`` and the configured ``alg``; ``iss``, ``aud`` and ``room`` are required; ``exp``/``nbf``
must be JSON numbers. The web client additionally wants numeric ``nbf``/``exp`` and a ``context`` object
(``react/features/base/jwt/functions.ts`` ``validateJwt``), and JaaS wants ``kid`` = ``<AppID>/<key id>``,
``aud: jitsi``, ``iss: chat`` and ``context.features`` (developer.8x8.com/jaas/docs/api-keys-jwt).
"""

from __future__ import annotations

import json
import re
import warnings
from datetime import datetime
from typing import Any
from urllib.parse import quote

import jwt
from cryptography.hazmat.primitives import serialization

from meetdesk.domain.errors import AuthenticationError

#: context.features keys the web client accepts (constants.ts MEET_FEATURES) that a coordinator may grant
FEATURES: tuple[tuple[str, str], ...] = (
    ("recording", "Recording"),
    ("livestreaming", "Live streaming"),
    ("transcription", "Transcription"),
    ("outbound-call", "Dial out"),
)
_REWRITTEN = ("&", "\u2018", "\u2019", "\u201c", "\u201d")
_PEM = re.compile(r"(-----BEGIN [A-Z ]+-----)(.*?)(-----END [A-Z ]+-----)", re.S)


def claims(*, issuer: str, audience: str, subject: str, room: str, not_before: datetime, expires: datetime,
           user: dict[str, str], moderator: bool, features: list[str] | None) -> dict[str, Any]:
    context: dict[str, Any] = {"user": {**{k: v for k, v in user.items() if v},
                                        "moderator": "true" if moderator else "false"}}
    if features is not None:
        context["features"] = {key: "true" if key in features else "false" for key, _ in FEATURES}
    return {"iss": issuer, "aud": audience, "sub": subject, "room": room,
            "nbf": int(not_before.timestamp()), "exp": int(expires.timestamp()), "context": context}


def private_key_pem(secret: str) -> bytes:
    """The PEM of a private key, also when a form flattened its line breaks into spaces."""
    text = secret.strip()
    match = _PEM.search(text)
    if match is None:
        raise AuthenticationError("The stored JaaS key is not a PEM private key.",
                                  hint="Paste the whole private key, from -----BEGIN to -----END.")
    body = "\n".join(part for part in re.split(r"\s+", match.group(2)) if part)
    pem = f"{match.group(1)}\n{body}\n{match.group(3)}\n".encode()
    try:
        serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise AuthenticationError("The stored JaaS key could not be read as an RSA private key.",
                                  hint="Paste the unencrypted private key of the API key you uploaded to JaaS.") \
            from None
    return pem


def sign(payload: dict[str, Any], key: str | bytes, algorithm: str, key_id: str = "") -> str:
    headers = {"typ": "JWT", **({"kid": key_id} if key_id else {})}
    with warnings.catch_warnings():
        # Prosody accepts whatever app_secret its administrator chose; PyJWT's length advice is not ours to enforce
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def hash_value(value: object) -> str:
    """A URL-fragment value that survives the client's parsing: JSON, then encodeURIComponent (jitsi-meet
    ``parseURLParams``: split on & and =, decodeURIComponent, JSON.parse; uri ``_objectToURLParamsArray``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # after decoding, the parser turns the first "\\&" into "&" and curly quotes into straight ones, which
    # would break the JSON: such characters travel as JSON escapes, which JSON.parse turns back
    for char in _REWRITTEN:
        text = text.replace(char, f"\\u{ord(char):04x}")
    return quote(text, safe="-_.!~*'()")


def fragment(overrides: list[tuple[str, object]]) -> str:
    return "&".join(f"{key}={hash_value(value)}" for key, value in overrides)
