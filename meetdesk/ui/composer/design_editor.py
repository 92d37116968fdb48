"""Inputs for every plugNmeet ``custom_design`` key, with inline errors and a legacy-client switch."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from meetdesk.domain.design import DESIGN_KEYS, DesignKey, validate_design
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.values import validate_url
from meetdesk.ui.composer.color_field import ColorField, try_color
from meetdesk.ui.theme import set_tone

#: How the keys are grouped on screen; a key missing here (a newer client's) lands in "More".
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Brand colours", ("primary_color", "secondary_color")),
    ("Buttons", ("primary_btn_bg_color", "primary_btn_text_color",
                 "secondary_btn_bg_color", "secondary_btn_text_color")),
    ("Screen areas", ("background_color", "header_bg_color", "side_panel_bg_color",
                      "footer_bg_color", "footer_icon_bg_color", "footer_icon_color")),
    ("Images and style sheet", ("background_image", "custom_logo", "custom_css_url")),
)
LEGACY_TITLE = "Legacy client (1.7 and older)"
NOT_SET = "(not set)"
LABEL_WIDTH = 118


class DesignEditor(QWidget):
    """``design()`` gives the raw set keys, ``validated()`` checks them and shows errors inline."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colors: dict[str, ColorField] = {}
        self._urls: dict[str, QLineEdit] = {}
        self._choices: dict[str, QComboBox] = {}
        self._errors: dict[str, QLabel] = {}
        self._specs = {k.key: k for k in DESIGN_KEYS}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        placed: set[str] = set()
        current = [k.key for k in DESIGN_KEYS if not k.legacy]
        for title, keys in GROUPS:
            present = [k for k in keys if k in self._specs]
            if present:
                outer.addWidget(self._group(title, present))
                placed.update(present)
        rest = [k for k in current if k not in placed]
        if rest:
            outer.addWidget(self._group("More", rest))

        self.legacy_switch = QCheckBox(LEGACY_TITLE, self)
        self.legacy_switch.setObjectName("legacySwitch")
        self.legacy_switch.setToolTip("Also send the settings of old clients (1.x). Client 2.x ignores the left "
                                      "side colour and the camera column, and uses the right side colour only "
                                      "when “Side panel background” is empty.")
        outer.addWidget(self.legacy_switch)
        legacy = [k.key for k in DESIGN_KEYS if k.legacy]
        self.legacy_group = self._group("Legacy settings", legacy)
        self.legacy_group.setObjectName("legacyGroup")
        self.legacy_group.setVisible(False)
        outer.addWidget(self.legacy_group)
        self.legacy_switch.toggled.connect(self._on_legacy)

    # building ----------------------------------------------------------------------------------
    def _group(self, title: str, keys: list[str]) -> QGroupBox:
        box = QGroupBox(title, self)
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        # the same label width in every group keeps the inputs of all groups in one column
        grid.setColumnMinimumWidth(0, LABEL_WIDTH)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        row = 0
        for key in keys:
            spec = self._specs[key]
            label = QLabel(spec.label, box)
            label.setWordWrap(True)
            label.setMaximumWidth(LABEL_WIDTH)
            if spec.help:
                label.setToolTip(spec.help)
            editor = self._editor(spec, box)
            label.setBuddy(editor)
            grid.addWidget(label, row, 0)
            grid.addWidget(editor, row, 1)
            error = QLabel(box)
            error.setObjectName(f"designError_{key}")
            set_tone(error, "error")
            error.setWordWrap(True)
            error.hide()
            self._errors[key] = error
            grid.addWidget(error, row + 1, 0, 1, 2)
            row += 2
        return box

    def _editor(self, spec: DesignKey, parent: QWidget) -> QWidget:
        if spec.kind == "color":
            field = ColorField(spec.key, spec.label, parent)
            if spec.help:
                field.edit.setToolTip(spec.help)
            field.text_changed.connect(lambda _t, k=spec.key: self._edited(k))
            field.editing_finished.connect(lambda k=spec.key: self._check(k))
            self._colors[spec.key] = field
            return field
        if spec.kind == "url":
            edit = QLineEdit(parent)
            edit.setObjectName(f"url_{spec.key}")
            edit.setPlaceholderText("https://…")
            edit.setClearButtonEnabled(True)
            edit.setAccessibleName(spec.label)
            if spec.help:
                edit.setToolTip(spec.help)
            edit.textChanged.connect(lambda _t, k=spec.key: self._edited(k))
            edit.editingFinished.connect(lambda k=spec.key: self._check(k))
            self._urls[spec.key] = edit
            return edit
        combo = QComboBox(parent)
        combo.setObjectName(f"choice_{spec.key}")
        combo.setAccessibleName(spec.label)
        combo.addItem(NOT_SET, "")
        for choice in spec.choices:
            combo.addItem(choice, choice)
        combo.currentIndexChanged.connect(lambda _i, k=spec.key: self._edited(k))
        self._choices[spec.key] = combo
        return combo

    # values ------------------------------------------------------------------------------------
    def color_field(self, key: str) -> ColorField:
        return self._colors[key]

    def url_field(self, key: str) -> QLineEdit:
        return self._urls[key]

    def choice_field(self, key: str) -> QComboBox:
        return self._choices[key]

    def legacy_enabled(self) -> bool:
        return self.legacy_switch.isChecked()

    def _raw_value(self, key: str) -> str:
        if key in self._colors:
            return self._colors[key].text()
        if key in self._urls:
            return self._urls[key].text().strip()
        return str(self._choices[key].currentData() or "")

    def design(self) -> dict[str, str]:
        """Every key that has a value, as typed; legacy keys only while the switch is on."""
        out: dict[str, str] = {}
        for spec in DESIGN_KEYS:
            if spec.legacy and not self.legacy_enabled():
                continue
            value = self._raw_value(spec.key)
            if value:
                out[spec.key] = value
        return out

    def valid_colors(self) -> dict[str, str]:
        """The set keys that are valid right now (for the preview and the contrast check while typing)."""
        out: dict[str, str] = {}
        for key, value in self.design().items():
            if key in self._colors:
                color = try_color(value)
                if color is not None:
                    out[key] = color.hex
            elif not self._problem(key):
                out[key] = value
        return out

    def set_design(self, design: Mapping[str, str]) -> None:
        """Replace every input with ``design`` (keys it lacks become empty)."""
        blocked = self.blockSignals(True)
        try:
            for spec in DESIGN_KEYS:
                value = str(design.get(spec.key) or "")
                if spec.key in self._colors:
                    self._colors[spec.key].set_text(value)
                elif spec.key in self._urls:
                    self._urls[spec.key].setText(value)
                else:
                    combo = self._choices[spec.key]
                    combo.setCurrentIndex(max(0, combo.findData(value)))
            if any(spec.legacy and design.get(spec.key) for spec in DESIGN_KEYS):
                self.legacy_switch.setChecked(True)
            self.clear_errors()
        finally:
            self.blockSignals(blocked)
        self.changed.emit()

    def clear(self) -> None:
        self.set_design({})

    # validation --------------------------------------------------------------------------------
    def _problem(self, key: str) -> str:
        spec = self._specs[key]
        value = self._raw_value(key)
        if not value:
            return ""
        if key in self._colors:
            return self._colors[key].problem()
        if key in self._urls:
            try:
                validate_url(value, field=key, label=spec.label, https_only=True)
            except ValidationError as exc:
                return exc.message
        return ""

    def _edited(self, key: str) -> None:
        # an error already on screen disappears as soon as the value is fixed, but a new one
        # only appears when the user leaves the field (no nagging while typing)
        if not self._errors[key].isHidden() and not self._problem(key):
            self._errors[key].hide()
        self.changed.emit()

    def _check(self, key: str) -> None:
        problem = self._problem(key)
        if problem:
            self.set_error(key, problem, focus=False)

    def validated(self) -> dict[str, str] | None:
        """The design, normalised, or None after showing every problem under its field."""
        self.clear_errors()
        ok = True
        for key in self.design():
            problem = self._problem(key)
            if problem:
                self.set_error(key, problem, focus=ok)
                ok = False
        if not ok:
            return None
        try:
            return validate_design(self.design())
        except ValidationError as exc:
            if not (exc.field and self.set_error(exc.field, exc.message)):
                raise
            return None

    def set_error(self, key: str, message: str, *, focus: bool = True) -> bool:
        label = self._errors.get(key)
        if label is None:
            return False
        if self._specs[key].legacy and not self.legacy_enabled():
            self.legacy_switch.setChecked(True)
        label.setText(message)
        label.show()
        if focus:
            target: QWidget = (self._colors[key].edit if key in self._colors
                               else self._urls.get(key) or self._choices[key])
            target.setFocus()
        return True

    def error(self, key: str) -> str:
        label = self._errors[key]
        return label.text() if not label.isHidden() else ""

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()

    def _on_legacy(self, on: bool) -> None:
        self.legacy_group.setVisible(on)
        self.changed.emit()
