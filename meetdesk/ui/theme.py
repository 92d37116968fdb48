"""Light and dark: the colour scheme (the desktop's, or the user's choice) and the colours of messages.

Messages (errors, warnings, confirmations) are coloured by *tone*, never by a fixed colour: a widget gets a
``tone`` property (:func:`set_tone`) and one application style sheet colours every tone for the scheme in use,
so switching schemes recolours everything at once. Each tone's colours are chosen to reach WCAG's 4.5:1 on the
window and base colours of both Fusion palettes (tests/ui/test_theme.py measures them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:  # imported where used: the first paint does without QPalette's and QColor's enums
    from PySide6.QtGui import QPalette

SYSTEM, LIGHT, DARK = "system", "light", "dark"
SCHEMES = (SYSTEM, LIGHT, DARK)

#: tone → (colour on a light palette, colour on a dark palette)
TONES: dict[str, tuple[str, str]] = {
    "error": ("#B00020", "#FF8A80"),
    "warning": ("#7A4A00", "#FFB74D"),
    "ok": ("#17692C", "#81C995"),
}
#: tones drawn bold as well
_BOLD = frozenset({"warning"})
_PROPERTY = "tone"


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette in use is a dark one (its window is darker than its text)."""
    from PySide6.QtGui import QGuiApplication, QPalette

    palette = palette if palette is not None else QGuiApplication.palette()
    window, text = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def tone_color(tone: str, dark: bool | None = None) -> str:
    light_color, dark_color = TONES[tone]
    return dark_color if (is_dark() if dark is None else dark) else light_color


def set_tone(widget: QWidget, tone: str | None, *, bold: bool | None = None) -> None:
    """Colour ``widget``'s text by ``tone`` ("error", "warning", "ok"), or plainly (None)."""
    value = (tone or "") + ("-bold" if tone and (bold if bold is not None else tone in _BOLD) else "")
    if widget.property(_PROPERTY) == value:
        return
    widget.setProperty(_PROPERTY, value)
    from PySide6.QtCore import Qt  # not at import: the first paint does without the Qt namespace (window_frame)

    if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        return  # it is polished with the property when first shown: re-polishing now would cost ~1 ms a widget
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def copy_tone(source: QWidget, target: QWidget) -> None:
    """Give ``target`` the tone ``source`` has (a mirrored message)."""
    value = str(source.property(_PROPERTY) or "")
    tone, _, bold = value.partition("-")
    set_tone(target, tone or None, bold=bool(bold))


def tone_style_sheet(dark: bool) -> str:
    rules = []
    for tone in TONES:
        color = tone_color(tone, dark)
        rules.append(f'*[{_PROPERTY}="{tone}"] {{ color: {color}; }}')
        rules.append(f'*[{_PROPERTY}="{tone}-bold"] {{ color: {color}; font-weight: bold; }}')
    return "\n".join(rules)


def dark_palette() -> QPalette:
    """A dark Fusion palette, for platforms that cannot switch themselves (and the user's "Dark" choice)."""
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2B2D31", QPalette.ColorRole.WindowText: "#E8E8E8",
        QPalette.ColorRole.Base: "#1F2023", QPalette.ColorRole.AlternateBase: "#27292D",
        QPalette.ColorRole.Text: "#E8E8E8", QPalette.ColorRole.Button: "#34363B",
        QPalette.ColorRole.ButtonText: "#E8E8E8", QPalette.ColorRole.BrightText: "#FFFFFF",
        QPalette.ColorRole.Highlight: "#2F6FB5", QPalette.ColorRole.HighlightedText: "#FFFFFF",
        QPalette.ColorRole.Link: "#8AB4F8", QPalette.ColorRole.LinkVisited: "#C58AF9",
        QPalette.ColorRole.ToolTipBase: "#34363B", QPalette.ColorRole.ToolTipText: "#E8E8E8",
        QPalette.ColorRole.PlaceholderText: "#8E949B", QPalette.ColorRole.Light: "#4A4D53",
        QPalette.ColorRole.Midlight: "#3E4046", QPalette.ColorRole.Mid: "#55585E",
        QPalette.ColorRole.Dark: "#151618", QPalette.ColorRole.Shadow: "#000000",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80848A"))
    return p


def apply_scheme(choice: str, app: QApplication | None = None) -> bool:
    """Use ``choice`` (system, light or dark) and recolour the tones; returns whether the result is dark.

    Qt ≥ 6.8 asks the platform to switch (``QStyleHints.setColorScheme``); where the platform cannot (offscreen,
    older desktops) the palette is set here, so the choice always takes effect.
    """
    app = app if app is not None else QApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QApplication):
        return False
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette

    hints = app.styleHints()
    wanted = {LIGHT: Qt.ColorScheme.Light, DARK: Qt.ColorScheme.Dark}.get(choice, Qt.ColorScheme.Unknown)
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(wanted)
    if choice == DARK:
        if not is_dark(app.palette()):
            app.setPalette(dark_palette())
    elif choice == LIGHT:
        if is_dark(app.palette()):
            app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(QPalette())  # back to what the platform provides
        if hints.colorScheme() == Qt.ColorScheme.Dark and not is_dark(app.palette()):
            app.setPalette(dark_palette())  # the desktop is dark but Qt's theme plugin did not follow
    dark = is_dark(app.palette())
    restyle(app, dark)
    return dark


def restyle(app: QApplication, dark: bool | None = None) -> None:
    """Rewrite the tones part of the application style sheet for the palette in use."""
    marker = "/* meetdesk tones */"
    current = app.styleSheet()
    own = current.split(marker)[0].rstrip()
    sheet = tone_style_sheet(is_dark(app.palette()) if dark is None else dark)
    app.setStyleSheet(f"{own}\n{marker}\n{sheet}".lstrip())
