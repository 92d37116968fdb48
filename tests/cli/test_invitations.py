"""``links``, ``invitation`` and ``link --qr`` in-process against the simulators over loopback HTTP."""

from __future__ import annotations

import csv
import io
import os
import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import icalendar
import jwt
import pytest

from meetdesk.services.secret_store import MemoryKeyring
from tests.cli.support import Run, Sim, run_in_process, simulator

Cli = Callable[..., Run]
PEOPLE = [(f"Person{i:02d} Example", f"person{i:02d}@example.org", "moderator" if i == 0 else "attendee")
          for i in range(20)]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str, stdin: str = "") -> Run:
        return run_in_process(capsys, *args, stdin=stdin)

    return run


@pytest.fixture
def om() -> Iterator[Sim]:
    with simulator("openmeetings", tls=True) as sim:
        yield sim


@pytest.fixture
def plugnmeet() -> Iterator[Sim]:
    with simulator("plugnmeet") as sim:
        yield sim


def add(cli: Cli, sim: Sim, name: str, *extra: str) -> None:
    result = cli(*sim.add_args(name), *extra, stdin=sim.secret + "\n")
    assert result.code == 0, result


def write_list(path: Path, rows: list[tuple[str, str, str]], *, bad: bool = True) -> Path:
    lines = ["name,email,role"] + [",".join(r) for r in rows]
    if bad:
        lines += [",nobody@example.org,attendee", "Zed Unknown,zed@example.org,superstar"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def decode_qr(path: Path) -> str:
    if shutil.which("zbarimg") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("zbarimg is missing: .ci/run installs the Debian package zbar-tools")
        pytest.skip("zbarimg (Debian: zbar-tools) is not installed")
    proc = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, timeout=30,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_links_for_an_openmeetings_meeting_each_admit_their_own_person(
        cli: Cli, om: Sim, memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    add(cli, om, "OM", "--field", "timezone=Europe/Berlin")
    meeting = next(m for m in cli("meetings", "OM", "--json").json() if m["title"] == "Partner webinar")
    out = tmp_path / "links.csv"
    run = cli("links", "OM", "--meeting", meeting["id"], "--csv", str(write_list(tmp_path / "people.csv", PEOPLE)),
              "--out", str(out), "--json")
    assert run.code == 1, run  # two bad rows: reported, after writing the others
    results = run.json()
    good = [r for r in results if r["ok"]]
    assert len(good) == 20
    assert {r["line"]: r["error"] for r in results if not r["ok"]} == {
        22: "Line 22: the participant has no name.",
        23: "Line 23: “superstar” is not a role meetdesk knows (use attendee or moderator)."}
    assert "Line 22" in run.err and "Line 23" in run.err
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["name"] for r in exported[:20]] == [p[0] for p in PEOPLE]
    assert all(r["link"] for r in exported[:20]) and exported[21]["error"]
    # invitations work until the meeting is over; the moderator's reusable link has no end of its own
    assert all(r["valid_until"] for r in exported[1:20]) and not exported[0]["valid_until"]
    # at the meeting's time, every link lets in exactly the person it was made for
    start = datetime.fromisoformat(meeting["start"])
    om.definition.state.invitation_book.now = lambda: start
    with httpx.Client(verify=ssl.create_default_context(cafile=om.host.ca_file)) as client:
        for (name, _email, role), result in zip(PEOPLE, good, strict=True):
            page = client.get(result["link"]).text
            assert f"Welcome, {name}." in page, (name, page)
            assert f'data-role="{"moderator" if role == "moderator" else "participant"}"' in page
    # the invitation's calendar file lists the people the links were made for
    ics = tmp_path / "meeting.ics"
    invitation = cli("invitation", "OM", "--meeting", meeting["id"], "--ics", str(ics), "--for", "Ada Lovelace",
                     "--email", "ada@example.org", "--organiser-email", "coordinator@example.org", "--json")
    assert invitation.code == 0, invitation
    text = invitation.json()
    assert "Partner webinar" in text["text"] and text["link"] in text["text"]
    assert f'<a href="{text["link"]}">' in text["html"].replace("&amp;", "&")
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == start and event.decoded("dtend") == datetime.fromisoformat(meeting["end"])
    assert str(event["url"]) == text["link"] and str(event["location"]) == text["link"]
    assert "Partner webinar" in str(event["description"])
    assert str(event["organizer"]) == "mailto:coordinator@example.org"
    attendees = [str(a) for a in event["attendee"]]
    assert len(attendees) == 21 and "mailto:person07@example.org" in attendees
    [zone] = cal.walk("VTIMEZONE")
    tzid = str(zone["tzid"])
    assert tzid == event["dtstart"].params["TZID"] == str(event.decoded("dtstart").tzinfo)
    assert zone.walk("STANDARD") and zone.walk("DAYLIGHT")  # Europe/Berlin's real rules, not a fixed offset
    with httpx.Client(verify=ssl.create_default_context(cafile=om.host.ca_file)) as client:
        assert "Welcome, Ada Lovelace." in client.get(text["link"]).text


def test_plugnmeet_links_name_their_person_and_role(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring,
                                                    tmp_path: Path) -> None:
    add(cli, plugnmeet, "Campus")
    room = cli("rooms", "Campus", "--json").json()[0]["id"]
    people = PEOPLE[:5]
    run = cli("links", "Campus", "--room", room, "--csv", str(write_list(tmp_path / "p.csv", people)),
              "--design", "primary_color=#004D90")
    assert run.code == 1, run
    assert "made at join time" in run.err and "2 failed" in run.err
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert len(rows) == 7
    for (name, _email, role), row in zip(people, rows, strict=False):
        token = row["link"].split("access_token=")[1].split("&")[0]
        claims = jwt.decode(token, plugnmeet.secret, algorithms=["HS256"], options={"verify_aud": False})
        assert claims["name"] == name and claims.get("is_admin", False) is (role == "moderator")  # omitempty
        assert claims["room_id"] == room and "custom_design=" in row["link"]
        assert row["valid_until"]  # the token's exp


def test_links_reads_a_paste_from_stdin_and_refuses_bad_input(cli: Cli, plugnmeet: Sim,
                                                              memory_keyring: MemoryKeyring,
                                                              tmp_path: Path) -> None:
    add(cli, plugnmeet, "Campus")
    room = cli("rooms", "Campus", "--json").json()[0]["id"]
    paste = "Ann Example\tann@example.org\tattendee\nBo Example\tbo@example.org\tmoderator\n"
    run = cli("links", "Campus", "--room", room, "--csv", "-", "--json", stdin=paste)
    assert run.code == 0, run
    assert [r["name"] for r in run.json()] == ["Ann Example", "Bo Example"]
    missing = cli("links", "Campus", "--room", room, "--csv", str(tmp_path / "none.csv"))
    assert missing.code == 2 and "no participant list" in missing.err
    empty = cli("links", "Campus", "--room", room, "--csv", "-", stdin="\n")
    assert empty.code == 2 and "empty" in empty.err
    assert cli("links", "Campus", "--meeting", "x", "--csv", "-", stdin=paste).code == 2  # no meetings


def test_link_qr_decodes_to_the_link(cli: Cli, om: Sim, memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    add(cli, om, "OM")
    room = cli("rooms", "OM", "--json").json()[0]["id"]
    for name in ("link.png", "link.svg"):
        run = cli("link", "OM", "--room", room, "--name", "Jana Novak", "--qr", str(tmp_path / name))
        assert run.code == 0, run
        url = run.out.splitlines()[0]
        if name.endswith(".png"):
            assert decode_qr(tmp_path / name) == url
        else:
            svg = (tmp_path / name).read_text(encoding="utf-8")
            assert svg.startswith("<?xml") and "<svg" in svg
    bad = cli("link", "OM", "--room", room, "--name", "Jana", "--qr", str(tmp_path / "link.gif"))
    assert bad.code == 2 and ".png or .svg" in bad.err


def test_invitation_text_is_rendered_without_empty_lines(cli: Cli, om: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, om, "OM")
    meeting = next(m for m in cli("meetings", "OM", "--json").json() if m["room"])
    run = cli("invitation", "OM", "--meeting", meeting["id"])
    assert run.code == 0, run
    assert meeting["title"] in run.out and "Password:" not in run.out and "Join:" not in run.out
    assert f"({meeting['timezone']})" in run.out


def test_a_saved_template_is_used_and_a_wrong_one_refused(cli: Cli, om: Sim, memory_keyring: MemoryKeyring,
                                                          tmp_path: Path) -> None:
    add(cli, om, "OM")
    meeting = next(m for m in cli("meetings", "OM", "--json").json() if m["room"])
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("Dear {name}, come to {title}", encoding="utf-8")
    refused = cli("invitation", "OM", "--save-template", str(wrong))
    assert refused.code == 2 and "unknown placeholders: name" in refused.err
    good = tmp_path / "good.txt"
    good.write_text("Kommen Sie zu {title}!\nPasswort: {password}\n", encoding="utf-8")
    assert cli("invitation", "OM", "--save-template", str(good)).code == 0
    run = cli("invitation", "OM", "--meeting", meeting["id"])
    assert run.out == f"Kommen Sie zu {meeting['title']}!\n", run
    assert cli("invitation", "OM").code == 2  # neither a meeting nor a template
