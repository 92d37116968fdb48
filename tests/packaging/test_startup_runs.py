"""packaging/linux/startup.py: launching until the first paint, and judging a run."""

from __future__ import annotations

import sys
from typing import Any

from tests.packaging.helpers import LINUX, load_script

startup = load_script(LINUX / "startup.py", "meetdesk_packaging_startup")


def _run(**overrides: object) -> Any:
    values: dict[str, object] = {
        "command": ["meetdesk"], "platform": "offscreen", "returncode": 0,
        "stdout": "painted 812\nqt-warnings 0\n", "stderr": "", "wall_ms": 900.0,
    }
    values.update(overrides)
    return startup.Run(**values)


def test_a_clean_run_has_no_problems() -> None:
    run = _run()
    assert run.painted_ms == 812
    assert run.problems() == []


def test_exit_status_missing_paint_and_timeout_are_problems() -> None:
    assert run_problems(returncode=3) == ["the application exited with status 3"]
    assert run_problems(stdout="") == ["the main window was never painted (no 'painted' line on stdout)"]
    assert "the application did not end within the time limit" in run_problems(returncode=None)


def test_qt_warnings_fail_the_run_whichever_way_they_are_reported() -> None:
    marked = run_problems(stdout="painted 5\nqt-warnings 1\n", stderr="qt-warning: qt.qpa.xcb: could not connect\n")
    assert marked == ["Qt reported 1 warning(s) before the first paint", "Qt warning: qt.qpa.xcb: could not connect"]
    logged = run_problems(stderr="2026-01-01 10:00:00,000 WARNING meetdesk.qt: QWidget::setLayout: wrong parent\n")
    assert logged == ["Qt warning (logged): QWidget::setLayout: wrong parent"]


def test_the_offscreen_platforms_note_about_itself_is_only_ignored_offscreen() -> None:
    note = "2026-01-01 10:00:00,000 WARNING meetdesk.qt: This plugin does not support propagateSizeHints()\n"
    assert run_problems(stderr=note) == []
    assert run_problems(stderr=note, platform="xcb") == [
        "Qt warning (logged): This plugin does not support propagateSizeHints()"
    ]


def test_a_traceback_is_a_problem() -> None:
    problems = run_problems(stderr="Traceback (most recent call last):\n  File ...\nValueError: x\n")
    assert problems == ["a Python traceback was printed on stderr"]


def test_run_until_painted_reads_the_probe_lines_and_isolates_the_environment() -> None:
    script = (
        "import os, time\n"
        "assert os.environ['MEETDESK_EXIT_AFTER_PAINT'] == '1'\n"
        "assert os.environ['QT_QPA_PLATFORM'] == 'offscreen'\n"
        "assert os.environ['MEETDESK_CONFIG_DIR'].startswith(os.environ['HOME'])\n"
        "print('painted 42', flush=True); print('qt-warnings 0', flush=True)\n"
        "time.sleep(0.3)\n"
    )
    run = startup.run_until_painted([sys.executable, "-c", script])
    assert run.returncode == 0, run.stderr
    assert run.painted_ms == 42
    assert 0 < run.wall_ms < 5000
    assert run.problems() == []


def test_run_until_painted_stops_a_program_that_hangs() -> None:
    run = startup.run_until_painted([sys.executable, "-c", "import time; time.sleep(60)"], timeout=1.0)
    assert run.returncode is None
    assert "the application did not end within the time limit" in run.problems()


def run_problems(**overrides: object) -> list[str]:
    problems: list[str] = _run(**overrides).problems()
    return problems
