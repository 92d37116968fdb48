"""plugNmeet ``custom_design``: the keys the client reads, validation, contrast pairs, link encoding."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from meetdesk.domain.colors import MIN_TEXT_CONTRAST, contrast_ratio, parse_color
from meetdesk.domain.errors import ValidationError
from meetdesk.domain.values import validate_design_url


@dataclass(frozen=True)
class DesignKey:
    key: str
    label: str
    kind: str  # "color", "url", "choice"
    legacy: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    #: an old name the current client still reads in place of this key when that one is empty
    fallback_for: str = ""


#: Every key the current client (2.x) reads, then the legacy section: the keys of clients 1.x
#: (plugNmeet-client v1.7.5 useClientCustomization.tsx; removed in 2.0), of which 2.x still reads
#: right_side_bg_color when side_panel_bg_color is empty (client 2.4 useClientCustomization.tsx).
DESIGN_KEYS: tuple[DesignKey, ...] = (
    DesignKey("primary_color", "Primary colour", "color", help="Accents, links and the default primary button."),
    DesignKey("primary_btn_bg_color", "Primary button background", "color"),
    DesignKey("primary_btn_text_color", "Primary button text", "color"),
    DesignKey("secondary_color", "Secondary colour", "color", help="Secondary accents and buttons."),
    DesignKey("secondary_btn_bg_color", "Secondary button background", "color"),
    DesignKey("secondary_btn_text_color", "Secondary button text", "color"),
    DesignKey("background_color", "Background", "color", help="Ignored when a background image is set."),
    DesignKey("background_image", "Background image URL", "url"),
    DesignKey("header_bg_color", "Header background", "color"),
    DesignKey("footer_bg_color", "Footer background", "color"),
    DesignKey("footer_icon_bg_color", "Footer icon background", "color"),
    DesignKey("footer_icon_color", "Footer icon", "color"),
    DesignKey("side_panel_bg_color", "Side panel background", "color"),
    DesignKey("custom_css_url", "Custom CSS URL", "url"),
    DesignKey("custom_logo", "Custom logo URL", "url"),
    DesignKey("left_side_bg_color", "Left side background", "color", legacy=True,
              help="The participants column; read only by clients 1.x (1.0.5–1.7)."),
    DesignKey("right_side_bg_color", "Right side background", "color", legacy=True,
              fallback_for="side_panel_bg_color",
              help="The chat column of clients 1.x; client 2.x still uses it as the side panel colour "
                   "when “Side panel background” is empty."),
    DesignKey("column_camera_width", "Camera column width", "choice", legacy=True,
              choices=("full", "medium", "small"), help="Read only by clients 1.4–1.7."),
    DesignKey("column_camera_position", "Camera column position", "choice", legacy=True,
              choices=("left", "top", "bottom"), help="Read only by clients 1.4–1.7."),
)
DESIGN_KEYS_BY_NAME = {k.key: k for k in DESIGN_KEYS}

#: What the participant's page shows where the design sets nothing (light theme), from plugNmeet-client HEAD:
#: src/styles/variables.css (--color-primary-color, --color-secondary-color, Gray-*), the Tailwind classes of
#: .primary-button (bg-Blue, text-white), .secondary-button (bg-white, text-Gray-950), .footer-icon-bg (bg-white,
#: text-Gray-950, components/footer/icons/menus.tsx) and .side-panel-bg-color (bg-Gray-25, components/chat/index.tsx).
#: ``page_text`` is the text colour of the page itself: not a design key, but what the participant reads on it.
CLIENT_DEFAULTS: dict[str, str] = {
    "primary_color": "#004D90",
    "secondary_color": "#24AEF7",
    "primary_btn_bg_color": "#00A1F2",
    "primary_btn_text_color": "#FFFFFF",
    "secondary_btn_bg_color": "#FFFFFF",
    "secondary_btn_text_color": "#0C131A",
    "background_color": "#F0F6FC",
    "header_bg_color": "#FFFFFF",
    "footer_bg_color": "#FFFFFF",
    "footer_icon_bg_color": "#FFFFFF",
    "footer_icon_color": "#0C131A",
    "side_panel_bg_color": "#FAFCFF",
    "page_text": "#0C131A",
}

#: (foreground key, background key, what it is) — every text/background pair the participant reads.
CONTRAST_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("primary_btn_text_color", "primary_btn_bg_color", "Primary button text on its background"),
    ("secondary_btn_text_color", "secondary_btn_bg_color", "Secondary button text on its background"),
    ("footer_icon_color", "footer_icon_bg_color", "Footer icons on their background"),
    ("page_text", "background_color", "Text on the background"),
    ("primary_color", "background_color", "Primary colour on the background"),
    ("primary_color", "header_bg_color", "Primary colour on the header"),
    ("page_text", "header_bg_color", "Header text on the header"),
    ("page_text", "side_panel_bg_color", "Side panel text on its background"),
    ("page_text", "footer_bg_color", "Footer text on the footer"),
)
#: the client's fallbacks: an unset key takes the colour of another *set* key before its own default
_FALLBACK = {"primary_btn_bg_color": "primary_color", "secondary_btn_bg_color": "secondary_color",
             "side_panel_bg_color": "right_side_bg_color"}


def validate_design(design: Mapping[str, str], *, allow_legacy: bool = True) -> dict[str, str]:
    """Return the design with empty values dropped and colours normalised to ``#RRGGBB``.

    Raises:
        ValidationError: naming the offending key in ``field``.
    """
    out: dict[str, str] = {}
    for key, raw in design.items():
        spec = DESIGN_KEYS_BY_NAME.get(key)
        if spec is None:
            raise ValidationError(f"“{key}” is not a custom design setting plugNmeet knows.", field=key)
        if spec.legacy and not spec.fallback_for and not allow_legacy:
            raise ValidationError(f"{spec.label} is only read by legacy clients (1.7 and older).", field=key)
        value = str(raw).strip()
        if not value:
            continue
        if spec.kind == "color":
            value = parse_color(value, field=key, label=spec.label).hex
        elif spec.kind == "url":
            value = validate_design_url(value, field=key, label=spec.label)
        elif value not in spec.choices:
            raise ValidationError(f"{spec.label} must be one of {', '.join(spec.choices)}.", field=key)
        out[key] = value
    return out


def design_json(design: Mapping[str, str]) -> str:
    """Compact JSON of the set keys, in the canonical key order."""
    ordered = {k.key: design[k.key] for k in DESIGN_KEYS if design.get(k.key)}
    return json.dumps(ordered, separators=(",", ":"), ensure_ascii=False)


def encode_custom_design(design: Mapping[str, str]) -> str:
    """The value of the ``custom_design`` query parameter (URL-encoded compact JSON), or "" if nothing is set."""
    valid = validate_design(design)
    return quote(design_json(valid), safe="") if valid else ""


@dataclass(frozen=True)
class ContrastCheck:
    foreground_key: str
    background_key: str
    label: str
    ratio: float
    foreground: str = ""  # the colours compared, "#RRGGBB", whether set or the client's default
    background: str = ""

    @property
    def ok(self) -> bool:
        return self.ratio >= MIN_TEXT_CONTRAST


def effective_color(design: Mapping[str, str], key: str) -> tuple[str, bool]:
    """The colour the page shows for ``key`` and whether the design set it (directly or by a fallback key)."""
    for candidate in (key, _FALLBACK.get(key, "")):
        raw = design.get(candidate) if candidate else None
        if raw:
            try:
                return parse_color(raw).hex, True
            except ValidationError:
                pass
    return CLIENT_DEFAULTS.get(key, "#FFFFFF"), False


def contrast_checks(design: Mapping[str, str]) -> list[ContrastCheck]:
    """WCAG contrast of every pair the participant sees in which the design sets at least one colour.

    The other side is the client's default when the design leaves it unset: a dark background alone makes the
    default dark text unreadable, and that is exactly what needs saying. Pairs the design does not touch are the
    client's own and are not listed.
    """
    checks = []
    for fg_key, bg_key, label in CONTRAST_PAIRS:
        fg, fg_set = effective_color(design, fg_key)
        bg, bg_set = effective_color(design, bg_key)
        if bg_key == "background_color" and design.get("background_image"):
            continue  # an image covers the colour; nothing to compare
        if not (fg_set or bg_set):
            continue
        ratio = contrast_ratio(parse_color(fg), parse_color(bg))
        checks.append(ContrastCheck(fg_key, bg_key, label, ratio, fg, bg))
    return checks
