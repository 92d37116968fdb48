"""Render the application icon from its SVG source into every file packaging needs.

Run from anywhere, with the project's venv (needs PySide6's QtSvg, nothing else)::

    python packaging/render_icons.py

Writes, all committed so neither the runtime nor the installer builds need an SVG renderer:

* ``resources/icons/hicolor/<n>x<n>/apps/org.meetdesk.MeetDesk.png`` — freedesktop hicolor theme sizes (.deb);
* ``meetdesk/resources/icons/`` — the SVG and one PNG per size, shipped as package data for ``app_icon()``;
* ``resources/icons/meetdesk.ico`` (Windows: exe icon, installer) and ``resources/icons/meetdesk.icns`` (macOS).
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "org.meetdesk.MeetDesk"
SOURCE = ROOT / "resources" / "icons" / f"{APP_ID}.svg"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
PACKAGE_ICONS = ROOT / "meetdesk" / "resources" / "icons"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 256)
# icns element types that hold PNG data, by pixel size (Retina "@2x" variants reuse the same pixels)
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024),
    (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG"):  # type: ignore[call-overload]  # stubs say bytes, runtime wants str
        raise RuntimeError(f"could not encode the {size} px icon as PNG")
    return bytes(data.data())


def ico_file(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose entries are PNG-compressed (supported since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    entries = b""
    offset = 6 + 16 * len(pngs)
    payload = b""
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        payload += png
    return header + entries + payload


def icns_file(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns made of PNG elements (what ``iconutil`` produces from an .iconset)."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # renders without a display
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(renderer, size) for size in sizes}

    PACKAGE_ICONS.mkdir(parents=True, exist_ok=True)
    for stale in PACKAGE_ICONS.glob(f"{APP_ID}*"):
        stale.unlink()
    shutil.copyfile(SOURCE, PACKAGE_ICONS / SOURCE.name)
    for size in HICOLOR_SIZES:
        target = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
        (PACKAGE_ICONS / f"{APP_ID}-{size}.png").write_bytes(pngs[size])
    (ROOT / "resources" / "icons" / "meetdesk.ico").write_bytes(ico_file({s: pngs[s] for s in ICO_SIZES}))
    (ROOT / "resources" / "icons" / "meetdesk.icns").write_bytes(icns_file(pngs))
    del app
    print(f"rendered {len(HICOLOR_SIZES)} hicolor sizes, .ico and .icns from {SOURCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
