"""The editor of a list of people (name, e-mail address) for ``FieldKind.PARTICIPANTS`` fields."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from meetdesk.domain.errors import ValidationError
from meetdesk.domain.people import parse_participants


class ParticipantsEdit(QWidget):
    """People as a two-column table (name, e-mail address) with Add and Remove buttons.

    Signals:
        changed(): a row was added, removed or edited.
    """

    changed = Signal()

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("participantsTable")
        self.table.setHorizontalHeaderLabels(["Name", "E-mail address"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else in the form
        self.table.setAccessibleName(label)
        row_height = self.table.fontMetrics().height() + 10
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setMinimumHeight(row_height * 3 + header + 4)
        self.table.setMaximumHeight(row_height * 5 + header + 4)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())

        self.add_button = QPushButton("Add person", self)
        self.add_button.setObjectName("addParticipant")
        self.add_button.setToolTip("Add a row; type the name, then the e-mail address.")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("removeParticipant")
        self.remove_button.setToolTip("Remove the selected people.")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows())))

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, name: str = "", email: str = "", *, edit: bool = True) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        first = QTableWidgetItem(name)
        self.table.setItem(row, 0, first)
        self.table.setItem(row, 1, QTableWidgetItem(email))
        if edit:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(first)
        self.changed.emit()

    def remove_selected(self) -> None:
        for row in sorted((i.row() for i in self.table.selectionModel().selectedRows()), reverse=True):
            self.table.removeRow(row)
        self.changed.emit()

    def people(self) -> list[dict[str, str]]:
        """Every row with any text, as typed (the field's parser checks the addresses)."""
        out = []
        for row in range(self.table.rowCount()):
            name, email = (self._text(row, column) for column in (0, 1))
            if name or email:
                out.append({"name": name, "email": email})
        return out

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def set_people(self, value: Any) -> None:
        """Show ``value``: a list of ``{"name", "email"}`` or the text form ``Name <email>; …``."""
        try:
            people = parse_participants(value)
        except ValidationError:  # show what there is, even if it would not pass
            people = [p for p in value if isinstance(p, dict)] if isinstance(value, list) else []
        self.table.setRowCount(0)
        for person in people:
            self.add_row(str(person.get("name", "")), str(person.get("email", "")), edit=False)
