"""Named designs kept with the profiles: apply, save, rename and delete them (every prompt non-modal)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetdesk.domain.errors import MeetdeskError
from meetdesk.services.profile_store import ProfileStore
from meetdesk.ui.messages import confirm
from meetdesk.ui.theme import set_tone

log = logging.getLogger("meetdesk.ui.composer")

NO_PRESETS = "(no saved designs yet)"


class PresetsBar(QWidget):
    """``design_source`` returns the design to save (None when it is invalid; the editor shows why)."""

    load_requested = Signal(dict)

    def __init__(self, store: ProfileStore, design_source: Callable[[], dict[str, str] | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._design_source = design_source
        self._prompt: QInputDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)

        top = QHBoxLayout()
        label = QLabel("Saved designs:", self)
        self.combo = QComboBox(self)
        self.combo.setObjectName("presetCombo")
        self.combo.setAccessibleName("Saved designs")
        self.combo.setMinimumContentsLength(12)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        label.setBuddy(self.combo)
        self.apply_button = QPushButton("Apply", self)
        self.apply_button.setObjectName("presetApply")
        self.apply_button.setToolTip("Fill the design fields with the chosen saved design")
        # the label above the list, not beside it: the bar is the composer's widest row, and the dock's width
        # is taken from the tables
        outer.addWidget(label)
        top.addWidget(self.combo, 1)
        top.addWidget(self.apply_button)
        outer.addLayout(top)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save as…", self)
        self.save_button.setObjectName("presetSave")
        self.save_button.setToolTip("Keep the current design under a name")
        self.rename_button = QPushButton("Rename…", self)
        self.rename_button.setObjectName("presetRename")
        self.delete_button = QPushButton("Delete…", self)
        self.delete_button.setObjectName("presetDelete")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        self.message = QLabel(self)
        self.message.setObjectName("presetMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)

        self.apply_button.clicked.connect(self.apply_selected)
        self.save_button.clicked.connect(self.ask_save)
        self.rename_button.clicked.connect(self.ask_rename)
        self.delete_button.clicked.connect(self.ask_delete)
        self.reload()

    # list --------------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        current = select if select is not None else self.selected()
        names = sorted(self.store.presets(), key=str.casefold)
        self.combo.blockSignals(True)
        self.combo.clear()
        if names:
            for name in names:
                self.combo.addItem(name, name)
            index = self.combo.findData(current) if current else -1
            self.combo.setCurrentIndex(max(0, index))
        else:
            self.combo.addItem(NO_PRESETS, None)
        self.combo.blockSignals(False)
        for button in (self.apply_button, self.rename_button, self.delete_button):
            button.setEnabled(bool(names))

    def selected(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data else None

    def prompt(self) -> QInputDialog | None:
        """The name prompt that is open, if any (tests answer it)."""
        return self._prompt

    # feedback ----------------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        set_tone(self.message, "error" if error else None)
        self.message.setVisible(bool(text))

    def _fail(self, exc: MeetdeskError) -> None:
        log.info("design preset: %s", exc.message)
        self._say(exc.user_text(), error=True)

    # actions -----------------------------------------------------------------------------------
    def apply_selected(self) -> None:
        name = self.selected()
        presets = self.store.presets()
        if name is None or name not in presets:
            self.reload()
            return
        self.load_requested.emit(presets[name])
        self._say(f"Applied “{name}”.")

    def _ask_name(self, title: str, label: str, initial: str, done: Callable[[str], None]) -> None:
        if self._prompt is not None:
            self._prompt.close()
        dialog = QInputDialog(self)
        dialog.setObjectName("presetNamePrompt")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(initial)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.textValueSelected.connect(done)
        dialog.finished.connect(lambda _r: self._forget_prompt(dialog))
        self._prompt = dialog
        dialog.open()

    def _forget_prompt(self, dialog: QInputDialog) -> None:
        if self._prompt is dialog:
            self._prompt = None
        dialog.deleteLater()

    def ask_save(self) -> None:
        design = self._design_source()
        if design is None:
            self._say("Fix the design fields marked in red before saving.", error=True)
            return
        if not design:
            self._say("Set at least one colour or address before saving a design.", error=True)
            return
        self._say("")
        self._ask_name("Save design", "Name for this design:", self.selected() or "",
                       lambda name: self._save(name, design))

    def _save(self, name: str, design: dict[str, str]) -> None:
        name = name.strip()
        if name and name in self.store.presets():
            confirm(self, "Replace design", f"A design named “{name}” already exists. Replace it?", "Replace",
                    lambda: self._store_save(name, design))
            return
        self._store_save(name, design)

    def _store_save(self, name: str, design: dict[str, str]) -> None:
        try:
            self.store.save_preset(name, design)
        except MeetdeskError as exc:
            self._fail(exc)
            return
        self.reload(select=name.strip())
        self._say(f"Saved “{name.strip()}”.")

    def ask_rename(self) -> None:
        old = self.selected()
        if old is None:
            return
        self._ask_name("Rename design", f"New name for “{old}”:", old, lambda new: self._rename(old, new))

    def _rename(self, old: str, new: str) -> None:
        try:
            self.store.rename_preset(old, new)
        except MeetdeskError as exc:
            self._fail(exc)
            return
        self.reload(select=new.strip())
        self._say(f"Renamed “{old}” to “{new.strip()}”.")

    def ask_delete(self) -> None:
        name = self.selected()
        if name is None:
            return
        confirm(self, "Delete design", f"Delete the saved design “{name}”? Links already sent keep their colours.",
                "Delete", lambda: self._delete(name))

    def _delete(self, name: str) -> None:
        try:
            self.store.delete_preset(name)
        except MeetdeskError as exc:
            self._fail(exc)
            return
        self.reload()
        self._say(f"Deleted “{name}”.")
