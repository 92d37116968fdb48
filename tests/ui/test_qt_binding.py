"""Guards against a Qt binding that leaks references to None (PySide6 6.12.0 on CPython 3.11).

There, every call of a Qt method returning nothing loses one reference to ``None``; ``None`` is not immortal
before 3.12, so after ~15,000 calls the process aborts with ``Fatal Python error: none_dealloc``. pyproject.toml
keeps such builds out; this test fails if a future release brings the leak back.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget


def test_void_qt_calls_keep_none_references(qapp: QApplication) -> None:
    widget = QWidget()
    try:
        for _ in range(50):  # warm-up: caches and lazy type initialisation
            widget.setEnabled(True)
        before = sys.getrefcount(None)
        for _ in range(2000):
            widget.setEnabled(True)
            widget.setToolTip("")
        after = sys.getrefcount(None)
    finally:
        widget.deleteLater()
    # immortal None (3.12+) reports a huge constant; a leaking build loses exactly one per call
    assert after - before > -100, f"{before - after} references to None lost in 4,000 void Qt calls"
