"""The main window: Connections dock on the left, Rooms and Meetings tabs in the middle, Join-link dock on the right.

Built in three parts (issue 12): the frame — title, menus, tabs with their table headers, the docks' places, status
bar, the restored geometry — imports only PySide6 and lean ui modules, so it can be painted first;
:meth:`place_docks` docks the panels right after; :meth:`attach` then builds what needs the session (the tables,
the Connections panel, the tray, the composer), step by step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget
from shiboken6 import isValid

from meetdesk import APP_NAME
from meetdesk.ui import theme
from meetdesk.ui import window_frame as frame
from meetdesk.ui.dock_layout import composer_crowds, default_size, dock_widths
from meetdesk.ui.ui_state import load_ui_state
from meetdesk.ui.window_menus import add_menus, fill_menus
from meetdesk.ui.window_state import LayoutWindow

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from meetdesk.domain.models import Meeting
    from meetdesk.services.invitation_store import InvitationStore
    from meetdesk.services.reminders import Upcoming
    from meetdesk.services.session import Session
    from meetdesk.ui.session_bridge import SessionBridge
    from meetdesk.ui.tray import TrayController

log = logging.getLogger("meetdesk.ui.main_window")

TAB_LABELS = ("&Rooms", "&Meetings")


class MainWindow(LayoutWindow):
    """Signals:
    closed: the user closed the window (its state is saved when it was attached); the owner then awaits
        :meth:`shutdown`.
    attached: the session's parts are built (:meth:`attach` / :meth:`attach_steps` finished).
    built: what ``defer_composer`` left out is built now (see :meth:`ensure_built`).

    ``MainWindow(session)`` builds everything at once. ``MainWindow(None)`` is the frame alone (start-up paints
    it first), attached later. With ``defer_composer`` the join-link composer is built right after the first
    paint of the attached window; ``restore=False`` keeps the frame at the default layout (demo mode, whose
    layout file is not there yet).
    """

    closed = Signal()
    attached = Signal()
    built = Signal()

    # the session's parts, set by attach()
    session: Session
    bridge: SessionBridge
    invitation_store: InvitationStore
    tray: TrayController
    # the menus' actions (window_menus.build_menus)
    new_profile_action: QAction
    connect_all_action: QAction
    quit_action: QAction
    refresh_action: QAction
    find_action: QAction
    composer_action: QAction
    composer_window_action: QAction
    rooms_action: QAction
    meetings_action: QAction
    about_action: QAction

    def __init__(self, session: Session | None = None, *, demo: bool = False, defer_composer: bool = False,
                 restore: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.demo = demo
        self.is_attached = False
        self._last_message = "Starting…"
        self._refresh_task: asyncio.Task[None] | None = None
        self._shutdown_done = False
        self._quitting = False
        self._about: QMessageBox | None = None
        self.color_scheme = theme.SYSTEM
        self.setObjectName("mainWindow")
        # Qt appends the application's display name to a title that does not end with it ("… — meetdesk"):
        # in demo mode the display name says so too, and the title is that name alone
        title = f"{APP_NAME} (demo)" if demo else APP_NAME
        QGuiApplication.setApplicationDisplayName(title)
        self.setWindowTitle(title)
        self.setDockOptions(self.DockOption.AnimatedDocks | self.DockOption.AllowTabbedDocks)

        # centre: Rooms and Meetings (their table headers until the real tabs are attached); the tab the saved
        # layout shows gets its preview now, the other one right after the first paint (finish_frame)
        self._saved_state = load_ui_state() if restore else {}
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        shown = 1 if self._saved_state.get("tab") == 1 else 0
        self.rooms_tab: QWidget = frame.TablePreview("rooms", self.tabs) if shown == 0 else frame.pending(self.tabs)
        self.meetings_tab: QWidget = (frame.TablePreview("meetings", self.tabs) if shown == 1
                                      else frame.pending(self.tabs))
        self.tabs.addTab(self.rooms_tab, TAB_LABELS[0])
        self.tabs.addTab(self.meetings_tab, TAB_LABELS[1])
        self.setCentralWidget(self.tabs)

        # left: Connections; right: Join link — made right after the first paint (finish_frame), docked when the
        # Qt namespace is there (place_docks)
        self._frame_finished = self._docks_placed = False
        self._composer_pending = True
        self._defer_composer = defer_composer
        self._composer_on_paint = session is not None  # else start-up builds it (composer_steps)
        self._design: QWidget | None = None
        self._prebuilt: QWidget | None = None  # built by composer_steps, not in its dock yet
        self.composer: QWidget = frame.stand_in(self, 320)

        self.busy, self.status_label, self.keyring_label = frame.build_status_bar(self, self._last_message)
        self._actions = frame.ActionFactory(self)
        self._menus = add_menus(self)  # their titles; their items right after the first paint (finish_frame)
        self._session_actions: list[QAction] = []
        self.scheme_actions, self.auto_refresh_actions = {}, {}

        self.resize(default_size(self))
        self._geometry_restored = self._restore_frame_state(self._saved_state)
        self._fit_on_show = self._default_layout = True  # until place_docks restores the docks' layout
        self.setCentralWidget(frame.FrameBody(self.tabs, ("Connections", "Join link"),
                                              lambda width: dock_widths(self, width), self))
        if session is not None:
            self.attach(session)

    # construction ------------------------------------------------------------------------------
    def attach(self, session: Session) -> None:
        """Build everything that needs ``session`` at once (a deferred composer right after)."""
        for _next in self.attach_steps(session):
            pass
        if self._composer_pending and self.isVisible():
            QTimer.singleShot(0, self.ensure_built)

    def finish_frame(self, *, previews: bool = True) -> None:
        """What the first paint does without, made right after it (idempotent): the docks (hidden until
        :meth:`place_docks`), the menus' items, the other tab's table preview (unless the real tabs follow)."""
        if self._frame_finished or not isValid(self):
            return
        self._frame_finished = True
        self.connections_dock = frame.make_dock(self, "Connections", "connectionsDock", frame.stand_in(self, 0))
        self.composer_dock = frame.make_dock(self, "Join link", "composerDock", self.composer)
        self._session_actions = fill_menus(self, self._menus, self._actions)
        for action in self._session_actions:
            action.setEnabled(False)
        self.scheme_actions[self.color_scheme].setChecked(True)
        for index, noun in enumerate(("rooms", "meetings")):
            if previews and frame.is_pending(self.tabs.widget(index)):
                self._replace_tab(index, frame.TablePreview(noun, self.tabs))

    def attach_steps(self, session: Session) -> Iterator[str]:
        """Build what needs ``session`` one part at a time, yielding between parts (each takes a few tens of
        ms) so that start-up can let the event loop run; each yield says what comes next."""
        from meetdesk.ui.auto_refresh import AutoRefresh
        from meetdesk.ui.icons import app_icon
        from meetdesk.ui.session_bridge import bridge_for
        from meetdesk.ui.window_parts import optional_widget

        self.finish_frame(previews=False)  # the real tabs come next
        self.place_docks()
        icon = app_icon()  # reading the icon files is not free: after the first paint
        if not icon.isNull():
            QApplication.setWindowIcon(icon)
        self.setWindowIcon(icon)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._desktop_scheme_changed)
        self.session = session
        self.bridge = bridge_for(session)
        self.auto_refresh = AutoRefresh(session, self)
        self.auto_refresh.paused.connect(lambda reason: self.show_status(reason or "Auto-refresh running again."))
        yield "the Rooms tab"
        self._replace_tab(0, optional_widget("meetdesk.ui.rooms_tab", "RoomsTab", (session, self.tabs),
                                             "The rooms view is not available in this build."))
        yield "the Meetings tab"
        self._replace_tab(1, optional_widget("meetdesk.ui.meetings_tab", "MeetingsTab", (session, self.tabs),
                                             "The meetings view is not available in this build."))
        yield "the Connections panel"
        from meetdesk.ui.connections_panel import ConnectionsPanel

        self.connections = ConnectionsPanel(session, self)
        stand_in_panel = self.connections_dock.widget()
        self.connections_dock.setWidget(self.connections)
        if stand_in_panel is not None:
            stand_in_panel.deleteLater()
        self.connections.message.connect(self.show_status)
        yield "the tray"
        from meetdesk.ui.tasks import activity

        self._connect_invitations()
        self.bridge.warning.connect(self._session_warning)
        activity().changed.connect(self._activity_changed)
        self._update_keyring_warning()
        yield "the menus' shortcuts"
        self._actions.assign_shortcuts()
        for action in self._session_actions:
            action.setEnabled(True)
        self.is_attached = True
        self._restore_content_state(self._saved_state)
        self.set_color_scheme(self.color_scheme)  # the Connections panel's rich text follows the scheme
        self._last_message = ("Demo mode: the servers run inside meetdesk on this computer; nothing real is "
                              "changed." if self.demo else "Ready.")
        self._activity_changed(activity().count, "")
        if not self._defer_composer:
            self.ensure_built()
        self.attached.emit()

    def composer_steps(self) -> Iterator[str]:
        """Build a deferred composer in three turns of the event loop: its design panel, the composer around it
        (hidden), then its dock shows it."""
        if not self._composer_pending or not self.is_attached:
            return
        try:
            from meetdesk.ui.composer.design_panel import DesignPanel
        except ModuleNotFoundError:  # a build without the composer: ensure_built shows its placeholder
            pass
        else:
            self._design = DesignPanel(self.session.store, embed_preview=False)
            yield "the composer"
            self._prebuilt = self._make_composer()
            yield "the composer's dock"
        self.ensure_built()

    def _replace_tab(self, index: int, widget: QWidget) -> None:
        frame.replace_tab(self.tabs, index, widget, TAB_LABELS[index])
        if index == 0:
            self.rooms_tab = widget
        else:
            self.meetings_tab = widget

    def _desktop_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if isValid(self) and self.color_scheme == theme.SYSTEM:
            theme.apply_scheme(theme.SYSTEM)
            if self.is_attached:
                self.connections.reload()

    def _make_composer(self) -> QWidget:
        from meetdesk.ui.window_parts import optional_widget

        design, self._design = self._design, None
        return optional_widget("meetdesk.ui.composer", "JoinLinkComposer", (self.session, self.session.store, self),
                               "The join-link composer is not available in this build.",
                               **({"design": design} if design is not None else {}))

    def _wire_composer(self) -> None:
        """Selecting a room in the Rooms tab or a profile in the Connections panel points the composer at it,
        "Invite…" in the Meetings tab fills it (when the widgets are the real ones)."""
        signal = getattr(self.rooms_tab, "room_selected", None)
        if signal is not None and hasattr(self.composer, "select"):
            signal.connect(self._room_selected)
        signal = getattr(self.meetings_tab, "invite_requested", None)
        if signal is not None and hasattr(self.composer, "invite"):
            signal.connect(self.invite)
        if hasattr(self.composer, "select"):  # choosing a profile in the Connections panel: the composer follows
            self.connections.profile_selected.connect(self._profile_chosen)
            self._profile_chosen(self.connections.selected_name() or "")  # chosen before the composer was built

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._frame_finished:  # the frame is painted: the rest of it follows
            QTimer.singleShot(0, self.finish_frame)
        if self._composer_pending and self.is_attached and self._composer_on_paint:  # the composer follows
            QTimer.singleShot(0, self.ensure_built)

    def ensure_built(self) -> None:
        """Build the join-link composer if start-up deferred it (idempotent); emits ``built`` when it did."""
        if not self._composer_pending or not self.is_attached or not isValid(self):
            return
        self._composer_pending = False
        pending, self.composer, self._prebuilt = self.composer, self._prebuilt or self._make_composer(), None
        self.composer_dock.setWidget(self.composer)
        pending.deleteLater()
        self._wire_composer()
        if self._default_layout and self.isVisible():
            self.fit_docks()  # now with the composer's comfortable width
        self.built.emit()

    def _connect_invitations(self) -> None:
        """"Invite…" in the Meetings tab fills the composer; the tray lists the day's meetings and reminds."""
        from meetdesk.services.invitation_store import FILE_NAME, InvitationStore
        from meetdesk.ui.icons import app_icon
        from meetdesk.ui.tray import TrayController

        self.invitation_store = InvitationStore(self.session.store.path.with_name(FILE_NAME))
        self.tray = TrayController(self.session, self.invitation_store, app_icon(), self)
        self.tray.open_requested.connect(self._open_upcoming)
        self.tray.show_window_requested.connect(self._show_from_tray)
        self.tray.quit_requested.connect(self.quit_from_tray)
        self.tray.message.connect(self.show_status)
        for warning in self.invitation_store.warnings:
            self.show_status(warning)

    def invite(self, meeting: Meeting) -> None:
        self.ensure_built()
        self.composer.invite(meeting)  # type: ignore[attr-defined]
        self.show_composer()

    def _show_from_tray(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def _open_upcoming(self, item: Upcoming) -> None:
        self._show_from_tray()
        if item.meeting is not None and hasattr(self.composer, "invite"):
            self.invite(item.meeting)
        else:
            self._composer_select(item.profile, item.room_id)
            self.show_composer()

    def quit_from_tray(self) -> None:
        self._quitting = True
        self.close()

    # status bar --------------------------------------------------------------------------------
    def show_status(self, text: str) -> None:
        """Set the status line; while something runs the running operation is shown and this comes back after."""
        self._last_message = text
        if not self.is_attached or self._activity_count() == 0:
            self.status_label.setText(text)
        self.status_label.setToolTip(text)

    def status_text(self) -> str:
        return self.status_label.text()

    @staticmethod
    def _activity_count() -> int:
        from meetdesk.ui.tasks import activity

        return activity().count

    def _activity_changed(self, count: int, label: str) -> None:
        if not isValid(self):
            return
        self.busy.setVisible(count > 0)
        self.status_label.setText(label if count > 0 and label else self._last_message)

    def _update_keyring_warning(self) -> None:
        warning = self.session.secrets.warning
        self.keyring_label.setVisible(bool(warning))
        if warning:
            theme.set_tone(self.keyring_label, "warning")
            self.keyring_label.setText("⚠ No system keyring: passwords are kept for this run only")
            self.keyring_label.setToolTip(warning)

    def _session_warning(self, text: str) -> None:
        self._update_keyring_warning()
        if self.session.secrets.warning == text:
            self.show_status(text)
            return
        self.show_warning(text)

    def show_warning(self, text: str) -> QMessageBox:
        """A non-modal warning box (used for start-up problems such as an unreadable profile file)."""
        from meetdesk.ui.messages import show_error

        self.show_status(text)
        return show_error(self, APP_NAME, text)

    # actions -----------------------------------------------------------------------------------
    def refresh_all(self) -> asyncio.Task[None] | None:
        if not self.is_attached:
            return None
        from meetdesk.ui.messages import refresh_outcome
        from meetdesk.ui.tasks import AsyncOp

        names = [n for n, c in self.session.connections.items() if c.provider is not None]
        if not names:
            self.show_status("Nothing to refresh: no server is connected yet.")
            return None
        if self._refresh_task is not None and not self._refresh_task.done():
            return self._refresh_task

        def done(_result: None) -> None:
            conns = self.session.connections
            self.show_status(refresh_outcome(names, {n: str(conns[n].refresh_error) for n in names
                                                     if n in conns and conns[n].refresh_error}))

        self._refresh_task = (AsyncOp(self, lambda: self.session.refresh(raise_errors=False))
                              .with_progress("Refreshing…")
                              .success(done)
                              .run())
        return self._refresh_task

    def focus_search(self) -> None:
        tab = self.tabs.currentWidget()
        focus = getattr(tab, "focus_search", None)
        if callable(focus):
            focus()

    def show_composer(self) -> None:
        self.ensure_built()
        if not self.composer_dock.isVisible() and not self.composer_dock.isFloating() and composer_crowds(self):
            self.composer_in_window()  # a dock would squeeze the tables (small screen, large scale)
            return
        self.composer_dock.show()
        self.composer_dock.raise_()
        from PySide6.QtCore import Qt

        self.composer.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def composer_in_window(self) -> None:
        """Float the composer dock as a window with room for the form and the preview side by side."""
        self.ensure_built()
        frame.float_dock(self, self.composer_dock)

    def _profile_chosen(self, profile: str) -> None:
        if profile:
            self._composer_select(profile, None)

    def _room_selected(self, profile: str, room_id: str) -> None:
        if profile:  # an empty selection leaves the composer as it is
            self._composer_select(profile, room_id or None)

    def _composer_select(self, profile: str, room_id: str | None) -> None:
        self.ensure_built()
        select = getattr(self.composer, "select", None)
        if callable(select):
            try:
                select(profile, room_id)
            except Exception:
                log.exception("composer could not select %s", profile)

    def show_about(self) -> QMessageBox:
        if self._about is not None and isValid(self._about):
            self._about.raise_()
            return self._about
        from meetdesk.ui.window_parts import about_box

        self._about = about_box(self, self.session)
        return self._about

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_on_show and self._docks_placed:  # the first time, at the size the screen allowed
            self._fit_on_show = False
            self.fit_docks()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.is_attached:  # closed while starting: nothing was changed, nothing to save
            event.accept()
            super().closeEvent(event)
            self.closed.emit()
            return
        self.save_ui_state()
        if not self._quitting and self.tray.keeps_running():
            event.ignore()
            self.hide()
            self.tray.icon.showMessage("meetdesk keeps running", "Reminders still come; quit from the tray menu.",
                                       self.tray.icon.MessageIcon.Information, 5000)
            return
        self.tray.hide()
        event.accept()
        super().closeEvent(event)
        self.closed.emit()

    async def shutdown(self) -> None:
        """Cancel what is in flight and close every connection (idempotent)."""
        if self._shutdown_done:
            return
        self._shutdown_done = True
        if not self.is_attached:
            log.info("main window shut down")
            return
        from meetdesk.ui.tasks import activity

        await self.auto_refresh.stop()
        await activity().cancel_all()
        await self.session.aclose()
        self.bridge.detach()
        log.info("main window shut down")

