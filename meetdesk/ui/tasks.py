"""Describe background work instead of hand-wiring it (after Anki's ``QueryOp``)::

    AsyncOp(self, lambda: session.create_room(name, draft)) \
        .with_progress("Creating room…") \
        .success(self._room_created) \
        .failure(self._show_inline_error) \
        .run()

The coroutine runs on the qasync loop; ``success``/``failure`` run on the UI thread afterwards. Without
``failure`` an error opens a non-modal message box. Cancellation (window closing) is silent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from meetdesk.domain.errors import MeetdeskError
from meetdesk.ui.messages import show_error

log = logging.getLogger("meetdesk.ui.tasks")
T = TypeVar("T")


class Activity(QObject):
    """Counts running operations; the status bar shows an indicator while ``count`` > 0."""

    changed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._labels: list[str] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def count(self) -> int:
        return len(self._labels)

    def begin(self, label: str) -> None:
        self._labels.append(label)
        self.changed.emit(self.count, label)

    def end(self, label: str) -> None:
        if label in self._labels:
            self._labels.remove(label)
        self.changed.emit(self.count, self._labels[-1] if self._labels else "")

    def track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def running_tasks(self) -> list[asyncio.Task[Any]]:
        return list(self._tasks)

    async def cancel_all(self) -> None:
        tasks = [t for t in self._tasks if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


_activity: Activity | None = None


def activity() -> Activity:
    """The application-wide activity tracker."""
    global _activity
    if _activity is None:
        _activity = Activity()
    return _activity


class AsyncOp(Generic[T]):
    def __init__(self, parent: QWidget | None, op: Callable[[], Awaitable[T]]) -> None:
        self._parent = parent
        self._op = op
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._finally: Callable[[], None] | None = None
        self._label: str | None = None
        self._error_title = "meetdesk"

    def success(self, fn: Callable[[T], None]) -> AsyncOp[T]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> AsyncOp[T]:
        """Handle errors yourself (e.g. inline in a dialog). ``fn`` gets MeetdeskError or another Exception."""
        self._failure = fn
        return self

    def finally_(self, fn: Callable[[], None]) -> AsyncOp[T]:
        self._finally = fn
        return self

    def with_progress(self, label: str) -> AsyncOp[T]:
        self._label = label
        return self

    def error_title(self, title: str) -> AsyncOp[T]:
        self._error_title = title
        return self

    def run(self) -> asyncio.Task[None]:
        task = asyncio.ensure_future(self._run())
        activity().track(task)
        return task

    def _alive(self) -> bool:
        return self._parent is None or isValid(self._parent)

    async def _run(self) -> None:
        label = self._label
        if label:
            activity().begin(label)
        try:
            result = await self._op()
        except asyncio.CancelledError:
            return
        except Exception as exc:
            if not isinstance(exc, MeetdeskError):
                log.exception("unexpected error in %s", label or "background operation")
            else:
                log.info("%s failed: %s", label or "operation", exc.message)
            if not self._alive():
                return
            if self._failure is not None:
                self._failure(exc)
            else:
                show_error(self._parent, self._error_title, exc)
            return
        finally:
            if label:
                activity().end(label)
            if self._finally is not None and self._alive():
                self._finally()
        if self._success is not None and self._alive():
            self._success(result)
