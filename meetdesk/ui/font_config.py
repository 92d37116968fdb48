"""Fontconfig's set-up in a thread of its own while PySide6 is imported (Linux and other fontconfig systems).

The first text Qt draws makes fontconfig read its configuration (the XML files under /etc/fonts, ~11 million
instructions of expat here) and its font caches — ~40 million instructions in all, a fifteenth of a bare PySide6
window's start, on the UI thread and in the way of the first paint. ``FcInit`` loads exactly that and is a no-op
once it was done (Qt calls it again when it fills its font database: ``QFontconfigDatabase::populateFontDatabase``).
Called through ctypes, which lets go of the interpreter during a foreign call, it runs on the other core while
the UI thread imports PySide6 (~100 ms). Fontconfig's default configuration is set atomically (``FcConfigEnsure``),
so two threads setting it up at once only duplicate work; OpenSCAD starts fontconfig in a thread the same way.
Where there is no fontconfig (Windows, macOS) nothing happens.
"""

from __future__ import annotations

import sys
import threading

LIBRARY = "libfontconfig.so.1"


def _init() -> None:
    try:
        import ctypes

        ctypes.CDLL(LIBRARY).FcInit()
    except (OSError, AttributeError):  # no fontconfig here: Qt uses the platform's own font system
        pass


def start_fontconfig() -> threading.Thread | None:
    """Start setting fontconfig up in a daemon thread; None where Qt does not use fontconfig."""
    if sys.platform in ("win32", "darwin"):
        return None
    thread = threading.Thread(target=_init, name="meetdesk-fontconfig", daemon=True)
    thread.start()
    return thread
