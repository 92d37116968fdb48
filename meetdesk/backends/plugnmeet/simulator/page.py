"""The simulator's stand-in for the plugNmeet web client: one HTML page per join link.

It paints the same elements the real client's ``custom_design`` reaches (``header#main-header``,
``footer#main-footer``, ``.side-panel-bg-color``, ``#main-area``, ``.primary-button``, …), so a
coordinator who opens a demo link sees the design they composed. Values are sanitised before they
go into CSS: the page must not become a script-injection point.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s]+\)|[a-zA-Z]{3,20})$")
_SAFE_URL = re.compile(r"^https://[^\s\"'()<>\\]+$")

DEFAULTS = {
    "primary_color": "#004D90",
    "secondary_color": "#24AEF7",
    "background_color": "#F3F5F8",
    "header_bg_color": "#FFFFFF",
    "footer_bg_color": "#FFFFFF",
    "side_panel_bg_color": "#FFFFFF",
    "footer_icon_bg_color": "#E6EEF6",
    "footer_icon_color": "#004D90",
    "primary_btn_text_color": "#FFFFFF",
    "secondary_btn_text_color": "#FFFFFF",
}
COLOR_KEYS = (*DEFAULTS, "primary_btn_bg_color", "secondary_btn_bg_color",
              "right_side_bg_color")
URL_KEYS = ("background_image", "custom_css_url", "custom_logo")


@dataclass(frozen=True)
class DesignReading:
    """The design as the page applies it, and what it ignored (shown on the page, like console errors)."""

    values: dict[str, str]
    ignored: tuple[str, ...]


#: read only by clients 1.x (removed in client 2.0, commit 22fde42d): left_side_bg_color since 1.0.5,
#: column_camera_* since 1.4 (plugNmeet-client v1.7.5 src/helpers/hooks/useClientCustomization.tsx)
CLIENT_1X_KEYS = ("left_side_bg_color", "column_camera_width", "column_camera_position")


def read_custom_design(raw: str | None, server_design: Mapping[str, str] | None = None) -> DesignReading:
    """Read ``custom_design`` (already URL-decoded) the way client 2.4 does.

    plugNmeet-client ``src/helpers/hooks/useClientCustomization.tsx``: an absent or ``'{}'`` value falls
    back to the server's design (``plugNmeetConfig.designCustomization``); any other value replaces it
    whole (no merging) and is ``JSON.parse``d, a parse error only logged. ``right_side_bg_color`` still
    stands in for an absent ``side_panel_bg_color``; the 1.x-only keys do nothing.
    """
    if not raw or raw == "{}":
        if not server_design:
            return DesignReading({}, ())
        raw = json.dumps(dict(server_design))
    try:
        parsed = json.loads(raw)
    except ValueError:
        return DesignReading({}, ("custom_design is not valid JSON, so the default design is shown",))
    if not isinstance(parsed, dict):
        return DesignReading({}, ("custom_design is not a JSON object, so the default design is shown",))
    values: dict[str, str] = {}
    ignored: list[str] = []
    for key, value in parsed.items():
        text = str(value).strip() if isinstance(value, str | int | float) else ""
        colour_ok = key in COLOR_KEYS and _COLOR.match(text)
        url_ok = key in URL_KEYS and _SAFE_URL.match(text)
        if key in CLIENT_1X_KEYS:
            ignored.append(f"{key}: only plugNmeet clients 1.x read it, this client ignores it")
        elif colour_ok or url_ok:
            values[key] = text
        else:
            ignored.append(f"{key}: {text or 'empty'} was not applied")
    return DesignReading(values, tuple(ignored))


def _design_css(d: Mapping[str, str]) -> str:
    """CSS for the light theme, mirroring the client's customisation rules."""
    primary = d.get("primary_color", DEFAULTS["primary_color"])
    secondary = d.get("secondary_color", DEFAULTS["secondary_color"])
    side = d.get("side_panel_bg_color") or d.get("right_side_bg_color") or DEFAULTS["side_panel_bg_color"]
    main_bg = (f"url('{d['background_image']}') center / cover no-repeat" if d.get("background_image")
               else d.get("background_color", DEFAULTS["background_color"]))
    rules = [
        f"body:not(.dark) .text-primary-color {{ color: {primary}; }}",
        f"body:not(.dark) .border-primary-color {{ border-color: {primary}; }}",
        f"body:not(.dark) .bg-primary-color {{ background-color: {primary}; }}",
        f"body:not(.dark) .text-secondary-color {{ color: {secondary}; }}",
        f"body:not(.dark) header#main-header {{ background-color: "
        f"{d.get('header_bg_color', DEFAULTS['header_bg_color'])}; }}",
        f"body:not(.dark) footer#main-footer {{ background-color: "
        f"{d.get('footer_bg_color', DEFAULTS['footer_bg_color'])}; }}",
        f"body:not(.dark) .side-panel-bg-color {{ background-color: {side}; }}",
        f"body:not(.dark) #main-area, body:not(.dark) .waiting-room {{ background: {main_bg}; }}",
        f"body:not(.dark) .primary-button {{ background-color: {d.get('primary_btn_bg_color', primary)}; "
        f"color: {d.get('primary_btn_text_color', DEFAULTS['primary_btn_text_color'])}; }}",
        f"body:not(.dark) .secondary-button {{ background-color: {d.get('secondary_btn_bg_color', secondary)}; "
        f"color: {d.get('secondary_btn_text_color', DEFAULTS['secondary_btn_text_color'])}; }}",
        f"body:not(.dark) .footer-icon-bg {{ background-color: "
        f"{d.get('footer_icon_bg_color', DEFAULTS['footer_icon_bg_color'])}; "
        f"color: {d.get('footer_icon_color', DEFAULTS['footer_icon_color'])}; }}",
    ]
    return "\n".join(rules)


_BASE_CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1f2933; }
#plugNmeet-app { display: flex; flex-direction: column; min-height: 100vh; }
header#main-header { display: flex; align-items: center; gap: 16px; padding: 12px 24px;
  border-bottom: 1px solid rgba(0,0,0,.08); }
header#main-header h1 { font-size: 1.2rem; margin: 0; flex: 1; }
header#main-header img.logo { height: 32px; }
.wordmark { font-weight: 700; font-size: 1.1rem; }
.badge { font-size: .8rem; padding: 3px 10px; border-radius: 999px; border: 1px solid; }
.layout { display: flex; flex: 1; min-height: 0; }
#main-area { flex: 1; padding: 40px; display: flex; align-items: flex-start; justify-content: center; }
.card { background: rgba(255,255,255,.94); border-radius: 12px; padding: 28px 32px; max-width: 560px;
  width: 100%; box-shadow: 0 6px 24px rgba(0,0,0,.08); }
.card h2 { margin-top: 0; }
.welcome { white-space: pre-wrap; border-left: 4px solid; padding: 4px 12px; margin: 16px 0; }
.buttons { display: flex; gap: 12px; margin-top: 24px; flex-wrap: wrap; }
.primary-button, .secondary-button { border: 0; border-radius: 8px; padding: 10px 20px; font-size: 1rem;
  cursor: pointer; }
aside.side-panel-bg-color { width: 280px; padding: 20px; border-left: 1px solid rgba(0,0,0,.08); }
aside h3 { margin-top: 0; font-size: 1rem; }
aside ul { list-style: none; padding: 0; margin: 0; }
aside li { padding: 6px 0; border-bottom: 1px solid rgba(0,0,0,.06); }
.role { font-size: .8rem; opacity: .75; }
footer#main-footer { display: flex; justify-content: center; gap: 14px; padding: 12px;
  border-top: 1px solid rgba(0,0,0,.08); }
.footer-icon-bg { display: inline-flex; align-items: center; justify-content: center; min-width: 44px;
  height: 44px; border-radius: 50%; padding: 0 12px; font-size: .8rem; }
.notes { font-size: .85rem; opacity: .8; }
.sim-note { font-size: .75rem; text-align: center; opacity: .6; margin: 6px; }
.error-app-bg { display: flex; align-items: center; justify-content: center; min-height: 100vh;
  background: #F3F5F8; }
"""


def _page(title: str, body: str, *, css: str = "", head: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_BASE_CSS}\n{css}</style>\n{head}</head>\n"
        f"<body class=\"light\">\n{body}\n</body>\n</html>\n"
    )


def error_page(heading: str, message: str) -> str:
    body = (
        "<div class=\"error-app-bg\"><div class=\"card\">"
        f"<h2>{html.escape(heading)}</h2><p>{html.escape(message)}</p>"
        "<p class=\"notes\">Ask the organiser for a new join link.</p></div></div>"
    )
    return _page(f"{heading} – plugNmeet", body)


@dataclass(frozen=True)
class PageParticipant:
    name: str
    is_admin: bool


#: plugNmeet-client src/helpers/languages.ts (v2.4); HandleParticipants.ts applies preferred_lang only when
#: ``languagesMap.get(preferredLang.toLowerCase())`` finds it
CLIENT_LANGUAGE_CODES = {code.lower(): code for code in (
    "en", "es-ES", "de-DE", "fr-FR", "it-IT", "pt-PT", "ar-SA", "bn-BD", "cs-CZ", "da-DK", "el-GR", "et-EE",
    "fa-IR", "he-IL", "hr-HR", "hu-HU", "id-ID", "ja-JP", "ko-KR", "lv-LV", "nl-NL", "no-NO", "pl-PL", "ro-RO",
    "ru-RU", "sv-SE", "tr-TR", "uk-UA", "vi-VN", "zh-CN", "zh-TW")}


def join_page(*, room_title: str, room_id: str, name: str, is_admin: bool, is_hidden: bool,
              welcome: str, participants: Sequence[PageParticipant], design: DesignReading,
              waiting_message: str | None = None, language: str = "",
              locks: Mapping[str, Any] | None = None) -> str:
    d = design.values
    role = "Moderator" if is_admin else "Participant"
    head = ""
    if d.get("custom_css_url"):
        head += f"<link rel=\"stylesheet\" href=\"{html.escape(d['custom_css_url'])}\">\n"
    logo = (f"<img class=\"logo\" src=\"{html.escape(d['custom_logo'])}\" alt=\"Logo\">" if d.get("custom_logo")
            else "<span class=\"wordmark text-primary-color\">plugNmeet</span>")
    people = "".join(
        f"<li>{html.escape(p.name)} <span class=\"role\">{'moderator' if p.is_admin else 'participant'}</span></li>"
        for p in participants
    ) or "<li>Nobody else yet</li>"
    notes = []
    if is_hidden:
        notes.append("You join hidden: other participants do not see you.")
    applied = CLIENT_LANGUAGE_CODES.get(language.lower()) if language else None
    if applied:
        notes.append(f"Interface language: {html.escape(applied)}.")
    elif language:  # the client ignores a code it does not have and keeps the browser's language
        notes.append(f"Interface language: the browser's ({html.escape(language)} is not one of the client's).")
    locked = [k.removeprefix("lock_").replace("_", " ") for k, v in (locks or {}).items() if v]
    if locked and not is_admin:
        notes.append("Locked for you: " + html.escape(", ".join(locked)) + ".")
    notes.extend(html.escape(i) for i in design.ignored)
    notes_html = "".join(f"<p class=\"notes\">{n}</p>" for n in notes)
    if waiting_message is not None:
        content = (
            "<div class=\"card waiting-room\"><h2 class=\"text-primary-color\">Waiting room</h2>"
            f"<p>Hello {html.escape(name)}, a moderator will let you in shortly.</p>"
            + (f"<p class=\"welcome border-primary-color\">{html.escape(waiting_message)}</p>" if waiting_message
               else "")
            + f"{notes_html}</div>"
        )
    else:
        content = (
            f"<div class=\"card\"><h2 class=\"text-primary-color\">Welcome, {html.escape(name)}</h2>"
            f"<p>You are joining <strong>{html.escape(room_title)}</strong> as <strong>{role}</strong>.</p>"
            + (f"<p class=\"welcome border-primary-color\">{html.escape(welcome)}</p>" if welcome else "")
            + "<div class=\"buttons\"><button class=\"primary-button\">Join with microphone</button>"
            "<button class=\"secondary-button\">Listen only</button></div>"
            f"{notes_html}</div>"
        )
    body = (
        "<div id=\"plugNmeet-app\">\n"
        f"<header id=\"main-header\">{logo}<h1 class=\"text-primary-color\">{html.escape(room_title)}</h1>"
        f"<span class=\"badge border-primary-color text-primary-color\">{role}</span></header>\n"
        f"<div class=\"layout\"><main id=\"main-area\">{content}</main>\n"
        "<aside class=\"side-panel-bg-color participants-wrapper\"><h3 class=\"text-secondary-color\">"
        f"Participants</h3><ul>{people}</ul></aside></div>\n"
        "<footer id=\"main-footer\"><span class=\"footer-icon-bg\">Mic</span>"
        "<span class=\"footer-icon-bg\">Camera</span><span class=\"footer-icon-bg\">Share</span>"
        "<span class=\"footer-icon-bg\">Chat</span><span class=\"footer-icon-bg\">Leave</span></footer>\n"
        f"<p class=\"sim-note\">meetdesk plugNmeet simulator · room {html.escape(room_id)}</p>\n</div>"
    )
    return _page(f"{room_title} – plugNmeet", body, css=_design_css(d), head=head)
