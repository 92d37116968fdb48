"""The composer's widgets and their arrangement: Room, Participant, Join options and Design sections in a
scroll area, the preview pinned below them, the Create button and the link panel. No session logic here:
:class:`meetdesk.ui.composer.composer.JoinLinkComposer` builds on it and wires the behaviour."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from meetdesk.services.profile_store import ProfileStore
from meetdesk.ui.composer.design_panel import DesignPanel
from meetdesk.ui.composer.link_panel import LinkPanel
from meetdesk.ui.composer.room_picker import RoomPicker
from meetdesk.ui.composer.section import Section
from meetdesk.ui.forms import WrapLabel
from meetdesk.ui.theme import copy_tone, set_tone

HINT_STYLE = "color: palette(placeholder-text);"
PREVIEW_PANE_HEIGHT = 230
#: from this width (a floating composer, a wide dock) the preview sits beside the form instead of under it
SIDE_BY_SIDE_WIDTH = 760


class ComposerLayout(QWidget):
    """Builds the composer's widgets (``_build``) and keeps the purely visual parts in step."""

    def __init__(self, store: ProfileStore, parent: QWidget | None = None, *,
                 design: DesignPanel | None = None) -> None:
        """``design``: a design panel built beforehand (``embed_preview=False``) — start-up builds it in an
        event-loop turn of its own, the composer's largest part."""
        super().__init__(parent)
        self.store = store
        self._prebuilt_design = design

    # building ----------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(6)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("composerScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget(self.scroll_area)
        content.setObjectName("composerContent")
        self._content = QVBoxLayout(content)
        self._content.setContentsMargins(0, 0, 4, 0)
        self._content.setSpacing(10)
        self.scroll_area.setWidget(content)
        # the preview stays in view below the form while the colour fields scroll
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("composerSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.scroll_area)
        outer.addWidget(self.splitter, 1)

        self.room_section = Section("Room", self._build_room_box(), parent=content)
        self._participant_host = QWidget(content)
        self._participant_layout = QVBoxLayout(self._participant_host)
        self._participant_layout.setContentsMargins(0, 0, 0, 0)
        self.participant_section = Section("Participant", self._participant_host, parent=content)
        self._options_host = QWidget(content)
        self._options_layout = QVBoxLayout(self._options_host)
        self._options_layout.setContentsMargins(0, 0, 0, 0)
        self.options_section = Section("Join options", self._options_host, expanded=False, parent=content)
        self.design = self._prebuilt_design or DesignPanel(self.store, content, embed_preview=False)
        self.design_section = Section("Design", self.design, expanded=False, parent=content)
        self.design_section.header.toggled.connect(self._update_preview_pane)
        for section in (self.room_section, self.participant_section, self.options_section, self.design_section):
            self._content.addWidget(section)
            section.header.clicked.connect(lambda checked, s=section: self._section_clicked(s, checked))
        self._content.addStretch(1)
        self.splitter.addWidget(self._build_preview_pane())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([600, PREVIEW_PANE_HEIGHT])

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)
        self.create_button = QPushButton("Create link", self)
        self.create_button.setObjectName("createLink")
        self.create_button.setDefault(True)
        self.create_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        outer.addWidget(self.create_button)
        self.link_panel = LinkPanel(self)
        outer.addWidget(self.link_panel)

        self.design.editor.changed.connect(self._mirror_contrast_summary)
        self.design.changed.connect(self._update_design_title)
        self._update_design_title()
        self.design.contrast.summary.hide()  # shown under the pinned preview instead
        self._mirror_contrast_summary()

    def _build_preview_pane(self) -> QWidget:
        pane = QWidget(self)
        pane.setObjectName("previewPane")
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        title = QLabel("Preview", pane)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.design.preview.setParent(pane)
        self.design.preview.set_keep_aspect(False)
        self.design.preview.setMinimumHeight(120)
        layout.addWidget(self.design.preview, 1)
        self.contrast_summary = WrapLabel(pane)  # claims the two lines a warning may need
        self.contrast_summary.setObjectName("pinnedContrastSummary")
        self.contrast_summary.setWordWrap(True)
        layout.addWidget(self.contrast_summary)
        self.preview_pane = pane
        return pane

    def comfortable_width(self) -> int:
        """The width at which the form needs no clipping: its widest row, the scroll bar and the margins."""
        content = self.scroll_area.widget()
        # folded sections count too: unfolding the design must not clip it
        inner = max(content.minimumSizeHint().width() if content is not None else 0,
                    self.design_section.minimumSizeHint().width(), self.design.minimumSizeHint().width())
        bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        layout = self.layout()
        margins = layout.contentsMargins().left() + layout.contentsMargins().right() if layout is not None else 0
        return inner + bar + margins + 12

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_preview()

    def _fit_preview(self) -> None:
        """Beside the form when there is room; under it otherwise, taking at most a third of the height so the
        form stays usable in a short dock (720 pixels, 150 % scale)."""
        wide = self.width() >= SIDE_BY_SIDE_WIDTH
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            self._preview_sized = False
        if getattr(self, "_preview_sized", False) or not self.preview_pane.isVisibleTo(self):
            return
        total = self.splitter.width() if wide else self.splitter.height()
        if total <= 0:
            return
        share = 3 if total >= 600 else 4  # a short dock (720 px, or 150 %) keeps more of itself for the form
        least = self.preview_pane.minimumSizeHint().height()  # title, a readable preview and the summary
        pane = int(total * 0.45) if wide else max(least, min(PREVIEW_PANE_HEIGHT, total // share))
        self.splitter.setSizes([total - pane, pane])
        self._preview_sized = True

    def _section_clicked(self, section: Section, expanded: bool) -> None:
        if expanded:  # bring what was just unfolded into view, once the layout has made room for it
            QTimer.singleShot(0, self, lambda: self._scroll_to(section))

    def _scroll_to(self, section: Section) -> None:
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(min(bar.maximum(), section.y()))

    def _update_design_title(self) -> None:
        count = len(self.design.design())
        state = "server default" if not count else "1 setting" if count == 1 else f"{count} settings"
        self.design_section.set_title(f"Design ({state})")

    def _mirror_contrast_summary(self) -> None:
        source = self.design.contrast.summary
        self.contrast_summary.setText(source.text())
        copy_tone(source, self.contrast_summary)

    def _update_preview_pane(self) -> None:
        # the pinned preview pictures plugNmeet's custom_design; declared design fields bring their own summary
        self.preview_pane.setVisible(self.design_section.isVisibleTo(self) and self.design_section.is_expanded()
                                     and self.design.declared is None)
        self._preview_sized = False
        self._fit_preview()

    def _build_room_box(self) -> QWidget:
        box = QWidget(self)
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.profile_combo = QComboBox(box)
        self.profile_combo.setObjectName("profileCombo")
        self.profile_combo.setAccessibleName("Profile")
        self.profile_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.profile_combo.setMinimumContentsLength(14)
        self.profile_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.profile_hint = self._error_label(box, "profileHint")
        form.addRow("Profile", self._stacked(box, self.profile_combo, self.profile_hint))

        self.room_picker = RoomPicker(box)
        self.room_picker.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.room_error = self._error_label(box, "roomError")
        form.addRow("Room", self._stacked(box, self.room_picker, self.room_error))
        return box

    @staticmethod
    def _error_label(parent: QWidget, name: str) -> QLabel:
        label = WrapLabel(parent)
        label.setObjectName(name)
        set_tone(label, "error")
        label.hide()
        return label

    @staticmethod
    def _stacked(parent: QWidget, *widgets: QWidget) -> QWidget:
        holder = QWidget(parent)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for w in widgets:
            layout.addWidget(w)
        return holder
