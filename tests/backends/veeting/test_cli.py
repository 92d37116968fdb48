"""Veeting through the CLI, in-process, against its simulator: meetings with invitees, links, accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from meetdesk.backends.veeting.simulator.state import VeetingState
from meetdesk.services.secret_store import MemoryKeyring
from tests.cli.support import Run, Sim, run_in_process, simulator

Cli = Callable[..., Run]
START = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], memory_keyring: MemoryKeyring) -> Cli:
    def run(*args: str, stdin: str = "") -> Run:
        return run_in_process(capsys, *args, stdin=stdin)

    return run


@pytest.fixture
def veeting() -> Iterator[Sim]:
    with simulator("veeting") as sim:
        yield sim


def state(sim: Sim) -> VeetingState:
    value: VeetingState = sim.definition.state
    return value


def add(cli: Cli, sim: Sim, name: str = "VT", **fields: str) -> None:
    args = sim.add_args(name)
    for key, value in fields.items():  # override a --field
        index = args.index(f"{key}={sim.definition.fields[key]}")
        args[index] = f"{key}={value}"
    result = cli(*args, stdin=sim.secret + "\n")
    assert result.code == 0, result


def test_schedule_edit_link_cancel(cli: Cli, veeting: Sim) -> None:
    add(cli, veeting)
    created = cli("meeting", "create", "VT", "--title", "Budget review", "--start", START.isoformat(),
                  "--end", (START + timedelta(minutes=90)).isoformat(), "--timezone", "Europe/Zurich",
                  "--option", "invited=Ada Lovelace <ada@example.org>; bob@example.org",
                  "--option", "type=boardroom", "--json")
    assert created.code == 0, created
    meeting = created.json()
    assert meeting["options"]["invited"][0] == {"name": "Ada Lovelace", "email": "ada@example.org"}
    assert meeting["extra"]["meeting_number"]

    updated = cli("meeting", "update", "VT", meeting["id"], "--title", "Budget review (2nd)",
                  "--option", "invited+=carol@example.org")
    assert updated.code == 0, updated
    assert "Ada Lovelace <ada@example.org>; bob@example.org; carol@example.org" in updated.out
    assert [c[1] for c in state(veeting).calls if c[0] == "PUT"] == [f"meeting/{meeting['id']}/false"]
    assert len(state(veeting).meetings[meeting["id"]]["invitedParticipants"]) == 3

    link = cli("link", "VT", "--meeting", meeting["id"], "--name", "Ada Lovelace")
    assert link.code == 0, link
    number = meeting["extra"]["meeting_number"]
    assert link.out.splitlines()[0] == f"{veeting.host.origin}/meeting/{number}"
    refused = cli("link", "VT", "--meeting", meeting["id"], "--name", "Ada", "--moderator")
    assert refused.code == 2 and "--moderator" in refused.err

    listed = cli("meetings", "VT")
    assert listed.code == 0 and "Budget review (2nd)" in listed.out and number in listed.out

    cancelled = cli("meeting", "cancel", "VT", meeting["id"])
    assert cancelled.code == 0, cancelled
    assert meeting["id"] not in state(veeting).meetings


def test_meetings_created_here_are_said_to_be_so(cli: Cli) -> None:
    with simulator("veeting") as sim:
        state(sim).natural_endpoints = False
        add(cli, sim)
        created = cli("meeting", "create", "VT", "--title", "Only mine", "--start", START.isoformat(),
                      "--end", (START + timedelta(hours=1)).isoformat(), "--json")
        assert created.code == 0, created
        listed = cli("meetings", "VT", "--json")
        assert listed.code == 0, listed
        assert [m["title"] for m in listed.json()] == ["Only mine"] and listed.json()[0]["local_only"]
        assert "only the meetings created here" in listed.err
        cancel = cli("meeting", "cancel", "VT", created.json()["id"])
        assert cancel.code == 2 and "web interface" in cancel.err


def test_instance_key_without_user_id(cli: Cli, veeting: Sim) -> None:
    add(cli, veeting, user_id="")
    result = cli("meetings", "VT")
    assert result.code == 2, result
    assert "must name the organiser" in result.err and "user id" in result.err


def test_accounts(cli: Cli, veeting: Sim) -> None:
    add(cli, veeting, user_id="")
    created = cli("account", "create", "VT", "--email", "dora@example.org", "--first-name", "Dora",
                  "--last-name", "Director", "--language", "de", "--json")
    assert created.code == 0, created
    account = created.json()
    assert account["account_type"] == "trial" and account["name"] == "dora@example.org"
    admins = cli("account", "admin", "VT", account["id"])
    assert admins.code == 0 and "Dora Director" in admins.out and "dora@example.org" in admins.out
    again = cli("account", "create", "VT", "--email", "dora@example.org", "--first-name", "D", "--last-name", "D")
    assert again.code == 1 and "already has" in again.err
    bad = cli("account", "create", "VT", "--email", "dora", "--first-name", "D", "--last-name", "D")
    assert bad.code == 2 and "e-mail" in bad.err
    wrong = cli("account", "create", "VT", "--email", "e@example.org", "--first-name", "E", "--last-name", "F",
                "--option", "color=red")
    assert wrong.code == 2 and "account_type" in wrong.err


def test_account_commands_refuse_other_back_ends(cli: Cli) -> None:
    with simulator("plugnmeet") as sim:
        cli(*sim.add_args("Campus"), stdin=sim.secret + "\n")
        result = cli("account", "admin", "Campus", "x")
        assert result.code == 2 and "does not support" in result.err


def test_bad_key_exit_3(cli: Cli, veeting: Sim) -> None:
    args = veeting.add_args("VT")
    assert cli(*args, stdin="not-the-key\n").code == 0
    result = cli("check", "VT")
    assert result.code == 3 and "API key" in result.err


def test_invitation_carries_the_meeting_link(cli: Cli, veeting: Sim) -> None:
    add(cli, veeting)
    listed = cli("meetings", "VT", "--json")
    meeting = next(m for m in listed.json() if m["options"]["type"] == "boardroom")
    result = cli("invitation", "VT", "--meeting", meeting["id"], "--for", "Ada Lovelace", "--json")
    assert result.code == 0, result
    number = meeting["extra"]["meeting_number"]
    assert result.json()["link"] == f"{veeting.host.origin}/meeting/{number}"
    assert result.json()["link"] in result.json()["text"]
