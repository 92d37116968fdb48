"""The read-only commands ask the server only what they print (issue 12: one round trip where one is enough).

Each simulator runs over loopback behind a recorder of the requests it receives; the commands run through
``run_cli`` exactly as from a terminal.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from meetdesk.cli.main import run_cli
from meetdesk.simulators.host import SimulatorHost, build_simulator
from tests.cli.support import require_kind

Scope = dict[str, Any]


@dataclass
class Recorder:
    """ASGI middleware noting ``METHOD path`` of every HTTP request."""

    app: Callable[..., Any]
    seen: list[str] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] == "http":
            self.seen.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)


@dataclass
class Server:
    name: str
    recorder: Recorder
    state: Any

    def requests_of(self, *args: str) -> tuple[list[str], Any]:
        """The requests one command made, and its JSON output."""
        before = len(self.recorder.seen)
        out, err = io.StringIO(), io.StringIO()
        code = run_cli([*args, "--json"], stdout=out, stderr=err)
        assert code == 0, f"exit {code}: {err.getvalue()}"
        assert not err.getvalue(), err.getvalue()
        return self.recorder.seen[before:], json.loads(out.getvalue())


@pytest.fixture
def serve(memory_keyring: object) -> Iterator[Callable[[str], Server]]:
    hosts: list[SimulatorHost] = []

    def start(kind: str) -> Server:
        require_kind(kind)
        definition = build_simulator(kind, seed=True)
        recorder = Recorder(definition.app)
        definition.app = recorder
        host = SimulatorHost.for_definition(definition, tls=definition.tls).start()
        hosts.append(host)
        fields = [arg for key, value in definition.fields.items() for arg in ("--field", f"{key}={value}")]
        ca = ["--ca-file", host.ca_file] if host.ca_file else []
        added = run_cli(["profile", "add", kind, "--provider", kind, "--url", host.base_url, *fields, *ca,
                         "--secret-stdin"], stdin=io.StringIO(definition.secret + "\n"), stdout=io.StringIO())
        assert added == 0
        recorder.seen.clear()
        return Server(kind, recorder, definition.state)

    yield start
    for host in hosts:
        host.stop()


def calls(requests: list[str], fragment: str) -> int:
    return sum(fragment in r for r in requests)


def test_plugnmeet_rooms_is_one_request(serve: Callable[[str], Server]) -> None:
    server = serve("plugnmeet")
    requests, rooms = server.requests_of("rooms", "plugnmeet")
    assert requests == ["POST /auth/room/getActiveRoomsInfo"]  # connect's answer is the list
    assert rooms and not any(r["past"] for r in rooms)

    requests, with_past = server.requests_of("rooms", "plugnmeet", "--past")
    assert requests == ["POST /auth/room/getActiveRoomsInfo", "POST /auth/room/fetchPastRooms"]
    assert any(r["past"] for r in with_past)

    requests, _ = server.requests_of("recordings", "plugnmeet")
    assert requests == ["POST /auth/room/getActiveRoomsInfo", "POST /auth/recording/fetch"]


def test_openmeetings_lists_ask_for_their_own_rows_only(serve: Callable[[str], Server]) -> None:
    server = serve("openmeetings")
    requests, rooms = server.requests_of("rooms", "openmeetings")
    assert rooms and calls(requests, "/services/calendar/") == 0
    counts = [r for r in requests if "/services/room/count/" in r]
    assert len(counts) == len(set(counts)) == len(rooms)  # each room's user count once

    requests, meetings = server.requests_of("meetings", "openmeetings")
    assert meetings and calls(requests, "/services/calendar/") == 1
    assert calls(requests, "/services/room/") == 0

    requests, _ = server.requests_of("meetings", "openmeetings", "--from", "2020-01-01", "--to", "2030-01-01")
    assert calls(requests, "/services/calendar/") == 1 and calls(requests, "/services/room/") == 0

    requests, recordings = server.requests_of("recordings", "openmeetings")
    assert recordings and calls(requests, "/services/calendar/") == 0
    assert calls(requests, "/services/room/count/") == 0


def test_huawei_rooms_and_meetings_do_not_load_each_other(serve: Callable[[str], Server]) -> None:
    server = serve("huawei")
    requests, rooms = server.requests_of("rooms", "huawei")
    assert rooms and calls(requests, "/management/conferences") == 0

    requests, meetings = server.requests_of("meetings", "huawei")
    assert requests.count("GET /v1/mmc/management/conferences") == 1  # the default period once, not twice
    # a meeting's Room column is its cloud room's name, which only the room list has: read once, alongside
    assert requests.count("GET /v1/usg/dcs/member/vmr") == 1
    names = {r["id"]: r["name"] for r in rooms}
    in_rooms = [m for m in meetings if m["room"] in names]
    assert in_rooms and all(m["room_name"] == names[m["room"]] for m in in_rooms)

    requests, _ = server.requests_of("meetings", "huawei", "--from", "2020-01-01", "--to", "2030-01-01")
    assert requests.count("GET /v1/mmc/management/conferences") == 1

    # the window's refresh (and ``check``) lists rooms and meetings at once: the room list is still read once
    requests, checked = server.requests_of("check", "huawei")
    assert checked["rooms"] and checked["meetings"]
    assert requests.count("GET /v1/usg/dcs/member/vmr") == 1


def test_the_list_a_connect_just_read_is_not_read_again(serve: Callable[[str], Server]) -> None:
    """BigBlueButton and Veeting check the credentials with the very list the command prints (as plugNmeet)."""
    bbb = serve("bigbluebutton")
    requests, rooms = bbb.requests_of("rooms", "bigbluebutton")
    assert rooms and requests == ["GET /bigbluebutton/api", "GET /bigbluebutton/api/getMeetings"]

    veeting = serve("veeting")
    requests, meetings = veeting.requests_of("meetings", "veeting")
    assert meetings and requests == ["GET /api/v6/meeting"]
