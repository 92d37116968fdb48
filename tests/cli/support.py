"""Helpers for the CLI tests: running commands in-process and in subprocesses, simulators, a real keyring."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from meetdesk.cli.main import run_cli
from meetdesk.simulators.host import SimulatorDefinition, SimulatorHost, build_simulator

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:  # shown when an assertion fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def run_in_process(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> Run:
    capsys.readouterr()
    code = run_cli(list(args), stdin=io.StringIO(stdin))
    out, err = capsys.readouterr()
    return Run(code, out, err)


def run_subprocess(*args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 60) -> Run:
    kwargs: dict[str, Any] = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    proc = subprocess.run([sys.executable, "-m", "meetdesk", *args], env=env, text=True, capture_output=True,
                          timeout=timeout, check=False, **kwargs)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def require_kind(kind: str) -> None:
    """Import the provider and build the simulator of ``kind``: a broken back end fails the test, never skips it."""
    from meetdesk.backends.base import provider_class

    provider_class(kind)
    build_simulator(kind, seed=False)


@dataclass
class Sim:
    kind: str
    host: SimulatorHost
    definition: SimulatorDefinition

    @property
    def secret(self) -> str:
        return self.definition.secret

    def add_args(self, name: str) -> list[str]:
        """``profile add`` arguments for a profile that works against this simulator (secret via stdin)."""
        fields = [arg for key, value in self.definition.fields.items() for arg in ("--field", f"{key}={value}")]
        args = ["profile", "add", name, "--provider", self.kind, "--url", self.host.base_url, *fields,
                "--secret-stdin"]
        if self.host.ca_file:
            args += ["--ca-file", self.host.ca_file]
        return args


@contextlib.contextmanager
def simulator(kind: str, *, tls: bool = False, seed: bool = True) -> Iterator[Sim]:
    require_kind(kind)
    definition = build_simulator(kind, seed=seed)
    with SimulatorHost.for_definition(definition, tls=tls) as host:
        yield Sim(kind, host, definition)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def files_containing(directory: Path, needle: str) -> list[Path]:
    """Every file under ``directory`` whose bytes contain ``needle`` (as UTF-8)."""
    data = needle.encode("utf-8")
    return [p for p in directory.rglob("*") if p.is_file() and data in p.read_bytes()]


# a real Secret Service for subprocesses ------------------------------------------------------------


def secret_service_available() -> bool:
    return bool(shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon"))


@contextlib.contextmanager
def secret_service(home: Path) -> Iterator[dict[str, str]]:
    """A private D-Bus session bus with an unlocked gnome-keyring; yields the environment to run meetdesk in."""
    (home / "run").mkdir(mode=0o700, parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_", "PYTHON_KEYRING"))}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), PYTHONPATH=str(REPO))
    bus = subprocess.run(["dbus-daemon", "--session", "--fork", "--nosyslog", "--print-address=1", "--print-pid=1"],
                         env=env, text=True, capture_output=True, timeout=20, check=True)
    address, pid = bus.stdout.split()
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    daemon = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert daemon.stdin is not None
        daemon.stdin.write(b"throwaway")
        daemon.stdin.close()
        _wait_for_keyring(env)
        yield env
    finally:
        daemon.terminate()
        try:
            daemon.wait(10)
        except subprocess.TimeoutExpired:
            daemon.kill()
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), 15)


def _wait_for_keyring(env: dict[str, str], timeout: float = 20) -> None:
    probe = ("import keyring; keyring.get_password('meetdesk-probe', 'probe'); "
             "print(type(keyring.get_keyring()).__module__)")
    deadline = time.monotonic() + timeout
    while True:
        result = subprocess.run([sys.executable, "-c", probe], env=env, text=True, capture_output=True, timeout=20,
                                check=False)
        if result.returncode == 0 and "SecretService" in result.stdout:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"gnome-keyring did not come up: {result.stdout} {result.stderr[-400:]}")
        time.sleep(0.2)


def keyring_get(env: dict[str, str], profile: str) -> str | None:
    """Read meetdesk's keyring entry for ``profile`` from another process (as the user's desktop would)."""
    code = f"import keyring; v = keyring.get_password('meetdesk', {profile!r}); print('NONE' if v is None else v)"
    result = subprocess.run([sys.executable, "-c", code], env=env, text=True, capture_output=True, timeout=30,
                            check=True)
    value = result.stdout.strip()
    return None if value == "NONE" else value
