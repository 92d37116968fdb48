"""Start-up in two phases (issue 12): paint the real window first, then build and connect it without freezing.

1. ``paint_first``: the window's frame (:class:`~meetdesk.ui.main_window.MainWindow` without a session: title,
   menus, tabs with their table headers, the docks' places, status bar, restored geometry) is shown and painted
   by a plain Qt event loop. Nothing heavy is imported for it: no asyncio, qasync, httpx, keyring, domain models
   or back ends, not even PySide's ``Qt`` namespace (see ``window_frame``). Right after the first paint a worker
   thread creates that namespace — then the UI thread docks the panels (``place_docks``) — and imports those
   modules (imports only — widgets are never made off the UI thread); the UI thread stays free meanwhile.
2. ``run_attached`` (in the qasync loop, as before): the session is opened, the window is attached to it one
   part at a time with the event loop running in between, the demo servers start in a worker thread, and every
   profile connects.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from meetdesk.ui.main_window import MainWindow

if TYPE_CHECKING:
    from meetdesk.services.demo import DemoEnvironment
    from meetdesk.services.session import Session

log = logging.getLogger("meetdesk.ui.startup")

#: what phase 2 needs, imported in the worker thread after the first paint (in this order); "module:function"
#: also calls the function (a warm-up that must not run on the UI thread)
QT_NAMESPACE = "meetdesk.ui.startup:warm_qt_namespace"
PRELOAD: tuple[str, ...] = (
    QT_NAMESPACE, "asyncio", "qasync", "meetdesk.ui.event_loop", "meetdesk.services.profile_store",
    "meetdesk.services.secret_store", "meetdesk.services.session", "meetdesk.ui.tasks", "meetdesk.ui.session_bridge",
    "meetdesk.ui.auto_refresh", "meetdesk.ui.window_parts", "meetdesk.ui.rooms_tab", "meetdesk.ui.meetings_tab",
    "meetdesk.ui.connections_panel", "meetdesk.ui.tray", "meetdesk.ui.composer", "PySide6.QtNetwork", "filelock",
    "meetdesk.backends.http:warm_tls_context", "meetdesk.ui.startup:warm_widget_types",
)
DEMO_PRELOAD: tuple[str, ...] = ("meetdesk.services.demo", "meetdesk.services.memory_keyring")
#: what the first request of a connection imports (httpx's transport stack), besides the provider modules
#: (:func:`connect_preload`); imported in a worker thread before connecting, not on the UI thread
CONNECT_PRELOAD: tuple[str, ...] = ("meetdesk.backends.http:warm_transport", "meetdesk.domain.times")
_POLL_MS = 10


def warm_qt_namespace() -> None:
    """Create PySide's ``Qt`` namespace (~90 Python enums, 30–40 ms) off the UI thread."""
    from PySide6.QtCore import Qt  # noqa: F401 -- importing it is what makes the enums


def warm_widget_types() -> None:
    """Create PySide's Python types for every QtWidgets class now. Shiboken makes them on first use — all ~70
    widget classes and their enums at once the first time a call returns a widget of a private class (the first
    ``QTableView.viewport()``: 20–40 ms on the UI thread)."""
    from PySide6 import QtWidgets

    for name in dir(QtWidgets):
        getattr(QtWidgets, name)


class Preloader:
    """Imports ``modules`` in a daemon thread. A module that fails to import is left for the UI thread to
    import again, where the error is handled as it always was."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = tuple(modules)
        self.done = threading.Event()
        self.finished: set[str] = set()  # each of ``modules`` once imported (or failed)
        self._thread = threading.Thread(target=self._run, name="meetdesk-preload", daemon=True)

    def start(self) -> Preloader:
        if not self._thread.is_alive() and not self.done.is_set():
            self._thread.start()
        return self

    def _run(self) -> None:
        try:
            for name in self.modules:
                module, _, function = name.partition(":")
                try:
                    imported = importlib.import_module(module)
                    if function:
                        getattr(imported, function)()
                except Exception as exc:
                    log.debug("preloading %s failed: %s", name, exc)
                self.finished.add(name)
        finally:
            self.done.set()

    def wait(self) -> None:
        self.start()
        self.done.wait()


#: how long after the first paint the import thread starts: it holds the interpreter most of its time, and the
#: window's thread first finishes the paint and handles what the desktop sends a new window (measured: started at
#: once, it delayed the next turn of the window's event loop by ~20 ms)
SETTLE_MS = 20


class _FirstPaint(QObject):
    """Calls back :data:`SETTLE_MS` after ``window`` has been painted."""

    def __init__(self, window: MainWindow, on_painted: list[object]) -> None:
        super().__init__(window)
        self.painted = False
        self._window = window
        self._callbacks = on_painted
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.painted and watched is self._window and event.type() == QEvent.Type.Paint:
            self.painted = True
            self._window.removeEventFilter(self)
            for callback in self._callbacks:
                QTimer.singleShot(SETTLE_MS, callback)  # type: ignore[call-overload]
        return False


def paint_first(app: QApplication, window: MainWindow, modules: Sequence[str],
                on_painted: Callable[[], object] | None = None) -> bool:
    """Show ``window`` and run a plain Qt event loop until it has been painted and ``modules`` are imported
    (or until it is closed), docking its panels as soon as the Qt namespace is made (:data:`QT_NAMESPACE`, or
    once all ``modules`` are in); ``on_painted`` is called with the import thread's start, after the paint.
    True when the window is still open."""
    preloader = Preloader(modules)
    closed: list[bool] = []
    first = _FirstPaint(window, [preloader.start] + ([on_painted] if on_painted is not None else []))
    window.closed.connect(lambda: closed.append(True))
    poll = QTimer()
    poll.setInterval(_POLL_MS)

    def check() -> None:
        if first.painted and not closed and (QT_NAMESPACE in preloader.finished or preloader.done.is_set()):
            window.place_docks()
        if closed or (first.painted and preloader.done.is_set()):
            poll.stop()
            app.exit(0)

    poll.timeout.connect(check)
    window.show()
    poll.start()
    app.exec()
    poll.stop()
    preloader.wait()  # also when the window was closed: a daemon thread must not be importing at exit
    # what is loaded now (PySide, the modules above: most of the heap) lives as long as the process; frozen, the
    # collector no longer walks it — a full collection during start-up took 20–25 ms of one step, now ~1 ms.
    # (No collection first: with the collector off since __main__, its young generation is the whole heap.)
    gc.freeze()
    gc.enable()  # ``meetdesk`` starts with the collector off (__main__)
    return not closed


def connect_preload(kinds: Sequence[str], *, system_keyring: bool = False) -> tuple[str, ...]:
    """The modules connecting profiles of ``kinds`` imports: each kind's client, then the HTTP stack; with
    ``system_keyring`` also keyring's choice of backend (entry points, D-Bus), which the first secret would make."""
    from meetdesk.backends.registry import BACKENDS, client_target

    clients = tuple(dict.fromkeys(client_target(kind).partition(":")[0] for kind in kinds if kind in BACKENDS))
    return clients + CONNECT_PRELOAD + (("keyring:get_keyring",) if system_keyring and clients else ())


async def breathe() -> None:
    """Let the event loop handle what is pending (paints, input) before the next step of start-up."""
    import asyncio

    await asyncio.sleep(0.001)


async def run_attached(options: argparse.Namespace, window: MainWindow, warnings: list[str]) -> int:
    """Phase 2: open the session, attach the window step by step, start the demo, connect; then wait until
    the window is closed and shut down."""
    import asyncio

    from meetdesk.services.profile_store import ProfileStore
    from meetdesk.services.secret_store import SecretStore
    from meetdesk.services.session import Session

    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_closed() -> None:
        if not closed.done():
            closed.set_result(None)

    window.closed.connect(on_closed)
    env: DemoEnvironment | None = None
    try:
        if window.isVisible():
            if options.demo:
                from meetdesk.services.demo import DemoEnvironment

                env = DemoEnvironment(seed_rooms=options.seed_rooms, processes=True).prepare()
                session = await env.open_session()
            else:
                store = ProfileStore()
                warnings += store.load().warnings
                session = Session(store, SecretStore())
            await breathe()
            for _next in window.attach_steps(session):
                await breathe()
                if closed.done():
                    break
            if not closed.done():
                await breathe()  # the last attach step ran in the turn that ended the loop above
                for _next in window.composer_steps():
                    await breathe()
                for text in warnings:
                    window.show_warning(text)
                # each import on the UI thread stalls it (PySide's import hook reads every new module's source)
                preloader = Preloader(connect_preload(_kinds(env, session), system_keyring=env is None)).start()
                if env is not None:
                    await _start_demo(env, session, window)
                await asyncio.to_thread(preloader.wait)
                window.connections.connect_all()
                await closed
        await window.shutdown()
        window.deleteLater()
    finally:
        if env is not None:
            env.stop()
    return 0


def _kinds(env: DemoEnvironment | None, session: Session) -> list[str]:
    """The back ends about to be connected: the demo's (every registered one unless it says) or the profiles'."""
    if env is not None:
        from meetdesk.backends.registry import BACKENDS

        return env.kinds or list(BACKENDS)
    return [profile.kind for profile in session.store.profiles()]


async def _start_demo(env: DemoEnvironment, session: Session, window: MainWindow) -> None:
    """Start the demo servers in a worker thread (the window stays responsive), then add their profiles."""
    import asyncio

    window.statusBar().showMessage("Starting the demo servers…")
    await asyncio.to_thread(env.start_servers)
    await env.add_profiles(session)
    window.statusBar().clearMessage()
    if not env.servers:
        window.show_warning("No demo server could be started; see the log for details.")
