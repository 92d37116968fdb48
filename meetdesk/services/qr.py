"""QR codes of join links with ``segno``: PNG or SVG by the file's suffix, or PNG bytes for a screen."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from meetdesk.domain.errors import ConfigError, ValidationError

if TYPE_CHECKING:
    import segno

FORMATS = (".png", ".svg")


def _code(url: str) -> segno.QRCode:
    if not url.strip():
        raise ValidationError("There is no link to put into a QR code yet.", field="link")
    import segno  # only when a code is made, not at start-up

    return segno.make(url, error="m", micro=False)


def qr_png(url: str, *, scale: int = 6, border: int = 4) -> bytes:
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def save_qr(url: str, path: Path, *, scale: int = 8) -> Path:
    """Write the QR code of ``url`` to ``path`` (.png or .svg)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(f"A QR code can be saved as .png or .svg, not “{path.name}”.", field="qr")
    code = _code(url)
    try:
        if suffix == ".png":
            code.save(str(path), kind="png", scale=scale, border=4)
        else:
            code.save(str(path), kind="svg", scale=scale, border=4, xmldecl=True, title="Join link")
    except OSError as exc:
        raise ConfigError(f"The QR code could not be written to {path}: {exc.strerror or exc}.") from None
    return path
