"""Pieces of the main window that need none of its state: optional widgets and the About box."""

from __future__ import annotations

import importlib
import logging
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from meetdesk import APP_NAME, __version__
from meetdesk.backends.base import available_kinds
from meetdesk.services.session import Session
from meetdesk.ui.icons import app_icon
from meetdesk.ui.kinds import kind_display_name

log = logging.getLogger("meetdesk.ui.main_window")


def optional_widget(module: str, class_name: str, args: tuple[Any, ...], placeholder: str,
                    **kwargs: Any) -> QWidget:
    """``module.class_name(*args, **kwargs)``, or a placeholder label while that module does not exist yet.

    Only a *missing* module is tolerated: a module that exists but fails to import is a bug and raises.
    """
    try:
        cls = getattr(importlib.import_module(module), class_name)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        log.warning("%s is not available; showing a placeholder", module)
        label = QLabel(placeholder, args[-1])
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setObjectName("placeholder")
        return label
    widget: QWidget = cls(*args, **kwargs)
    return widget


def about_box(parent: QWidget, session: Session) -> QMessageBox:
    """The About box (opened, deleted on close): version, back ends, where profiles and passwords live."""
    kinds = ", ".join(kind_display_name(k) for k in available_kinds())
    text = (f"<h3>{APP_NAME} {escape(__version__)}</h3>"
            "<p>A desktop console for meeting coordinators: the rooms and meetings of several "
            "conferencing servers in one window, and join links for participants.</p>"
            f"<p>Back ends: {escape(kinds)}</p>"
            f"<p>Profiles: {escape(str(session.store.path))}<br>"
            f"Passwords: {escape(session.secrets.backend_name)}"
            f"{' (memory only)' if session.secrets.degraded else ''}</p>"
            "<p>Licence: GPL-3.0-or-later</p>")
    box = QMessageBox(QMessageBox.Icon.NoIcon, f"About {APP_NAME}", text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("aboutBox")
    box.setTextFormat(Qt.TextFormat.RichText)
    icon = app_icon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
