"""Run the window at a display scale and report, as one JSON line, what a person at that scale would trip over.

    QT_SCALE_FACTOR=1.5 python -m tests.ui.scaled_probe 1280 780 [screenshot-prefix]

Used by test_scaling.py in a subprocess: Qt reads the scale once, when the application starts. Reports: toolbar
actions not reachable (no visible button, and no overflow button that lists them), important columns out of view,
where the composer goes, and every QLabel or button narrower (or, word-wrapped, shorter) than its text needs in
the window, the composer with its sections unfolded, and each dialog."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QToolBar,
    QToolButton,
    QWidget,
)

IMPORTANT = {"rooms": ("profile", "name", "status", "participants"),
             "meetings": ("title", "start", "end", "room", "owner", "profile", "status")}


def clipped(root: QWidget) -> list[str]:
    """Visible labels and buttons under ``root`` that are too small for their text, and labels, buttons and input
    fields whose right part their container cuts off (a form wider than its scroll area; scrolling cuts rows off
    at the top and bottom, which is fine)."""
    out = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not root.window():
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit | QComboBox | QAbstractSpinBox):
            shown = widget.visibleRegion().boundingRect()
            if not shown.isEmpty() and shown.width() + 1 < widget.width():
                out.append(f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()!r}: "
                           f"{shown.width()} of {widget.width()} pixels wide in view")
                continue
        if isinstance(widget, QLabel) and widget.text():
            text = widget.text()
            if widget.wordWrap():
                short = widget.height() + 1 < widget.heightForWidth(widget.width())
            else:
                short = widget.width() + 1 < widget.sizeHint().width()
            if short:
                out.append(f"label {widget.objectName() or text[:40]!r}: {widget.size().toTuple()} < "
                           f"{widget.sizeHint().toTuple()}")
        elif isinstance(widget, QAbstractButton) and widget.text() and not widget.objectName().startswith("qt_"):
            need = widget.sizeHint()
            if widget.width() + 1 < need.width() or widget.height() + 1 < widget.minimumSizeHint().height():
                out.append(f"button {widget.text()!r}: {widget.size().toTuple()} < {need.toTuple()}")
    return out


def unreachable(toolbar: QToolBar) -> list[str]:
    """Toolbar actions with neither a visible button nor a visible overflow button to reach them by."""
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    overflow = extension is not None and extension.isVisible()
    out = []
    for action in toolbar.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        shown = [w for w in action.associatedObjects() if isinstance(w, QToolButton) and w.isVisible()
                 and w.parent() is toolbar and w.geometry().right() <= toolbar.width()]
        if not shown and not overflow:
            out.append(action.text())
    return out


def out_of_view(tab: Any, keys: tuple[str, ...]) -> list[str]:
    header = tab.table.horizontalHeader()
    width = tab.table.viewport().width()
    out = []
    for key in keys:
        column = tab.model.column_of(key)
        left = header.sectionViewportPosition(column)
        if header.isSectionHidden(column) or left < 0 or left + header.sectionSize(column) > width:
            out.append(key)
    return out


async def probe(width: int, height: int, shots: str) -> dict[str, Any]:
    from meetdesk.services.demo import DemoEnvironment
    from meetdesk.ui.main_window import MainWindow
    from meetdesk.ui.tasks import activity

    env = DemoEnvironment().start()
    session = await env.open_session()
    report: dict[str, Any] = {"scale": QApplication.primaryScreen().devicePixelRatio()}
    try:
        window: Any = MainWindow(session, demo=True)  # its tabs and composer are typed as plain widgets
        window.resize(width, height)
        window.show()
        task = window.connections.connect_all()
        if task is not None:
            await task
        for _ in range(200):
            if window.rooms_tab.model.rowCount() and window.meetings_tab.model.rowCount():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        report["window"] = window.size().toTuple()
        report["composer_docked"] = window.composer_dock.isVisible() and not window.composer_dock.isFloating()
        for name, tab in (("rooms", window.rooms_tab), ("meetings", window.meetings_tab)):
            window.tabs.setCurrentWidget(tab)
            await asyncio.sleep(0.1)
            report[f"{name}_unreachable"] = unreachable(tab.toolbar)
            report[f"{name}_out_of_view"] = out_of_view(tab, IMPORTANT[name])
            report[f"{name}_clipped"] = clipped(tab)
            if shots:
                window.grab().save(f"{shots}-{name}.png")
        # the connection with the longest name: its details wrap
        names = [window.connections.list.item(r).text() for r in range(window.connections.list.count())]
        window.connections.list.setCurrentRow(max(range(len(names)), key=lambda r: len(names[r])))
        await asyncio.sleep(0.2)
        report["window_clipped"] = clipped(window.connections)
        window.show_composer()
        composer = window.composer
        report["composer_floating"] = window.composer_dock.isFloating()
        report["composer_clipped"] = []
        for profile in session.connections:  # each back end's participant and join-option fields
            composer.select(profile, None)
            for section in (composer.room_section, composer.participant_section, composer.options_section,
                            composer.design_section):
                section.set_expanded(True)
            await asyncio.sleep(0.1)
            report["composer_clipped"] += [f"{profile}: {problem}" for problem in clipped(composer)]
        if shots:
            window.composer_dock.grab().save(f"{shots}-composer.png")
        rooms, meetings = window.rooms_tab, window.meetings_tab
        huawei = next(m for m in session.meetings() if m.profile == "Demo Huawei Cloud Meeting")

        def recordings() -> Any:
            rooms.select_key(("Demo BigBlueButton", session.connection("Demo BigBlueButton").rooms[0].id))
            rooms.show_recordings()
            return rooms.dialog

        def bulk_links() -> Any:
            composer.select("Demo plugNmeet", session.connection("Demo plugNmeet").rooms[0].id)
            return composer.invitation.open_bulk_dialog()

        def live() -> Any:
            meetings.select_key((huawei.profile, huawei.id))
            meetings.open_live()
            return meetings.dialog

        openers: dict[str, Callable[[], Any]] = {
            "room": lambda: (rooms.new_room(), rooms.dialog)[1],
            "meeting": lambda: (meetings.new_meeting(), meetings.dialog)[1],
            "profile": window.connections.add_profile,
            "recordings": recordings, "bulk_links": bulk_links, "live": live}
        for name, opener in openers.items():  # one at a time: a tab closes its previous dialog
            dialog = opener()
            assert dialog is not None, name
            await asyncio.sleep(0.5)  # the recordings and live dialogs load from their server
            report[f"{name}_dialog_clipped"] = clipped(dialog)
            if shots:
                dialog.grab().save(f"{shots}-{name}-dialog.png")
            dialog.close()
        window.save_ui_state = lambda: True
        window.tray.keeps_running = lambda: False
        window.close()
        await window.shutdown()
        await activity().cancel_all()
    finally:
        await session.aclose()
        env.stop()
    return report


def main() -> int:
    from meetdesk.ui.event_loop import EventLoop

    width, height = int(sys.argv[1]), int(sys.argv[2])
    shots = sys.argv[3] if len(sys.argv) > 3 else ""
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    loop = EventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        report = loop.run_until_complete(probe(width, height, shots))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
