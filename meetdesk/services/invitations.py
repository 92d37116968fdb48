"""Invitation text: a per-profile template with placeholders, rendered as plain text, HTML and a ``mailto:`` URL.

Placeholders: ``{title} {start} {end} {zone} {link} {password} {organiser} {dial_in}``. A line whose
placeholders all came out empty is left out, so "Password: {password}" disappears when there is none.
Templates are kept by :mod:`meetdesk.services.invitation_store` (no secrets: a meeting password is filled in
when the invitation is rendered, never stored).
"""

from __future__ import annotations

import html
import logging
import re
import string
from dataclasses import dataclass
from datetime import datetime, tzinfo
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from meetdesk.backends.base import provider_class
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import JoinLink, LinkPolicy, Meeting

log = logging.getLogger("meetdesk.services.invitations")

PLACEHOLDERS = ("title", "start", "end", "zone", "link", "password", "organiser", "dial_in")
DEFAULT_TEMPLATE = """You are invited to “{title}”.

When: {start} – {end} ({zone})
Join: {link}
Password: {password}
Dial-in: {dial_in}

See you there,
{organiser}"""
#: Meeting.extra keys a back end fills for {password} and {dial_in}
EXTRA_PASSWORD = "guest_password"
EXTRA_DIAL_IN = "dial_in"
#: what {link} says when the back end's links are made at join time (plugNmeet)
LINK_AT_JOIN_TIME = "your personal link follows shortly before the meeting starts"
_LINK = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class InvitationText:
    subject: str
    plain: str
    html: str

    def mailto(self, to: list[str] | tuple[str, ...] = ()) -> str:
        """A ``mailto:`` URL with subject and body (RFC 6068: percent-encoded, CRLF line breaks)."""
        recipients = ",".join(quote(a, safe="@") for a in to)
        body = self.plain.replace("\r\n", "\n").replace("\n", "\r\n")
        return f"mailto:{recipients}?subject={quote(self.subject, safe='')}&body={quote(body, safe='')}"


def check_template(template: str) -> str:
    """The template if every ``{name}`` in it is a known placeholder; else a ValidationError naming it."""
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValidationError(f"The invitation template has a stray brace: {exc}.", field="template",
                              hint="Write {{ or }} for a literal brace.") from None
    unknown = sorted({n for n in names if n not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise ValidationError(f"The invitation template uses unknown placeholders: {', '.join(unknown)}.",
                              field="template", hint=f"Known placeholders: {known}.")
    return template


def _when(moment: datetime, zone: tzinfo | None) -> str:
    local = moment.astimezone(zone) if zone is not None else moment
    return local.strftime("%A, %d %B %Y, %H:%M")


def _meeting_zone(meeting: Meeting) -> tzinfo | None:
    """The meeting's named zone (its times are shown there), else the zone its start carries."""
    if meeting.timezone:
        try:
            return ZoneInfo(meeting.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return meeting.start.tzinfo


def invitation_values(meeting: Meeting, *, link: JoinLink | None = None, policy: LinkPolicy | None = None,
                      password: str = "", organiser: str = "", dial_in: str = "") -> dict[str, str]:
    """The placeholder values for ``meeting``; without a link, {link} explains when the link comes (plugNmeet)."""
    zone = _meeting_zone(meeting)
    zone_name = meeting.timezone or (str(zone) if zone is not None else "")
    if link is not None:
        link_text = link.url
    elif policy is not None and policy.made_at_join_time:
        link_text = LINK_AT_JOIN_TIME
    else:
        link_text = ""
    end = meeting.end.astimezone(zone).strftime("%H:%M") if meeting.end.date() == meeting.start.date() \
        else _when(meeting.end, zone)
    # a back end that knows them puts the guest password and dial-in numbers into Meeting.extra
    password = password or str(meeting.extra.get(EXTRA_PASSWORD) or "")
    dial_in = dial_in or str(meeting.extra.get(EXTRA_DIAL_IN) or "")
    return {"title": meeting.title, "start": _when(meeting.start, zone), "end": end, "zone": zone_name,
            "link": link_text, "password": password, "organiser": organiser or meeting.owner, "dial_in": dial_in}


def render(template: str, values: dict[str, str], *, subject: str = "") -> InvitationText:
    check_template(template)
    formatter = string.Formatter()
    plain_lines: list[str] = []
    html_lines: list[str] = []
    for line in template.split("\n"):
        parts = list(formatter.parse(line))
        names = [n for _t, n, _s, _c in parts if n is not None]
        if names and not any(values.get(n, "") for n in names):
            continue
        plain_lines.append(line.format_map({n: values.get(n, "") for n in PLACEHOLDERS}))
        html_parts = []
        for literal, name, _spec, _conv in parts:
            html_parts.append(html.escape(literal))
            if name is not None:
                html_parts.append(_linkify(values.get(name, "")))
        html_lines.append("".join(html_parts))
    plain = re.sub(r"\n{3,}", "\n\n", "\n".join(plain_lines)).strip() + "\n"
    body = "<br>\n".join(html_lines).strip()
    return InvitationText(subject=subject or values.get("title", ""), plain=plain,
                          html=f"<html><body><p>{body}</p></body></html>")


def _linkify(value: str) -> str:
    out, last = [], 0
    for match in _LINK.finditer(value):
        out.append(html.escape(value[last:match.start()]))
        url = html.escape(match.group(0), quote=True)
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(html.escape(value[last:]))
    return "".join(out)


def render_for_meeting(template: str, meeting: Meeting, *, link: JoinLink | None = None, password: str = "",
                       organiser: str = "", dial_in: str = "") -> InvitationText:
    policy = _policy(meeting.kind)
    values = invitation_values(meeting, link=link, policy=policy, password=password, organiser=organiser,
                               dial_in=dial_in)
    return render(template, values)


def _policy(kind: str) -> LinkPolicy | None:
    try:
        return provider_class(kind).link_policy if kind else None
    except (ValidationError, ImportError, AttributeError):
        return None
