"""Launch meetdesk until its main window is painted, and judge the run (shared by smoke-test and measure-startup).

Relies on the hidden probe in ``meetdesk/ui/startup_probe.py``: with ``MEETDESK_EXIT_AFTER_PAINT=1`` the application
prints ``painted <ms>`` and ``qt-warnings <n>`` after the first paint of its main window, marks Qt warnings on
stderr with ``qt-warning:``, then closes the window.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PROBE_ENV = "MEETDESK_EXIT_AFTER_PAINT"
# what Qt's offscreen platform says about its own limits; never about the application (see startup_probe.py)
OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints()",)
_PAINTED = re.compile(r"^painted (\d+)$", re.M)
_QT_WARNINGS = re.compile(r"^qt-warnings (\d+)$", re.M)
_LOGGED_QT_PROBLEM = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) +meetdesk\.qt: (.*)$", re.M)


@dataclass
class Run:
    command: list[str]
    platform: str
    returncode: int | None  # None: killed after the timeout
    stdout: str
    stderr: str
    wall_ms: float  # from starting the process to reading its "painted" line (or to its end)

    @property
    def painted_ms(self) -> int | None:
        """The application's own figure: from process start to the first paint."""
        match = _PAINTED.search(self.stdout)
        return int(match.group(1)) if match else None

    def problems(self) -> list[str]:
        """Everything that makes this run a failure, as readable sentences (empty: the run is good)."""
        found = []
        if self.returncode is None:
            found.append("the application did not end within the time limit")
        elif self.returncode != 0:
            found.append(f"the application exited with status {self.returncode}")
        if self.painted_ms is None:
            found.append("the main window was never painted (no 'painted' line on stdout)")
        counted = _QT_WARNINGS.search(self.stdout)
        if counted and int(counted.group(1)) > 0:
            found.append(f"Qt reported {counted.group(1)} warning(s) before the first paint")
        for line in self.stderr.splitlines():
            if line.startswith("qt-warning:"):
                found.append(f"Qt warning: {line.removeprefix('qt-warning:').strip()}")
        for match in _LOGGED_QT_PROBLEM.finditer(self.stderr):
            message = match.group(2).strip()
            if not (self.platform == "offscreen" and message in OFFSCREEN_NOISE):
                found.append(f"Qt {match.group(1).lower()} (logged): {message}")
        if "Traceback (most recent call last)" in self.stderr:
            found.append("a Python traceback was printed on stderr")
        return list(dict.fromkeys(found))


def isolated_env(home: Path, platform: str) -> dict[str, str]:
    """An environment that keeps the run away from the user's config, keyring and display."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MEETDESK_", "QT_"))}
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_RUNTIME_DIR=str(runtime),
        MEETDESK_CONFIG_DIR=str(home / "meetdesk-config"),
        MEETDESK_LOG_FILE="",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        **{PROBE_ENV: "1"},
    )
    env.pop("WAYLAND_DISPLAY", None)
    if platform == "offscreen":
        env["QT_QPA_PLATFORM"] = "offscreen"
        env.pop("DISPLAY", None)
    else:
        env["QT_QPA_PLATFORM"] = "xcb"
    return env


def xvfb_available() -> bool:
    return shutil.which("xvfb-run") is not None


def run_until_painted(command: Sequence[str], *, platform: str = "offscreen", timeout: float = 90.0) -> Run:
    """Start ``command`` with the probe armed; ``platform`` is "offscreen" or "xcb" (a fresh Xvfb server)."""
    with tempfile.TemporaryDirectory(prefix="meetdesk-startup-") as tmp:
        env = isolated_env(Path(tmp), platform)
        argv = list(command)
        if platform == "xcb":
            argv = ["xvfb-run", "--auto-servernum", "--server-args=-screen 0 1280x800x24", *argv]
        out_lines: list[str] = []
        err_lines: list[str] = []
        painted_at: list[float] = []
        started = time.perf_counter()
        process = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        assert process.stdout is not None and process.stderr is not None

        def read_stdout(stream: IO[str]) -> None:
            # the painted line is flushed at once: the wall time ends when it arrives, not when the process ends
            for line in stream:
                if not painted_at and line.startswith("painted "):
                    painted_at.append(time.perf_counter())
                out_lines.append(line)

        readers = [
            threading.Thread(target=read_stdout, args=(process.stdout,), daemon=True),
            threading.Thread(target=lambda: err_lines.extend(process.stderr or []), daemon=True),
        ]
        for reader in readers:
            reader.start()
        returncode: int | None
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            returncode = None
        ended = time.perf_counter()
        for reader in readers:
            reader.join(timeout=5)
    wall = ((painted_at[0] if painted_at else ended) - started) * 1000
    return Run(list(command), platform, returncode, "".join(out_lines), "".join(err_lines), wall)
