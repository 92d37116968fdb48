"""The Meetings tab's period: a day, a week, two weeks or a custom range, with Previous / Today / Next."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QToolButton, QWidget

from meetdesk.ui import local_time

DAY, WEEK, TWO_WEEKS, CUSTOM = "day", "week", "two_weeks", "custom"
PERIODS = ((DAY, "Day"), (WEEK, "Week"), (TWO_WEEKS, "Two weeks"), (CUSTOM, "Custom range"))


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def period_window(period: str, anchor: date, first: date, last: date) -> tuple[date, date]:
    """The first day and the day after the last one of ``period`` around ``anchor`` (custom: ``first``–``last``).

    Two weeks starts the day before the anchor, as meetdesk always did (yesterday's meetings stay in view).
    """
    if period == DAY:
        return anchor, anchor + timedelta(days=1)
    if period == WEEK:
        monday = anchor - timedelta(days=anchor.weekday())
        return monday, monday + timedelta(days=7)
    if period == CUSTOM:
        return first, max(last, first) + timedelta(days=1)
    return anchor - timedelta(days=1), anchor + timedelta(days=14)


class MeetingRangeBar(QWidget):
    """Signals: changed(start, end) — aware datetimes of the period's first moment and the moment after it."""

    changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingRangeBar")
        self.anchor = date.today()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.period = QComboBox(self)
        self.period.setObjectName("meetingPeriod")
        self.period.setAccessibleName("Period")
        for key, text in PERIODS:
            self.period.addItem(text, key)
        self.period.setCurrentIndex(self.period.findData(TWO_WEEKS))
        self.previous = self._button("◀", "previousPeriod", "The period before")
        self.today = self._button("Today", "todayButton", "Back to the period that contains today")
        self.next = self._button("▶", "nextPeriod", "The period after")
        self.first = self._date_edit("fromDate", "From")
        self.dash = QLabel("–", self)
        self.last = self._date_edit("toDate", "To")
        for widget in (self.previous, self.today, self.next, self.period, self.first, self.dash, self.last):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        self.today.clicked.connect(self.go_today)
        self.first.dateChanged.connect(lambda _d: self._custom_changed())
        self.last.dateChanged.connect(lambda _d: self._custom_changed())
        self._show_custom()

    def _button(self, text: str, name: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        return button

    def _date_edit(self, name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit(_qdate(self.anchor), self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd MMM yyyy")
        return edit

    # state -------------------------------------------------------------------------------------
    def period_key(self) -> str:
        return str(self.period.currentData())

    def days(self) -> tuple[date, date]:
        return period_window(self.period_key(), self.anchor, _pydate(self.first.date()), _pydate(self.last.date()))

    def period_bounds(self) -> tuple[datetime, datetime]:
        zone = local_time.local_zone()
        first, after = self.days()
        return datetime.combine(first, time(), zone), datetime.combine(after, time(), zone)

    def set_period(self, key: str) -> None:
        self.period.setCurrentIndex(max(0, self.period.findData(key)))

    # changes -----------------------------------------------------------------------------------
    def step(self, direction: int) -> None:
        if self.period_key() == CUSTOM:
            first, after = self.days()
            shift = timedelta(days=direction * (after - first).days)
            self._set_custom(first + shift, after - timedelta(days=1) + shift)
            return
        self.anchor += timedelta(days=direction * {DAY: 1, WEEK: 7}.get(self.period_key(), 14))
        self._emit()

    def go_today(self) -> None:
        self.anchor = date.today()
        if self.period_key() == CUSTOM:
            first, after = self.days()
            self._set_custom(self.anchor, self.anchor + (after - first) - timedelta(days=1))
            return
        self._emit()

    def _set_custom(self, first: date, last: date) -> None:
        for edit in (self.first, self.last):
            edit.blockSignals(True)
        self.first.setDate(_qdate(first))
        self.last.setDate(_qdate(last))
        for edit in (self.first, self.last):
            edit.blockSignals(False)
        self._emit()

    def _period_changed(self) -> None:
        if self.period_key() == CUSTOM:  # start from what was shown
            first, after = period_window(TWO_WEEKS, self.anchor, self.anchor, self.anchor)
            self._show_custom()
            self._set_custom(first, after - timedelta(days=1))
            return
        self._show_custom()
        self._emit()

    def _custom_changed(self) -> None:
        if self.last.date() < self.first.date():
            self.last.setDate(self.first.date())  # re-enters once with a valid range
            return
        self._emit()

    def _show_custom(self) -> None:
        custom = self.period_key() == CUSTOM
        for widget in (self.first, self.dash, self.last):
            widget.setVisible(custom)

    def _emit(self) -> None:
        self.changed.emit(*self.period_bounds())
