"""Personal links for a whole list: paste or import participants, make one link each with a progress bar and
Cancel, see every row's result, copy them all or export a CSV. For a back end whose links are made at join time
(plugNmeet) the list can instead be remembered for the reminder, which makes the links then."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from meetdesk.backends.base import provider_class
from meetdesk.domain.errors import MeetdeskError
from meetdesk.domain.models import Meeting
from meetdesk.services.bulk_links import (
    BulkLinks,
    LinkResult,
    ParticipantRow,
    export_csv,
    links_text,
    parse_participants,
    problem_results,
)
from meetdesk.services.invitation_store import InvitationStore, PlannedMeeting
from meetdesk.services.session import Session
from meetdesk.ui.forms import WrapLabel
from meetdesk.ui.messages import error_text
from meetdesk.ui.tasks import AsyncOp
from meetdesk.ui.theme import set_tone

log = logging.getLogger("meetdesk.ui.bulk_links")

COLUMNS = ("Name", "E-mail", "Role", "Result", "Works until", "Link")
RESULT_WIDTH = 230
PLACEHOLDER = ("One participant a line: name, e-mail, role (attendee or moderator), optional user id.\n"
               "Paste from a spreadsheet or import a CSV file. A header line is optional.")


class BulkLinksDialog(QDialog):
    def __init__(self, session: Session, store: InvitationStore, *, profile: str, room_id: str,
                 meeting: Meeting | None = None, list_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkLinksDialog")
        self.session, self.store = session, store
        self.profile, self.room_id, self.meeting = profile, room_id, meeting
        self.cls = provider_class(session.connection(profile).profile.kind)
        self.policy = self.cls.link_policy
        self.results: list[LinkResult] = []
        self.job: BulkLinks | None = None
        self._task: asyncio.Task[None] | None = None
        self._file_dialog: QFileDialog | None = None
        what = f"“{meeting.title}”" if meeting else f"room {room_id}"
        self.setWindowTitle(f"Links for a list — {what} ({profile})")
        layout = QVBoxLayout(self)

        self.intro = WrapLabel(self)
        self.intro.setObjectName("bulkIntro")
        self.intro.setText(self._intro_text())
        layout.addWidget(self.intro)
        self.list_edit = QPlainTextEdit(self)
        self.list_edit.setObjectName("participantList")
        self.list_edit.setPlaceholderText(PLACEHOLDER)
        self.list_edit.setAccessibleName("Participant list")
        self.list_edit.setPlainText(list_text)
        self.list_edit.setMaximumHeight(130)
        layout.addWidget(self.list_edit)

        self.when_row = QWidget(self)
        when = QHBoxLayout(self.when_row)
        when.setContentsMargins(0, 0, 0, 0)
        when.addWidget(QLabel("Meeting starts", self.when_row))
        self.start_edit = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600), self.when_row)
        self.start_edit.setObjectName("plannedStart")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        when.addWidget(self.start_edit)
        when.addWidget(QLabel("for", self.when_row))
        self.minutes = QSpinBox(self.when_row)
        self.minutes.setObjectName("plannedMinutes")
        self.minutes.setRange(5, 24 * 60)
        self.minutes.setValue(60)
        self.minutes.setSuffix(" min")
        when.addWidget(self.minutes)
        when.addStretch(1)
        layout.addWidget(self.when_row)
        self.when_row.setVisible(self.policy.made_at_join_time and meeting is None)

        buttons = QHBoxLayout()
        self.import_button = QPushButton("Import CSV…", self)
        self.import_button.setObjectName("importCsv")
        self.make_button = QPushButton("Make links", self)
        self.make_button.setObjectName("makeLinks")
        self.make_button.setDefault(True)
        self.remember_button = QPushButton("Remember for the reminder", self)
        self.remember_button.setObjectName("rememberList")
        self.remember_button.setToolTip("Keep the list; at the reminder meetdesk makes fresh links for everybody")
        self.remember_button.setVisible(self.policy.made_at_join_time)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelLinks")
        self.cancel_button.setEnabled(False)
        for b in (self.import_button, self.make_button, self.remember_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("bulkProgress")
        self.progress.setFormat("%v of %m")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = WrapLabel(self)
        self.status.setObjectName("bulkStatus")
        layout.addWidget(self.status)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("bulkResults")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Result"), QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COLUMNS.index("Result"), RESULT_WIDTH)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        bottom = QHBoxLayout()
        self.copy_button = QPushButton("Copy all links", self)
        self.copy_button.setObjectName("copyAllLinks")
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setObjectName("exportCsv")
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        bottom.addWidget(self.copy_button)
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self._set_done_enabled(False)

        self.import_button.clicked.connect(self.choose_csv)
        self.make_button.clicked.connect(self.make_links)
        self.cancel_button.clicked.connect(self.cancel)
        self.remember_button.clicked.connect(self.remember)
        self.copy_button.clicked.connect(self.copy_links)
        self.export_button.clicked.connect(self.choose_export)
        self.resize(900, 600)

    def _intro_text(self) -> str:
        if self.policy.made_at_join_time:
            return (f"{self.policy.summary} “Make links” makes links to join now; “Remember for the reminder” "
                    "keeps the list and makes fresh links when the meeting is about to start.")
        if self.meeting is not None and self.policy.valid_window:
            return (f"Each person gets their own link that works at the meeting's time. {self.policy.summary}")
        return f"Each person gets their own link. {self.policy.summary}"

    def _set_done_enabled(self, enabled: bool) -> None:
        self.copy_button.setEnabled(enabled and any(r.ok for r in self.results))
        self.export_button.setEnabled(enabled and bool(self.results))

    # input -------------------------------------------------------------------------------------
    def choose_csv(self) -> None:
        dialog = QFileDialog(self, "Import participants")
        dialog.setNameFilters(["CSV files (*.csv *.txt)", "All files (*)"])
        dialog.fileSelected.connect(self.import_csv)
        self._file_dialog = dialog
        dialog.open()

    def import_csv(self, path: str) -> bool:
        try:
            self.list_edit.setPlainText(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            self._say(f"{Path(path).name} could not be read ({type(exc).__name__}); save it as a UTF-8 CSV file.",
                      error=True)
            return False
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        set_tone(self.status, "error" if error else None)

    # making links --------------------------------------------------------------------------------
    def make_links(self) -> asyncio.Task[None] | None:
        rows, problems = parse_participants(self.list_edit.toPlainText())
        if not rows and not problems:
            self._say("The list is empty: give one participant a line.", error=True)
            return None
        self.results = []
        self.table.setRowCount(0)
        for failed in problem_results(problems):
            self._add_row(failed)
        provider = self.session.provider(self.profile)
        self.job = BulkLinks(provider, room_id=self.room_id, meeting=self.meeting)
        self.progress.setRange(0, len(rows))
        self.progress.setValue(0)
        self.progress.show()
        self._busy(True)
        self._say(f"Making {len(rows)} links…")
        job = self.job

        async def op() -> list[LinkResult]:
            return await job.run(rows, self._progress)

        self._task = (AsyncOp(self, op).error_title("The links were not made")
                      .success(lambda results: self._finished(results, problems_count=len(problems)))
                      .finally_(lambda: self._busy(False)).run())
        return self._task

    def _progress(self, done: int, total: int, result: LinkResult) -> None:
        self.progress.setValue(done)
        self._add_row(result)

    def _add_row(self, result: LinkResult) -> None:
        self.results.append(result)
        row = self.table.rowCount()
        self.table.insertRow(row)
        link = result.link
        until = link.expires_at.astimezone().strftime("%a %d %b, %H:%M") if link and link.expires_at else ""
        kind = ("single use" if link.single_use else "reusable") if link else ""
        values = (result.row.name, result.row.email, result.row.role.value if result.row.name else "",
                  f"made, {kind}" if link else result.error, until if link else "", link.url if link else "")
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if not link and column == 3:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, column, item)

    def _finished(self, _results: list[LinkResult], *, problems_count: int) -> None:
        made = sum(1 for r in self.results if r.ok)
        failed = len(self.results) - made
        stopped = " Cancelled: the rest were not made." if self.job is not None and self.job.cancelled else ""
        self._say(f"{made} links made" + (f", {failed} rows failed (see Result)" if failed else "") + "." + stopped,
                  error=bool(failed))
        if self.meeting is not None and made:
            self._remember(self.meeting.start, self.meeting.end)

    def _busy(self, busy: bool) -> None:
        self.make_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        self.remember_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self._set_done_enabled(not busy)
        if not busy:
            self._task = None

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._say("Cancelling after the current link…")

    def is_running(self) -> bool:
        return self._task is not None

    # remembering for the reminder ----------------------------------------------------------------
    def remember(self) -> bool:
        rows, problems = parse_participants(self.list_edit.toPlainText())
        if not rows:
            self._say("The list has nobody to remember.", error=True)
            return False
        if self.meeting is not None:
            start, end = self.meeting.start, self.meeting.end
        else:
            chosen = self.start_edit.dateTime().toPython()
            assert isinstance(chosen, datetime)
            start = chosen.astimezone()
            end = start + timedelta(minutes=self.minutes.value())
        self._remember(start, end, rows=rows)
        bad = f" {len(problems)} lines were skipped: {problems[0].sentence()}" if problems else ""
        self._say(f"Remembered {len(rows)} people for {start.astimezone():%a %d %b, %H:%M}: meetdesk makes their "
                  f"links at the reminder (tray icon).{bad}", error=bool(problems))
        return True

    def _remember(self, start: datetime, end: datetime, rows: Sequence[ParticipantRow] | None = None) -> None:
        people = rows if rows is not None else [r.row for r in self.results if r.row.name]
        title = self.meeting.title if self.meeting else f"Room {self.room_id}"
        plan = PlannedMeeting(profile=self.profile, room_id=self.room_id, title=title, start=start, end=end,
                              invitees=tuple(p.invitee() for p in people),
                              meeting_id=self.meeting.id if self.meeting else "")
        try:
            self.store.plan(plan)
        except MeetdeskError as exc:
            self._say(error_text(exc), error=True)

    # output ------------------------------------------------------------------------------------
    def copy_links(self) -> None:
        QGuiApplication.clipboard().setText(links_text(self.results))
        self._say(f"Copied {sum(1 for r in self.results if r.ok)} links.")

    def choose_export(self) -> None:
        dialog = QFileDialog(self, "Export links")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["CSV files (*.csv)"])
        dialog.setDefaultSuffix("csv")
        dialog.selectFile("links.csv")
        dialog.fileSelected.connect(self.export_to)
        self._file_dialog = dialog
        dialog.open()

    def export_to(self, path: str) -> bool:
        try:
            Path(path).write_text(export_csv(self.results), encoding="utf-8")
        except OSError as exc:
            self._say(f"The links could not be written to {path}: {exc.strerror or exc}.", error=True)
            return False
        self._say(f"Exported {len(self.results)} rows to {path}.")
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None:  # closing stops the list after the link being made
            self.job.cancel()
        super().closeEvent(event)
