"""Invitations in the OpenMeetings simulator: ``POST services/room/hash`` and ``hash?invitation=…``.

Modelled on the real server (apache/openmeetings HEAD 32adbc8e):
- ``RoomWebService.hash``: ``invite`` and ``sendmail`` are query parameters; SOAP right; ServiceResult(hash).
- ``InvitationDTO.get``: ``roomId`` is read with ``getLong`` (missing → the parameter does not convert → 404);
  ``valid`` defaults to PERIOD; unknown keys are ignored.
- ``RoomMapper.get(InvitationDTO, …)``: the dates are ``yyyy-MM-dd HH:mm:ss`` in the server's zone, validFrom
  moved 5 minutes earlier, an unparsable date fails the call (500); the invitee is
  ``UserDao.getContact(email, first, last, owner)``, which reuses the owner's contact with that e-mail; an
  unknown room is stored as null without complaint.
- ``InvitationDao.getByHash`` / ``markUsed``: ONE_TIME admits once, PERIOD between the dates (any number of
  times), ENDLESS always; ``HashPage`` names the error (error.hash.invalid / used / period).
- ``InvitationManager.sendInvitationLink``: with sendmail the link is mailed to the invitee, reply-to the owner.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from meetdesk.backends.openmeetings.simulator.data import HashEntry, OMUser, OpenMeetingsState
from meetdesk.backends.openmeetings.simulator.invitation_state import OMInvitation, SentMail
from meetdesk.backends.openmeetings.simulator.wire import ParamError, json_param, parse_form, service_result

Handler = Callable[[Request], Awaitable[Response]]
_VALID = ("ONE_TIME", "PERIOD", "ENDLESS")
_EARLY = timedelta(minutes=5)


class InvitationFailure(Exception):
    """performCall turning an exception into a ServiceException: 500 with the message."""


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return "" if value is None else str(value)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
                        f"</head><body>{body}</body></html>")


def _error(key: str, text: str) -> HTMLResponse:
    return _page("OpenMeetings", f'<div class="error" data-error="{key}">{html.escape(text)}</div>')


class InvitationRoutes:
    def __init__(self, state: OpenMeetingsState, user_for_sid: Callable[[Request], OMUser]) -> None:
        self.state = state
        self.book = state.invitation_book
        self._user_for_sid = user_for_sid

    async def create(self, request: Request) -> Response:
        raw = json_param(request.query_params.get("invite"), "invite")
        if raw is not None:
            # InvitationDTO.fromString: getLong("roomId") and Valid.valueOf — a failed conversion is a 404
            room_id = raw.get("roomId")
            if isinstance(room_id, bool) or not str(room_id if room_id is not None else "").lstrip("-").isdigit():
                raise ParamError(404, "invite: roomId")
            if str(raw.get("valid") or "PERIOD") not in _VALID:
                raise ParamError(404, "invite: valid")
        send_mail = request.query_params.get("sendmail", "false").lower() == "true"
        owner = self._user_for_sid(request)
        try:
            if raw is None:
                raise InvitationFailure('Cannot invoke "InvitationDTO.isPasswordProtected()" because "dto" is null')
            with self.state.lock:
                invitation = self._store(raw, owner)
        except InvitationFailure as exc:
            message = str(exc)
            return JSONResponse(service_result(message, "ERROR"), status_code=500,
                                headers={"exception": message.encode("ascii", "replace").decode()})
        if send_mail:
            self._mail(request, invitation, owner, _text(raw, "subject"), _text(raw, "message"))
        return JSONResponse(service_result(invitation.hash))

    def _store(self, raw: dict[str, Any], owner: OMUser) -> OMInvitation:
        valid = str(raw.get("valid") or "PERIOD")
        valid_from = valid_to = None
        if valid == "PERIOD":
            valid_from = self._date(_text(raw, "validFrom")) - _EARLY
            valid_to = self._date(_text(raw, "validTo"))
        protected = raw.get("passwordProtected") is True
        room_id = int(raw["roomId"])
        invitation = OMInvitation(
            hash=str(uuid.uuid4()), room_id=room_id if room_id in self.state.rooms else None,
            invitee_id=self._contact(owner, _text(raw, "email"), _text(raw, "firstname"), _text(raw, "lastname")),
            invited_by=owner.id, valid=valid, valid_from=valid_from, valid_to=valid_to,
            password=_text(raw, "password") if protected else None)
        self.book.invitations[invitation.hash] = invitation
        return invitation

    def _date(self, text: str) -> datetime:
        try:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=self.state.zone)
        except ValueError:
            raise InvitationFailure(f'java.text.ParseException: Unparseable date: "{text}"') from None

    def _contact(self, owner: OMUser, email: str, first: str, last: str) -> int:
        """``UserDao.getContact``: the owner's contact with this e-mail if there is one — names unchanged."""
        known = self.book.contacts.get((owner.id, email))
        if known is not None and known in self.state.users:
            return known
        contact = self.state.add_user(OMUser(self.state.next_id("user"), f"{owner.id}_{email}", first, last, email,
                                             rights=[], timezone=owner.timezone, type="CONTACT"))
        self.book.contacts[(owner.id, email)] = contact.id
        return contact.id

    def _link(self, request: Request, invitation: OMInvitation) -> str:
        base = str(request.base_url).rstrip("/")
        return f"{base}/openmeetings/hash?{urlencode({'invitation': invitation.hash})}"

    def _mail(self, request: Request, invitation: OMInvitation, owner: OMUser, subject: str, message: str) -> None:
        invitee = self.state.users[invitation.invitee_id]
        link = self._link(request, invitation)
        body = (f"Hello {invitee.display_name},\n{owner.display_name} has invited you to a meeting.\n"
                f"{message}\n{link}")
        with self.state.lock:
            self.book.outbox.append(SentMail(invitee.email, owner.email, subject, body, link))

    # the entry page --------------------------------------------------------------------------
    def entry_page(self, secure_page: Handler) -> Handler:
        """``/openmeetings/hash``: ``invitation=`` is handled here, ``secure=`` by the existing page."""

        async def page(request: Request) -> Response:
            code = request.query_params.get("invitation")
            if code is None:
                return await secure_page(request)
            return await self._enter(request, code)

        return page

    async def _enter(self, request: Request, code: str) -> Response:
        password = None
        if request.method == "POST":
            password = parse_form(await request.body(), request.headers.get("content-type", "")).get("password")
        with self.state.lock:
            invitation = self.book.invitations.get(code)
            if invitation is None:
                return _error("error.hash.invalid", "This invitation is not valid.")
            refusal = self._refusal(invitation)
            if refusal is not None:
                return refusal
            room = self.state.rooms.get(invitation.room_id) if invitation.room_id is not None else None
            if room is None:
                return _error("invalid.hash", "The room of this invitation does not exist.")
            if invitation.password is not None and password != invitation.password:
                wrong = password is not None
                return _page(html.escape(room.name), (
                    f'<form method="post" data-error="{"error.password" if wrong else ""}">'
                    "<label>Password <input type=\"password\" name=\"password\"></label>"
                    "<button>Enter</button></form>"))
            if invitation.valid == "ONE_TIME":
                invitation.used = True
            user = self.state.users[invitation.invitee_id]
            if user.id not in room.present:
                room.present.append(user.id)
            self.state.entries.append(HashEntry(invitation.hash, room.id, user.id, False,
                                                request.query_params.get("language", "1")))
        body = (f'<main id="room" data-room-id="{room.id}" data-user-id="{user.id}" data-role="participant">'
                f"<h1>{html.escape(room.name)}</h1>"
                f"<p>Welcome, {html.escape(user.display_name)}. You enter as participant.</p></main>")
        return _page(f"{html.escape(room.name)} - OpenMeetings", body)

    def _refusal(self, invitation: OMInvitation) -> HTMLResponse | None:
        if invitation.valid == "ONE_TIME" and invitation.used:
            return _error("error.hash.used", "This invitation has already been used.")
        if invitation.valid == "PERIOD" and invitation.valid_from and invitation.valid_to:
            now = self.book.now()
            if not invitation.valid_from < now < invitation.valid_to:
                zone = self.state.zone
                return _error("error.hash.period", (
                    f"This invitation is valid only from {invitation.valid_from.astimezone(zone):%Y-%m-%d %H:%M} "
                    f"to {invitation.valid_to.astimezone(zone):%Y-%m-%d %H:%M}, {self.state.zone}."))
        return None
