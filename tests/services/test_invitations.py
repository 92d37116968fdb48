"""Invitation services without a server: the participant list, the template, the store, the reminder clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from meetdesk.domain.errors import ConfigError, ValidationError
from meetdesk.domain.models import JoinLink, Meeting, Role
from meetdesk.services.bulk_links import LinkResult, ParticipantRow, export_csv, parse_participants
from meetdesk.services.invitation_store import InvitationStore, Invitee, PlannedMeeting
from meetdesk.services.invitations import (
    DEFAULT_TEMPLATE,
    LINK_AT_JOIN_TIME,
    check_template,
    render,
    render_for_meeting,
)
from meetdesk.services.reminders import ReminderSchedule, upcoming

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)


def meeting(title: str, start: datetime, minutes: int = 60, *, kind: str = "openmeetings", mid: str = "1",
            profile: str = "OM") -> Meeting:
    return Meeting(id=mid, title=title, start=start, end=start + timedelta(minutes=minutes), profile=profile,
                   kind=kind, room_id="7", owner="Coordinator", timezone="Europe/Berlin")


def test_participants_with_header_in_any_order_and_bad_rows_reported() -> None:
    rows, problems = parse_participants(
        "\ufeffRole;E-Mail;Name\nmoderator;ada@example.org;Ada Lovelace\n;grace@example.org;Grace Hopper\n"
        "boss;x@example.org;Bad Role\nattendee;no-at-sign;Bad Mail\nattendee;y@example.org;\n\n")
    assert [(r.line, r.name, r.email, r.role) for r in rows] == [
        (2, "Ada Lovelace", "ada@example.org", Role.MODERATOR), (3, "Grace Hopper", "grace@example.org", Role.ATTENDEE)]
    assert [p.line for p in problems] == [4, 5, 6]
    assert "boss" in problems[0].text and "e-mail" in problems[1].text and "no name" in problems[2].text


def test_participants_without_header_and_user_ids() -> None:
    rows, problems = parse_participants("Ann,ann@example.org,host,u-1\nBo,bo@example.org\n")
    assert not problems
    assert [(r.name, r.role, r.user_id) for r in rows] == [("Ann", Role.MODERATOR, "u-1"), ("Bo", Role.ATTENDEE, "")]


def test_export_keeps_the_input_order_and_the_reasons() -> None:
    link = JoinLink(url="https://x/a", room_id="7", display_name="Ann", expires_at=T0)
    text = export_csv([LinkResult(ParticipantRow(3, "Bo"), error="refused"),
                       LinkResult(ParticipantRow(2, "Ann", "ann@example.org"), link=link)])
    assert text.splitlines() == ["name,email,role,link,valid_until,error",
                                 "Ann,ann@example.org,attendee,https://x/a,2030-05-06T08:00+00:00,",
                                 "Bo,,attendee,,,refused"]


def test_template_lines_without_values_disappear_and_html_links() -> None:
    text = render_for_meeting(DEFAULT_TEMPLATE, meeting("Board", T0), password="pw")
    assert "Password: pw" in text.plain and "Join:" not in text.plain and "Dial-in" not in text.plain
    assert "Monday, 06 May 2030, 10:00 – 11:00 (Europe/Berlin)" in text.plain
    values = {"title": "A & B", "link": "https://x/?a=1&b=2", "start": "", "end": "", "zone": "", "password": "",
              "organiser": "", "dial_in": ""}
    rendered = render("{title}\nJoin: {link}", values)
    assert 'A &amp; B' in rendered.html and '<a href="https://x/?a=1&amp;b=2">' in rendered.html
    mail = urlsplit(rendered.mailto(["a@example.org"]))
    assert mail.scheme == "mailto" and mail.path == "a@example.org"
    assert parse_qs(mail.query)["body"] == ["A & B\r\nJoin: https://x/?a=1&b=2\r\n"]


def test_plugnmeet_invitation_says_when_the_link_comes() -> None:
    text = render_for_meeting(DEFAULT_TEMPLATE, meeting("Seminar", T0, kind="plugnmeet"))
    assert LINK_AT_JOIN_TIME in text.plain


def test_template_errors_name_the_placeholder() -> None:
    with pytest.raises(ValidationError, match="titel"):
        check_template("Hello {titel}")
    with pytest.raises(ValidationError, match="brace"):
        check_template("Hello {")


def test_store_round_trip_and_a_bad_entry_skipped(tmp_path: Path) -> None:
    path = tmp_path / "invitations.json"
    store = InvitationStore(path)
    store.set_template("OM", "Hi {title}")
    plan = PlannedMeeting("Campus", "room-1", "Seminar", T0, T0 + timedelta(hours=1), (Invitee("Ann", "a@x.org"),))
    store.plan(plan)
    store.set_tray(reminder_minutes=5, keep_in_tray=True)
    again = InvitationStore(path)
    assert again.template("OM") == "Hi {title}" and again.template("Other") == DEFAULT_TEMPLATE
    assert again.planned() == [plan] and again.tray.keep_in_tray and again.tray.reminder_minutes == 5
    assert "password" not in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace('"room_id": "room-1"', '"room": 1'), encoding="utf-8")
    broken = InvitationStore(path)
    assert broken.planned() == [] and broken.warnings
    path.write_text("{nope", encoding="utf-8")
    unreadable = InvitationStore(path)
    assert unreadable.template("OM") == DEFAULT_TEMPLATE and unreadable.warnings
    with pytest.raises(ConfigError, match="does not overwrite"):
        unreadable.set_tray(keep_in_tray=True)
    assert path.read_text(encoding="utf-8") == "{nope"


def test_upcoming_day_and_reminders_fire_once_with_a_fake_clock() -> None:
    now = [T0]
    soon = meeting("Soon", T0 + timedelta(minutes=30))
    later = meeting("Later", T0 + timedelta(hours=23), mid="2")
    tomorrow = meeting("Too far", T0 + timedelta(hours=25), mid="3")
    running = meeting("Running", T0 - timedelta(minutes=10), mid="4")
    plan = PlannedMeeting("Campus", "seminar", "Seminar", T0 + timedelta(hours=2), T0 + timedelta(hours=3),
                          (Invitee("Ann"),))
    members = PlannedMeeting("OM", "7", "Soon", soon.start, soon.end, (Invitee("Bo", "bo@x.org"),), meeting_id="1")
    items = upcoming([soon, later, tomorrow, running], [plan, members], now[0])
    assert [i.title for i in items] == ["Running", "Soon", "Seminar", "Later"]
    assert items[1].invitees == (Invitee("Bo", "bo@x.org"),)
    schedule = ReminderSchedule(15, now=lambda: now[0])
    assert schedule.due(items) == []
    assert schedule.next_due(items) == soon.start - timedelta(minutes=15)
    now[0] = T0 + timedelta(minutes=15)
    assert [i.title for i in schedule.due(items)] == ["Soon"]
    assert schedule.due(items) == []  # once
    now[0] = T0 + timedelta(hours=1, minutes=50)
    assert [i.title for i in schedule.due(items)] == ["Seminar"]


@pytest.mark.asyncio
async def test_fresh_links_at_the_reminder_name_each_invitee(tmp_path: Path) -> None:
    """plugNmeet: the remembered list becomes fresh tokens when the reminder asks for them."""
    import jwt

    from meetdesk.backends.base import create_provider
    from meetdesk.domain.models import Profile
    from meetdesk.services.reminders import Upcoming, fresh_links
    from meetdesk.simulators.host import SimulatorHost, build_simulator

    definition = build_simulator("plugnmeet", seed=False)
    definition.state.add_room("seminar", "Seminar")
    with SimulatorHost.for_definition(definition) as host:
        provider = create_provider(Profile("Campus", "plugnmeet", host.base_url, dict(definition.fields)),
                                   definition.secret)
        try:
            item = Upcoming("Campus", "Seminar", T0, T0 + timedelta(hours=1), "seminar",
                            invitees=(Invitee("Ann Example"), Invitee("Bo Host", moderator=True)))
            results = await fresh_links(provider, item)
        finally:
            await provider.aclose()
    claims = [jwt.decode(r.link.url.split("access_token=")[1], definition.secret, algorithms=["HS256"])
              for r in results if r.link is not None]
    assert [(c["name"], c.get("is_admin", False)) for c in claims] == [("Ann Example", False), ("Bo Host", True)]


def test_password_and_dial_in_come_from_the_meeting_when_the_back_end_has_them() -> None:
    from dataclasses import replace

    with_numbers = replace(meeting("Call", T0), extra={"guest_password": "4711", "dial_in": "+49 30 1234"})
    text = render_for_meeting(DEFAULT_TEMPLATE, with_numbers)
    assert "Password: 4711" in text.plain and "Dial-in: +49 30 1234" in text.plain
