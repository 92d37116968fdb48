"""OpenMeetings invitations (``POST room/hash``): personal links that work during a meeting's time window.

Read from the real server (apache/openmeetings HEAD 32adbc8e):
- ``openmeetings-webservice/.../RoomWebService.java`` ``hash``: ``invite`` (an InvitationDTO as JSON) and
  ``sendmail`` are **query** parameters of a POST; the answer is a ServiceResult carrying the hash.
- ``openmeetings-db/.../mapper/RoomMapper.java`` ``get(InvitationDTO, userId)``: ``validFrom``/``validTo`` are
  ``yyyy-MM-dd HH:mm:ss`` parsed in the server's own (JVM) time zone, ``validFrom`` moved 5 minutes earlier;
  the invitee is ``UserDao.getContact(email, …, owner)`` — an existing contact with the same e-mail is reused,
  names and all. So every invitation needs the person's own e-mail address, or it admits someone else.
- ``openmeetings-web/.../app/Application.java`` ``getInvitationLink``: the link is ``hash?invitation=<hash>``.
- ``openmeetings-db/.../dao/room/InvitationDao.java`` ``getByHash``: a PERIOD invitation admits between
  validFrom and validTo, again and again (only ONE_TIME ones are marked used).
An invitation carries no moderator flag (the invitee gets the ROOM right only), so a moderator's link ahead of
time is a reusable ``user/hash`` link instead (its SID is made permanent by the server).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlencode

from meetdesk.backends.http import json_body
from meetdesk.backends.openmeetings import wire as omj
from meetdesk.backends.openmeetings.rooms import OpenMeetingsRooms
from meetdesk.backends.openmeetings.session import dump_json
from meetdesk.domain.errors import ProtocolError, ValidationError
from meetdesk.domain.models import JoinLink, JoinRequest, LinkPolicy, Role

log = logging.getLogger("meetdesk.backends.openmeetings")

#: RoomMapper.SDF — no zone in the text: the server reads it in its own time zone
_VALID_FORMAT = "%Y-%m-%d %H:%M:%S"
#: RoomMapper lets a PERIOD invitation in this much before its validFrom
_EARLY = timedelta(minutes=5)

INVITATION_POLICY = LinkPolicy(
    lifetime=None, single_use=False, per_person=True, role_bearing=False, valid_window=True,
    made_at_join_time=False,
    summary="OpenMeetings invitations: one personal link per e-mail address, working from 5 minutes before the "
            "meeting until its end; they carry no moderator role (moderators get a reusable join link).",
)


def _split_name(display_name: str) -> tuple[str, str]:
    first, _, last = display_name.strip().partition(" ")
    return first, last.strip()


async def create_invitation(provider: OpenMeetingsRooms, request: JoinRequest, valid_from: datetime,
                            valid_to: datetime, *, password: str = "", send_mail: bool = False, subject: str = "",
                            message: str = "") -> JoinLink:
    """One ``room/hash`` invitation for ``request``'s person, valid from ``valid_from`` to ``valid_to``."""
    display_name = request.display_name.strip()
    if not display_name:
        raise ValidationError("Enter the participant's name.", field="display_name")
    email = request.email.strip()
    if not email or "@" not in email:
        raise ValidationError(
            "An OpenMeetings invitation needs the person's e-mail address (the server tells invitees apart by it).",
            field="email")
    if valid_to <= valid_from:
        raise ValidationError("The invitation must end after it starts.", field="valid_to")
    room = await provider._room_dto(request.room_id)  # the server stores a null room without complaint
    room_id = omj.req_id(room, "reading a room", "room")
    zone = provider._zone
    firstname, lastname = _split_name(display_name)
    invite: dict[str, object] = {
        "roomId": int(room_id), "firstname": firstname, "lastname": lastname, "email": email,
        "valid": "PERIOD", "validFrom": valid_from.astimezone(zone).strftime(_VALID_FORMAT),
        "validTo": valid_to.astimezone(zone).strftime(_VALID_FORMAT),
        "subject": subject, "message": message, "passwordProtected": bool(password),
    }
    if password:
        invite["password"] = password
    call = "creating the invitation (room/hash)"
    response = await provider._call("POST", "services/room/hash", call,
                                    params={"invite": dump_json(invite), "sendmail": "true" if send_mail else "false"})
    if response.status_code == 200:
        result = omj.service_result(json_body(response, call), call)
        if not result.ok:
            raise ValidationError(f"OpenMeetings refused the invitation: {result.message}.", field="email")
    else:
        result = omj.service_result(provider._answer(response, call), call)
    if not result.message:
        raise ProtocolError(f"OpenMeetings answered {call} without a hash.")
    base = provider.normalize_base_url(provider.profile.base_url)
    query = {"invitation": result.message}
    language = str(request.options.get("language") or "")
    if language:
        query["language"] = language
    opens = valid_from.astimezone(zone) - _EARLY
    note = (f"Works from {opens:%d %b %H:%M} until {valid_to.astimezone(zone):%H:%M} "
            f"({provider._zone_name}: OpenMeetings reads these times in its own time zone, so the profile's "
            "time zone must be the server's)")
    note += ", with the password." if password else ", as often as needed."
    if send_mail:
        note += " OpenMeetings e-mailed it to the invitee."
    return JoinLink(url=f"{base}/hash?{urlencode(query)}", room_id=room_id, display_name=display_name,
                    role=Role.ATTENDEE, expires_at=valid_to, single_use=False, note=note)
