"""A titled section whose body folds away (keeps the narrow dock readable)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QSizePolicy, QToolButton, QVBoxLayout, QWidget

#: a title ("Join options — OpenMeetings 2.x–3.0 (legacy)") may not widen the dock: it is elided below its width
HEADER_MIN_WIDTH = 120


class Section(QWidget):
    def __init__(self, title: str, body: QWidget, *, expanded: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = body
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.header = QToolButton(self)
        self.header.setObjectName("sectionHeader")
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setCheckable(True)
        self.header.setAutoRaise(True)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.header.setMinimumWidth(HEADER_MIN_WIDTH)
        self._title = ""
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.header.toggled.connect(self.set_expanded)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(self.header)
        layout.addWidget(line)
        layout.addWidget(body)
        body.setParent(self)
        self.set_title(title)
        self.header.setChecked(expanded)
        self.set_expanded(expanded)

    def set_title(self, title: str) -> None:
        self._title = title
        self.header.setAccessibleName(f"{title} section")
        self._fit_title()

    def title(self) -> str:
        return self._title

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_title()

    def _fit_title(self) -> None:
        """The title, elided to the section's width (the header spans it), the whole in the tooltip when cut."""
        metrics = self.header.fontMetrics()
        arrow = self.header.iconSize().width() + 24  # the arrow, the spacing and the button's margins
        shown = metrics.elidedText(self._title, Qt.TextElideMode.ElideRight, max(self.width() - arrow, 40))
        self.header.setText(shown)
        self.header.setToolTip(self._title if shown != self._title else "")

    def is_expanded(self) -> bool:
        return self.header.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        if self.header.isChecked() != expanded:
            self.header.setChecked(expanded)  # re-enters through toggled
            return
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)
