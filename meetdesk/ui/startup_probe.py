"""A hidden start-up probe for smoke tests and start-time measurements of the installed application.

With ``MEETDESK_EXIT_AFTER_PAINT=1`` in the environment, :func:`install_paint_probe` makes the application:

* write every Qt warning (or worse) to stderr as ``qt-warning: <category>: <message>`` — still passing it on to
  the handler installed before, so normal logging is unchanged — and keep counting them until the process ends
  (except the offscreen platform's notes about its own limits, :data:`OFFSCREEN_NOISE`);
* after the main window has been painted for the first time, print ``painted <ms>`` on stdout, where ``<ms>`` is
  the time since the process started (Linux; elsewhere since this module was imported), then print
  ``qt-warnings <n>`` and close the window, which ends the application as when a user closes it. If the window
  refuses to close, the event loop is quit a few seconds later.

Without the variable the function does nothing. ``packaging/linux/smoke-test`` and ``measure-startup`` use it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PROBE_ENV = "MEETDESK_EXIT_AFTER_PAINT"
_IMPORTED_AT = time.time()
_CLOSE_GRACE_MS = 5000
_REPORTED = {QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg}
# what the offscreen platform (used by headless smoke tests) says about itself, never about the application
OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints()",)

MessageHandler = Callable[[QtMsgType, QMessageLogContext, str], None]


def probe_requested() -> bool:
    return os.environ.get(PROBE_ENV) == "1"


def seconds_since_process_start() -> float:
    """Wall time since this process started (Linux, to 10 ms); elsewhere since this module was imported."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # the command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed
            fields = stat.read().rpartition(")")[2].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start, in clock ticks since boot
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return time.time() - _IMPORTED_AT


def _is_offscreen_noise(message: str) -> bool:
    return QGuiApplication.platformName() == "offscreen" and message in OFFSCREEN_NOISE


class _WarningCounter:
    def __init__(self, previous: MessageHandler | None) -> None:
        self.previous = previous
        self.count = 0

    def __call__(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if kind in _REPORTED and not _is_offscreen_noise(message):
            self.count += 1
            category = context.category or "default"
            print(f"qt-warning: {category}: {message}", file=sys.stderr, flush=True)
        if self.previous is not None:
            self.previous(kind, context, message)
        elif kind not in _REPORTED:
            print(message, file=sys.stderr, flush=True)


class _PaintProbe(QObject):
    def __init__(self, window: QWidget, counter: _WarningCounter, quit_app: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._counter = counter
        self._quit_app = quit_app
        self._fired = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._fired and watched is self._window and event.type() == QEvent.Type.Paint:
            self._fired = True
            # runs once this paint event has been handled, i.e. after the window's pixels were drawn
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        elapsed_ms = seconds_since_process_start() * 1000
        print(f"painted {elapsed_ms:.0f}", flush=True)
        print(f"qt-warnings {self._counter.count}", flush=True)
        self._window.removeEventFilter(self)
        self._window.close()
        QTimer.singleShot(_CLOSE_GRACE_MS, self._quit_app)


def install_paint_probe(window: QWidget, *, quit_app: Callable[[], None] = QCoreApplication.quit) -> None:
    """Arm the probe on ``window`` (the main window, before or after ``show()``) when the variable asks for it.

    ``quit_app`` ends the process's event loop after the report; tests pass their own, because Qt 6 delivers a
    late ``quit()`` to whatever loop runs next — another test's.
    """
    if not probe_requested():
        return
    counter = _WarningCounter(None)
    counter.previous = qInstallMessageHandler(counter)
    window.installEventFilter(_PaintProbe(window, counter, quit_app))
