"""``meetdesk live …``, ``invite`` and ``link --meeting`` on Huawei Cloud Meeting, in-process, against the TLS
simulator (the coordinator's day from the issue, on the command line)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.cli.support import Run, Sim, run_in_process, simulator

Cli = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], memory_keyring: object) -> Cli:
    def run(*args: str, stdin: str = "") -> Run:
        return run_in_process(capsys, *args, stdin=stdin)

    return run


@pytest.fixture
def huawei() -> Iterator[Sim]:
    with simulator("huawei", tls=True) as sim:
        yield sim


@pytest.fixture
def hw(cli: Cli, huawei: Sim) -> Sim:
    added = cli(*huawei.add_args("HW"), stdin=huawei.secret + "\n")
    assert added.code == 0, added
    return huawei


def test_schedule_link_start_status_invite_end(cli: Cli, hw: Sim) -> None:
    start = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).replace(hour=15, minute=0)
    created = cli("meeting", "create", "HW", "--title", "Launch review", "--start", start.strftime("%Y-%m-%dT%H:%M"),
                  "--end", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "--timezone", "Asia/Shanghai",
                  "--json")
    assert created.code == 0, created
    meeting_id = created.json()["id"]
    stored = hw.definition.state.conferences[meeting_id]
    assert stored.time_zone_id == "56"

    guest = cli("link", "HW", "--meeting", meeting_id, "--name", "Li Wei")
    chair = cli("link", "HW", "--meeting", meeting_id, "--name", "Mei", "--moderator")
    assert guest.code == 0 and chair.code == 0, (guest, chair)
    assert guest.out.splitlines()[0].endswith(stored.guest_uri_key)
    assert chair.out.splitlines()[0].endswith(stored.chair_uri_key)

    not_yet = cli("invite", "HW", meeting_id, "--name", "Bob", "--phone", "+4915112345678")
    assert not_yet.code == 1 and "not running" in not_yet.err, not_yet

    assert cli("live", "start", "HW", meeting_id).code == 0
    invited = cli("invite", "HW", meeting_id, "--name", "Bob", "--phone", "+4915112345678")
    assert invited.code == 0, invited
    terminal = cli("invite", "HW", meeting_id, "--terminal", "--sip", "+99111283523479999")
    assert terminal.code == 0, terminal
    for verb in ("lock", "mute"):
        assert cli("live", verb, "HW", meeting_id).code == 0
    assert cli("live", "extend", "HW", meeting_id, "--minutes", "30").code == 0
    status = cli("live", "status", "HW", meeting_id, "--json")
    assert status.code == 0, status
    data = status.json()
    assert data["running"] and {p["name"] for p in data["participants"]} == {"Bob", "Terminal +99111283523479999"}
    text = cli("live", "status", "HW", meeting_id)
    assert "2 online" in text.out and "Bob" in text.out
    assert stored.locked and stored.muted and stored.length == 90

    assert cli("live", "end", "HW", meeting_id).code == 0
    assert stored.state == "Destroyed"


def test_bad_input_is_exit_2(cli: Cli, hw: Sim) -> None:
    no_number = cli("invite", "HW", "914083143", "--name", "Eve")
    assert no_number.code == 2 and no_number.err.startswith("Error: "), no_number
    bad_minutes = cli("live", "extend", "HW", "914083143", "--minutes", "0")
    assert bad_minutes.code == 2, bad_minutes
    bad_zone = cli("meeting", "create", "HW", "--title", "T", "--start", "2031-01-01T10:00", "--end",
                   "2031-01-01T11:00", "--timezone", "Asia/Kathmandu")
    assert bad_zone.code == 2 and "time zone" in bad_zone.err, bad_zone


def test_wrong_password_is_exit_3(cli: Cli, huawei: Sim) -> None:
    added = cli(*huawei.add_args("HW"), stdin="wrong-password\n")
    assert added.code == 0, added
    result = cli("check", "HW")
    assert result.code == 3 and "Incorrect account or password" in result.err, result


def test_live_refused_for_a_back_end_without_it(cli: Cli) -> None:
    with simulator("plugnmeet") as sim:
        assert cli(*sim.add_args("Campus"), stdin=sim.secret + "\n").code == 0
        result = cli("live", "status", "Campus", "123")
    assert result.code == 2 and "does not support" in result.err, result
