"""The xcb library check that runs before Qt starts: it names the packages, and its list matches the plugin."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meetdesk.ui.platform_check import (
    XCB_LIBRARIES,
    check_platform_libraries,
    missing_libraries,
    uses_xcb,
)


def test_names_exactly_the_missing_packages() -> None:
    absent = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    message = check_platform_libraries({"DISPLAY": ":0"}, loadable=lambda soname: soname not in absent)
    assert message is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms\n" in message
    assert "libxcb-cursor0" not in message  # Qt's own message blames this one even when it is installed


def test_silent_when_everything_loads_or_xcb_is_not_used() -> None:
    assert check_platform_libraries({"DISPLAY": ":0"}, loadable=lambda _s: True) is None
    nothing = lambda _s: False  # noqa: E731
    assert check_platform_libraries({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, loadable=nothing) is None
    assert check_platform_libraries({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, loadable=nothing) is None
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb;wayland"}) and not uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb"})
    assert not uses_xcb({"DISPLAY": ":0"}, platform="darwin") and not uses_xcb({"DISPLAY": ":0"}, frozen=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux-only")
def test_every_listed_soname_loads_on_this_machine() -> None:
    """CI installs the packages the README names; a misspelt soname would be reported missing here."""
    assert missing_libraries() == []


@pytest.mark.skipif(not shutil.which("ldd"), reason="needs ldd")
def test_list_covers_what_the_plugin_links_against() -> None:
    PREFIXES = ("libX11", "libxkbcommon", "libGL", "libEGL", "libfontconfig")
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    needed: set[str] = set()
    for binary in (qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"):
        out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True, timeout=30).stdout
        for line in out.splitlines():
            name = line.strip().split(" ")[0]
            system = "=>" in line and not name.startswith("libQt6")
            if system and ("xcb" in name.lower() or name.startswith(PREFIXES)):
                needed.add(name)
    listed = {lib.soname for lib in XCB_LIBRARIES}
    assert needed and needed <= listed, needed - listed


def test_gui_exits_with_the_message_before_qt_starts(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from meetdesk.ui import app, platform_check

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(platform_check, "_loadable", lambda soname: soname != "libxcb-icccm.so.4")
    monkeypatch.setattr(platform_check.check_platform_libraries, "__defaults__",
                        (None, platform_check._loadable))
    assert app.run_gui([]) == 1
    assert "sudo apt install libxcb-icccm4" in capsys.readouterr().err
