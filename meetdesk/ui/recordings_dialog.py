"""The recordings of a room (or of a whole server): list by state, publish or unpublish, delete, copy or open
the download or playback link — each offered where the back end's capabilities say so."""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from meetdesk.backends.base import Capability, provider_class
from meetdesk.domain.models import Recording, Room
from meetdesk.services.session import Session
from meetdesk.ui.dialog_parts import eligible_profiles, profile_combo
from meetdesk.ui.messages import confirm, error_text
from meetdesk.ui.tab_widgets import Banner, EmptyOverlay
from meetdesk.ui.table_models import ROW_ROLE, RecordingsModel, SearchProxy
from meetdesk.ui.table_tab import capabilities_of
from meetdesk.ui.tasks import AsyncOp

log = logging.getLogger("meetdesk.ui.recordings_dialog")


class RecordingsDialog(QDialog):
    """Non-modal; open it with ``show()`` or ``open()``. ``room`` narrows the list to that room."""

    def __init__(self, session: Session, profile: str, room: Room | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.room = room
        self.setObjectName("recordingsDialog")
        self.setWindowTitle(f"Recordings — {room.name}" if room is not None else f"Recordings — {profile}")
        self.resize(760, 420)

        self.profile_combo = profile_combo(self, eligible_profiles(session, Capability.RECORDINGS), session, profile)
        self.room_only = QCheckBox(f"Only the room “{room.name}”" if room else "", self)
        self.room_only.setObjectName("roomOnly")
        self.room_only.setChecked(room is not None)
        self.room_only.setVisible(room is not None)
        self.state_combo = QComboBox(self)
        self.state_combo.setObjectName("stateFilter")
        top = QFormLayout()
        top.addRow("Server", self.profile_combo)
        top.addRow("", self.room_only)
        top.addRow("Show", self.state_combo)
        self._state_label = top.labelForField(self.state_combo)

        self.banner = Banner(self, closable=False)
        self.model = RecordingsModel(self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setObjectName("recordingsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(self.model.column_of("created"), Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.overlay = EmptyOverlay(self.table)

        self.refresh_button = QPushButton("Refresh", self)
        self.copy_button = QPushButton("Copy link", self)
        self.copy_button.setObjectName("copyLinkButton")
        self.copy_button.setToolTip("Copy the download or playback link")
        self.open_button = QPushButton("Open", self)
        self.open_button.setObjectName("openRecordingButton")
        self.open_button.setToolTip("Open the playback or download link in the browser")
        self.publish_button = QPushButton("Unpublish", self)
        self.publish_button.setObjectName("publishRecordingButton")
        self.delete_button = QPushButton("Delete…", self)
        self.delete_button.setObjectName("deleteRecordingButton")
        self.status = QLabel(self)
        self.status.setObjectName("recordingsStatus")
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.publish_button)
        actions.addWidget(self.delete_button)
        actions.addWidget(self.status, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(close)

        self.refresh_button.clicked.connect(lambda: self.reload())
        self.copy_button.clicked.connect(self.copy_link)
        self.open_button.clicked.connect(self.open_link)
        self.publish_button.clicked.connect(self.toggle_published)
        self.delete_button.clicked.connect(self.delete_selected)
        self.state_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.room_only.toggled.connect(lambda _on: self.reload())
        self.profile_combo.currentIndexChanged.connect(lambda _i: self._profile_changed())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._loading = False
        self._profile_changed()

    # state -----------------------------------------------------------------------------------
    def profile(self) -> str:
        return str(self.profile_combo.currentData() or "")

    def _caps(self) -> Capability:
        name = self.profile()
        return capabilities_of(self.session.connection(name)) if name else Capability.NONE

    def selected(self) -> Recording | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        recording: Recording = self.proxy.data(rows[0], ROW_ROLE)
        return recording

    def _profile_changed(self) -> None:
        same = self.room is not None and self.room.profile == self.profile()
        self.room_only.setVisible(same)
        if not same:
            self.room_only.setChecked(False)
        self._fill_states()
        self.reload()

    def _fill_states(self) -> None:
        name = self.profile()
        kind = self.session.connection(name).profile.kind if name else ""
        states = provider_class(kind).recording_states if kind else ()
        self.state_combo.blockSignals(True)
        self.state_combo.clear()
        if states:
            self.state_combo.addItem("The server's default selection", "")
            for value, label in states:
                self.state_combo.addItem(label, value)
            self.state_combo.addItem("Every state", "any")
        self.state_combo.blockSignals(False)
        self.state_combo.setVisible(bool(states))
        if self._state_label is not None:
            self._state_label.setVisible(bool(states))

    def states(self) -> frozenset[str]:
        value = str(self.state_combo.currentData() or "")
        return frozenset({value}) if value else frozenset()

    def _update_buttons(self) -> None:
        caps, chosen = self._caps(), self.selected() is not None
        self.refresh_button.setEnabled(bool(self.profile()) and not self._loading)
        self.copy_button.setEnabled(chosen and Capability.RECORDING_DOWNLOAD in caps)
        self.delete_button.setEnabled(chosen and Capability.DELETE_RECORDING in caps)
        self.open_button.setVisible(Capability.RECORDING_DOWNLOAD in caps)
        self.open_button.setEnabled(chosen)
        recording = self.selected()
        self.publish_button.setVisible(Capability.PUBLISH_RECORDING in caps)
        publishable = recording is not None and recording.extra.get("state") in ("published", "unpublished")
        self.publish_button.setEnabled(publishable)
        self.publish_button.setText("Unpublish" if recording is None or recording.extra.get("published")
                                    else "Publish")
        if Capability.RECORDING_DOWNLOAD not in caps:
            self.copy_button.setToolTip("This server does not offer download links.")
        if Capability.DELETE_RECORDING not in caps:
            self.delete_button.setToolTip("This server does not let meetdesk delete recordings.")

    def _scope(self) -> str:
        if self.room is not None and self.room_only.isChecked():
            return f"the room “{self.room.name}”"
        return f"“{self.profile()}”"

    # actions ---------------------------------------------------------------------------------
    def reload(self, notice: str = "") -> None:
        """Load the list again; ``notice`` (what just happened) is kept in the status line."""
        name = self.profile()
        self.banner.clear()
        if not name:
            self.model.set_recordings([])
            self.overlay.show_text("None of the connected servers keeps recordings meetdesk can list.")
            self._update_buttons()
            return
        room_id = self.room.id if self.room is not None and self.room_only.isChecked() else None
        scope = self._scope()
        self._loading = True
        self.status.setText(f"Loading the recordings of {scope}…")
        self._update_buttons()

        def loaded(recordings: list[Recording]) -> None:
            conn = self.session.connections.get(name)
            known = {r.id: r.name for r in (*conn.rooms, *conn.past_rooms) if r.name} if conn is not None else {}
            # the room's name where meetdesk knows it (servers report only the id); the id stays in the tooltip
            recordings = [replace(r, extra={**r.extra, "room_name": known[r.room_id]}) if r.room_id in known else r
                          for r in recordings]
            header = self.table.horizontalHeader()
            keys = self.model.column_keys()
            section = header.sortIndicatorSection()
            sorted_by = keys[section] if 0 <= section < len(keys) else "created"
            self.model.set_recordings(recordings)  # may add or drop the State column: keep sorting by the same key
            self.table.sortByColumn(max(0, self.model.column_of(sorted_by)), header.sortIndicatorOrder())
            self.table.resizeColumnsToContents()
            count = f"{len(recordings)} recording{'s' if len(recordings) != 1 else ''} of {scope}."
            self.status.setText(f"{notice} {count}".strip())
            self.overlay.show_text("" if recordings else f"There are no recordings of {scope}.")

        def failed(exc: BaseException) -> None:
            self.status.clear()
            self.banner.show_message(f"The recordings could not be loaded. {error_text(exc)}", "error")

        def done() -> None:
            self._loading = False
            self._update_buttons()

        states = self.states()
        AsyncOp(self, lambda: self.session.list_recordings(name, room_id, states=states)) \
            .with_progress("Loading recordings…") \
            .success(loaded).failure(failed).finally_(done).run()

    def copy_link(self) -> None:
        recording, name = self.selected(), self.profile()
        if recording is None:
            return
        def copied(url: str) -> None:
            QGuiApplication.clipboard().setText(url)
            self.status.setText(f"The download link of “{recording.name or recording.id}” is on the clipboard.")

        AsyncOp(self, lambda: self.session.recording_download_url(name, recording.id)) \
            .with_progress("Getting the download link…").success(copied) \
            .failure(lambda exc: self.banner.show_message(f"No download link. {error_text(exc)}", "error")).run()

    def open_link(self) -> None:
        recording, name = self.selected(), self.profile()
        if recording is None:
            return

        def opened(url: str) -> None:
            QDesktopServices.openUrl(QUrl(url))
            self.status.setText(f"“{recording.name or recording.id}” opened in the browser.")

        AsyncOp(self, lambda: self.session.recording_download_url(name, recording.id)) \
            .with_progress("Getting the link…").success(opened) \
            .failure(lambda exc: self.banner.show_message(f"No link to open. {error_text(exc)}", "error")).run()

    def toggle_published(self) -> None:
        recording, name = self.selected(), self.profile()
        if recording is None or Capability.PUBLISH_RECORDING not in self._caps():
            return
        publish = not recording.extra.get("published")
        title = recording.name or recording.id
        done = "published: participants can watch it" if publish else "unpublished: only you can see it listed"
        AsyncOp(self, lambda: self.session.provider(name).publish_recording(recording.id, publish)) \
            .with_progress("Publishing the recording…" if publish else "Unpublishing the recording…") \
            .success(lambda _none: self.reload(notice=f"Recording “{title}” {done}.")) \
            .failure(lambda exc: self.banner.show_message(
                f"The recording was not {'published' if publish else 'unpublished'}. {error_text(exc)}",
                "error")).run()

    def delete_selected(self) -> None:
        recording, name = self.selected(), self.profile()
        if recording is None or Capability.DELETE_RECORDING not in self._caps():
            return
        title = recording.name or recording.id

        def really() -> None:
            def deleted(_none: None) -> None:
                self.reload(notice=f"Recording “{title}” deleted.")

            AsyncOp(self, lambda: self.session.delete_recording(name, recording.id)) \
                .with_progress("Deleting the recording…").success(deleted) \
                .failure(lambda exc: self.banner.show_message(f"The recording was not deleted. {error_text(exc)}",
                                                              "error")).run()

        confirm(self, "Delete recording", f"Delete the recording “{title}” from {name}? It cannot be restored.",
                "Delete recording", really)
