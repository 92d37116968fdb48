"""Issue 12: the window's frame is painted first, with nothing heavy imported; the session's parts follow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from benchmarks.startup_stall import HEAVY
from meetdesk.services.session import Session
from meetdesk.ui.main_window import MainWindow
from meetdesk.ui.ui_state import state_path
from meetdesk.ui.window_frame import PREVIEW_ACTIONS, TablePreview, preview_columns
from tests.ui.conftest import OFFSCREEN_NOTE

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)
ROOT = Path(__file__).resolve().parents[2]


def _visible_headers(table: QTableView) -> list[str]:
    header = table.horizontalHeader()
    model = table.model()
    logical = [header.logicalIndex(visual) for visual in range(header.count())]
    return [str(model.headerData(i, header.orientation())) for i in logical if not header.isSectionHidden(i)]


def test_the_frame_shows_menus_tabs_and_headers_before_the_session_then_attaches(
    qtbot: QtBot, session: Session
) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    # what the first paint shows: the menus' titles, the tabs, the shown tab's preview
    assert window.windowTitle() == "meetdesk"
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&View", "&Help"]
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["&Rooms", "&Meetings"]
    assert isinstance(window.rooms_tab, TablePreview) and window.tabs.currentIndex() == 0
    assert _visible_headers(window.rooms_tab.table) == preview_columns("rooms")
    assert not hasattr(window, "refresh_action") and all(menu.isEmpty() for menu in window._menus)
    window.show()
    qtbot.waitExposed(window)
    # right after it: the menus' items, the hidden tab's preview, the docks (not docked yet)
    qtbot.waitUntil(lambda: hasattr(window, "refresh_action"), timeout=5_000)
    assert isinstance(window.meetings_tab, TablePreview) and window.tabs.widget(1) is window.meetings_tab
    assert _visible_headers(window.meetings_tab.table) == preview_columns("meetings")
    assert window.tabs.currentIndex() == 0 and not window.connections_dock.isVisible()
    assert not window.refresh_action.isEnabled() and window.refresh_all() is None  # nothing to refresh yet
    assert window.refresh_action.shortcut().isEmpty()  # assigned after the first paint
    assert window.status_text() == "Starting…" and window.busy.isVisible()

    with qtbot.waitSignal(window.attached, timeout=10_000):
        window.attach(session)
    assert type(window.rooms_tab).__name__ == "RoomsTab" and window.tabs.widget(0) is window.rooms_tab
    assert type(window.meetings_tab).__name__ == "MeetingsTab" and window.tabs.widget(1) is window.meetings_tab
    assert window.connections_dock.widget() is window.connections
    assert window.refresh_action.isEnabled() and window.refresh_action.shortcut().toString() == "F5"
    assert window.status_text() == "Ready." and not window.busy.isVisible()
    qtbot.waitUntil(lambda: type(window.composer).__name__ == "JoinLinkComposer", timeout=10_000)


def test_the_preview_headers_are_the_real_tabs_headers(qtbot: QtBot, session: Session) -> None:
    """The toolbars and table headers painted first are those the real tabs show with no server connected."""
    window = MainWindow(session)
    qtbot.addWidget(window)
    for noun, tab in (("rooms", window.rooms_tab), ("meetings", window.meetings_tab)):
        toolbar = tab.toolbar  # type: ignore[attr-defined]
        assert tuple("|" if a.isSeparator() else a.text() for a in toolbar.actions()) == PREVIEW_ACTIONS[noun]
    assert _visible_headers(window.rooms_tab.table) == preview_columns("rooms")  # type: ignore[attr-defined]
    assert _visible_headers(window.meetings_tab.table) == preview_columns("meetings")  # type: ignore[attr-defined]


def test_closing_while_starting_ends_without_touching_the_saved_layout(qtbot: QtBot) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.closed, timeout=5_000):
        window.close()
    assert not state_path().exists()


def test_the_first_paint_imports_nothing_heavy_and_the_demo_ends_up_built_and_connected() -> None:
    """A real ``meetdesk --demo`` (in a subprocess): the modules loaded at the first paint, then the window
    attached, its composer built and all seven demo servers connected, with the event loop never stalled
    beyond a generous bound (the goal is 50 ms; on a busy machine a step still takes longer now and then)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("MEETDESK_EXIT_AFTER_PAINT", None)
    done = subprocess.run([sys.executable, "-m", "benchmarks.startup_stall", "--demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["heavy_at_paint"] == [], f"imported before the first paint: {result['heavy_at_paint']}"
    assert "asyncio" in HEAVY and "meetdesk.services.session" in HEAVY
    assert result["modules_at_paint"] < 260
    assert not result["timed_out"] and result["exit_code"] == 0
    assert result["profiles"] == 7
    assert result["stall_ms"] < 2_000, result
    assert "Traceback" not in done.stderr


def test_what_the_first_phase_loaded_is_left_out_of_later_garbage_collections(qtbot: QtBot) -> None:
    """A full collection walks every object: after the imports, the heap is frozen (one 20–25 ms step less)."""
    import gc

    from PySide6.QtWidgets import QApplication

    from meetdesk.ui.startup import paint_first

    window = MainWindow(None)
    qtbot.addWidget(window)
    gc.unfreeze()
    try:
        assert paint_first(QApplication.instance(), window, ("json",))  # type: ignore[arg-type]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    window.close()


def test_connecting_imports_the_profiles_back_ends_and_the_keyring_choice_beforehand() -> None:
    """What the first connection would import on the UI thread (each import read by PySide's import hook) is
    imported by a worker thread before ``connect_all``: the profiles' clients, httpx's transport, keyring's
    backend (not for the demo, whose keyring is in memory; not without a profile)."""
    from meetdesk.ui.startup import Preloader, connect_preload

    modules = connect_preload(["plugnmeet", "huawei", "plugnmeet", "no-such-kind"], system_keyring=True)
    assert modules[:2] == ("meetdesk.backends.plugnmeet.client", "meetdesk.backends.huawei.client")
    assert "meetdesk.backends.http:warm_transport" in modules and modules[-1] == "keyring:get_keyring"
    assert "keyring:get_keyring" not in connect_preload(["plugnmeet"])
    assert "keyring:get_keyring" not in connect_preload([], system_keyring=True)
    preloader = Preloader(connect_preload(["jitsi"])).start()
    preloader.wait()
    assert {"meetdesk.backends.jitsi.client", "httpcore", "h11", "anyio._backends._asyncio"} <= set(sys.modules)


def test_the_first_paint_does_without_the_qt_namespace() -> None:
    """PySide makes the ``Qt`` namespace's ~90 Python enums on its first use (30–40 ms, a fifth of a bare window's
    start): the frame is painted before that, in a real ``meetdesk`` process."""
    probe = (
        "import PySide6.QtCore as core\n"
        "import meetdesk.ui.startup as startup\n"
        "seen = {}\n"
        "start = startup.Preloader.start\n"
        "def first_start(self):\n"
        "    seen.setdefault('qt', 'Qt' in vars(core))\n"  # the preloader starts right after the first paint
        "    return start(self)\n"
        "startup.Preloader.start = first_start\n"
        "from meetdesk.__main__ import main\n"
        "code = main([])\n"
        "print('qt-at-paint', seen.get('qt'), code)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "MEETDESK_EXIT_AFTER_PAINT": "1",
           "MEETDESK_LOG_FILE": ""}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert "qt-at-paint False 0" in done.stdout, done.stdout + done.stderr


def test_the_docks_take_the_places_the_first_paint_kept(qtbot: QtBot) -> None:
    """The panels are docked after the first paint, where blank panels stood: the tables do not move."""
    from meetdesk.ui.window_frame import FrameBody

    for width, height in ((1280, 720), (1024, 680)):
        window = MainWindow(None, restore=False)
        qtbot.addWidget(window)
        window.resize(width, height)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)
        assert isinstance(window.centralWidget(), FrameBody)
        assert not window.connections_dock.isVisible() and not window.composer_dock.isVisible()
        before = window.tabs.mapTo(window, window.tabs.rect().topLeft()).x(), window.tabs.width()
        window.place_docks()
        docks = (window.connections_dock, window.composer_dock)
        qtbot.waitUntil(lambda docks=docks: all(dock.isVisible() for dock in docks))
        qtbot.wait(50)
        assert window.centralWidget() is window.tabs
        after = window.tabs.mapTo(window, window.tabs.rect().topLeft()).x(), window.tabs.width()
        assert abs(after[0] - before[0]) <= 8 and abs(after[1] - before[1]) <= 12, (width, before, after)
        window.place_docks()  # again: nothing changes
        assert window.centralWidget() is window.tabs
        window.close()


def test_the_usual_arguments_are_parsed_as_argparse_would() -> None:
    from meetdesk.ui.app import argument_parser, parse_args

    for args in ([], ["--demo"]):
        assert parse_args(args) == argument_parser().parse_args(args)
    assert parse_args(["--demo", "--seed-rooms", "5"]).seed_rooms == 5
    with pytest.raises(SystemExit):
        parse_args(["--seed-rooms", "5"])


def test_the_preview_columns_fit_a_small_window(qtbot: QtBot) -> None:
    """At 1024×680 the first paint's table header fits its table: no scroll bar for the moment it shows."""
    window = MainWindow(None, restore=False)
    qtbot.addWidget(window)
    window.resize(1024, 680)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    table = window.rooms_tab.table  # type: ignore[attr-defined]
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width() + 1
    assert not table.horizontalScrollBar().isVisible()
    window.close()


def test_pysides_import_hook_reads_no_module_source_once_answered_from_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PySide's import hook read every newly imported module's source (``inspect.getsource``) to see whether it
    uses PySide: 3–4 ms before the first paint. ``meetdesk`` answers from the module's name instead."""
    import inspect

    from meetdesk.ui import theme
    from meetdesk.ui.pyside_imports import answer_from_names, uses_pyside

    assert answer_from_names()  # this PySide still has the hook (an upgrade that drops it shows here)
    assert uses_pyside(theme) and uses_pyside(sys.modules["PySide6.QtCore"]) and not uses_pyside(json)
    (tmp_path / "meetdesk_probe_module.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    read: list[object] = []

    def getsource(obj: object) -> str:
        read.append(obj)
        return ""

    monkeypatch.setattr(inspect, "getsource", getsource)
    __import__("meetdesk_probe_module")
    assert read == [] and "meetdesk_probe_module" in sys.modules


def test_fontconfig_is_set_up_in_a_thread_of_its_own() -> None:
    """On Linux the library is there (Qt's xcb and offscreen platforms use it) and ``FcInit`` runs off the UI
    thread; elsewhere nothing starts."""
    import ctypes

    from meetdesk.ui.font_config import LIBRARY, start_fontconfig

    thread = start_fontconfig()
    if sys.platform.startswith("linux"):
        assert thread is not None and thread.name == "meetdesk-fontconfig"
        assert ctypes.CDLL(LIBRARY).FcInit() == 1  # set up already (or now): FcTrue
        thread.join(timeout=30)
        assert not thread.is_alive()
    else:
        assert thread is None or not thread.is_alive() or thread.join(timeout=30) is None


def test_the_tab_the_saved_layout_shows_is_the_one_previewed_first(qtbot: QtBot) -> None:
    from meetdesk.ui.ui_state import save_ui_state
    from meetdesk.ui.window_frame import is_pending

    assert save_ui_state({"tab": 1})
    window = MainWindow(None)
    qtbot.addWidget(window)
    assert window.tabs.currentIndex() == 1 and isinstance(window.meetings_tab, TablePreview)
    assert is_pending(window.rooms_tab)
    window.show()
    qtbot.waitUntil(lambda: isinstance(window.rooms_tab, TablePreview), timeout=5_000)
    assert window.tabs.currentIndex() == 1 and window.tabs.widget(0) is window.rooms_tab
    assert _visible_headers(window.rooms_tab.table) == preview_columns("rooms")  # type: ignore[attr-defined]
