"""The plugNmeet authors' own JS SDK (npm ``plugnmeet-sdk-js``) drives the simulator over loopback.

``.ci/run`` installs the SDK with npm into the git-ignored ``.node-sdk/`` folder of the repository. In CI
(``CI=true``) a missing node or SDK fails the test; on a developer machine it is skipped with the command
that installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from meetdesk.backends.plugnmeet.simulator.app import build
from meetdesk.backends.plugnmeet.simulator.state import PlugNmeetState
from meetdesk.simulators.host import SimulatorHost

REPO = Path(__file__).resolve().parents[3]
SDK_ROOT = REPO / ".node-sdk"
SDK_PACKAGE = SDK_ROOT / "node_modules" / "plugnmeet-sdk-js"
DRIVER = Path(__file__).with_name("sdk_js") / "drive.cjs"
INSTALL = ("npm install --prefix .node-sdk --no-save --ignore-scripts --no-audit --no-fund "
           "plugnmeet-sdk-js@1.4.1")


def _node() -> str:
    node = shutil.which("node")
    problem = ("node is not installed" if node is None else
               f"the JS SDK is not installed (run: {INSTALL})" if not (SDK_PACKAGE / "package.json").is_file()
               else "")
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{problem}; .ci/run installs it")
        pytest.skip(problem)
    assert node is not None
    return node


@pytest.fixture
def server() -> Iterator[SimulatorHost]:
    with SimulatorHost.for_definition(build(seed=True)) as host:
        yield host


def _drive(node: str, host: SimulatorHost) -> dict[str, Any]:
    assert host.definition is not None
    env = {**os.environ, "NODE_PATH": str(SDK_ROOT / "node_modules"), "PNM_URL": host.base_url,
           "PNM_KEY": host.definition.fields["api_key"], "PNM_SECRET": host.definition.secret}
    done = subprocess.run([node, str(DRIVER)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_official_js_sdk_drives_the_simulator(server: SimulatorHost) -> None:
    node = _node()
    version = json.loads((SDK_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    assert version == "1.4.1"  # the newest on npm; the 2.x line exists only in git
    seen = _drive(node, server)
    state = server.definition.state if server.definition else None
    assert isinstance(state, PlugNmeetState)

    assert seen["create"]["status"] is True and seen["create"]["room_info"]["room_id"] == "sdk-room"
    assert seen["create"]["room_info"]["is_running"] == 1  # int32 0/1, though the SDK's types say boolean
    assert seen["token"]["status"] is True and seen["token"]["token"].count(".") == 2
    assert seen["active"] == {"status": True, "msg": "room is active", "is_active": True}
    info = seen["info"]["room"]["room_info"]
    assert seen["info"]["status"] is True and info["room_title"] == "Made by the JS SDK"
    assert "sdk-room" in {r["room_info"]["room_id"] for r in seen["rooms"]["rooms"]}
    # fetchPastRooms also lists running rooms, with Go's zero time as "ended" (GORM drops IsRunning: 0)
    rows = seen["past"]["result"]["rooms_list"]
    assert [r["ended"] for r in rows if r["room_id"] == "sdk-room"] == ["0001-01-01T00:00:00Z"]
    assert int(seen["past"]["result"]["total_rooms"]) == len(rows)
    assert seen["recordings"]["status"] is True
    assert {r["record_id"] for r in seen["recordings"]["result"]["recordings_list"]} <= set(state.recordings)
    assert seen["end"] == {"status": True, "msg": "success"}
    assert seen["after_end"]["is_active"] is False
    assert seen["end_again"]["status"] is True  # the room is still being ended: the lock is taken, "success"
    assert seen["bad_signature"]["status"] is False
    assert seen["bad_signature"]["msg"] == "Failed to verify provided authentication details."
    state.advance(state.end_linger + 1)
    state.expire_rooms()
    assert "sdk-room" not in state.rooms
