"""The Design section: saved designs, the live preview, contrast warnings and the key inputs together."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from meetdesk.services.profile_store import ProfileStore
from meetdesk.ui.composer.contrast_panel import ContrastPanel
from meetdesk.ui.composer.design_editor import DesignEditor
from meetdesk.ui.composer.presets_bar import PresetsBar
from meetdesk.ui.composer.preview import DesignPreview


class DesignPanel(QWidget):
    """``embed_preview=False`` leaves the preview out of this layout, for a caller that pins it in view."""

    def __init__(self, store: ProfileStore, parent: QWidget | None = None, *, embed_preview: bool = True) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        intro = QLabel("Colours and images of the participant's screen (plugNmeet light theme). "
                       "Only the settings you fill in go into the link, and they replace the server's own "
                       "design as a whole; with none filled in, the server's design applies.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.editor = DesignEditor(self)
        self.presets = PresetsBar(store, self.editor.validated, self)
        self.preview = DesignPreview(self)
        self.contrast = ContrastPanel(self)

        layout.addWidget(self.presets)
        if embed_preview:
            layout.addWidget(self.preview)
        layout.addWidget(self.contrast)
        clear_row = QHBoxLayout()
        clear_row.addStretch(1)
        self.clear_button = QPushButton("Clear design", self)
        self.clear_button.setObjectName("clearDesign")
        self.clear_button.setToolTip("Empty every design field (the link then uses the server's own design)")
        clear_row.addWidget(self.clear_button)
        layout.addLayout(clear_row)
        layout.addWidget(self.editor)

        self.presets.load_requested.connect(self.editor.set_design)
        self.clear_button.clicked.connect(self.editor.clear)
        self.editor.changed.connect(self._refresh)
        self._refresh()

    def _refresh(self) -> None:
        live = self.editor.valid_colors()
        self.preview.set_design(live)
        self.contrast.set_design(live)

    # pass-throughs the composer uses -----------------------------------------------------------
    def design(self) -> dict[str, str]:
        return self.editor.design()

    def set_design(self, design: Mapping[str, str]) -> None:
        self.editor.set_design(design)

    def validated(self) -> dict[str, str] | None:
        return self.editor.validated()

    def set_error(self, key: str, message: str) -> bool:
        return self.editor.set_error(key, message)

    def clear_errors(self) -> None:
        self.editor.clear_errors()
