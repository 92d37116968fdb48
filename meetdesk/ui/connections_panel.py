"""The Connections panel: every profile with its live status, and the actions on it."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QIcon, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from meetdesk.backends.base import Capability
from meetdesk.domain.errors import MeetdeskError
from meetdesk.domain.models import ServerInfo
from meetdesk.services.session import Connection, ConnectionState, Session
from meetdesk.ui.account_dialog import AccountDialog
from meetdesk.ui.icons import dot_icon
from meetdesk.ui.kinds import kind_display_name
from meetdesk.ui.messages import confirm, error_text
from meetdesk.ui.session_bridge import bridge_for
from meetdesk.ui.tasks import AsyncOp
from meetdesk.ui.theme import tone_color

if TYPE_CHECKING:
    from meetdesk.ui.profile_dialog import ProfileDialog

log = logging.getLogger("meetdesk.ui.connections")

NAME_ROLE = Qt.ItemDataRole.UserRole
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1
#: the colour and shape of an item's status dot: a new icon (never equal to the old one for Qt) repainted the whole
#: list on every refresh of every server, so the dot is set only when its look changes
LOOK_ROLE = Qt.ItemDataRole.UserRole + 2

#: state → (dot colour, hollow dot)
STATE_LOOK: dict[ConnectionState, tuple[str, bool]] = {
    ConnectionState.DISCONNECTED: ("#8A8F98", True),
    ConnectionState.CONNECTING: ("#E0A100", False),
    ConnectionState.CONNECTED: ("#2E9E44", False),
    ConnectionState.AUTH_FAILED: ("#D13438", False),
    ConnectionState.UNREACHABLE: ("#D9730D", False),
    ConnectionState.NEEDS_SECRET: ("#7A5AF8", False),
    ConnectionState.ERROR: ("#D13438", False),
}

EMPTY_TEXT = (
    "<p style='font-size:large'><b>No connections yet</b></p>"
    "<p>Add your first server with <b>New profile…</b> (Ctrl+N).</p>"
    "<p>Or run <code>meetdesk --demo</code> to try meetdesk with built-in demo servers.</p>"
)


def short_status(conn: Connection) -> str:
    """The one line shown under a profile's name: what the server says it is once connected, else back end · state."""
    if conn.state is ConnectionState.CONNECTED:
        server = conn.server.summary() if conn.server is not None else kind_display_name(conn.profile.kind)
        return f"connected — {server}" + (" (refresh failed)" if conn.refresh_error else "")
    return f"{kind_display_name(conn.profile.kind)} · {conn.state.value}"


class _ConnectionDelegate(QStyledItemDelegate):
    """Two lines per profile: the name in bold, then back end · status in a quieter colour."""

    PAD = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = option.fontMetrics.height()
        return QSize(160, 2 * height + 2 * self.PAD + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        name = opt.text
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        opt.text = ""
        opt.icon = QIcon()
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        rect = opt.rect.adjusted(8, self.PAD, -8, -self.PAD)
        metrics = opt.fontMetrics
        line = metrics.height()
        if isinstance(icon, QIcon):
            icon.paint(painter, QRect(rect.left(), rect.top() + (line - 16) // 2, 16, 16))
        text_rect = rect.adjusted(24, 0, 0, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        painter.save()
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        first = QRect(text_rect.left(), text_rect.top(), text_rect.width(), line)
        painter.drawText(first, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, first.width()))
        painter.setFont(opt.font)
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        second = QRect(text_rect.left(), text_rect.top() + line + 2, text_rect.width(), line)
        detail = str(index.data(DETAIL_ROLE) or "")
        painter.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(detail, Qt.TextElideMode.ElideRight, second.width()))
        painter.restore()


class ConnectionsPanel(QWidget):
    """Lists the session's profiles. Add / Edit / Remove / Connect / Disconnect via buttons and context menu.

    Signals:
        profile_selected(str): another profile is selected: its name ("" when none). A status change of the
            selected profile does not emit it again.
        message(str): a sentence for the status bar.
    """

    profile_selected = Signal(str)
    message = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._announced = ""  # the selection profile_selected last told
        self.session = session
        self.bridge = bridge_for(session)
        self._dialog: ProfileDialog | None = None
        self.accounts_dialog: AccountDialog | None = None
        self.setObjectName("connectionsPanel")

        self.add_action = self._action("&Add…", "Add a server connection", self.add_profile)
        self.edit_action = self._action("&Edit…", "Change this connection's settings", self.edit_selected)
        self.remove_action = self._action("&Remove", "Remove this connection and its saved password",
                                          self.remove_selected)
        self.connect_action = self._action("&Connect", "Connect to this server", self.connect_selected)
        self.disconnect_action = self._action("&Disconnect", "Disconnect from this server",
                                              self.disconnect_selected)
        self.accounts_action = self._action("A&ccounts…", "Create accounts on this instance and look up their "
                                            "administrators (instance-level key)", self.open_accounts)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.list = QListWidget(self)
        self.list.setObjectName("connectionsList")
        self.list.setItemDelegate(_ConnectionDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.itemDoubleClicked.connect(lambda item: self.connect_profile(str(item.data(NAME_ROLE))))
        self.list.currentItemChanged.connect(self._selection_changed)
        self.list.setAccessibleName("Connections")

        self.details = QLabel(self)
        self.details.setObjectName("connectionDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Minimum, not Maximum: a wrapped line (a long profile name) pushes the "Updated" line down, not out
        self.details.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self.empty = QWidget(self)
        self.empty.setObjectName("emptyState")
        empty_layout = QVBoxLayout(self.empty)
        self.empty_label = QLabel(EMPTY_TEXT, self.empty)
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_button = QPushButton("New profile…", self.empty)
        self.empty_button.setObjectName("emptyNewProfile")
        self.empty_button.clicked.connect(self.add_profile)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)

        self.list_page = QWidget(self)
        list_layout = QVBoxLayout(self.list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.list, 1)
        list_layout.addWidget(self.details)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.list_page)

        buttons = QGridLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for pos, action in enumerate((self.add_action, self.edit_action, self.remove_action)):
            buttons.addWidget(self._button(action), 0, pos)
        buttons.addWidget(self._button(self.connect_action), 1, 0, 1, 2)
        buttons.addWidget(self._button(self.disconnect_action), 1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

        self.bridge.profiles_changed.connect(self._profiles_changed)
        self.bridge.status_changed.connect(self._update_item)
        self.bridge.data_changed.connect(self._update_item)
        self.reload()

    # construction helpers ----------------------------------------------------------------------
    def _action(self, text: str, tip: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setObjectName(f"button_{action.text().strip('&.…').lower()}")
        return button

    # list --------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Rebuild the list from the session, keeping the selection."""
        keep = self.selected_name()
        self.list.blockSignals(True)
        self.list.clear()
        for name in self.session.connections:
            item = QListWidgetItem(name)
            item.setData(NAME_ROLE, name)
            self.list.addItem(item)
            self._update_item(name)
        self.list.blockSignals(False)
        self.stack.setCurrentWidget(self.list_page if self.list.count() else self.empty)
        if keep is not None and keep in self.session.connections:
            self.select(keep)
        elif self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._selection_changed()

    def _profiles_changed(self, name: str) -> None:
        self.reload()
        if name in self.session.connections:
            self.select(name)

    def _item(self, name: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(NAME_ROLE) == name:
                return item
        return None

    def _update_item(self, name: str) -> None:
        item = self._item(name)
        conn = self.session.connections.get(name)
        if item is None or conn is None:
            return
        color, hollow = STATE_LOOK.get(conn.state, STATE_LOOK[ConnectionState.ERROR])
        if item.data(LOOK_ROLE) != f"{color} {hollow}":
            item.setIcon(dot_icon(color, hollow=hollow))
            item.setData(LOOK_ROLE, f"{color} {hollow}")
        detail = short_status(conn)
        item.setData(DETAIL_ROLE, detail)
        item.setToolTip(f"{conn.profile.base_url}\n{conn.status_text()}"
                        + (f"\nLast refresh failed: {conn.refresh_error}" if conn.refresh_error else ""))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{name}, {detail}")
        if name == self.selected_name():
            self._selection_changed()

    def status_text(self, name: str) -> str:
        """What the list shows under ``name``."""
        item = self._item(name)
        return str(item.data(DETAIL_ROLE)) if item is not None else ""

    def names(self) -> list[str]:
        return [str(self.list.item(row).data(NAME_ROLE)) for row in range(self.list.count())]

    def selected_name(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(NAME_ROLE)) if item is not None else None

    def select(self, name: str) -> None:
        item = self._item(name)
        if item is not None:
            self.list.setCurrentItem(item)

    def _selection_changed(self, *_args: object) -> None:
        name = self.selected_name()
        conn = self.session.connections.get(name) if name else None
        self.edit_action.setEnabled(conn is not None)
        self.remove_action.setEnabled(conn is not None)
        busy = conn is not None and conn.state is ConnectionState.CONNECTING
        self.connect_action.setEnabled(conn is not None and not busy
                                       and conn.state is not ConnectionState.CONNECTED)
        # while connecting, Disconnect cancels the attempt: nobody waits for a server that does not answer
        self.disconnect_action.setEnabled(conn is not None and conn.state in (ConnectionState.CONNECTED,
                                                                             ConnectionState.CONNECTING))
        self.accounts_action.setVisible(conn is not None and self._has_accounts(conn))
        self.accounts_action.setEnabled(conn is not None and conn.provider is not None)
        self.details.setText(self._details_html(conn) if conn is not None else "")
        self.details.setVisible(conn is not None)
        if (name or "") != self._announced:
            self._announced = name or ""
            self.profile_selected.emit(self._announced)

    @staticmethod
    def _details_html(conn: Connection) -> str:
        from html import escape

        lines = [f"<b>{escape(conn.profile.name)}</b>", escape(conn.profile.base_url),
                 escape(conn.status_text())]
        if conn.refresh_error:
            color = tone_color("error")
            lines.append(f"<span style='color:{color}'>Last refresh failed: {escape(conn.refresh_error)}</span>")
        elif conn.refreshed_at is not None:
            lines.append(f"Updated {conn.refreshed_at.astimezone().strftime('%H:%M:%S')}")
        return "<br>".join(lines)

    def _context_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is not None:
            self.list.setCurrentItem(item)
        menu = QMenu(self)
        if item is not None:
            menu.addAction(self.connect_action)
            menu.addAction(self.disconnect_action)
            menu.addSeparator()
            menu.addAction(self.edit_action)
            menu.addAction(self.remove_action)
            menu.addSeparator()
            if self.accounts_action.isVisible():
                menu.addAction(self.accounts_action)
                menu.addSeparator()
        menu.addAction(self.add_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.list.viewport().mapToGlobal(pos))

    # accounts (back ends with Capability.ACCOUNTS) ----------------------------------------------
    @staticmethod
    def _has_accounts(conn: Connection) -> bool:
        try:
            return Capability.ACCOUNTS in conn.capabilities
        except Exception:  # an unknown kind offers nothing
            return False

    def open_accounts(self) -> AccountDialog | None:
        name = self.selected_name()
        conn = self.session.connections.get(name) if name else None
        if name is None or conn is None or conn.provider is None or not self._has_accounts(conn):
            return None
        dialog = AccountDialog(self.session, name, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.accounts_dialog = dialog
        dialog.open()
        return dialog

    # actions -----------------------------------------------------------------------------------
    def add_profile(self) -> ProfileDialog:
        return self.open_profile_dialog(None)

    def edit_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.open_profile_dialog(name)

    def remove_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.remove_profile(name)

    def connect_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.connect_profile(name)

    def disconnect_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.disconnect_profile(name)

    def open_profile_dialog(self, name: str | None = None, *, focus_secret: bool = False) -> ProfileDialog:
        """Open the add (``name`` None) or edit dialog, non-modally; an already open one is raised instead."""
        if self._dialog is not None and isValid(self._dialog) and self._dialog.isVisible():
            current = self._dialog.original.name if self._dialog.original else None
            if current == name:
                self._dialog.raise_()
                self._dialog.activateWindow()
                return self._dialog
            self._dialog.reject()
        profile = self.session.connection(name).profile if name is not None else None
        from meetdesk.ui.profile_dialog import ProfileDialog  # imported when first opened

        dialog = ProfileDialog(self.session, self.window(), profile=profile)
        dialog.saved.connect(self._profile_saved)
        self._dialog = dialog
        dialog.open()
        if focus_secret:
            spec = dialog._secret_spec()
            if spec is not None:
                dialog.form.widget(spec.key).setFocus()
        return dialog

    def _profile_saved(self, name: str, connect: bool) -> None:
        self.select(name)
        self.message.emit(f"Profile “{name}” saved.")
        if connect:
            self.connect_profile(name)

    def connect_profile(self, name: str, *, interactive: bool = True) -> asyncio.Task[None] | None:
        """Connect ``name`` in the background. ``interactive``: a missing password opens the edit dialog."""
        conn = self.session.connections.get(name)
        if conn is None or conn.state in (ConnectionState.CONNECTED, ConnectionState.CONNECTING):
            return None

        def failed(exc: BaseException) -> None:
            current = self.session.connections.get(name)
            if interactive and current is not None and current.state is ConnectionState.NEEDS_SECRET:
                self.open_profile_dialog(name, focus_secret=True)
            self.message.emit(f"Could not connect to “{name}”: {error_text(exc)}")

        def connected(info: ServerInfo) -> None:
            self.message.emit(f"Connected to “{name}” — {info.summary()}.")

        return (AsyncOp(self, lambda: self.session.connect(name))
                .with_progress(f"Connecting to “{name}”…")
                .success(connected)
                .failure(failed)
                .run())

    def connect_all(self) -> asyncio.Task[None] | None:
        """Connect every profile that is not connected yet, concurrently; problems show in each row."""
        names = [n for n, c in self.session.connections.items()
                 if c.state not in (ConnectionState.CONNECTED, ConnectionState.CONNECTING)]
        if not names:
            return None

        async def run() -> int:
            results = await asyncio.gather(*(self.session.connect(n) for n in names), return_exceptions=True)
            for result in results:
                if isinstance(result, asyncio.CancelledError):
                    raise result
                if isinstance(result, Exception) and not isinstance(result, MeetdeskError):
                    log.error("connecting failed unexpectedly", exc_info=result)
            return sum(1 for r in results if not isinstance(r, BaseException))

        def done(_succeeded: int) -> None:
            # the state of every profile now, not of this call's attempts: some may have connected meanwhile
            states = [c.state for c in self.session.connections.values()]
            up = sum(1 for state in states if state is ConnectionState.CONNECTED)
            text = f"Connected {up} of {len(states)} server{'s' if len(states) != 1 else ''}."
            self.message.emit(text + (" See the Connections panel for what went wrong." if up < len(states) else ""))

        return AsyncOp(self, run).with_progress("Connecting…").success(done).run()

    def disconnect_profile(self, name: str) -> asyncio.Task[None]:
        return (AsyncOp(self, lambda: self.session.disconnect(name))
                .with_progress(f"Disconnecting “{name}”…")
                .success(lambda _r: self.message.emit(f"Disconnected from “{name}”."))
                .run())

    def remove_profile(self, name: str) -> QMessageBox:
        """Ask, then remove the profile and its keyring secret. Returns the (non-modal) question box."""
        def remove() -> None:
            AsyncOp(self, lambda: self.session.remove_profile(name)) \
                .with_progress(f"Removing “{name}”…") \
                .success(lambda _r: self.message.emit(f"Profile “{name}” removed.")) \
                .run()

        return confirm(self, "Remove connection",
                       f"Remove the connection “{name}”?\n\nmeetdesk forgets its settings and deletes its saved "
                       "password from the keyring. Rooms and meetings on the server are not affected.",
                       "Remove", remove)
