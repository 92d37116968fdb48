"""The hidden start-up probe used by the installer smoke test and the start-time measurement."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from meetdesk.ui.startup_probe import PROBE_ENV, install_paint_probe, seconds_since_process_start


@pytest.fixture
def restore_message_handler() -> Iterator[None]:
    original = qInstallMessageHandler(None)
    qInstallMessageHandler(original)
    yield
    qInstallMessageHandler(original)


def _window() -> QMainWindow:
    window = QMainWindow()
    window.setCentralWidget(QLabel("rooms"))
    window.resize(320, 200)
    return window


def test_time_since_process_start_is_positive_and_grows() -> None:
    first = seconds_since_process_start()
    assert 0 < first < 3600  # a test process is not an hour old
    time.sleep(0.05)
    assert seconds_since_process_start() > first


OFFSCREEN_NOTE = "This plugin does not support propagateSizeHints"


@pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)
def test_without_the_variable_nothing_happens(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(PROBE_ENV, raising=False)
    window = _window()
    qtbot.addWidget(window)
    install_paint_probe(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(100)
    assert window.isVisible()
    assert "painted" not in capsys.readouterr().out


@pytest.mark.qt_log_ignore(OFFSCREEN_NOTE)
@pytest.mark.usefixtures("restore_message_handler")
def test_reports_the_first_paint_and_closes_the_window(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PROBE_ENV, "1")
    window = _window()
    qtbot.addWidget(window)
    install_paint_probe(window, quit_app=lambda: None)  # a real quit() would end a later test's event loop
    window.show()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    lines = capsys.readouterr().out.splitlines()
    painted = [line for line in lines if line.startswith("painted ")]
    assert len(painted) == 1
    assert int(painted[0].split()[1]) > 0
    assert "qt-warnings 0" in lines


@pytest.mark.qt_log_ignore("probe test warning", OFFSCREEN_NOTE)
@pytest.mark.usefixtures("restore_message_handler")
def test_qt_warnings_are_marked_on_stderr_and_counted(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PROBE_ENV, "1")
    window = _window()
    qtbot.addWidget(window)
    install_paint_probe(window, quit_app=lambda: None)
    qWarning("probe test warning")
    window.show()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    captured = capsys.readouterr()
    assert "qt-warning: default: probe test warning" in captured.err
    assert "qt-warnings 1" in captured.out.splitlines()
