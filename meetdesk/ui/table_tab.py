"""What the Rooms and Meetings tabs have in common: toolbar, search, banner, table, empty state, summary."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Collection
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from meetdesk.backends.base import Capability
from meetdesk.backends.offload import off_loop
from meetdesk.services.session import Connection, Session
from meetdesk.ui.profile_delegate import ProfileDelegate
from meetdesk.ui.session_bridge import bridge_for
from meetdesk.ui.tab_widgets import Banner, EmptyOverlay
from meetdesk.ui.table_header import ColumnDefault, ColumnLayout
from meetdesk.ui.table_models import ROW_ROLE, RowTableModel, SearchProxy

log = logging.getLogger("meetdesk.ui.table_tab")
R = TypeVar("R")
T = TypeVar("T")
RowKey = tuple[str, str]

#: a refresh bringing at least this many rows has them made ready on a worker thread, then shown in one swap
#: (20,000 rooms made ready on the UI thread held the window for over 100 ms)
PREPARE_ROWS = 5000


def capabilities_of(conn: Connection) -> Capability:
    """A connection's capabilities; none when its back end cannot be loaded."""
    try:
        return conn.capabilities
    except Exception as exc:  # an unknown or broken kind must not break the tab
        log.debug("capabilities of %s unavailable: %s", conn.profile.name, exc)
        return Capability.NONE


def plural(reason: str) -> str:
    """A reason said of one server ("it has no calendar …", "its last refresh failed") said of several."""
    for one, many in (("it has ", "they have "), ("it does ", "they do "), ("it cannot ", "they cannot "),
                      ("its ", "their ")):
        reason = reason.replace(one, many)
    return reason


def connected(session: Session) -> list[Connection]:
    return [c for c in session.connections.values() if c.provider is not None]


class TableTab(QWidget, Generic[R]):
    """Subclasses fill the model in :meth:`_load` and say how rows are keyed and what to do with them."""

    #: plural noun for texts ("rooms", "meetings")
    noun = "rows"
    #: widths (and hidden columns) before the user changes them; the visual order of the important ones
    column_defaults: ClassVar[dict[str, ColumnDefault]] = {}
    column_order: ClassVar[tuple[str, ...]] = ()

    def __init__(self, session: Session, model: RowTableModel[R], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        #: the editor dialog opened last (tests reach it here)
        self.dialog: QDialog | None = None
        self.bridge = bridge_for(session)
        self.model = model
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(model)

        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName(f"{self.noun}Toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setMovable(False)
        self.toolbar.setFloatable(False)

        self.search = QLineEdit(self)
        self.search.setObjectName(f"{self.noun}Search")
        self.search.setPlaceholderText(f"Search {self.noun}…")
        self.search.setToolTip(f"Show only {self.noun} whose text contains these words (any column, any case).")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(140)
        self.search.textChanged.connect(self._on_search)

        # actions get a row of their own so none hides in the overflow menu when the window is narrow
        self.search_row = QHBoxLayout()
        self.search_row.setContentsMargins(0, 0, 0, 0)
        self.search_row.addWidget(self.search, 1)

        self.banner = Banner(self)
        self.table = QTableView(self)
        self.table.setObjectName(f"{self.noun}Table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.columns = ColumnLayout(self.table, model, self.column_defaults, self.column_order)
        self.profile_delegate = ProfileDelegate(self.table)  # the Profile column leaves out shared words
        self.table.setItemDelegateForColumn(model.column_of("profile"), self.profile_delegate)
        self.overlay = EmptyOverlay(self.table)

        self.summary = QLabel(self)
        self.summary.setObjectName(f"{self.noun}Summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: palette(placeholder-text);")

        self.main_layout = QVBoxLayout(self)
        self.main_layout.setContentsMargins(6, 6, 6, 4)
        self.main_layout.addWidget(self.toolbar)
        self.main_layout.addLayout(self.search_row)
        self.main_layout.addWidget(self.banner)
        self.main_layout.addWidget(self.table, 1)
        self.main_layout.addWidget(self.summary)

        # keys handled on the table only, so Delete in the search box still deletes text
        self.table.installEventFilter(self)

        self._notice = ""
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)  # coalesces the bursts of events a concurrent refresh sends
        self._refresh_timer.timeout.connect(self._refresh_pending)
        #: profiles whose data changed since the last load; None: everything is to be reloaded
        self._dirty: set[str] | None = set()
        #: loads so far, in all and per profile: rows made ready off the UI thread are shown only if no later
        #: load took that profile's rows meanwhile
        self._full_loads = 0
        self._loads: Counter[str] = Counter()
        self._jobs: set[asyncio.Task[None]] = set()
        self._counts: Counter[str] = Counter()
        self._hidden_selection: RowKey | None = None
        self.bridge.data_changed.connect(self._schedule_data_refresh)
        self.bridge.status_changed.connect(self._schedule_refresh)
        self.bridge.profiles_changed.connect(self._schedule_refresh)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.proxy.modelReset.connect(self._update_overlay)

    # building --------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected() is not None:
                self.edit_selected()
                return True
            if event.matches(QKeySequence.StandardKey.Delete) and self.selected() is not None:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    def add_action(self, text: str, slot: Callable[[], None], tip: str, name: str, *,
                   beside_search: bool = False) -> QAction:
        """A toolbar action; ``beside_search`` puts it at the end of the search row instead, where the search
        field gives way, so the toolbar still fits a 1024-pixel window with both panels open."""
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setData(tip)
        action.triggered.connect(slot)
        if beside_search:
            button = QToolButton(self)
            button.setObjectName(f"{name}Button")
            button.setDefaultAction(action)
            self.search_row.addWidget(button)
            self.addAction(action)
        else:
            self.toolbar.addAction(action)
        return action

    @staticmethod
    def set_enabled(action: QAction, enabled: bool, why_not: str = "") -> None:
        """Enable ``action``; when disabled, its tooltip says why."""
        action.setEnabled(enabled)
        action.setToolTip(str(action.data()) if enabled or not why_not else f"{action.data()}\n({why_not})")

    # public ----------------------------------------------------------------------------------
    def least_width(self) -> int:
        """How wide the tab must be for its important columns to be in view (with a vertical scroll bar)."""
        margins = self.main_layout.contentsMargins()
        return (self.columns.least_width() + 2 * self.table.frameWidth() + margins.left() + margins.right()
                + self.table.verticalScrollBar().sizeHint().width())

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh_view(self) -> None:
        """Rebuild the table from the session's data, keeping the selection and the search."""
        self._dirty = None
        self._refresh_pending()

    def _refresh_pending(self) -> None:
        """Load what changed (the profiles whose data changed, or everything), keeping selection and search."""
        self._refresh_timer.stop()
        dirty, self._dirty = self._dirty, set()
        key = self._selected_key()
        if dirty is None:
            self._full_loads += 1
            self._load()
        elif dirty:
            self._loads.update(dirty)
            if self._load_profiles(dirty):
                return  # made ready on a worker thread: _loaded follows
        self._loaded(key)

    def loading(self) -> bool:
        """True while rows are being made ready off the UI thread (they are shown when that is done)."""
        return bool(self._jobs)

    def _load_off_thread(self, profiles: Collection[str], job: Callable[[], T],
                         show: Callable[[T, set[str]], None]) -> bool:
        """Run ``job`` on a worker thread, then ``show(result, profiles)`` for the profiles no later load took
        meanwhile; False (nothing started) without a running event loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        full, marks = self._full_loads, {p: self._loads[p] for p in profiles}

        async def run() -> None:
            try:
                result: T | None = await off_loop(job)
            except Exception:  # the rows are shown all the same, made ready here
                log.exception("preparing the rows of %s failed", ", ".join(sorted(marks)))
                result = None
            if not isValid(self) or full != self._full_loads:
                return
            current = {p for p, mark in marks.items() if self._loads[p] == mark}
            if not current:
                return
            key = self._selected_key()
            if result is None:
                self._load_profiles(current, defer=False)
            else:
                show(result, current)
            self._loaded(key)

        task = loop.create_task(run())
        self._jobs.add(task)
        task.add_done_callback(self._jobs.discard)
        return True

    def _loaded(self, key: RowKey | None) -> None:
        """What follows a load: counts, column sizes, the selection, banner, empty state, summary, actions."""
        self._counts = self._count_per_server()
        self._size_columns()
        if key is not None:
            self.select_key(key)
        self._update_banner()
        self._update_overlay()
        self._update_summary()
        self._update_actions()

    def selected(self) -> R | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row: Any = self.proxy.data(rows[0], ROW_ROLE)
        return row

    def _open_dialog(self, dialog: QDialog) -> None:
        """Open ``dialog`` without blocking (never ``exec()``); the previous one is released."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()

    def notice(self, text: str) -> None:
        """Say in the summary line what just happened ("Room “Ops” deleted.")."""
        self._notice = text
        self._update_summary()

    def select_key(self, key: RowKey) -> bool:
        """Select the row with ``key``; False if it is not shown."""
        proxy_row = self.model.view_row_of(key)
        if proxy_row < 0:
            return False
        index = self.proxy.index(proxy_row, 0)
        current = self.table.selectionModel().currentIndex()
        if current.row() != proxy_row or not self.table.selectionModel().isRowSelected(proxy_row):
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    # to override -----------------------------------------------------------------------------
    def _load(self) -> None:
        raise NotImplementedError

    def _load_profiles(self, profiles: set[str], *, defer: bool = True) -> bool:
        """Reload the rows of ``profiles`` only (by default everything); True when that goes on off the UI thread
        (see :meth:`_load_off_thread`) — only when ``defer``."""
        self._load()
        return False

    def _count_per_server(self) -> Counter[str]:
        """Rows per server (profile), for the summary."""
        return Counter(self._row_key(r)[0] for r in self.model.all_rows())

    def _row_key(self, row: R) -> RowKey:
        key: Any = self.model.row_key(row)
        return tuple(key)

    def _empty_text(self) -> str:
        raise NotImplementedError

    def _update_actions(self) -> None:
        raise NotImplementedError

    def edit_selected(self) -> None:
        raise NotImplementedError

    def delete_selected(self) -> None:
        raise NotImplementedError

    def _selection_changed(self) -> None:
        self._update_actions()

    # internals -------------------------------------------------------------------------------
    def _schedule_refresh(self, _name: str = "") -> None:
        self._dirty = None
        self._refresh_timer.start()

    def _schedule_data_refresh(self, profile: str) -> None:
        if self._dirty is not None:
            self._dirty.add(profile)
        self._refresh_timer.start()

    def _selected_key(self) -> RowKey | None:
        row = self.selected()
        return None if row is None else self._row_key(row)

    def _on_search(self, text: str) -> None:
        # a selected row the search hides is selected again when a later search shows it (found by key in O(1))
        key = self._selected_key() or self._hidden_selection
        self.proxy.set_search(text)
        self._hidden_selection = None
        if key is not None and self._selected_key() is None and not self.select_key(key):
            self._hidden_selection = key
        self._update_overlay()
        self._update_summary()

    def _size_columns(self) -> None:
        self.columns.apply()
        if self.profile_delegate.set_names(self.session.connections):
            self.table.viewport().update()

    def _update_overlay(self) -> None:
        if self.proxy.rowCount() > 0:
            self.overlay.show_text("")
        elif self.model.total() > 0:
            self.overlay.show_text(f"No {self.noun} match “{self.search.text().strip()}”.")
        else:
            self.overlay.show_text(self._empty_text())

    def _update_banner(self) -> None:
        problems = []
        for conn in self.session.connections.values():
            if conn.refresh_error:
                when = f" The list shows what meetdesk knew at {conn.refreshed_at.astimezone():%H:%M}." \
                    if conn.refreshed_at else ""
                problems.append(f"“{conn.profile.name}” could not be refreshed: {conn.refresh_error}{when}")
        self.banner.show_message("\n".join(problems), "warning")

    def _update_summary(self) -> None:
        total, shown = self.model.total(), self.proxy.rowCount()
        conns = connected(self.session)
        counts = self._counts  # per server, counted once per load (not on every keystroke)
        text = f"{total} {self.noun}" + (f" from {len(conns)} connected servers" if len(conns) > 1 else "")
        if shown != total:
            text = f"{shown} of {text} shown"
        # a connected server without rows says why, so "10 rooms from 3 servers" adds up; servers with the same
        # reason share one sentence (four of them took five lines under a 1024-pixel window's table)
        reasons: dict[str, list[str]] = {}
        for conn in conns:
            if not counts[conn.profile.name]:
                reasons.setdefault(self._why_none(conn), []).append(f"“{conn.profile.name}”")
        empty = [f"{names[0]} has none: {why}" if len(names) == 1 else
                 f"{', '.join(names[:-1])} and {names[-1]} have none: {plural(why)}"
                 for why, names in reasons.items()]
        self.summary.setText(" · ".join(p for p in (text + self._summary_suffix(), *empty, self._notice) if p))

    def _why_none(self, conn: Connection) -> str:
        """Why a connected server shows no rows (tabs say it in their own words)."""
        if conn.refresh_error:
            return "its last refresh failed"
        return f"the server reports no {self.noun}"

    def _summary_suffix(self) -> str:
        return ""
