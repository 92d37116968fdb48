"""Serve one ASGI call and learn the status of its answer: what the request recorders (the OpenMeetings
simulator's request log, :class:`~meetdesk.simulators.timeline.RequestTimeline`) share."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any


async def serve_watching_status(app: Any, scope: MutableMapping[str, Any], receive: Any, send: Any,
                                done: Callable[[int], None]) -> None:
    """``await app(scope, receive, send)``, then ``done(status)`` — also when the app raised (status 0 if no
    answer was started)."""
    status = 0

    async def watch(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        await send(message)

    try:
        await app(scope, receive, watch)
    finally:
        done(status)
