"""The design preview paints the chosen colours where the client would, with the client's fallbacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from meetdesk.services.profile_store import ProfileStore
from meetdesk.ui.composer.design_panel import DesignPanel
from meetdesk.ui.composer.preview import DEFAULT_PALETTE, DesignPreview, effective_palette
from tests.ui.widget_cleanup import delete_kept_widgets, keep  # noqa: F401 (autouse fixture)

#: the offscreen platform's note when a shown top-level window's size hints change — not a problem of ours
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _pixel(image: QImage, x: float, y: float) -> str:
    return QColor(image.pixel(int(x), int(y))).name().upper()


def _preview(qtbot: QtBot) -> DesignPreview:
    preview = DesignPreview()
    keep(preview)
    preview.resize(400, 248)
    preview.show()
    qtbot.waitExposed(preview)
    return preview


def test_effective_palette_uses_client_fallbacks_and_neutral_defaults() -> None:
    palette = effective_palette({"primary_color": "#123456", "secondary_color": "abc"})
    assert palette["primary_btn_bg_color"] == "#123456"  # unset button takes the primary colour
    assert palette["secondary_btn_bg_color"] == "#AABBCC"  # short hex, normalised
    assert palette["header_bg_color"] == DEFAULT_PALETTE["header_bg_color"]
    # nothing set: the client's own button colour (bg-Blue), not the primary colour's default
    assert effective_palette({})["primary_btn_bg_color"] == DEFAULT_PALETTE["primary_btn_bg_color"] == "#00A1F2"
    # an explicit button colour wins over the fallback; an invalid value is ignored, not painted
    assert effective_palette({"primary_color": "#123456", "primary_btn_bg_color": "#FF0000"})[
        "primary_btn_bg_color"] == "#FF0000"
    assert effective_palette({"header_bg_color": "#12345G"})["header_bg_color"] == DEFAULT_PALETTE["header_bg_color"]
    # client 2.x reads the legacy right_side_bg_color as the side panel colour
    assert effective_palette({"right_side_bg_color": "#00FF00"})["side_panel_bg_color"] == "#00FF00"


def test_header_repaints_in_the_chosen_colour(qtbot: QtBot) -> None:
    preview = _preview(qtbot)
    header = preview.regions()["header"]
    # sample near the middle-bottom of the header, away from the title text and the icons
    x, y = header.center().x() + 20, header.bottom() - 3
    before = preview.grab().toImage()
    assert _pixel(before, x, y) == DEFAULT_PALETTE["header_bg_color"]

    preview.set_design({"header_bg_color": "#C0FFEE"})
    after = preview.grab().toImage()
    assert _pixel(after, x, y) == "#C0FFEE"


def test_buttons_footer_side_and_main_area_take_their_colours(qtbot: QtBot) -> None:
    preview = _preview(qtbot)
    preview.set_design({
        "primary_color": "#101080", "secondary_btn_bg_color": "#F0A000", "footer_bg_color": "#203040",
        "side_panel_bg_color": "#E0F0E0", "background_color": "#FAFAD2",
    })
    image = preview.grab().toImage()
    r = preview.regions()
    primary = r["primary_button"]
    # the primary button falls back to the primary colour; sample its left edge, clear of the text
    assert _pixel(image, primary.left() + 4, primary.center().y()) == "#101080"
    secondary = r["secondary_button"]
    assert _pixel(image, secondary.left() + 4, secondary.center().y()) == "#F0A000"
    assert _pixel(image, r["footer"].left() + 6, r["footer"].center().y()) == "#203040"
    assert _pixel(image, r["side"].right() - 4, r["side"].bottom() - 4) == "#E0F0E0"
    assert _pixel(image, r["main"].left() + 3, r["main"].bottom() - 3) == "#FAFAD2"


def test_legacy_left_column_appears_only_when_set(qtbot: QtBot) -> None:
    preview = _preview(qtbot)
    assert preview.regions()["left"].width() == 0
    preview.set_design({"left_side_bg_color": "#AA0000"})
    left = preview.regions()["left"]
    assert left.width() > 0
    assert _pixel(preview.grab().toImage(), left.left() + 3, left.bottom() - 3) == "#AA0000"


def test_panel_preview_follows_typing_and_ignores_half_typed_colours(qtbot: QtBot, tmp_path: Path) -> None:
    panel = DesignPanel(ProfileStore(tmp_path / "profiles.json"))
    keep(panel)
    panel.resize(440, 1200)
    panel.show()
    qtbot.waitExposed(panel)
    field = panel.editor.color_field("header_bg_color")
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "#C0F")  # a valid short hex already
    assert panel.preview.palette_colors()["header_bg_color"] == "#CC00FF"
    qtbot.keyClicks(field.edit, "F")  # "#C0FF": not a colour yet — the preview keeps the default
    assert panel.preview.palette_colors()["header_bg_color"] == DEFAULT_PALETTE["header_bg_color"]
    qtbot.keyClicks(field.edit, "EE")
    assert panel.preview.palette_colors()["header_bg_color"] == "#C0FFEE"
    header = panel.preview.regions()["header"]
    image = panel.preview.grab().toImage()
    assert _pixel(image, header.center().x() + 20, header.bottom() - 3) == "#C0FFEE"
