"""An ASGI wrapper that records each request the simulator answered, for tests."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.applications import Starlette

from meetdesk.backends.openmeetings.simulator.data import (
    OpenMeetingsState,
)
from meetdesk.simulators.asgi_watch import serve_watching_status


class RequestLog:
    """ASGI wrapper recording (method, path, status) of each request into the state."""

    def __init__(self, app: Starlette, state: OpenMeetingsState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        def done(status: int) -> None:
            with self.state.lock:
                self.state.requests.append((scope["method"], scope["path"], status))

        await serve_watching_status(self.app, scope, receive, send, done)
