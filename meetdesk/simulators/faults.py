"""Runtime fault injection for any simulator: latency, error statuses, dropped connections, bad bodies, and
hostile servers (``Faults.mode``): a dripping answer, a black hole, deeply nested or huge bodies, a redirect
with credentials in its query, an answer lost after the request was carried out."""

from __future__ import annotations

import asyncio
import json
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
    #: a hostile-server behaviour for every matching request (see :data:`MODES`); "" = none
    mode: str = ""
    #: only requests with this HTTP method get ``mode`` ("" = any)
    method: str = ""
    #: ``mode`` hits this many requests, then switches itself off (0 = every request)
    times: int = 0
    #: ``drip``: seconds between the bytes; ``huge``: megabytes of padding; ``nested``: depth
    drip_interval_s: float = 0.5
    huge_mb: int = 64
    nested_depth: int = 100_000
    #: ``redirect``: where to send the client (credentials in the query, as a careless proxy would)
    redirect_to: str = "https://elsewhere.example/login?user=admin&password=hunter2&SID=abc"
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
            self.path_prefix = self.mode = self.method = ""

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
        if faults.mode and (not faults.path_prefix or path.startswith(faults.path_prefix)) \
                and (not faults.method or scope.get("method") == faults.method):
            with faults._lock:
                mode = faults.mode
                faults.injected[mode] = faults.injected.get(mode, 0) + 1
                if faults.times and faults.injected[mode] >= faults.times:
                    faults.mode = ""
            await MODES[mode](self, scope, receive, send)
            return
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

    # hostile servers ---------------------------------------------------------------------------------
    async def _answer_of_app(self, scope: Scope, receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Run the real app and capture its answer (so the fault can mangle it)."""
        start: dict[str, Any] = {}
        body = bytearray()

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, capture)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        return int(start.get("status", 500)), headers, bytes(body)

    async def _drip(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The real answer, one byte at a time: every read succeeds, so per-read timeouts never fire."""
        status, headers, body = await self._answer_of_app(scope, receive)
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        for i in range(len(body)):
            await asyncio.sleep(self.faults.drip_interval_s)
            await send({"type": "http.response.body", "body": body[i:i + 1], "more_body": i < len(body) - 1})

    async def _black_hole(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Accept the request and never answer."""
        await asyncio.Event().wait()

    async def _nested(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A 200 answer nested deeper than any parser recurses (XML for an XML API, else JSON)."""
        status, headers, _body = await self._answer_of_app(scope, receive)
        depth = self.faults.nested_depth
        xml = any(k.lower() == b"content-type" and b"xml" in v for k, v in headers)
        body = (b"<a>" * depth + b"</a>" * depth) if xml else (b'{"a":' * depth + b"1" + b"}" * depth)
        await send({"type": "http.response.start", "status": 200 if status < 400 else status,
                    "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def _huge(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The real answer after ``huge_mb`` megabytes of whitespace (still valid JSON), without a length."""
        status, headers, body = await self._answer_of_app(scope, receive)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        chunk = b" " * (1024 * 1024)
        try:
            for _ in range(self.faults.huge_mb):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": body})
        except OSError:  # the client hung up, as it should
            return

    async def _redirect(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A redirect; ``redirect_to == "same"`` sends the request's own URL (query and all) to https, as a
        proxy that upgrades http does — a password in the query then comes back in the Location."""
        location = self.faults.redirect_to
        if location == "same":
            host = dict(scope.get("headers", [])).get(b"host", b"localhost").decode()
            query = scope.get("query_string", b"").decode()
            location = f"https://{host}{scope.get('path', '')}" + (f"?{query}" if query else "")
        await send({"type": "http.response.start", "status": 302,
                    "headers": [(b"location", location.encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    async def _lose_answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Do what was asked, then break the connection before the answer is complete."""
        await self._answer_of_app(scope, receive)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b'{"sta', "more_body": False})


def _with_bad_row(value: Any) -> bool:
    """Put an unreadable entry at the front of every list of objects in ``value``; True if there was one."""
    found = False
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):  # the rows themselves stay intact
            value.insert(0, "not a row")
            return True
        for item in value:
            found = _with_bad_row(item) or found
    elif isinstance(value, dict):
        for item in value.values():
            found = _with_bad_row(item) or found
    return found


def _xml_with_bad_row(body: bytes) -> bytes:
    """XML answers (the legacy Axis API): an empty element in front of the first group of record elements —
    two or more children of one parent sharing a tag and having fields of their own."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(body)  # the simulator's own answer: trusted
    for parent in root.iter():
        records = [c for c in parent if len(c)]
        tags = {c.tag for c in records}
        if len(records) >= 2 and len(tags) == 1:
            parent.insert(list(parent).index(records[0]), ElementTree.Element(records[0].tag))
            return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))
    return body


async def _bad_row(self: FaultInjector, scope: Scope, receive: Receive, send: Send) -> None:
    """The real answer with one unreadable row in front of each list of rows (JSON) or the first (XML)."""
    status, headers, body = await self._answer_of_app(scope, receive)
    xml = any(k.lower() == b"content-type" and b"xml" in v for k, v in headers)
    try:
        if xml:
            body = _xml_with_bad_row(body)
        else:
            doc = json.loads(body)
            if _with_bad_row(doc):
                body = json.dumps(doc).encode()
    except ValueError:  # includes ElementTree.ParseError
        pass
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


MODES = {
    "bad_row": _bad_row,
    "drip": FaultInjector._drip,
    "black_hole": FaultInjector._black_hole,
    "nested": FaultInjector._nested,
    "huge": FaultInjector._huge,
    "redirect": FaultInjector._redirect,
    "lose_answer": FaultInjector._lose_answer,
}
