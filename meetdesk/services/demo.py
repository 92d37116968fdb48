"""Demo mode: every registered back end's simulator with seed data, profiles in a throwaway config dir,
secrets in an in-memory keyring. The user's real configuration and keyring are never touched."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from meetdesk.backends.base import available_kinds, provider_class
from meetdesk.domain.models import Profile
from meetdesk.services.paths import CONFIG_DIR_ENV
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import MemoryKeyring, SecretStore
from meetdesk.services.session import Session
from meetdesk.simulators import SIMULATOR_MODULES
from meetdesk.simulators.host import SimulatorHost, build_simulator

log = logging.getLogger("meetdesk.services.demo")

#: back ends whose demo server runs with TLS and its own CA, like a typical self-hosted install
TLS_KINDS = frozenset({"openmeetings", "huawei"})


@dataclass
class DemoServer:
    kind: str
    host: SimulatorHost
    profile: Profile
    secret: str


class DemoEnvironment:
    """Start with :meth:`start`, build the session with :meth:`open_session`, end with :meth:`stop`."""

    def __init__(self, kinds: list[str] | None = None) -> None:
        self.kinds = kinds
        self.servers: list[DemoServer] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._old_env: str | None = None
        self._keyring = MemoryKeyring()

    @property
    def config_dir(self) -> Path:
        assert self._tmp is not None, "start() first"
        return Path(self._tmp.name)

    def start(self) -> DemoEnvironment:
        self._tmp = tempfile.TemporaryDirectory(prefix="meetdesk-demo-")
        self._old_env = os.environ.get(CONFIG_DIR_ENV)
        os.environ[CONFIG_DIR_ENV] = self._tmp.name
        kinds = self.kinds or [k for k in available_kinds() if k in SIMULATOR_MODULES]
        for kind in kinds:
            try:
                definition = build_simulator(kind, seed=True)
            except ImportError as exc:
                log.warning("no demo server for %s: %s", kind, exc)
                continue
            host = SimulatorHost.for_definition(definition, tls=kind in TLS_KINDS).start()
            cls = provider_class(kind)
            profile = Profile(
                name=f"Demo {cls.display_name}",
                kind=kind,
                base_url=host.base_url,
                fields=dict(definition.fields),
                ca_file=host.ca_file,
            )
            self.servers.append(DemoServer(kind, host, profile, definition.secret))
        return self

    async def open_session(self) -> Session:
        """A session over the demo profiles (not yet connected)."""
        store = ProfileStore(self.config_dir / "profiles.json")
        store.load()
        secrets = SecretStore(backend=self._keyring)
        session = Session(store, secrets)
        for server in self.servers:
            if server.profile.name not in store:
                await session.add_profile(server.profile, server.secret)
            elif await secrets.get(server.profile.name) is None:
                await secrets.set(server.profile.name, server.secret)
        return session

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
