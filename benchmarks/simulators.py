"""Simulators in their own processes (``python -m meetdesk.simulators``), as real servers would be."""

from __future__ import annotations

import atexit
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

KINDS = ("plugnmeet", "openmeetings", "openmeetings-axis")


@contextmanager
def simulators(latency_ms: int = 0, seed_rooms: dict[str, int] | None = None,
               kinds: tuple[str, ...] = KINDS) -> Iterator[dict[str, dict[str, Any]]]:
    """Start one simulator per kind; yields kind → its info line (base_url, fields, secret, ca_file)."""
    procs: dict[str, subprocess.Popen[str]] = {}
    atexit.register(_stop, procs)  # also when the benchmark itself is interrupted
    try:
        for kind in kinds:
            extra = ["--seed-rooms", str(seed_rooms[kind])] if seed_rooms and seed_rooms.get(kind) else []
            procs[kind] = subprocess.Popen(
                [sys.executable, "-m", "meetdesk.simulators", "--provider", kind, "--latency-ms", str(latency_ms),
                 *extra], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        infos = {}
        for kind, proc in procs.items():
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the {kind} simulator did not start")
            infos[kind] = json.loads(line)
        yield infos
    finally:
        _stop(procs)
        atexit.unregister(_stop)


def _stop(procs: dict[str, subprocess.Popen[str]]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
