"""Before Qt starts on X11: are the system libraries of Qt's xcb platform plugin installed?

Without them Qt aborts with "Could not load the Qt platform plugin "xcb"" and often names the wrong library
(libxcb-cursor0 when libxcb-icccm4 is missing). This module tries each library the plugin links against by its
soname (``dlopen``, as the dynamic loader will) and names the Debian/Ubuntu and Fedora packages that provide the
missing ones. Pure Python, no Qt import: it runs before the QApplication exists and costs a few milliseconds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping


class SystemLibrary:
    """A library the xcb plugin needs and the packages that provide it. (Not a dataclass: importing dataclasses
    costs the first paint ~5 ms.)"""

    __slots__ = ("debian", "fedora", "soname")

    def __init__(self, soname: str, debian: str, fedora: str) -> None:
        self.soname, self.debian, self.fedora = soname, debian, fedora


#: What libqxcb.so and libQt6XcbQpa.so.6 (PySide6 6.x) need from the system, directly or not (``ldd`` on the
#: plugin; tests/ui/test_platform_check.py compares). Qt's own libraries ship inside the wheel and are not listed.
XCB_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
    SystemLibrary("libGLX.so.0", "libglx0", "libglvnd-glx"),
    SystemLibrary("libGLdispatch.so.0", "libglvnd0", "libglvnd"),
    SystemLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLibrary("libfreetype.so.6", "libfreetype6", "freetype"),
    SystemLibrary("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
    SystemLibrary("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
)


def _loadable(soname: str) -> bool:
    try:
        import ctypes  # only where xcb is used: not on the way to an offscreen or Wayland window

        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(env: Mapping[str, str], platform: str = sys.platform, frozen: bool = False) -> bool:
    """Will Qt pick the xcb plugin? (Linux; QT_QPA_PLATFORM names xcb first, or is unset on an X11 session.)

    A frozen bundle carries its own copies of these libraries next to Qt, which ``dlopen`` by name would not
    find, so it is not checked.
    """
    if not platform.startswith("linux") or frozen:
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_libraries(loadable: Callable[[str], bool] = _loadable) -> list[SystemLibrary]:
    return [lib for lib in XCB_LIBRARIES if not loadable(lib.soname)]


def missing_message(missing: list[SystemLibrary]) -> str:
    """What to tell the user: the libraries, then one install line per distribution family."""
    def unique(names: list[str]) -> str:
        return " ".join(dict.fromkeys(names))

    return (
        "meetdesk: Qt's X11 (xcb) platform plugin cannot start: these system libraries are missing: "
        + ", ".join(lib.soname for lib in missing) + ".\n"
        + "  Debian / Ubuntu:  sudo apt install " + unique([lib.debian for lib in missing]) + "\n"
        + "  Fedora:           sudo dnf install " + unique([lib.fedora for lib in missing]) + "\n"
        + "  (or run on Wayland, or with QT_QPA_PLATFORM=offscreen for a window nobody sees)"
    )


def check_platform_libraries(env: Mapping[str, str] | None = None,
                             loadable: Callable[[str], bool] = _loadable) -> str | None:
    """The message naming the missing packages, or None when Qt will find what it needs (or won't use xcb)."""
    env = os.environ if env is None else env
    if not uses_xcb(env, frozen=bool(getattr(sys, "frozen", False))):
        return None
    missing = missing_libraries(loadable)
    return missing_message(missing) if missing else None


def report_missing_libraries() -> bool:
    """Print :func:`check_platform_libraries`'s message to stderr; True when meetdesk should not start Qt."""
    message = check_platform_libraries()
    if message is not None and sys.stderr is not None:
        print(message, file=sys.stderr)
    return message is not None
