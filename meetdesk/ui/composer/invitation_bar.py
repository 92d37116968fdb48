"""The composer's invitation row: for a meeting (from "Invite…" in the Meetings tab) Copy invitation (plain text and
HTML), E-mail (``mailto:``), Save .ics; and, for any room, personal links for a whole list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from meetdesk.domain.errors import MeetdeskError
from meetdesk.domain.models import JoinLink, Meeting
from meetdesk.services.calendar_file import Attendee, meeting_calendar, write_calendar
from meetdesk.services.invitation_store import InvitationStore, Invitee
from meetdesk.services.invitations import InvitationText, render_for_meeting
from meetdesk.services.session import Session
from meetdesk.ui import local_time
from meetdesk.ui.bulk_links_dialog import BulkLinksDialog
from meetdesk.ui.composer.template_dialog import TemplateDialog
from meetdesk.ui.forms import WrapLabel
from meetdesk.ui.theme import set_tone


class InvitationBar(QWidget):
    """``target`` returns the composer's (profile, room id) so the list dialog uses what is chosen there."""

    def __init__(self, session: Session, target: Callable[[], tuple[str | None, str]],
                 store: InvitationStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("invitationBar")
        self.session = session
        self.store = store or InvitationStore(session.store.path.with_name("invitations.json"))
        self._target = target
        self._meeting: Meeting | None = None
        self._link: JoinLink | None = None
        self._invitees: tuple[Invitee, ...] = ()
        self._file_dialog: QFileDialog | None = None
        self.bulk_dialog: BulkLinksDialog | None = None
        self.template_dialog: TemplateDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.title = WrapLabel(self)
        self.title.setObjectName("invitationTitle")
        layout.addWidget(self.title)
        self.organiser = QLineEdit(self)
        self.organiser.setObjectName("organiserEmail")
        self.organiser.setPlaceholderText("Organiser's e-mail for the calendar file")
        self.organiser.setAccessibleName("Organiser e-mail")
        layout.addWidget(self.organiser)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Copy invitation", self)
        self.copy_button.setObjectName("copyInvitation")
        self.copy_button.setToolTip("Copy the invitation text (plain and formatted) to the clipboard")
        self.mail_button = QPushButton("E-mail…", self)
        self.mail_button.setObjectName("mailInvitation")
        self.mail_button.setToolTip("Open your e-mail program with the invitation")
        self.ics_button = QPushButton("Save .ics…", self)
        self.ics_button.setObjectName("saveIcs")
        self.ics_button.setToolTip("Save the meeting as a calendar file")
        self.template_button = QPushButton("Template…", self)
        self.template_button.setObjectName("editTemplate")
        self.template_button.setToolTip("Change this profile's invitation text")
        for button in (self.copy_button, self.mail_button, self.ics_button, self.template_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.list_button = QPushButton("Links for a list…", self)
        self.list_button.setObjectName("bulkLinks")
        self.list_button.setToolTip("Import or paste participants and make a personal link for each")
        layout.addWidget(self.list_button)
        self.error = WrapLabel(self)
        self.error.setObjectName("invitationError")
        set_tone(self.error, "error")
        self.error.hide()
        layout.addWidget(self.error)
        self.copy_button.clicked.connect(self.copy_invitation)
        self.mail_button.clicked.connect(self.email_invitation)
        self.ics_button.clicked.connect(self.choose_ics)
        self.list_button.clicked.connect(self.open_bulk_dialog)
        self.template_button.clicked.connect(self.edit_template)
        self.organiser.editingFinished.connect(self._save_organiser)
        self.set_meeting(None)

    # state -------------------------------------------------------------------------------------
    def meeting(self) -> Meeting | None:
        return self._meeting

    def set_meeting(self, meeting: Meeting | None) -> None:
        self._meeting = meeting
        self._invitees = self._known_invitees(meeting) if meeting else ()
        for widget in (self.copy_button, self.mail_button, self.ics_button, self.template_button, self.organiser):
            widget.setVisible(meeting is not None)
        if meeting is None:
            self.title.setText("Invitations: choose “Invite…” on a meeting in the Meetings tab.")
            return
        self.organiser.setText(self.store.organiser_email(meeting.profile))
        when = f"{local_time.format_datetime(meeting.start)} – {meeting.end.astimezone():%H:%M}"
        people = f" · {len(self._invitees)} invitees" if self._invitees else ""
        self.title.setText(f"Invitation for “{meeting.title}”, {when}{people}.")

    def _known_invitees(self, meeting: Meeting) -> tuple[Invitee, ...]:
        """The list remembered from the last links made for the meeting, else the back end's own invitee list."""
        remembered = self.store.invitees_of(meeting.profile, meeting.id)
        if remembered:
            return remembered
        conn = self.session.connections.get(meeting.profile)
        if conn is None or conn.provider is None:
            return ()
        return tuple(Invitee(p.name, str(p.extra.get("email") or ""), p.role == "moderator", p.id)
                     for p in conn.provider.meeting_invitees(meeting.id))

    def invitees(self) -> tuple[Invitee, ...]:
        return self._invitees

    def set_link(self, link: JoinLink | None) -> None:
        self._link = link

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _save_organiser(self) -> None:
        if self._meeting is not None:
            try:
                self.store.set_organiser_email(self._meeting.profile, self.organiser.text())
            except MeetdeskError as exc:
                self._say(exc.user_text())

    def invitation(self) -> InvitationText | None:
        meeting = self._meeting
        if meeting is None:
            return None
        link = self._link if self._link is not None and self._link.room_id == meeting.room_id else None
        try:
            return render_for_meeting(self.store.template(meeting.profile), meeting, link=link)
        except MeetdeskError as exc:
            self._say(exc.user_text())
            return None

    # actions -----------------------------------------------------------------------------------
    def copy_invitation(self) -> bool:
        text = self.invitation()
        if text is None:
            return False
        data = QMimeData()
        data.setText(text.plain)
        data.setHtml(text.html)
        QGuiApplication.clipboard().setMimeData(data)
        self._say("")
        return True

    def email_invitation(self) -> str:
        text = self.invitation()
        if text is None:
            return ""
        url = text.mailto()
        if not QDesktopServices.openUrl(QUrl(url)):
            self._say("No e-mail program could be opened. Use “Copy invitation” and paste it into a message.")
        return url

    def choose_ics(self) -> None:
        if self._meeting is None:
            return
        dialog = QFileDialog(self, "Save calendar file")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["Calendar files (*.ics)"])
        dialog.setDefaultSuffix("ics")
        dialog.selectFile(f"{self._meeting.title}.ics".replace("/", "-"))
        dialog.fileSelected.connect(self.save_ics)
        self._file_dialog = dialog
        dialog.open()

    def save_ics(self, path: str) -> bool:
        meeting, text = self._meeting, self.invitation()
        if meeting is None or text is None:
            return False
        self._save_organiser()
        link = self._link if self._link is not None and self._link.room_id == meeting.room_id else None
        attendees = [Attendee(i.name, i.email, i.moderator) for i in self._invitees]
        try:
            write_calendar(Path(path), meeting_calendar(
                meeting, url=link.url if link else "", description=text.plain, organiser_name=meeting.owner,
                organiser_email=self.organiser.text().strip(), attendees=attendees))
        except MeetdeskError as exc:
            self._say(exc.user_text())
            return False
        self._say("")
        return True

    def edit_template(self) -> TemplateDialog | None:
        if self._meeting is None:
            return None
        dialog = TemplateDialog(self.store, self._meeting.profile, parent=self.window())
        dialog.open()
        self.template_dialog = dialog
        return dialog

    def open_bulk_dialog(self) -> BulkLinksDialog | None:
        profile, room_id = self._target()
        meeting = self._meeting
        if meeting is not None:
            profile, room_id = meeting.profile, meeting.room_id
        if not profile or (not room_id and meeting is None):
            self._say("Choose a profile and a room first.")
            return None
        if self.session.connection(profile).provider is None:
            self._say(f"Connect “{profile}” first.")
            return None
        listed = "".join(f"{i.name},{i.email},{'moderator' if i.moderator else 'attendee'}\n" for i in self._invitees)
        self._say("")
        dialog = BulkLinksDialog(self.session, self.store, profile=profile, room_id=room_id, meeting=meeting,
                                 list_text=listed, parent=self.window())
        dialog.show()
        self.bulk_dialog = dialog
        return dialog

