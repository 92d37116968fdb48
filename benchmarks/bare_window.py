"""The start-up baseline: a bare PySide6 QMainWindow, timed from process start to its first paint exactly like
``meetdesk`` (``MEETDESK_EXIT_AFTER_PAINT=1`` prints ``painted <ms>``). ``python -m benchmarks.bare_window``"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

from meetdesk.ui.startup_probe import install_paint_probe


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1280, 720)
    window.show()
    install_paint_probe(window)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
