"""Small widgets the data tabs and dialogs share: an inline message banner and an empty-state overlay."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from meetdesk.ui.theme import is_dark, set_tone

#: (background, border, text) — explicit colours, a light and a dark set, each pair ≥ 7:1
_STYLES = {
    "warning": ("#FFF4CE", "#E0C060", "#3D2E00"),
    "error": ("#FDE7E9", "#E08A94", "#6B0010"),
    "info": ("#E5F1FB", "#8DB8E0", "#0B3558"),
}
_DARK_STYLES = {
    "warning": ("#3A2F10", "#8A6D1E", "#FFE7A3"),
    "error": ("#3D1A1E", "#8C3B45", "#FFD0D5"),
    "info": ("#14293D", "#3D6A93", "#CFE6FB"),
}


class Banner(QFrame):
    """A one-paragraph message above a table or form. Never modal; the user may dismiss it."""

    def __init__(self, parent: QWidget | None = None, *, closable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this message")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        self.close_button.setVisible(closable)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._dismissed = ""
        self.hide()

    def show_message(self, text: str, kind: str = "warning") -> None:
        """Show ``text``; a message the user dismissed stays hidden until its text changes."""
        if not text:
            self.clear()
            return
        styles = _DARK_STYLES if is_dark() else _STYLES  # a pale box would glare in a dark window
        background, border, foreground = styles.get(kind, styles["warning"])
        self.setStyleSheet(
            f"QFrame#banner {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}"
            f"QLabel#bannerText {{ color: {foreground}; background: transparent; }}"
            f"QToolButton {{ color: {foreground}; }}"
        )
        self.label.setText(text)
        self.setVisible(text != self._dismissed)

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def clear(self) -> None:
        self.label.clear()
        self._dismissed = ""
        self.hide()

    def dismiss(self) -> None:
        self._dismissed = self.label.text()
        self.hide()


class EmptyOverlay(QLabel):
    """A centred sentence drawn over an empty table, telling the user what to do next."""

    def __init__(self, view: QAbstractScrollArea) -> None:
        super().__init__(view.viewport())
        self.setObjectName("emptyState")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("QLabel#emptyState { color: palette(placeholder-text); font-size: 11pt; padding: 24px; }")
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        rect = self._viewport.rect()
        width = min(rect.width(), 620)
        self.setGeometry((rect.width() - width) // 2, 0, width, max(rect.height(), 120))

    def show_text(self, text: str) -> None:
        self.setText(text)
        self._fit()
        self.setVisible(bool(text))
        self.raise_()


def field_with_error(widget: QWidget, name: str, hint: str = "") -> tuple[QWidget, QLabel]:
    """``widget`` with an (initially hidden) inline error line under it, and an optional grey hint."""
    holder = QWidget(widget.parentWidget())
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    if hint:
        hint_label = QLabel(hint, holder)
        hint_label.setObjectName(f"hint_{name}")
        hint_label.setWordWrap(True)
        hint_label.setStyleSheet("color: palette(placeholder-text);")
        column.addWidget(hint_label)
    error = QLabel(holder)
    error.setObjectName(f"error_{name}")
    set_tone(error, "error")
    error.setWordWrap(True)
    error.hide()
    column.addWidget(error)
    return holder, error


def show_field_error(label: QLabel, focus: QWidget, message: str) -> None:
    label.setText(message)
    label.show()
    focus.setFocus()
