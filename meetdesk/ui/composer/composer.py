"""The join-link composer: who joins which room, the back end's join options, the design, and the link."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QWidget,
)

from meetdesk.backends.base import Capability, Provider, provider_class
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.models import JoinLink, JoinRequest, Meeting
from meetdesk.services.bulk_links import meeting_window
from meetdesk.services.profile_store import ProfileStore
from meetdesk.services.session import ConnectionState, Session
from meetdesk.ui.composer.design_panel import DesignPanel
from meetdesk.ui.composer.invitation_bar import InvitationBar
from meetdesk.ui.composer.layout import HINT_STYLE, ComposerLayout
from meetdesk.ui.composer.participant import (
    ALIASES,
    WIRE_NAMES,
    email_problem,
    honoured_fields,
    participant_fields,
    user_id_deriver,
)
from meetdesk.ui.composer.section import Section
from meetdesk.ui.focus_order import apply_visual_tab_order
from meetdesk.ui.forms import FieldForm
from meetdesk.ui.messages import error_text
from meetdesk.ui.session_bridge import bridge_for
from meetdesk.ui.tasks import AsyncOp

log = logging.getLogger("meetdesk.ui.composer")



def _provider_class(kind: str) -> type[Provider] | None:
    try:
        return provider_class(kind)
    except (ImportError, AttributeError, ValidationError):
        return None


class JoinLinkComposer(ComposerLayout):
    """Lives in the main window's "Join link" dock. ``select()`` is called by the Rooms tab."""

    link_created = Signal(object)  # JoinLink

    def __init__(self, session: Session, store: ProfileStore, parent: QWidget | None = None, *,
                 design: DesignPanel | None = None) -> None:
        super().__init__(store, parent, design=design)
        self.setObjectName("joinLinkComposer")
        self.session = session
        self._kind: str | None = None
        self._participant_forms: dict[str, FieldForm] = {}
        self._option_forms: dict[str, FieldForm] = {}
        self._derive: Callable[[str], str] | None = None
        self._wanted: tuple[str, str | None] | None = None
        #: the meeting "Invite…" chose; its own link is made on back ends whose links belong to meetings
        self._meeting: Meeting | None = None
        self._seq = 0
        #: what the form said when the current link was requested (None: no link asked for yet)
        self._requested_state: str | None = None
        #: the (profile, room) the role was last chosen for; a different room resets it
        self._role_room: tuple[str | None, str] = (None, "")
        self._role_reset_for_request = False
        self._requested_name: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._build()
        self._build_invitation()
        self._update_preview_pane()
        self.create_button.clicked.connect(self.create_link)
        self.design.changed.connect(self._on_input_changed)
        self.profile_combo.currentIndexChanged.connect(self._on_profile_changed)
        self.room_picker.edited.connect(self._on_room_edited)
        bridge = bridge_for(session)
        # bound methods, not lambdas: Qt drops these connections when the composer is destroyed
        bridge.profiles_changed.connect(self._on_connections_changed)
        bridge.status_changed.connect(self._on_connections_changed)
        bridge.data_changed.connect(self._on_data_changed)
        self._reload_profiles()
        apply_visual_tab_order(self)

    # invitations -------------------------------------------------------------------------------
    def _build_invitation(self) -> None:
        self.invitation = InvitationBar(self.session, lambda: (self.profile_name(), self.room_id()), parent=self)
        self.invitation_section = Section("Invitation", self.invitation, expanded=False,
                                          parent=self.scroll_area.widget())
        self._content.insertWidget(self._content.count() - 1, self.invitation_section)
        self.link_created.connect(self.invitation.set_link)

    def invite(self, meeting: Meeting) -> None:
        """Fill in the meeting's profile, room and time (the Meetings tab's "Invite…")."""
        self.select(meeting.profile, meeting.room_id or None)
        self._meeting = meeting
        self.invitation.set_meeting(meeting)
        self.invitation_section.set_title(f"Invitation — {meeting.title}")
        self.invitation_section.set_expanded(True)
        self.link_panel.clear()

    def _meeting_target(self) -> str:
        """The chosen meeting's id while its profile and room are still chosen, on back ends whose links belong
        to a meeting (Capability.MEETING_JOIN_LINK); else ""."""
        meeting, cls = self._meeting, _provider_class(self._kind) if self._kind else None
        if meeting is None or cls is None or Capability.MEETING_JOIN_LINK not in cls.capabilities:
            return ""
        same_place = meeting.profile == self.profile_name() and self.room_id() in ("", meeting.room_id)
        return meeting.id if same_place else ""

    # profiles and rooms ------------------------------------------------------------------------
    def _eligible(self) -> list[tuple[str, str]]:
        """(profile name, label) of the connected profiles whose back end makes join links."""
        out = []
        for name, conn in self.session.connections.items():
            cls = _provider_class(conn.profile.kind)
            if cls is None or Capability.JOIN_LINK not in cls.capabilities:
                continue
            if Capability.MEETING_JOIN_LINK in cls.capabilities and Capability.LIST_ROOMS not in cls.capabilities:
                continue  # its links belong to meetings, not rooms: the Meetings tab's “Copy link” gives them
            if conn.state is ConnectionState.CONNECTED and conn.provider is not None:
                kind = cls.display_name or conn.profile.kind
                out.append((name, name if kind.casefold() in name.casefold() else f"{name} ({kind})"))
        return out

    def profile_name(self) -> str | None:
        data = self.profile_combo.currentData()
        return str(data) if data else None

    def _reload_profiles(self) -> None:
        current = self.profile_name()
        wanted = self._wanted[0] if self._wanted else None
        eligible = self._eligible()
        self.profile_combo.blockSignals(True)
        combo = self.profile_combo
        if [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())] != eligible:
            combo.clear()  # a status change that leaves the list as it is (connecting…) rebuilds nothing
            for name, label in eligible:
                combo.addItem(label, name)
                combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        names = [n for n, _ in eligible]
        target = wanted if wanted in names else current if current in names else (names[0] if names else None)
        self.profile_combo.setCurrentIndex(self.profile_combo.findData(target) if target else -1)
        self.profile_combo.setEnabled(bool(names))
        self.profile_combo.blockSignals(False)
        if not names:
            self.profile_combo.setPlaceholderText("No connected profile")
        self._update_profile_hint()
        if self.profile_name() != current or self._kind is None:
            self._on_profile_changed()
        if self._wanted and self._wanted[0] in names:
            _profile, room = self._wanted
            self._wanted = None
            self._set_room(room)
        self._update_create_enabled()

    def _update_profile_hint(self) -> None:
        if self._wanted and self.profile_combo.findData(self._wanted[0]) < 0:
            text = f"“{self._wanted[0]}” is not connected. Connect it to create links for its rooms."
        elif self.profile_combo.count() == 0:
            text = ("No connected profile can create join links. Connect a plugNmeet or OpenMeetings profile "
                    "in the Connections panel.")
        else:
            text = ""
        self.profile_hint.setText(text)
        if self.profile_hint.styleSheet() != HINT_STYLE:  # re-polishing on every status change is not free
            self.profile_hint.setStyleSheet(HINT_STYLE)
        self.profile_hint.setVisible(bool(text))

    def _on_profile_changed(self, _index: int = -1) -> None:
        name = self.profile_name()
        self._update_profile_hint()
        kind = self.session.connections[name].profile.kind if name and name in self.session.connections else None
        if kind is not None:
            self._switch_kind(kind)
        self._reload_rooms(keep_typed=False)
        self._room_maybe_changed()
        self._on_input_changed()
        self._update_create_enabled()

    def _on_connections_changed(self, _profile: str) -> None:
        self._reload_profiles()

    def _on_data_changed(self, profile: str) -> None:
        if profile == self.profile_name():
            self._reload_rooms()

    def _reload_rooms(self, *, keep_typed: bool = True) -> None:
        """Give the picker the profile's rooms; what was typed stays, unless another profile was chosen and has no
        such room."""
        name = self.profile_name()
        conn = self.session.connections.get(name) if name else None
        self.room_picker.set_rooms(conn.rooms if conn is not None else (), keep_typed=keep_typed)

    def _set_room(self, room_id: str | None) -> None:
        self.room_picker.set_room(room_id)

    def room_id(self) -> str:
        """The chosen room's id, or what the user typed (a room's exact name also picks that room)."""
        return self.room_picker.room_id()

    def select(self, profile_name: str, room_id: str | None) -> None:
        """Preselect a profile and room (the Rooms tab calls this for the selected row)."""
        self.room_section.set_expanded(True)
        if self.profile_combo.findData(profile_name) < 0:
            self._wanted = (profile_name, room_id)
            self._update_profile_hint()
            return
        self._wanted = None
        self.profile_combo.setCurrentIndex(self.profile_combo.findData(profile_name))
        if room_id is not None:  # a profile alone (from the Connections panel) keeps the room typed so far
            self._set_room(room_id)
        self._clear_inline(self.room_error)
        self._update_profile_hint()

    # per-back-end forms ------------------------------------------------------------------------
    def _switch_kind(self, kind: str) -> None:
        if kind == self._kind:
            return
        cls = _provider_class(kind)
        join_fields = cls.join_fields if cls is not None else ()
        previous = self._participant_forms.get(self._kind) if self._kind else None
        typed = previous.values() if previous is not None else {}
        for form in (*self._participant_forms.values(), *self._option_forms.values()):
            form.hide()
        participant = self._participant_forms.get(kind)
        if participant is None:
            participant = FieldForm(participant_fields(join_fields, honoured_fields(cls)), self._participant_host)
            participant.setObjectName(f"participantForm_{kind}")
            participant.changed.connect(self._on_participant_changed)
            for spec in participant.specs:  # Enter in a text field creates the link, as in a dialog
                widget = participant.widget(spec.key)
                if isinstance(widget, QLineEdit):
                    widget.returnPressed.connect(self.create_link)
            self._participant_layout.addWidget(participant)
            self._participant_forms[kind] = participant
        participant.set_values(typed)
        participant.show()
        options = self._option_forms.get(kind)
        if options is None and join_fields:
            options = FieldForm(join_fields, self._options_host, wrap_long_rows=True)  # a narrow dock
            options.setObjectName(f"optionsForm_{kind}")
            options.changed.connect(self._on_input_changed)
            self._options_layout.addWidget(options)
            self._option_forms[kind] = options
        if options is not None:
            options.show()
        label = cls.display_name if cls is not None and cls.display_name else kind
        self.options_section.set_title(f"Join options — {label}")
        self.options_section.setVisible(options is not None)
        self.design_section.setVisible(cls is not None and Capability.CUSTOM_DESIGN in cls.capabilities)
        self.design.use_fields(cls.design_fields if cls is not None else (), label)
        self._update_preview_pane()
        self._derive = user_id_deriver(kind)
        self._kind = kind
        self.link_panel.set_policy(cls.link_policy if cls is not None else None)
        self._update_user_id_placeholder()
        apply_visual_tab_order(self)

    def participant_form(self) -> FieldForm | None:
        return self._participant_forms.get(self._kind) if self._kind else None

    def options_form(self) -> FieldForm | None:
        return self._option_forms.get(self._kind) if self._kind else None

    def design_enabled(self) -> bool:
        cls = _provider_class(self._kind) if self._kind else None
        return cls is not None and Capability.CUSTOM_DESIGN in cls.capabilities

    def _update_user_id_placeholder(self) -> None:
        form = self.participant_form()
        if form is None or not any(spec.key == "user_id" for spec in form.specs):
            return
        edit = form.widget("user_id")
        assert isinstance(edit, QLineEdit)
        name = str(form.values().get("display_name") or "").strip()
        if self._derive is None:
            edit.setPlaceholderText("Optional — the server decides when empty")
        elif name:
            try:
                edit.setPlaceholderText(f"Automatic: {self._derive(name)}")
            except Exception:  # a provider helper must never break typing
                log.exception("deriving a user id failed")
                edit.setPlaceholderText("Automatic")
        else:
            edit.setPlaceholderText("Automatic: derived from the name")

    # changes -----------------------------------------------------------------------------------
    def _on_participant_changed(self) -> None:
        self._update_user_id_placeholder()
        self._person_maybe_changed()
        self._on_input_changed()

    def _on_room_edited(self, _text: str) -> None:
        self._clear_inline(self.room_error)
        self._room_maybe_changed()
        self._on_input_changed()

    def _form_state(self) -> str:
        """Everything the link depends on, comparable: a refresh that re-sets the same room changes nothing."""
        participant, options = self.participant_form(), self.options_form()
        return repr((self.profile_name(), self.room_id(),
                     sorted(participant.values().items()) if participant is not None else None,
                     sorted(options.values().items()) if options is not None else None,
                     sorted(self.design.design().items()) if self.design_enabled() else None))

    def _on_input_changed(self) -> None:
        if self._requested_state is not None and self._form_state() != self._requested_state:
            self.link_panel.mark_stale()

    # the role belongs to one person in one room ------------------------------------------------
    def _reset_role(self) -> None:
        for form in (self.participant_form(), self.options_form()):
            if form is None:
                continue
            for key in ALIASES["moderator"]:
                if any(spec.key == key for spec in form.specs):
                    form.set_values({key: False})

    def _room_maybe_changed(self) -> None:
        """Another room (picked, not half-typed) starts over as a participant: a moderator tick never carries."""
        current = (self.profile_name(), self.room_id())
        self.design.preview.set_title(self._room_name(*current))
        previous = self._role_room
        self._role_room = current
        if current == previous or not previous[1]:
            return
        known = self.room_picker.has_room(current[1]) or current[0] != previous[0]
        name = previous[0]
        conn = self.session.connections.get(name) if name else None
        was_known = conn is not None and any(r.id == previous[1] for r in conn.rooms)
        if known or was_known:
            self._reset_role()

    def _room_name(self, profile: str | None, room_id: str) -> str:
        conn = self.session.connections.get(profile) if profile else None
        named = [r.name for r in (conn.rooms if conn is not None else ()) if r.id == room_id and r.name]
        return named[0] if named else room_id

    def _person_maybe_changed(self) -> None:
        """Typing another name after a link was made starts a new person: back to participant, once."""
        if self._requested_state is None or self._role_reset_for_request or self._requested_name is None:
            return
        form = self.participant_form()
        name = str(form.values().get("display_name") or "").strip() if form is not None else ""
        if name and name != self._requested_name:
            self._role_reset_for_request = True
            self._reset_role()

    def _update_create_enabled(self) -> None:
        busy = self._task is not None and not self._task.done()
        self.create_button.setEnabled(self.profile_name() is not None and not busy)

    @staticmethod
    def _clear_inline(label: QLabel) -> None:
        label.clear()
        label.hide()

    # creating the link -------------------------------------------------------------------------
    def _clear_errors(self) -> None:
        self._clear_inline(self.room_error)
        for form in (self.participant_form(), self.options_form()):
            if form is not None:
                form.clear_errors()
        self.design.clear_errors()
        self.link_panel.clear_error()

    def build_request(self) -> JoinRequest | None:
        """The request the form describes, or None after showing every problem next to its field."""
        self._clear_errors()
        ok = True
        if self.profile_name() is None:
            self.link_panel.show_error("Connect a profile that can create join links first.")
            return None
        participant = self.participant_form()
        assert participant is not None
        values = participant.parsed()
        if values is None:
            ok = False
        elif problem := email_problem(str(values.get("email") or "")):
            participant.set_error("email", problem)
            ok = False
        room_id, meeting_id = self.room_id(), self._meeting_target()
        if not room_id and not meeting_id:
            self._show_room_error("Choose a room or type its ID.")
            ok = False
        options_form = self.options_form()
        options = options_form.parsed() if options_form is not None else {}
        if options is None:
            self.options_section.set_expanded(True)
            ok = False
        design: dict[str, str] | None = {}
        if self.design_enabled():
            design = self.design.validated()
            if design is None:
                self.design_section.set_expanded(True)
                ok = False
        if not ok or values is None or options is None or design is None:
            self._reveal_first_error()
            return None
        return JoinRequest(
            room_id=room_id,
            meeting_id=meeting_id,
            display_name=str(values.get("display_name") or "").strip(),
            user_id=str(values.get("user_id") or "").strip(),
            moderator=bool(values.get("moderator")),
            hidden=bool(values.get("hidden")),
            language=str(values.get("language") or "").strip(),
            avatar_url=str(values.get("avatar_url") or "").strip(),
            email=str(values.get("email") or "").strip(),
            options=options,
            design=design,
        )

    def create_link(self) -> asyncio.Task[None] | None:
        """Validate, then ask the back end for a link. Returns the running task (None when input is invalid)."""
        self.link_panel.clear()
        request = self.build_request()
        name = self.profile_name()
        if request is None or name is None:
            if not self.link_panel.error.text():
                self.link_panel.show_error("No link yet: fix the fields marked in red above.")
            return None
        self._seq += 1
        seq = self._seq
        self._requested_state = self._form_state()
        self._requested_name = request.display_name
        self._role_reset_for_request = False
        self.create_button.setText("Creating link…")
        session = self.session

        meeting = self.invitation.meeting()
        if meeting is not None and (meeting.profile != name or meeting.room_id != request.room_id):
            meeting = None  # the form was pointed elsewhere since "Invite…"

        async def op() -> JoinLink:
            if meeting is not None:  # a link that works at the meeting's time, where the back end can make one
                return await session.provider(name).invitation_link(request, *meeting_window(meeting))
            return await session.join_link(name, request)

        self._task = (AsyncOp(self, op)
                      .with_progress("Creating a join link…")
                      .success(lambda link: self._created(seq, link))
                      .failure(lambda exc: self._failed(seq, exc))
                      .finally_(self._idle)
                      .run())
        self._update_create_enabled()
        return self._task

    def _idle(self) -> None:
        self.create_button.setText("Create link")
        self._task = None
        self._update_create_enabled()

    def _created(self, seq: int, link: JoinLink) -> None:
        if seq != self._seq:
            return
        self.link_panel.show_link(link)
        if self._form_state() != self._requested_state:
            self.link_panel.mark_stale()
        self.link_created.emit(link)

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self.link_panel.clear()
        if isinstance(exc, ValidationError) and exc.field and self.show_field_error(exc.field, exc.user_text()):
            self._reveal_first_error()
            return
        self.link_panel.show_error(error_text(exc))

    def _show_room_error(self, message: str) -> None:
        self.room_error.setText(message)
        self.room_error.show()
        self.room_section.set_expanded(True)

    def show_field_error(self, field: str, message: str) -> bool:
        """Put ``message`` under the input named ``field``; False when no input has that name."""
        if field in ("room_id", "room"):
            self._show_room_error(message)
            return True
        key = WIRE_NAMES.get(field, field)
        participant = self.participant_form()
        if participant is not None and participant.set_error(key, message):
            self.participant_section.set_expanded(True)
            return True
        options = self.options_form()
        if options is not None:
            for candidate in (field, *sorted(ALIASES.get(key, frozenset()))):
                if options.set_error(candidate, message):
                    self.options_section.set_expanded(True)
                    return True
        if self.design_enabled() and self.design.set_error(field, message):
            self.design_section.set_expanded(True)
            return True
        return False

    def _reveal_first_error(self) -> None:
        for label in self.findChildren(QLabel):
            if label.objectName().startswith(("error_", "designError_", "roomError")) and label.isVisibleTo(self) \
                    and label.text():
                self.scroll_area.ensureWidgetVisible(label, 10, 40)
                return

    # for tests and the main window -------------------------------------------------------------
    def link(self) -> JoinLink | None:
        return self.link_panel.link()

    def set_participant(self, **values: Any) -> None:
        form = self.participant_form()
        if form is not None:
            form.set_values(values)
