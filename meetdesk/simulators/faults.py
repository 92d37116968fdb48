"""Runtime fault injection for any simulator: latency, error statuses, dropped connections, bad bodies."""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]
Receive = Any
Send = Any
ASGIApp = Any


@dataclass
class Faults:
    """Mutable at runtime from any thread. Rates are probabilities from 0.0 to 1.0."""

    latency_ms: int = 0
    error_status: int = 503
    error_rate: float = 0.0
    drop_rate: float = 0.0
    malformed_rate: float = 0.0
    #: only requests whose path starts with this prefix are affected ("" = all)
    path_prefix: str = ""
    seed: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    #: counters, for tests
    injected: dict[str, int] = field(default_factory=lambda: {"error": 0, "drop": 0, "malformed": 0})

    def __post_init__(self) -> None:
        if self.seed is not None:
            self._rng.seed(self.seed)

    def clear(self) -> None:
        with self._lock:
            self.latency_ms = 0
            self.error_rate = self.drop_rate = self.malformed_rate = 0.0
            self.path_prefix = ""

    def _roll(self, rate: float) -> bool:
        with self._lock:
            return rate > 0 and self._rng.random() < rate

    def choose(self, path: str) -> str | None:
        if self.path_prefix and not path.startswith(self.path_prefix):
            return None
        for name, rate in (("drop", self.drop_rate), ("error", self.error_rate), ("malformed", self.malformed_rate)):
            if self._roll(rate):
                with self._lock:
                    self.injected[name] += 1
                return name
        return None


class FaultInjector:
    """ASGI middleware applying :class:`Faults` to HTTP requests."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        faults = self.faults
        path = scope.get("path", "")
        if faults.latency_ms and (not faults.path_prefix or path.startswith(faults.path_prefix)):
            await asyncio.sleep(faults.latency_ms / 1000)
        fault = faults.choose(path)
        if fault == "error":
            body = b'{"error":"injected fault"}'
            await send({"type": "http.response.start", "status": faults.error_status,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        elif fault == "malformed":
            body = b'{"status": tru\x00<html>'
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        elif fault == "drop":
            # Promise a body, send part of it and stop: the server closes the connection mid-response,
            # which a client sees exactly like a dropped connection.
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"sta', "more_body": False})
        else:
            await self.app(scope, receive, send)
