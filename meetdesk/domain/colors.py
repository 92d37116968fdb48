"""Colour parsing and WCAG 2.x contrast."""

from __future__ import annotations

import re
from dataclasses import dataclass

from meetdesk.domain.errors import ValidationError

_HEX = re.compile(r"^#?(?P<h>[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

#: WCAG 2.x AA threshold for normal text
MIN_TEXT_CONTRAST = 4.5


@dataclass(frozen=True)
class Color:
    r: int
    g: int
    b: int

    @property
    def hex(self) -> str:
        return f"#{self.r:02X}{self.g:02X}{self.b:02X}"

    def relative_luminance(self) -> float:
        """WCAG 2.x relative luminance (sRGB)."""

        def channel(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(self.r) + 0.7152 * channel(self.g) + 0.0722 * channel(self.b)


def parse_color(text: str, *, field: str | None = None, label: str = "Colour") -> Color:
    """Parse ``#RGB`` or ``#RRGGBB`` (the leading ``#`` optional)."""
    m = _HEX.match(text.strip())
    if not m:
        raise ValidationError(
            f"{label} must be a hex colour like #004D90, not “{text}”.", field=field
        )
    h = m.group("h")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return Color(int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2.x contrast ratio, from 1.0 to 21.0."""
    la, lb = a.relative_luminance(), b.relative_luminance()
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)
