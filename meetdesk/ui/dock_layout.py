"""How wide the main window's docks start: the Connections panel on the left, the join-link composer on the right,
and the Rooms and Meetings tables between them with room for their important columns. When even the composer's
narrowest dock would squeeze the tables (a small screen, 150 or 200 % scale) the composer starts hidden and opens
as a window of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from meetdesk.ui.window_state import LayoutWindow


#: the first window's size where the screen has room for it
DEFAULT_SIZE = QSize(1280, 780)


def default_size(window: QWidget) -> QSize:
    """:data:`DEFAULT_SIZE`, no larger than the screen's free area (a 1024×680 screen, 150 % of a small one):
    a window wider than the screen hides the composer's right half."""
    screen = window.screen()
    # the offscreen platform's screen is a nominal 800×600 nobody looks at (tests, screenshots, start-up probes)
    if screen is None or QGuiApplication.platformName() == "offscreen":
        return DEFAULT_SIZE
    free = screen.availableGeometry().size()
    return DEFAULT_SIZE.boundedTo(free) if free.isValid() and not free.isEmpty() else DEFAULT_SIZE


def dock_widths(window: LayoutWindow, width: int) -> tuple[int, int]:
    """The Connections and composer docks' widths in a window ``width`` wide."""
    left = max(170, min(260, int(width * 0.165)))
    right = max(320, min(420, int(width * 0.28)))
    comfortable = getattr(window.composer, "comfortable_width", None)
    if callable(comfortable):  # the real composer, not its stand-in
        right = max(right, int(comfortable()))
    return left, right


def composer_crowds(window: LayoutWindow, width: int | None = None) -> bool:
    """Whether docking the composer would leave the tables less than their important columns need."""
    width = width or window.width()
    left, right = dock_widths(window, width)
    dock = window.connections_dock
    left = max(left, dock.minimumSizeHint().width()) if dock.isVisibleTo(window) and not dock.isFloating() else 0
    need = max((int(tab.least_width()) for tab in (window.rooms_tab, window.meetings_tab)
                if hasattr(tab, "least_width")), default=0)  # a placeholder (no such view in this build) has none
    if not need:  # also the first paint's table previews: QStyle (its enums cost 10+ ms) not needed for them
        return False
    from PySide6.QtWidgets import QStyle

    separators = 2 * window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
    return width - left - right - separators < need


def fit_docks(window: LayoutWindow, width: int) -> None:
    from PySide6.QtCore import Qt  # after the first paint (the Qt namespace's enums take 30–40 ms)

    left, right = dock_widths(window, width)
    if composer_crowds(window, width):
        window.composer_dock.hide()
        window.resizeDocks([window.connections_dock], [left], Qt.Orientation.Horizontal)
        return
    window.resizeDocks([window.connections_dock, window.composer_dock], [left, right], Qt.Orientation.Horizontal)
