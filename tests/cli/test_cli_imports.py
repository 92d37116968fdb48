"""``meetdesk rooms P --json`` imports only what listing one server's rooms needs (issue 12: the CLI's speed).

Run as a real process against the plugNmeet simulator over loopback; the modules loaded are read from that
process at its end, so a new top-level import anywhere on the way fails here instead of slowing every command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from meetdesk.backends.registry import BACKENDS
from meetdesk.domain.models import Profile
from meetdesk.services.profile_store import ProfileStore
from tests.cli.support import REPO, simulator

RUN_AND_LIST_MODULES = (
    "import json, sys\n"
    "from meetdesk.__main__ import main\n"
    "code = main(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(json.dumps(sorted(sys.modules)))\n"
    "sys.exit(code)\n"
)

#: not one of these is needed to list rooms
NOT_IMPORTED = (
    "PySide6", "shiboken6", "qasync", "meetdesk.ui",  # the window
    "meetdesk.simulators", "uvicorn", "starlette", "cryptography",  # the demo
    "icalendar", "segno", "jwt", "defusedxml",  # calendar files, QR codes, other back ends' formats
    "filelock", "platformdirs",  # changing the profile file, finding it when it is given
    "meetdesk.domain.design", "meetdesk.domain.colors",  # checking a design (links, presets)
    # the domain values a listing of rooms never builds (each dataclass costs ~1.5 ms to create)
    "meetdesk.domain.joining", "meetdesk.domain.drafts", "meetdesk.domain.recordings", "meetdesk.domain.accounts",
    "meetdesk.domain.live",
    "meetdesk.services.demo", "meetdesk.services.invitations", "meetdesk.services.bulk_links",
    "meetdesk.services.calendar_file", "meetdesk.services.qr", "meetdesk.services.reminders",
    "meetdesk.services.invitation_store",
    *(f"meetdesk.cli.{module}" for module in ("profiles", "presets", "meetings", "links", "recordings",
                                              "invitations", "accounts", "live")),
    *(f"meetdesk.backends.{package}" for kind, (package, _cls) in BACKENDS.items() if kind != "plugnmeet"),
)


def loaded_by(argv: list[str], env: dict[str, str], tmp_path: Path) -> list[str]:
    listing = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", RUN_AND_LIST_MODULES, str(listing), *argv], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout), "the seeded simulator has rooms"
    modules: list[str] = json.loads(listing.read_text())
    return modules


def test_rooms_json_imports_only_what_it_needs(tmp_path: Path, isolated_config: Path) -> None:
    with simulator("plugnmeet") as sim:
        store = ProfileStore(isolated_config / "profiles.json")
        store.load()
        store.add(Profile(name="P", kind="plugnmeet", base_url=sim.host.base_url, fields=dict(sim.definition.fields)))
        env = {**os.environ, "PYTHONPATH": str(REPO), "MEETDESK_CONFIG_DIR": str(isolated_config),
               # the benchmark's keyring: the secret from the environment, no desktop keyring service needed
               "PYTHON_KEYRING_BACKEND": "benchmarks.bench_keyring.EnvKeyring", "MEETDESK_BENCH_SECRET": sim.secret}
        loaded = loaded_by(["rooms", "P", "--json"], env, tmp_path)
    assert "meetdesk.backends.plugnmeet.client" in loaded and "httpx" in loaded  # it did list the rooms
    unexpected = sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_IMPORTED))
    assert unexpected == [], unexpected


@pytest.mark.parametrize("module", ["meetdesk.services.profile_store", "meetdesk.services.paths"])
def test_reading_profiles_needs_no_lock_module(module: str) -> None:
    code = f"import sys, {module}; print('filelock' in sys.modules, 'platformdirs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}).stdout.split()
    assert out == ["False", "False"]


def test_a_cli_process_runs_and_ends_without_the_collector() -> None:
    """A command's imports made the collector run ~90 times for next to nothing (10–40 ms of ``meetdesk rooms``),
    and shutdown would walk every object once more (25–45 ms); ``main`` turns it off and freezes the objects at
    the end. Only the process entry does: ``run_cli`` serves in-process callers."""
    code = ("import gc, sys\nfrom meetdesk.__main__ import main\nbefore = gc.get_stats()[0]['collections']\n"
            "code = main(['providers', '--json'])\n"
            "print(gc.get_stats()[0]['collections'] - before, gc.get_freeze_count(), file=sys.stderr)\n"
            "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert json.loads(done.stdout)  # it did list the back ends
    collections, frozen = map(int, done.stderr.split()[-2:])
    assert collections == 0
    assert frozen > 10_000


def test_run_cli_in_process_leaves_the_collector_alone() -> None:
    code = ("import gc, io\nfrom meetdesk.cli.main import run_cli\n"
            "run_cli(['providers', '--json'], stdout=io.StringIO())\nprint(gc.get_freeze_count(), gc.isenabled())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.stdout.split() == ["0", "True"]
