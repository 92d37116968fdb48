"""Forms built from :class:`~meetdesk.domain.fields.FieldSpec` lists, with inline errors per field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.ui.participants_edit import ParticipantsEdit
from meetdesk.ui.theme import set_tone


class WrapLabel(QLabel):
    """A word-wrapping label that claims the height its text needs at its current width.

    Layouts inside a QScrollArea do not honour a plain QLabel's height-for-width, which squashes
    wrapped text and its neighbours into one line.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        needed = self.heightForWidth(self.width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class _PathEdit(QWidget):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(spec.placeholder)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)
        self._dialog: QFileDialog | None = None

    def _browse(self) -> None:
        dialog = QFileDialog(self, "Choose a file")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.edit.setText)
        self._dialog = dialog
        dialog.open()


class FieldForm(QWidget):
    """A form for ``specs``. ``values()`` returns raw values; ``parsed()`` validates and shows errors inline."""

    changed = Signal()

    def __init__(self, specs: Sequence[FieldSpec], parent: QWidget | None = None, *,
                 wrap_long_rows: bool = False) -> None:
        """``wrap_long_rows`` (a narrow dock): a field whose label leaves it too little room goes under the label,
        and a check box takes the whole row instead of sitting in the field column."""
        super().__init__(parent)
        self.specs = list(specs)
        self._narrow = wrap_long_rows
        self._widgets: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        groups: dict[str, QFormLayout] = {}
        for spec in self.specs:
            form = groups.get(spec.group)
            if form is None:
                if spec.group and wrap_long_rows:
                    form = self._titled_group(spec.group, outer)
                elif spec.group:
                    box = QGroupBox(spec.group, self)
                    form = QFormLayout(box)
                    outer.addWidget(box)
                else:
                    holder = QWidget(self)
                    form = QFormLayout(holder)
                    form.setContentsMargins(0, 0, 0, 0)
                    outer.addWidget(holder)
                form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
                if wrap_long_rows:
                    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
                groups[spec.group] = form
            widget = self._make_widget(spec)
            widget.setObjectName(f"field_{spec.key}")
            if spec.help:
                widget.setToolTip(spec.help)
            self._widgets[spec.key] = widget
            error = WrapLabel(self)
            error.setObjectName(f"error_{spec.key}")
            set_tone(error, "error")
            error.hide()
            self._errors[spec.key] = error
            column = QWidget(self)
            col = QVBoxLayout(column)
            col.setContentsMargins(0, 0, 0, 0)
            col.setSpacing(2)
            col.addWidget(widget)
            col.addWidget(error)
            label = spec.label + (" *" if spec.required else "")
            if spec.kind is FieldKind.BOOL and wrap_long_rows:
                form.addRow(column)
            elif spec.kind is FieldKind.BOOL:
                form.addRow("", column)
            else:
                form.addRow(label, column)
        outer.addStretch(0)
        self.set_values({s.key: s.default for s in self.specs if s.default is not None})

    def _titled_group(self, title: str, outer: QVBoxLayout) -> QFormLayout:
        """A group under a bold heading that wraps: a group box's title ("Locks for this participant (moderators
        are never locked)") would not, and would set the narrow dock's least width."""
        heading = WrapLabel(self)
        heading.setText(title)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        holder = QWidget(self)
        form = QFormLayout(holder)
        form.setContentsMargins(8, 0, 0, 0)
        outer.addWidget(heading)
        outer.addWidget(holder)
        return form

    # widgets -----------------------------------------------------------------------------------
    def _make_widget(self, spec: FieldSpec) -> QWidget:
        kind = spec.kind
        if kind is FieldKind.BOOL:
            box = QCheckBox(spec.label, self)
            box.toggled.connect(self.changed)
            return box
        if kind is FieldKind.INT:
            spin = QSpinBox(self)
            low = spec.minimum if spec.minimum is not None else 0
            if not spec.required and spec.default is None:
                # one step below the minimum stands for "not set", so the back end's own default applies
                low -= 1
                spin.setSpecialValueText(f"server default ({spec.placeholder})" if spec.placeholder
                                         else "server default")
            spin.setRange(low, spec.maximum if spec.maximum is not None else 1_000_000)
            spin.valueChanged.connect(self.changed)
            return spin
        if kind is FieldKind.CHOICE:
            combo = QComboBox(self)
            for value, text in spec.choices:
                combo.addItem(text, value)
            if self._narrow:  # a long choice ("Deutsch (Schweiz) …") may not widen a narrow dock: it is elided
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if kind is FieldKind.MULTI_CHOICE:
            lst = QListWidget(self)
            for value, text in spec.choices:
                item = QListWidgetItem(text, lst)
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            lst.setMaximumHeight(min(140, 24 * max(1, len(spec.choices)) + 8))
            lst.itemChanged.connect(self.changed)
            return lst
        if kind is FieldKind.MULTILINE:
            multiline = QPlainTextEdit(self)
            multiline.setPlaceholderText(spec.placeholder)
            multiline.setMaximumHeight(90)
            multiline.textChanged.connect(self.changed)
            return multiline
        if kind is FieldKind.PARTICIPANTS:
            people = ParticipantsEdit(spec.label, self)
            people.changed.connect(self.changed)
            return people
        if kind is FieldKind.PATH:
            path = _PathEdit(spec, self)
            path.edit.textChanged.connect(self.changed)
            return path
        edit = QLineEdit(self)
        edit.setPlaceholderText(spec.placeholder)
        if kind is FieldKind.SECRET:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.textChanged.connect(self.changed)
        return edit

    def widget(self, key: str) -> QWidget:
        return self._widgets[key]

    # values ------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Raw values as typed (strings, bools, ints, lists); empty text fields are left out."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            w = self._widgets[spec.key]
            value: Any
            if isinstance(w, QCheckBox):
                value = w.isChecked()
            elif isinstance(w, QSpinBox):
                if w.specialValueText() and w.value() == w.minimum():
                    continue  # left unset
                value = w.value()
            elif isinstance(w, QComboBox):
                value = w.currentData()
            elif isinstance(w, QListWidget):
                value = [w.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.count())
                         if w.item(i).checkState() == Qt.CheckState.Checked]
            elif isinstance(w, QPlainTextEdit):
                value = w.toPlainText()
            elif isinstance(w, _PathEdit):
                value = w.edit.text()
            elif isinstance(w, ParticipantsEdit):
                value = w.people()
            else:
                assert isinstance(w, QLineEdit)
                value = w.text()
            if isinstance(value, str) and not value.strip():
                continue
            out[spec.key] = value
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            w = self._widgets.get(key)
            if w is None or value is None:
                continue
            if isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QSpinBox):
                w.setValue(int(value))
            elif isinstance(w, QComboBox):
                index = w.findData(str(value))
                if index >= 0:
                    w.setCurrentIndex(index)
            elif isinstance(w, QListWidget):
                chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
                for i in range(w.count()):
                    item = w.item(i)
                    item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen
                                       else Qt.CheckState.Unchecked)
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(str(value))
            elif isinstance(w, _PathEdit):
                w.edit.setText(str(value))
            elif isinstance(w, ParticipantsEdit):
                w.set_people(value)
            elif isinstance(w, QLineEdit):
                w.setText(str(value))

    def parsed(self) -> dict[str, Any] | None:
        """Validate every field; show errors inline and return None if any is invalid."""
        self.clear_errors()
        raw = self.values()
        ok = True
        for spec in self.specs:
            try:
                parse_options([spec], {k: v for k, v in raw.items() if k == spec.key})
            except ValidationError as exc:
                self.set_error(spec.key, exc.message)
                ok = False
        return parse_options(self.specs, raw) if ok else None

    # errors ------------------------------------------------------------------------------------
    def set_error(self, key: str, message: str) -> bool:
        """Show ``message`` under field ``key``; False if this form has no such field."""
        label = self._errors.get(key)
        if label is None:
            return False
        label.setText(message)
        label.show()
        self._widgets[key].setFocus()
        return True

    def error(self, key: str) -> str:
        label = self._errors.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()
