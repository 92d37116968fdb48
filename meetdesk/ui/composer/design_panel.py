"""The Design section: saved designs, the live preview, contrast warnings and the key inputs together."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from meetdesk.domain.fields import FieldSpec
from meetdesk.services.profile_store import ProfileStore
from meetdesk.ui.composer.contrast_panel import ContrastPanel
from meetdesk.ui.composer.declared_design import DeclaredDesign
from meetdesk.ui.composer.design_editor import DesignEditor
from meetdesk.ui.composer.presets_bar import PresetsBar
from meetdesk.ui.composer.preview import DesignPreview


class DesignPanel(QWidget):
    """``embed_preview=False`` leaves the preview out of this layout, for a caller that pins it in view.

    By default it edits plugNmeet's ``custom_design``; :meth:`use_fields` switches it to a back end's declared
    design fields (``Provider.design_fields``) instead."""

    changed = Signal()

    def __init__(self, store: ProfileStore, parent: QWidget | None = None, *, embed_preview: bool = True) -> None:
        super().__init__(parent)
        self._declared: dict[tuple[FieldSpec, ...], DeclaredDesign] = {}
        self.declared: DeclaredDesign | None = None
        layout = QVBoxLayout(self)
        self._layout = layout
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        intro = QLabel("Colours and images of the participant's screen (plugNmeet light theme). "
                       "Only the settings you fill in go into the link, and they replace the server's own "
                       "design as a whole; with none filled in, the server's design applies.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self._plugnmeet_parts: list[QWidget] = [intro]

        self.editor = DesignEditor(self)
        self.presets = PresetsBar(store, self.editor.validated, self)
        self.preview = DesignPreview(self)
        self.contrast = ContrastPanel(self)

        layout.addWidget(self.presets)
        if embed_preview:
            layout.addWidget(self.preview)
        layout.addWidget(self.contrast)
        clear_holder = QWidget(self)
        clear_row = QHBoxLayout(clear_holder)
        clear_row.setContentsMargins(0, 0, 0, 0)
        clear_row.addStretch(1)
        self.clear_button = QPushButton("Clear design", self)
        self.clear_button.setObjectName("clearDesign")
        self.clear_button.setToolTip("Empty every design field (the link then uses the server's own design)")
        clear_row.addWidget(self.clear_button)
        layout.addWidget(clear_holder)
        layout.addWidget(self.editor)
        self._plugnmeet_parts += [self.presets, self.contrast, clear_holder, self.editor]

        self.presets.load_requested.connect(self.editor.set_design)
        self.clear_button.clicked.connect(self.editor.clear)
        self.editor.changed.connect(self._refresh)
        self.editor.changed.connect(self.changed)
        self._refresh()

    def use_fields(self, specs: tuple[FieldSpec, ...], back_end: str = "") -> None:
        """Edit ``specs`` (a back end's declared design keys); empty: plugNmeet's custom_design."""
        if self.declared is not None:
            self.declared.hide()
        self.declared = None
        if specs:
            self.declared = self._declared.get(specs)
            if self.declared is None:
                intro = (f"How {back_end or 'the server'} styles this participant's screen. Only what you fill in "
                         "goes into the link.")
                self.declared = DeclaredDesign(specs, intro, self)
                self.declared.setObjectName("declaredDesign")
                self.declared.changed.connect(self.changed)
                self._layout.addWidget(self.declared)
                self._declared[specs] = self.declared
            self.declared.show()
        for part in self._plugnmeet_parts:
            part.setVisible(self.declared is None)
        self.changed.emit()

    def _refresh(self) -> None:
        live = self.editor.valid_colors()
        self.preview.set_design(live)
        self.contrast.set_design(live)

    # pass-throughs the composer uses -----------------------------------------------------------
    def design(self) -> dict[str, str]:
        return self.declared.design() if self.declared is not None else self.editor.design()

    def set_design(self, design: Mapping[str, str]) -> None:
        if self.declared is not None:
            self.declared.set_design(design)
        else:
            self.editor.set_design(design)

    def validated(self) -> dict[str, str] | None:
        return self.declared.validated() if self.declared is not None else self.editor.validated()

    def set_error(self, key: str, message: str) -> bool:
        if self.declared is not None:
            return self.declared.form.set_error(key, message)
        return self.editor.set_error(key, message)

    def clear_errors(self) -> None:
        if self.declared is not None:
            self.declared.form.clear_errors()
        self.editor.clear_errors()
