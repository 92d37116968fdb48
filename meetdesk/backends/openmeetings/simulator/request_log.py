"""An ASGI wrapper that records each request the simulator answered, for tests."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.applications import Starlette

from meetdesk.backends.openmeetings.simulator.data import (
    OpenMeetingsState,
)


class RequestLog:
    """ASGI wrapper recording (method, path, status) of each request into the state."""

    def __init__(self, app: Starlette, state: OpenMeetingsState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0

        async def watch(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            with self.state.lock:
                self.state.requests.append((scope["method"], scope["path"], status))
