"""When each request reached a simulator and when its answer left: the request timeline of a refresh.

:class:`RequestTimeline` is the outermost layer of a :class:`~meetdesk.simulators.host.SimulatorHost` given one
(outside the latency fault), so ``arrived`` is when the request came in and ``answered`` when the delayed answer
went out. :meth:`RequestTimeline.rounds` counts the sequential round trips: the longest chain of requests each
sent after the previous one's answer — what a coordinator waits for is that many latencies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from meetdesk.simulators.asgi_watch import serve_watching_status

#: query parameters worth showing in a timeline (never a password, SID or token)
SHOWN_PARAMS = ("start", "max", "roomId", "type", "id")


@dataclass(frozen=True)
class Arrival:
    method: str
    path: str
    arrived: float  # time.perf_counter() when the request came in
    answered: float  # … and when the last byte of its answer went out
    status: int
    detail: str = ""

    def label(self) -> str:
        return f"{self.method} {self.path}{f' ({self.detail})' if self.detail else ''}"


class RequestTimeline:
    """ASGI wrapper recording every HTTP request's arrival and answer times (thread-safe)."""

    def __init__(self, app: Any = None) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._arrivals: list[Arrival] = []

    def wrap(self, app: Any) -> RequestTimeline:
        self.app = app
        return self

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        arrived = time.perf_counter()

        def done(status: int) -> None:
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
            detail = " ".join(f"{k}={v}" for k, v in query if k in SHOWN_PARAMS)
            with self._lock:
                self._arrivals.append(Arrival(scope["method"], scope["path"], arrived, time.perf_counter(),
                                              status, detail))

        await serve_watching_status(self.app, scope, receive, send, done)

    def clear(self) -> None:
        with self._lock:
            self._arrivals.clear()

    def arrivals(self, since: float = 0.0, until: float = float("inf")) -> list[Arrival]:
        """The requests that arrived in ``[since, until)``, by arrival time."""
        with self._lock:
            return sorted((a for a in self._arrivals if since <= a.arrived < until), key=lambda a: a.arrived)


def rounds(arrivals: list[Arrival]) -> int:
    """The longest chain of requests each sent after the answer to the one before: sequential round trips."""
    depth: list[int] = []
    ordered = sorted(arrivals, key=lambda a: a.arrived)
    for i, request in enumerate(ordered):
        depth.append(1 + max((depth[j] for j in range(i) if ordered[j].answered <= request.arrived), default=0))
    return max(depth, default=0)


def render(timelines: dict[str, list[Arrival]], start: float) -> str:
    """One line per request: milliseconds after ``start`` it arrived and was answered, server, call."""
    rows = sorted(((a, name) for name, arrivals in timelines.items() for a in arrivals), key=lambda r: r[0].arrived)
    return "\n".join(f"{(a.arrived - start) * 1000:7.0f} → {(a.answered - start) * 1000:7.0f} ms  {name:<18} "
                     f"{a.label()}" for a, name in rows)
