"""A schematic plugNmeet screen painted in the chosen ``custom_design`` colours."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from meetdesk.domain.design import CLIENT_DEFAULTS, effective_color
from meetdesk.ui.composer.color_field import try_color

#: What the preview shows for a key nobody set: the client's own light theme (domain.design.CLIENT_DEFAULTS).
DEFAULT_PALETTE: dict[str, str] = {**CLIENT_DEFAULTS, "left_side_bg_color": "#FFFFFF"}
#: The client's own fallbacks: an unset key takes the colour of another key.
FALLBACKS: dict[str, str] = {
    "primary_btn_bg_color": "primary_color",
    "secondary_btn_bg_color": "secondary_color",
    # client 2.x reads the legacy right_side_bg_color as an alias of the side panel colour
    "side_panel_bg_color": "right_side_bg_color",
}
ASPECT = 0.62


def effective_palette(design: Mapping[str, str]) -> dict[str, str]:
    """Every colour the preview paints, as ``#RRGGBB``: set value, else the client's fallback, else default."""

    def pick(key: str) -> str:
        if key in CLIENT_DEFAULTS:  # set, else the client's fallback key, else the client's default
            return effective_color({k: str(v) for k, v in design.items() if try_color(str(v or ""))}, key)[0]
        color = try_color(str(design.get(key) or ""))
        if color is not None:
            return color.hex
        alias = FALLBACKS.get(key)
        if alias:
            aliased = try_color(str(design.get(alias) or ""))
            if aliased is not None:
                return aliased.hex
            if alias in DEFAULT_PALETTE:
                return DEFAULT_PALETTE[alias]
        return DEFAULT_PALETTE.get(key, "#FFFFFF")

    keys = set(DEFAULT_PALETTE) | set(FALLBACKS)
    return {key: pick(key) for key in keys}


class DesignPreview(QWidget):
    """Paints header, side panel, main area, footer with round icons and two buttons; ``set_design`` repaints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("designPreview")
        self._design: dict[str, str] = {}
        self._title = "Room"
        self._palette = effective_palette({})
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(260, 160)
        self.setToolTip("How the participant's plugNmeet screen looks with these colours (light theme; "
                        "a schematic, not a screenshot).")
        self.setAccessibleName("Design preview")

    # api ---------------------------------------------------------------------------------------
    def set_design(self, design: Mapping[str, str]) -> None:
        self._design = dict(design)
        self._palette = effective_palette(self._design)
        self.update()

    def set_title(self, title: str) -> None:
        """The room name the header shows (the chosen room's)."""
        self._title = title.strip() or "Room"
        self.update()

    def title(self) -> str:
        return self._title

    def palette_colors(self) -> dict[str, str]:
        return dict(self._palette)

    def set_keep_aspect(self, keep: bool) -> None:
        """False lets a layout give the preview any height (it then paints stretched)."""
        policy = self.sizePolicy()
        policy.setHeightForWidth(keep)
        policy.setVerticalPolicy(QSizePolicy.Policy.Preferred if keep else QSizePolicy.Policy.Ignored)
        self.setSizePolicy(policy)
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return self.sizePolicy().hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        return max(160, int(width * ASPECT))

    def sizeHint(self) -> QSize:
        return QSize(400, int(400 * ASPECT))

    # geometry ----------------------------------------------------------------------------------
    def regions(self) -> dict[str, QRectF]:
        """The painted areas in widget coordinates (tests sample pixels inside them)."""
        w, h = float(self.width()), float(self.height())
        header_h = max(22.0, h * 0.13)
        footer_h = max(26.0, h * 0.16)
        middle = QRectF(0, header_h, w, h - header_h - footer_h)
        left_w = w * 0.15 if self._design.get("left_side_bg_color") else 0.0
        side_w = w * 0.27
        out = {
            "header": QRectF(0, 0, w, header_h),
            "footer": QRectF(0, h - footer_h, w, footer_h),
            "left": QRectF(0, middle.top(), left_w, middle.height()),
            "side": QRectF(w - side_w, middle.top(), side_w, middle.height()),
            "main": QRectF(left_w, middle.top(), w - side_w - left_w, middle.height()),
        }
        main = out["main"]
        btn_h = max(18.0, h * 0.1)
        btn_w = min(main.width() * 0.42, 96.0)
        gap = 8.0
        top = main.bottom() - btn_h - max(8.0, h * 0.04)
        left = main.center().x() - btn_w - gap / 2
        out["primary_button"] = QRectF(left, top, btn_w, btn_h)
        out["secondary_button"] = QRectF(left + btn_w + gap, top, btn_w, btn_h)
        return out

    # painting ----------------------------------------------------------------------------------
    def _c(self, key: str) -> QColor:
        return QColor(self._palette[key])

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            r = self.regions()
            self._paint_main(p, r["main"])
            if r["left"].width() > 0:
                self._paint_left(p, r["left"])
            self._paint_side(p, r["side"])
            self._paint_header(p, r["header"])
            self._paint_footer(p, r["footer"])
            self._paint_button(p, r["primary_button"], "primary_btn_bg_color", "primary_btn_text_color", "Primary")
            self._paint_button(p, r["secondary_button"], "secondary_btn_bg_color", "secondary_btn_text_color",
                               "Secondary")
            p.setPen(QPen(QColor("#8A8F98"), 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(0.5, 0.5, self.width() - 1.0, self.height() - 1.0))
        finally:
            p.end()

    def _font(self, size_px: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(9, int(size_px)))
        font.setBold(bold)
        return font

    def _paint_header(self, p: QPainter, rect: QRectF) -> None:
        p.fillRect(rect, self._c("header_bg_color"))
        p.setPen(QPen(QColor(0, 0, 0, 40), 1))
        p.drawLine(rect.bottomLeft(), rect.bottomRight())
        pad = rect.height() * 0.22
        logo = QRectF(rect.left() + pad, rect.top() + pad, rect.height() * 2.2, rect.height() - 2 * pad)
        if self._design.get("custom_logo"):
            p.setPen(QPen(QColor("#8A8F98"), 1, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(logo)
            p.setFont(self._font(logo.height() * 0.55))
            p.drawText(logo, Qt.AlignmentFlag.AlignCenter, "your logo")
        else:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self._c("primary_color"))
            p.drawEllipse(QRectF(logo.left(), logo.top(), logo.height(), logo.height()))
        p.setPen(self._c("primary_color"))
        p.setFont(self._font(rect.height() * 0.42, bold=True))
        title = QRectF(logo.right() + pad, rect.top(), rect.width() * 0.5, rect.height())
        shown = p.fontMetrics().elidedText(self._title, Qt.TextElideMode.ElideRight, int(title.width()))
        p.drawText(title, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
        p.setPen(QPen(self._c("primary_color"), 1.4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        d = rect.height() * 0.42
        for i in range(3):
            cx = rect.right() - pad - d / 2 - i * (d + pad * 0.8)
            p.drawEllipse(QPointF(cx, rect.center().y()), d / 2, d / 2)

    def _paint_main(self, p: QPainter, rect: QRectF) -> None:
        p.fillRect(rect, self._c("background_color"))
        if self._design.get("background_image"):
            # the real image is not fetched; a hatch marks that one will cover this area
            p.fillRect(rect, QBrush(QColor(0, 0, 0, 45), Qt.BrushStyle.BDiagPattern))
            p.setPen(QColor("#5A606B"))
            p.setFont(self._font(rect.height() * 0.07))
            p.drawText(rect.adjusted(6, 4, -6, -4), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight,
                       "background image")
        pad = rect.width() * 0.06
        tile_w = (rect.width() - 3 * pad) / 2
        tile_h = min(tile_w * 0.62, rect.height() * 0.42)
        top = rect.top() + rect.height() * 0.1
        p.setPen(Qt.PenStyle.NoPen)
        for i in range(2):
            tile = QRectF(rect.left() + pad + i * (tile_w + pad), top, tile_w, tile_h)
            p.setBrush(QColor("#3C4048"))
            p.drawRoundedRect(tile, 4, 4)
            p.setBrush(QColor("#6B717C"))
            head = tile_h * 0.22
            p.drawEllipse(QPointF(tile.center().x(), tile.center().y() - head * 0.3), head, head)
        p.setPen(self._c("primary_color"))
        p.setFont(self._font(rect.height() * 0.085, bold=True))
        text = QRectF(rect.left() + 4, top + tile_h + rect.height() * 0.04, rect.width() - 8, rect.height() * 0.14)
        p.drawText(text, Qt.AlignmentFlag.AlignCenter, "Waiting for the others…")

    def _paint_left(self, p: QPainter, rect: QRectF) -> None:
        p.fillRect(rect, self._c("left_side_bg_color"))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 55))
        d = rect.width() * 0.42
        for i in range(4):
            cy = rect.top() + rect.width() * 0.45 + i * d * 1.6
            if cy + d / 2 > rect.bottom():
                break
            p.drawEllipse(QPointF(rect.center().x(), cy), d / 2, d / 2)

    def _paint_side(self, p: QPainter, rect: QRectF) -> None:
        p.fillRect(rect, self._c("side_panel_bg_color"))
        p.setPen(QPen(QColor(0, 0, 0, 40), 1))
        p.drawLine(rect.topLeft(), rect.bottomLeft())
        pad = rect.width() * 0.1
        p.setPen(self._c("page_text"))  # the chat panel's heading is page text, not an accent
        p.setFont(self._font(rect.height() * 0.075, bold=True))
        p.drawText(QRectF(rect.left() + pad, rect.top() + pad * 0.5, rect.width() - pad, rect.height() * 0.12),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "Chat")
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 38))
        line_h = max(4.0, rect.height() * 0.045)
        y = rect.top() + rect.height() * 0.22
        for i in range(6):
            width = (rect.width() - 2 * pad) * (0.9 if i % 2 == 0 else 0.6)
            if y + line_h > rect.bottom() - pad:
                break
            p.drawRoundedRect(QRectF(rect.left() + pad, y, width, line_h), line_h / 2, line_h / 2)
            y += line_h * 2.2

    def _paint_footer(self, p: QPainter, rect: QRectF) -> None:
        p.fillRect(rect, self._c("footer_bg_color"))
        p.setPen(QPen(QColor(0, 0, 0, 40), 1))
        p.drawLine(rect.topLeft(), rect.topRight())
        d = rect.height() * 0.66
        gap = d * 0.45
        count = 5
        start = rect.center().x() - (count * d + (count - 1) * gap) / 2
        for i in range(count):
            circle = QRectF(start + i * (d + gap), rect.center().y() - d / 2, d, d)
            p.setPen(QPen(QColor("#C2DAF2"), 1))  # border-Gray-300
            p.setBrush(self._c("footer_icon_bg_color"))
            p.drawRoundedRect(circle, d * 0.3, d * 0.3)
            self._paint_glyph(p, i, circle)

    def _paint_glyph(self, p: QPainter, index: int, circle: QRectF) -> None:
        color = self._c("footer_icon_color")
        s = circle.width()
        c = circle.center()
        p.setBrush(color)
        p.setPen(Qt.PenStyle.NoPen)
        if index == 0:  # microphone
            p.drawRoundedRect(QRectF(c.x() - s * 0.1, c.y() - s * 0.25, s * 0.2, s * 0.36), s * 0.1, s * 0.1)
            p.drawRect(QRectF(c.x() - s * 0.02, c.y() + s * 0.11, s * 0.04, s * 0.12))
        elif index == 1:  # webcam
            p.drawRoundedRect(QRectF(c.x() - s * 0.24, c.y() - s * 0.13, s * 0.3, s * 0.26), 2, 2)
            path = QPainterPath()
            path.moveTo(c.x() + s * 0.08, c.y())
            path.lineTo(c.x() + s * 0.24, c.y() - s * 0.12)
            path.lineTo(c.x() + s * 0.24, c.y() + s * 0.12)
            path.closeSubpath()
            p.drawPath(path)
        elif index == 2:  # screen share
            p.setPen(QPen(color, max(1.2, s * 0.06)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(c.x() - s * 0.22, c.y() - s * 0.15, s * 0.44, s * 0.28))
            p.drawLine(QPointF(c.x(), c.y() + s * 0.13), QPointF(c.x(), c.y() + s * 0.22))
        elif index == 3:  # chat
            p.drawRoundedRect(QRectF(c.x() - s * 0.22, c.y() - s * 0.17, s * 0.44, s * 0.28), 3, 3)
            path = QPainterPath()
            path.moveTo(c.x() - s * 0.1, c.y() + s * 0.1)
            path.lineTo(c.x() - s * 0.14, c.y() + s * 0.22)
            path.lineTo(c.x() + s * 0.02, c.y() + s * 0.1)
            p.drawPath(path)
        else:  # more
            for dx in (-0.14, 0.0, 0.14):
                p.drawEllipse(QPointF(c.x() + s * dx, c.y()), s * 0.045, s * 0.045)

    def _paint_button(self, p: QPainter, rect: QRectF, bg_key: str, text_key: str, text: str) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._c(bg_key))
        p.drawRoundedRect(rect, 4, 4)
        p.setPen(self._c(text_key))
        p.setFont(self._font(rect.height() * 0.48, bold=True))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
