"""UI test setup: ``async def`` tests run on a qasync loop over the test QApplication, so awaiting a coroutine
also processes Qt events (widgets repaint, signals fire, AsyncOp callbacks run)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
import pytest_asyncio
from _pytest.config import Config
from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QApplication

from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.secret_store import MemoryKeyring, SecretStore
from meetdesk.services.session import Session
from meetdesk.ui.tasks import activity

T = TypeVar("T")

#: what the offscreen platform says about itself when a window with docks is shown (never about the app)
OFFSCREEN_NOTE = "This plugin does not support propagateSizeHints"


def _qt_event_loop() -> asyncio.AbstractEventLoop:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    # As in the real application: closing the last window (say, a dialog under test) must not quit Qt, which
    # would end qasync's run_forever under a still-running test coroutine.
    app.setQuitOnLastWindowClosed(False)
    from meetdesk.ui.event_loop import EventLoop

    loop: asyncio.AbstractEventLoop = EventLoop(app)
    return loop


def pytest_asyncio_loop_factories(config: Config, item: pytest.Item) -> dict[str, Callable[[], Any]]:
    return {"qt": _qt_event_loop}


@pytest.fixture(autouse=True)
def _collect_garbage_in_the_main_thread() -> Iterator[None]:
    """Collect each test's cyclic garbage (its closed qasync loop, sessions and their bridges) right here.

    Left to chance, Python's collector may run in one of qasync's executor threads and destroy those main-thread
    QObjects there ("Timers cannot be stopped from another thread", or worse).
    """
    gc.collect()
    yield
    gc.collect()


def next_emission(signal: SignalInstance, timeout: float = 10.0) -> Awaitable[tuple[Any, ...]]:
    """Listen to ``signal`` from now on; await the result for its next emission's arguments.

    Safe inside coroutines, unlike ``qtbot.waitSignal``. Call it *before* triggering the emission.
    """
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def slot(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(slot)

    async def wait() -> tuple[Any, ...]:
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            with contextlib.suppress(RuntimeError):  # the sender may be gone (e.g. a dialog that closed)
                signal.disconnect(slot)

    return wait()


async def until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Let the loop run until ``predicate()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def settle(awaitable: Awaitable[T] | None) -> T | None:
    return await awaitable if awaitable is not None else None


@pytest_asyncio.fixture
async def session(tmp_path: Any) -> AsyncIterator[Session]:
    """An empty session: profiles in a temporary file, secrets in an in-memory keyring.

    Teardown cancels what the test left running and closes every connection, as the window's shutdown does.
    """
    store = ProfileStore(tmp_path / "profiles.json")
    store.load()
    session = Session(store, SecretStore(backend=MemoryKeyring()))
    yield session
    await activity().cancel_all()
    await session.aclose()


@pytest.fixture
def plugnmeet_server() -> Iterator[Any]:
    """A real plugNmeet simulator on loopback (empty: no seeded rooms)."""
    from meetdesk.simulators.host import SimulatorHost, build_simulator

    definition = build_simulator("plugnmeet", seed=False)
    with SimulatorHost.for_definition(definition) as host:
        yield host
