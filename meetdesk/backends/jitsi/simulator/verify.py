"""Prosody's token check, in its order and with its failure texts, and the web client's own token check.

Server side: jitsi/luajwtjitsi ``luajwtjitsi.lua`` ``verify`` (v3, vendored by jitsi-meet as
``resources/prosody-plugins/luajwtjitsi.lib.lua``) and jitsi-meet ``resources/prosody-plugins/token/util.lib.lua``
(``verify_token``, ``verify_room``): three segments; header ``typ == "JWT"`` and ``alg`` equal to the configured
one; the signature; numeric ``exp``/``nbf`` without leeway; ``iss`` and ``aud`` present and accepted; ``room``
present; then at MUC join the room must equal the lowercased claim (or the claim is ``*``).

Browser side: jitsi-meet ``react/features/base/jwt/functions.ts`` ``validateJwt`` (the "possible reasons" of
the "not allowed to join" dialog) — numeric ``nbf``/``exp`` in range, a ``context``, known feature names and
values, and the JaaS-only rules when ``sub`` starts with ``vpaas-magic-cookie``.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import jwt

#: feature names the web client accepts (constants.ts MEET_FEATURES) plus those newer builds added
KNOWN_FEATURES = frozenset({
    "branding", "calendar", "create-polls", "flip", "inbound-call", "livestreaming", "lobby", "moderation",
    "outbound-call", "recording", "room", "screen-sharing", "send-groupchat", "sip-inbound-call",
    "sip-outbound-call", "transcription", "file-upload", "list-visitors", "send-private-message",
})


class TokenRejected(Exception):
    """Prosody refused the token; ``reason`` is its text (``not-allowed`` with this reason)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class TokenConfig:
    """The VirtualHost settings of ``authentication = "token"`` (tokens.md)."""

    app_id: str
    algorithm: str = "HS256"
    app_secret: str = ""
    #: RS256: kid → public key PEM (stands in for asap_key_server)
    public_keys: dict[str, bytes] = field(default_factory=dict)
    accepted_issuers: tuple[str, ...] = ()
    accepted_audiences: tuple[str, ...] = ("*",)
    clock: Any = time.time

    def issuers(self) -> tuple[str, ...]:
        return self.accepted_issuers or (self.app_id,)


def _segment(data: str) -> dict[str, Any]:
    decoded = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    if not isinstance(decoded, dict):
        raise ValueError("not an object")
    return decoded


def verify_token(token: str, config: TokenConfig) -> dict[str, Any]:
    """The claims of an accepted token; TokenRejected with Prosody's reason otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenRejected("Invalid token")
    try:
        header = _segment(parts[0])
    except (ValueError, binascii.Error):
        raise TokenRejected("Invalid header") from None
    try:
        _segment(parts[1])
    except (ValueError, binascii.Error):
        raise TokenRejected("Invalid body") from None
    if header.get("typ") != "JWT":
        raise TokenRejected("Invalid typ")
    if header.get("alg") != config.algorithm:
        raise TokenRejected("Invalid or incorrect alg")
    key: str | bytes = config.app_secret
    if config.algorithm.startswith("RS"):
        kid = header.get("kid")
        if not kid:
            raise TokenRejected("'kid' claim is missing")
        if kid not in config.public_keys:
            raise TokenRejected("could not obtain public key")
        key = config.public_keys[kid]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            body: dict[str, Any] = jwt.decode(token, key, algorithms=[config.algorithm], options={
                "verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False,
                "verify_iss": False})
    except jwt.InvalidSignatureError:
        raise TokenRejected("Invalid signature") from None
    except jwt.PyJWTError as exc:
        raise TokenRejected(f"Invalid token ({type(exc).__name__})") from None
    now = config.clock()
    for claim in ("exp", "nbf"):
        if claim in body and (not isinstance(body[claim], int | float) or isinstance(body[claim], bool)):
            raise TokenRejected(f"{claim} must be number")
    if "exp" in body and now >= body["exp"]:
        raise TokenRejected("Not acceptable by exp")
    if "nbf" in body and now < body["nbf"]:
        raise TokenRejected("Not acceptable by nbf")
    if "iss" not in body:
        raise TokenRejected("'iss' claim is missing")
    if "*" not in config.issuers() and body["iss"] not in config.issuers():
        raise TokenRejected("invalid 'iss' claim")
    if "room" not in body:
        raise TokenRejected("'room' claim is missing")
    if "aud" not in body:
        raise TokenRejected("'aud' claim is missing")
    if "*" not in config.accepted_audiences and str(body["aud"]) not in config.accepted_audiences:
        raise TokenRejected("invalid 'aud' claim")
    return body


def verify_room(claims: dict[str, Any], room: str) -> None:
    """mod_token_verification at MUC join (domain verification off)."""
    claim = str(claims.get("room", ""))
    if claim != "*" and room != claim.lower():
        raise TokenRejected("Room and token mismatched")


def browser_complaints(claims: dict[str, Any], header: dict[str, Any], now: float) -> list[str]:
    """The keys validateJwt would list in the "possible reasons" of the web client's dialog."""
    out = []
    for claim, invalid, late in (("nbf", "nbfInvalid", "nbfFuture"), ("exp", "expInvalid", "tokenExpired")):
        value = claims.get(claim)
        if not isinstance(value, int | float) or isinstance(value, bool):
            out.append(invalid)
        elif (claim == "nbf" and value > now) or (claim == "exp" and value < now):
            out.append(late)
    context = claims.get("context")
    if not isinstance(context, dict):
        out.append("contextNotFound")
        context = {}
    features = context.get("features")
    if isinstance(features, dict):
        for key, value in features.items():
            if key not in KNOWN_FEATURES:
                out.append("featureInvalid")
            elif value not in (True, False, "true", "false"):
                out.append("featureValueInvalid")
    if str(claims.get("sub", "")).startswith("vpaas-magic-cookie"):
        kid = str(header.get("kid") or "")
        if not kid:
            out.append("kidNotFound")
        elif kid.split("/")[0] != claims.get("sub"):
            out.append("kidMismatch")
        if claims.get("aud") != "jitsi":
            out.append("audInvalid")
        if claims.get("iss") != "chat":
            out.append("issInvalid")
        if not isinstance(features, dict):
            out.append("featuresNotFound")
    return out


def unverified_header(token: str) -> dict[str, Any]:
    try:
        return _segment(token.split(".")[0])
    except (ValueError, binascii.Error, IndexError):
        return {}


def unverified_claims(token: str) -> dict[str, Any]:
    try:
        return _segment(token.split(".")[1])
    except (ValueError, binascii.Error, IndexError):
        return {}
