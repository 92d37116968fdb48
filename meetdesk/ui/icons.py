"""Icons: the application icon (wherever packaging put it) and small painted status dots."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from meetdesk import APP_ID

log = logging.getLogger("meetdesk.ui.icons")

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # meetdesk/


def _roots() -> list[Path]:
    """Installed package, frozen bundle, then the source checkout holding resources/."""
    roots = [_PACKAGE_DIR]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        roots += [Path(frozen_root), Path(frozen_root) / "meetdesk"]
    roots.append(_PACKAGE_DIR.parent)
    return roots


def icon_files() -> list[Path]:
    """The application icon's files (SVG and sized PNGs) from the first place that has any; may be empty."""
    for root in _roots():
        icons = root / "resources" / "icons"
        found = [icons / f"{APP_ID}.svg", *sorted(icons.glob(f"{APP_ID}-*.png"))]
        found += sorted(icons.glob(f"hicolor/*/apps/{APP_ID}.*"))
        found = [path for path in found if path.is_file()]
        if found:
            return found
    return []


@functools.cache
def app_icon() -> QIcon:
    """The meetdesk icon; the desktop theme's icon when installed; an empty icon when neither exists."""
    icon = QIcon()
    for path in icon_files():
        icon.addFile(str(path))
    if not icon.isNull():
        return icon
    themed = QIcon.fromTheme(APP_ID)
    if themed.isNull():
        log.debug("no application icon found")
    return themed


@functools.cache
def dot_icon(color: str, *, hollow: bool = False, size: int = 16) -> QIcon:
    """A round status dot of ``color`` (a hollow ring for "not connected")."""
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x so it stays crisp on HiDPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(3, 3, size - 6, size - 6)
    base = QColor(color)
    pen = painter.pen()
    pen.setColor(base.darker(130))
    pen.setWidthF(1.6 if hollow else 1.0)
    painter.setPen(pen)
    if hollow:
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setBrush(base)
    painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)
