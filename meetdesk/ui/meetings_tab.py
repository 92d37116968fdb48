"""The Meetings tab: scheduled meetings of every connected server that has a calendar."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from meetdesk.backends.base import Capability
from meetdesk.domain.models import JoinLink, JoinRequest, Meeting
from meetdesk.services.session import Connection, ConnectionState, Session
from meetdesk.ui import local_time
from meetdesk.ui.dialog_parts import eligible_profiles
from meetdesk.ui.meeting_range import MeetingRangeBar
from meetdesk.ui.messages import confirm
from meetdesk.ui.table_header import ColumnDefault
from meetdesk.ui.table_models import MeetingsModel
from meetdesk.ui.table_tab import RowKey, TableTab, capabilities_of, connected
from meetdesk.ui.tasks import AsyncOp

log = logging.getLogger("meetdesk.ui.meetings_tab")

EMPTY_NOT_CONNECTED = ("No meetings yet. Connect a server in the Connections panel (or add one with Ctrl+N); "
                       "meetings from every connected server with a calendar appear here.")


def meeting_over(meeting: Meeting, now: datetime | None = None) -> str:
    """Why ``meeting`` can no longer be changed or cancelled ("" while it can): its server says it ended (Huawei
    lists past meetings with the state "ended"), or its end is past — a recurring series goes on, so only its
    server's word counts for it."""
    if str(meeting.extra.get("state") or "") == "ended":
        return "this meeting has ended"
    if meeting.extra.get("recurring"):
        return ""
    if meeting.end <= (now or datetime.now(UTC)) and str(meeting.extra.get("state") or "") != "running":
        return f"this meeting is over (it ended {local_time.format_datetime(meeting.end)})"
    return ""


class MeetingsTab(TableTab[Meeting]):
    noun = "meetings"
    # all in view at 1024×680 with both panels open: narrower, elided, down to the minimums (see table_header)
    column_defaults: ClassVar[dict[str, ColumnDefault]] = {
        "title": ColumnDefault(170, minimum=72), "start": ColumnDefault(125, minimum=122),
        "end": ColumnDefault(74, minimum=48), "room": ColumnDefault(130, minimum=60),
        "owner": ColumnDefault(80, minimum=46), "profile": ColumnDefault(100, minimum=56),
        "status": ColumnDefault(70, minimum=58)}
    column_order = ("title", "start", "end", "room", "owner", "profile", "status")
    #: "Invite…" on a meeting: the main window opens the composer with it
    invite_requested = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        self.meetings_model = MeetingsModel()
        super().__init__(session, self.meetings_model, parent)
        self.meetings_model.setParent(self)
        self.range_label = QLabel(self)
        self.range_label.setObjectName("meetingRange")
        self.range_label.setTextFormat(Qt.TextFormat.PlainText)
        self.range_label.setWordWrap(True)
        self.range_bar = MeetingRangeBar(self)
        self.range_bar.changed.connect(self._period_changed)
        self.main_layout.insertWidget(2, self.range_bar)
        self.main_layout.insertWidget(3, self.range_label)

        self.new_action = self.add_action("New…", self.new_meeting,
                                          "Schedule a meeting on a connected server.", "newMeeting")
        self.edit_action = self.add_action("Edit…", self.edit_selected, "Change the selected meeting.",
                                           "editMeeting")
        self.cancel_action = self.add_action("Cancel…", self.delete_selected,
                                             "Cancel the selected meeting and remove it from the calendar.",
                                             "cancelMeeting")
        # short labels (the tooltips say the rest), so no action hides behind the toolbar's overflow menu in a
        # 1024-pixel window with both panels open
        self.invite_action = self.add_action("Invite…", self.invite_selected,
                                             "Open the join-link composer for the selected meeting: its room, time "
                                             "and invitees, the invitation text, calendar file and links.",
                                             "inviteMeeting")
        self.link_action = self.add_action("Copy link", self.copy_link,
                                           "Copy the selected meeting's link for participants.", "copyMeetingLink")
        self.live_action = self.add_action("Live…", self.open_live,
                                           "Start the selected meeting, see who is online, invite and control it.",
                                           "liveMeeting")
        self.refresh_action = self.add_action("Refresh", self.refresh_servers,
                                              "Ask every connected server for its meetings again.", "refreshMeetings",
                                              beside_search=True)
        self.table.sortByColumn(self.model.column_of("start"), Qt.SortOrder.AscendingOrder)
        self.refresh_view()

    # data ------------------------------------------------------------------------------------
    def _load(self) -> None:
        self.meetings_model.set_meetings(self.session.meetings())
        start, end = self.session.meeting_window()
        zone = local_time.local_zone()
        self.range_label.setText(
            f"Meetings from {local_time.format_datetime(start, zone)} to {local_time.format_datetime(end, zone)}; "
            f"times are shown in your time zone ({local_time.local_zone_name()})." + self._local_list_note())

    # servers that would not list their meetings: the table holds only the meetings created here
    def _local_lists(self) -> list[str]:
        return [c.profile.name for c in connected(self.session)
                if c.provider is not None and c.provider.meetings_local_only]

    def _local_list_note(self) -> str:
        names = self._local_lists()
        if not names:
            return ""
        quoted = ", ".join(f"“{n}”" for n in names)
        return (f"\n{quoted} would not list {'its' if len(names) == 1 else 'their'} meetings: only the meetings "
                "created here with meetdesk are shown for " + ("it." if len(names) == 1 else "them."))

    def _summary_suffix(self) -> str:
        local = sum(1 for m in self.model.rows() if m.local_only)
        noun = "meeting" if local == 1 else "meetings"
        return f" ({local} {noun} created here: their server does not list meetings)" if local else ""

    def _row_key(self, row: Meeting) -> RowKey:
        return (row.profile, row.id)

    def _empty_text(self) -> str:
        conns = connected(self.session)
        if not conns:
            if any(c.state is ConnectionState.CONNECTING for c in self.session.connections.values()):
                return "Connecting… meetings appear here as soon as a server answers."
            return EMPTY_NOT_CONNECTED
        if not any(Capability.LIST_MEETINGS in capabilities_of(c) for c in conns):
            return ("None of the connected servers has a calendar meetdesk can read; their rooms are in the "
                    "Rooms tab.")
        local = self._local_lists()
        if local:
            return (f"No meetings created here in this period — {', '.join(f'“{n}”' for n in local)} would not list "
                    "its meetings, so meetdesk shows only those scheduled with it. Schedule one with “New…” above.")
        if eligible_profiles(self.session, Capability.CREATE_MEETING):
            return "No meetings in this period. Schedule one with “New…” above."
        return "No meetings in this period."

    def _why_none(self, conn: Connection) -> str:
        if conn.refresh_error:
            return "its last refresh failed"
        if Capability.LIST_MEETINGS not in capabilities_of(conn):
            return "it has no calendar meetdesk can read"
        return "no meetings in this period"

    def selected_meeting(self) -> Meeting | None:
        return self.selected()

    def _update_actions(self) -> None:
        meeting = self.selected()
        can_create = bool(eligible_profiles(self.session, Capability.CREATE_MEETING))
        self.set_enabled(self.new_action, can_create, "no connected server can schedule meetings")
        caps, live = Capability.NONE, False
        if meeting is not None and meeting.profile in self.session.connections:
            conn = self.session.connection(meeting.profile)
            caps, live = capabilities_of(conn), conn.provider is not None
        why = "select a meeting first" if meeting is None else ("its server is not connected" if not live else "")
        over = "" if meeting is None else meeting_over(meeting)
        for action, cap, verb in ((self.edit_action, Capability.UPDATE_MEETING, "edit"),
                                  (self.cancel_action, Capability.CANCEL_MEETING, "cancel"),
                                  (self.link_action, Capability.MEETING_JOIN_LINK, "give links to")):
            reason = why or (f"this server cannot {verb} meetings" if cap not in caps else "")
            if not reason and over and action is not self.link_action:
                reason = f"{over}: there is nothing left to {verb}"
            self.set_enabled(action, not reason, reason)
        live_why = why or ("this server has no live control" if Capability.LIVE_CONTROL not in caps else "")
        self.set_enabled(self.live_action, not live_why, live_why)
        self.set_enabled(self.refresh_action, bool(connected(self.session)), "no server is connected")
        # the composer makes links for rooms; a back end whose links belong to meetings only has “Copy link”
        meeting_links_only = Capability.MEETING_JOIN_LINK in caps and Capability.LIST_ROOMS not in caps
        self.set_enabled(self.invite_action, not why and Capability.JOIN_LINK in caps and not meeting_links_only,
                         why or ("its link is the meeting's own: use “Copy link” (or meetdesk invitation)"
                                 if meeting_links_only else "this server makes no join links"))

    def invite_selected(self) -> None:
        meeting = self.selected()
        if meeting is not None and self.invite_action.isEnabled():
            self.invite_requested.emit(meeting)

    # actions ---------------------------------------------------------------------------------
    def new_meeting(self) -> None:
        if not self.new_action.isEnabled():
            return
        meeting = self.selected()
        from meetdesk.ui.meeting_dialog import MeetingDialog  # imported when first opened

        dialog = MeetingDialog(self.session, profile=meeting.profile if meeting else None, parent=self)
        dialog.saved.connect(self._meeting_saved)
        self._open_dialog(dialog)

    def edit_selected(self) -> None:
        meeting = self.selected()
        if meeting is None or not self.edit_action.isEnabled():
            return
        from meetdesk.ui.meeting_dialog import MeetingDialog

        dialog = MeetingDialog(self.session, meeting=meeting, parent=self)
        dialog.saved.connect(self._meeting_saved)
        self._open_dialog(dialog)

    def _meeting_saved(self, meeting: Meeting) -> None:
        self.refresh_view()
        self.select_key(self._row_key(meeting))
        when = local_time.format_datetime(meeting.start)
        self.notice(f"Meeting “{meeting.title}” saved for {when}.")

    def delete_selected(self) -> None:
        meeting = self.selected()
        if meeting is None or not self.cancel_action.isEnabled():
            return
        profile, meeting_id, title = meeting.profile, meeting.id, meeting.title
        when = local_time.format_datetime(meeting.start)

        def cancel() -> None:
            AsyncOp(self, lambda: self.session.cancel_meeting(profile, meeting_id)) \
                .with_progress(f"Cancelling “{title}”…").error_title("The meeting was not cancelled") \
                .success(lambda _none: self.notice(f"Meeting “{title}” cancelled.")).run()

        box = confirm(self, "Cancel meeting",
                      f"Cancel “{title}” on {when} ({profile})? It is removed from the calendar. "
                      "This cannot be undone.", "Cancel meeting", cancel)
        keep = box.button(QMessageBox.StandardButton.Cancel)
        if keep is not None:  # two buttons both saying "Cancel" would be a riddle
            keep.setText("Keep meeting")

    def _period_changed(self, start: datetime, end: datetime) -> None:
        self.session.set_meeting_window(start, end)
        self.refresh_servers()

    def copy_link(self) -> None:
        """The meeting's own link (back ends whose links belong to a meeting) to the clipboard."""
        meeting = self.selected()
        if meeting is None or not self.link_action.isEnabled():
            return
        request = JoinRequest(room_id=meeting.room_id, meeting_id=meeting.id, display_name="")

        def copied(link: JoinLink) -> None:
            QGuiApplication.clipboard().setText(link.url)
            # the summary line stays short (a long one widens the window); the link and its note are its tooltip
            self.notice(f"Link to “{meeting.title}” copied.")
            self.summary.setToolTip(f"{link.url}\n{link.note}".strip())

        AsyncOp(self, lambda: self.session.join_link(meeting.profile, request)) \
            .with_progress(f"Getting the link to “{meeting.title}”…").error_title("No link") \
            .success(copied).run()
    def open_live(self) -> None:
        meeting = self.selected()
        if meeting is None or not self.live_action.isEnabled():
            return
        from meetdesk.ui.live_dialog import LiveDialog  # imported when first opened

        self._open_dialog(LiveDialog(self.session, meeting, parent=self))

    def refresh_servers(self) -> None:
        AsyncOp(self, lambda: self.session.refresh(raise_errors=False)).with_progress("Refreshing meetings…").run()
