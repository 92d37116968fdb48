"""One colour input: a swatch button that opens a non-modal colour dialog, and a hex field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QColorDialog, QHBoxLayout, QLineEdit, QToolButton, QWidget

from meetdesk.domain.colors import Color, parse_color
from meetdesk.domain.errors import ValidationError

SWATCH_EMPTY_STYLE = "QToolButton { border: 1px dashed palette(mid); border-radius: 3px; background: transparent; }"


def try_color(text: str) -> Color | None:
    """The colour in ``text``, or None when it is empty or not a hex colour."""
    if not text.strip():
        return None
    try:
        return parse_color(text)
    except ValidationError:
        return None


class ColorField(QWidget):
    """``#RRGGBB`` input. ``text_changed`` fires on every edit; ``problem()`` says what is wrong, if anything."""

    text_changed = Signal(str)
    editing_finished = Signal()

    def __init__(self, key: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.label = label
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.swatch = QToolButton(self)
        self.swatch.setObjectName(f"swatch_{key}")
        self.swatch.setFixedSize(28, 24)
        self.swatch.setToolTip(f"Choose the {label.lower()} from a palette (F4 in the field)")
        # not a Tab stop: Tab from one hex field goes to the next one, where the next colour is typed
        self.swatch.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.swatch.setAccessibleName(f"Choose {label.lower()}")
        self.swatch.clicked.connect(self.open_dialog)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"hex_{key}")
        self.edit.setPlaceholderText("#RRGGBB")
        self.edit.setAccessibleName(label)
        self.edit.setClearButtonEnabled(True)
        self.edit.setMaxLength(16)
        self.edit.setMinimumWidth(96)
        self.edit.textChanged.connect(self._on_text)
        self.edit.editingFinished.connect(self.editing_finished)
        palette = QAction(f"Choose the {label.lower()} from a palette", self.edit)
        palette.setShortcut(QKeySequence(Qt.Key.Key_F4))
        palette.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        palette.triggered.connect(self.open_dialog)
        self.edit.addAction(palette)
        layout.addWidget(self.swatch)
        layout.addWidget(self.edit, 1)
        self._dialog: QColorDialog | None = None
        self._paint_swatch(None)

    # value -------------------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def color(self) -> Color | None:
        return try_color(self.text())

    def problem(self) -> str:
        """Why the current text is not a colour ("" when it is fine or empty)."""
        if not self.text():
            return ""
        try:
            parse_color(self.text(), field=self.key, label=self.label)
        except ValidationError as exc:
            return exc.message
        return ""

    # dialog ------------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        # non-modal: open() returns at once, the choice arrives through colorSelected
        if self._dialog is not None and self._dialog.isVisible():
            self._dialog.raise_()
            return
        current = self.color()
        dialog = QColorDialog(QColor(current.hex) if current else QColor("#ffffff"), self)
        dialog.setWindowTitle(self.label)
        dialog.setObjectName(f"colorDialog_{self.key}")
        dialog.setOption(QColorDialog.ColorDialogOption.DontUseNativeDialog, True)
        dialog.colorSelected.connect(self._on_dialog_color)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._forget_dialog)
        self._dialog = dialog
        dialog.open()

    def dialog(self) -> QColorDialog | None:
        return self._dialog

    def _forget_dialog(self) -> None:
        self._dialog = None

    def _on_dialog_color(self, color: QColor) -> None:
        if color.isValid():
            self.edit.setText(color.name(QColor.NameFormat.HexRgb).upper())

    # painting ----------------------------------------------------------------------------------
    def _on_text(self, text: str) -> None:
        self._paint_swatch(try_color(text))
        self.text_changed.emit(text)

    def _paint_swatch(self, color: Color | None) -> None:
        if color is None:
            self.swatch.setStyleSheet(SWATCH_EMPTY_STYLE)
            self.swatch.setText("…")
        else:
            self.swatch.setText("")
            self.swatch.setStyleSheet(
                f"QToolButton {{ background: {color.hex}; border: 1px solid palette(dark); border-radius: 3px; }}"
            )
