"""The Rooms tab: every connected server's rooms in one table, and what can be done with them.

Which actions are offered follows the selected room's provider capabilities, so a new back end needs no
change here.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from meetdesk.backends.base import Capability
from meetdesk.domain.models import Room
from meetdesk.services.session import Connection, ConnectionState, Session
from meetdesk.ui.dialog_parts import eligible_profiles
from meetdesk.ui.messages import confirm, show_error
from meetdesk.ui.table_header import ColumnDefault
from meetdesk.ui.table_models import PreparedRooms, RoomsModel
from meetdesk.ui.table_tab import PREPARE_ROWS, RowKey, TableTab, capabilities_of, connected
from meetdesk.ui.tasks import AsyncOp

log = logging.getLogger("meetdesk.ui.rooms_tab")

ACTIVE, PAST, ALL = "active", "past", "all"
EMPTY_NOT_CONNECTED = ("No rooms yet. Connect a server in the Connections panel (or add one with Ctrl+N); "
                       "rooms from every connected server appear here.")


class RoomsTab(TableTab[Room]):
    """Signals:
        room_selected(profile, room_id): the current room changed (empty strings when none is selected).
    """

    noun = "rooms"
    # what a coordinator checks first, in view at 1024×680 with both docks open (narrower and elided down to the
    # minimums there, see table_header); the profile compact
    column_defaults: ClassVar[dict[str, ColumnDefault]] = {
        "profile": ColumnDefault(110, minimum=64), "name": ColumnDefault(190, minimum=110),
        "status": ColumnDefault(85, minimum=70), "participants": ColumnDefault(95, minimum=90),
        "id": ColumnDefault(110), "created": ColumnDefault(130, hidden=True)}
    column_order = ("profile", "name", "status", "participants", "id", "created")
    room_selected = Signal(str, str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        self.rooms_model = RoomsModel()
        self._local = 0
        self._local_counts: dict[str, tuple[list[Room], int]] = {}
        super().__init__(session, self.rooms_model, parent)
        self.rooms_model.setParent(self)
        self.filter = QComboBox(self)
        self.filter.setObjectName("roomFilter")
        self.filter.addItem("Active rooms", ACTIVE)
        self.filter.addItem("Past rooms", PAST)
        self.filter.addItem("All rooms", ALL)
        self.filter.setToolTip("Past rooms are ended rooms the server still reports (not every server keeps them).")
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh_view())
        self.search_row.addWidget(self.filter)

        self.new_action = self.add_action("New…", self.new_room, "Create a room on a connected server.",
                                          "newRoom")
        self.edit_action = self.add_action("Edit…", self.edit_selected, "Change the selected room's settings.",
                                           "editRoom")
        self.delete_action = self.add_action("Delete", self.delete_selected, "Delete the selected room.",
                                             "deleteRoom")
        self.toolbar.addSeparator()
        self.end_action = self.add_action("End", self.end_selected,
                                          "End the meeting running in the selected room; everyone in it leaves.",
                                          "endRoom")
        self.open_action = self.add_action("Open", self.open_selected, "Let people enter the selected room again.",
                                           "openRoom")
        self.close_action = self.add_action("Close", self.close_selected,
                                            "Stop people from entering the selected room.", "closeRoom")
        self.toolbar.addSeparator()
        self.recordings_action = self.add_action("Recordings…", self.show_recordings,
                                                 "The recordings of the selected room (or of a server).",
                                                 "roomRecordings")
        self.refresh_action = self.add_action("Refresh", self.refresh_servers,
                                              "Ask every connected server for its rooms again.", "refreshRooms",
                                              beside_search=True)
        # grouped by server; within a server the order stays the server's own (the sort is stable)
        self.table.sortByColumn(self.model.column_of("profile"), Qt.SortOrder.AscendingOrder)
        self.refresh_view()

    # data ------------------------------------------------------------------------------------
    def mode(self) -> str:
        return str(self.filter.currentData())

    def _rooms_of(self, profile: str) -> Sequence[Room]:
        conn = self.session.connections.get(profile)
        if conn is None:
            return ()
        mode = self.mode()
        if mode == ACTIVE:
            return conn.rooms
        if mode == PAST:
            return conn.past_rooms
        return [*conn.rooms, *conn.past_rooms]

    def _kinds(self) -> set[str]:
        return {c.profile.kind for c in self.session.connections.values()}

    def _load(self) -> None:
        # one block of rows per server: a refresh of one server replaces only its block
        self.rooms_model.set_room_blocks({name: self._rooms_of(name) for name in self.session.connections},
                                         kinds=self._kinds())
        self._count_local()

    def _load_profiles(self, profiles: set[str], *, defer: bool = True) -> bool:
        blocks = {name: self._rooms_of(name) for name in sorted(profiles)}
        changed = sum(len(rooms) for name, rooms in blocks.items() if rooms is not self.rooms_model.block_rows(name))
        if defer and changed >= PREPARE_ROWS:  # a block given as the same list again keeps what it has
            job = self.rooms_model.prepare_job(blocks, kinds=self._kinds())
            lists = {n: c.rooms for n, c in self.session.connections.items() if n in blocks}

            def prepare() -> tuple[PreparedRooms, dict[str, tuple[list[Room], int]]]:
                return job(), {n: (rooms, sum(1 for r in rooms if r.local_only)) for n, rooms in lists.items()}

            if self._load_off_thread(profiles, prepare, self._show_prepared):
                return True
        self.rooms_model.set_room_blocks(blocks, replace_all=False, kinds=self._kinds())
        self._count_local()
        return False

    def _show_prepared(self, done: tuple[PreparedRooms, dict[str, tuple[list[Room], int]]], profiles: set[str]
                       ) -> None:
        rooms, local_counts = done
        self.rooms_model.set_prepared_blocks(rooms, profiles, kinds=self._kinds())
        self._local_counts.update(local_counts)  # counted on the worker; recounted if a list changed since
        self._count_local()

    def _count_local(self) -> None:
        total = 0
        for name, conn in self.session.connections.items():
            cached = self._local_counts.get(name)
            if cached is None or cached[0] is not conn.rooms:  # counted again only when the list changed
                cached = self._local_counts[name] = (conn.rooms, sum(1 for r in conn.rooms if r.local_only))
            total += cached[1]
        self._local = total

    def _count_per_server(self) -> Counter[str]:
        return Counter(self.rooms_model.block_sizes())  # blocks are servers: no need to look at 100,000 rows

    def _row_key(self, row: Room) -> RowKey:
        return self.rooms_model.row_key(row)

    def _empty_text(self) -> str:
        conns = connected(self.session)
        if not conns:
            if any(c.state is ConnectionState.CONNECTING for c in self.session.connections.values()):
                return "Connecting… rooms appear here as soon as a server answers."
            return EMPTY_NOT_CONNECTED
        if self.mode() == PAST:
            if not any(Capability.PAST_ROOMS in capabilities_of(c) for c in conns):
                return "None of the connected servers reports past rooms. Choose “Active rooms” above."
            return "No past rooms on the connected servers."
        if eligible_profiles(self.session, Capability.CREATE_ROOM):
            return "No rooms on the connected servers yet. Create one with “New…” above."
        return "No rooms on the connected servers."

    def _why_none(self, conn: Connection) -> str:
        caps = capabilities_of(conn)
        if conn.refresh_error:
            return "its last refresh failed"
        if self.mode() == PAST and Capability.PAST_ROOMS not in caps:
            return "it does not report past rooms"
        if Capability.LOCAL_ROOM_LIST in caps:
            return "it cannot list its rooms; the rooms you create here will appear"
        if Capability.LIST_ROOMS not in caps:
            return "it cannot list rooms"
        return "no active rooms" if self.mode() == ACTIVE else "no rooms"

    def _summary_suffix(self) -> str:
        local = self._local if self.mode() != PAST else 0
        return f" ({local} created from meetdesk: their server cannot list rooms)" if local else ""

    def selected_room(self) -> Room | None:
        return self.selected()

    def _selection_changed(self) -> None:
        super()._selection_changed()
        room = self.selected()
        self.room_selected.emit(room.profile if room else "", room.id if room else "")

    def _update_actions(self) -> None:
        room = self.selected()
        can_create = bool(eligible_profiles(self.session, Capability.CREATE_ROOM))
        self.set_enabled(self.new_action, can_create, "no connected server can create rooms")
        caps = Capability.NONE
        live = False
        if room is not None and room.profile in self.session.connections:
            conn = self.session.connection(room.profile)
            caps, live = capabilities_of(conn), conn.provider is not None
        why = "select a room first" if room is None else ("its server is not connected" if not live else "")
        for action, cap, verb in (
            (self.edit_action, Capability.UPDATE_ROOM, "edit"),
            (self.delete_action, Capability.DELETE_ROOM, "delete"),
            (self.end_action, Capability.END_ROOM, "end"),
            (self.open_action, Capability.OPEN_CLOSE_ROOM, "open"),
            (self.close_action, Capability.OPEN_CLOSE_ROOM, "close"),
        ):
            reason = why or ("the room has already ended" if room is not None and room.past else
                             f"this server cannot {verb} rooms" if cap not in caps else "")
            self.set_enabled(action, not reason, reason)
        recordings = eligible_profiles(self.session, Capability.RECORDINGS)
        if room is not None:
            self.set_enabled(self.recordings_action, room.profile in recordings,
                             "this server has no recordings meetdesk can list")
        else:
            self.set_enabled(self.recordings_action, bool(recordings), "no connected server lists recordings")
        self.set_enabled(self.refresh_action, bool(connected(self.session)), "no server is connected")

    # actions ---------------------------------------------------------------------------------
    def new_room(self) -> None:
        if not self.new_action.isEnabled():
            return
        room = self.selected()
        from meetdesk.ui.room_dialog import RoomDialog  # dialogs are imported when first opened

        dialog = RoomDialog(self.session, profile=room.profile if room else None, parent=self)
        dialog.saved.connect(self._room_saved)
        self._open_dialog(dialog)

    def edit_selected(self) -> None:
        room = self.selected()
        if room is None or not self.edit_action.isEnabled():
            return
        from meetdesk.ui.room_dialog import RoomDialog

        dialog = RoomDialog(self.session, room=room, parent=self)
        dialog.saved.connect(self._room_saved)
        self._open_dialog(dialog)

    def _room_saved(self, room: Room) -> None:
        if self.mode() == PAST:
            self.filter.setCurrentIndex(self.filter.findData(ACTIVE))
        self.refresh_view()
        self.select_key(self._row_key(room))
        self.notice(f"Room “{room.name}” saved on {room.profile}.")
        not_applied = room.extra.get("not_applied")
        if not_applied:
            show_error(self, "Some settings were not applied",
                       f"Room “{room.name}” was saved, but {room.profile} did not apply these settings: "
                       f"{not_applied}. The server keeps its own defaults for them.")

    def _run(self, call: Callable[[], Awaitable[None]], progress: str, done: str, title: str) -> None:
        AsyncOp(self, call).with_progress(progress).error_title(title) \
            .success(lambda _none: self.notice(done)).run()

    def delete_selected(self) -> None:
        room = self.selected()
        if room is None or not self.delete_action.isEnabled():
            return
        profile, room_id = room.profile, room.id
        text = (f"Delete the room “{room.name}” on {profile}? Its settings are removed from the server and "
                "links to it stop working. This cannot be undone.")
        if room.local_only:  # only meetdesk's memory of it goes (Jitsi): the server never knew the room
            text = (f"Remove the room “{room.name}” from {profile}'s list? Links already handed out keep "
                    "working until they expire.")
        confirm(self, "Delete room", text, "Delete room",
                lambda: self._run(lambda: self.session.delete_room(profile, room_id),
                                  f"Deleting room “{room.name}”…", f"Room “{room.name}” deleted.",
                                  "The room was not deleted"))

    def end_selected(self) -> None:
        room = self.selected()
        if room is None or not self.end_action.isEnabled():
            return
        profile, room_id = room.profile, room.id
        people = (f" The {room.participant_count} people in it will be disconnected."
                  if room.participant_count else " Everyone in it will be disconnected.")
        confirm(self, "End room", f"End the meeting in “{room.name}” on {profile}?{people}", "End room",
                lambda: self._run(lambda: self.session.end_room(profile, room_id),
                                  f"Ending room “{room.name}”…", f"Room “{room.name}” ended.",
                                  "The room was not ended"))

    def open_selected(self) -> None:
        room = self.selected()
        if room is None or not self.open_action.isEnabled():
            return
        profile, room_id = room.profile, room.id
        self._run(lambda: self.session.open_room(profile, room_id), f"Opening room “{room.name}”…",
                  f"Room “{room.name}” is open.", "The room was not opened")

    def close_selected(self) -> None:
        room = self.selected()
        if room is None or not self.close_action.isEnabled():
            return
        profile, room_id = room.profile, room.id
        confirm(self, "Close room",
                f"Close the room “{room.name}” on {profile}? Nobody can enter it until you open it again.",
                "Close room",
                lambda: self._run(lambda: self.session.close_room(profile, room_id),
                                  f"Closing room “{room.name}”…", f"Room “{room.name}” is closed.",
                                  "The room was not closed"))

    def show_recordings(self) -> None:
        if not self.recordings_action.isEnabled():
            return
        room = self.selected()
        profiles = eligible_profiles(self.session, Capability.RECORDINGS)
        profile = room.profile if room is not None else profiles[0]
        from meetdesk.ui.recordings_dialog import RecordingsDialog

        dialog = RecordingsDialog(self.session, profile, room, parent=self)
        self._open_dialog(dialog)

    def refresh_servers(self) -> None:
        AsyncOp(self, lambda: self.session.refresh(raise_errors=False)).with_progress("Refreshing rooms…").run()
