"""The desktop integration files agree with the application and validate with the freedesktop tools."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

import meetdesk
from tests.packaging.helpers import LINUX, ROOT, load_script

RESOURCES = ROOT / "resources"
DESKTOP = RESOURCES / f"{meetdesk.APP_ID}.desktop"
METAINFO = RESOURCES / f"{meetdesk.APP_ID}.metainfo.xml"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_names_the_application_as_qt_does() -> None:
    entry = desktop_entry()
    assert entry["Icon"] == meetdesk.APP_ID
    assert entry["Exec"].split()[0] == "meetdesk"
    # X11 WM_CLASS' class is QCoreApplication.applicationName(), which meetdesk.ui.app sets to APP_NAME
    assert entry["StartupWMClass"] == meetdesk.APP_NAME


def test_metainfo_matches_the_package() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == meetdesk.APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    newest = root.find("releases/release")
    assert newest is not None
    assert newest.get("version") == meetdesk.__version__, "add a <release> for the new version to the metainfo"


def test_the_debian_changelog_follows_the_metainfo_releases() -> None:
    deb_changelog = load_script(LINUX / "deb_changelog.py", "meetdesk_packaging_deb_changelog")
    text = deb_changelog.changelog(METAINFO, "Someone <someone@example.org>")
    first = text.splitlines()[0]
    assert first == f"meetdesk ({meetdesk.__version__}) stable; urgency=medium"
    assert "\n -- Someone <someone@example.org>  " in text
    assert all(len(line) <= 80 for line in text.splitlines())


@pytest.mark.parametrize("size", HICOLOR_SIZES)
def test_every_icon_size_is_rendered_for_the_theme_and_the_package(size: int) -> None:
    for path in (
        RESOURCES / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{meetdesk.APP_ID}.png",
        ROOT / "meetdesk" / "resources" / "icons" / f"{meetdesk.APP_ID}-{size}.png",
    ):
        image = QImage(str(path))
        assert not image.isNull(), path
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="needs desktop-file-utils")
def test_desktop_file_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="needs appstream")
def test_metainfo_validates() -> None:
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
