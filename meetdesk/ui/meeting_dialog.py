"""Schedule or edit a meeting: title, place, times in a chosen time zone, room, and the provider's
``meeting_fields``.

A provider offers "New room" (a room created together with the meeting) by listing meeting fields whose
keys start with ``new_room``; those fields only apply, and are only enabled, while "New room" is chosen.
Open it with ``open()``. A failed save keeps the dialog open with everything typed, the error next to
its field.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from meetdesk.backends.base import Capability
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.fields import FieldSpec
from meetdesk.domain.models import Meeting, MeetingDraft
from meetdesk.domain.times import AmbiguousTimeError, ends_after, localize
from meetdesk.services.session import Session
from meetdesk.ui import local_time
from meetdesk.ui.dialog_parts import EditorDialog, OptionsArea, eligible_profiles, field_of, profile_combo, provider_of
from meetdesk.ui.forms import WrapLabel
from meetdesk.ui.messages import error_text
from meetdesk.ui.tab_widgets import Banner, field_with_error, show_field_error
from meetdesk.ui.theme import set_tone

log = logging.getLogger("meetdesk.ui.meeting_dialog")

NEW_ROOM_PREFIX = "new_room"
#: option → the switch it depends on (enabled only while that box is ticked)
ENABLED_BY = {"password": "password_protected"}
DATETIME_DISPLAY = "ddd dd MMM yyyy  HH:mm"
DEFAULT_DURATION = timedelta(hours=1)


def offers_new_room(specs: Sequence[FieldSpec]) -> bool:
    return any(s.key.startswith(NEW_ROOM_PREFIX) for s in specs)


def _duration_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + [f"{mins} min"] * bool(mins)
    return " ".join(parts) or "0 min"


class MeetingDialog(EditorDialog):
    """``meeting`` None schedules a new meeting (on ``profile`` if given); otherwise edits ``meeting``.

    Signals:
        saved(Meeting): the meeting as the server stored it; the dialog closes right after.
    """

    def __init__(self, session: Session, *, meeting: Meeting | None = None, profile: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.meeting = meeting
        self.setObjectName("meetingDialog")
        self.setWindowTitle("New meeting" if meeting is None else f"Edit meeting “{meeting.title}”")
        self.setMinimumWidth(560)
        self._errors: dict[str, tuple[QLabel, QWidget]] = {}

        self.banner = Banner(self, closable=False)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.profile_combo: QComboBox | None = None
        if meeting is None:
            names = eligible_profiles(session, Capability.CREATE_MEETING)
            self.profile_combo = profile_combo(self, names, session, profile)
            self.profile_combo.setToolTip("The server whose calendar gets the meeting.")
            form.addRow("Server", self.profile_combo)
        else:
            server = QLabel(meeting.profile, self)
            server.setObjectName("profileLabel")
            form.addRow("Server", server)

        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("titleEdit")
        self.title_edit.setPlaceholderText("e.g. Board meeting")
        form.addRow("Title *", self._with_error(self.title_edit, "title"))

        self.location_edit = QLineEdit(self)
        self.location_edit.setObjectName("locationEdit")
        self.location_edit.setPlaceholderText("optional")
        self._optional_rows = {"location": self._with_error(self.location_edit, "location")}
        form.addRow("Location", self._optional_rows["location"])

        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setObjectName("descriptionEdit")
        self.description_edit.setPlaceholderText("optional — shown in the invitation")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self._optional_rows["description"] = self._with_error(self.description_edit, "description")
        form.addRow("Description", self._optional_rows["description"])
        self._form = form

        self.start_edit = self._datetime_edit("startEdit")
        start_row = QWidget(self)  # full width, so a long inline error (a daylight-saving gap) wraps, not clips
        start_layout = QHBoxLayout(start_row)
        start_layout.setContentsMargins(0, 0, 0, 0)
        start_layout.addWidget(self.start_edit)
        start_layout.addStretch(1)
        form.addRow("Start *", self._with_error(start_row, "start", focus=self.start_edit))
        self.end_edit = self._datetime_edit("endEdit")
        self.duration_label = QLabel(self)
        self.duration_label.setObjectName("durationLabel")
        self.duration_label.setStyleSheet("color: palette(placeholder-text);")
        end_row = QWidget(self)
        end_layout = QHBoxLayout(end_row)
        end_layout.setContentsMargins(0, 0, 0, 0)
        end_layout.addWidget(self.end_edit)
        end_layout.addWidget(self.duration_label)
        end_layout.addStretch(1)
        form.addRow("End *", self._with_error(end_row, "end", focus=self.end_edit))
        self.past_warning = WrapLabel(self)
        self.past_warning.setObjectName("pastWarning")
        self.past_warning.setWordWrap(True)
        set_tone(self.past_warning, "warning", bold=False)
        self.past_warning.hide()
        form.addRow("", self.past_warning)

        self.zone_combo = QComboBox(self)
        self.zone_combo.setObjectName("zoneCombo")
        self.zone_combo.setEditable(True)
        self.zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_combo.addItems(local_time.all_zone_names())
        completer = QCompleter(local_time.all_zone_names(), self.zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone_combo.setCompleter(completer)
        self.zone_combo.setToolTip("Start and end are times in this zone. Type to search, e.g. “Berlin”.")
        form.addRow("Time zone", self._with_error(self.zone_combo, "timezone"))

        self.room_combo = QComboBox(self)
        self.room_combo.setObjectName("roomCombo")
        self.room_combo.setToolTip("The room the meeting takes place in.")
        form.addRow("Room", self._with_error(self.room_combo, "room_id"))

        self.options = OptionsArea(self)

        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Schedule meeting" if meeting is None else "Save changes", self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.progress = QLabel(self)
        self.progress.setObjectName("progressLabel")

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.options, 1)
        layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.buttons)

        self._last_start = self.start_datetime_naive()
        self.start_edit.dateTimeChanged.connect(lambda _dt: self._start_moved())
        self.end_edit.dateTimeChanged.connect(lambda _dt: self._update_duration())
        self.zone_combo.currentTextChanged.connect(lambda _t: self._update_past_warning())
        self.room_combo.currentIndexChanged.connect(lambda _i: self._room_changed())
        if self.profile_combo is not None:
            self.profile_combo.currentIndexChanged.connect(lambda _i: self._profile_changed())
        self._profile_changed()
        self._prefill()
        self.title_edit.setFocus()

    # building --------------------------------------------------------------------------------
    def _datetime_edit(self, name: str) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        edit.setObjectName(name)
        # wall-clock values; the zone is the combo's, so keep Qt's own local-time rules (DST gaps) out of it
        edit.setTimeZone(QTimeZone.utc())
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATETIME_DISPLAY)
        return edit

    def _with_error(self, widget: QWidget, key: str, *, focus: QWidget | None = None) -> QWidget:
        holder, label = field_with_error(widget, key)
        self._errors[key] = (label, focus or widget)
        return holder

    # state -----------------------------------------------------------------------------------
    def profile(self) -> str:
        if self.profile_combo is not None:
            return str(self.profile_combo.currentData() or "")
        assert self.meeting is not None
        return self.meeting.profile

    def zone_name(self) -> str:
        return self.zone_combo.currentText().strip()

    def zone(self) -> tzinfo | None:
        return local_time.zone(self.zone_name())

    def set_zone(self, name: str) -> None:
        index = self.zone_combo.findText(name)
        if index >= 0:
            self.zone_combo.setCurrentIndex(index)
        else:
            self.zone_combo.setEditText(name)

    def _default_zone(self) -> str:
        name = self.profile()
        if name and name in self.session.connections:
            configured = self.session.connection(name).profile.fields.get("timezone", "").strip()
            if local_time.zone(configured) is not None:
                return configured
        return local_time.local_zone_name()

    def start_datetime_naive(self) -> datetime:
        return _naive(self.start_edit.dateTime())

    def end_datetime_naive(self) -> datetime:
        return _naive(self.end_edit.dateTime())

    def set_times(self, start: datetime, end: datetime) -> None:
        """Show aware ``start``/``end`` as wall-clock times in the chosen zone."""
        target = self.zone() or local_time.local_zone()
        self.start_edit.setDateTime(_qt(start.astimezone(target)))
        self.end_edit.setDateTime(_qt(end.astimezone(target)))
        self._last_start = self.start_datetime_naive()
        self._update_duration()

    def _start_moved(self) -> None:
        # moving the start keeps the meeting's length, as calendars do
        start = self.start_datetime_naive()
        delta = start - self._last_start
        self._last_start = start
        if delta:
            self.end_edit.setDateTime(_qt(self.end_datetime_naive() + delta))
        self._update_duration()

    def _update_duration(self) -> None:
        delta = self.end_datetime_naive() - self.start_datetime_naive()
        self.duration_label.setText(f"({_duration_text(delta)})" if delta > timedelta(0) else "")
        self._update_past_warning()

    def _update_past_warning(self) -> None:
        """A start in the past is allowed (a meeting being recorded after the fact) but never without a word."""
        target = self.zone() or local_time.local_zone()
        start = self.start_datetime_naive().replace(tzinfo=target)
        past = start < datetime.now(target) - timedelta(minutes=1)
        self.past_warning.setText("⚠ This start is in the past: participants would find a meeting that has "
                                  "already begun or ended." if past else "")
        self.past_warning.setVisible(past)

    def _profile_changed(self) -> None:
        name = self.profile()
        cls = provider_of(self.session, name) if name else None
        specs = cls.meeting_fields if cls is not None else ()
        heading = f"Meeting options ({cls.display_name})" if cls is not None else "Meeting options"
        self.options.rebuild(specs, heading).changed.connect(self._room_changed)
        kept = cls.meeting_draft_fields if cls is not None else None
        for key, row in self._optional_rows.items():  # what the back end cannot store is not asked for
            self._form.setRowVisible(row, kept is None or key in kept)
        self._fill_rooms(specs)
        if self.meeting is None:
            self.set_zone(self._default_zone())
        if not name:
            self.banner.show_message("No connected server can schedule meetings. Connect one in the Connections "
                                     "panel first.", "info")
        self._update_save()

    def _fill_rooms(self, specs: Sequence[FieldSpec]) -> None:
        chosen = self.room_combo.currentData()
        self.room_combo.blockSignals(True)
        self.room_combo.clear()
        if offers_new_room(specs):
            self.room_combo.addItem("New room (created with the meeting)", None)
        else:
            self.room_combo.addItem("No room", None)
        name = self.profile()
        rooms = self.session.connection(name).rooms if name in self.session.connections else []
        for room in sorted(rooms, key=lambda r: r.name.casefold()):
            self.room_combo.addItem(f"{room.name} ({room.id})" if room.name != room.id else room.id, room.id)
        index = self.room_combo.findData(chosen)
        self.room_combo.setCurrentIndex(max(index, 0))
        self.room_combo.blockSignals(False)
        self._room_changed()

    def _room_changed(self) -> None:
        """Enable each option only where it applies: new-room options for a new room, a password only while
        the meeting is password protected (the server ignores it otherwise)."""
        new_room = self.room_combo.currentData() is None
        values = self.options.form.values()
        keys = {spec.key for spec in self.options.form.specs}
        for spec in self.options.form.specs:
            enabled = new_room or not spec.key.startswith(NEW_ROOM_PREFIX)
            switch = ENABLED_BY.get(spec.key)
            if switch in keys:
                enabled = enabled and bool(values.get(switch))
            self.options.form.widget(spec.key).setEnabled(enabled)

    def _prefill(self) -> None:
        meeting = self.meeting
        if meeting is None:
            target = self.zone() or local_time.local_zone()
            start = (datetime.now(target) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
            self.set_times(start, start + DEFAULT_DURATION)
            return
        self.title_edit.setText(meeting.title)
        self.location_edit.setText(meeting.location)
        self.description_edit.setPlainText(meeting.description)
        self.set_zone(meeting.timezone if local_time.zone(meeting.timezone) else self._default_zone())
        self.set_times(meeting.start, meeting.end)
        if meeting.room_id and self.room_combo.findData(meeting.room_id) < 0:
            # e.g. a room made for this meeting, which the server does not list among the rooms
            self.room_combo.addItem(f"{meeting.room_name or meeting.room_id} (this meeting's room)", meeting.room_id)
        if meeting.room_id:
            self.room_combo.setCurrentIndex(self.room_combo.findData(meeting.room_id))
        self.options.form.set_values(dict(meeting.options))
        self._room_changed()

    # validation and saving -------------------------------------------------------------------
    def error(self, key: str) -> str:
        """The inline error shown for ``key`` ("" if none); option fields included."""
        if key in self._errors:
            label = self._errors[key][0]
            return "" if label.isHidden() else label.text()
        return self.options.form.error(key)

    def show_error(self, key: str | None, message: str) -> None:
        if key in self._errors:
            label, focus = self._errors[key]
            show_field_error(label, focus, message)
        elif key == "room":
            self.show_error("room_id", message)
        elif key is None or not self.options.show_error(key, message):
            self.banner.show_message(f"The meeting was not saved. {message}", "error")

    def clear_errors(self) -> None:
        self.banner.clear()
        for label, _focus in self._errors.values():
            label.hide()
        self.options.form.clear_errors()

    def draft(self) -> MeetingDraft | None:
        """The meeting as entered, or None after showing every problem inline."""
        self.clear_errors()
        ok = True
        title = self.title_edit.text().strip()
        if not title:
            self.show_error("title", "Give the meeting a title.")
            ok = False
        target = self.zone()
        if target is None:
            self.show_error("timezone", f"“{self.zone_name()}” is not a time zone meetdesk knows. "
                                        "Pick one from the list, e.g. Europe/Berlin.")
            ok = False
            target = local_time.local_zone()
        start = end = datetime.now(target)
        for key, naive, label in (("start", self.start_datetime_naive(), "The start"),
                                  ("end", self.end_datetime_naive(), "The end")):
            try:  # a time the clocks skip or repeat is refused with a sentence, never guessed
                value = localize(naive, target, label=label, field=key)
            except AmbiguousTimeError as exc:
                first, second = (c.strftime("%H:%M %Z") for c in exc.choices)
                self.show_error(key, f"{exc.message} Pick a time outside that hour, or choose the zone UTC and "
                                     f"enter it in UTC (the first is {first}, the second {second}).")
                ok = False
                continue
            except ValidationError as exc:
                self.show_error(key, exc.user_text())
                ok = False
                continue
            start, end = (value, end) if key == "start" else (start, value)
        if ok and not ends_after(start, end):
            self.show_error("end", "The meeting must end after it starts.")
            ok = False
        options = self.options.form.parsed()
        if options is None or not ok:
            return None
        room_id = self.room_combo.currentData()
        if room_id is not None:  # options for a new room do not apply to an existing one
            options = {k: v for k, v in options.items() if not k.startswith(NEW_ROOM_PREFIX)}
        shown = {key: not row.isHidden() for key, row in self._optional_rows.items()}
        return MeetingDraft(title=title, start=start, end=end, room_id=room_id,
                            description=self.description_edit.toPlainText().strip() if shown["description"] else "",
                            location=self.location_edit.text().strip() if shown["location"] else "",
                            timezone=self.zone_name(), options=options)

    def operation(self, draft: MeetingDraft) -> tuple[str, Callable[[], Awaitable[Meeting]]]:
        profile, meeting = self.profile(), self.meeting
        if meeting is None:
            return (f"Scheduling “{draft.title}” on {profile}…",
                    lambda: self.session.create_meeting(profile, draft))
        return f"Saving “{draft.title}”…", lambda: self.session.update_meeting(profile, meeting.id, draft)

    def show_failure(self, exc: BaseException) -> None:
        self.show_error(field_of(exc), error_text(exc))


def _naive(value: QDateTime) -> datetime:
    date, time = value.date(), value.time()
    return datetime(date.year(), date.month(), date.day(), time.hour(), time.minute())


def _qt(value: datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute),
                     QTimeZone.utc())
