"""Add or edit a connection profile. The form is built from the chosen back end's connection-field specs.

Opened with ``open()``; everything async (test connection, save) runs through :class:`AsyncOp`, so the dialog
never blocks and keeps what was typed when the session refuses it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from meetdesk.backends.base import Provider, available_kinds, provider_class
from meetdesk.domain.errors import MeetdeskError, ValidationError
from meetdesk.domain.fields import FieldKind, FieldSpec, parse_options
from meetdesk.domain.models import DEFAULT_DEADLINE_S, Profile, ServerInfo
from meetdesk.domain.values import is_loopback_host
from meetdesk.services.session import ConnectionState, Session
from meetdesk.ui.forms import FieldForm
from meetdesk.ui.messages import error_text
from meetdesk.ui.tasks import AsyncOp
from meetdesk.ui.theme import set_tone

log = logging.getLogger("meetdesk.ui.profile_dialog")


#: the form's own fields; the back end's connection fields go between URL and CA file
_NAME = "name"
_URL = "base_url"
_CA = "ca_file"
_HTTP = "allow_http"
_DEADLINE = "deadline_s"
_OWN_KEYS = frozenset({_NAME, _URL, _CA, _HTTP, _DEADLINE})


def _deadline(value: object) -> float | None:
    """The profile's deadline; the default is stored as "none set", so a later default change applies."""
    return float(value) if isinstance(value, int) and value != int(DEFAULT_DEADLINE_S) else None


def http_warning(url: str) -> bool:
    """True when ``url`` is plain http:// to a host other than this computer."""
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() == "http" and bool(parts.hostname) and not is_loopback_host(parts.hostname)
    except ValueError:
        return False


class ProfileDialog(QDialog):
    """Add a profile (``profile`` None) or edit one.

    Signals:
        saved(str, bool): the profile was saved — its (new) name, and whether it should be connected now.
    """

    saved = Signal(str, bool)

    def __init__(self, session: Session, parent: QWidget | None = None, *, profile: Profile | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.original = profile
        self._test_task: asyncio.Task[None] | None = None
        self._test_seq = 0
        self._busy = False
        self.setObjectName("profileDialog")
        self.setWindowTitle(f"Edit profile “{profile.name}”" if profile else "New profile")
        self.setMinimumWidth(560)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        layout = QVBoxLayout(self)
        top = QFormLayout()
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("kindCombo")
        kinds = available_kinds()
        if profile is not None and profile.kind not in kinds:
            kinds.append(profile.kind)
        for kind in kinds:
            self.kind_combo.addItem(kind_display_name(kind), kind)
        top.addRow("Back end *", self.kind_combo)
        self.kind_description = QLabel(self)
        self.kind_description.setObjectName("kindDescription")
        self.kind_description.setWordWrap(True)
        self.kind_description.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.kind_description.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.kind_description.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.kind_combo.setMinimumWidth(260)
        self._top = top
        layout.addLayout(top)
        # below the form rather than in it: QFormLayout sizes word-wrapped rows for the narrowest width
        self._description_row = QHBoxLayout()
        self._description_row.addWidget(self.kind_description)
        layout.addLayout(self._description_row)

        self._form_holder = QVBoxLayout()
        self._form_holder.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._form_holder)
        self.form: FieldForm = FieldForm([], self)

        self.http_warning = QLabel(self)
        self.http_warning.setObjectName("httpWarning")
        self.http_warning.setWordWrap(True)
        set_tone(self.http_warning, "warning", bold=False)
        self.http_warning.hide()
        layout.addWidget(self.http_warning)

        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test connection", self)
        self.test_button.setObjectName("testButton")
        self.test_button.setToolTip("Try these settings against the server without saving them.")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel(self)
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)
        layout.addLayout(test_row)

        self.general_error = QLabel(self)
        self.general_error.setObjectName("generalError")
        self.general_error.setWordWrap(True)
        set_tone(self.general_error, "error")
        self.general_error.hide()
        layout.addWidget(self.general_error)

        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        if profile is not None:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(profile.kind)))
            self.kind_combo.setEnabled(False)
            self.kind_combo.setToolTip("The back end of a saved profile cannot be changed; add a new profile instead.")
        self._rebuild_form()
        if profile is not None:
            self._fill(profile)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.form.widget(_NAME).setFocus()

    # form --------------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData() or "")

    def provider_class(self) -> type[Provider] | None:
        try:
            return provider_class(self.kind)
        except (ImportError, AttributeError, MeetdeskError):
            return None

    def _secret_spec(self) -> FieldSpec | None:
        cls = self.provider_class()
        return cls.secret_field() if cls else None

    def _specs(self) -> list[FieldSpec]:
        cls = self.provider_class()
        url_label = cls.url_label if cls else "Server URL"
        url_placeholder = cls.url_placeholder if cls else "https://meet.example.org"
        specs = [
            FieldSpec(_NAME, "Profile name", required=True,
                      placeholder=f"e.g. Office {cls.display_name}" if cls else "e.g. Office server",
                      help="How this server is called in meetdesk; only for you."),
            FieldSpec(_URL, url_label, FieldKind.URL, required=True, placeholder=url_placeholder,
                      help="The address you open in a browser to reach the server."),
        ]
        for spec in cls.connection_fields if cls else ():
            if spec.key in _OWN_KEYS:
                log.warning("connection field %r of %s clashes with a profile field; skipped", spec.key, self.kind)
                continue
            if spec.is_secret and self._keeps_secret():
                spec = replace(spec, required=False, placeholder=f"Leave empty to keep the saved {_noun(spec.label)}")
            specs.append(spec)
        specs += [
            FieldSpec(_CA, "CA certificate file", FieldKind.PATH,
                      placeholder="Only needed for a private certificate authority",
                      help="A PEM file with your organisation's certificate authority, if the server's certificate "
                           "is not signed by a public one."),
            FieldSpec(_HTTP, "Allow unencrypted http://", FieldKind.BOOL, default=False,
                      help="Plain http:// sends passwords readable by anyone on the network. Only for test servers."),
            FieldSpec(_DEADLINE, "Give up after (seconds)", FieldKind.INT, default=int(DEFAULT_DEADLINE_S),
                      minimum=1, maximum=3600,
                      help="The longest any one call to this server may take, its whole answer included."),
        ]
        return specs

    def _keeps_secret(self) -> bool:
        """Editing, and a secret is (probably) saved: an empty secret field keeps it."""
        if self.original is None:
            return False
        conn = self.session.connections.get(self.original.name)
        return conn is None or conn.state is not ConnectionState.NEEDS_SECRET

    def _rebuild_form(self) -> None:
        typed = self.form.values()
        old = self.form
        self.form = FieldForm(self._specs(), self)
        self.form.setObjectName("profileForm")
        self._form_holder.addWidget(self.form)
        if old is not None:
            self._form_holder.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.form.set_values({k: v for k, v in typed.items() if k in {s.key for s in self.form.specs}})
        self.form.changed.connect(self._inputs_changed)
        self._align_labels()
        cls = self.provider_class()
        self.kind_description.setText(cls.description if cls else "This back end is not available in this build.")
        self.kind_description.setVisible(bool(self.kind_description.text()))
        self._inputs_changed()

    def _align_labels(self) -> None:
        """Give the back-end row's label the width of the form's labels, so all inputs start at one edge."""
        labels: list[QLabel] = []
        for layout in [self._top, *self.form.findChildren(QFormLayout)]:
            for row in range(layout.rowCount()):
                item = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
                widget = item.widget() if item is not None else None
                if isinstance(widget, QLabel):
                    labels.append(widget)
        width = max((label.sizeHint().width() for label in labels if label.text()), default=0)
        for label in labels:
            label.setMinimumWidth(width)
        spacing = self._top.horizontalSpacing()
        if spacing < 0:
            spacing = self.style().pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)
        self._description_row.setContentsMargins(width + max(spacing, 0), 0, 0, 6)

    def _kind_changed(self) -> None:
        self._rebuild_form()
        self.test_result.clear()
        self._fit_description()

    def _fit_description(self) -> None:
        # layouts size a word-wrapped label for its narrowest width; reserve the height it needs at its real width
        label = self.kind_description
        width = label.width() if label.width() > 50 else self.width() - self._description_row.contentsMargins().left()
        label.setMinimumHeight(label.heightForWidth(max(width, 100)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_description()

    def _fill(self, profile: Profile) -> None:
        values: dict[str, Any] = {_NAME: profile.name, _URL: profile.base_url, _CA: profile.ca_file or "",
                                  _HTTP: profile.allow_http,
                                  _DEADLINE: int(profile.deadline_s or DEFAULT_DEADLINE_S)}
        specs = {s.key: s for s in self.form.specs}
        for key, raw in profile.fields.items():
            spec = specs.get(key)
            if spec is None or spec.is_secret:
                continue
            try:  # stored as text ("False", "25"): parse back so checkboxes and spin boxes show the truth
                values[key] = spec.parse(raw)
            except ValidationError:
                values[key] = raw
        self.form.set_values(values)

    def _inputs_changed(self) -> None:
        # a test still running was for the old address or password: its answer must not appear next to the new one
        self._cancel_test(say="")
        self.test_result.clear()
        self.general_error.hide()
        url = self.form.values().get(_URL, "")
        if isinstance(url, str) and http_warning(url):
            allowed = bool(self.form.values().get(_HTTP))
            text = ("This address uses plain http://: passwords and join links travel unencrypted. "
                    "Use https:// if the server offers it.")
            if not allowed:
                text += " To use it anyway, tick “Allow unencrypted http://”."
            self.http_warning.setText("⚠ " + text)
            self.http_warning.show()
        else:
            self.http_warning.hide()

    # collecting --------------------------------------------------------------------------------
    def _parse(self, *, need_name: bool) -> dict[str, Any] | None:
        """Validate the form field by field; show errors inline; None when something is wrong."""
        self.form.clear_errors()
        self.general_error.hide()
        raw = self.form.values()
        out: dict[str, Any] = {}
        first_bad: str | None = None
        for spec in self.form.specs:
            if spec.key == _NAME and not need_name:
                out[_NAME] = str(raw.get(_NAME, "")).strip()  # only used to word messages
                continue
            try:
                out.update(parse_options([spec], {k: v for k, v in raw.items() if k == spec.key}))
            except ValidationError as exc:
                self.form.set_error(spec.key, exc.message)
                first_bad = first_bad or spec.key
        url = out.get(_URL, "")
        if first_bad is None and http_warning(url) and not out.get(_HTTP):
            self.form.set_error(_HTTP, "Tick this to save a plain http:// address, or change it to https://.")
            first_bad = _HTTP
        ca = str(out.get(_CA) or "").strip()
        if first_bad is None and ca and not Path(ca).expanduser().is_file():
            self.form.set_error(_CA, f"There is no file {ca}.")
            first_bad = _CA
        if first_bad is not None:
            self.form.widget(first_bad).setFocus()
            return None
        return out

    def _build(self, values: dict[str, Any], name: str) -> tuple[Profile, str]:
        secret_spec = self._secret_spec()
        secret = str(values.get(secret_spec.key, "")) if secret_spec else ""
        fields = {k: str(v) for k, v in values.items()
                  if k not in _OWN_KEYS and v not in (None, "") and not (secret_spec and k == secret_spec.key)}
        data = dict(self.original.data) if self.original is not None else {}
        profile = Profile(name=name, kind=self.kind, base_url=str(values[_URL]), fields=fields,
                          ca_file=str(values.get(_CA) or "").strip() or None, allow_http=bool(values.get(_HTTP)),
                          data=data, deadline_s=_deadline(values.get(_DEADLINE)))
        return profile, secret

    def set_field_error(self, key: str | None, message: str) -> None:
        """Show an error under field ``key``, or below the form when no field has that key."""
        if key and self.form.set_error(key, message):
            return
        self.general_error.setText(message)
        self.general_error.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setEnabled(not busy)
        self.form.setEnabled(not busy)
        self.kind_combo.setEnabled(not busy and self.original is None)

    # test connection ---------------------------------------------------------------------------
    def testing(self) -> bool:
        return self._test_task is not None and not self._test_task.done()

    def _cancel_test(self, say: str) -> None:
        if self.testing():
            assert self._test_task is not None
            self._test_seq += 1  # whatever the cancelled test still reports is ignored
            self._test_task.cancel()
            self._test_task = None
            self._show_test_result(say, ok=None)
        self._test_idle()

    def _test_idle(self) -> None:
        self.test_button.setText("Test connection")
        self.test_button.setToolTip("Try these settings against the server without saving them.")
        self.test_button.setEnabled(True)

    def test_connection(self) -> None:
        """Start a test; while one runs the same button cancels it."""
        if self.testing():
            self._cancel_test(say="Test cancelled.")
            return
        values = self._parse(need_name=False)
        if values is None:
            self._show_test_result("Fix the marked fields first.", ok=False)
            return
        # providers name the server in their messages: the typed name, else the address's host
        label = str(values.get(_NAME) or urlsplit(str(values[_URL])).hostname or values[_URL])
        profile, secret = self._build(values, label)
        self._test_seq += 1
        seq = self._test_seq
        self.test_button.setText("Cancel test")
        self.test_button.setToolTip("Stop waiting for the server.")
        self._show_test_result(f"Testing the connection to {values[_URL]}…", ok=None)
        keep_saved = self.original is not None and not secret

        async def run() -> ServerInfo:
            used = secret
            if keep_saved and self.original is not None:
                used = await self.session.secrets.get(self.original.name) or ""
            spec = self._secret_spec()
            if spec is not None and not used:
                raise ValidationError(f"Enter the {_noun(spec.label)} to test the connection.", field=spec.key)
            return await self.session.test_connection(profile, used)

        self._test_task = (AsyncOp(self, run)
                           .with_progress("Testing connection…")
                           .success(lambda info: self._test_succeeded(seq, info))
                           .failure(lambda exc: self._test_failed(seq, exc))
                           .finally_(lambda: self._test_idle() if seq == self._test_seq else None)
                           .run())

    def _test_succeeded(self, seq: int, info: ServerInfo) -> None:
        if seq != self._test_seq:
            return
        who = f" as {info.user}" if info.user else ""
        self._show_test_result(f"✔ Connected — {info.summary()}{who}", ok=True)

    def _test_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._test_seq:
            return
        if isinstance(exc, ValidationError) and exc.field and self.form.set_error(exc.field, exc.message):
            self._show_test_result("Fix the marked field first.", ok=False)
            return
        self._show_test_result("✘ " + error_text(exc), ok=False)

    def _show_test_result(self, text: str, *, ok: bool | None) -> None:
        set_tone(self.test_result, "ok" if ok else "error" if ok is False else None)
        self.test_result.setText(text)

    # save --------------------------------------------------------------------------------------
    def save(self) -> None:
        if self._busy:
            return
        values = self._parse(need_name=True)
        if values is None:
            return
        name = str(values[_NAME]).strip()
        original = self.original
        if (original is None or name != original.name) and name in self.session.store:
            self.form.set_error(_NAME, f"A profile named “{name}” already exists.")
            return
        profile, secret = self._build(values, name)
        self._set_busy(True)
        if original is None:
            AsyncOp(self, lambda: self.session.add_profile(profile, secret or None)) \
                .with_progress("Saving profile…") \
                .success(lambda saved: self._saved(saved, connect=True)) \
                .failure(self._save_failed) \
                .finally_(lambda: self._set_busy(False)) \
                .run()
            return
        conn = self.session.connections.get(original.name)
        before = conn.state if conn is not None else ConnectionState.DISCONNECTED

        async def update() -> Profile:
            try:
                await self.session.disconnect(original.name)
                return await self.session.update_profile(original.name, profile, secret or None)
            except MeetdeskError:
                if before is ConnectionState.CONNECTED and original.name in self.session.connections:
                    # the edit was refused: give the user their connection back
                    AsyncOp(None, lambda: self.session.connect(original.name)).failure(lambda _e: None).run()
                raise

        AsyncOp(self, update) \
            .with_progress("Saving profile…") \
            .success(lambda saved: self._saved(saved, connect=before is not ConnectionState.DISCONNECTED)) \
            .failure(self._save_failed) \
            .finally_(lambda: self._set_busy(False)) \
            .run()

    def _saved(self, profile: Profile, *, connect: bool) -> None:
        log.info("profile %r saved", profile.name)
        self.saved.emit(profile.name, connect)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.set_field_error(exc.field, exc.message)
        else:
            self.set_field_error(None, error_text(exc))

    def done(self, result: int) -> None:
        if self._test_task is not None and not self._test_task.done():
            self._test_task.cancel()
        super().done(result)


def _noun(label: str) -> str:
    """A field label inside a sentence: "Password" → "password", "API secret" stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def kind_display_name(kind: str) -> str:
    try:
        return provider_class(kind).display_name or kind
    except (ImportError, AttributeError, MeetdeskError):
        return kind
