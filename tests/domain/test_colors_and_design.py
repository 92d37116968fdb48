from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from meetdesk.domain.colors import contrast_ratio, parse_color
from meetdesk.domain.design import DESIGN_KEYS, contrast_checks, design_json, encode_custom_design, validate_design
from meetdesk.domain.errors import ValidationError


@pytest.mark.parametrize(("text", "expected"), [("#004D90", "#004D90"), ("004d90", "#004D90"), ("#abc", "#AABBCC")])
def test_parse_color_accepts_hex_forms(text: str, expected: str) -> None:
    assert parse_color(text).hex == expected


@pytest.mark.parametrize("text", ["", "#12345", "blue", "#GGGGGG", "rgb(0,0,0)", "#1234567"])
def test_parse_color_rejects_with_field(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_color(text, field="primary_color", label="Primary colour")
    assert info.value.field == "primary_color"
    assert "hex colour" in info.value.message


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    black, white = parse_color("#000000"), parse_color("#FFFFFF")
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, white) == pytest.approx(1.0)
    # #767676 on white is the classic "just passes AA" grey: 4.54:1
    assert contrast_ratio(parse_color("#767676"), white) == pytest.approx(4.54, abs=0.01)


def test_design_keys_cover_current_and_legacy_client() -> None:
    current = {k.key for k in DESIGN_KEYS if not k.legacy}
    legacy = {k.key for k in DESIGN_KEYS if k.legacy}
    assert {"primary_color", "primary_btn_bg_color", "primary_btn_text_color", "secondary_color",
            "secondary_btn_bg_color", "secondary_btn_text_color", "background_color", "background_image",
            "header_bg_color", "footer_bg_color", "footer_icon_bg_color", "footer_icon_color",
            "side_panel_bg_color", "custom_css_url", "custom_logo"} == current
    assert {"left_side_bg_color", "right_side_bg_color", "column_camera_width", "column_camera_position"} == legacy


def test_encode_custom_design_only_set_keys_compact_and_url_encoded() -> None:
    value = encode_custom_design({"secondary_color": "#24aef7", "primary_color": "#004D90", "header_bg_color": ""})
    assert value == "%7B%22primary_color%22%3A%22%23004D90%22%2C%22secondary_color%22%3A%22%2324AEF7%22%7D"
    assert json.loads(unquote(value)) == {"primary_color": "#004D90", "secondary_color": "#24AEF7"}
    assert encode_custom_design({}) == ""


def test_validate_design_rejects_http_urls_unknown_keys_and_bad_choices() -> None:
    with pytest.raises(ValidationError) as info:
        validate_design({"custom_logo": "http://example.org/logo.png"})
    assert info.value.field == "custom_logo"
    with pytest.raises(ValidationError):
        validate_design({"not_a_key": "#fff"})
    with pytest.raises(ValidationError):
        validate_design({"column_camera_width": "huge"})
    with pytest.raises(ValidationError):
        validate_design({"column_camera_width": "full"}, allow_legacy=False)
    assert validate_design({"column_camera_position": "top"}) == {"column_camera_position": "top"}
    # client 2.x still reads right_side_bg_color when side_panel_bg_color is empty (useClientCustomization.tsx)
    assert validate_design({"right_side_bg_color": "#abcdef"}, allow_legacy=False) == {
        "right_side_bg_color": "#ABCDEF"}
    with pytest.raises(ValidationError):
        validate_design({"left_side_bg_color": "#abcdef"}, allow_legacy=False)


def test_design_json_is_in_canonical_order() -> None:
    assert design_json({"footer_bg_color": "#111111", "primary_color": "#222222"}) == (
        '{"primary_color":"#222222","footer_bg_color":"#111111"}'
    )


def test_contrast_checks_flag_bad_pairs_and_use_client_fallbacks() -> None:
    checks = {c.foreground_key: c for c in contrast_checks({
        "primary_color": "#888888",
        "primary_btn_text_color": "#777777",  # on the primary colour via fallback: bad
        "footer_icon_color": "#FFFFFF",
        "footer_icon_bg_color": "#000000",
    })}
    assert not checks["primary_btn_text_color"].ok
    assert checks["primary_btn_text_color"].background_key == "primary_btn_bg_color"
    assert checks["footer_icon_color"].ok
    assert checks["footer_icon_color"].ratio == pytest.approx(21.0)


def test_contrast_checks_include_the_clients_defaults() -> None:
    """A colour set on one side is checked against the client's default on the other side."""
    from meetdesk.domain.design import CLIENT_DEFAULTS

    dark = {c.label: c for c in contrast_checks({"background_color": "#333333"})}
    text = dark["Text on the background"]
    assert not text.ok and text.foreground == CLIENT_DEFAULTS["page_text"] and text.ratio < 1.6
    orange = {c.foreground_key: c for c in contrast_checks({"secondary_color": "#FF6F00",
                                                             "secondary_btn_text_color": "#FFFFFF"})}
    assert not orange["secondary_btn_text_color"].ok and round(orange["secondary_btn_text_color"].ratio, 2) == 2.79
    # a button background alone is checked against the button's default text
    alone = {c.foreground_key: c for c in contrast_checks({"primary_btn_bg_color": "#FFFF00"})}
    assert not alone["primary_btn_text_color"].ok and alone["primary_btn_text_color"].foreground == "#FFFFFF"
    # nothing set: the client's own pairs are not listed; a background image replaces the colour
    assert contrast_checks({}) == []
    assert all(c.background_key != "background_color"
               for c in contrast_checks({"background_color": "#333333", "background_image": "https://x.org/a.png"}))
