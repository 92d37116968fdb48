"""Runs simulator ASGI apps on uvicorn in a background thread, on 127.0.0.1 only."""

from __future__ import annotations

import importlib
import logging
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from meetdesk.simulators import SIMULATOR_MODULES
from meetdesk.simulators.faults import ASGIApp, FaultInjector, Faults
from meetdesk.simulators.timeline import RequestTimeline
from meetdesk.simulators.tls import TLSFiles, generate_tls_files

log = logging.getLogger("meetdesk.simulators")


@dataclass
class SimulatorDefinition:
    """What a simulator module's ``build()`` returns.

    Attributes:
        kind: the provider kind it imitates.
        app: the ASGI (Starlette) application.
        base_path: the path under which the web root lives ("" or e.g. "/openmeetings").
        fields: non-secret profile fields that work against it (api_key, user, …).
        secret: the secret that works against it.
        state: the simulator's live state object, for tests.
        extra: more keys for the standalone runner's JSON line (e.g. a second way to sign in).
        tls: whether the simulator is served over TLS unless told otherwise (its clients need https).
    """

    kind: str
    app: ASGIApp
    base_path: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    secret: str = ""
    state: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    tls: bool = False


def build_simulator(kind: str, *, seed: bool = True, **options: Any) -> SimulatorDefinition:
    try:
        module_name = SIMULATOR_MODULES[kind]
    except KeyError:
        raise ValueError(f"no simulator for kind {kind!r}; known: {', '.join(SIMULATOR_MODULES)}") from None
    module = importlib.import_module(module_name)
    definition: SimulatorDefinition = module.build(seed=seed, **options)
    return definition


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # older uvicorn; threads must not touch signals
        pass


class SimulatorHost:
    """Serve one ASGI app on 127.0.0.1 in a background thread.

    Use as a context manager or call :meth:`start` / :meth:`stop`.
    """

    def __init__(self, app: ASGIApp, *, base_path: str = "", port: int = 0, tls: bool = False,
                 faults: Faults | None = None, timeline: RequestTimeline | None = None) -> None:
        self.faults = faults or Faults()
        self._app: ASGIApp = FaultInjector(app, self.faults)
        if timeline is not None:  # outside the faults: it sees when a request came in and its answer went out
            self._app = timeline.wrap(self._app)
        self._base_path = base_path.rstrip("/")
        self._port = port
        self._tls = tls
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.tls_files: TLSFiles | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @classmethod
    def for_definition(cls, definition: SimulatorDefinition, **kwargs: Any) -> SimulatorHost:
        host = cls(definition.app, base_path=definition.base_path, **kwargs)
        host.definition = definition
        return host

    definition: SimulatorDefinition | None = None

    @property
    def origin(self) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.origin + self._base_path

    @property
    def ca_file(self) -> str | None:
        return str(self.tls_files.ca_file) if self.tls_files else None

    def start(self, timeout: float = 10.0) -> SimulatorHost:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self._port))
        # accepted sockets inherit this; without it Nagle + delayed ACK add ~40 ms to every response
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.listen(128)
        self.port = sock.getsockname()[1]
        ssl_kwargs: dict[str, Any] = {}
        if self._tls:
            self._tmp = tempfile.TemporaryDirectory(prefix="meetdesk-sim-tls-")
            self.tls_files = generate_tls_files(Path(self._tmp.name))
            ssl_kwargs = {"ssl_certfile": str(self.tls_files.cert_file), "ssl_keyfile": str(self.tls_files.key_file)}
        config = uvicorn.Config(self._app, log_level="critical", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=1, **ssl_kwargs)
        self._server = _Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"simulator:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("simulator server did not start")
            time.sleep(0.01)
        log.info("simulator listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> SimulatorHost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
