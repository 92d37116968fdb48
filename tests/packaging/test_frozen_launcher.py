"""packaging/pyinstaller/launcher.py: in a frozen bundle ``sys.executable`` is the launcher, and the window's demo
starts its simulators as ``sys.executable -m meetdesk.simulators …`` — the launcher must serve that form."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

LAUNCHER = Path(__file__).resolve().parents[2] / "packaging" / "pyinstaller" / "launcher.py"


def test_the_launcher_runs_a_simulator_when_called_the_way_the_demo_calls_it() -> None:
    process = subprocess.Popen([sys.executable, str(LAUNCHER), "-m", "meetdesk.simulators", "--provider", "jitsi"],
                               stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert httpx.get(info["base_url"], timeout=10).status_code < 500
    finally:
        process.terminate()
        process.wait(10)


def test_the_launcher_runs_meetdesk_otherwise() -> None:
    done = subprocess.run([sys.executable, str(LAUNCHER), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("meetdesk ")
