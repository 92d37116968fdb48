"""150 % and 200 % display scale: the window in a subprocess with QT_SCALE_FACTOR (Qt reads it once, at start-up)
on the demo servers. At 1280×780 (logical pixels, a 1920×1170 or 2560×1560 screen) every toolbar action is
reachable, the important columns are in view with both panels docked, and no label or button is clipped in the
tabs, the composer or the dialogs. At 1280×780 physical pixels and 150 % (853×520 logical) the composer would
squeeze the tables: it opens as a window of its own and the tables keep their columns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.scaled_probe import clipped

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = ("rooms_unreachable", "rooms_out_of_view", "rooms_clipped", "meetings_unreachable",
            "meetings_out_of_view", "meetings_clipped", "window_clipped", "composer_clipped",
            "room_dialog_clipped", "meeting_dialog_clipped", "profile_dialog_clipped", "recordings_dialog_clipped",
            "bulk_links_dialog_clipped", "live_dialog_clipped")


def run_probe(scale: float, width: int, height: int, tmp_path: Path) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": str(scale),
           "MEETDESK_CONFIG_DIR": str(tmp_path / "config"), "MEETDESK_LOG_FILE": ""}
    done = subprocess.run([sys.executable, "-m", "tests.ui.scaled_probe", str(width), str(height)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["scale"] == scale
    return report


@pytest.mark.parametrize("scale", [1.5, 2.0])
def test_1280x780_at_scale_fits_with_both_panels(scale: float, tmp_path: Path) -> None:
    report = run_probe(scale, 1280, 780, tmp_path)
    assert report["composer_docked"] is True
    assert {key: report[key] for key in PROBLEMS if report[key]} == {}


def test_a_small_screen_at_150_percent_opens_the_composer_in_a_window(tmp_path: Path) -> None:
    report = run_probe(1.5, 853, 520, tmp_path)
    assert report["composer_docked"] is False
    assert report["composer_floating"] is True  # Ctrl+L, "Invite…": a window of its own
    assert {key: report[key] for key in PROBLEMS if report[key]} == {}


def test_the_probe_sees_a_clipped_label(qtbot: QtBot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    label = QLabel("A label that needs far more than forty pixels", root)
    label.setFixedWidth(40)
    layout.addWidget(label)
    root.show()
    assert clipped(root) and "forty" in clipped(root)[0]
