"""The CLI in-process (run_cli with captured output) against real simulators over loopback HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest

from meetdesk.cli.invocation import is_cli_invocation
from meetdesk.domain.models import Profile
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import SERVICE, MemoryKeyring
from tests.cli.support import Run, Sim, closed_port, files_containing, run_in_process, simulator

Cli = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str, stdin: str = "") -> Run:
        return run_in_process(capsys, *args, stdin=stdin)

    return run


@pytest.fixture
def plugnmeet() -> Iterator[Sim]:
    with simulator("plugnmeet") as sim:
        yield sim


@pytest.fixture
def axis() -> Iterator[Sim]:
    with simulator("openmeetings-axis") as sim:
        yield sim


@pytest.fixture
def failing_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def add(cli: Cli, sim: Sim, name: str = "Campus", secret: str | None = None) -> Run:
    result = cli(*sim.add_args(name), stdin=(sim.secret if secret is None else secret) + "\n")
    assert result.code == 0, result
    return result


def assert_error(result: Run, code: int, kind: str | None = None, *, says: str = "") -> dict[str, Any]:
    """An error is one readable sentence on stderr, never a traceback; with --json also an object on stdout."""
    assert result.code == code, result
    assert "Traceback" not in result.err and "Traceback" not in result.out
    assert result.err.startswith("Error: "), result
    assert says.lower() in result.err.lower(), result
    if kind is None:
        return {}
    error = result.json()["error"]
    assert error["type"] == kind
    assert error["message"] and error["message"] in result.err
    assert set(error) >= {"type", "message", "hint"}
    return dict(error)


# invocation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    ([], False),
    (["--demo"], False),
    (["--version"], True),
    (["--help"], True),
    (["-h"], True),
    (["rooms", "Campus"], True),
    (["profile", "list"], True),
    (["--json", "providers"], True),
    (["--debug", "check", "x"], True),
    (["roms"], True),  # a typo gets a usage error, not a window
])
def test_is_cli_invocation(args: list[str], expected: bool) -> None:
    assert is_cli_invocation(args) is expected


def test_version_and_help(cli: Cli) -> None:
    version = cli("--version")
    assert version.code == 0 and version.out.strip() == "meetdesk 0.1.0"
    helped = cli("--help")
    assert helped.code == 0
    for command in ("providers", "profile", "check", "rooms", "meetings", "link", "room", "meeting", "recordings",
                    "preset", "Exit codes"):
        assert command in helped.out


def test_usage_errors_exit_2_with_json(cli: Cli) -> None:
    assert_error(cli("rooms"), 2, says="required")
    error = assert_error(cli("rooms", "--json"), 2, "UsageError", says="required")
    assert "--help" in error["hint"]
    assert_error(cli("roms"), 2, says="invalid choice")


# providers -----------------------------------------------------------------------------------------


def test_providers_json_lists_fields_and_capabilities(cli: Cli) -> None:
    result = cli("providers", "--json")
    assert result.code == 0, result
    kinds = {p["kind"]: p for p in result.json()}
    assert "plugnmeet" in kinds
    plug = kinds["plugnmeet"]
    secret_fields = [f for f in plug["connection_fields"] if f["secret"]]
    assert len(secret_fields) == 1
    assert {"list_rooms", "create_room", "join_link", "custom_design"} <= set(plug["capabilities"])
    assert "update_room" not in plug["capabilities"]
    assert any(o["key"] == "max_participants" and o["kind"] == "int" for o in plug["room_options"])


def test_providers_text_and_unknown_kind(cli: Cli) -> None:
    text = cli("providers", "plugnmeet")
    assert text.code == 0 and "room options (--option KEY=VALUE)" in text.out and "max_participants" in text.out
    assert_error(cli("providers", "zoomish", "--json"), 2, "ValidationError", says="Unknown back-end kind")


# profiles and the keyring --------------------------------------------------------------------------


def test_profile_add_list_show_remove_keeps_secret_in_keyring_only(
        cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring, isolated_config: Path) -> None:
    added = cli(*plugnmeet.add_args("Campus"), "--json", stdin=plugnmeet.secret + "\n")
    assert added.code == 0, added
    profile = added.json()
    assert profile["name"] == "Campus" and profile["kind"] == "plugnmeet"
    assert profile["base_url"] == plugnmeet.host.base_url
    assert profile["secret_stored"] is True
    assert memory_keyring.get_password(SERVICE, "Campus") == plugnmeet.secret
    assert plugnmeet.secret not in added.out + added.err
    assert (isolated_config / "profiles.json").is_file()
    assert files_containing(isolated_config, plugnmeet.secret) == []

    listed = cli("profile", "list", "--json")
    assert [p["name"] for p in listed.json()] == ["Campus"]
    table = cli("profile", "list")
    assert "Campus" in table.out and "plugnmeet" in table.out and plugnmeet.host.base_url in table.out
    shown = cli("profile", "show", "Campus", "--json")
    assert shown.json()["secret_stored"] is True and shown.json()["fields"] == plugnmeet.definition.fields
    assert "stored in the keyring" in cli("profile", "show", "Campus").out
    for run in (listed, table, shown):
        assert plugnmeet.secret not in run.out + run.err

    removed = cli("profile", "remove", "Campus", "--json")
    assert removed.code == 0 and removed.json() == {"name": "Campus", "removed": True}
    assert memory_keyring.get_password(SERVICE, "Campus") is None
    assert cli("profile", "list", "--json").json() == []
    assert_error(cli("profile", "show", "Campus", "--json"), 4, "NotFoundError")


def test_profile_add_refuses_secret_in_argv_and_unknown_fields(
        cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    args = plugnmeet.add_args("Campus")
    assert_error(cli(*args, "--field", "api_secret=hunter2", "--json", stdin="x\n"), 2, "ValidationError",
                 says="command line")
    assert_error(cli(*args, "--field", "colour=blue", stdin="x\n"), 2, says="Known fields: api_key")
    assert_error(cli(*args, "--field", "novalue", stdin="x\n"), 2, says="KEY=VALUE")
    assert cli("profile", "list", "--json").json() == []
    assert memory_keyring.get_password(SERVICE, "Campus") is None


def test_profile_add_without_stdin_secret_and_no_terminal_explains_secret_stdin(
        cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    args = [a for a in plugnmeet.add_args("Campus") if a != "--secret-stdin"]
    assert_error(cli(*args), 2, says="--secret-stdin")
    assert_error(cli(*plugnmeet.add_args("Campus"), stdin=""), 2, says="standard input")
    assert cli("profile", "list", "--json").json() == []


def test_profile_add_validates_through_the_store(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    base = ["profile", "add", "Campus", "--provider", "plugnmeet", "--field", "api_key=k", "--secret-stdin"]
    assert_error(cli(*base, "--url", "not a url", stdin="s\n"), 2, says="Server URL")
    assert_error(cli(*base, "--url", "https://x.example", "--ca-file", "/nope.pem", stdin="s\n"), 2,
                 says="CA file")
    no_key = ["profile", "add", "Campus", "--provider", "plugnmeet", "--url", "https://x.example", "--secret-stdin"]
    assert_error(cli(*no_key, stdin="s\n"), 2, says="API key is required")
    assert memory_keyring.get_password(SERVICE, "Campus") is None
    add(cli, plugnmeet)
    assert_error(cli(*plugnmeet.add_args("Campus"), stdin="s\n"), 2, says="already exists")
    assert memory_keyring.get_password(SERVICE, "Campus") == plugnmeet.secret  # the first one's secret is kept


def test_profile_add_with_unusable_keyring_saves_nothing(
        cli: Cli, plugnmeet: Sim, failing_keyring: None, isolated_config: Path) -> None:
    result = cli(*plugnmeet.add_args("Campus"), "--json", stdin=plugnmeet.secret + "\n")
    error = assert_error(result, 1, "SecretStoreError", says="keyring is not available")
    assert "keyring" in error["hint"]
    assert cli("profile", "list", "--json").json() == []
    assert files_containing(isolated_config, plugnmeet.secret) == []


def test_check_with_unusable_keyring_reports_missing_secret(
        cli: Cli, plugnmeet: Sim, failing_keyring: None) -> None:
    store = ProfileStore()
    store.load()
    store.add(Profile("Campus", "plugnmeet", plugnmeet.host.base_url, dict(plugnmeet.definition.fields)))
    assert_error(cli("check", "Campus", "--json"), 3, "AuthenticationError", says="keyring is not available")


# check ---------------------------------------------------------------------------------------------


def test_check_ok(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, plugnmeet)
    result = cli("check", "Campus", "--json")
    assert result.code == 0, result
    data = result.json()
    assert data["profile"] == "Campus" and data["status"] == "connected"
    assert data["server"]["product"] == "plugNmeet"
    assert data["rooms"] == len(plugnmeet.definition.state.rooms) > 0
    text = cli("check", "Campus")
    assert text.code == 0 and "connected" in text.out and "plugNmeet" in text.out


def test_check_wrong_secret_is_exit_3(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, plugnmeet, secret="not-the-secret")
    assert_error(cli("check", "Campus", "--json"), 3, "AuthenticationError")
    # a new secret fixes it, without re-creating the profile
    fixed = cli("profile", "secret", "Campus", "--secret-stdin", stdin=plugnmeet.secret + "\n")
    assert fixed.code == 0, fixed
    assert cli("check", "Campus").code == 0


def test_check_unreachable_is_exit_5(cli: Cli, memory_keyring: MemoryKeyring) -> None:
    port = closed_port()
    added = cli("profile", "add", "Gone", "--provider", "plugnmeet", "--url", f"http://127.0.0.1:{port}",
                "--field", "api_key=k", "--secret-stdin", stdin="s\n")
    assert added.code == 0, added
    assert_error(cli("check", "Gone", "--json"), 5, "UnreachableError")


def test_check_missing_secret_and_missing_profile(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, plugnmeet)
    memory_keyring.delete_password(SERVICE, "Campus")
    error = assert_error(cli("check", "Campus", "--json"), 3, "AuthenticationError", says="no saved")
    assert "meetdesk profile secret Campus" in error["hint"]
    assert_error(cli("check", "Nowhere", "--json"), 4, "NotFoundError")


# rooms, links, recordings on plugNmeet -------------------------------------------------------------


def test_rooms_json_shape_and_table(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, plugnmeet)
    result = cli("rooms", "Campus", "--json")
    assert result.code == 0, result
    rooms = result.json()
    assert rooms, "the seeded simulator has running rooms"
    for room in rooms:
        assert {"id", "name", "profile", "status", "running", "participants", "created", "extra"} <= set(room)
        assert room["profile"] == "Campus" and room["past"] is False
        if room["created"]:
            assert room["created"][-6] in "+-" or room["created"].endswith("Z")  # ISO 8601 with offset
    table = cli("rooms", "Campus")
    header = table.out.splitlines()[0]
    assert header.split()[:3] == ["ID", "NAME", "STATUS"]
    for room in rooms:
        assert room["id"] in table.out
    with_past = cli("rooms", "Campus", "--past", "--json").json()
    assert len(with_past) > len(rooms) and any(r["past"] for r in with_past)


def test_past_rooms_west_of_utc_show_a_running_room_once(
        cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    # fetchPastRooms returns running rooms too, ended = 0001-01-01T00:00:00Z (GORM drops the IsRunning: 0
    # condition in plugNmeet-server pkg/services/db/room_info.go); west of UTC that date has no local time
    import time as time_module

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time_module.tzset()
    try:
        add(cli, plugnmeet)
        result = cli("rooms", "Campus", "--past", "--json")
        assert result.code == 0, result
        rooms = result.json()
        running = set(plugnmeet.definition.state.rooms)
        assert running, "the seeded simulator has running rooms"
        for room_id in running:
            rows = [r for r in rooms if r["id"] == room_id and not r["past"]]
            assert len(rows) == 1 and rows[0]["running"] is True, rows
            # earlier sessions of the same room are past rows; the running session is not one of them
            assert all(not r["running"] and r["status"] == "ended"
                       for r in rooms if r["id"] == room_id and r["past"])
        assert any(r["past"] for r in rooms)
        assert "No rooms" not in cli("rooms", "Campus", "--past").out
    finally:
        monkeypatch.delenv("TZ")
        time_module.tzset()


def test_room_create_derives_id_then_link_and_end(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    from meetdesk.backends.plugnmeet.options import derive_room_id

    add(cli, plugnmeet)
    created = cli("room", "create", "Campus", "--name", "Übung Dienstag", "--option", "max_participants=12",
                  "--option", "allow_raise_hand=no", "--json")
    assert created.code == 0, created
    room = created.json()
    assert room["id"] == derive_room_id("Übung Dienstag") and room["name"] == "Übung Dienstag"
    assert room["profile"] == "Campus"
    assert room["options"]["allow_raise_hand"] is False  # an optional bool: 2.4's merge keeps its false
    assert plugnmeet.definition.state.rooms[room["id"]].max_participants == 12  # what the server received
    assert room["id"] in [r["id"] for r in cli("rooms", "Campus", "--json").json()]

    link = cli("link", "Campus", "--room", room["id"], "--name", "Zoë Müller", "--moderator", "--json")
    assert link.code == 0, link
    data = link.json()
    assert data["room"] == room["id"] and data["role"] == "moderator"
    assert "access_token=" in data["url"] and "custom_design" not in data["url"]
    assert {"url", "expires_at", "role", "room"} <= set(data)
    text = cli("link", "Campus", "--room", room["id"], "--name", "Guest")
    assert text.code == 0 and text.out.splitlines()[0].startswith("http")

    ended = cli("room", "end", "Campus", room["id"], "--json")
    assert ended.code == 0, ended
    assert ended.json()["action"] == "end"
    # the server ends the room after answering (pkg/models/room_end.go); once its cleanup is over it is gone
    state = plugnmeet.definition.state
    state.advance(state.end_linger + 1)
    assert room["id"] not in [r["id"] for r in cli("rooms", "Campus", "--json").json()]
    assert_error(cli("room", "end", "Campus", room["id"], "--json"), 4, "NotFoundError")


def test_link_with_design_and_preset(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, plugnmeet)
    room_id = cli("rooms", "Campus", "--json").json()[0]["id"]
    saved = cli("preset", "save", "Brand", "--design", "primary_color=#0055AA", "--design", "header_bg_color=fff",
                "--json")
    assert saved.code == 0 and saved.json() == {"name": "Brand", "design": {"primary_color": "#0055AA",
                                                                            "header_bg_color": "#FFFFFF"}}
    link = cli("link", "Campus", "--room", room_id, "--name", "Ann", "--preset", "Brand", "--design",
               "primary_color=#112233", "--json")
    assert link.code == 0, link
    url = link.json()["url"]
    assert "custom_design=" in url and "112233" in url and "FFFFFF" in url and "0055AA" not in url
    assert_error(cli("link", "Campus", "--room", room_id, "--name", "Ann", "--preset", "Nope", "--json"), 4,
                 "NotFoundError")
    assert_error(cli("link", "Campus", "--room", room_id, "--name", "Ann", "--design", "shiny=1", "--json"), 2,
                 "ValidationError")
    low = cli("link", "Campus", "--room", room_id, "--name", "Ann", "--design", "primary_btn_bg_color=#777777",
              "--design", "primary_btn_text_color=#888888")
    assert low.code == 0 and "contrast" in low.err


def test_unknown_option_is_exit_2_with_known_options(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, plugnmeet)
    before = cli("rooms", "Campus", "--json").json()
    result = cli("room", "create", "Campus", "--name", "Extra", "--option", "colour=red", "--json")
    error = assert_error(result, 2, "ValidationError", says="Unknown option “colour”")
    assert "max_participants" in error["message"]
    assert_error(cli("room", "create", "Campus", "--name", "Extra", "--option", "max_participants=lots"), 2,
                 says="whole number")
    assert cli("rooms", "Campus", "--json").json() == before
    room_id = before[0]["id"]
    assert_error(cli("link", "Campus", "--room", room_id, "--name", "A", "--option", "nope=1"), 2,
                 says="Known options")


def test_unsupported_verbs_are_refused_before_connecting(cli: Cli, memory_keyring: MemoryKeyring) -> None:
    port = closed_port()  # nothing listens: a refusal that needed the server would say "unreachable" (5)
    assert cli("profile", "add", "Gone", "--provider", "plugnmeet", "--url", f"http://127.0.0.1:{port}",
               "--field", "api_key=k", "--secret-stdin", stdin="s\n").code == 0
    for args in (["meetings", "Gone"], ["room", "update", "Gone", "r1", "--name", "x"],
                 ["room", "delete", "Gone", "r1"], ["room", "open", "Gone", "r1"], ["meeting", "cancel", "Gone", "m1"],
                 ["meeting", "create", "Gone", "--title", "T", "--start", "2030-01-01T10:00", "--end",
                  "2030-01-01T11:00"]):
        assert_error(cli(*args, "--json"), 2, "UnsupportedOperationError", says="plugNmeet does not support")


def test_recordings_json(cli: Cli, plugnmeet: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, plugnmeet)
    result = cli("recordings", "Campus", "--json")
    assert result.code == 0, result
    recordings = result.json()
    assert recordings and all({"id", "room", "name", "created", "profile"} <= set(r) for r in recordings)
    room = recordings[0]["room"]
    only = cli("recordings", "Campus", "--room", room, "--json").json()
    assert only and all(r["room"] == room for r in only)


# design presets ------------------------------------------------------------------------------------


def test_presets_roundtrip(cli: Cli) -> None:
    assert cli("preset", "list", "--json").json() == []
    assert_error(cli("preset", "save", "Bad", "--design", "primary_color=blurple", "--json"), 2, "ValidationError")
    assert cli("preset", "save", "Dark", "--design", "background_color=#000", "--design",
               "primary_color=#111111").code == 0
    listed = cli("preset", "list", "--json").json()
    assert listed == [{"name": "Dark", "design": {"background_color": "#000000", "primary_color": "#111111"}}]
    shown = cli("preset", "show", "Dark")
    assert shown.code == 0 and "#111111" in shown.out
    assert "contrast" in cli("preset", "save", "Dark", "--design", "background_color=#000",
                             "--design", "primary_color=#111111").err
    assert cli("preset", "remove", "Dark", "--json").json() == {"name": "Dark", "removed": True}
    assert_error(cli("preset", "show", "Dark", "--json"), 4, "NotFoundError")


# OpenMeetings 2.x/3.0 (rooms meetdesk remembers) ---------------------------------------------------


def test_axis_rooms_are_listed_by_the_server(cli: Cli, axis: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, axis, name="Legacy")
    before = [r["id"] for r in cli("rooms", "Legacy", "--json").json()]
    assert before == [str(i) for i in sorted(axis.definition.state.rooms)]
    created = cli("room", "create", "Legacy", "--name", "Elternabend", "--option", "capacity=40", "--json")
    assert created.code == 0, created
    room = created.json()
    assert room["name"] == "Elternabend" and room["id"]
    listed = cli("rooms", "Legacy", "--json").json()
    # RoomService/getRooms (admin account): the server's own list, not the remembered one
    assert [r["id"] for r in listed] == [*before, room["id"]] and not any(r["local_only"] for r in listed)
    assert "cannot list rooms" not in cli("rooms", "Legacy").out
    link = cli("link", "Legacy", "--room", room["id"], "--name", "Jana Novak", "--json")
    assert link.code == 0, link
    assert link.json()["url"].startswith(axis.host.base_url)
    assert_error(cli("rooms", "Legacy", "--past", "--json"), 2, "UnsupportedOperationError")
    assert_error(cli("link", "Legacy", "--room", room["id"], "--name", "J", "--design", "primary_color=#123456"),
                 2, says="custom design")


# OpenMeetings 7.x–9.x (rooms, calendar, links) -----------------------------------------------------


@pytest.fixture
def om() -> Iterator[Sim]:
    with simulator("openmeetings", tls=True) as sim:  # self-hosted with its own CA, like the demo
        yield sim


def test_om_meetings_json_shape_and_range(cli: Cli, om: Sim, memory_keyring: MemoryKeyring) -> None:
    from datetime import datetime

    add(cli, om, name="OM")
    result = cli("meetings", "OM", "--json")
    assert result.code == 0, result
    meetings = result.json()
    assert meetings
    for m in meetings:
        assert {"id", "title", "start", "end", "room", "profile"} <= set(m) and m["profile"] == "OM"
        start, end = datetime.fromisoformat(m["start"]), datetime.fromisoformat(m["end"])
        assert start.utcoffset() is not None and end > start
    assert [m["start"] for m in meetings] == sorted(m["start"] for m in meetings)
    wide = cli("meetings", "OM", "--from", "2000-01-01", "--to", "2100-12-31", "--json").json()
    assert len(wide) >= len(meetings) and {m["id"] for m in meetings} <= {m["id"] for m in wide}
    assert cli("meetings", "OM", "--from", "2000-01-01", "--to", "2000-01-02", "--json").json() == []
    assert_error(cli("meetings", "OM", "--from", "next tuesday"), 2, says="--from must be a date")
    assert_error(cli("meetings", "OM", "--from", "2030-01-02", "--to", "2030-01-01"), 2, says="later")
    table = cli("meetings", "OM")
    assert table.out.splitlines()[0].split()[:5] == ["ID", "TITLE", "START", "END", "ROOM"]


def test_om_meeting_create_update_cancel(cli: Cli, om: Sim, memory_keyring: MemoryKeyring) -> None:
    from datetime import datetime, timedelta

    add(cli, om, name="OM")
    year = datetime.now().year + 2  # a March day: Berlin is on winter time (+01:00)
    created = cli("meeting", "create", "OM", "--title", "Elternsprechtag", "--start", f"{year}-03-07T10:00",
                  "--end", f"{year}-03-07T11:30", "--timezone", "Europe/Berlin", "--description", "Raum 12",
                  "--option", "reminder=EMAIL", "--json")
    assert created.code == 0, created
    meeting = created.json()
    assert meeting["title"] == "Elternsprechtag" and meeting["profile"] == "OM"
    start = datetime.fromisoformat(meeting["start"])
    assert start == datetime.fromisoformat(f"{year}-03-07T10:00+01:00")  # read in Europe/Berlin (winter time)
    assert datetime.fromisoformat(meeting["end"]) - start == timedelta(minutes=90)
    assert meeting["options"]["reminder"] == "EMAIL"

    moved = cli("meeting", "update", "OM", meeting["id"], "--start", f"{year}-03-08T09:00+01:00", "--json")
    assert moved.code == 0, moved
    after = moved.json()
    assert datetime.fromisoformat(after["start"]) == datetime.fromisoformat(f"{year}-03-08T09:00+01:00")
    assert datetime.fromisoformat(after["end"]) - datetime.fromisoformat(after["start"]) == timedelta(minutes=90)
    assert after["title"] == "Elternsprechtag" and after["description"] == "Raum 12"  # unchanged values kept
    assert after["options"]["reminder"] == "EMAIL"

    assert_error(cli("meeting", "update", "OM", meeting["id"], "--end", f"{year}-03-08T08:00+01:00"), 2,
                 says="end after it starts")
    assert_error(cli("meeting", "update", "OM", "999999", "--title", "x", "--json"), 4, "NotFoundError")
    assert_error(cli("meeting", "create", "OM", "--title", "T", "--start", f"{year}-03-07T10:00", "--end",
                     f"{year}-03-07T11:00", "--timezone", "Mars/Olympus"), 2, says="time zone")

    cancelled = cli("meeting", "cancel", "OM", meeting["id"], "--json")
    assert cancelled.code == 0 and cancelled.json()["done"] is True
    wide = cli("meetings", "OM", "--from", f"{year}-01-01", "--to", f"{year}-12-31", "--json").json()
    assert meeting["id"] not in [m["id"] for m in wide]


def test_om_meeting_password_never_from_argv(cli: Cli, om: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, om, name="OM")
    base = ["meeting", "create", "OM", "--title", "Vertraulich", "--start", "2031-03-07T10:00", "--end",
            "2031-03-07T11:00", "--option", "password_protected=yes"]
    assert_error(cli(*base, "--option", "password=hunter2"), 2, says="command line")
    result = cli(*base, "--option", "password=-", "--json", stdin="pw-from-stdin\n")
    assert result.code == 0, result
    assert "pw-from-stdin" not in result.out + result.err
    appointment = om.definition.state.appointments[int(result.json()["id"])]
    assert appointment.password == "pw-from-stdin" and appointment.password_protected


def test_om_room_update_close_open_delete_and_link(cli: Cli, om: Sim, memory_keyring: MemoryKeyring) -> None:
    add(cli, om, name="OM")
    created = cli("room", "create", "OM", "--name", "Projektraum", "--option", "capacity=20",
                  "--option", "moderated=yes", "--json")
    assert created.code == 0, created
    room = created.json()
    updated = cli("room", "update", "OM", room["id"], "--option", "capacity=50", "--json")
    assert updated.code == 0, updated
    after = updated.json()
    assert after["name"] == "Projektraum" and after["options"]["capacity"] == 50
    assert after["options"]["moderated"] is True  # not given, so kept
    renamed = cli("room", "update", "OM", room["id"], "--name", "Projektraum 2", "--json").json()
    assert renamed["name"] == "Projektraum 2" and renamed["options"]["capacity"] == 50

    closed = cli("room", "close", "OM", room["id"], "--json")
    assert closed.code == 0 and closed.json()["status"] == "closed", closed
    opened = cli("room", "open", "OM", room["id"], "--json")
    assert opened.code == 0 and opened.json()["status"] != "closed", opened

    link = cli("link", "OM", "--room", room["id"], "--name", "Jana Novak", "--json")
    assert link.code == 0, link
    assert "/hash?secure=" in link.json()["url"] and link.json()["url"].startswith(om.host.base_url)
    # OpenMeetings has no hidden participants: the flag is refused, not silently dropped
    hidden = cli("link", "OM", "--room", room["id"], "--name", "Jana Novak", "--hidden", "--json")
    error = assert_error(hidden, 2, "UnsupportedOperationError")
    assert "--hidden" in error["message"]

    assert cli("room", "delete", "OM", room["id"]).code == 0
    assert room["id"] not in [r["id"] for r in cli("rooms", "OM", "--json").json()]
    assert_error(cli("room", "delete", "OM", room["id"], "--json"), 4, "NotFoundError")
    assert_error(cli("room", "end", "OM", room["id"], "--json"), 2, "UnsupportedOperationError")


def test_unexpected_failure_is_one_sentence_not_a_traceback(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*_args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr("meetdesk.cli.profiles.cmd_providers", broken)
    result = cli("providers", "--json")
    error = assert_error(result, 1, "MeetdeskError", says="went wrong inside meetdesk")
    assert "--debug" in error["hint"]
    debug = cli("--debug", "providers")
    assert debug.code == 1 and "RuntimeError: boom" in debug.err  # the details, only when asked for


def test_json_flag_before_the_command(cli: Cli) -> None:
    result = cli("--json", "preset", "list")
    assert result.code == 0 and result.json() == []


def test_profile_add_asks_with_a_hidden_prompt_on_a_terminal(
        capsys: pytest.CaptureFixture[str], plugnmeet: Sim, memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from meetdesk.cli.main import run_cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return plugnmeet.secret

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    args = [a for a in plugnmeet.add_args("Campus") if a != "--secret-stdin"]
    assert run_cli(args, stdin=Terminal()) == 0
    assert prompts == ["API secret for “Campus”: "]
    assert memory_keyring.get_password(SERVICE, "Campus") == plugnmeet.secret
    assert plugnmeet.secret not in "".join(capsys.readouterr())


def test_link_for_a_meeting_uses_the_meetings_room(cli: Cli, om: Sim, plugnmeet: Sim,
                                                     memory_keyring: MemoryKeyring) -> None:
    add(cli, om, name="OM")
    meeting = next(m for m in cli("meetings", "OM", "--json").json() if m["room"])
    link = cli("link", "OM", "--meeting", meeting["id"], "--name", "Jana Novak", "--json")
    assert link.code == 0, link
    assert link.json()["room"] == meeting["room"] and "/hash?secure=" in link.json()["url"]
    assert_error(cli("link", "OM", "--meeting", "999999", "--name", "Jana", "--json"), 4, "NotFoundError")
    # plugNmeet has no scheduled meetings: --meeting is refused with a sentence, exit 2
    add(cli, plugnmeet, name="Campus")
    error = assert_error(cli("link", "Campus", "--meeting", "m1", "--name", "Jana", "--json"), 2,
                         "UnsupportedOperationError")
    assert "--room" in error.get("hint", "") + error["message"]
    assert_error(cli("link", "Campus", "--name", "Jana", "--json"), 2)  # neither --room nor --meeting


def test_the_parser_tables_name_every_action_the_commands_handle() -> None:
    from meetdesk.cli.actions import RECORDING_ACTION_NAMES, ROOM_ACTION_HELP
    from meetdesk.cli.recordings import RECORDING_ACTIONS
    from meetdesk.cli.rooms import ROOM_ACTIONS

    assert tuple(RECORDING_ACTIONS) == RECORDING_ACTION_NAMES
    assert list(ROOM_ACTIONS) == list(ROOM_ACTION_HELP)


def test_a_listing_command_imports_no_other_command_module() -> None:
    """``meetdesk rooms`` pays only for its own imports (issue 12: the CLI's start-up)."""
    import subprocess
    import sys

    code = ("import sys; from meetdesk.cli.main import build_parser, resolve_handler; "
            "resolve_handler(build_parser().parse_args(['rooms', 'X']).handler); "
            "print(' '.join(m for m in sys.modules if m.startswith(('meetdesk.cli.', 'icalendar', 'segno'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    for heavy in ("meetdesk.cli.invitations", "meetdesk.cli.accounts", "meetdesk.cli.links", "icalendar", "segno"):
        assert heavy not in loaded
