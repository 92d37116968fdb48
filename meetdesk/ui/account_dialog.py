"""Accounts on a multi-tenant instance (``Capability.ACCOUNTS``, e.g. a Veeting white-label instance key):
create an account with its first administrator, and look up an account's administrators — whose user id
can become the profile's organiser.

Opened non-modally from the Connections panel. Nothing typed is lost when a call fails; errors show next to
their field or in the banner.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from meetdesk.backends.base import provider_class
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import Account, AccountDraft, AccountUser
from meetdesk.domain.people import parse_email
from meetdesk.services.session import Session
from meetdesk.ui.forms import FieldForm
from meetdesk.ui.messages import error_text
from meetdesk.ui.tab_widgets import Banner, field_with_error, show_field_error
from meetdesk.ui.tasks import AsyncOp

log = logging.getLogger("meetdesk.ui.account_dialog")

LANGUAGES = (("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("it", "Italiano"), ("es", "Español"))
#: the profile field an instance key names its organiser in
ORGANISER_FIELD = "user_id"


class AccountDialog(QDialog):
    """Accounts of ``profile`` (a connected profile whose back end has ``Capability.ACCOUNTS``)."""

    def __init__(self, session: Session, profile: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.profile = profile
        self.cls = provider_class(session.connection(profile).profile.kind)
        self.setObjectName("accountDialog")
        self.setWindowTitle(f"Accounts on {profile}")
        self.setMinimumWidth(600)
        self._errors: dict[str, tuple[QLabel, QWidget]] = {}
        self.users: list[AccountUser] = []

        self.banner = Banner(self, closable=False)
        intro = QLabel(f"{self.cls.display_name} creates an account together with its first administrator. "
                       "This needs an instance-level API key.", self)
        intro.setWordWrap(True)

        create_box = QGroupBox("New account", self)
        create_layout = QVBoxLayout(create_box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        create_layout.addLayout(form)
        self.first_edit = self._line("firstNameEdit", "e.g. Dora")
        form.addRow("Administrator's first name *", self._with_error(self.first_edit, "admin_first_name"))
        self.last_edit = self._line("lastNameEdit", "e.g. Director")
        form.addRow("Last name *", self._with_error(self.last_edit, "admin_last_name"))
        self.email_edit = self._line("emailEdit", "dora@example.org")
        self.email_edit.setToolTip("The administrator signs in with it; it may exist only once on the instance.")
        form.addRow("E-mail address *", self._with_error(self.email_edit, "admin_email"))
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("languageCombo")
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        form.addRow("Language", self.language_combo)
        self.options = FieldForm(self.cls.account_fields, self)
        self.options.setMinimumHeight(self.options.sizeHint().height())
        create_layout.addWidget(self.options)
        self.create_button = QPushButton("Create account", self)
        self.create_button.setObjectName("createAccountButton")
        self.create_button.clicked.connect(self.create_account)
        create_layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignRight)

        lookup_box = QGroupBox("Administrators of an account", self)
        lookup = QVBoxLayout(lookup_box)
        row = QHBoxLayout()
        self.account_edit = self._line("accountIdEdit", "account id, e.g. 5e9459c5b863b82cefdddf4f")
        row.addWidget(QLabel("Account id", self))
        row.addWidget(self._with_error(self.account_edit, "account_id"), 1)
        self.lookup_button = QPushButton("Look up", self)
        self.lookup_button.setObjectName("lookupButton")
        self.lookup_button.clicked.connect(self.look_up)
        row.addWidget(self.lookup_button, 0, Qt.AlignmentFlag.AlignTop)
        lookup.addLayout(row)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("adminsTable")
        self.table.setHorizontalHeaderLabels(["Name", "E-mail address", "User id"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # the user id is what the coordinator needs whole
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(self.table.fontMetrics().height() * 4)
        self.table.setMaximumHeight(self.table.fontMetrics().height() * 6)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        lookup.addWidget(self.table)
        actions = QHBoxLayout()
        self.copy_button = QPushButton("Copy user id", self)
        self.copy_button.setObjectName("copyUserIdButton")
        self.copy_button.clicked.connect(self.copy_user_id)
        self.organiser_button = QPushButton("Schedule this profile's meetings for them", self)
        self.organiser_button.setObjectName("useAsOrganiserButton")
        self.organiser_button.setToolTip("Save the user id as the profile's organiser (sent as X-USER-ID).")
        self.organiser_button.clicked.connect(self.use_as_organiser)
        self.organiser_button.setVisible(any(f.key == ORGANISER_FIELD for f in self.cls.connection_fields))
        actions.addWidget(self.copy_button)
        actions.addWidget(self.organiser_button)
        actions.addStretch(1)
        lookup.addLayout(actions)

        self.progress = QLabel(self)
        self.progress.setObjectName("progressLabel")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addWidget(create_box)
        layout.addWidget(lookup_box, 1)
        layout.addLayout(bottom)
        self._busy = False
        self._update_buttons()
        self.first_edit.setFocus()

    # building ----------------------------------------------------------------------------------
    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _with_error(self, widget: QWidget, key: str) -> QWidget:
        holder, label = field_with_error(widget, key)
        self._errors[key] = (label, widget)
        return holder

    # state -------------------------------------------------------------------------------------
    def error(self, key: str) -> str:
        if key in self._errors:
            label = self._errors[key][0]
            return "" if label.isHidden() else label.text()
        return self.options.error(key)

    def _clear_errors(self) -> None:
        self.banner.clear()
        for label, _widget in self._errors.values():
            label.hide()
        self.options.clear_errors()

    def _show_error(self, exc: BaseException, what: str) -> None:
        key = exc.field if isinstance(exc, ValidationError) else None
        key = {"email": "admin_email"}.get(key or "", key)
        if key in self._errors:
            label, widget = self._errors[key]
            show_field_error(label, widget, error_text(exc))
        elif key is None or not self.options.set_error(key, error_text(exc)):
            self._say(f"{what} {error_text(exc)}", "error")

    def _say(self, text: str, kind: str) -> None:
        """A message in the banner; the dialog grows for it rather than squeezing the fields."""
        self.banner.show_message(text, kind)
        hint = self.sizeHint().height()
        if hint > self.height():
            self.resize(self.width(), hint)

    def _set_busy(self, busy: bool, label: str = "") -> None:
        self._busy = busy
        self.progress.setText(label)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.selected_user() is not None
        self.create_button.setEnabled(not self._busy)
        self.lookup_button.setEnabled(not self._busy)
        self.copy_button.setEnabled(selected)
        self.organiser_button.setEnabled(selected and not self._busy)

    def selected_user(self) -> AccountUser | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows and rows[0].row() < len(self.users) else None

    # actions -----------------------------------------------------------------------------------
    def draft(self) -> AccountDraft | None:
        self._clear_errors()
        ok = True
        first, last = self.first_edit.text().strip(), self.last_edit.text().strip()
        for key, value, text in (("admin_first_name", first, "Give the administrator's first name."),
                                 ("admin_last_name", last, "Give the administrator's last name.")):
            if not value:
                self._show_error(ValidationError(text, field=key), "")
                ok = False
        try:
            email = parse_email(self.email_edit.text(), field="admin_email", label="E-mail address")
        except ValidationError as exc:
            self._show_error(exc, "")
            ok, email = False, ""
        options = self.options.parsed()
        if options is None or not ok:
            return None
        return AccountDraft(admin_email=email, admin_first_name=first, admin_last_name=last,
                            language=str(self.language_combo.currentData()), options=options)

    def create_account(self) -> None:
        draft = self.draft() if not self._busy else None
        if draft is None:
            return
        label = f"Creating the account for {draft.admin_email}…"
        self._set_busy(True, label)
        AsyncOp(self, lambda: self.session.create_account(self.profile, draft)).with_progress(label) \
            .failure(lambda exc: self._show_error(exc, "The account was not created.")) \
            .finally_(lambda: self._set_busy(False)).success(self._created).run()

    def _created(self, account: Account) -> None:
        paid = f", paid until {account.paid_until:%Y-%m-%d}" if account.paid_until else ""
        self._say(f"Created the account “{account.name}” (id {account.id}, "
                  f"{account.account_type or 'type not given'}{paid}). Its administrator is below.", "info")
        self.account_edit.setText(account.id)
        self.look_up()

    def look_up(self) -> None:
        account_id = self.account_edit.text().strip()
        for error, _widget in self._errors.values():
            error.hide()
        if not account_id:
            self._show_error(ValidationError("Enter the account id.", field="account_id"), "")
            return
        if self._busy:
            return
        label = f"Looking up the administrators of {account_id}…"
        self._set_busy(True, label)
        AsyncOp(self, lambda: self.session.account_admins(self.profile, account_id)).with_progress(label) \
            .failure(lambda exc: self._show_error(exc, "The administrators could not be looked up.")) \
            .finally_(lambda: self._set_busy(False)).success(self._show_users).run()

    def _show_users(self, users: list[AccountUser]) -> None:
        self.users = list(users)
        self.table.setRowCount(0)
        for user in self.users:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate((user.display_name, user.email, user.id)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        if self.users:
            self.table.selectRow(0)
        else:
            self._say("That account has no administrator.", "warning")
        self._update_buttons()

    def copy_user_id(self) -> None:
        user = self.selected_user()
        if user is not None:
            QGuiApplication.clipboard().setText(user.id)
            self.progress.setText(f"Copied {user.display_name}'s user id.")

    def use_as_organiser(self) -> None:
        user = self.selected_user()
        if user is None or self._busy:
            return
        current = self.session.connection(self.profile).profile
        changed = replace(current, fields={**current.fields, ORGANISER_FIELD: user.id})
        label = f"Saving {user.display_name} as the organiser of {self.profile}…"
        self._set_busy(True, label)
        AsyncOp(self, lambda: self.session.update_profile(self.profile, changed)).with_progress(label) \
            .failure(lambda exc: self._show_error(exc, "The profile was not changed.")) \
            .finally_(lambda: self._set_busy(False)) \
            .success(lambda _p: self._say(
                f"Meetings on {self.profile} are now scheduled for {user.display_name} ({user.email}).", "info")) \
            .run()
