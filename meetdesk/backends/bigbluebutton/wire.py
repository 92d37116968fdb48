"""Reading BigBlueButton's XML answers (defusedxml) and turning ``FAILED`` + ``messageKey`` into sentences.

Every answer is ``<response><returncode>SUCCESS|FAILED</returncode>…</response>``, with HTTP 200 even for
failures (bbb-web ``ApiController.groovy`` renders errors without a status; template ``api-error.ftlx``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from meetdesk.domain.errors import (
    AuthenticationError,
    ConflictError,
    MeetdeskError,
    NotFoundError,
    ProtocolError,
    ServerError,
    ValidationError,
)

log = logging.getLogger("meetdesk.backends.bigbluebutton")

#: messageKey → (error class, sentence with {server} and {target}); the server's own message goes to detail
FAILURES: dict[str, tuple[type[MeetdeskError], str]] = {
    "checksumError": (AuthenticationError, "{server} refused the shared secret (the checksum did not match)."),
    "notFound": (NotFoundError, "There is no {noun} “{target}” on {server}."),
    "invalidMeetingIdentifier": (NotFoundError, "There is no meeting “{target}” on {server}."),
    # BBB ≥ 2.4 answers a repeated create without passwords with duplicateWarning; older servers with idNotUnique
    # (ApiController.groovy create: the "!params.attendeePW && !params.moderatorPW" clause is the newer one)
    "idNotUnique": (ConflictError, "{server} already has a running meeting “{target}”."),
    "meetingForciblyEnded": (ConflictError, "The meeting “{target}” on {server} has been ended."),
    "missingParamMeetingID": (ValidationError, "The meeting needs an id."),
    "missingParamFullName": (ValidationError, "Enter the participant's name."),
    "invalidPassword": (ValidationError, "{server} did not accept the meeting password."),
    "mismatchCreateTimeParam": (ConflictError, "The meeting “{target}” was created again since this link was "
                                               "made; make a new link."),
    "maxParticipantsReached": (ConflictError, "The meeting “{target}” is full."),
    "guestDeniedAccess": (ConflictError, "The meeting “{target}” does not admit guests."),
    "apiNotEnabled": (ServerError, "The API of {server} is switched off."),
    "unsupportedContentType": (ProtocolError, "{server} did not accept the request's content type."),
    "notFoundRecording": (NotFoundError, "There is no recording “{target}” on {server}."),
}
HINTS: dict[str, str] = {
    "checksumError": "Copy the secret again from `bbb-conf --secret`; if it is right, choose another checksum "
                     "algorithm in the profile (the server may not allow this one).",
    "apiNotEnabled": "Ask the server's administrator to enable the API (serviceEnabled in bbb-web.properties).",
    "idNotUnique": "Choose another meeting id, or make links for the existing meeting.",
}


def parse(content: bytes, server: str, call: str) -> Element:
    """The ``<response>`` root; a non-XML answer is a ProtocolError, never an empty result."""
    try:
        root: Element = SafeET.fromstring(content)
    except Exception as exc:  # defusedxml raises ParseError or its own DefusedXmlException
        raise ProtocolError(f"{server} answered {call} with something that is not BigBlueButton's XML.",
                            detail=f"{type(exc).__name__}: {str(exc)[:120]}",
                            hint="Check that the address points at the BigBlueButton API "
                                 "(https://host/bigbluebutton/api).") from None
    if root.tag != "response":
        raise ProtocolError(f"{server} answered {call} with an unexpected XML document.",
                            detail=f"root element <{root.tag[:40]}>")
    return root


def text(element: Element | None, tag: str, default: str = "") -> str:
    if element is None:
        return default
    found = element.find(tag)
    return (found.text or "").strip() if found is not None and found.text is not None else default


def check(root: Element, server: str, call: str, target: str = "", noun: str = "meeting") -> Element:
    """Raise the mapped error for ``FAILED``; return the root for ``SUCCESS``."""
    code = text(root, "returncode")
    if code == "SUCCESS":
        return root
    key, message = text(root, "messageKey"), text(root, "message")
    if code != "FAILED":
        raise ProtocolError(f"{server} answered {call} without a return code.", detail=f"returncode {code!r}")
    cls, sentence = FAILURES.get(key, (ServerError, ""))
    if not sentence:
        if key == "validationError" or key.startswith("missingParam"):
            cls, sentence = ValidationError, f"{server} refused the request: {message or key}"
        else:
            sentence = f"{server} refused {call}: {message or key or 'no reason given'}"
    text_out = sentence.format(server=server, target=target, noun=noun)
    detail = f"{call}: {key}: {message}"[:300]
    if cls is ValidationError:
        raise ValidationError(text_out, detail=detail, hint=HINTS.get(key))
    raise cls(text_out, detail=detail, hint=HINTS.get(key))


def as_bool(value: str) -> bool:
    return value.strip().lower() == "true"


def as_int(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None


def epoch_ms(value: str) -> datetime | None:
    """BBB times are milliseconds since the epoch; 0 or empty means "not yet"."""
    number = as_int(value)
    if not number:
        return None
    try:
        return datetime.fromtimestamp(number / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def metadata(element: Element | None) -> dict[str, str]:
    node = element.find("metadata") if element is not None else None
    if node is None:
        return {}
    return {child.tag: (child.text or "").strip() for child in node}
