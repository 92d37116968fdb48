"""The CLI under faults and odd input: never a false success, always exit 2 with a sentence for bad input,
exit 5 with a sentence when a server does not finish in time — paid once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from urllib.parse import quote, quote_plus

import pytest

from tests.cli.support import Run, Sim, run_in_process, simulator

Cli = Callable[..., Run]
ROOM_LIST = "/openmeetings/services/room/public"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], memory_keyring: object) -> Cli:
    def run(*args: str, stdin: str = "") -> Run:
        return run_in_process(capsys, *args, stdin=stdin)

    return run


@pytest.fixture
def om(cli: Cli) -> Iterator[Sim]:
    with simulator("openmeetings") as sim:
        added = cli(*sim.add_args("OM"), "--deadline", "2", stdin=sim.secret + "\n")
        assert added.code == 0, added
        yield sim


def clean(run: Run, code: int, says: str) -> None:
    assert run.code == code, run
    assert "Traceback" not in run.out + run.err and "Something went wrong" not in run.err, run
    assert says.lower() in run.err.lower(), run


def test_a_broken_room_list_is_an_error_not_no_rooms(cli: Cli, om: Sim) -> None:
    om.host.faults.mode, om.host.faults.path_prefix = "nested", ROOM_LIST
    run = cli("rooms", "OM")
    clean(run, 1, "nested too deeply")
    assert "No rooms" not in run.out
    assert cli("rooms", "OM", "--json").out.strip() != "[]"


def test_check_is_a_failure_when_the_sign_in_works_but_the_data_cannot_be_read(cli: Cli, om: Sim) -> None:
    om.host.faults.mode, om.host.faults.path_prefix = "nested", ROOM_LIST
    run = cli("check", "OM")
    clean(run, 1, "loading its data failed")
    assert "nested too deeply" in run.err and "Warning:" not in run.err, run
    as_json = cli("check", "OM", "--json")
    assert as_json.code == 1 and as_json.json()["error"]["exit_code"] == 1, as_json
    om.host.faults.mode = ""
    assert cli("check", "OM").code == 0


def test_one_unreadable_room_is_skipped_with_a_warning_the_rest_listed(cli: Cli, om: Sim) -> None:
    healthy = cli("rooms", "OM", "--json")
    assert healthy.code == 0
    om.host.faults.mode, om.host.faults.path_prefix = "bad_row", ROOM_LIST
    run = cli("rooms", "OM", "--json")
    assert run.code == 0, run
    assert run.json() == healthy.json()
    assert "skipped" in run.err and "unreadable room" in run.err


def test_a_black_hole_mid_command_is_exit_5_and_waited_for_once(cli: Cli, om: Sim) -> None:
    om.host.faults.mode, om.host.faults.path_prefix = "black_hole", ROOM_LIST
    started = time.monotonic()
    run = cli("rooms", "OM")
    elapsed = time.monotonic() - started
    clean(run, 5, "did not finish answering within 2 seconds")
    assert elapsed < 3.8, f"{elapsed:.1f} s: the deadline was paid more than once"


def test_a_dripping_server_is_exit_5_after_the_deadline(cli: Cli, om: Sim) -> None:
    om.host.faults.mode, om.host.faults.path_prefix, om.host.faults.drip_interval_s = "drip", ROOM_LIST, 0.2
    started = time.monotonic()
    run = cli("rooms", "OM")
    clean(run, 5, "within 2 seconds")
    assert time.monotonic() - started < 4


@pytest.mark.parametrize(("args", "says"), [
    (["--start", "2030-03-31T02:45", "--end", "2030-03-31T03:15", "--timezone", "Europe/Berlin"],
     "2030-03-31 02:45 does not exist in Europe/Berlin"),
    (["--start", "2030-10-27T02:30", "--end", "2030-10-27T03:30", "--timezone", "Europe/Berlin"],
     "2030-10-27T02:30+02:00 (the first) or 2030-10-27T02:30+01:00"),
    (["--start", "0001-01-01T10:00", "--end", "0001-01-01T11:00", "--timezone", "America/New_York"],
     "must be between 1900-01-01 and 2999-12-31"),
    (["--start", "9999-12-31T10:00", "--end", "9999-12-31T23:00"], "must be between"),
])
def test_meeting_times_that_cannot_be_are_exit_2_with_a_sentence(cli: Cli, om: Sim, args: list[str],
                                                                 says: str) -> None:
    run = cli("meeting", "create", "OM", "--title", "Review", *args)
    clean(run, 2, says)


def test_a_gap_meeting_with_offsets_is_stored_in_the_right_order(cli: Cli, om: Sim) -> None:
    run = cli("meeting", "create", "OM", "--title", "Night", "--start", "2030-03-31T01:45+01:00",
              "--end", "2030-03-31T03:15+02:00", "--json")
    assert run.code == 0, run
    meeting = run.json()
    assert meeting["start"] < meeting["end"]


@pytest.mark.parametrize(("args", "says"), [(["--to", "9999-12-31"], "--to must be between"),
                                            (["--from", "0001-01-01"], "--from must be between")])
def test_out_of_range_listing_dates_are_exit_2(cli: Cli, om: Sim, args: list[str], says: str) -> None:
    clean(cli("meetings", "OM", *args), 2, says)


@pytest.mark.parametrize(("url", "says"), [
    ("http://[::1", "host or port is malformed"),
    ("https://admin:hunter2@meet.example.org", "must not contain a user name or password"),
    ("https://meet.example.org/\x07x", "control or invisible character"),
    ("https://meet..example.org", "malformed host name"),
])
def test_bad_server_addresses_are_exit_2(cli: Cli, url: str, says: str) -> None:
    run = cli("profile", "add", "P", "--provider", "plugnmeet", "--url", url, "--field", "api_key=k",
              "--secret-stdin", stdin="s3cret\n")
    clean(run, 2, says)
    assert "hunter2" not in run.out + run.err


def test_a_join_token_with_a_huge_expiry_still_gives_the_link(cli: Cli) -> None:
    with simulator("plugnmeet") as sim:
        assert cli(*sim.add_args("PNM"), stdin=sim.secret + "\n").code == 0
        room = cli("room", "create", "PNM", "--name", "Town hall", "--json").json()
        sim.definition.state.token_validity = 10**13  # an exp far beyond year 9999
        run = cli("link", "PNM", "--room", room["id"], "--name", "Ada")
        assert run.code == 0, run
        assert "access_token=" in run.out


def test_non_ascii_api_key_is_a_clear_error(cli: Cli) -> None:
    with simulator("plugnmeet") as sim:
        run = cli("profile", "add", "PNM", "--provider", "plugnmeet", "--url", sim.host.base_url,
                  "--field", "api_key=clé", "--secret-stdin", stdin=sim.secret + "\n")
        assert run.code == 0, run
        clean(cli("rooms", "PNM"), 2, "API key may only contain plain ASCII")


def test_a_redirected_legacy_login_never_shows_the_password(cli: Cli) -> None:
    """The Axis login sends the password in the query; a proxy redirecting to https repeats that URL."""
    with simulator("openmeetings-axis") as sim:
        assert cli(*sim.add_args("Legacy"), stdin=sim.secret + "\n").code == 0
        sim.host.faults.mode, sim.host.faults.redirect_to = "redirect", "same"
        sim.host.faults.path_prefix = sim.host.base_url.split(str(sim.host.port), 1)[1] + "/services/UserService/login"
        for args in (["check", "Legacy", "--debug"], ["check", "Legacy", "--json"]):
            run = cli(*args)
            assert run.code == 1, run  # (--debug adds the traceback, secret-free like everything else)
            assert sim.host.faults.injected.get("redirect"), "the login was not redirected"
            for form in (sim.secret, quote(sim.secret, safe=""), quote_plus(sim.secret)):
                assert form not in run.out + run.err, run
            assert "userpass=***" in run.out + run.err or "redirected" in run.err, run


def test_a_profile_is_found_by_either_spelling_of_its_name(cli: Cli) -> None:
    with simulator("plugnmeet") as sim:
        assert cli(*sim.add_args("Caf\u00e9"), stdin=sim.secret + "\n").code == 0
        run = cli("rooms", "Cafe\u0301", "--json")
        assert run.code == 0 and run.json() and run.json()[0]["profile"] == "Caf\u00e9", run
        again = cli(*sim.add_args("Cafe\u0301"), stdin=sim.secret + "\n")
        clean(again, 2, "already exists")
