"""Pieces the room and meeting dialogs share: the server chooser, the scrolling options form, busy state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from meetdesk.backends.base import Capability, Provider, provider_class
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldSpec
from meetdesk.services.session import Session
from meetdesk.ui.forms import FieldForm
from meetdesk.ui.table_tab import capabilities_of, connected
from meetdesk.ui.tasks import AsyncOp

#: the tallest the options area grows before it scrolls
OPTIONS_MAX_HEIGHT = 440


def eligible_profiles(session: Session, capability: Capability) -> list[str]:
    """Connected profiles whose back end offers ``capability``."""
    return [c.profile.name for c in connected(session) if capability in capabilities_of(c)]


def provider_of(session: Session, profile: str) -> type[Provider] | None:
    try:
        return provider_class(session.connection(profile).profile.kind)
    except Exception:
        return None


def profile_combo(parent: QWidget, names: Sequence[str], session: Session, preferred: str | None) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName("profileCombo")
    for name in names:
        cls = provider_of(session, name)
        shown = f"{name} ({cls.display_name})" if cls and cls.display_name.casefold() not in name.casefold() else name
        combo.addItem(shown, name)
    if preferred is not None and combo.findData(preferred) >= 0:
        combo.setCurrentIndex(combo.findData(preferred))
    return combo


class OptionsArea(QWidget):
    """A heading and a :class:`FieldForm` for a provider's specs, scrolling when long.

    :meth:`rebuild` swaps the specs (another profile was chosen) and carries over the values of fields
    both back ends share, so nothing the user typed is thrown away needlessly.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.heading = QLabel(self)
        self.heading.setObjectName("optionsHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("optionsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll_area, 1)
        self.form = FieldForm([], self)
        self.scroll_area.setWidget(self.form)

    def rebuild(self, specs: Sequence[FieldSpec], heading: str) -> FieldForm:
        kept = self.form.values()
        form = FieldForm(specs, None)
        form.set_values({k: v for k, v in kept.items() if any(s.key == k for s in specs)})
        self.scroll_area.setWidget(form)  # deletes the old form
        self.form = form
        form.installEventFilter(self)
        self.heading.setText(heading)
        self.setVisible(bool(specs))
        self._fit_form()
        return form

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.form and event.type() == QEvent.Type.LayoutRequest:
            self._fit_form()
        return False

    def _fit_form(self) -> None:
        # a resizable scroll area squeezes its widget down to the minimum size (lists shrink to two lines);
        # pinning the minimum to the natural height makes it scroll instead, also when error lines appear
        height = self.form.sizeHint().height()
        self.form.setMinimumHeight(height)
        self.scroll_area.setMinimumHeight(min(height + 4, OPTIONS_MAX_HEIGHT))

    def show_error(self, key: str, message: str) -> bool:
        if not self.form.set_error(key, message):
            return False
        self.scroll_area.ensureWidgetVisible(self.form.widget(key))
        return True


def field_of(exc: BaseException) -> str | None:
    return exc.field if isinstance(exc, ValidationError) else None


class EditorDialog(QDialog):
    """What the room and meeting editors share: saving runs in the background; on failure the dialog stays
    open with everything typed, and the subclass shows the error inline.

    Subclasses create ``save_button``, ``progress`` and ``profile_combo`` (None when editing) and implement
    ``profile()``, ``draft()``, ``operation()`` and ``show_failure()``.

    Signals:
        saved(object): what the server stored; the dialog closes right after.
    """

    saved = Signal(object)

    save_button: QPushButton
    progress: QLabel
    profile_combo: QComboBox | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = False

    def profile(self) -> str:
        raise NotImplementedError

    def draft(self) -> Any | None:
        """The input as a draft, or None after showing inline what is wrong."""
        raise NotImplementedError

    def operation(self, draft: Any) -> tuple[str, Callable[[], Awaitable[Any]]]:
        """The progress label and the call that saves ``draft``."""
        raise NotImplementedError

    def show_failure(self, exc: BaseException) -> None:
        raise NotImplementedError

    def _update_save(self) -> None:
        self.save_button.setEnabled(bool(self.profile()) and not self._busy)

    def _set_busy(self, busy: bool, label: str = "") -> None:
        self._busy = busy
        self.progress.setText(label)
        if self.profile_combo is not None:
            self.profile_combo.setEnabled(not busy)
        self._update_save()

    def save(self) -> None:
        if self._busy or not self.profile():
            return
        draft = self.draft()
        if draft is None:
            return
        label, call = self.operation(draft)
        self._set_busy(True, label)
        AsyncOp(self, call).with_progress(label).failure(self.show_failure) \
            .finally_(lambda: self._set_busy(False)).success(self._saved).run()

    def _saved(self, result: object) -> None:
        self.saved.emit(result)
        self.accept()
