"""Round trips counted by cause, not by the clock: a simulator that holds requests until the test lets them through.

A round trip is a request the client could only send once it had the answer to an earlier one. Timing the
requests (:func:`meetdesk.simulators.timeline.rounds` with a latency fault) reads a stretch of a loaded machine
as a dependency: requests sent at once that reach the server more than one latency apart count as two rounds.
:class:`HeldRequests` instead answers nothing until the test calls :meth:`HeldRequests.release`; what arrived
meanwhile is one wave. A client that sends its pages at once has them all waiting in one wave; one that waits for
each answer has only one waiting, however long the test waits — so a wave's size is a fact, not a race.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeVar

R = TypeVar("R")


class HeldRequests:
    """ASGI wrapper: every HTTP request ``matches`` accepts waits until :meth:`release`; the others pass."""

    def __init__(self, app: Any, matches: Callable[[str], bool] = lambda _path: True, *, holding: bool = True,
                 ) -> None:
        self.app = app
        self.matches = matches
        self._lock = threading.Lock()
        self._released = 0  # releases so far; a request that arrived after release n is let through by n + 1
        self._open = not holding
        self._waiting: list[str] = []
        #: the requests each release let through (their path and query), in order
        self.waves: list[list[str]] = []

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.matches(scope["path"]):
            query = scope.get("query_string", b"").decode("latin-1")
            label = f"{scope['path']}?{query}" if query else scope["path"]
            with self._lock:
                wave = self._released
                if not self._open:
                    self._waiting.append(label)
            while True:
                with self._lock:
                    if self._open or self._released > wave:
                        break
                await asyncio.sleep(0.002)  # the simulator's own thread and loop: the test's loop never waits
        await self.app(scope, receive, send)

    @property
    def waiting(self) -> list[str]:
        with self._lock:
            return list(self._waiting)

    async def wait_for(self, count: int, timeout: float = 10.0, unless_done: asyncio.Future[Any] | None = None,
                       ) -> bool:
        """True once ``count`` requests are waiting; False if fewer still are after ``timeout`` seconds (generous:
        a client that sends them at once has them here in milliseconds, and one that does not never will) or
        once ``unless_done`` is done."""
        deadline = time.monotonic() + timeout
        while len(self.waiting) < count:
            if time.monotonic() > deadline or (unless_done is not None and unless_done.done()):
                return False
            await asyncio.sleep(0.005)
        return True

    async def run(self, work: Awaitable[R], sizes: list[int], timeout: float = 10.0) -> R:
        """``await work``, letting its requests through in waves of the ``sizes`` expected; a request past those
        (or one a wave still lacked after ``timeout`` seconds) goes on a wave of its own. :attr:`waves` tells
        what happened: one wave per round trip."""
        task = asyncio.ensure_future(work)
        try:
            for size in sizes:
                if not await self.wait_for(size, timeout, unless_done=task):
                    break
                self.release()
            while not task.done():
                if self.waiting:
                    self.release()
                await asyncio.sleep(0.005)
            return await task
        finally:
            self.open()
            if not task.done():
                task.cancel()

    def release(self) -> list[str]:
        """Let every waiting request through; the next ones wait for the next release. Returns that wave."""
        with self._lock:
            wave, self._waiting = self._waiting, []
            self._released += 1
            self.waves.append(wave)
            return wave

    def open(self) -> None:
        """Let every waiting request through and hold nothing any more (also: a test that failed lets its client
        finish)."""
        with self._lock:
            self._open = True
            self._waiting = []

    def hold(self) -> None:
        """Hold the requests from now on (after :meth:`open`, or with ``holding=False``)."""
        with self._lock:
            self._open = False
            self.waves.clear()
