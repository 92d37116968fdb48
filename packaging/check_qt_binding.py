"""Refuse to build an installer with a Qt binding that leaks references to None.

PySide6-Essentials 6.12.0 loses one reference to ``None`` on every void Qt call under CPython 3.11, where None is
not immortal; the bundled app then aborts after ~15,000 calls (``Fatal Python error: none_dealloc``).
pyproject.toml keeps such builds out of ``pip install .``; this check makes sure the environment an installer
is built from really got a good one (tests/ui/test_qt_binding.py is the same check for the test suite).

Usage: python packaging/check_qt_binding.py   (exit 0: fine, 1: leaking binding)
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import PySide6
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication.instance() or QApplication([])
    widget = QWidget()
    for _ in range(50):
        widget.setEnabled(True)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setEnabled(True)
        widget.setToolTip("")
    lost = before - sys.getrefcount(None)
    widget.deleteLater()
    app.processEvents()
    where = f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}"
    if lost > 100:
        print(f"{where} loses references to None ({lost} in 4,000 void calls): do not ship it.", file=sys.stderr)
        return 1
    print(f"{where}: void Qt calls keep their None references.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
