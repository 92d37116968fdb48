"""The composer's room field: a line edit with a searchable completer over the profile's rooms.

A combo box with one item per room costs ~50 MiB and half a second at 100,000 rooms, and again on every refresh.
Here the rooms are kept as the session's list; the completer shows at most :data:`MAX_SUGGESTIONS` matches of what
was typed (name or id, any part, case-insensitive), computed over a lower-cased index built on the first keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QVBoxLayout, QWidget

from meetdesk.domain.models import Room

MAX_SUGGESTIONS = 200
_AnyIndex = QModelIndex | QPersistentModelIndex


def room_text(room: Room) -> str:
    """How a room is shown in the picker: name (id) · status."""
    text = room.name if room.name == room.id or not room.name else f"{room.name} ({room.id})"
    return f"{text} · {room.status}" if room.status else text


class RoomSuggestions(QAbstractListModel):
    """The rooms matching the typed text (at most ``limit``); the completer shows this model unfiltered."""

    def __init__(self, parent: QWidget | None = None, limit: int = MAX_SUGGESTIONS) -> None:
        super().__init__(parent)
        self._limit = limit
        self._rooms: Sequence[Room] = ()
        self._keys: list[str] | None = None  # what is shown, case-folded; built on the first search
        self._shown: list[Room] = []

    def set_rooms(self, rooms: Sequence[Room]) -> None:
        self.beginResetModel()
        self._rooms = rooms
        self._keys = None
        self._shown = []
        self.endResetModel()

    def search(self, text: str) -> None:
        needle = text.strip().casefold()
        if self._keys is None:
            self._keys = [room_text(r).casefold() for r in self._rooms]
        shown: list[Room] = []
        if needle:
            for i, key in enumerate(self._keys):
                if needle in key:
                    shown.append(self._rooms[i])
                    if len(shown) >= self._limit:
                        break
        else:
            shown = list(self._rooms[: self._limit])
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()

    def room_at(self, row: int) -> Room | None:
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        room = self.room_at(index.row()) if index.isValid() else None
        if room is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return room_text(room)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Room ID: {room.id}"
        if role == Qt.ItemDataRole.UserRole:
            return room.id
        return None


class RoomPicker(QWidget):
    """Type a room's name or id, or pick one of the suggestions. ``room_id()`` is what the link is made for."""

    edited = Signal(str)  # the text, whenever it changes (typing or picking)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roomPicker")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line_edit = QLineEdit(self)
        self.line_edit.setObjectName("roomEdit")
        self.line_edit.setAccessibleName("Room")
        self.line_edit.setPlaceholderText("Choose a room or type its ID")
        self.line_edit.setClearButtonEnabled(True)
        layout.addWidget(self.line_edit)
        self.suggestions = RoomSuggestions(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.line_edit.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._picked)  # type: ignore[index]  # the index overload
        self._rooms: Sequence[Room] = ()
        self._by_id: dict[str, Room] | None = None
        self._chosen: Room | None = None
        # textEdited comes before the line edit asks its completer to pop up, so the suggestions are current
        self.line_edit.textEdited.connect(self._search)
        self.line_edit.textChanged.connect(self.edited)

    # rooms -------------------------------------------------------------------------------------
    def set_rooms(self, rooms: Sequence[Room], *, keep_typed: bool = True) -> None:
        """The profile's rooms; what was typed stays, unless ``keep_typed`` is false and it names no room."""
        typed = self.room_id()
        self._rooms = rooms
        self._by_id = None
        self._chosen = None
        self.suggestions.set_rooms(rooms)
        self.set_room(typed if keep_typed or self.has_room(typed) else None)

    def has_room(self, room_id: str) -> bool:
        return room_id in self._index()

    def room_count(self) -> int:
        return len(self._rooms)

    def set_room(self, room_id: str | None) -> None:
        """Show ``room_id`` (a known room by its text, anything else as typed), without opening suggestions."""
        room = self._index().get(room_id) if room_id else None
        self._chosen = room
        self.line_edit.blockSignals(True)
        self.line_edit.setText(room_text(room) if room is not None else room_id or "")
        self.line_edit.blockSignals(False)
        self.line_edit.setCursorPosition(0)
        self.edited.emit(self.line_edit.text())

    def set_text(self, text: str) -> None:
        """Put ``text`` in the field as if typed (no suggestion chosen)."""
        self._chosen = None
        self.line_edit.setText(text)

    def text(self) -> str:
        return self.line_edit.text()

    def room_id(self) -> str:
        """The chosen room's id, or what was typed (a room's id, or its exact, unique name)."""
        current = self.line_edit.text()
        if self._chosen is not None and current == room_text(self._chosen):
            return self._chosen.id
        text = current.strip()
        if not text or text in self._index():
            return text
        matches = [r.id for r in self._rooms if r.name == text]
        return matches[0] if len(matches) == 1 else text

    # internals ---------------------------------------------------------------------------------
    def _index(self) -> dict[str, Room]:
        if self._by_id is None:
            self._by_id = {r.id: r for r in self._rooms}
        return self._by_id

    def _search(self, text: str) -> None:
        self._chosen = None
        self.suggestions.search(text)

    def _picked(self, index: QModelIndex) -> None:
        room = self.suggestions.room_at(index.row())
        if room is not None:
            # the completer has already put the text in; remember which room it stands for
            self.set_room(room.id)
