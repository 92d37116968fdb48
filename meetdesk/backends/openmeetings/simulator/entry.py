"""The ``/openmeetings/hash?secure=…`` entry page: a ``user/hash`` link signs its participant in.

7.0–9.1 ``WebSession.signIn(secureHash, markUsed)`` reads the participant from the SID that made the hash, not
from the hash, and hands that SID to the participant.
"""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from meetdesk.backends.openmeetings.simulator.data import HashEntry, OMUser, OpenMeetingsState

LANGUAGE_TAGS = {"1": "en", "2": "de", "4": "fr", "5": "it", "6": "pt", "7": "pt-BR", "8": "es", "9": "ru"}


def _page(language: str, title: str, body: str) -> HTMLResponse:
    tag = LANGUAGE_TAGS.get(language, "en")
    heading = "OpenMeetings" if title == "OpenMeetings" else f"{title} - OpenMeetings"
    return HTMLResponse(f'<!DOCTYPE html><html lang="{tag}"><head><meta charset="utf-8">'
                        f"<title>{heading}</title></head><body>{body}</body></html>")


async def secure_hash_page(state: OpenMeetingsState, request: Request) -> Response:
    """HashPage: sign in with the secure hash, mark it used unless reuse was allowed, enter the room."""
    language = request.query_params.get("language", "1")
    with state.lock:
        soap = state.soap_logins.get(request.query_params.get("secure", ""))
        # WebSession.signIn(secureHash, markUsed): the SID must still be alive and carry a participant
        # (sessionDao.check(soapLogin.getSessionHash()).getXml()); the user comes from that SID, and the
        # SID then belongs to the participant (sd.setUserId), losing its SOAP right
        session = state.live_session(soap.sid) if soap is not None else None
        if soap is None or (soap.used and not soap.allow_same_url) or session is None or not session.xml:
            return _page(language, "OpenMeetings", '<div class="error" data-error="invalid.hash">'
                         "This link is invalid or has already been used.</div>")
        room = state.rooms.get(soap.room_id) if soap.room_id is not None else None
        if room is None:
            return _page(language, "OpenMeetings", '<div class="error" data-error="room.not.found">'
                         "The room of this link does not exist.</div>")
        user = _external_user(state, session.xml)
        if not soap.allow_same_url:
            soap.used = True
        session.user_id = user.id
        if room.closed:
            return _page(language, html.escape(room.name), '<div class="error" data-error="room.closed">'
                         "This room is closed.</div>")
        if user.id not in room.present:
            room.present.append(user.id)
        state.entries.append(HashEntry(soap.hash, room.id, user.id, soap.moderator, language))
    role = "moderator" if soap.moderator else "participant"
    body = (f'<main id="room" data-room-id="{room.id}" data-user-id="{user.id}" data-role="{role}">'
            f"<h1>{html.escape(room.name)}</h1>"
            f"<p>Welcome, {html.escape(user.display_name)}. You enter as {role}.</p></main>")
    return _page(language, html.escape(room.name), body)

def _external_user(state: OpenMeetingsState, ext: dict[str, str | None]) -> OMUser:
    """Find the external user by (externalId, externalType) or create it; names are refreshed each entry."""
    ext_id, ext_type = ext.get("externalId") or "", ext.get("externalType") or ""
    user = state.find_external(ext_id, ext_type)
    if user is None:
        user = state.add_user(OMUser(state.next_id("user"), ext.get("login") or ext_id,
                                          type="EXTERNAL", rights=["ROOM"], external_id=ext_id,
                                          external_type=ext_type))
    user.firstname = ext.get("firstname") or ""
    user.lastname = ext.get("lastname") or ""
    user.email = ext.get("email") or user.email
    user.picture_uri = ext.get("profilePictureUrl") or user.picture_uri
    return user
