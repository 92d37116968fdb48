"""Edit a profile's invitation template: the text with its placeholders, checked before it is saved."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from meetdesk.domain.errors import MeetdeskError
from meetdesk.services.invitation_store import InvitationStore
from meetdesk.services.invitations import DEFAULT_TEMPLATE, PLACEHOLDERS
from meetdesk.ui.forms import WrapLabel
from meetdesk.ui.theme import set_tone


class TemplateDialog(QDialog):
    saved = Signal(str)

    def __init__(self, store: InvitationStore, profile: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateDialog")
        self.setWindowTitle(f"Invitation template — {profile}")
        self.store, self.profile = store, profile
        layout = QVBoxLayout(self)
        names = " ".join("{" + p + "}" for p in PLACEHOLDERS)
        hint = WrapLabel(self)
        hint.setText(f"Placeholders: {names}. A line whose placeholders are all empty is left out.")
        layout.addWidget(hint)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("templateText")
        self.edit.setAccessibleName("Invitation template")
        self.edit.setPlainText(store.template(profile))
        layout.addWidget(self.edit, 1)
        self.error = WrapLabel(self)
        self.error.setObjectName("templateError")
        set_tone(self.error, "error")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        reset = QPushButton("Default text", self)
        reset.clicked.connect(lambda: self.edit.setPlainText(DEFAULT_TEMPLATE))
        buttons.addButton(reset, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def save(self) -> bool:
        """Keep the dialog (and the text) open when the template is wrong or cannot be saved."""
        try:
            self.store.set_template(self.profile, self.edit.toPlainText())
        except MeetdeskError as exc:
            self.error.setText(exc.user_text())
            self.error.show()
            return False
        self.saved.emit(self.profile)
        self.accept()
        return True
