"""The names and help texts the parser needs for the action families (``room end``, ``recording url``,
``live lock`` …) — kept apart from the command modules so that building the parser imports none of them."""

from __future__ import annotations

from typing import Any

#: room action → what it is (for help and for "… does not support deleting rooms")
ROOM_ACTION_HELP: dict[str, str] = {
    "delete": "deleting rooms", "end": "ending rooms", "open": "opening rooms", "close": "closing rooms",
}
RECORDING_ACTION_NAMES: tuple[str, ...] = ("delete", "publish", "unpublish", "update", "url")

#: live action → (what it does, in the past tense)
LIVE_ACTIONS: dict[str, tuple[str, str]] = {
    "start": ("start a scheduled meeting now", "started"),
    "status": ("show a meeting's state and who is online", ""),
    "lock": ("lock a running meeting: nobody else can join", "locked"),
    "unlock": ("unlock a running meeting", "unlocked"),
    "mute": ("mute everyone in a running meeting except the chair", "muted"),
    "unmute": ("unmute everyone in a running meeting", "unmuted"),
    "extend": ("make a running meeting longer", "extended"),
    "end": ("end a running meeting for everyone", "ended"),
}


def add_live_commands(sub: Any, leaf: Any) -> None:
    """Register ``live …`` and ``invite`` on the main parser (``leaf`` is main's helper for one command)."""
    live = sub.add_parser("live", help="start a meeting, see who is online, lock, mute, extend or end it",
                          description="Start a meeting, see who is online, lock, mute, extend or end it.")
    actions = live.add_subparsers(dest="live_command", metavar="ACTION", required=True)
    for action, (text, _done) in LIVE_ACTIONS.items():
        p = leaf(actions, action, "live:cmd_live", text)
        p.add_argument("name", metavar="PROFILE", help="the profile's name")
        p.add_argument("meeting_id", metavar="MEETING_ID")
        if action == "extend":
            p.add_argument("--minutes", type=int, required=True, metavar="N", help="how many minutes longer")
        p.set_defaults(action=action)

    p = leaf(sub, "invite", "live:cmd_invite", "call someone into a running meeting")
    p.add_argument("name", metavar="PROFILE", help="the profile's name")
    p.add_argument("meeting_id", metavar="MEETING_ID")
    p.add_argument("--name", dest="display_name", metavar="NAME", help="the person's name")
    p.add_argument("--phone", metavar="NUMBER", help="a phone number to call, e.g. +8613800000000")
    p.add_argument("--sip", metavar="NUMBER", help="a SIP number (a meeting app or a terminal)")
    p.add_argument("--email", metavar="ADDRESS", help="where to send the notification, where the back end can")
    p.add_argument("--terminal", action="store_true",
                   help="call a meeting-room terminal by its --sip number with the meeting password")
