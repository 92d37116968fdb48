"""Session events as Qt signals: one :class:`SessionBridge` per :class:`~meetdesk.services.session.Session`.

Widgets never subscribe to the session directly; they call :func:`bridge_for` and connect to its signals::

    bridge = bridge_for(session)
    bridge.data_changed.connect(self.refresh_view)
"""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QObject, Signal

from meetdesk.services.session import Session, SessionEvent

log = logging.getLogger("meetdesk.ui.session_bridge")


class SessionBridge(QObject):
    """Re-emits the session's events as signals. Each payload is a profile name (or, for ``warning``, a sentence).

    Signals:
        profiles_changed: a profile was added, edited, renamed or removed (its new or removed name).
        status_changed: a connection's state changed (profile name).
        data_changed: rooms/meetings of a profile changed (profile name).
        warning: a sentence for the user (e.g. the keyring is unavailable).
    """

    profiles_changed = Signal(str)
    status_changed = Signal(str)
    data_changed = Signal(str)
    warning = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._unsubscribe = session.subscribe(self._on_event)
        #: the last warning sentence emitted, so late-created widgets can still show it
        self.last_warning: str = session.secrets.warning or ""

    def _on_event(self, event: SessionEvent, payload: str) -> None:
        if event is SessionEvent.PROFILES:
            self.profiles_changed.emit(payload)
        elif event is SessionEvent.STATUS:
            self.status_changed.emit(payload)
        elif event is SessionEvent.DATA:
            self.data_changed.emit(payload)
        elif event is SessionEvent.WARNING:
            self.last_warning = payload
            self.warning.emit(payload)

    def detach(self) -> None:
        """Stop listening to the session (idempotent). Also breaks the session ↔ bridge reference cycle."""
        unsubscribe, self._unsubscribe = self._unsubscribe, _noop
        with contextlib.suppress(ValueError):
            unsubscribe()


def _noop() -> None:
    return None


_ATTR = "_meetdesk_qt_bridge"


def bridge_for(session: Session) -> SessionBridge:
    """The one bridge of ``session``, created on first use and kept as long as the session lives."""
    # Kept on the session itself rather than in a WeakKeyDictionary: the bridge refers to its session, so a
    # weak-keyed cache would keep every session alive forever.
    bridge = session.__dict__.get(_ATTR)
    if not isinstance(bridge, SessionBridge):
        bridge = SessionBridge(session)
        session.__dict__[_ATTR] = bridge
        log.debug("session bridge created")
    return bridge
