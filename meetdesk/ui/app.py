"""Application bootstrap: arguments, logging, QApplication + qasync loop, main window, clean shutdown."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from meetdesk import APP_ID, APP_NAME, __version__
from meetdesk.ui.main_window import MainWindow

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QMessageBox

    from meetdesk.services.session import Session

log = logging.getLogger("meetdesk.ui.app")
qt_log = logging.getLogger("meetdesk.qt")

LOG_ENV = "MEETDESK_LOG"
LOG_FILE_ENV = "MEETDESK_LOG_FILE"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


# arguments -------------------------------------------------------------------------------------
def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="A desktop console for meeting coordinators. Without a command it opens the window.",
        epilog=f"Commands such as '{APP_NAME} rooms' work without a window; '{APP_NAME} --help' lists them. "
               f"Set {LOG_ENV}=debug for detailed logs.",
    )
    parser.add_argument("--demo", action="store_true",
                        help="start built-in demo servers and try meetdesk with them; your own profiles and "
                             "keyring are not touched")
    parser.add_argument("--seed-rooms", type=int, default=0, metavar="N",
                        help="with --demo: N more rooms on the demo OpenMeetings server, to try meetdesk at scale "
                             "(e.g. 100000)")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def parse_args(args: list[str]) -> argparse.Namespace:
    """Parse the GUI's arguments; unknown ones are a usage error (SystemExit 2, message on stderr)."""
    if args in ([], ["--demo"]):  # the usual calls, without building the parser (its gettext lookups: ~4 ms)
        return argparse.Namespace(demo=bool(args), seed_rooms=0)
    parser = argument_parser()
    options = parser.parse_args(args)
    if options.seed_rooms and not options.demo:
        parser.error("--seed-rooms works with --demo only")
    if not 0 <= options.seed_rooms <= 500_000:
        parser.error("--seed-rooms must be 0–500,000")
    return options


# logging ---------------------------------------------------------------------------------------
def default_log_file() -> Path | None:
    """``$MEETDESK_LOG_FILE`` ("" disables the file), else the platform's user log directory."""
    override = os.environ.get(LOG_FILE_ENV)
    if override is not None:
        return Path(override).expanduser() if override else None
    import platformdirs

    return platformdirs.user_log_path(APP_NAME, appauthor=False) / f"{APP_NAME}.log"


def setup_logging(level_name: str | None = None, log_file: Path | None = None) -> list[logging.Handler]:
    """Log ``meetdesk.*`` to stderr (warnings, or ``level_name``) and to ``log_file`` (info, or ``level_name``).

    Returns the handlers added, so a caller that runs more than once (tests) can remove them.
    """
    level = _LEVELS.get((level_name or "").strip().lower())
    root = logging.getLogger("meetdesk")
    root.setLevel(min(level or logging.INFO, logging.INFO))
    formatter = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    handlers: list[logging.Handler] = []
    if sys.stderr is not None:  # None in a windowed (no console) frozen build
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(level or logging.WARNING)
        console.setFormatter(formatter)
        handlers.append(console)
    if log_file is not None:
        from logging.handlers import RotatingFileHandler

        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            file_handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3,
                                                                encoding="utf-8")
        except OSError as exc:
            if sys.stderr is not None:
                print(f"{APP_NAME}: cannot write the log file {log_file}: {exc}", file=sys.stderr)
        else:
            file_handler.setLevel(level or logging.INFO)
            file_handler.setFormatter(formatter)
            handlers.append(file_handler)
    for handler in handlers:
        root.addHandler(handler)
    return handlers


def qt_message_handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own diagnostics, into Python logging as ``meetdesk.qt``."""
    category = context.category if context is not None else None
    text = f"{category}: {message}" if category and category != "default" else message
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", text)


@contextlib.contextmanager
def qt_messages_logged() -> Iterator[None]:
    previous = qInstallMessageHandler(qt_message_handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


# unexpected errors -----------------------------------------------------------------------------
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


class ErrorReporter:
    """``sys.excepthook`` and the loop's exception handler: log the traceback, tell the user without a modal."""

    def __init__(self, window_getter: Callable[[], MainWindow | None], log_file: Path | None) -> None:
        self._window = window_getter
        self._log_file = log_file
        self._box: QMessageBox | None = None

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("unexpected error", exc_info=(exc_type, exc, tb))
        self._show(exc)

    def loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        import asyncio

        exc = context.get("exception")
        if isinstance(exc, BaseException) and not isinstance(exc, asyncio.CancelledError):
            log.critical("unexpected error in the event loop: %s", context.get("message", ""),
                         exc_info=(type(exc), exc, exc.__traceback__))
            self._show(exc)
        else:
            log.error("event loop: %s", context.get("message", context))

    def _show(self, exc: BaseException) -> None:
        if self._box is not None and isValid(self._box) and self._box.isVisible():
            return  # one box at a time; the log has them all
        from meetdesk.domain.errors import MeetdeskError
        from meetdesk.ui.messages import show_error

        if isinstance(exc, MeetdeskError):
            text = exc.user_text()
        else:
            where = f" The details are in the log file {self._log_file}." if self._log_file else ""
            text = ("Something went wrong inside meetdesk. Your data is safe; you can keep working, "
                    "but if something looks wrong, restart meetdesk." + where)
        window = self._window()
        try:
            self._box = show_error(window if window is not None and isValid(window) else None, APP_NAME, text)
        except Exception:  # never let error reporting raise
            log.exception("could not show the error message")

    @contextlib.contextmanager
    def installed(self, loop: asyncio.AbstractEventLoop) -> Iterator[None]:
        previous = sys.excepthook
        sys.excepthook = self.excepthook
        loop.set_exception_handler(self.loop_exception)
        try:
            yield
        finally:
            sys.excepthook = previous
            loop.set_exception_handler(None)


# application -----------------------------------------------------------------------------------
def create_application(*, icon: bool = True) -> QApplication:
    """The QApplication, named for desktops (app id for Wayland / .desktop matching, icon).

    ``icon=False``: the icon is set by the main window once attached (reading its files is not free)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1] or [APP_NAME])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    if icon:
        from meetdesk.ui.icons import app_icon

        if not app_icon().isNull():
            app.setWindowIcon(app_icon())
    # the window's closed signal ends the run, after cleanup; Qt must not stop the loop first
    app.setQuitOnLastWindowClosed(False)
    return app


def build_main_window(session: Session, *, demo: bool = False, defer_composer: bool = False) -> MainWindow:
    """The main window for ``session``, built at once, layout restored, not shown; for tests and the screenshot
    script (``run_gui`` paints a lean frame first and attaches it step by step: ``ui/startup.py``).

    ``defer_composer``: the composer is built right after the first paint; until then
    ``window.composer`` is an empty stand-in — ``window.ensure_built()`` builds it at once, ``built`` says when."""
    return MainWindow(session, demo=demo, defer_composer=defer_composer)


@contextlib.contextmanager
def _close_on_signals(window_getter: Callable[[], MainWindow | None]) -> Iterator[None]:
    """Ctrl+C in the terminal (and SIGTERM at logout) close the window like the user would. (From the first
    paint on: importing ``signal`` makes its Python enums, ~1.5 ms.)"""
    if sys.platform == "win32":
        yield
        return
    import signal

    def handler(_signum: int, _frame: object) -> None:
        window = window_getter()
        if window is not None and isValid(window):
            QTimer.singleShot(0, window.close)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    # Python only runs signal handlers between bytecodes; wake it up now and then while Qt waits
    ticker = QTimer()
    ticker.start(300)
    ticker.timeout.connect(lambda: None)
    try:
        yield
    finally:
        ticker.stop()
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_gui(args: list[str]) -> int:
    """Run the window until it is closed; the process exit code."""
    try:
        options = parse_args(args)
    except SystemExit as exc:  # --help, --version, or a usage error already printed by argparse
        return exc.code if isinstance(exc.code, int) else 2
    from meetdesk.ui.platform_check import report_missing_libraries
    if report_missing_libraries():  # before Qt aborts with a misleading message: name the missing packages
        return 1
    log_file = default_log_file()
    handlers = setup_logging(os.environ.get(LOG_ENV), log_file)
    log.info("%s %s starting%s", APP_NAME, __version__, " in demo mode" if options.demo else "")
    # qasync picks its Qt binding from QT_API, else from what is already imported: make sure it is PySide6,
    # whatever a user's environment says for other tools.
    os.environ["QT_API"] = "pyside6"

    holder: dict[str, MainWindow] = {}
    reporter = ErrorReporter(lambda: holder.get("window"), log_file)
    try:
        with qt_messages_logged():
            app = create_application(icon=False)
            try:
                return _run_phases(options, app, holder, reporter)
            except Exception as exc:
                from meetdesk.domain.errors import MeetdeskError

                log.critical("meetdesk could not run", exc_info=True)
                if sys.stderr is not None:
                    message = exc.user_text() if isinstance(exc, MeetdeskError) else f"{type(exc).__name__}: {exc}"
                    print(f"{APP_NAME}: {message}", file=sys.stderr)
                return 1
    finally:
        log.info("%s stopped", APP_NAME)
        for handler in handlers:
            logging.getLogger("meetdesk").removeHandler(handler)
            handler.close()


def _run_phases(options: argparse.Namespace, app: QApplication, holder: dict[str, MainWindow],
                reporter: ErrorReporter) -> int:
    """Paint the window's frame in a plain Qt event loop, then attach and connect it in the qasync loop."""
    from meetdesk.ui.startup import DEMO_PRELOAD, PRELOAD, paint_first, run_attached

    window = MainWindow(None, demo=options.demo, defer_composer=True, restore=not options.demo)
    holder["window"] = window
    _arm_startup_probe(window)
    with contextlib.ExitStack() as signals:
        installed: list[bool] = []

        def close_on_signals() -> None:  # from the first paint on (see _close_on_signals)
            if not installed:
                installed.append(True)
                signals.enter_context(_close_on_signals(lambda: holder.get("window")))

        paint_first(app, window, PRELOAD + (DEMO_PRELOAD if options.demo else ()), on_painted=close_on_signals)
        close_on_signals()  # also when the window was closed before its first paint
        import asyncio

        from meetdesk.ui.event_loop import EventLoop  # qasync: imported by the preloader meanwhile

        loop = EventLoop(app)
        asyncio.set_event_loop(loop)
        try:
            with reporter.installed(loop), loop:
                return loop.run_until_complete(run_attached(options, window, []))
        finally:
            asyncio.set_event_loop(None)


def _arm_startup_probe(window: MainWindow) -> None:
    """The packaging smoke test's hook (does nothing unless its environment variable is set)."""
    try:
        from meetdesk.ui.startup_probe import install_paint_probe
    except ModuleNotFoundError:
        return
    install_paint_probe(window)
