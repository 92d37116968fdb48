"""Window geometry and dock layout in ``<config dir>/ui-state.json`` (never QSettings: it loses types, and this
keeps demo mode, which has its own config dir, away from the user's real layout)."""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: a first start (no saved layout) paints without QByteArray's enums
    from PySide6.QtCore import QByteArray

log = logging.getLogger("meetdesk.ui.state")

FILE_NAME = "ui-state.json"
SCHEMA = 1


def state_path() -> Path:
    from meetdesk.services.paths import config_dir  # not for the demo's first paint (it restores no layout)

    return config_dir() / FILE_NAME


def encode_bytes(data: QByteArray | bytes) -> str:
    from PySide6.QtCore import QByteArray

    raw = data.data() if isinstance(data, QByteArray) else data
    return base64.b64encode(bytes(raw)).decode("ascii")


def decode_bytes(text: object) -> QByteArray | None:
    if not isinstance(text, str) or not text:
        return None
    from PySide6.QtCore import QByteArray

    try:
        return QByteArray(base64.b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def load_ui_state(path: Path | None = None) -> dict[str, Any]:
    """The saved state, or {} when there is none or it cannot be read (a layout is not worth an error box)."""
    path = path or state_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s: %s", path, type(exc).__name__)
        return {}
    import json  # only when there is a layout: a first start paints without it

    try:
        doc = json.loads(text)
    except ValueError as exc:
        log.warning("ignoring unreadable %s: %s", path, type(exc).__name__)
        return {}
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        return {}
    return doc


def save_ui_state(state: dict[str, Any], path: Path | None = None) -> bool:
    """Write ``state`` atomically; False (and a log line) when it could not be written."""
    import json
    import tempfile  # only when saving: not on the way to the first paint

    path = path or state_path()
    data = json.dumps({**state, "schema": SCHEMA}, indent=2).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ui-state-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        log.warning("could not save the window layout to %s: %s", path, exc)
        return False
    return True
