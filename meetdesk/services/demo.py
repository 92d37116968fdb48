"""Demo mode: every registered back end's simulator with seed data, profiles in a throwaway config dir,
secrets in an in-memory keyring. The user's real configuration and keyring are never touched."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from meetdesk.backends.base import available_kinds, provider_class
from meetdesk.domain.models import Profile
from meetdesk.services.paths import CONFIG_DIR_ENV
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import SecretStore
from meetdesk.services.session import Session
from meetdesk.simulators import SIMULATOR_MODULES

log = logging.getLogger("meetdesk.services.demo")

#: back ends whose demo server runs with TLS and its own CA, like a typical self-hosted install
TLS_KINDS = frozenset({"openmeetings", "huawei"})
#: the demo back end that gets the extra rooms of ``--seed-rooms``: its room lists stay under the answer size
#: cap (``backends/http.py``) at 100,000 rooms, plugNmeet's (2.7 kB a room) would not
BULK_KIND = "openmeetings"


class RunningSimulator(Protocol):
    def stop(self) -> None: ...


@dataclass
class DemoServer:
    kind: str
    host: RunningSimulator
    profile: Profile
    secret: str


class SimulatorProcess:
    """A simulator in its own process (``python -m meetdesk.simulators``): a large seed costs the app nothing."""

    def __init__(self, kind: str, *, tls: bool, seed_rooms: int) -> None:
        command = [sys.executable, "-m", "meetdesk.simulators", "--provider", kind, "--seed-rooms", str(seed_rooms)]
        self.process = subprocess.Popen([*command, *(["--tls"] if tls else [])], stdout=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL, text=True)
        self.info: dict[str, object] = {}

    def wait_ready(self, timeout: float = 120.0) -> dict[str, object]:
        """The simulator's first line (base URL, fields, secret, CA file), once it listens."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # the simulator prints it when it listens, or exits
        if not line:
            self.process.wait(timeout)
            raise RuntimeError(f"the simulator process ended with code {self.process.returncode}")
        self.info = json.loads(line)
        return self.info

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


class DemoEnvironment:
    """Start with :meth:`start`, build the session with :meth:`open_session`, end with :meth:`stop`."""

    def __init__(self, kinds: list[str] | None = None, *, seed_rooms: int = 0, processes: bool = False) -> None:
        self.kinds = kinds
        #: extra rooms on the plugNmeet demo server; with any, the simulators run in their own processes
        self.seed_rooms = seed_rooms
        #: each simulator in its own process (the window's demo): serving requests and starting up (TLS keys,
        #: imports) never competes with the window for the interpreter, so it cannot stall the window
        self.processes = processes or bool(seed_rooms)
        self.servers: list[DemoServer] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._old_env: str | None = None
        from meetdesk.services.memory_keyring import MemoryKeyring  # keyring's import is not free

        self._keyring = MemoryKeyring()

    @property
    def config_dir(self) -> Path:
        assert self._tmp is not None, "start() first"
        return Path(self._tmp.name)

    def start(self) -> DemoEnvironment:
        return self.prepare().start_servers()

    def prepare(self) -> DemoEnvironment:
        """The throwaway config dir, without servers yet (the window can show before they run)."""
        self._tmp = tempfile.TemporaryDirectory(prefix="meetdesk-demo-")
        self._old_env = os.environ.get(CONFIG_DIR_ENV)
        os.environ[CONFIG_DIR_ENV] = self._tmp.name
        return self

    def start_servers(self) -> DemoEnvironment:
        """Start every demo server (blocking; the window runs it in a worker thread)."""
        kinds = self.kinds or [k for k in available_kinds() if k in SIMULATOR_MODULES]
        if self.processes:
            self._start_processes(kinds)
            self._load_ca_files()
            return self
        from meetdesk.simulators.host import SimulatorHost, build_simulator  # uvicorn, starlette: only here

        for kind in kinds:
            try:
                definition = build_simulator(kind, seed=True)
            except ImportError as exc:
                log.warning("no demo server for %s: %s", kind, exc)
                continue
            host = SimulatorHost.for_definition(definition, tls=kind in TLS_KINDS).start()
            self._add_server(kind, host, host.base_url, dict(definition.fields), definition.secret, host.ca_file)
        return self

    def _load_ca_files(self) -> None:
        """The TLS contexts of the servers with their own CA, made here (a worker thread) rather than on the
        window's event loop when they connect: loading certificates takes 50–150 ms each."""
        from meetdesk.backends.http import tls_context

        for server in self.servers:
            if server.profile.ca_file:
                with contextlib.suppress(Exception):  # connecting reports a bad CA file properly
                    tls_context(server.profile.ca_file)

    def _start_processes(self, kinds: list[str]) -> None:
        started = [(kind, SimulatorProcess(kind, tls=kind in TLS_KINDS,
                                           seed_rooms=self.seed_rooms if kind == BULK_KIND else 0))
                   for kind in kinds]
        for kind, process in started:  # all start at once; then each is waited for
            try:
                info = process.wait_ready()
            except (RuntimeError, ValueError, OSError) as exc:
                log.warning("no demo server for %s: %s", kind, exc)
                process.stop()
                continue
            fields = info.get("fields")
            ca_file = info.get("ca_file")
            self._add_server(kind, process, str(info["base_url"]), dict(fields) if isinstance(fields, dict) else {},
                             str(info["secret"]), str(ca_file) if ca_file else None)

    def _add_server(self, kind: str, host: RunningSimulator, base_url: str, fields: dict[str, str], secret: str,
                    ca_file: str | None) -> None:
        cls = provider_class(kind)
        profile = Profile(name=f"Demo {cls.display_name}", kind=kind, base_url=base_url, fields=fields,
                          ca_file=ca_file)
        self.servers.append(DemoServer(kind, host, profile, secret))

    async def open_session(self) -> Session:
        """A session over the demo profiles (not yet connected)."""
        store = ProfileStore(self.config_dir / "profiles.json")
        store.load()
        secrets = SecretStore(backend=self._keyring)
        session = Session(store, secrets)
        await self.add_profiles(session)
        return session

    async def add_profiles(self, session: Session) -> None:
        """The started servers' profiles (and secrets) into ``session``."""
        for server in self.servers:
            if server.profile.name not in session.store:
                await session.add_profile(server.profile, server.secret)
            elif await session.secrets.get(server.profile.name) is None:
                await session.secrets.set(server.profile.name, server.secret)

    def stop(self) -> None:
        for server in self.servers:
            with contextlib.suppress(Exception):
                server.host.stop()
        self.servers.clear()
        if self._old_env is None:
            os.environ.pop(CONFIG_DIR_ENV, None)
        else:
            os.environ[CONFIG_DIR_ENV] = self._old_env
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> DemoEnvironment:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
