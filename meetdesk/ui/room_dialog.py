"""Create or edit a room. The options part is the provider's ``room_fields``; nothing here is back-end specific.

Open it with ``open()``. Saving runs in the background; on failure the dialog stays open with everything
typed kept and the error shown next to the field it concerns (or in a banner above the form).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetdesk.backends.base import Capability
from meetdesk.domain.models import Room, RoomDraft
from meetdesk.services.session import Session
from meetdesk.ui.dialog_parts import EditorDialog, OptionsArea, eligible_profiles, field_of, profile_combo, provider_of
from meetdesk.ui.messages import error_text
from meetdesk.ui.tab_widgets import Banner, field_with_error, show_field_error

log = logging.getLogger("meetdesk.ui.room_dialog")

#: error ``field`` values that mean the dialog's own name / id inputs
NAME_FIELDS = {"name", "room_name", "title"}
ID_FIELDS = {"room_id", "id"}


class RoomDialog(EditorDialog):
    """``room`` None creates a room (on ``profile`` if given); otherwise edits ``room``.

    Signals:
        saved(Room): the room as the server stored it; the dialog closes right after.
    """

    def __init__(self, session: Session, *, room: Room | None = None, profile: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.room = room
        self.setObjectName("roomDialog")
        self.setWindowTitle("New room" if room is None else f"Edit room “{room.name}”")
        self.setMinimumWidth(520)

        self.banner = Banner(self, closable=False)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.profile_combo = None
        if room is None:
            names = eligible_profiles(session, Capability.CREATE_ROOM)
            self.profile_combo = profile_combo(self, names, session, profile)
            self.profile_combo.setToolTip("The server the room is created on.")
            form.addRow("Server", self.profile_combo)
        else:
            server = QLabel(room.profile, self)
            server.setObjectName("profileLabel")
            form.addRow("Server", server)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText("e.g. Weekly team call")
        holder, self.name_error = field_with_error(self.name_edit, "name")
        form.addRow("Name *", holder)

        self.id_edit = QLineEdit(self)
        self.id_edit.setObjectName("roomIdEdit")
        if room is None:
            self.id_edit.setPlaceholderText("optional")
            holder, self.id_error = field_with_error(
                self.id_edit, "room_id", "Leave empty to let the server choose one.")  # set per server below
        else:
            self.id_edit.setText(room.id)
            self.id_edit.setReadOnly(True)
            self.id_edit.setToolTip("A room's ID cannot be changed.")
            holder, self.id_error = field_with_error(self.id_edit, "room_id")
        form.addRow("Room ID", holder)

        self.options = OptionsArea(self)

        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Create room" if room is None else "Save changes", self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.progress = QLabel(self)
        self.progress.setObjectName("progressLabel")

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.options, 1)
        bottom = QVBoxLayout()
        bottom.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignRight)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        if room is not None:
            self.name_edit.setText(room.name)
        if self.profile_combo is not None:
            self.profile_combo.currentIndexChanged.connect(lambda _i: self._profile_changed())
        self._profile_changed()
        if room is not None:
            self.options.form.set_values(dict(room.options))
        self.name_edit.setFocus()

    # state -----------------------------------------------------------------------------------
    def profile(self) -> str:
        if self.profile_combo is not None:
            return str(self.profile_combo.currentData() or "")
        assert self.room is not None
        return self.room.profile

    def _profile_changed(self) -> None:
        name = self.profile()
        cls = provider_of(self.session, name) if name else None
        specs = cls.room_fields if cls is not None else ()
        heading = f"Room options ({cls.display_name})" if cls is not None else "Room options"
        self.options.rebuild(specs, heading)
        hint = self.findChild(QLabel, "hint_room_id")
        if cls is not None and hint is not None:  # what happens to an empty id differs per back end
            hint.setText(cls.room_id_help)
            self.id_edit.setEnabled(cls.room_id_settable)
            self.id_edit.setPlaceholderText("optional" if cls.room_id_settable else "chosen by the server")
        if not name:
            self.banner.show_message("No connected server can create rooms. Connect one in the Connections panel "
                                     "first.", "info")
        self._update_save()

    def clear_errors(self) -> None:
        self.banner.clear()
        self.name_error.hide()
        self.id_error.hide()
        self.options.form.clear_errors()

    # saving ----------------------------------------------------------------------------------
    def draft(self) -> RoomDraft | None:
        """The room as entered, or None after showing what is wrong."""
        self.clear_errors()
        name = self.name_edit.text().strip()
        options = self.options.form.parsed()
        if not name:
            show_field_error(self.name_error, self.name_edit, "Give the room a name.")
            return None
        if options is None:
            return None
        # a disabled field keeps what was typed (for another server) but is not sent
        room_id = self.id_edit.text().strip() if self.room is None and self.id_edit.isEnabled() else None
        return RoomDraft(name=name, room_id=room_id or None, options=options)

    def operation(self, draft: RoomDraft) -> tuple[str, Callable[[], Awaitable[Room]]]:
        profile, room = self.profile(), self.room
        if room is None:
            return (f"Creating room “{draft.name}” on {profile}…",
                    lambda: self.session.create_room(profile, draft))
        return f"Saving room “{draft.name}”…", lambda: self.session.update_room(profile, room.id, draft)

    def show_failure(self, exc: BaseException) -> None:
        """Show ``exc`` inline; the dialog and its input stay as they are."""
        key = field_of(exc)
        message = error_text(exc)
        if key in NAME_FIELDS:
            show_field_error(self.name_error, self.name_edit, message)
        elif key in ID_FIELDS and self.room is None:
            show_field_error(self.id_error, self.id_edit, message)
        elif key is None or not self.options.show_error(key, message):
            self.banner.show_message(f"The room was not saved. {error_text(exc)}", "error")
